/**
 * What the browser sides of the UI benchmarks (bench_*_ui.js) share: Debian's
 * Chromium driven by Playwright (ui-tests/node_modules), the Slurm panel
 * opened from the launcher, and the timings taken in the page.
 */
const path = require('path');
const { chromium } = require(
  path.join(__dirname, '..', 'ui-tests', 'node_modules', 'playwright')
);

const median = xs => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** `name`_ms (every timing), `name`_median_ms and `name`_max_ms of `ms`. */
const timings = (name, ms) => ({
  [`${name}_ms`]: ms,
  [`${name}_median_ms`]: median(ms),
  [`${name}_max_ms`]: Math.max(...ms)
});

/** Headless Chromium and a 1400 x 900 page. */
async function launch() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 }
  });
  return { browser, page };
}

/**
 * Note in `window.__read` when the page has read the body of a response whose
 * URL holds `part` (Playwright's route interception skews resource timings).
 */
async function noteReads(page, part) {
  await page.addInitScript(part => {
    const text = Response.prototype.text;
    Response.prototype.text = async function () {
      const body = await text.call(this);
      if (this.url.includes(part)) {
        window.__read = performance.now();
      }
      return body;
    };
  }, part);
}

/** JupyterLab at `url` with the Slurm panel opened from its launcher. */
async function openSlurmPanel(page, url) {
  await page.goto(url);
  await page.waitForSelector('.jp-Launcher', { timeout: 120000 });
  await page.locator('.jp-LauncherCard', { hasText: 'Slurm Queue' }).click();
}

/**
 * Click the button `refresh`; milliseconds from the page reading the response
 * (`noteReads`) to the element `row` in the DOM (holding `text`, if given),
 * looked for every frame.
 */
function shownAfterRefresh(page, refresh, row, text = null) {
  return page.evaluate(
    async ([refresh, row, text]) => {
      window.__read = null;
      document.querySelector(refresh).click();
      const shown = () => {
        const element = document.querySelector(row);
        return (
          element !== null &&
          (text === null || element.textContent.includes(text)) &&
          window.__read !== null
        );
      };
      while (!shown()) {
        await new Promise(r => requestAnimationFrame(r));
      }
      return performance.now() - window.__read;
    },
    [refresh, row, text]
  );
}

/**
 * `times` filterings, by each of `values` in turn: milliseconds from setting
 * the value of the control `input` (an input or a select, told by `event`)
 * to the count `count` rendered for it (its `data-filter`), then one frame.
 */
async function filterTimes(page, { input, count, values, times, event }) {
  const out = [];
  for (let i = 0; i < times; i++) {
    const value = values[i % values.length];
    out.push(
      await page.evaluate(
        async ([input, count, value, event]) => {
          const control = document.querySelector(input);
          const counted = document.querySelector(count);
          const setter = Object.getOwnPropertyDescriptor(
            Object.getPrototypeOf(control),
            'value'
          ).set;
          const t0 = performance.now();
          setter.call(control, value);
          control.dispatchEvent(new Event(event, { bubbles: true }));
          // the count carries the filter it was rendered for
          while (counted.dataset.filter !== value) {
            await new Promise(r => setTimeout(r, 0));
          }
          await new Promise(r => requestAnimationFrame(r));
          return performance.now() - t0;
        },
        [input, count, value, event]
      )
    );
  }
  return out;
}

/** Run the benchmark `body`; a failure is printed and exits with 1. */
function start(body) {
  body().catch(error => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = {
  filterTimes,
  launch,
  median,
  noteReads,
  openSlurmPanel,
  shownAfterRefresh,
  start,
  timings
};
