import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

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
    await input.fill('My first run');
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Rename' })
      .click();
    await expect(favorite(page, 'My first run')).toBeVisible();
    await expect(favorite(page, 'run1')).toHaveCount(0);

    // remove
    await favorite(page, 'My first run').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Remove from Favorites' }).click();
    await expect(favorite(page, 'My first run')).toHaveCount(0);
    const response = await page.request.get('/hpc/favorites');
    const body = await response.json();
    expect(body.favorites.map((f: { path: string }) => f.path)).not.toContain(
      `${tmpPath}/scratch/run1`
    );
  });
});
