import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
/** The two web apps the browser tests serve: the mini app (emulator adapter) and the admin console. */
const APPS = [
  { name: "mini-app", dir: resolve(ROOT, "mini-app"), built: "www/index.html", env: { VITE_ZALO_MODE: "emulator" } },
  { name: "console", dir: resolve(ROOT, "console"), built: "dist/index.html", env: {} },
];

/** Builds both apps once for all browser tests (production bundles), one after the other: the machine is small. */
export default function setup() {
  if (process.env.MC_SKIP_BUILD === "1") {
    for (const app of APPS) if (!existsSync(resolve(app.dir, app.built))) throw new Error(`MC_SKIP_BUILD=1 but ${app.name} is not built`);
    return;
  }
  for (const app of APPS) {
    const vite = resolve(app.dir, "node_modules/vite/bin/vite.js");
    const started = Date.now();
    const r = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: app.dir,
      // Vitest sets NODE_ENV=test, which would make vite emit a development bundle.
      env: { ...process.env, NODE_ENV: "production", ...app.env },
      encoding: "utf8",
      timeout: 200_000,
    });
    if (r.status !== 0) throw new Error(`${app.name} build failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    if (process.env.MC_VERBOSE) console.log(`${app.name} built in ${Date.now() - started} ms`);
  }
}
