import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { buildApp } from "@mc/server";
import type { buildEmulator } from "@mc/zalo-emulator";

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

/** The API and dispatcher settings both crash tests run under: a file database, the emulator, fast leases, no dispatcher in the API. */
export function crashTestEnv(p: { secret: string; zalo: Record<string, string>; databasePath: string; concurrency: number }): Record<string, string> {
  return {
    JWT_SECRET: p.secret,
    ...p.zalo,
    DATABASE_PATH: p.databasePath,
    ADMIN_EMAIL: "owner@shop.vn",
    ADMIN_PASSWORD: "crash-test-password",
    DISPATCHER_ENABLED: "false",
    DISPATCH_RATE_PER_SECOND: "100000",
    DISPATCH_CONCURRENCY: String(p.concurrency),
    DISPATCH_LEASE_MS: "3000",
    ZALO_TIMEOUT_MS: "2000",
    DISPATCH_RECEIPT_GRACE_MS: "1500",
    // The emulator lists template-by-UID messages in the conversation (its default), so absence there is proof.
    ZALO_CONVERSATION_LISTS_TEMPLATES: "true",
    LOG_LEVEL: "silent",
  };
}

/**
 * `n` followers with phones who wrote to the OA just now (so CS reaches them), known to Zalo (the emulator's users)
 * and to us (customer rows written directly: thousands in one transaction). `tag` keeps two tests' ids apart.
 */
export function seedFollowers(
  db: Awaited<ReturnType<typeof buildApp>>["services"]["db"]["$client"],
  users: Awaited<ReturnType<typeof buildEmulator>>["state"]["users"],
  n: number,
  tag: { id: string; digit: string; code: string },
) {
  const t = Date.now();
  const insert = db.prepare(
    "insert into customers (id, zalo_id, zalo_oa_id, phone, name, member_code, follows_oa, last_interaction_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const phone = `849${tag.digit}${String(i).padStart(7, "0")}`;
      const appUserId = `77${tag.digit}0${String(i).padStart(12, "0")}`;
      const oaUserId = `88${tag.digit}0${String(i).padStart(12, "0")}`;
      insert.run(`${tag.id}${i}`, appUserId, oaUserId, phone, `Khách ${i}`, `${tag.code}${String(i).padStart(7, "0")}`, t, t, t);
      users.set(appUserId, {
        appUserId,
        oaUserId,
        name: `Khách ${i}`,
        avatar: "",
        phone,
        follower: true,
        lastInteractionAt: t,
        isAdmin: false,
        userInfoConsent: true,
      });
    }
  })();
}
