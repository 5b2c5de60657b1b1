/**
 * What the Slurm panel's specs share: opening the panel, jobs submitted with
 * sbatch on the real cluster (and cancelled after the spec), and waiting for
 * a job submitted a moment ago to be listed.
 */
import { expect } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { execFileSync } from 'child_process';

/** The Slurm panel, open and showing Slurm's version. */
export async function openPanel(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('hpc-slurm:open');
  });
  const panel = page.locator('.jp-hpc-Slurm');
  await expect(panel).toContainText('Slurm 22.');
  return panel;
}

/**
 * The jobs a spec submits; `cancelAll()` in its `afterAll` leaves none of
 * them behind, whatever failed.
 */
export class SubmittedJobs {
  readonly ids: string[] = [];

  add(id: string): string {
    this.ids.push(id);
    return id;
  }

  /** `sbatch --parsable --output=/dev/null ...args`: the new job's id. */
  sbatch(args: string[]): string {
    const out = execFileSync(
      'sbatch',
      ['--parsable', '--output=/dev/null', ...args],
      { encoding: 'utf-8' }
    );
    return this.add(out.trim().split(';')[0]);
  }

  /** A job named `name`, held (so it stays pending), that would sleep 300 s. */
  held(name: string): string {
    return this.sbatch(['--hold', `--job-name=${name}`, '--wrap', 'sleep 300']);
  }

  cancelAll(): void {
    for (const id of this.ids) {
      try {
        execFileSync('scancel', [id]);
      } catch {
        // already gone
      }
    }
  }
}

/** The job's state as squeue shows it, '' once squeue no longer lists it. */
export function squeueState(id: string): string {
  try {
    return execFileSync('squeue', ['--noheader', '-j', id, '-o', '%T'], {
      encoding: 'utf-8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim();
  } catch {
    return '';
  }
}

/** The id of the job that the "Submitted batch job N" toast announces. */
export async function submittedJobId(
  page: IJupyterLabPageFixture
): Promise<string> {
  const toast = page.locator('.jp-toast-message', {
    hasText: 'Submitted batch job'
  });
  await expect(toast).toBeVisible();
  return /Submitted batch job (\d+)/.exec(
    (await toast.textContent()) ?? ''
  )![1];
}

/**
 * Refresh until `check` passes: the server shares one squeue per refresh
 * window, so a change of a moment ago may not be in the list yet.
 */
export async function refreshUntil(
  panel: Locator,
  check: () => Promise<void>,
  timeout = 45000
): Promise<void> {
  await expect(async () => {
    await panel.getByRole('button', { name: 'Refresh' }).first().click();
    await check();
  }).toPass({ timeout, intervals: [2000] });
}

/** The queue's row of job `id`, once the list has it. */
export async function rowOf(
  panel: Locator,
  id: string,
  timeout = 45000
): Promise<Locator> {
  const row = panel.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`);
  await refreshUntil(
    panel,
    () => expect(row).toBeVisible({ timeout: 1000 }),
    timeout
  );
  return row;
}
