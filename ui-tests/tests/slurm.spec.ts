import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';

import {
  SubmittedJobs,
  openPanel,
  rowOf,
  squeueState,
  submittedJobId
} from './helpers/slurm';

/**
 * The Slurm panel against the real local cluster: jobs are submitted with
 * sbatch directly in the setup, and acted on through the panel.
 */
const TAG = `hpc-ui-${process.pid}`;
const submitted = new SubmittedJobs();

// Submitted before any page loads; the first test still refreshes until the
// list has them (the server may reuse an squeue read by an earlier spec).
const jobs: Record<string, string> = {};
test.beforeAll(() => {
  jobs.cancel = submitted.held(`${TAG} cancel me`);
  jobs.markup = submitted.held('<b>x</b>');
  jobs.alpha = submitted.held(`${TAG} alpha`);
  jobs.beta = submitted.held(`${TAG} beta`);
});

test.afterAll(() => {
  // leave no job of ours behind, whatever failed
  submitted.cancelAll();
  try {
    for (const name of ['form', 'refused', 'file', 'editor']) {
      execFileSync('scancel', [`--name=${TAG}-${name}`]);
    }
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
    // the queue may hold thousands of jobs: only rows in view are rendered
    await panel.locator('.jp-hpc-Slurm-filter').fill(`${TAG} cancel me`);
    // the server may answer from an squeue read before this spec's jobs
    const row = await rowOf(panel, id);
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
    expect(['', 'CANCELLED']).toContain(squeueState(id));
  });

  test('shows markup in job names as text', async ({ page }) => {
    const id = jobs.markup;
    const panel = await openPanel(page);
    await panel.locator('.jp-hpc-Slurm-filter').fill('<b>x</b>');
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
    // the whole cluster's queue may be long to list
    await expect(panel.locator(`[data-job-id="${a}"]`)).toBeVisible({
      timeout: 60000
    });
  });
});

test.describe('Slurm faults', () => {
  test('a controller that does not answer shows a banner until it is back', async ({
    page
  }) => {
    const down = JSON.stringify({
      message: 'Unable to contact slurm controller (connect failure)'
    });
    await page.route('**/hpc/slurm/jobs?*', route =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: down
      })
    );
    await page.goto(); // fails from the very first request
    const panel = await openPanel(page);
    const banner = panel.locator('.jp-hpc-Slurm-banner');
    await expect(banner).toContainText(
      'The Slurm controller cannot be reached.'
    );
    await expect(banner).toContainText('Unable to contact slurm controller');

    await page.unroute('**/hpc/slurm/jobs?*');
    await banner.getByRole('button', { name: 'Retry now' }).click();
    await expect(banner).toHaveCount(0, { timeout: 30000 });
    await expect(panel.locator('.jp-hpc-Slurm-count')).toContainText('jobs');
  });

  test('without Slurm the panel says so and shows the command paths', async ({
    page
  }) => {
    await page.route('**/hpc/slurm/status*', route =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          available: false,
          reason: "Slurm command 'squeue' was not found.",
          commands: { squeue: '/opt/slurm/bin/squeue', sbatch: 'sbatch' }
        })
      })
    );
    await page.goto();
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('hpc-slurm:open');
    });
    const banner = page.locator('.jp-hpc-Slurm .jp-hpc-Slurm-banner');
    await expect(banner).toContainText(
      'Slurm is not available on this server.'
    );
    await expect(banner).toContainText('/opt/slurm/bin/squeue');
  });
});

test.describe('Slurm submission and outputs', () => {
  test('submit from the form; the job is listed, then cancelled from the panel', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await panel.getByRole('button', { name: 'New job…' }).click();
    const form = panel.locator('.jp-hpc-Slurm-submit');
    await expect(form).toBeVisible();
    // partitions come from sinfo, the default one marked
    await expect(form.locator('select[name="partition"]')).toContainText(
      'debug (default)'
    );
    const editor = form.locator('.jp-hpc-Slurm-script .cm-content');
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText('#!/bin/bash\nsleep 120\n');
    await form.locator('input[name="job-name"]').fill(`${TAG}-form`);
    await form.locator('input[name="time"]').fill('5');
    await form.locator('.jp-hpc-Slurm-submitButton').click();

    await expect(
      page.locator('.jp-toast-message', { hasText: 'Submitted batch job' })
    ).toBeVisible();
    await expect(form).toBeHidden();
    await panel.locator('.jp-hpc-Slurm-filter').fill(`${TAG}-form`);
    const row = panel.locator('.jp-hpc-Slurm-row', { hasText: `${TAG}-form` });
    await expect(row).toBeVisible({ timeout: 30000 });
    await expect(row).toHaveClass(/jp-hpc-Slurm-highlight/);
    const id = submitted.add((await row.getAttribute('data-job-id'))!);
    expect(squeueState(id)).toMatch(/PENDING|RUNNING/);

    await row.click();
    await panel.locator('.jp-hpc-Slurm-action[data-action="cancel"]').click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Cancel jobs' })
      .click();
    await expect(row).toHaveCount(0, { timeout: 30000 });
  });

  test('sbatch refusing a job shows its message verbatim', async ({ page }) => {
    const panel = await openPanel(page);
    await panel.getByRole('button', { name: 'New job…' }).click();
    const form = panel.locator('.jp-hpc-Slurm-submit');
    await form.locator('input[name="job-name"]').fill(`${TAG}-refused`);
    await form.locator('input[name="constraint"]').fill('nosuchfeature');
    await form.locator('.jp-hpc-Slurm-submitButton').click();
    await expect(form.locator('.jp-hpc-Slurm-submitError')).toContainText(
      'Batch job submission failed: Invalid feature specification'
    );
    await expect(form).toBeVisible();
  });

  test('right-click a .sbatch file, Submit to Slurm, follow its output', async ({
    page,
    tmpPath
  }) => {
    const script =
      '#!/bin/bash\n' +
      '#SBATCH --time=2\n' +
      `#SBATCH --job-name=${TAG}-file\n` +
      '#SBATCH --output=out-%j.txt\n' +
      'echo "started in $(pwd)"\n' +
      'sleep 3\n' +
      `echo "done: ${TAG} <i>ok</i>"\n`;
    await page.contents.uploadContent(
      script,
      'text',
      `${tmpPath}/hello.sbatch`
    );
    await page.filebrowser.openDirectory(tmpPath);
    const item = page.locator('.jp-DirListing-item', {
      hasText: 'hello.sbatch'
    });
    await item.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Submit to Slurm' }).click();
    const id = submitted.add(await submittedJobId(page));

    // the job is listed (pending or running); its details open the output
    const panel = await openPanel(page);
    await panel.locator('.jp-hpc-Slurm-filter').fill(`${TAG}-file`);
    const row = panel.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`);
    await expect(row).toBeVisible({ timeout: 30000 });
    await row.click();
    await panel
      .locator('.jp-hpc-Slurm-details')
      .getByRole('button', { name: 'Open output' })
      .click();

    const viewer = page.locator('.jp-hpc-SlurmOutput');
    await expect(viewer.locator('.jp-hpc-SlurmOutput-info')).toContainText(
      `out-${id}.txt`
    );
    // followed until the job ends: all of the file, as text
    await expect(viewer).toHaveAttribute('data-state', 'finished', {
      timeout: 120000
    });
    const text = viewer.locator('.jp-hpc-SlurmOutput-text');
    await expect(text).toContainText(`started in /`);
    await expect(text).toContainText(`done: ${TAG} <i>ok</i>`);
    await expect(text.locator('i')).toHaveCount(0);
  });

  test('the editor toolbar saves the script, then submits it', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      '#!/bin/bash\n#SBATCH --hold\n',
      'text',
      `${tmpPath}/edited.slurm`
    );
    await page.filebrowser.openDirectory(tmpPath);
    await page.filebrowser.open('edited.slurm');
    const editor = page.locator('.jp-FileEditor .cm-content');
    await editor.click();
    await page.keyboard.press('Control+End');
    // unsaved until the button is used: the job must get this name
    await page.keyboard.insertText(
      `#SBATCH --job-name=${TAG}-editor\nsleep 60\n`
    );
    const button = page.locator('.jp-hpc-Slurm-submitEditor');
    await expect(button).toBeVisible();
    await button.click();
    const id = submitted.add(await submittedJobId(page));
    const name = execFileSync('squeue', ['--noheader', '-j', id, '-o', '%j'], {
      encoding: 'utf-8'
    }).trim();
    expect(name).toBe(`${TAG}-editor`);
  });
});
