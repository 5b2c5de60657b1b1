import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

import { textContrast } from './contrast';

/**
 * The Recent sidebar panel: what the user opens is recorded on the server,
 * survives a reload, can be pinned, cleared (pins kept) and follows renames.
 */

const NOTEBOOK = JSON.stringify({
  cells: [
    {
      cell_type: 'markdown',
      metadata: {},
      source: ['# Analysis']
    }
  ],
  metadata: {
    kernelspec: {
      display_name: 'Python 3',
      language: 'python',
      name: 'python3'
    }
  },
  nbformat: 4,
  nbformat_minor: 5
});

async function openRecentPanel(page: IJupyterLabPageFixture): Promise<Locator> {
  // activateById is idempotent (a tab click would close an open panel).
  await page.evaluate(() => {
    (window as any).jupyterapp.shell.activateById('jp-hpc-recents');
  });
  const panel = page.locator('.jp-hpc-Recents');
  await expect(panel).toBeVisible();
  return panel;
}

function item(panel: Locator, path: string): Locator {
  return panel.locator(`.jp-hpc-Recents-item[data-recent-path="${path}"]`);
}

async function serverPaths(page: IJupyterLabPageFixture): Promise<string[]> {
  const response = await page.request.get('/hpc/recents');
  expect(response.ok()).toBeTruthy();
  const body = await response.json();
  return body.recents.map((e: { path: string }) => e.path);
}

test.use({ autoGoto: true });

test.describe('Recent panel', () => {
  test.beforeEach(async ({ page }) => {
    // One server for the whole run: start each test from an empty list.
    const response = await page.request.delete('/hpc/recents?all=true');
    expect(response.ok()).toBeTruthy();
  });

  test('records a notebook and a folder, keeps pins on clear, follows renames', async ({
    page,
    tmpPath
  }) => {
    const notebook = `${tmpPath}/analysis.ipynb`;
    const data = `${tmpPath}/data`;
    await page.contents.uploadContent(NOTEBOOK, 'text', notebook);
    await page.contents.createDirectory(data);
    await page.contents.uploadContent(
      'a,b\n1,2\n',
      'text',
      `${data}/values.csv`
    );

    // open a notebook, then the folder data/ in the file browser
    await page.filebrowser.refresh();
    expect(await page.notebook.openByPath(notebook)).toBeTruthy();
    expect(await page.filebrowser.openDirectory(data)).toBeTruthy();

    // a folder counts once something is opened in it
    await page.filebrowser.open(`${data}/values.csv`);

    const panel = await openRecentPanel(page);
    await expect(item(panel, notebook)).toBeVisible();
    await expect(item(panel, data)).toBeVisible();
    await expect(item(panel, notebook)).toHaveAttribute(
      'title',
      new RegExp(notebook)
    );
    await expect(panel.locator('[data-group="today"]')).toContainText('Today');

    // reload (with a fresh workspace: nothing restored browser-side): the
    // list comes from the server
    await page.goto(`tree/${tmpPath}?reset`);
    const reloaded = await openRecentPanel(page);
    await expect(item(reloaded, notebook)).toBeVisible();
    await expect(item(reloaded, data)).toBeVisible();

    // pin the notebook: it moves to the Pinned group
    await item(reloaded, notebook).hover();
    await item(reloaded, notebook).locator('.jp-hpc-Recents-pin').click();
    await expect(
      reloaded
        .locator('[data-group="pinned"]')
        .locator(`[data-recent-path="${notebook}"]`)
    ).toBeVisible();

    // Clear: confirm; the pinned notebook stays, the folder goes
    await reloaded.locator('.jp-hpc-Recents-clear').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('pinned entry is kept');
    await dialog.locator('.jp-Dialog-button.jp-mod-warn').click();
    await expect(item(reloaded, data)).toHaveCount(0);
    await expect(item(reloaded, notebook)).toBeVisible();
    // (the test folder itself may be recorded too: the page URL opens it)
    const kept = await serverPaths(page);
    expect(kept).toContain(notebook);
    expect(kept).not.toContain(data);

    // rename the notebook in the file browser: the entry follows, still pinned
    await page.sidebar.openTab('filebrowser');
    await page.filebrowser.openDirectory(tmpPath);
    await page
      .locator('.jp-DirListing-item', { hasText: 'analysis.ipynb' })
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: /^Rename/ }).click();
    const editor = page.locator('.jp-DirListing-editor');
    await editor.fill('renamed.ipynb');
    await editor.press('Enter');
    await expect(
      page.locator('.jp-DirListing-item', { hasText: 'renamed.ipynb' })
    ).toBeVisible();

    const after = await openRecentPanel(page);
    const renamed = `${tmpPath}/renamed.ipynb`;
    await expect(
      after
        .locator('[data-group="pinned"]')
        .locator(`[data-recent-path="${renamed}"]`)
    ).toBeVisible();
    await expect(item(after, notebook)).toHaveCount(0);
    const final = await serverPaths(page);
    expect(final).toContain(renamed);
    expect(final).not.toContain(notebook);
  });

  test('one POST per open; reopens with its viewer; filter, missing, remove, favorites, clear all', async ({
    page,
    tmpPath
  }) => {
    // (in a folder the file browser does not show: opening it records only it)
    const notes = `${tmpPath}/docs/notes.md`;
    const gone = `${tmpPath}/gone.txt`;
    const run2 = `${tmpPath}/runs/run2`;
    await page.contents.createDirectory(`${tmpPath}/docs`);
    await page.contents.uploadContent('# Notes\n\nhello', 'text', notes);
    await page.contents.uploadContent('bye', 'text', gone);
    await page.contents.createDirectory(`${tmpPath}/runs`);
    await page.contents.createDirectory(run2);

    const calls: string[] = [];
    page.on('request', request => {
      if (new URL(request.url()).pathname.startsWith('/hpc/recents')) {
        calls.push(request.method());
      }
    });

    // opening a document with a chosen viewer: exactly one POST, no GET
    const posted = page.waitForResponse(
      r => r.url().includes('/hpc/recents') && r.request().method() === 'POST'
    );
    await page.evaluate(
      path =>
        (window as any).jupyterapp.commands.execute('docmanager:open', {
          path,
          factory: 'Markdown Preview'
        }),
      notes
    );
    expect((await posted).request().postDataJSON()).toEqual({
      path: notes,
      type: 'file',
      factory: 'Markdown Preview',
      max_length: 50
    });
    // switching tabs back and forth is not a new open
    await page.activity.activateTab('Launcher');
    await page.activity.activateTab('notes.md');
    await page.waitForTimeout(2000);
    expect(calls).toEqual(['POST']);

    // close it, reopen from the Recent panel: same viewer
    await page.activity.closeAll();
    const panel = await openRecentPanel(page);
    await item(panel, notes).click();
    await expect(
      page.locator('.jp-MainAreaWidget .jp-MarkdownViewer')
    ).toBeVisible();

    // entries recorded elsewhere (another tab, another browser) show on refresh
    for (const [path, type] of [
      [gone, 'file'],
      [run2, 'directory']
    ]) {
      const response = await page.request.post('/hpc/recents', {
        data: { path, type }
      });
      expect(response.ok()).toBeTruthy();
    }
    await page.contents.deleteFile(gone);
    await panel.locator('.jp-hpc-Recents-refresh').click();
    await expect(item(panel, gone)).toHaveClass(/jp-mod-missing/);
    await expect(item(panel, gone)).toContainText('missing');
    await expect(item(panel, notes)).not.toHaveClass(/jp-mod-missing/);

    // the filter narrows as one types
    const filter = panel.locator('.jp-hpc-Recents-filter');
    await filter.fill('run');
    await expect(item(panel, run2)).toBeVisible();
    await expect(item(panel, notes)).toHaveCount(0);
    await filter.fill('nothing-like-this');
    await expect(panel.locator('.jp-hpc-Recents-empty')).toContainText(
      'No matches'
    );
    await panel.getByRole('button', { name: 'Show all' }).click();
    await expect(filter).toHaveValue('');
    await expect(item(panel, notes)).toBeVisible();

    // a missing entry: clicking says so and offers to remove it
    await item(panel, gone).click();
    const toast = page.locator('.Toastify__toast', { hasText: 'is missing' });
    await expect(toast).toBeVisible();
    await toast.getByRole('button', { name: 'Remove from Recent' }).click();
    await expect(item(panel, gone)).toHaveCount(0);

    // a folder: clicking moves the file browser there
    await item(panel, run2).click();
    await expect(page.locator('#filebrowser')).toBeVisible();
    await expect(page.locator('#filebrowser .jp-BreadCrumbs')).toContainText(
      'run2'
    );

    // Add to Favorites (the favorites extension is installed)
    const back = await openRecentPanel(page);
    await item(back, run2).hover();
    await item(back, run2).locator('.jp-hpc-Recents-favorite').click();
    await expect(
      item(back, run2).locator('.jp-hpc-Recents-favorite')
    ).toBeDisabled();
    const favorites = await (await page.request.get('/hpc/favorites')).json();
    const added = favorites.favorites.find(
      (f: { path: string }) => f.path === run2
    );
    expect(added).toBeTruthy();
    await page.request.delete(`/hpc/favorites/${added.id}`);

    // remove one entry with its button
    await item(back, notes).hover();
    await item(back, notes).locator('.jp-hpc-Recents-remove').click();
    await expect(item(back, notes)).toHaveCount(0);

    // Clear, ticking "also pinned": nothing left
    // (pinned from the context menu this time)
    await item(back, run2).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Pin to the Top' }).click();
    await expect(back.locator('[data-group="pinned"]')).toBeVisible();
    await item(back, run2).click({ button: 'right' });
    await expect(page.getByRole('menuitem', { name: 'Unpin' })).toBeVisible();
    await page.keyboard.press('Escape');
    await back.locator('.jp-hpc-Recents-clear').click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByRole('checkbox').check();
    await dialog.locator('.jp-Dialog-button.jp-mod-warn').click();
    await expect(back.locator('.jp-hpc-Recents-item')).toHaveCount(0);
    await expect(back.locator('.jp-hpc-Recents-empty')).toContainText(
      'Nothing yet'
    );
    expect(await serverPaths(page)).toEqual([]);
  });
});

test.describe('Recent panel, first-time user', () => {
  test.beforeEach(async ({ page }) => {
    const response = await page.request.delete('/hpc/recents?all=true');
    expect(response.ok()).toBeTruthy();
  });

  test('folders passed through are not recorded; the one used is', async ({
    page,
    tmpPath
  }) => {
    const deep = `${tmpPath}/a/b/c`;
    await page.contents.createDirectory(deep);
    await page.contents.uploadContent(NOTEBOOK, 'text', `${deep}/used.ipynb`);
    // through a/ and a/b/ (double clicks) to a/b/c/, then open a notebook
    expect(await page.filebrowser.openDirectory(deep)).toBeTruthy();
    await page.waitForTimeout(2500); // past the old 1.5 s folder delay
    await page.filebrowser.open(`${deep}/used.ipynb`);
    await expect
      .poll(() => serverPaths(page))
      .toEqual([`${deep}/used.ipynb`, deep]);
  });

  test('palette, keyboard, readable names, repeated names', async ({
    page,
    tmpPath
  }) => {
    // a 20-character name, and two notebooks of the same name
    const long = `${tmpPath}/project/tomography_run_v2.py`;
    expect('tomography_run_v2.py').toHaveLength(20);
    for (const [path, type] of [
      [`${tmpPath}/run1/analysis.ipynb`, 'notebook'],
      [`${tmpPath}/run2/analysis.ipynb`, 'notebook'],
      [long, 'file']
    ]) {
      await page.contents.uploadContent(
        type === 'file' ? 'x = 1\n' : NOTEBOOK,
        'text',
        path
      );
      const response = await page.request.post('/hpc/recents', {
        data: { path, type }
      });
      expect(response.ok()).toBeTruthy();
    }

    // the command palette opens the panel, with the focus in the filter
    await page.keyboard.press('Control+Shift+C');
    await page.keyboard.type('Show Recent Files');
    await page.keyboard.press('Enter');
    const panel = page.locator('.jp-hpc-Recents');
    await expect(panel).toBeVisible();
    const filter = panel.locator('.jp-hpc-Recents-filter');
    await expect(filter).toBeFocused();

    // at the default sidebar width the 20-character name is shown whole
    const name = item(panel, long).locator('.jp-hpc-Recents-name');
    await expect(name).toHaveText('tomography_run_v2.py');
    const box = await name.evaluate(el => ({
      scroll: el.scrollWidth,
      client: el.clientWidth
    }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
    // repeated names show the folder that tells them apart
    await expect(
      item(panel, `${tmpPath}/run1/analysis.ipynb`).locator(
        '.jp-hpc-Recents-tail'
      )
    ).toHaveText('…/run1');

    // keyboard: from the filter down the list, Enter opens
    await filter.focus();
    await page.keyboard.type('tomo');
    await page.keyboard.press('ArrowDown');
    await expect(item(panel, long)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(
      page.getByRole('main').getByRole('tab', { name: /tomography_run_v2/ })
    ).toBeVisible();
    // pin it from the keyboard: Tab reaches its buttons
    await openRecentPanel(page);
    await item(panel, long).focus();
    const pin = item(panel, long).locator('.jp-hpc-Recents-pin');
    for (let i = 0; i < 4; i++) {
      if (await pin.evaluate(el => el === document.activeElement)) {
        break;
      }
      await page.keyboard.press('Tab');
    }
    await expect(pin).toBeFocused();
    await page.keyboard.press('Space');
    await expect(
      panel
        .locator('[data-group="pinned"]')
        .locator(`[data-recent-path="${long}"]`)
    ).toBeVisible();
  });
});

test.describe('Recent panel, second look', () => {
  test.beforeEach(async ({ page }) => {
    expect((await page.request.delete('/hpc/recents?all=true')).ok());
  });

  test('Delete removes an entry, Undo puts it back as it was; the menu key gives the focus back; a long missing name keeps "missing" in sight; grey text readable when hovered', async ({
    page,
    tmpPath
  }) => {
    const [older, kept, newer] = ['a.txt', 'b.txt', 'c.txt'].map(
      name => `${tmpPath}/data/${name}`
    );
    for (const path of [older, kept, newer]) {
      await page.contents.uploadContent('x', 'text', path);
      expect(
        (
          await page.request.post('/hpc/recents', {
            data: { path, type: 'file' }
          })
        ).ok()
      ).toBeTruthy();
    }
    await page.request.patch('/hpc/recents', {
      data: { path: kept, pinned: true }
    });
    const before = (await (await page.request.get('/hpc/recents')).json())
      .recents;
    const panel = await openRecentPanel(page);
    const pinned = item(panel, kept);
    await expect(pinned).toHaveClass(/jp-mod-pinned/);

    await pinned.focus();
    await page.keyboard.press('ContextMenu');
    await expect(page.getByRole('menuitem', { name: 'Unpin' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(pinned).toBeFocused();

    await page.keyboard.press('Delete');
    await expect(pinned).toHaveCount(0);
    await expect(item(panel, newer)).toBeFocused();
    await page
      .locator('.Toastify__toast', { hasText: 'Removed' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect(pinned).toHaveClass(/jp-mod-pinned/);
    const after = (await (await page.request.get('/hpc/recents')).json())
      .recents;
    expect(after).toEqual(before);

    // a missing entry with a long name still shows "missing" in its row
    const gone = `${tmpPath}/data/a-rather-long-notebook-name-since-deleted.ipynb`;
    expect(
      (
        await page.request.post('/hpc/recents', {
          data: { path: gone, type: 'notebook' }
        })
      ).ok()
    ).toBeTruthy();
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('recents:refresh')
    );
    const missing = item(panel, gone).locator('.jp-hpc-Recents-time');
    await expect(missing).toHaveText('missing');
    const row = (await item(panel, gone).boundingBox())!;
    const word = (await missing.boundingBox())!;
    expect(word.y + word.height).toBeLessThanOrEqual(row.y + row.height);
    expect(word.x + word.width).toBeLessThanOrEqual(row.x + row.width);

    // the folder text keeps 4.5:1 on the hover background, in both themes
    const folder = item(panel, newer).locator('.jp-hpc-Recents-dir');
    for (const dark of [false, true]) {
      await (dark ? page.theme.setDarkTheme() : page.theme.setLightTheme());
      await item(panel, newer).hover();
      expect(await textContrast(folder)).toBeGreaterThanOrEqual(4.5);
    }
    await page.theme.setLightTheme();
  });
});

test.describe('Recent settings', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      '@jupyterlab-hpc/recents:plugin': {
        recordFolders: 'never',
        excludePatterns: ['*.md', '/never/*']
      }
    }
  });

  test('folders and excluded paths are not recorded', async ({
    page,
    tmpPath
  }) => {
    const response = await page.request.delete('/hpc/recents?all=true');
    expect(response.ok()).toBeTruthy();
    await page.contents.uploadContent(
      NOTEBOOK,
      'text',
      `${tmpPath}/kept.ipynb`
    );
    await page.contents.uploadContent('# x', 'text', `${tmpPath}/skipped.md`);
    await page.contents.createDirectory(`${tmpPath}/folder`);

    await page.contents.uploadContent('x', 'text', `${tmpPath}/folder/x.txt`);

    await page.filebrowser.refresh();
    await page.filebrowser.open(`${tmpPath}/skipped.md`);
    expect(
      await page.notebook.openByPath(`${tmpPath}/kept.ipynb`)
    ).toBeTruthy();
    // opening something in a folder would record it under the default rule
    await page.filebrowser.open(`${tmpPath}/folder/x.txt`);
    await page.waitForTimeout(2500); // past the 1.5 s "visited" delay

    const panel = await openRecentPanel(page);
    await expect(item(panel, `${tmpPath}/kept.ipynb`)).toBeVisible();
    expect(await serverPaths(page)).toEqual([
      `${tmpPath}/folder/x.txt`,
      `${tmpPath}/kept.ipynb`
    ]);
  });
});
