/**
 * Browser side of bench_queue_service.py: the Slurm panel in Chromium fed
 * the real server's answers recorded by the bytes part (`full.json`, a full
 * `format=columns` answer of 100,000 jobs, and `delta<k>.json`, each the
 * changes of one refresh). `GET hpc/slurm/jobs` is answered by `page.route`
 * according to the request's `since`: the delta whose base it is, the full
 * table when unknown, "nothing changed" after the last delta. Measures
 *  - first rows: a fresh page, the panel opened from the launcher, from the
 *    end of reading its first jobs response (the first screen, `limit`,
 *    `first.json`, when the panel asks for it) to the first row in the DOM,
 *  - whole list: from the same moment to the count of the whole list shown
 *    (no longer the first screen's), and from the end of reading the whole
 *    list's answer to the same,
 *  - delta: the refresh button, from the end of reading the delta to the
 *    delta's new top job (ids descending) in the DOM,
 *  - filter keystroke: an input event in the filter box to the count
 *    rendered for it (then one frame).
 * `GET hpc/slurm/status` is answered as by a server whose Slurm works.
 * Usage: node bench_queue_service_ui.js <lab url with token> <folder> <runs>
 */
const fs = require('fs');
const path = require('path');
const ui = require('./ui_timing');

const [url, folder, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg || 5);

const full = fs.readFileSync(path.join(folder, 'full.json'), 'utf8');
// the first screen (`limit`), recorded with the full answer
const firstScreen = fs.readFileSync(path.join(folder, 'first.json'), 'utf8');
const deltaFiles = fs
  .readdirSync(folder)
  .filter(name => /^delta\d+\.json$/.test(name))
  .sort((a, b) => Number(a.slice(5, -5)) - Number(b.slice(5, -5)));
const deltas = deltaFiles.map(name =>
  fs.readFileSync(path.join(folder, name), 'utf8')
);
const fullAnswer = JSON.parse(full);
// since -> the answer to send
const bySince = new Map();
let base = fullAnswer.version;
const tops = [];
const sizes = [];
for (const text of deltas) {
  const answer = JSON.parse(text);
  bySince.set(base, text);
  base = answer.version;
  const ids = answer.jobs.map(row => row[0]);
  // the top row once applied: the largest id (the new jobs have the largest)
  let top = ids[0];
  for (const id of ids) {
    if (parseInt(id, 10) > parseInt(top, 10)) {
      top = id;
    }
  }
  tops.push(top);
  sizes.push([answer.jobs.length, (answer.removed || []).length]);
}
const last = JSON.parse(deltas[deltas.length - 1]);
const versions = new Set([
  fullAnswer.version,
  ...deltas.map(t => JSON.parse(t).version)
]);
// "nothing changed since <version>"
const unchanged = version =>
  JSON.stringify({
    ...last,
    version,
    jobs: [],
    removed: [],
    values: Object.fromEntries(Object.keys(last.values).map(k => [k, []]))
  });

// Answers are held while `holding` (the first-rows runs release them once the
// panel is open) and a delta is sent only when `allowed` (a refresh of the
// delta runs): the panel's own polls meanwhile get "nothing changed".
let holding = false;
let allowed = null;
const pending = [];
function respond(route) {
  const params = new URL(route.request().url()).searchParams;
  const since = Number(params.get('since'));
  let body;
  if (params.get('limit') && !versions.has(since)) {
    body = firstScreen;
  } else if (!versions.has(since)) {
    body = full;
  } else if (allowed !== null && bySince.get(since) === deltas[allowed]) {
    body = deltas[allowed];
    allowed = null;
  } else {
    body = unchanged(since);
  }
  return route.fulfill({ contentType: 'application/json', body });
}

// From the end of reading the first big jobs answer after `t0` to `selector`
// in the DOM (polled every frame).
// With `big`, from the end of reading the first answer of more than 1 MB
// instead (the whole list, when a first screen came before it).
async function until([selector, t0, big]) {
  while (!document.querySelector(selector)) {
    await new Promise(r => requestAnimationFrame(r));
  }
  const seen = performance.now();
  const read = (window.__reads || []).find(
    ([at, size]) => at >= t0 && size > (big ? 1e6 : 1000)
  );
  return read ? seen - read[0] : null;
}

async function openPanel(page) {
  holding = true;
  await ui.openSlurmPanel(page, url);
  await page.waitForSelector('.jp-hpc-Slurm-queue', { timeout: 60000 });
  const t0 = await page.evaluate(() => performance.now());
  const shown = page.evaluate(until, ['.jp-hpc-Slurm-row', t0]);
  const wholeShown = `.jp-hpc-Slurm-count[data-total="${fullAnswer.jobs.length}"]:not([data-partial])`;
  const whole = page.evaluate(until, [wholeShown, t0]);
  const wholeRead = page.evaluate(until, [wholeShown, t0, true]);
  holding = false;
  // the first screens (`limit`) first, as the server answers them: it reads
  // the queue once for both, then sends 200 jobs in 0.7 s and the whole
  // list in 2 s (the bytes part)
  const small = route => (route.request().url().includes('limit=') ? 0 : 1);
  pending.sort((a, b) => small(a) - small(b));
  while (pending.length) {
    await respond(pending.shift());
  }
  return [await shown, await whole, await wholeRead];
}

ui.start(async () => {
  const { browser, page } = await ui.launch();
  await page.route('**/hpc/slurm/jobs?*', route =>
    holding ? pending.push(route) : respond(route)
  );
  // Slurm's status as a server with a working Slurm answers it: the panel
  // asks before its first list (this part needs no cluster)
  await page.route('**/hpc/slurm/status*', route =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        available: true,
        version: '22.05.8',
        cluster: 'bench',
        user: fullAnswer.user,
        min_refresh_interval: 5,
        submit_flags: [],
        history: { days: 7, max_days: 90, all_users: true }
      })
    })
  );
  // note when the page has read a jobs response's body (Playwright's route
  // interception skews resource timings)
  await page.addInitScript(() => {
    const text = Response.prototype.text;
    Response.prototype.text = async function () {
      const body = await text.call(this);
      if (this.url.includes('/hpc/slurm/jobs')) {
        (window.__reads = window.__reads || []).push([
          performance.now(),
          body.length
        ]);
      }
      return body;
    };
  });

  const first = [];
  const whole = [];
  const wholeRead = [];
  for (let run = 0; run < RUNS; run++) {
    const [rows, all, allRead] = await openPanel(page);
    first.push(rows);
    whole.push(all);
    wholeRead.push(allRead);
  }

  const delta = [];
  for (let k = 0; k < deltas.length; k++) {
    await page.waitForTimeout(1000); // the panel's notification check of the last change
    const t0 = await page.evaluate(() => performance.now());
    const shown = page.evaluate(until, [
      `.jp-hpc-Slurm-row[data-job-id="${tops[k]}"]`,
      t0
    ]);
    allowed = k;
    await page.click('.jp-hpc-Slurm-queue .jp-hpc-Slurm-refresh');
    delta.push(await shown);
  }

  await page.waitForTimeout(1000);
  const terms = [
    '4',
    '41',
    '410',
    'u',
    'user',
    'user01',
    'train',
    'train-9',
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
  const domRows = await page.locator('.jp-hpc-Slurm-row').count();
  console.log(
    JSON.stringify({
      rows: fullAnswer.jobs.length,
      dom_rows: domRows,
      first_ms: first,
      whole_ms: whole,
      whole_read_ms: wholeRead,
      delta_ms: delta,
      delta_rows: ui.median(sizes.map(s => s[0])),
      delta_removed: ui.median(sizes.map(s => s[1])),
      keystroke_ms: keystroke,
      first_median_ms: ui.median(first),
      delta_median_ms: ui.median(delta),
      keystroke_median_ms: ui.median(keystroke)
    })
  );
  await browser.close();
});
