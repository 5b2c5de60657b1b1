import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

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

    const panel = await openRecentPanel(page);
    await expect(item(panel, notebook)).toBeVisible();
    // folders count once the browser stayed there 1.5 s
    await expect(item(panel, data)).toBeVisible({ timeout: 15000 });
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
});
