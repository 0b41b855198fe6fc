import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

/** The dispatcher as its own process, exactly as in production (`pnpm --filter @mc/server dispatcher`): the crash tests kill it with -9. */
export function startDispatcherProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "server/src/dispatcher-main.ts")], {
    cwd: join(ROOT, "server"),
    env: { ...process.env, ...env, NODE_ENV: "development" },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** Waits until `ok` holds, checking every `every` ms; fails naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number, every = 100) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
