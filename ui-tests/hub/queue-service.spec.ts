import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';

import { answerNewsToast } from './helpers';

/**
 * The queue panel through the local hub with the queue service on (issue 15):
 * hpc-alice watches "All jobs"; a job that hpc-bob submits from a shell appears
 * without a page reload, and disappears once cancelled. Her server reads the
 * queue through the hub-managed service (one squeue for everybody), and the
 * panel applies the changes it receives.
 */
const USER = 'hpc-alice';
const NAME = `hpc-hub-svc-${process.pid}`;
const submitted: string[] = [];

function password(user: string): string {
  const line = readFileSync('/var/lib/jupyterlab-hpc/test-users', 'utf-8')
    .split('\n')
    .find(l => l.startsWith(`${user} `));
  if (!line) {
    throw new Error(`no password for ${user}: run scripts/test-users`);
  }
  return line.slice(user.length + 1).trim();
}

test.afterAll(() => {
  for (const id of submitted) {
    try {
      execFileSync('scancel', [id]);
    } catch {
      // already gone
    }
  }
});

test.beforeEach(async ({ page }) => {
  await answerNewsToast(page);
});

test("another user's job appears in All jobs and leaves when cancelled, without a reload", async ({
  page
}) => {
  await page.goto('/hub/login');
  await page.locator('#username_input').fill(USER);
  await page.locator('#password_input').fill(password(USER));
  await page.locator('#login_submit').click();
  await page.waitForURL(`**/user/${USER}/lab**`, { timeout: 150000 });

  // Refresh every 5 s (the server's floor) instead of 30: the test waits less.
  const xsrf = (await page.context().cookies()).find(
    c => c.name === '_xsrf' && c.path.startsWith(`/user/${USER}`)
  )?.value;
  const saved = await page.request.put(
    `/user/${USER}/lab/api/settings/@jupyterlab-hpc/slurm:plugin`,
    {
      headers: { 'X-XSRFToken': xsrf ?? '' },
      data: { raw: '{"refreshInterval": 5}' }
    }
  );
  expect(saved.ok()).toBeTruthy();

  const listings: string[] = [];
  page.on('request', request => {
    if (request.url().includes('/hpc/slurm/jobs?')) {
      listings.push(request.url());
    }
  });
  await page.goto(`/user/${USER}/lab?reset`);
  await expect(page.locator('.jp-Launcher')).toBeVisible({ timeout: 60000 });
  await page
    .locator('.jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'HPC' })
    })
    .getByText('Slurm Queue')
    .click();
  const panel = page.locator('.jp-hpc-Slurm');
  await expect(panel).toContainText('Slurm 22.');
  await panel.getByRole('radio', { name: 'All jobs' }).click();
  await panel.locator('.jp-hpc-Slurm-filter').fill(NAME);
  const loaded = listings.length;

  const id = execFileSync(
    'runuser',
    ['-u', 'hpc-bob', '--', 'sbatch', '--parsable', '--hold', '-J', NAME],
    {
      encoding: 'utf-8',
      input: '#!/bin/bash\nsleep 300\n',
      cwd: '/tmp'
    }
  )
    .trim()
    .split(';')[0];
  submitted.push(id);

  const row = panel.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`);
  await expect(row).toBeVisible({ timeout: 60000 });
  await expect(row).toContainText('hpc-bob');
  await page.screenshot({
    path: 'test-results/hub/queue-service-bobs-job.png'
  });

  execFileSync('scancel', [id]);
  await expect(row).toHaveCount(0, { timeout: 60000 });
  // The page was not reloaded: the same panel kept polling.
  expect(listings.length).toBeGreaterThan(loaded);
});
