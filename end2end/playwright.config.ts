import { defineConfig } from "@playwright/test";

// Port 3100 unless INLET_E2E_PORT says otherwise (scripts/e2e-server reads the same variable).
const port = Number(process.env.INLET_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's chromium, never a downloaded browser (see /work/shared/TOOLCHAIN.md). The server is
// the release binary on a fresh SQLite database with the demo community loaded.
export default defineConfig({
  testDir: "./tests",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  reporter: "list",
  forbidOnly: !!process.env.CI,
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // Run with cwd = end2end; the script changes to the crate root itself.
    command: "../scripts/e2e-server",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    env: { INLET_E2E_PORT: String(port) },
  },
});
