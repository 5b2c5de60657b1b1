import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import * as fs from 'fs';

import { textContrast } from './contrast';

/**
 * The user's own flow: bookmark scratch/run1 from the file browser, find it
 * at the top of the sidebar, jump back to it, keep it across a reload,
 * rename and remove it.
 */

function favorites(page: IJupyterLabPageFixture): Locator {
  return page.locator('.jp-FileBrowser .jp-hpc-Favorites');
}

function favorite(page: IJupyterLabPageFixture, name: string): Locator {
  return favorites(page).locator('.jp-hpc-Favorites-item', {
    has: page.locator('.jp-hpc-Favorites-name', {
      hasText: new RegExp(`^${name}$`)
    })
  });
}

/** The file browser's directory, as its breadcrumbs show it ('' at the root). */
async function currentDirectory(page: IJupyterLabPageFixture): Promise<string> {
  return (await page.filebrowser.getCurrentDirectory()).replace(
    /^\/+|\/+$/g,
    ''
  );
}

test.describe('Favorites', () => {
  test('bookmark scratch/run1, navigate, reload, rename, remove', async ({
    page,
    tmpPath
  }) => {
    const run1 = `${tmpPath}/scratch/run1`;
    await page.contents.createDirectory(run1);
    await page.sidebar.openTab('filebrowser');
    await expect(favorites(page)).toBeVisible();

    // right-click run1 in its parent directory: Add to Favorites
    await page.filebrowser.openDirectory(`${tmpPath}/scratch`);
    await page
      .locator('.jp-DirListing-item', { hasText: 'run1' })
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Add to Favorites' }).click();

    const entry = favorite(page, 'run1');
    await expect(entry).toBeVisible();
    await expect(entry).toHaveAttribute('title', `/${run1}`);

    // navigate elsewhere, then click the favorite
    await page.filebrowser.openHomeDirectory();
    await expect.poll(() => currentDirectory(page)).toBe('');
    await entry.click();
    await expect.poll(() => currentDirectory(page)).toBe(run1);

    // the bookmark lives on the server: still there after a reload
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await expect(favorite(page, 'run1')).toBeVisible();

    // rename
    await favorite(page, 'run1').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Rename Favorite…' }).click();
    const input = page.locator('.jp-Dialog input');
    // an empty name: the dialog says why and Rename stays disabled
    await input.fill('  ');
    await expect(page.locator('.jp-Dialog')).toContainText(
      'A favorite needs a name'
    );
    await expect(
      page.locator('.jp-Dialog').getByRole('button', { name: 'Rename' })
    ).toBeDisabled();
    await input.fill('My first run');
    await expect(page.locator('.jp-Dialog')).not.toContainText(
      'A favorite needs a name'
    );
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Rename' })
      .click();
    await expect(favorite(page, 'My first run')).toBeVisible();
    await expect(favorite(page, 'run1')).toHaveCount(0);

    // remove, undo, remove again
    await favorite(page, 'My first run').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Remove from Favorites' }).click();
    await expect(favorite(page, 'My first run')).toHaveCount(0);
    const toast = page.locator('.Toastify__toast', {
      hasText: 'Removed "My first run" from Favorites.'
    });
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect(favorite(page, 'My first run')).toBeVisible();
    await favorite(page, 'My first run').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Remove from Favorites' }).click();
    await expect(favorite(page, 'My first run')).toHaveCount(0);
    const response = await page.request.get('/hpc/favorites');
    const body = await response.json();
    expect(body.favorites.map((f: { path: string }) => f.path)).not.toContain(
      `${tmpPath}/scratch/run1`
    );
  });

  test('several selected items are added and removed at once', async ({
    page,
    tmpPath
  }) => {
    for (const name of ['sim-a', 'sim-b']) {
      await page.contents.createDirectory(`${tmpPath}/${name}`);
    }
    await page.sidebar.openTab('filebrowser');
    await page.filebrowser.openDirectory(tmpPath);
    const listing = page.locator('.jp-DirListing-item');
    await listing.filter({ hasText: 'sim-a' }).click();
    await listing
      .filter({ hasText: 'sim-b' })
      .click({ modifiers: ['Control'] });
    await listing.filter({ hasText: 'sim-b' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Add to Favorites' }).click();
    await expect(favorite(page, 'sim-a')).toBeVisible();
    await expect(favorite(page, 'sim-b')).toBeVisible();

    await listing.filter({ hasText: 'sim-b' }).click({ button: 'right' });
    await expect(
      page.getByRole('menuitem', { name: 'Add to Favorites' })
    ).toHaveCount(0);
    await page.getByRole('menuitem', { name: 'Remove from Favorites' }).click();
    await expect(favorite(page, 'sim-a')).toHaveCount(0);
    await expect(favorite(page, 'sim-b')).toHaveCount(0);
  });

  test("the star adds and removes the user's own favorite only", async ({
    page,
    tmpPath
  }) => {
    const star = favorites(page).locator('.jp-hpc-Favorites-star');
    await page.contents.createDirectory(`${tmpPath}/project`);
    await page.sidebar.openTab('filebrowser');

    // at the root a site favorite ("Jupyter root") points here: the star
    // shows it, but clicking it does not hide it
    await page.filebrowser.openHomeDirectory();
    await expect(favorite(page, 'Jupyter root')).toHaveAttribute(
      'aria-current',
      'location'
    );
    await expect(star).toHaveAttribute('aria-pressed', 'false');
    await expect(star).toHaveAttribute('aria-disabled', 'true');
    await expect(star).toHaveAttribute('title', /Jupyter root.*site/);
    await star.click({ force: true }); // aria-disabled: Playwright would wait
    await page.waitForTimeout(500);
    await expect(favorite(page, 'Jupyter root')).toBeVisible();
    const site = (await (await page.request.get('/hpc/favorites')).json())
      .favorites;
    expect(
      site.find((f: { name: string }) => f.name === 'Jupyter root').hidden
    ).toBe(false);

    // in project/: add with the star, the entry is the current folder
    await page.filebrowser.openDirectory(`${tmpPath}/project`);
    await expect(favorite(page, 'Jupyter root')).not.toHaveAttribute(
      'aria-current',
      'location'
    );
    await expect(star).toHaveAttribute('aria-pressed', 'false');
    await star.click();
    await expect(favorite(page, 'project')).toHaveAttribute(
      'aria-current',
      'location'
    );
    await expect(star).toHaveAttribute('aria-pressed', 'true');
    // remove with the star; Undo brings it back
    await star.click();
    await expect(favorite(page, 'project')).toHaveCount(0);
    await expect(star).toHaveAttribute('aria-pressed', 'false');
    await page
      .locator('.Toastify__toast', { hasText: 'Removed "project"' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect(favorite(page, 'project')).toBeVisible();
    await star.click();
    await expect(favorite(page, 'project')).toHaveCount(0);

    // the command palette adds the current folder too
    await page.keyboard.press('Control+Shift+C');
    await page
      .locator('.lm-CommandPalette-input')
      .fill('Add Current Folder to Favorites');
    await page.keyboard.press('Enter');
    await expect(favorite(page, 'project')).toBeVisible();
    await expect(star).toHaveAttribute('aria-pressed', 'true');
    await star.click();
    await expect(favorite(page, 'project')).toHaveCount(0);
  });

  test('unusable favorites stay, greyed, with the reason', async ({
    page,
    tmpPath
  }) => {
    await page.contents.createDirectory(`${tmpPath}/mounted`);
    await addByApi(page, `${tmpPath}/mounted`);
    await page.contents.deleteDirectory(`${tmpPath}/mounted`);
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    const gone = favorite(page, 'mounted');
    await expect(gone).toHaveClass(/jp-mod-unusable/);
    await expect(gone).toHaveAttribute('title', /does not exist/);
    const unset = favorite(page, 'Unset project');
    await expect(unset).toHaveClass(/jp-mod-unusable/);
    await expect(unset).toHaveAttribute(
      'title',
      /\$HPC_UI_TESTS_UNSET is not set/
    );
    // clicking it explains instead of navigating
    await gone.click();
    await expect(
      page.locator('.jp-toast-message', { hasText: 'cannot be opened' })
    ).toBeVisible();
    // the directory comes back: the favorite works again
    await page.contents.createDirectory(`${tmpPath}/mounted`);
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await expect(favorite(page, 'mounted')).not.toHaveClass(/jp-mod-unusable/);
  });

  test('a file favorite opens the file', async ({ page, tmpPath }) => {
    await page.contents.uploadContent('hello', 'text', `${tmpPath}/notes.txt`);
    await addByApi(page, `${tmpPath}/notes.txt`, 'Lab notes');
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await favorite(page, 'Lab notes').click();
    await expect(
      page.locator('.lm-TabBar-tab.lm-mod-current', { hasText: 'notes.txt' })
    ).toBeVisible();
  });

  test('drag and drop reorders, palette and File menu open', async ({
    page,
    tmpPath
  }) => {
    for (const name of ['alpha', 'beta']) {
      await page.contents.createDirectory(`${tmpPath}/${name}`);
      await addByApi(page, `${tmpPath}/${name}`);
    }
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await favorite(page, 'beta').dragTo(favorite(page, 'alpha'));
    await expect
      .poll(async () =>
        (await serverNames(page)).filter(n => ['alpha', 'beta'].includes(n))
      )
      .toEqual(['beta', 'alpha']);
    const names = favorites(page).locator('.jp-hpc-Favorites-name');
    await expect(names.filter({ hasText: /^(alpha|beta)$/ })).toHaveText([
      'beta',
      'alpha'
    ]);

    // command palette: "Open Favorite: alpha"
    await page.keyboard.press('Control+Shift+C');
    await page.locator('.lm-CommandPalette-input').fill('Open Favorite: alpha');
    await page.keyboard.press('Enter');
    await expect.poll(() => currentDirectory(page)).toBe(`${tmpPath}/alpha`);

    // File > Favorites > beta
    await page.menu.clickMenuItem('File>Favorites>beta');
    await expect.poll(() => currentDirectory(page)).toBe(`${tmpPath}/beta`);
  });

  test('collapsed state and height are remembered', async ({ page }) => {
    await page.sidebar.openTab('filebrowser');
    const list = favorites(page).locator('.jp-hpc-Favorites-list');
    await expect(list).toBeVisible();
    const handle = favorites(page).locator('.jp-hpc-Favorites-resizer');
    const box = (await handle.boundingBox())!;
    const before = (await list.boundingBox())!.height;
    // the layout is kept in the workspace state, saved shortly after a change
    let saved = workspaceSaved(page, '"height":');
    await page.mouse.move(box.x + box.width / 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + 82, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => (await list.boundingBox())!.height)
      .toBeGreaterThan(before + 60);
    const resized = (await list.boundingBox())!.height;
    await saved;

    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await expect
      .poll(async () => Math.round((await list.boundingBox())?.height ?? 0))
      .toBe(Math.round(resized));

    saved = workspaceSaved(page, '"collapsed":true');
    await favorites(page).locator('.jp-hpc-Favorites-collapser').click();
    await expect(list).toHaveCount(0);
    await saved;
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await expect(
      favorites(page).locator('.jp-hpc-Favorites-collapser')
    ).toHaveAttribute('aria-expanded', 'false');
    await expect(list).toHaveCount(0);
    await favorites(page).locator('.jp-hpc-Favorites-collapser').click();
    await expect(list).toBeVisible();
  });

  test('the sortBy setting orders the section', async ({ page, tmpPath }) => {
    for (const name of ['zeta-run10', 'Alpha', 'zeta-run2']) {
      await page.contents.createDirectory(`${tmpPath}/${name}`);
      await addByApi(page, `${tmpPath}/${name}`);
    }
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    const ours = favorites(page)
      .locator('.jp-hpc-Favorites-name')
      .filter({ hasText: /^(zeta-run10|Alpha|zeta-run2)$/ });
    await expect(ours).toHaveText(['zeta-run10', 'Alpha', 'zeta-run2']);
    const setSortBy = (value: string) =>
      page.evaluate(async value => {
        const registry = (await (window as any).galata.getPlugin(
          '@jupyterlab/apputils-extension:settings'
        )) as any;
        await registry.set('@jupyterlab-hpc/favorites:plugin', 'sortBy', value);
      }, value);
    await setSortBy('name');
    await expect(ours).toHaveText(['Alpha', 'zeta-run2', 'zeta-run10']);
    await setSortBy('manual');
    await expect(ours).toHaveText(['zeta-run10', 'Alpha', 'zeta-run2']);
  });

  test('site favorites can be hidden and restored', async ({ page }) => {
    await page.sidebar.openTab('filebrowser');
    await favorite(page, 'Unset project').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Hide Site Favorite' }).click();
    await expect(favorite(page, 'Unset project')).toHaveCount(0);
    // hiding can be undone at once too
    await page
      .locator('.Toastify__toast', { hasText: 'Hid the site favorite' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect(favorite(page, 'Unset project')).toBeVisible();
    await favorite(page, 'Unset project').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Hide Site Favorite' }).click();
    await expect(favorite(page, 'Unset project')).toHaveCount(0);
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await expect(favorite(page, 'Unset project')).toHaveCount(0);
    await favorites(page)
      .getByRole('button', { name: /Restore 1 hidden site favorite/ })
      .click();
    await expect(favorite(page, 'Unset project')).toBeVisible();
  });

  test('a damaged store is set aside and reported', async ({ page }) => {
    const status = await (
      await page.request.get('/hpc/favorites/status')
    ).json();
    fs.writeFileSync(status.store, '{"favorites": [ broken');
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    const notice = favorites(page).locator('.jp-hpc-Favorites-notice');
    await expect(notice).toContainText('damaged');
    await expect(notice).toContainText('favorites.json.corrupt-');
    // the user starts again from the site defaults
    await expect(favorite(page, 'Jupyter root')).toBeVisible();
    const backup = (await (await page.request.get('/hpc/favorites')).json())
      .store_error.backup;
    expect(fs.readFileSync(backup, 'utf-8')).toBe('{"favorites": [ broken');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    await expect(favorite(page, 'Jupyter root')).toBeVisible();
    await expect(notice).toHaveCount(0);
  });
});

test.describe('Favorites, second look', () => {
  test('repeated names show their folder; arrows, menu key and Delete by keyboard; greyed names readable', async ({
    page,
    tmpPath
  }) => {
    await page.contents.createDirectory(`${tmpPath}/climate/analysis/run1`);
    await page.contents.createDirectory(`${tmpPath}/dft/run1`);
    await addByApi(page, `${tmpPath}/climate/analysis/run1`);
    await addByApi(page, `${tmpPath}/dft/run1`);
    await page.reload();
    await page.sidebar.openTab('filebrowser');
    const both = favorite(page, 'run1');
    await expect(both).toHaveCount(2);
    await expect(both.locator('.jp-hpc-Favorites-hint')).toHaveText([
      '…/analysis',
      '…/dft'
    ]);

    // arrows move between favorites; the menu key's menu gives the focus back
    await both.first().focus();
    await page.keyboard.press('ArrowDown');
    await expect(both.nth(1)).toBeFocused();
    await page.keyboard.press('ContextMenu');
    await expect(
      page.getByRole('menuitem', { name: 'Copy Path' })
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(both.nth(1)).toBeFocused();
    // also after a dialog the menu opened (Rename…, cancelled)
    await page.keyboard.press('ContextMenu');
    await page.getByRole('menuitem', { name: 'Rename Favorite…' }).click();
    await expect(page.locator('.jp-Dialog')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    await expect(both.nth(1)).toBeFocused();
    // Delete removes it, with an Undo
    await page.keyboard.press('Delete');
    await expect(both).toHaveCount(1);
    await expect(both.locator('.jp-hpc-Favorites-hint')).toHaveCount(0);
    await page
      .locator('.Toastify__toast', { hasText: 'Removed "run1"' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect(both).toHaveCount(2);

    // Alt+↑ moves one of your own favorites up, as drag and drop does
    const hints = both.locator('.jp-hpc-Favorites-hint');
    await expect(hints).toHaveText(['…/analysis', '…/dft']);
    await both.nth(1).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect(hints).toHaveText(['…/dft', '…/analysis']);
    await expect(both.first()).toBeFocused();
    // the list's height by keyboard: its bottom edge, ↓
    const list = favorites(page).locator('.jp-hpc-Favorites-list');
    const before = (await list.boundingBox())!.height;
    await favorites(page).getByRole('separator').focus();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(async () => (await list.boundingBox())!.height)
      .toBeGreaterThan(before + 20);

    // an unusable favorite is greyed, yet 4.5:1, in both themes, hovered too
    const unset = favorite(page, 'Unset project');
    await expect(unset).toHaveClass(/jp-mod-unusable/);
    for (const dark of [false, true]) {
      await (dark ? page.theme.setDarkTheme() : page.theme.setLightTheme());
      await page.mouse.move(0, 0);
      expect(await textContrast(unset)).toBeGreaterThanOrEqual(4.5);
      await unset.hover();
      expect(await textContrast(unset)).toBeGreaterThanOrEqual(4.5);
    }
    await page.theme.setLightTheme();
    const listed = await (await page.request.get('/hpc/favorites')).json();
    for (const f of listed.favorites) {
      if (f.path.startsWith(tmpPath)) {
        await page.request.delete(`/hpc/favorites/${f.id}`);
      }
    }
  });
});

async function addByApi(
  page: IJupyterLabPageFixture,
  path: string,
  name?: string
): Promise<void> {
  const response = await page.request.post('/hpc/favorites', {
    data: name ? { path, name } : { path }
  });
  expect(response.status()).toBe(201);
}

/** Wait until the workspace state holding `text` is saved. */
function workspaceSaved(
  page: IJupyterLabPageFixture,
  text: string
): Promise<unknown> {
  return page.waitForRequest(
    r =>
      r.url().includes('/api/workspaces') &&
      r.method() === 'PUT' &&
      (r.postData() ?? '').includes(text)
  );
}

async function serverNames(page: IJupyterLabPageFixture): Promise<string[]> {
  const response = await page.request.get('/hpc/favorites');
  const body = await response.json();
  return body.favorites.map((f: { name: string }) => f.name);
}
