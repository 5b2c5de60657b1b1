/**
 * Galata end-to-end tests. Chromium is Debian's (/usr/bin/chromium): no
 * browser is ever downloaded.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

module.exports = {
  ...baseConfig,
  // The hub's browser tests (hub/) run from scripts/hub-tests with hub.config.js.
  testDir: './tests',
  timeout: 90000,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  // Visual snapshots (visual.spec.ts): tolerant of font hinting and
  // anti-aliasing, not of a moved or recoloured element.
  expect: {
    toHaveScreenshot: {
      maxDiffPixelRatio: 0.02,
      threshold: 0.2,
      // a busy machine (2 cores shared by several suites)
      timeout: 20000
    }
  },
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: 'http://localhost:8888/lab',
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
