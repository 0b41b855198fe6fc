import { defineConfig } from "vitest/config";

// One `vitest run` runs every package's tests; browser flows live in tests/ and get longer timeouts.
// `expect.poll` waits for a condition, never measures time: on a loaded 2-core CI machine its 1 s default
// turns a slow render into a failure, so every project waits up to 15 s (and no test has a 5 s limit).
const expect = { poll: { timeout: 15_000, interval: 50 } };
export default defineConfig({
  test: {
    projects: [
      { test: { name: "shared", root: "./shared", include: ["src/**/*.test.ts"], testTimeout: 30_000, expect } },
      { test: { name: "web", root: "./web", include: ["src/**/*.test.ts"], testTimeout: 30_000, expect } },
      { test: { name: "zalo-emulator", root: "./zalo-emulator", include: ["src/**/*.test.ts"], testTimeout: 30_000, expect } },
      { test: { name: "server", root: "./server", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000, expect } },
      {
        test: {
          name: "e2e",
          root: "./tests",
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          globalSetup: ["./support/global-setup.ts"],
          fileParallelism: false,
          expect,
        },
      },
    ],
  },
});
