/**
 * Browser side of bench_slurm_ui.py: the Slurm panel in Chromium with a
 * mocked `GET hpc/slurm/jobs` of N rows (page.route), measuring
 *  - rows shown: from the end of the jobs response to the first row of
 *    that response in the DOM,
 *  - filter keystroke: from an input event in the filter box to the
 *    updated job count being rendered (then one frame).
 * Usage: node bench_slurm_ui.js <lab url with token> <rows> <runs>
 */
const ui = require('./ui_timing');

const [url, rowsArg, runsArg] = process.argv.slice(2);
const ROWS = Number(rowsArg || 100000);
const RUNS = Number(runsArg || 5);
const STATES = ['PENDING', 'RUNNING', 'PENDING', 'COMPLETING'];

function jobs(generation) {
  const base = generation * 1000000;
  const out = [];
  for (let i = 0; i < ROWS; i++) {
    const array = i % 10 === 0;
    out.push({
      id: array ? `${base + i}_${i % 7}` : String(base + i),
      array_job_id: array ? String(base + i) : null,
      array_task_id: array ? String(i % 7) : null,
      name: `job ${i} analysis`,
      user: i % 3 ? 'root' : `user${i % 50}`,
      account: `proj${i % 20}`,
      partition: i % 2 ? 'debug' : 'long',
      qos: 'normal',
      state: STATES[i % 4],
      reason: i % 4 === 0 ? 'JobHeldUser' : '',
      time_used: i % 4000,
      time_limit: 3600,
      nodes: 1,
      nodelist: i % 4 === 1 ? 'vm' : '',
      submit_time: 1795700000 + i,
      start_time: i % 4 === 1 ? 1795700000 + i : null,
      work_dir: '/tmp',
      work_dir_path: null,
      stdout: '/tmp/x.out',
      stderr: '/tmp/x.out'
    });
  }
  return out;
}

ui.start(async () => {
  const { browser, page } = await ui.launch();
  let generation = 1;
  await page.route('**/hpc/slurm/jobs?*', route =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        jobs: jobs(generation),
        updated_at: Date.now() / 1000,
        user: 'root'
      })
    })
  );
  await ui.noteReads(page, '/hpc/slurm/jobs');
  await ui.openSlurmPanel(page, url);
  await page.waitForSelector('.jp-hpc-Slurm-row', { timeout: 120000 });

  const shown = [];
  for (let run = 0; run < RUNS; run++) {
    generation += 1;
    // default order is job id descending: the top row is the largest id
    const top = String(generation * 1000000 + ROWS - 1);
    shown.push(
      await ui.shownAfterRefresh(
        page,
        '.jp-hpc-Slurm-refresh',
        `.jp-hpc-Slurm-row[data-job-id="${top}"]`
      )
    );
  }

  const terms = [
    '1',
    '12',
    '123',
    '1234',
    'j',
    'jo',
    'job',
    'job 9',
    'running',
    ''
  ];
  const keystroke = await ui.filterTimes(page, {
    input: '.jp-hpc-Slurm-filter',
    count: '.jp-hpc-Slurm-count',
    values: terms,
    times: Math.max(RUNS, terms.length),
    event: 'input'
  });
  const rows = await page.locator('.jp-hpc-Slurm-row').count();
  console.log(
    JSON.stringify({
      rows: ROWS,
      dom_rows: rows,
      ...ui.timings('shown', shown),
      ...ui.timings('keystroke', keystroke)
    })
  );
  await browser.close();
});
