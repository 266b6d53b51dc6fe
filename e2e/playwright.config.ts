import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const e2ePort = 8181;
export const simulatorPort = 9543;
export const decoyPort = 9544;
export const sentinelOnePort = 9545;
export const e2eAdmin = { email: "admin@e2e.patchbay.test", password: "e2e admin password 1" } as const;
export const adminStorageState = join(root, "test-results", ".auth", "admin.json");

/**
 * Playwright runs the production build, the server and the simulator exactly as `npm run demo` wires them (on its
 * own ports and data directory), in Debian's Chromium: Playwright's own browser download cannot work here.
 */
export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: join(root, "test-results", "artifacts"),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  forbidOnly: process.env.CI === "true",
  globalSetup: "./global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${e2ePort}`,
    storageState: adminStorageState,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium",
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
  webServer: {
    command: `${join(root, "node_modules/.bin/tsx")} .scripts/demo.ts --quiet`,
    cwd: root,
    url: `http://127.0.0.1:${e2ePort}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(e2ePort),
      SIMULATOR_PORT: String(simulatorPort),
      SIMULATOR_DECOY_PORT: String(decoyPort),
      SIMULATOR_SENTINELONE_PORT: String(sentinelOnePort),
      PATCHBAY_DEMO_DIR: "data/e2e",
      PATCHBAY_HTTP_TIMEOUT_MS: "2000",
      PATCHBAY_ADMIN_EMAIL: e2eAdmin.email,
      PATCHBAY_ADMIN_PASSWORD: e2eAdmin.password,
      LOG_LEVEL: "warn",
    },
  },
});
