import { defineConfig } from "@playwright/test";

const port = Number(process.env.INLET_E2E_PORT ?? 3100);

// Debian's chromium, never a downloaded browser; the server is the release binary on a fresh
// SQLite database with the demo community loaded (scripts/e2e-server).
export default defineConfig({
  testDir: "./tests",
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: "list",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
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
    command: "../scripts/e2e-server",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { INLET_E2E_PORT: String(port) },
  },
});
