/**
 * Browser side of bench_slurm_ui.py: the Slurm panel in Chromium with a
 * mocked `GET hpc/slurm/jobs` of N rows (page.route), measuring
 *  - rows shown: from the end of the jobs response to the first row of
 *    that response in the DOM,
 *  - filter keystroke: from an input event in the filter box to the
 *    updated job count being rendered (then one frame).
 * Usage: node bench_slurm_ui.js <lab url with token> <rows> <runs>
 */
const path = require('path');
const { chromium } = require(
  path.join(__dirname, '..', 'ui-tests', 'node_modules', 'playwright')
);

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

const median = xs => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 }
  });
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
  // note when the page has read a jobs response body (the response has
  // arrived); Playwright's route interception skews resource timings
  await page.addInitScript(() => {
    const text = Response.prototype.text;
    Response.prototype.text = async function () {
      const body = await text.call(this);
      if (this.url.includes('/hpc/slurm/jobs')) {
        window.__jobsRead = performance.now();
      }
      return body;
    };
  });
  await page.goto(url);
  await page.waitForSelector('.jp-Launcher', { timeout: 120000 });
  await page.locator('.jp-LauncherCard', { hasText: 'Slurm Queue' }).click();
  await page.waitForSelector('.jp-hpc-Slurm-row', { timeout: 120000 });

  const shown = [];
  for (let run = 0; run < RUNS; run++) {
    generation += 1;
    // default order is job id descending: the top row is the largest id
    const top = String(generation * 1000000 + ROWS - 1);
    const ms = await page.evaluate(async top => {
      window.__jobsRead = null;
      document.querySelector('.jp-hpc-Slurm-refresh').click();
      const sel = `.jp-hpc-Slurm-row[data-job-id="${top}"]`;
      while (!document.querySelector(sel)) {
        await new Promise(r => requestAnimationFrame(r));
      }
      const seen = performance.now();
      return seen - window.__jobsRead;
    }, top);
    shown.push(ms);
  }

  const keystroke = [];
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
  for (let run = 0; run < Math.max(RUNS, terms.length); run++) {
    const term = terms[run % terms.length];
    const ms = await page.evaluate(async term => {
      const input = document.querySelector('.jp-hpc-Slurm-filter');
      const count = document.querySelector('.jp-hpc-Slurm-count');
      const setter = Object.getOwnPropertyDescriptor(
        HTMLInputElement.prototype,
        'value'
      ).set;
      const t0 = performance.now();
      setter.call(input, term);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      // the count carries the filter it was rendered for
      while (count.dataset.filter !== term) {
        await new Promise(r => setTimeout(r, 0));
      }
      await new Promise(r => requestAnimationFrame(r));
      return performance.now() - t0;
    }, term);
    keystroke.push(ms);
  }
  const rows = await page.locator('.jp-hpc-Slurm-row').count();
  console.log(
    JSON.stringify({
      rows: ROWS,
      dom_rows: rows,
      shown_ms: shown,
      shown_median_ms: median(shown),
      keystroke_ms: keystroke,
      keystroke_median_ms: median(keystroke),
      keystroke_max_ms: Math.max(...keystroke)
    })
  );
  await browser.close();
})().catch(error => {
  console.error(error);
  process.exit(1);
});
