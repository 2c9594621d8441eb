import { defineConfig } from "@playwright/test";
import { execSync } from "node:child_process";

// The system Chromium (Debian's package); Playwright's own browser downloads are never used.
const chromium =
  process.env.CHROMIUM_PATH ||
  execSync("command -v chromium || command -v chromium-browser", { shell: "/bin/sh" })
    .toString()
    .trim();

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    // JavaScript on: the hydrated app.
    { name: "hydrate", use: { browserName: "chromium", javaScriptEnabled: true } },
    // JavaScript off: pages must work as served HTML (only the specs written for it).
    {
      name: "ssr",
      use: { browserName: "chromium", javaScriptEnabled: false },
      testMatch: /.*\.both\.spec\.ts/,
    },
  ],
});
