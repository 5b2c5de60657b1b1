// Named with "_" so that it runs after slurm.spec.ts, whose first test expects a fresh queue.
import { expect, test } from '@jupyterlab/galata';

import { SubmittedJobs, openPanel, rowOf } from './helpers/slurm';

/**
 * The History and Cluster tabs of the Slurm panel against the real cluster
 * with accounting: a job that exits 3 is submitted through the API, and
 * found, explained and opened in the History tab.
 */
const TAG = `hpc-hist-ui-${process.pid}`;
const submitted = new SubmittedJobs();

test.afterAll(() => submitted.cancelAll());

test.describe('Slurm history and cluster tabs', () => {
  test('find the failed job, read why in words, see its steps, open its error file', async ({
    page,
    tmpPath
  }) => {
    // Submitted as the panel would (the server puts it in tmpPath).
    const response = await page.request.post('/hpc/slurm/jobs', {
      data: {
        script:
          "#!/bin/bash\necho 'half done'\necho 'something went wrong' >&2\nexit 3\n",
        cwd: tmpPath,
        options: {
          'job-name': `${TAG}-fails`,
          time: '1',
          output: 'fails-%j.out',
          error: 'fails-%j.err'
        }
      }
    });
    expect(response.status()).toBe(201);
    const id = submitted.add(String((await response.json()).id));
    // Wait until the history lists it ended (slurmdbd gets the record a moment
    // after the job ends, and sacct's time-window query sees it a little later).
    await expect
      .poll(
        async () => {
          const answer = await page.request.get('/hpc/slurm/history?days=1');
          const jobs: { id: string; state: string }[] = answer.ok()
            ? (await answer.json()).jobs
            : [];
          return jobs.find(job => job.id === id)?.state ?? '';
        },
        { timeout: 120000, intervals: [1000, 2000] }
      )
      .toBe('FAILED');

    const panel = await openPanel(page);
    await panel.getByRole('tab', { name: 'History' }).click();
    const history = panel.locator('.jp-hpc-Slurm-history');
    await history.getByRole('searchbox').fill(TAG);
    const row = history.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`);
    await expect(row).toBeVisible();
    await expect(row.locator('[data-column="state"]')).toHaveText('FAILED');
    await expect(row).toHaveClass(/jp-mod-bad/);
    await expect(row.locator('[data-column="exit"]')).toHaveText('3');

    await row.click();
    const details = history.locator('.jp-hpc-Slurm-historyDetails');
    await expect(details.locator('.jp-hpc-Slurm-whyText')).toHaveText(
      'Exit code 3 in step batch'
    );
    await expect(details.locator('.jp-hpc-Slurm-raw').first()).toHaveText(
      'FAILED 3:0'
    );
    const steps = details.locator('.jp-hpc-Slurm-steps');
    await expect(steps).toContainText(`${id}.batch`);
    await expect(
      steps
        .locator('tr', { hasText: `${id}.batch` })
        .locator('td')
        .nth(3)
    ).toHaveText('3');
    // Submit again: the form gets the same script and options (checked, not submitted).
    await details.getByRole('button', { name: 'Submit again…' }).click();
    const form = panel.locator('.jp-hpc-Slurm-submit');
    await expect(form).toBeVisible();
    await expect(form.locator('input[name="job-name"]')).toHaveValue(
      `${TAG}-fails`
    );
    await expect(form.locator('input[name="time"]')).toHaveValue('1');
    // the server recorded the path it checked: absolute, inside the root
    await expect(form.locator('input[name="error"]')).toHaveValue(
      /\/fails-%j\.err$/
    );
    await expect(form.locator('input[name="cwd"]')).toHaveValue(tmpPath);
    await expect(form).toContainText('something went wrong');
    await panel.getByRole('tab', { name: 'History' }).click();

    await details.getByRole('button', { name: 'Open error' }).click();
    const editor = page.locator('.jp-FileEditor').last();
    await expect(
      page.getByRole('tab', { name: `fails-${id}.err` })
    ).toBeVisible();
    await expect(editor).toContainText('something went wrong');
  });

  test('the Cluster tab lists the partitions; one of them pre-fills the submit form', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await panel.getByRole('tab', { name: 'Cluster' }).click();
    const cluster = panel.locator('.jp-hpc-Slurm-cluster');
    const debug = cluster.locator('[data-partition="debug"]');
    const long = cluster.locator('[data-partition="long"]');
    await expect(debug).toContainText('default');
    await expect(debug).toContainText('Max time: 1:00:00');
    await expect(debug).toContainText(/CPUs free: \d of 2/);
    await expect(long).toContainText('Max time: 7-00:00:00');
    await long.getByRole('button', { name: 'New job here…' }).click();
    const form = panel.locator('.jp-hpc-Slurm-submit');
    await expect(form).toBeVisible();
    await expect(form.locator('select[name="partition"]')).toHaveValue('long');
  });

  test('a held job says why it waits, in words, with the raw reason', async ({
    page
  }) => {
    const id = submitted.sbatch([
      '--hold',
      `--job-name=${TAG}-held`,
      '--wrap',
      'true'
    ]);
    const panel = await openPanel(page);
    const row = await rowOf(panel, id, 60000);
    await row.click();
    const why = panel.locator('.jp-hpc-Slurm-pending');
    await expect(why.locator('.jp-hpc-Slurm-whyText')).toHaveText(
      /^Held .*release it to let it start\.$/
    );
    await expect(why.locator('.jp-hpc-Slurm-raw')).toHaveText('(JobHeldUser)');
  });
});
