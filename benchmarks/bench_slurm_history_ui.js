/**
 * Browser side of bench_slurm_history_ui.py: the History tab in Chromium with
 * a mocked `GET hpc/slurm/history` of N finished jobs (page.route), measuring
 *  - rows shown: from reading the history response to the first row of that
 *    response in the DOM,
 *  - filter keystroke: from an input event in the filter box to the updated
 *    job count being rendered (then one frame).
 * Usage: node bench_slurm_history_ui.js <lab url with token> <rows> <runs>
 */
const ui = require('./ui_timing');

const [url, rowsArg, runsArg] = process.argv.slice(2);
const ROWS = Number(rowsArg || 10000);
const RUNS = Number(runsArg || 5);
const STATES = ['COMPLETED', 'COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED'];
const T0 = 1796000000;

function jobs(generation) {
  const base = generation * 1000000;
  const out = [];
  for (let i = 0; i < ROWS; i++) {
    const array = i % 10 === 0;
    const state = STATES[i % STATES.length];
    const end = T0 + generation * 100000 + i;
    out.push({
      id: array ? `${base + i}_${i % 7}` : String(base + i),
      array_job_id: array ? String(base + i) : null,
      array_task_id: array ? String(i % 7) : null,
      name: `analysis ${i} run`,
      user: 'root',
      account: `proj${i % 20}`,
      partition: i % 2 ? 'debug' : 'long',
      qos: 'normal',
      state,
      cancelled_by: null,
      reason: '',
      exit_code: {
        code: state === 'FAILED' ? 3 : 0,
        signal: state === 'TIMEOUT' ? 15 : 0
      },
      derived_exit_code: { code: 0, signal: 0 },
      submit: end - 600,
      start: end - 500,
      end,
      elapsed: 500,
      time_limit: 3600,
      cpus: 4,
      nodes: 1,
      nodelist: 'node01',
      total_cpu: (i % 2000) * 1.0,
      req_mem: '8G',
      mem_requested: 8 * 1024 ** 3,
      mem_requested_per: 'job',
      gpus: null,
      work_dir: `/home/alice/project/run${i % 50}`,
      work_dir_path: `project/run${i % 50}`,
      efficiency: {
        cpu: { ratio: (i % 2000) / 2000, used: i % 2000, available: 2000 },
        memory: {
          ratio: (i % 100) / 100,
          used: (i % 100) * 85899345,
          requested: 8 * 1024 ** 3,
          per_node: false
        },
        time: { ratio: 500 / 3600, used: 500, limit: 3600 }
      },
      ended:
        state === 'FAILED'
          ? { cause: 'exit_code', code: 3, step: 'batch' }
          : state === 'TIMEOUT'
            ? { cause: 'time_limit', limit: 3600 }
            : state === 'CANCELLED'
              ? {
                  cause: 'cancelled',
                  by: null,
                  by_you: null,
                  at: end,
                  started: true
                }
              : { cause: 'completed' }
    });
  }
  return out;
}

ui.start(async () => {
  const { browser, page } = await ui.launch();
  let generation = 1;
  await page.route('**/hpc/slurm/history?*', route =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        jobs: jobs(generation),
        accounting: true,
        updated_at: Date.now() / 1000,
        user: 'root'
      })
    })
  );
  await ui.noteReads(page, '/hpc/slurm/history');
  await ui.openSlurmPanel(page, url);
  await page.getByRole('tab', { name: 'History' }).click();
  await page.waitForSelector('.jp-hpc-Slurm-historyRow', { timeout: 120000 });

  const shown = [];
  for (let run = 0; run < RUNS; run++) {
    generation += 1;
    // default order is the end time, newest first: the top row is the last job
    const i = ROWS - 1;
    const top =
      i % 10 === 0
        ? `${generation * 1000000 + i}_${i % 7}`
        : String(generation * 1000000 + i);
    shown.push(
      await ui.shownAfterRefresh(
        page,
        '.jp-hpc-Slurm-history .jp-hpc-Slurm-refresh',
        `.jp-hpc-Slurm-historyRow[data-job-id="${top}"]`
      )
    );
  }

  const terms = [
    '1',
    '12',
    '123',
    '1234',
    'f',
    'fa',
    'failed',
    'proj1',
    'run4',
    ''
  ];
  const keystroke = await ui.filterTimes(page, {
    input: '.jp-hpc-Slurm-history .jp-hpc-Slurm-filter',
    count: '.jp-hpc-Slurm-history .jp-hpc-Slurm-count',
    values: terms,
    times: Math.max(RUNS, terms.length),
    event: 'input'
  });
  const rows = await page.locator('.jp-hpc-Slurm-historyRow').count();
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
