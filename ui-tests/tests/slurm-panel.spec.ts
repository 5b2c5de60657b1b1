import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/**
 * The Slurm panel's interplay with JupyterLab: closing tabs, layout.
 * (Queue behaviour against the real cluster: slurm.spec.ts, slurm-jobs.spec.ts.)
 */

async function run(page: IJupyterLabPageFixture, command: string) {
  await page.evaluate(async id => {
    await window.jupyterapp.commands.execute(id);
  }, command);
}

/** Errors thrown in the page or logged as errors, from now on. */
function collectErrors(page: IJupyterLabPageFixture): string[] {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));
  page.on('console', message => {
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });
  return errors;
}

for (const [first, second, active] of [
  ['hpc-slurm:open', 'hpc-gallery:open', 'Slurm Queue'],
  ['hpc-gallery:open', 'hpc-slurm:open', 'Notebook Gallery']
]) {
  test(`File › Close All Tabs with ${active} active throws nothing (${first} first)`, async ({
    page
  }) => {
    await run(page, first);
    await run(page, second);
    await page
      .locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: active })
      .click();
    await expect(page.locator('.jp-hpc-Slurm')).toBeVisible({
      visible: active === 'Slurm Queue'
    });
    const errors = collectErrors(page);
    await page.menu.clickMenuItem('File>Close All Tabs');
    await expect(page.locator('.jp-hpc-Slurm')).toHaveCount(0);
    await expect(page.locator('#jp-hpc-gallery')).toHaveCount(0);
    // the failure came from a promise settling after the tabs were disposed
    await page.evaluate(
      () => new Promise(resolve => setTimeout(resolve, 1000))
    );
    expect(errors).toEqual([]);
  });
}
