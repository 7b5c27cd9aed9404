import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { BASE_URL, WEB_PORT } from "./src/support/env";

/** Browser tests in Debian's Chromium against the production build and the real local stack. */
export default defineConfig({
  testDir: ".",
  testMatch: "*/**/*.spec.ts",
  testIgnore: ["node_modules/**", "src/**"],
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [["list"], ["json", { outputFile: process.env.E2E_RESULTS ?? join(import.meta.dirname, "..", ".stack", "results", "e2e.json") }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    command: "pnpm exec tsx src/support/serve.ts",
    url: `http://127.0.0.1:${WEB_PORT}/login`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
