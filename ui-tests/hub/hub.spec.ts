import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';

import { answerNewsToast } from './helpers';

/**
 * In the browser, through the local JupyterHub: hpc-alice logs in with her Unix
 * password (PAM), her JupyterLab (a Slurm job of hers) loads at /user/hpc-alice/lab
 * with the four extensions and no console errors, and she submits a job from the
 * Slurm panel (it runs as her) and cancels it.
 */
const USER = 'hpc-alice';
const TAG = `hpc-hub-ui-${process.pid}`;
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

function squeue(id: string, format: string): string {
  try {
    return execFileSync('squeue', ['--noheader', '-j', id, '-o', format], {
      encoding: 'utf-8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim();
  } catch {
    return '';
  }
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

test('log in at the hub, JupyterLab with the four extensions, submit and cancel a job', async ({
  page
}) => {
  const errors: string[] = [];
  page.on('console', message => {
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });

  await page.goto('/hub/login');
  await page.locator('#username_input').fill(USER);
  await page.locator('#password_input').fill(password(USER));
  await page.locator('#login_submit').click();
  // The spawn page waits for the Slurm job; then JupyterLab under the user's prefix.
  await page.waitForURL(`**/user/${USER}/lab**`, { timeout: 150000 });
  // A fresh workspace (an earlier run's layout would hide the launcher).
  await page.goto(`/user/${USER}/lab?reset`);
  await expect(page.locator('.jp-Launcher')).toBeVisible({ timeout: 60000 });

  const hpc = page.locator('.jp-Launcher-section', {
    has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'HPC' })
  });
  await expect(hpc.getByText('Slurm Queue')).toBeVisible();
  await expect(hpc.getByText('Notebook Gallery')).toBeVisible();
  await expect(page.locator('.jp-hpc-Favorites').first()).toBeAttached();
  await expect(page.locator('.jp-hpc-Recents').first()).toBeAttached();

  await hpc.getByText('Slurm Queue').click();
  const panel = page.locator('.jp-hpc-Slurm');
  await expect(panel).toContainText('Slurm 22.');

  await panel.getByRole('button', { name: 'New job…' }).click();
  const form = panel.locator('.jp-hpc-Slurm-submit');
  await expect(form).toBeVisible();
  const editor = form.locator('.jp-hpc-Slurm-script .cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText('#!/bin/bash\nsleep 120\n');
  await form.locator('input[name="job-name"]').fill(TAG);
  await form.locator('input[name="time"]').fill('5');
  await form.locator('.jp-hpc-Slurm-submitButton').click();
  await expect(
    page.locator('.jp-toast-message', { hasText: 'Submitted batch job' })
  ).toBeVisible();

  await panel.locator('.jp-hpc-Slurm-filter').fill(TAG);
  const row = panel.locator('.jp-hpc-Slurm-row', { hasText: TAG });
  await expect(row).toBeVisible({ timeout: 30000 });
  const id = (await row.getAttribute('data-job-id'))!;
  submitted.push(id);
  // The job is hers, not root's: submitted by her server, as her.
  expect(squeue(id, '%u')).toBe(USER);

  await row.click();
  await panel.locator('.jp-hpc-Slurm-action[data-action="cancel"]').click();
  await page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'Cancel jobs' })
    .click();
  await expect(row).toHaveCount(0, { timeout: 30000 });
  await expect
    .poll(() => squeue(id, '%T'), { timeout: 30000 })
    .toMatch(/^(|CANCELLED|COMPLETING)$/);

  const ours = errors.filter(
    e => !/favicon|Failed to load resource: .*404/.test(e)
  );
  expect(ours).toEqual([]);
});

test('an account outside hpc-batch: Slurm is not available, favorites work', async ({
  page
}) => {
  const user = 'hpc-bob';
  await page.goto('/hub/login');
  await page.locator('#username_input').fill(user);
  await page.locator('#password_input').fill(password(user));
  await page.locator('#login_submit').click();
  await page.waitForURL(`**/user/${user}/lab**`, { timeout: 150000 });
  await page.goto(`/user/${user}/lab?reset`);
  await expect(page.locator('.jp-Launcher')).toBeVisible({ timeout: 60000 });

  // The example authorizer refuses hpc_slurm: the panel says so, without retrying.
  await page
    .locator('.jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'HPC' })
    })
    .getByText('Slurm Queue')
    .click();
  const banner = page.locator('.jp-hpc-Slurm .jp-hpc-Slurm-banner');
  await expect(banner).toContainText('Slurm is not available to this account.');
  await expect(banner).toContainText('hpc-batch');
  await expect(banner.getByRole('button', { name: 'Retry now' })).toHaveCount(
    0
  );
  await page.screenshot({ path: 'test-results/hub/bob-slurm-refused.png' });

  // Favorites still work: his group's project folder is there.
  const favorites = page.locator('.jp-hpc-Favorites').first();
  await expect(favorites).toContainText('hpc-proj');
  await expect(favorites).not.toContainText('hpc-batch');
});
