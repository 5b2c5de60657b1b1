import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';

/**
 * "Run as Slurm job" against the real local cluster: from an open notebook,
 * with one parameter changed; the job shows in the queue (held, then released
 * there) and in Runs; once it has run, its output notebook opens from Runs
 * and shows the changed parameter's effect.
 */
const STEM = `runs-ui-${process.pid}`;
const FOLDER = `runs-ui-${process.pid}`;

const NOTEBOOK = {
  cells: [
    {
      cell_type: 'code',
      metadata: { tags: ['parameters'] },
      source: 'x: int = 1\nlabel = "plain"  # what to print\n',
      outputs: [],
      execution_count: null
    },
    {
      cell_type: 'code',
      metadata: {},
      source: 'print("result", x * 10, label)\n',
      outputs: [],
      execution_count: null
    }
  ],
  metadata: {
    kernelspec: {
      name: 'python3',
      display_name: 'Python 3 (ipykernel)',
      language: 'python'
    }
  },
  nbformat: 4,
  nbformat_minor: 5
};

test.afterAll(() => {
  try {
    execFileSync('scancel', [`--name=${STEM}`]);
  } catch {
    // nothing left
  }
});

test('run a notebook as a Slurm job with a parameter changed, then open its output from Runs', async ({
  page
}) => {
  test.setTimeout(300000); // the job shares 2 CPUs with the other suites
  const path = `${FOLDER}/${STEM}.ipynb`;
  await page.contents.uploadContent(JSON.stringify(NOTEBOOK), 'text', path);
  // the file browser offers it on notebooks
  await page.filebrowser.openDirectory(FOLDER);
  await page
    .locator('.jp-DirListing-item', { hasText: `${STEM}.ipynb` })
    .click({ button: 'right' });
  await expect(
    page.getByRole('menuitem', { name: 'Run as Slurm Job…' })
  ).toBeVisible();
  await page.keyboard.press('Escape');
  // wide enough that the notebook toolbar never moves the button into its
  // overflow menu (seen once in a full run)
  await page.setViewportSize({ width: 1600, height: 900 });
  expect(await page.notebook.openByPath(path)).toBeTruthy();

  // the toolbar button opens the dialog with the parameters cell as a form
  await page.locator('.jp-hpc-Slurm-runButton').click();
  const dialog = page.locator('.jp-hpc-Slurm-runDialog');
  await expect(dialog).toContainText(`Run as Slurm job: ${STEM}.ipynb`);
  const x = dialog.locator('tr[data-parameter="x"] input');
  await expect(x).toHaveValue('1');
  await expect(dialog.locator('tr[data-parameter="label"]')).toContainText(
    'what to print'
  );
  await expect(dialog.locator('select[name="kernel"]')).toHaveValue('python3');
  await expect(dialog.locator('.jp-hpc-Slurm-taskCount')).toContainText(
    '1 task: one Slurm job.'
  );
  await expect(dialog.locator('input[name="output_dir"]')).toHaveValue(
    `${FOLDER}/runs`
  );

  // a wrong value is flagged beside its field, and Submit waits
  await x.fill('seven');
  await expect(dialog.locator('tr[data-parameter="x"]')).toContainText(
    'Expected a whole number.'
  );
  await x.fill('7');
  // held, so that the queue shows it before it runs
  await dialog.locator('input[name="hold"]').check();
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog).toHaveCount(0);
  const note = page.locator('.Toastify__toast', {
    hasText: `Submitted ${STEM}.ipynb as job`
  });
  await expect(note).toBeVisible();
  const jobId = (await note.textContent())!.match(/as job (\d+)/)![1];

  // the queue shows it (named after the notebook); release it there
  await note.getByRole('button', { name: 'Show in Runs' }).click();
  const panel = page.locator('.jp-hpc-Slurm');
  await panel.getByRole('tab', { name: 'Queue' }).click();
  await panel.locator('.jp-hpc-Slurm-filter').fill(STEM);
  const row = panel.locator(`.jp-hpc-Slurm-row[data-job-id="${jobId}"]`);
  await expect(row).toContainText(STEM);
  await expect(row).toContainText('PENDING');
  await row.click();
  await panel.locator('.jp-hpc-Slurm-action[data-action="release"]').click();

  // Runs: the run, its task with the changed value, until it completes
  await panel.getByRole('tab', { name: 'Runs' }).click();
  const runs = panel.locator('.jp-hpc-Slurm-runs');
  await expect(runs.locator('.jp-hpc-Slurm-runItem').first()).toContainText(
    `${STEM}.ipynb`
  );
  await expect(runs.locator('.jp-hpc-Slurm-runParams')).toHaveText('x = 7');
  const task = runs.locator('.jp-hpc-Slurm-taskRow[data-task="0"]');
  await expect(task).toContainText(jobId);
  await expect(task).toHaveAttribute('data-state', 'COMPLETED', {
    timeout: 240000
  });

  // its output notebook, as papermill wrote it: the injected x = 7 and its result
  await task.getByRole('button', { name: 'Open the output notebook' }).click();
  const output = page.locator('.jp-NotebookPanel', {
    hasText: 'result 70 plain'
  });
  await expect(output).toBeVisible();
  await expect(output).toContainText('x = 7');
  await expect(page.locator('.lm-TabBar-tab.jp-mod-current')).toContainText(
    `${STEM}-${jobId}.ipynb`
  );
});
