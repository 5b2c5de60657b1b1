/**
 * Browser side of bench_slurm_runs_ui.py: the Runs tab of the Slurm panel in
 * Chromium with a mocked sweep of N tasks (`GET hpc/slurm/notebook-runs` and
 * `GET hpc/slurm/notebook-runs/{id}` served by page.route), measuring
 *  - tasks shown: from the end of the run's response to its first task row
 *    of that response in the DOM,
 *  - state filter: from choosing a state in the filter to the task count
 *    rendered for it (then one frame),
 *  - scrolling: from setting the task table's scroll position to the next
 *    frame after its rows are rendered, in 25 steps from top to bottom.
 * Usage: node bench_slurm_runs_ui.js <lab url with token> <tasks> <runs>
 */
const ui = require('./ui_timing');

const [url, tasksArg, runsArg] = process.argv.slice(2);
const TASKS = Number(tasksArg || 1000);
const RUNS = Number(runsArg || 5);
const RUN_ID = '20260101-120000-abcdef';
const STATES = ['COMPLETED', 'COMPLETED', 'RUNNING', 'PENDING', 'FAILED'];

function run(generation) {
  const job = String(100000 + generation);
  const tasks = [];
  const counts = {};
  for (let i = 0; i < TASKS; i++) {
    const state = STATES[i % STATES.length];
    counts[state] = (counts[state] ?? 0) + 1;
    tasks.push({
      index: i,
      values: { alpha: (i % 100) / 100, seed: Math.floor(i / 100) },
      job_id: job,
      slurm_id: `${job}_${i}`,
      attempts: 1,
      state,
      reason: state === 'PENDING' ? 'JobArrayTaskLimit' : '',
      source:
        state === 'PENDING' || state === 'RUNNING' ? 'queue' : 'accounting',
      exit_code: state === 'FAILED' ? 1 : 0,
      start: null,
      end: null,
      output: `project/runs/analysis-${job}_${i}.ipynb`,
      log: `project/runs/analysis-${job}_${i}.log`,
      error:
        state === 'FAILED'
          ? {
              ename: 'ValueError',
              evalue: `alpha ${i} too large`,
              cell: 4,
              cell_index: 3
            }
          : null,
      output_note: null
    });
  }
  const record = {
    id: RUN_ID,
    created: 1767268800,
    notebook: 'project/analysis.ipynb',
    stem: 'analysis',
    kernel: 'python3',
    output_dir: 'project/runs',
    run_dir: `project/runs/.runs/${RUN_ID}`,
    parameters: { label: 'bench' },
    sweep: { mode: 'grid', values: { seed: [], alpha: [] } },
    array: true,
    task_count: TASKS,
    throttle: 50,
    options: {},
    jobs: [{ id: job, tasks: null, submitted: 1767268800 }],
    counts
  };
  return {
    record,
    detail: { ...record, tasks, queue_error: null, accounting_error: null }
  };
}

ui.start(async () => {
  const { browser, page } = await ui.launch();
  let generation = 1;
  await page.route('**/hpc/slurm/notebook-runs**', route => {
    const { record, detail } = run(generation);
    const single = new URL(route.request().url()).pathname.endsWith(RUN_ID);
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify(
        single
          ? detail
          : { runs: [record], queue_error: null, accounting_error: null }
      )
    });
  });
  await ui.noteReads(page, '/hpc/slurm/notebook-runs/');
  await ui.openSlurmPanel(page, url);
  await page.locator('.jp-hpc-Slurm-tab[data-view="runs"]').click();
  await page.waitForSelector('.jp-hpc-Slurm-taskRow', { timeout: 120000 });

  const shown = [];
  for (let i = 0; i < RUNS; i++) {
    generation += 1;
    shown.push(
      await ui.shownAfterRefresh(
        page,
        '.jp-hpc-Slurm-runs .jp-hpc-Slurm-refresh',
        '.jp-hpc-Slurm-taskRow[data-task="0"]',
        `${100000 + generation}_0`
      )
    );
  }

  const filter = await ui.filterTimes(page, {
    input: '.jp-hpc-Slurm-runDetail .jp-hpc-Slurm-stateFilter',
    count: '.jp-hpc-Slurm-runDetail .jp-hpc-Slurm-count',
    values: ['failed', 'active', 'completed', ''],
    times: Math.max(RUNS, 8),
    event: 'change'
  });

  const scroll = await page.evaluate(async () => {
    const table = document.querySelector('.jp-hpc-Slurm-taskTable');
    const steps = 25;
    const times = [];
    for (let i = 1; i <= steps; i++) {
      const target = Math.round(
        ((table.scrollHeight - table.clientHeight) * i) / steps
      );
      const t0 = performance.now();
      table.scrollTop = target;
      table.dispatchEvent(new Event('scroll'));
      await new Promise(r =>
        requestAnimationFrame(() => requestAnimationFrame(r))
      );
      times.push(performance.now() - t0);
    }
    return times;
  });
  const last = await page
    .locator(`.jp-hpc-Slurm-taskRow[data-task="${TASKS - 1}"]`)
    .count();
  const rows = await page.locator('.jp-hpc-Slurm-taskRow').count();
  console.log(
    JSON.stringify({
      rows: TASKS,
      dom_rows: rows,
      last_row_reached: last === 1,
      ...ui.timings('shown', shown),
      ...ui.timings('keystroke', filter),
      ...ui.timings('scroll', scroll)
    })
  );
  await browser.close();
});
