/**
 * The browser part of the hub suite (scripts/hub-tests): plain Playwright against the
 * local JupyterHub (scripts/hub, instance "test"), which that script starts and stops.
 * Not port 8888: the hub listens on HUB_PORT (8775). Debian's /usr/bin/chromium.
 */
const base = require('./playwright.config');

module.exports = {
  testDir: './hub',
  timeout: 180000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/hub',
  use: {
    baseURL: `http://127.0.0.1:${process.env.HUB_PORT || 8775}`,
    video: 'off',
    trace: 'retain-on-failure',
    viewport: { width: 1400, height: 900 },
    launchOptions: base.use.launchOptions
  }
};
