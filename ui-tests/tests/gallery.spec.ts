import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { textContrast } from './contrast';

/**
 * The notebook gallery, the user's own flow: open it from the launcher, clone
 * a notebook (it opens in a new tab, lands in the clone directory with the
 * source's kernel and its provenance), clone again (a second copy, the first
 * untouched), preview read-only, and set papermill parameters in the dialog.
 */
const DIR = 'gallery/examples';
const BASE = 'http://localhost:8888';

async function content(request: APIRequestContext, path: string) {
  const response = await request.get(`${BASE}/api/contents/${path}?content=1`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()).content;
}

async function openGallery(page: IJupyterLabPageFixture) {
  const hpc = page.locator('.jp-Launcher-section', {
    has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'HPC' })
  });
  await hpc.getByText('Notebook Gallery').click();
  await expect(page.locator('.jp-hpc-Gallery')).toBeVisible();
}

function card(page: IJupyterLabPageFixture, path: string) {
  return page.locator(`.jp-hpc-Gallery-card[data-path="${path}"]`);
}

/** Clone a card through the dialog, accepting what it proposes. */
async function cloneCard(page: IJupyterLabPageFixture, path: string) {
  await card(page, path).locator('.jp-hpc-Gallery-clone').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('#jp-hpc-clone-name')).toBeVisible();
  await dialog.getByRole('button', { name: 'Clone' }).click();
  await expect(dialog).toHaveCount(0);
}

function tab(page: IJupyterLabPageFixture, label: string) {
  return page.locator('#jp-main-dock-panel .lm-TabBar-tab', {
    has: page.locator('.lm-TabBar-tabLabel', {
      hasText: new RegExp(`^${label}$`)
    })
  });
}

test.describe('Notebook gallery', () => {
  test.beforeEach(async ({ page }) => {
    // sources users added in earlier tests (or an earlier attempt) go away
    const sources = await page.request.get(`${BASE}/hpc/clone/sources`);
    for (const source of await sources.json()) {
      if (source.user) {
        await page.request.delete(`${BASE}/hpc/clone/sources?id=${source.id}`);
      }
    }
    if (await page.contents.directoryExists('gallery')) {
      await page.contents.deleteDirectory('gallery');
    }
  });

  test('clone a notebook twice: two copies, the first untouched', async ({
    page
  }) => {
    await openGallery(page);
    const hello = card(page, 'hello-hpc.ipynb');
    await expect(hello.locator('.jp-hpc-Gallery-title')).toHaveText(
      'Hello HPC'
    );
    await expect(hello).toContainText('Example notebooks');
    await expect(hello).toContainText('python3');

    await cloneCard(page, 'hello-hpc.ipynb');
    await expect(tab(page, 'hello-hpc.ipynb')).toHaveClass(/lm-mod-current/);
    await expect(
      page.locator('.jp-NotebookPanel .jp-MarkdownOutput h1').first()
    ).toContainText('Hello HPC');
    const first = await content(page.request, `${DIR}/hello-hpc.ipynb`);
    expect(first.metadata.kernelspec.name).toBe('python3');
    const provenance = first.metadata.jupyterlab_hpc.clone;
    expect(provenance.source).toBe('examples');
    expect(provenance.path).toBe('hello-hpc.ipynb');
    expect(provenance.version).toMatch(/^mtime:\d+$/);
    expect(provenance.cloned_at).toMatch(/Z$/);

    await tab(page, 'Notebook Gallery').click();
    await expect(hello).toContainText('You have 1 copy.');
    await cloneCard(page, 'hello-hpc.ipynb');
    await expect(tab(page, 'hello-hpc-Copy1.ipynb')).toHaveClass(
      /lm-mod-current/
    );
    const second = await content(page.request, `${DIR}/hello-hpc-Copy1.ipynb`);
    expect(second.metadata.jupyterlab_hpc.clone.path).toBe('hello-hpc.ipynb');
    expect(await content(page.request, `${DIR}/hello-hpc.ipynb`)).toEqual(
      first
    );
    expect(await page.contents.fileExists(`${DIR}/hello-hpc.ipynb`)).toBe(true);
  });

  test('preview is read-only and untrusted', async ({ page }) => {
    await openGallery(page);
    await card(page, 'hello-hpc.ipynb')
      .locator('.jp-hpc-Gallery-preview')
      .click();
    const preview = page.locator('.jp-hpc-GalleryPreview');
    await expect(preview.locator('h1')).toHaveText(/Hello HPC/);
    await expect(preview).toContainText('import os, platform');
    await expect(preview.locator('.jp-Cell, .jp-InputArea-editor')).toHaveCount(
      0
    );
    expect(await page.contents.directoryExists('gallery')).toBe(false);
    // its banner reads in both themes (it was 1.3:1 in the dark one)
    const banner = preview.locator('.jp-hpc-GalleryPreview-banner');
    for (const dark of [true, false]) {
      await (dark ? page.theme.setDarkTheme() : page.theme.setLightTheme());
      expect(await textContrast(banner)).toBeGreaterThanOrEqual(4.5);
    }
  });

  test('parameters form injects a papermill cell', async ({ page }) => {
    await openGallery(page);
    await card(page, 'analysis/scaling.ipynb')
      .locator('.jp-hpc-Gallery-clone')
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(
      'Your own copy of "Scaling study" from Example notebooks'
    );
    // plain words about what happens to the values
    await expect(dialog).toContainText(
      "Values you change are written into a new cell right after the notebook's parameters cell"
    );
    await expect(dialog).not.toContainText('papermill');
    // each value's kind in words, not Python's type names
    await expect(
      dialog.locator('#jp-hpc-param-repeat')
    ).toHaveAccessibleDescription('whole number');
    // a bad value is reported beside its field, and the dialog stays
    await dialog.locator('#jp-hpc-param-repeat').fill('');
    await dialog.getByRole('button', { name: 'Clone' }).click();
    await expect(dialog.locator('#jp-hpc-param-repeat-error')).toContainText(
      'Expected a whole number'
    );
    await dialog.locator('#jp-hpc-param-repeat').fill('5');
    await dialog.getByRole('button', { name: 'Clone' }).click();
    await expect(tab(page, 'scaling.ipynb')).toHaveClass(/lm-mod-current/);
    const nb = await content(page.request, `${DIR}/scaling.ipynb`);
    const injected = nb.cells[2];
    expect(injected.metadata.tags).toEqual(['injected-parameters']);
    expect(injected.source).toBe('# Parameters\nrepeat = 5\n');
    expect(nb.metadata.papermill.parameters).toEqual({ repeat: 5 });
  });

  test('a link from outside asks before cloning', async ({ page }) => {
    // as when following the link from a documentation page
    const link = `${BASE}/hpc/clone/link?source=examples&path=hello-hpc.ipynb`;
    await page.evaluate(url => (window.location.href = url), link);
    await page.waitForURL(/\/lab/);
    const dialog = page.locator('.jp-Dialog');
    // JupyterLab loads afresh here: allow for a busy machine
    await expect(dialog).toContainText(
      'Your own copy of "Hello HPC" from Example notebooks',
      { timeout: 30000 }
    );
    await expect(dialog.locator('#jp-hpc-clone-dir')).toHaveValue(
      'gallery/examples'
    );
    // the request is consumed: a reload does not ask again
    expect(page.url()).not.toContain('hpc-clone');
    expect(await page.contents.directoryExists('gallery')).toBe(false);
    await dialog.getByRole('button', { name: 'Clone' }).click();
    await expect(tab(page, 'hello-hpc.ipynb')).toHaveClass(/lm-mod-current/);
    const nb = await content(page.request, `${DIR}/hello-hpc.ipynb`);
    expect(nb.metadata.jupyterlab_hpc.clone.source).toBe('examples');
  });

  test('your own folder, then "Get the new version" after it changed', async ({
    page
  }) => {
    // a group's shared folder, outside the Jupyter root
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hpc-group-'));
    const notebook = (title: string) =>
      JSON.stringify({
        cells: [{ cell_type: 'markdown', metadata: {}, source: `# ${title}` }],
        metadata: {
          kernelspec: {
            name: 'python3',
            display_name: 'Python 3',
            language: 'python'
          }
        },
        nbformat: 4,
        nbformat_minor: 4
      });
    const file = path.join(folder, 'group-report.ipynb');
    fs.writeFileSync(file, notebook('Group report'));

    await openGallery(page);
    await page.locator('.jp-hpc-Gallery-userSources summary').click();
    const form = page.locator('.jp-hpc-Gallery-addSource');
    await form.locator('input').nth(0).fill('Group notebooks');
    await form.locator('input').nth(1).fill(folder);
    await form.getByRole('button', { name: 'Add folder' }).click();
    const report = page.locator(
      '.jp-hpc-Gallery-card[data-source="user-group-notebooks"]'
    );
    await expect(report).toContainText('Group notebooks');

    await cloneCard(page, 'group-report.ipynb');
    await expect(tab(page, 'group-report.ipynb')).toHaveClass(/lm-mod-current/);
    const clonePath = 'gallery/user-group-notebooks/group-report.ipynb';
    const first = await content(page.request, clonePath);

    // the group publishes a new version
    fs.writeFileSync(file, notebook('Group report, 2nd edition'));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    await tab(page, 'Notebook Gallery').click();
    await page.locator('.jp-hpc-Gallery-refresh').click();
    await expect(report.locator('.jp-hpc-Gallery-update')).toHaveText(
      'Update available'
    );
    await report.getByRole('button', { name: 'Get the new version' }).click();
    // the dialog counts the copy the user has, and leaves it alone
    await expect(page.locator('.jp-Dialog')).toContainText(
      'You already have 1 copy of this notebook; it is not touched.'
    );
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Clone' })
      .click();
    await expect(tab(page, 'group-report-Copy1.ipynb')).toHaveClass(
      /lm-mod-current/
    );
    const second = await content(
      page.request,
      'gallery/user-group-notebooks/group-report-Copy1.ipynb'
    );
    expect(second.cells[0].source).toBe('# Group report, 2nd edition');
    expect(await content(page.request, clonePath)).toEqual(first);
    await tab(page, 'Notebook Gallery').click();
    await expect(report.locator('.jp-hpc-Gallery-update')).toHaveCount(0);

    // the folder can be removed again, and that undone
    const remove = page.getByRole('button', {
      name: 'Remove the source Group notebooks'
    });
    await remove.click();
    await expect(report).toHaveCount(0);
    await page
      .locator('.Toastify__toast', { hasText: 'Removed the source' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect(report).toBeVisible();
    await remove.click();
    await expect(report).toHaveCount(0);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('filters that leave no card say which, and Show all clears them', async ({
    page
  }) => {
    await openGallery(page);
    const gallery = page.locator('.jp-hpc-Gallery');
    const cards = gallery.locator('.jp-hpc-Gallery-card');
    await expect(cards.first()).toBeVisible();
    const all = await cards.count();
    await gallery
      .getByRole('searchbox', { name: 'Search notebooks' })
      .fill('zzz');
    const empty = gallery.locator('.jp-hpc-Gallery-empty');
    await expect(empty).toContainText('No notebook matches "zzz".');
    await gallery
      .getByRole('combobox', { name: 'Source' })
      .selectOption({ label: 'Example notebooks' });
    await expect(empty).toContainText(
      'No notebook in Example notebooks matches "zzz".'
    );
    await empty.getByRole('button', { name: 'Show all notebooks' }).click();
    await expect(cards).toHaveCount(all);
    await expect(
      gallery.getByRole('searchbox', { name: 'Search notebooks' })
    ).toHaveValue('');
  });

  test("a card's context menu copies a link for sharing", async ({ page }) => {
    await openGallery(page);
    await card(page, 'hello-hpc.ipynb').click({ button: 'right' });
    const menu = page.locator('.lm-Menu');
    await expect(menu.getByText('Clone…', { exact: true })).toBeVisible();
    await menu.getByText('Copy Link for Sharing').click();
    await expect(page.locator('.Toastify__toast').last()).toContainText(
      `Link copied: ${BASE}/hpc/clone/link?source=examples&path=hello-hpc.ipynb`
    );
  });

  test('a fresh clone is not dirty, shows in the file browser, keeps its folder and name', async ({
    page
  }) => {
    await openGallery(page);
    await card(page, 'hello-hpc.ipynb')
      .locator('.jp-hpc-Gallery-clone')
      .click();
    const dialog = page.locator('.jp-Dialog');
    // which kernel the clone gets, and why
    await expect(dialog.locator('.jp-hpc-Gallery-kernelChoice')).toContainText(
      'Kernel: Python 3'
    );
    await expect(dialog.locator('.jp-hpc-Gallery-kernelChoice')).toContainText(
      'The source "Example notebooks" sets this kernel'
    );
    // another folder and name
    await dialog.locator('#jp-hpc-clone-dir').fill('gallery/mine');
    await dialog.locator('#jp-hpc-clone-name').fill('first look.ipynb');
    await dialog.getByRole('button', { name: 'Clone' }).click();
    const opened = tab(page, 'first look.ipynb');
    await expect(opened).toHaveClass(/lm-mod-current/);
    // revealed: the file browser is in its folder, the file selected
    await expect(page.locator('#filebrowser .jp-BreadCrumbs')).toContainText(
      'mine'
    );
    await expect(
      page.locator('#filebrowser .jp-DirListing-item.jp-mod-selected')
    ).toContainText('first look.ipynb');
    // once its kernel is up the copy is still clean: closing asks nothing
    await expect(
      page.locator('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')
    ).toHaveAttribute('data-status', 'idle', { timeout: 30000 });
    await page.waitForTimeout(1000);
    await expect(opened).not.toHaveClass(/jp-mod-dirty/);
    expect(
      await page.evaluate(
        () => (window as any).jupyterapp.shell.currentWidget.context.model.dirty
      )
    ).toBe(false);
    await opened.locator('.lm-TabBar-tabCloseIcon').click();
    await expect(opened).toHaveCount(0);
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);

    // the folder is remembered; the same name again is refused beside the field
    await tab(page, 'Notebook Gallery').click();
    await card(page, 'hello-hpc.ipynb')
      .locator('.jp-hpc-Gallery-clone')
      .click();
    await expect(dialog.locator('#jp-hpc-clone-dir')).toHaveValue(
      'gallery/mine'
    );
    await expect(dialog).toContainText('You already have 1 copy');
    await dialog.locator('#jp-hpc-clone-name').fill('first look.ipynb');
    await dialog.getByRole('button', { name: 'Clone' }).click();
    await expect(dialog.locator('#jp-hpc-clone-name-error')).toContainText(
      'already exists'
    );
    await expect(dialog.locator('#jp-hpc-clone-name')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(
      await page.contents.fileExists('gallery/mine/first look.ipynb')
    ).toBe(true);
  });

  test('broken files say so on their card; one preview tab; no broken images', async ({
    page
  }) => {
    await openGallery(page);
    const broken = card(page, 'broken/results-not-a-notebook.ipynb');
    await expect(broken.locator('.jp-hpc-Gallery-cardError')).toContainText(
      'This file is not a valid notebook.'
    );
    // the technical reason only on demand
    const details = broken.locator('.jp-hpc-Gallery-cardError details');
    await expect(details.locator('code')).not.toBeVisible();
    await details.locator('summary').click();
    await expect(details.locator('code')).toContainText(
      'not a Jupyter notebook'
    );
    await expect(broken.locator('.jp-hpc-Gallery-clone')).toBeDisabled();
    await expect(broken.locator('.jp-hpc-Gallery-clone')).toHaveCSS(
      'cursor',
      'not-allowed'
    );
    await expect(
      card(page, 'broken/truncated.ipynb').locator('.jp-hpc-Gallery-cardError')
    ).toContainText('This file is not a valid notebook.');

    // the heading with markup is a plain title on its card
    const markup = card(page, 'markup.ipynb');
    await expect(markup.locator('.jp-hpc-Gallery-title')).toHaveText(
      'Beamline quick look'
    );
    // two previews: one preview tab, showing the last
    await markup.locator('.jp-hpc-Gallery-preview').click();
    const preview = page.locator('.jp-hpc-GalleryPreview');
    await expect(preview.locator('h1')).toContainText('Beamline');
    await tab(page, 'Notebook Gallery').click();
    await card(page, 'hello-hpc.ipynb')
      .locator('.jp-hpc-Gallery-preview')
      .click();
    await expect(preview.locator('h1')).toHaveText(/Hello HPC/);
    await expect(preview).toHaveCount(1);
    await tab(page, 'Notebook Gallery').click();
    await markup.locator('.jp-hpc-Gallery-preview').click();
    await expect(preview.locator('h1')).toContainText('Beamline');
    await expect(preview).toHaveCount(1);
    // the image of the heading and the unreachable figure: no broken icons
    await expect(preview.locator('img')).toHaveCount(0);
    await expect(preview.locator('.jp-hpc-GalleryPreview-imageAlt')).toHaveText(
      'detector layout'
    );
  });
});
