import { defineConfig } from "vitest/config";

// One `vitest run` runs every package's tests; browser flows live in tests/ and get longer timeouts.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "shared", root: "./shared", include: ["src/**/*.test.ts"] } },
      { test: { name: "zalo-emulator", root: "./zalo-emulator", include: ["src/**/*.test.ts"] } },
      { test: { name: "server", root: "./server", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000 } },
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
        },
      },
    ],
  },
});
