/**
 * End-to-end tests: Debian's Chromium (never a downloaded browser) against the production
 * build (`.next/standalone`, run as an unprivileged user when started as root) and the real
 * Django API on PostgreSQL + Redis, seeded by tests/web/serve_api.py.
 *
 *   npm run build && npx playwright test     (WEB_E2E_PYTHON: a Python with the app's deps,
 *                                            default: the repository's .venv)
 */
import path from "node:path";
import { defineConfig } from "@playwright/test";

// Ports per run (the config is evaluated again in worker processes, which inherit this env),
// so two suites on one machine do not collide on a fixed port.
process.env.WEB_E2E_PORT ??= String(20000 + 3 * (process.pid % 4000));
export const WEB_PORT = Number(process.env.WEB_E2E_PORT);
export const API_PORT = WEB_PORT + 1;
/** A second web server whose API does not answer (tests/e2e/outage.spec.ts). */
export const NO_API_WEB_PORT = WEB_PORT + 2;
const UNREACHABLE_API = "http://127.0.0.1:9"; // discard port: connection refused
const repo = path.resolve(__dirname, "../..");
const python = process.env.WEB_E2E_PYTHON || path.join(repo, ".venv/bin/python");

export default defineConfig({
  testDir: "tests/e2e",
  // One API database: tests that write (progress) must not race each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}`,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
      // Nothing may phone home (and this machine's network refuses it anyway).
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
    locale: "en-GB",
    trace: "off",
  },
  webServer: [
    {
      command: `"${python}" tests/web/serve_api.py --port ${API_PORT}`,
      cwd: repo,
      url: `http://127.0.0.1:${API_PORT}/health/`,
      timeout: 180_000,
      reuseExistingServer: false,
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
    {
      command: "node scripts/serve-standalone.mjs",
      url: `http://127.0.0.1:${WEB_PORT}/api/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      // SIGTERM, not Playwright's default SIGKILL: the script then removes its temporary copy.
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      env: {
        PORT: String(WEB_PORT),
        NEXT_PUBLIC_API_URL: `http://127.0.0.1:${API_PORT}`,
        NEXT_PUBLIC_REGION: "eu-west-3",
      },
    },
    {
      command: "node scripts/serve-standalone.mjs",
      url: `http://127.0.0.1:${NO_API_WEB_PORT}/api/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      env: { PORT: String(NO_API_WEB_PORT), NEXT_PUBLIC_API_URL: UNREACHABLE_API, NEXT_PUBLIC_REGION: "af-south-1" },
    },
  ],
});
