import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';

/**
 * The Slurm panel against the real local cluster: jobs are submitted with
 * sbatch directly in the setup, and acted on through the panel.
 */
const TAG = `hpc-ui-${process.pid}`;
const submitted: string[] = [];

function sbatchHeld(name: string): string {
  const out = execFileSync(
    'sbatch',
    [
      '--parsable',
      '--hold',
      `--job-name=${name}`,
      '--output=/dev/null',
      '--wrap',
      'sleep 300'
    ],
    { encoding: 'utf-8' }
  );
  const id = out.trim().split(';')[0];
  submitted.push(id);
  return id;
}

function squeueIds(): string[] {
  return execFileSync('squeue', ['--noheader', '--format=%i'], {
    encoding: 'utf-8'
  })
    .split('\n')
    .map(s => s.trim())
    .filter(Boolean);
}

async function openPanel(page: IJupyterLabPageFixture) {
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('hpc-slurm:open');
  });
  const panel = page.locator('.jp-hpc-Slurm');
  await expect(panel).toContainText('Slurm 22.');
  return panel;
}

// Submitted before any page loads, so that the first list has them.
const jobs: Record<string, string> = {};
test.beforeAll(() => {
  jobs.cancel = sbatchHeld(`${TAG} cancel me`);
  jobs.markup = sbatchHeld('<b>x</b>');
  jobs.alpha = sbatchHeld(`${TAG} alpha`);
  jobs.beta = sbatchHeld(`${TAG} beta`);
});

test.afterAll(() => {
  // leave no job of ours behind, whatever failed
  for (const id of submitted) {
    try {
      execFileSync('scancel', [id]);
    } catch {
      // already gone
    }
  }
  try {
    execFileSync('scancel', [`--name=${TAG}-form`]);
  } catch {
    // nothing to cancel
  }
});

test.describe('Slurm queue panel', () => {
  test('lists a held job; select, cancel, confirm: it leaves the queue', async ({
    page
  }) => {
    const id = jobs.cancel;
    const panel = await openPanel(page);
    const row = panel.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(`${TAG} cancel me`);
    await expect(row).toContainText('PENDING');

    await row.click();
    await expect(row).toHaveClass(/jp-mod-selected/);
    await panel.locator('.jp-hpc-Slurm-action[data-action="cancel"]').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(id);
    await dialog.getByRole('button', { name: 'Cancel jobs' }).click();

    await expect(panel.locator('.jp-hpc-Slurm-report')).toContainText(
      '1 done, 0 failed'
    );
    await expect(row).toHaveCount(0, { timeout: 30000 });
    expect(squeueIds()).not.toContain(id);
  });

  test('shows markup in job names as text', async ({ page }) => {
    const id = jobs.markup;
    const panel = await openPanel(page);
    const row = panel.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`);
    await expect(row.locator('[data-column="name"]')).toHaveText('<b>x</b>');
    await expect(row.locator('b')).toHaveCount(0);

    // details show every scontrol field, also as text
    await row.click();
    const details = panel.locator('.jp-hpc-Slurm-details');
    await expect(details).toContainText('JobName');
    await expect(details).toContainText('<b>x</b>');
    await expect(details.locator('b')).toHaveCount(0);
  });

  test('filters, sorts ids numerically and switches scope', async ({
    page
  }) => {
    const a = jobs.alpha;
    const b = jobs.beta;
    const panel = await openPanel(page);
    await expect(panel.locator(`[data-job-id="${b}"]`)).toBeVisible();

    await panel.locator('.jp-hpc-Slurm-filter').fill(`${TAG} beta`);
    await expect(panel.locator(`[data-job-id="${b}"]`)).toBeVisible();
    await expect(panel.locator(`[data-job-id="${a}"]`)).toHaveCount(0);
    await panel.locator('.jp-hpc-Slurm-filter').fill(TAG);

    // ascending by id: a before b
    await panel.locator('[role="columnheader"][data-column="id"]').click();
    const ids = await panel
      .locator('.jp-hpc-Slurm-row')
      .evaluateAll(rows => rows.map(r => r.getAttribute('data-job-id')));
    expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b));

    await panel.getByRole('radio', { name: 'All jobs' }).click();
    await expect(
      panel.getByRole('radio', { name: 'All jobs' })
    ).toHaveAttribute('aria-checked', 'true');
    await expect(panel.locator(`[data-job-id="${a}"]`)).toBeVisible();
  });
});
