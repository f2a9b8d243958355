// Playwright configuration of the console's browser tests. `cargo xtask e2e` starts
// `mock-psp` and `kasa serve`, then runs this suite with these variables set:
//   KASA_E2E_BASE_URL       http://127.0.0.1:<port> of `kasa serve`
//   KASA_E2E_PSP_URL        http://127.0.0.1:<port> of `mock-psp` (its control API)
//   KASA_E2E_ADMIN_EMAIL    the bootstrap platform admin
//   KASA_E2E_ADMIN_PASSWORD
//   KASA_E2E_OUTPUT         where the report, screenshots and failure artefacts go
//   KASA_E2E_CHROMIUM       the browser (default /usr/bin/chromium; nothing is downloaded)
import { defineConfig, devices } from '@playwright/test';
import * as path from 'node:path';

const output = process.env.KASA_E2E_OUTPUT ?? path.join(process.cwd(), 'test-results');

export default defineConfig({
  testDir: './tests',
  // One worker: the scripted outcomes of mock-psp (`/control/script`) apply to its next
  // deposit or payout, whoever makes it, so scenarios run one after another.
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  globalSetup: './tests/support/global-setup.ts',
  outputDir: path.join(output, 'test-results'),
  reporter: [['list'], ['json', { outputFile: path.join(output, 'report.json') }]],
  use: {
    baseURL: process.env.KASA_E2E_BASE_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.KASA_E2E_CHROMIUM ?? '/usr/bin/chromium',
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
});
