import AxeBuilder from '@axe-core/playwright';
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { execFileSync } from 'child_process';

import { openPanel, squeueState } from './helpers/slurm';

/**
 * Accessibility of each panel: axe (scoped to the panel's own node, so that
 * JupyterLab's own findings elsewhere do not count) reports nothing serious or
 * critical, every button has a name, and the panel works by keyboard alone.
 */

const BASE = 'http://localhost:8888';

/** Serious and critical axe findings inside `selector`, as readable lines. */
async function axeFindings(
  page: IJupyterLabPageFixture,
  selector: string,
  configure: (axe: AxeBuilder) => AxeBuilder = axe => axe
): Promise<string[]> {
  // JupyterLab's shell is absolutely positioned in a body of height 0 with
  // overflow hidden: axe would take every element as clipped away, and skip
  // the colour contrast check. The window's height for the body fixes that.
  await page.evaluate(() => {
    document.documentElement.style.height = '100%';
    document.body.style.height = '100%';
  });
  const results = await configure(
    new AxeBuilder({ page }).include(selector)
  ).analyze();
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help}\n    ` +
        v.nodes.map(n => n.target.join(' ')).join('\n    ')
    );
}

/** No serious or critical axe finding in `selector`, in the light and the dark theme. */
async function expectAxeClean(
  page: IJupyterLabPageFixture,
  selector: string,
  configure?: (axe: AxeBuilder) => AxeBuilder
): Promise<void> {
  expect(await axeFindings(page, selector, configure), 'light theme').toEqual(
    []
  );
  await page.theme.setDarkTheme();
  expect(await axeFindings(page, selector, configure), 'dark theme').toEqual(
    []
  );
  await page.theme.setLightTheme();
}

/** Every visible button inside `scope` has an accessible name. */
async function expectNamedButtons(scope: Locator): Promise<number> {
  const buttons = await scope.getByRole('button').all();
  for (const button of buttons) {
    await expect(button).toHaveAccessibleName(/\S/);
  }
  return buttons.length;
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate(el => el === document.activeElement);
}

/** Press Tab (or `key`) until `target` has the focus, at most `max` times. */
async function tabTo(
  page: IJupyterLabPageFixture,
  target: Locator,
  max = 40,
  key = 'Tab'
): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) {
      return;
    }
    await page.keyboard.press(key);
  }
  expect(await isFocused(target), `${key} did not reach ${target}`).toBe(true);
}

async function resetFavorites(page: IJupyterLabPageFixture): Promise<void> {
  const body = await (await page.request.get(`${BASE}/hpc/favorites`)).json();
  for (const f of body.favorites) {
    if (f.source === 'user') {
      await page.request.delete(`${BASE}/hpc/favorites/${f.id}`);
    } else if (f.hidden) {
      await page.request.patch(`${BASE}/hpc/favorites/${f.id}`, {
        data: { hidden: false }
      });
    }
  }
}

async function openRecent(page: IJupyterLabPageFixture): Promise<Locator> {
  // activateById is idempotent (a tab click would close an open panel).
  await page.evaluate(() => {
    (window as any).jupyterapp.shell.activateById('jp-hpc-recents');
  });
  const panel = page.locator('.jp-hpc-Recents');
  await expect(panel).toBeVisible();
  return panel;
}

async function openGallery(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('hpc-gallery:open')
  );
  const gallery = page.locator('.jp-hpc-Gallery');
  await expect(gallery.locator('.jp-hpc-Gallery-card').first()).toBeVisible();
  return gallery;
}

test.describe('Favorites, accessibility', () => {
  test.beforeEach(async ({ page }) => resetFavorites(page));
  test.afterEach(async ({ page }) => resetFavorites(page));

  test('axe finds nothing serious; Enter on a favorite opens it', async ({
    page,
    tmpPath
  }) => {
    await page.contents.createDirectory(`${tmpPath}/run1`);
    const added = await page.request.post(`${BASE}/hpc/favorites`, {
      data: { path: `${tmpPath}/run1`, name: 'run1' }
    });
    expect(added.ok()).toBeTruthy();
    await page.reload(); // the section reads the list at load
    await page.sidebar.openTab('filebrowser');
    const section = page.locator('.jp-FileBrowser .jp-hpc-Favorites');
    const run1 = section.locator('.jp-hpc-Favorites-item', {
      hasText: 'run1'
    });
    await expect(run1).toBeVisible();

    await expectAxeClean(page, '.jp-FileBrowser .jp-hpc-Favorites');
    // the collapser and the star
    expect(await expectNamedButtons(section)).toBeGreaterThanOrEqual(2);

    // by keyboard: from the section's first button, Tab to run1, Enter
    await page.filebrowser.openHomeDirectory();
    await section.locator('.jp-hpc-Favorites-collapser').focus();
    await tabTo(page, run1);
    await page.keyboard.press('Enter');
    await expect
      .poll(async () =>
        (await page.filebrowser.getCurrentDirectory()).replace(/^\/+|\/+$/g, '')
      )
      .toBe(`${tmpPath}/run1`);
    await expect(run1).toHaveAttribute('aria-current', 'location');
  });
});

test.describe('Recent, accessibility', () => {
  test.beforeEach(async ({ page }) => {
    expect((await page.request.delete(`${BASE}/hpc/recents?all=true`)).ok());
  });

  test('axe finds nothing serious; arrow to an entry, Enter opens it', async ({
    page,
    tmpPath
  }) => {
    const notes = `${tmpPath}/notes.md`;
    const data = `${tmpPath}/data`;
    const gone = `${tmpPath}/gone.txt`;
    await page.contents.uploadContent('# Notes\n', 'text', notes);
    await page.contents.createDirectory(data);
    // (a missing entry too: greyed, its time replaced by "missing")
    for (const [path, type] of [
      [gone, 'file'],
      [data, 'directory'],
      [notes, 'file']
    ]) {
      const response = await page.request.post(`${BASE}/hpc/recents`, {
        data: { path, type }
      });
      expect(response.ok()).toBeTruthy();
    }
    const panel = await openRecent(page);
    await expect(
      panel.locator('.jp-hpc-Recents-item.jp-mod-missing')
    ).toHaveCount(1);
    const item = (path: string) =>
      panel.locator(`.jp-hpc-Recents-item[data-recent-path="${path}"]`);
    await expect(item(notes)).toBeVisible();

    await expectAxeClean(page, '.jp-hpc-Recents');
    expect(await expectNamedButtons(panel)).toBeGreaterThanOrEqual(2);

    // activating the panel puts the focus in its filter; the newest entry
    // is one arrow away, and its buttons show (and are named) when focused
    await expect(panel.locator('.jp-hpc-Recents-filter')).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(item(notes)).toBeFocused();
    await expect(item(notes).locator('.jp-hpc-Recents-remove')).toBeVisible();
    expect(await axeFindings(page, '.jp-hpc-Recents')).toEqual([]);
    expect(await expectNamedButtons(item(notes))).toBe(3);

    // Tab reaches the entry's buttons; Space pins it
    await tabTo(page, item(notes).locator('.jp-hpc-Recents-pin'), 3);
    await page.keyboard.press('Space');
    await expect(
      panel
        .locator('[data-group="pinned"]')
        .locator(`[data-recent-path="${notes}"]`)
    ).toBeVisible();

    // Enter on the folder moves the file browser there
    await item(data).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#filebrowser .jp-BreadCrumbs')).toContainText(
      'data'
    );

    // Enter on the file opens it
    const again = await openRecent(page);
    await again
      .locator(`.jp-hpc-Recents-item[data-recent-path="${notes}"]`)
      .focus();
    await page.keyboard.press('Enter');
    await expect(
      page.locator('#jp-main-dock-panel .lm-TabBar-tab', {
        hasText: 'notes.md'
      })
    ).toHaveClass(/lm-mod-current/);
  });
});

test.describe('Gallery, accessibility', () => {
  test.beforeEach(async ({ page }) => {
    if (await page.contents.directoryExists('gallery')) {
      await page.contents.deleteDirectory('gallery');
    }
  });
  test.afterEach(async ({ page }) => {
    if (await page.contents.directoryExists('gallery')) {
      await page.contents.deleteDirectory('gallery');
    }
  });

  test('axe finds nothing serious in the gallery and the clone dialog; clone by keyboard', async ({
    page
  }) => {
    const gallery = await openGallery(page);
    await expectAxeClean(page, '.jp-hpc-Gallery');
    expect(await expectNamedButtons(gallery)).toBeGreaterThanOrEqual(4);

    // from the search box, Tab to Hello HPC's Clone, Enter
    const card = gallery.locator(
      '.jp-hpc-Gallery-card[data-path="hello-hpc.ipynb"]'
    );
    const clone = card.locator('.jp-hpc-Gallery-clone');
    await expect(clone).toHaveAccessibleName('Clone…');
    await expect(clone).toHaveAccessibleDescription('Hello HPC');
    await gallery.locator('.jp-hpc-Gallery-search').focus();
    await tabTo(page, clone);
    const dialog = page.locator('.jp-Dialog');
    // Escape cancels, and the focus is back on Clone (not lost on the page)
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    // the dialog hears keys once the focus is in it (a busy page moves it later)
    await expect(dialog.locator(':focus')).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(clone).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(dialog.locator('#jp-hpc-clone-name')).toBeVisible();
    // the dialog's own content (its frame and buttons are JupyterLab's)
    await expectAxeClean(page, '.jp-hpc-Gallery-cloneForm');
    expect(await expectNamedButtons(dialog)).toBeGreaterThanOrEqual(2);
    // Enter accepts (the focus is in the dialog)
    await expect(dialog.locator(':focus')).toHaveCount(1);
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(
      page.locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current')
    ).toContainText('hello-hpc.ipynb');
    expect(
      await page.contents.fileExists('gallery/examples/hello-hpc.ipynb')
    ).toBe(true);
  });
});

test.describe('Slurm panel, accessibility', () => {
  const tag = `hpc-a11y-${process.pid}`;
  let job = '';

  test.afterEach(() => {
    // leave nothing running, whatever failed
    try {
      execFileSync('scancel', [`--name=${tag}`]);
    } catch {
      // nothing to cancel
    }
  });

  test('axe finds nothing serious in each tab and the form; select and cancel a job by keyboard', async ({
    page
  }) => {
    test.setTimeout(150000);
    const submitted = await page.request.post(`${BASE}/hpc/slurm/jobs`, {
      data: {
        script: '#!/bin/bash\nsleep 300\n',
        options: { 'job-name': tag, time: '10', ntasks: 1 }
      }
    });
    expect(submitted.status()).toBe(201);
    job = (await submitted.json()).id;

    const panel = await openPanel(page);
    const row = panel.locator(`.jp-hpc-Slurm-row[data-job-id="${job}"]`);
    await expect(row).toBeVisible({ timeout: 40000 });

    await expectAxeClean(page, '.jp-hpc-Slurm');
    expect(await expectNamedButtons(panel)).toBeGreaterThanOrEqual(6);

    // keyboard only: type the job's name in the filter, Tab to its row's
    // checkbox, Space selects it, back to Cancel, Enter, Enter confirms
    await panel.getByRole('searchbox', { name: 'Filter jobs' }).focus();
    await page.keyboard.type(tag);
    await expect(panel.locator('.jp-hpc-Slurm-row')).toHaveCount(1);
    await tabTo(page, row.getByRole('checkbox'));
    await page.keyboard.press('Space');
    await expect(row).toHaveAttribute('aria-selected', 'true');
    const cancel = panel.locator('.jp-hpc-Slurm-action[data-action="cancel"]');
    await expect(cancel).toBeEnabled();
    await tabTo(page, cancel, 40, 'Shift+Tab');
    await page.keyboard.press('Enter');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(`Jobs: ${job}`);
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(row).toHaveCount(0, { timeout: 30000 });
    expect(squeueState(job)).toMatch(/^(CANCELLED|COMPLETING)?$/);

    // the tabs: arrows move between them, each one clean for axe
    await panel.locator('.jp-hpc-Slurm-tab[data-view="queue"]').focus();
    const loaded: Record<string, string> = {
      history: '.jp-hpc-Slurm-count, .jp-hpc-Slurm-empty',
      cluster: '.jp-hpc-Slurm-partition',
      runs: '.jp-hpc-Slurm-runList, .jp-hpc-Slurm-empty:not(:text("Loading"))'
    };
    for (const view of ['history', 'cluster', 'runs']) {
      await page.keyboard.press('ArrowRight');
      const tab = panel.locator(`.jp-hpc-Slurm-tab[data-view="${view}"]`);
      await expect(tab).toBeFocused();
      await expect(tab).toHaveAttribute('aria-selected', 'true');
      await expect(
        panel.locator(loaded[view]).filter({ visible: true }).first()
      ).toBeVisible({
        timeout: 30000
      });
      await expectAxeClean(page, '.jp-hpc-Slurm');
      await expectNamedButtons(panel);
      // (switching themes for axe moved the focus away)
      await tab.focus();
    }

    // the submit form, opened from the keyboard
    await page.keyboard.press('ArrowRight'); // back to Queue
    await tabTo(page, panel.getByRole('button', { name: 'New job…' }), 10);
    await page.keyboard.press('Enter');
    const form = panel.locator('.jp-hpc-Slurm-submit');
    await expect(form).toBeVisible();
    // The script editor's syntax colours are JupyterLab's CodeMirror theme
    // (a comment is #408080 on white, 4.4:1), not ours: colour contrast is
    // checked everywhere but in the editor's lines.
    await expectAxeClean(page, '.jp-hpc-Slurm-submit', axe =>
      axe.exclude('.jp-hpc-Slurm-submit .cm-line')
    );
    await expect(
      form.getByRole('textbox', { name: 'Batch script' })
    ).toBeVisible();
    expect(await expectNamedButtons(form)).toBeGreaterThanOrEqual(1);
  });
});
