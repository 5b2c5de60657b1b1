import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';

import {
  SubmittedJobs,
  openPanel,
  rowOf,
  submittedJobId
} from './helpers/slurm';

/**
 * What a first-time user trips over (issue 11), against the real cluster:
 * the details follow a job to its end, a bad value is reported beside its
 * field, disabled buttons look disabled, the header stays on one line.
 */
const TAG = `hpc-polish-${process.pid}`;
const submitted = new SubmittedJobs();

test.afterAll(() => submitted.cancelAll());

test('the details pane follows a job to COMPLETED without reloading', async ({
  page
}) => {
  // the release is seen at the next normal refresh (30 s), then faster
  test.setTimeout(150000);
  // submitted held, so that it is listed (and its details open) before it runs
  const id = submitted.sbatch([
    '--hold',
    `--job-name=${TAG}-follow`,
    '--wrap',
    'sleep 3'
  ]);
  const panel = await openPanel(page);
  await panel.getByRole('searchbox', { name: 'Filter jobs' }).fill(TAG);
  const row = await rowOf(panel, id);
  await row.click();
  const details = panel.locator('.jp-hpc-Slurm-details');
  const badge = details.locator('.jp-hpc-Slurm-stateBadge');
  await expect(badge).toHaveText('PENDING');
  // the summary first, Slurm's raw fields folded
  await expect(details).toContainText('Submitted');
  await expect(
    details.locator('details.jp-hpc-Slurm-rawFields')
  ).not.toHaveAttribute('open', '');
  execFileSync('scontrol', ['release', id]);
  await expect(badge).toHaveText('COMPLETED', { timeout: 60000 });
  await expect(details).toContainText('No longer in the queue');
  await expect(details).toContainText('Exit code');
  await expect(row).toHaveCount(0);
});

test('a bad time limit is reported beside its field; Submit waits', async ({
  page
}) => {
  const panel = await openPanel(page);
  await panel.getByRole('button', { name: 'New job…' }).click();
  const form = panel.locator('.jp-hpc-Slurm-submit');
  const time = form.getByLabel('Time limit');
  const submit = form.locator('.jp-hpc-Slurm-submitButton');
  // the script's own line applies while the field is empty, and says so
  const note = form.locator('.jp-hpc-Slurm-applies[data-field="time"]');
  await expect(note).toHaveText('from script: 00:10:00');
  expect(await time.getAttribute('placeholder')).toBeNull();
  await expect(submit).toBeEnabled();

  await time.fill('abc');
  await expect(time).toHaveAttribute('aria-invalid', 'true');
  await expect(note).toHaveText(
    "Time limit: 'abc' is not valid; expected a time limit like 30, 1:00:00 or 2-00:00:00."
  );
  await expect(time).toHaveAttribute(
    'aria-describedby',
    (await note.getAttribute('id')) ?? 'x'
  );
  // beside the field: right under it, in the options column
  const fieldBox = (await time.boundingBox())!;
  const noteBox = (await note.boundingBox())!;
  expect(Math.abs(noteBox.x - fieldBox.x)).toBeLessThan(2);
  expect(noteBox.y - (fieldBox.y + fieldBox.height)).toBeLessThan(10);
  await expect(submit).toBeDisabled();
  await expect(form.locator('.jp-hpc-Slurm-submitError')).toHaveCount(0);

  await time.fill('5');
  await expect(time).not.toHaveAttribute('aria-invalid', 'true');
  await expect(note).toHaveText('replaces the script’s 00:10:00');
  await expect(submit).toBeEnabled();
});

test('a disabled Cancel looks different from an enabled one', async ({
  page
}) => {
  const id = submitted.sbatch([
    '--hold',
    `--job-name=${TAG}-disabled`,
    '--wrap',
    'sleep 60'
  ]);
  const panel = await openPanel(page);
  await panel
    .getByRole('searchbox', { name: 'Filter jobs' })
    .fill(`${TAG}-disabled`);
  const row = await rowOf(panel, id);
  const cancel = panel.locator('.jp-hpc-Slurm-action[data-action="cancel"]');
  await expect(cancel).toBeDisabled();
  const look = () =>
    cancel.evaluate(el => {
      const style = getComputedStyle(el);
      return `${style.opacity} ${style.backgroundColor} ${style.color}`;
    });
  const disabled = await look();
  await row.click();
  await expect(cancel).toBeEnabled();
  const enabled = await look();
  expect(disabled).not.toEqual(enabled);
  // and the same in the dark theme
  await page.theme.setDarkTheme();
  const panelDark = await openPanel(page);
  const cancelDark = panelDark.locator(
    '.jp-hpc-Slurm-action[data-action="cancel"]'
  );
  await panelDark.locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`).click();
  await expect(cancelDark).toBeEnabled();
  const enabledDark = await look();
  await panelDark
    .locator(`.jp-hpc-Slurm-row[data-job-id="${id}"]`)
    .click({ modifiers: ['Control'] });
  await expect(cancelDark).toBeDisabled();
  const disabledDark = await look();
  expect(disabledDark).not.toEqual(enabledDark);
  // not the near-black of the browser's own button in the dark theme
  expect(Number(disabledDark.split(' ')[0])).toBeLessThan(1);
});

test('at 800 px the panel header is one line', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 700 });
  const panel = await openPanel(page);
  const header = panel.locator('.jp-hpc-Slurm-queueHeader');
  const newJob = header.getByRole('button', { name: 'New job…' });
  const box = (await header.boundingBox())!;
  const buttonBox = (await newJob.boundingBox())!;
  // one line: no taller than its buttons plus its padding
  expect(box.height).toBeLessThan(buttonBox.height + 20);
  const status = header.locator('.jp-hpc-Slurm-status');
  const statusBox = (await status.boundingBox())!;
  expect(
    Math.abs(
      statusBox.y + statusBox.height / 2 - (buttonBox.y + buttonBox.height / 2)
    )
  ).toBeLessThan(4);
  // whatever is cut stays readable in the tooltip, and Refresh keeps its name
  await expect(status).toHaveAttribute('title', /^Slurm 22\./);
  await expect(header.getByRole('button', { name: 'Refresh' })).toBeVisible();
});

test('a job that ends is announced with Open output, which opens its output file', async ({
  page
}) => {
  test.setTimeout(120000);
  const panel = await openPanel(page);
  await panel.getByRole('button', { name: 'New job…' }).click();
  const form = panel.locator('.jp-hpc-Slurm-submit');
  const editor = form.locator('.jp-hpc-Slurm-script .cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  // long enough to be listed running before it ends (an unseen job is not announced)
  await page.keyboard.insertText(
    '#!/bin/bash\nsleep 6\necho polished-output\n'
  );
  await form.getByLabel('Job name').fill(`${TAG}-notify`);
  await form.locator('.jp-hpc-Slurm-submitButton').click();
  const id = submitted.add(await submittedJobId(page));

  const toast = page.locator('.Toastify__toast', {
    hasText: `Job ${id} (${TAG}-notify) completed.`
  });
  await expect(toast).toBeVisible({ timeout: 60000 });
  await expect(toast.getByRole('button', { name: 'Show queue' })).toBeVisible();
  await toast.getByRole('button', { name: 'Open output' }).click();
  const tab = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
    hasText: `slurm-${id}.out`
  });
  await expect(tab).toBeVisible();
  await expect(page.locator('.jp-FileEditor .cm-content')).toContainText(
    'polished-output'
  );
});

test('the details sit beside the table, under it when narrow, and resize by keyboard', async ({
  page
}) => {
  const id = submitted.sbatch([
    '--hold',
    `--job-name=${TAG}-split`,
    '--wrap',
    'sleep 60'
  ]);
  await page.setViewportSize({ width: 1400, height: 800 });
  const panel = await openPanel(page);
  await panel
    .getByRole('searchbox', { name: 'Filter jobs' })
    .fill(`${TAG}-split`);
  const row = await rowOf(panel, id);
  await row.click();
  const table = panel.locator('.jp-hpc-Slurm-queue .jp-hpc-Slurm-tableScroll');
  const pane = panel.locator('.jp-hpc-Slurm-detailsPane');
  await expect(pane).toContainText('Held');
  let t = (await table.boundingBox())!;
  let p = (await pane.boundingBox())!;
  expect(t.x + t.width).toBeLessThanOrEqual(p.x);
  // the separator: focus it, Left widens the pane
  const separator = panel.getByRole('separator', {
    name: 'Resize the job details'
  });
  await separator.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect
    .poll(async () => (await pane.boundingBox())!.width)
    .toBeGreaterThan(p.width + 40);

  await page.setViewportSize({ width: 800, height: 800 });
  await expect(separator).toHaveAttribute('aria-orientation', 'horizontal');
  t = (await table.boundingBox())!;
  p = (await pane.boundingBox())!;
  expect(t.y + t.height).toBeLessThanOrEqual(p.y);
  // the table keeps its width: the pane is under it, not over its columns
  expect(Math.abs(p.width - t.width)).toBeLessThan(2);
});

test('Release and Hold show in the row at once, then why the job waits', async ({
  page
}) => {
  // begins in an hour: released, it still waits (for its begin time), so
  // it can be held again
  const id = submitted.sbatch([
    '--hold',
    '--begin=now+3600',
    `--job-name=${TAG}-actions`,
    '--wrap',
    'sleep 60'
  ]);
  const panel = await openPanel(page);
  await panel
    .getByRole('searchbox', { name: 'Filter jobs' })
    .fill(`${TAG}-actions`);
  const row = await rowOf(panel, id);
  const reason = row.locator('[data-column="reason"]');
  await expect(reason).toHaveText('JobHeldUser');
  const check = row.locator('input[type="checkbox"]');
  await check.check();
  await panel.getByRole('button', { name: 'Release' }).click();
  // Slurm clears the reason at once (the refresh after the action shows
  // that), and its scheduler sets the next one a few seconds later: the
  // panel asks again until it has it, not at its next refresh (30 s)
  await expect(reason).not.toHaveText('JobHeldUser', { timeout: 4000 });
  await expect(reason).toHaveText('BeginTime', { timeout: 15000 });
  await check.check();
  await panel.getByRole('button', { name: 'Hold' }).click();
  // held by root, an administrator here
  await expect(reason).toHaveText(/^JobHeld(User|Admin)$/, { timeout: 4000 });
});

test("the form's hints give the partition's own defaults", async ({ page }) => {
  const panel = await openPanel(page);
  await panel.getByRole('button', { name: 'New job…' }).click();
  const form = panel.locator('.jp-hpc-Slurm-submit');
  const time = form.locator('.jp-hpc-Slurm-applies[data-field="time"]');
  const mem = form.locator('.jp-hpc-Slurm-applies[data-field="mem"]');
  await expect(time).toHaveText('from script: 00:10:00');
  // debug sets no DefaultTime (a job gets its MaxTime) nor default memory
  await expect(mem).toHaveText('cluster default: all of the node’s memory');
  await form.locator('.jp-hpc-Slurm-script .cm-content').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText('#!/bin/bash\necho hi\n');
  await expect(time).toHaveText('cluster default: 1:00:00');
  // long: DefaultTime=1-00:00:00 DefMemPerCPU=1024 (scripts/local-slurm)
  await form.locator('select[name="partition"]').selectOption('long');
  await expect(time).toHaveText('cluster default: 1-00:00:00');
  await expect(mem).toHaveText('cluster default: 1 GB per CPU');
});

test('at 800 px the queue shows ID, name, state and time without scrolling', async ({
  page
}) => {
  const name = `${TAG}-narrow-with-a-name-longer-than-its-column`;
  const id = submitted.sbatch([
    '--hold',
    '--time=10',
    `--job-name=${name}`,
    '--wrap',
    'sleep 60'
  ]);
  await page.setViewportSize({ width: 800, height: 700 });
  const panel = await openPanel(page);
  await panel.getByRole('searchbox', { name: 'Filter jobs' }).fill(name);
  const row = await rowOf(panel, id);
  const table = panel.locator('.jp-hpc-Slurm-queue .jp-hpc-Slurm-tableScroll');
  const box = (await table.boundingBox())!;
  const visibleRight =
    box.x + (await table.evaluate(el => (el as HTMLElement).clientWidth));
  for (const column of ['id', 'name', 'state', 'time']) {
    const cell = (await row
      .locator(`[data-column="${column}"]`)
      .boundingBox())!;
    expect(cell.x + cell.width, column).toBeLessThanOrEqual(visibleRight + 1);
  }
  // whole where it says the most: the state and time; the name cut, whole in its tooltip
  for (const column of ['id', 'state', 'time']) {
    const cut = await row
      .locator(`[data-column="${column}"]`)
      .evaluate(el => el.scrollWidth > el.clientWidth);
    expect(cut, column).toBe(false);
  }
  await expect(row.locator('[data-column="time"]')).toHaveText(
    '0:00:00 / 0:10:00'
  );
  await expect(row.locator('[data-column="name"]')).toHaveAttribute(
    'title',
    name
  );
});

test('History: a filter that hides everything says so, Show all brings the jobs back; the details resize', async ({
  page
}) => {
  await page.setViewportSize({ width: 800, height: 800 });
  const panel = await openPanel(page);
  await panel.getByRole('tab', { name: 'History' }).click();
  const history = panel.locator('.jp-hpc-Slurm-history');
  const rows = history.locator('.jp-hpc-Slurm-row');
  // every test run leaves finished jobs in the accounting
  await expect(rows.first()).toBeVisible({ timeout: 30000 });
  const filter = history.getByRole('searchbox', {
    name: 'Filter finished jobs'
  });
  await filter.fill('no-job-has-this-name');
  const none = history.locator('.jp-hpc-Slurm-noMatches');
  await expect(none).toHaveText(
    'No matches: no job here has "no-job-has-this-name". Show all'
  );
  await none.getByRole('button', { name: 'Show all' }).click();
  await expect(filter).toHaveValue('');
  await expect(none).toHaveCount(0);
  await expect(rows.first()).toBeVisible();

  // the details: under the table in a narrow panel, resized by keyboard
  await rows.first().click();
  const pane = history.locator('.jp-hpc-Slurm-detailsPane');
  const separator = history.getByRole('separator', {
    name: 'Resize the finished job details'
  });
  await expect(separator).toHaveAttribute('aria-orientation', 'horizontal');
  const table = history.locator('.jp-hpc-Slurm-tableScroll');
  const t = (await table.boundingBox())!;
  const before = (await pane.boundingBox())!;
  expect(t.y + t.height).toBeLessThanOrEqual(before.y);
  await separator.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect
    .poll(async () => (await pane.boundingBox())!.height)
    .toBeGreaterThan(before.height + 40);
});
