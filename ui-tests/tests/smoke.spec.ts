import { expect, test } from '@jupyterlab/galata';

/**
 * Stands in for `python -m jupyterlab.browser_check` (which downloads its own
 * browser): JupyterLab loads with the four extensions and no console errors,
 * and each extension's entry point is visible.
 */
test.describe('jupyterlab-hpc smoke', () => {
  test('loads the four extensions without console errors', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error') {
        errors.push(message.text());
      }
    });
    await page.goto();
    await page.waitForSelector('.jp-Launcher');

    // slurm and the gallery: launcher cards in the HPC section
    const hpc = page.locator('.jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'HPC' })
    });
    await expect(hpc.getByText('Slurm Queue')).toBeVisible();
    await expect(hpc.getByText('Notebook Gallery')).toBeVisible();

    // favorites and recents: their sidebar entry points
    await expect(page.locator('.jp-hpc-Favorites').first()).toBeAttached();
    await expect(page.locator('.jp-hpc-Recents').first()).toBeAttached();

    // the Slurm panel reaches the real local cluster
    await hpc.getByText('Slurm Queue').click();
    await expect(page.locator('.jp-hpc-Slurm')).toContainText('Slurm 22.');

    const ours = errors.filter(
      e => !/favicon|Failed to load resource: .*404/.test(e)
    );
    expect(ours).toEqual([]);
  });
});
