import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';

import { SubmittedJobs, openPanel, refreshUntil } from './helpers/slurm';

/**
 * The queue panel receives versions (issue 15): after the first full list it
 * asks with `since` and applies the deltas (a job submitted meanwhile appears,
 * a cancelled one leaves, the filter and the selection stay). The notes: the
 * list comes from the user's own squeue because the queue service is down, and
 * the list as last read (with its age) when Slurm does not answer.
 */
const TAG = `hpc-ui-delta-${process.pid}`;
const submitted = new SubmittedJobs();

test.afterAll(() => submitted.cancelAll());

test.describe('Slurm queue deltas', () => {
  test('deltas add and remove jobs; filter and selection stay', async ({
    page
  }) => {
    const first = submitted.held(`${TAG} first`);
    const answers: { url: string; full: boolean; since: string | null }[] = [];
    page.on('response', async response => {
      const url = response.url();
      if (url.includes('/hpc/slurm/jobs?') && response.status() === 200) {
        const body = await response.json();
        answers.push({
          url,
          full: body.full,
          since: new URL(url).searchParams.get('since')
        });
      }
    });
    const panel = await openPanel(page);
    await panel.locator('.jp-hpc-Slurm-filter').fill(TAG);
    const row = (id: string) =>
      panel.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`);
    // (the page may have listed the queue before the job was submitted)
    await refreshUntil(panel, () =>
      expect(row(first)).toBeVisible({ timeout: 1000 })
    );
    await row(first).click(); // selected (and shown in the details)

    const second = submitted.held(`${TAG} second`);
    await refreshUntil(panel, () =>
      expect(row(second)).toBeVisible({ timeout: 1000 })
    );
    await expect(panel.locator('.jp-hpc-Slurm-filter')).toHaveValue(TAG);
    await expect(panel.locator('.jp-hpc-Slurm-count')).toContainText(
      '1 selected'
    );

    execFileSync('scancel', [second]);
    await refreshUntil(panel, () =>
      expect(row(second)).toHaveCount(0, { timeout: 1000 })
    );
    await expect(row(first)).toBeVisible();
    await expect(panel.locator('.jp-hpc-Slurm-count')).toContainText(
      '1 selected'
    );
    // A full list only for "since=0" (the page's first); then deltas since it.
    expect(answers.filter(a => a.since === '0').every(a => a.full)).toBe(true);
    const deltas = answers.filter(a => a.since !== '0');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every(a => a.full === false)).toBe(true);
  });

  test('notes: the service is down; Slurm does not answer (the list as last read)', async ({
    page
  }) => {
    const job = submitted.held(`${TAG} note`);
    let mode: 'service-down' | 'slurm-down' = 'service-down';
    let last: any = null;
    await page.route('**/hpc/slurm/jobs?*', async route => {
      const response = await route.fetch();
      const body = await response.json();
      if (mode === 'service-down') {
        last = body;
        await route.fulfill({
          response,
          json: {
            ...body,
            source: 'squeue',
            service_problem:
              'The queue service does not answer (Connection refused).'
          }
        });
      } else {
        await route.fulfill({
          status: 504,
          contentType: 'application/json',
          body: JSON.stringify({
            ...last,
            full: false,
            jobs: [],
            removed: [],
            values: {},
            stale: true,
            updated_at: Date.now() / 1000 - 95,
            age: 95,
            message: "'squeue' did not answer within 30 s and was stopped."
          })
        });
      }
    });
    const panel = await openPanel(page);
    await panel.locator('.jp-hpc-Slurm-filter').fill(TAG);
    const note = panel.locator('.jp-hpc-Slurm-note');
    await refreshUntil(panel, () =>
      expect(
        panel.locator(`.jp-hpc-Slurm-row[data-job-id="${job}"]`)
      ).toBeVisible({ timeout: 1000 })
    );
    await expect(note).toContainText(
      'Listed with your own squeue for now: The queue service does not answer'
    );
    for (const [theme, width] of [
      ['light', 1400],
      ['dark', 800]
    ] as const) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      await page.setViewportSize({ width, height: 700 });
      await panel.screenshot({
        path: `test-results/slurm-note-service-${theme}-${width}.png`
      });
    }
    await page.theme.setLightTheme();
    await page.setViewportSize({ width: 1400, height: 700 });

    mode = 'slurm-down';
    await panel.getByRole('button', { name: 'Refresh' }).click();
    const banner = panel.locator('.jp-hpc-Slurm-banner');
    await expect(banner).toContainText('Slurm did not answer in time.');
    await expect(banner).toContainText(
      'The list below is the queue as it was read 95 s ago.'
    );
    // the list stays
    await expect(
      panel.locator(`.jp-hpc-Slurm-row[data-job-id="${job}"]`)
    ).toBeVisible();
    await panel.screenshot({ path: 'test-results/slurm-stale-light.png' });
    await page.unroute('**/hpc/slurm/jobs?*');
    await banner.getByRole('button', { name: 'Retry now' }).click();
    await expect(banner).toHaveCount(0, { timeout: 30000 });
    await expect(note).toHaveCount(0);
  });
});
