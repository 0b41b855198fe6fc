import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MINI_APP = resolve(fileURLToPath(import.meta.url), "../../../mini-app");

/** Builds the mini app once for all browser tests (emulator adapter, production bundle). */
export default function setup() {
  if (process.env.MC_SKIP_BUILD === "1") {
    if (!existsSync(resolve(MINI_APP, "www/index.html"))) throw new Error("MC_SKIP_BUILD=1 but mini-app/www is not built");
    return;
  }
  const vite = resolve(MINI_APP, "node_modules/vite/bin/vite.js");
  const started = Date.now();
  const r = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: MINI_APP,
    // Vitest sets NODE_ENV=test, which would make vite emit a development bundle.
    env: { ...process.env, NODE_ENV: "production", VITE_ZALO_MODE: "emulator" },
    encoding: "utf8",
    timeout: 200_000,
  });
  if (r.status !== 0) {
    throw new Error(`mini-app build failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  if (process.env.MC_VERBOSE) console.log(`mini-app built in ${Date.now() - started} ms`);
}
