/**
 * The OA token is refreshed once per cluster. The API and a standalone dispatcher, each its own process with
 * its own SQLite connection, share one token row; both find the access token expired at the same moment. The
 * emulator makes a refresh token single use, as Zalo does, so a process that spent the old refresh token after
 * the other had would get "refresh_token has been used" and mark the OA disconnected. Exactly one refresh.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { fileEnv, forkApi, TEST_ENV } from "./test-support";

const dir = mkdtempSync(join(tmpdir(), "mc-oatoken-"));
const dbPath = join(dir, "mc.db");
let emu: Awaited<ReturnType<typeof buildEmulator>>;
let emuUrl: string;
let api: { url: string; stop(): Promise<void> };
let dispatcher: ChildProcess | undefined;

beforeAll(async () => {
  emu = await buildEmulator({ ...emulatorOptionsFromEnv(TEST_ENV), logger: false });
  emuUrl = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
}, 60_000);

afterAll(async () => {
  dispatcher?.kill("SIGTERM");
  await api?.stop();
  await emu?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ...fileEnv(emuUrl, dbPath), DISPATCHER_ENABLED: "false", ZALO_TIMEOUT_MS: "5000", DISPATCH_LEASE_MS: "10000", LOG_LEVEL: "silent" });

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("the API and the standalone dispatcher find the token expired together: one refresh, the loser re-reads the row", async () => {
  api = await forkApi(env());
  const db = new Database(dbPath);
  const admin = (
    await (
      await fetch(`${api.url}/api/admin/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD }),
      })
    ).json()
  ).token as string;

  // Followers inside the CS window, known to Zalo and to us; their messages are what the dispatcher sends.
  const t = Date.now();
  const people = Array.from({ length: 5 }, (_, i) => ({ id: `xp${i}`, app: `7700${i}`.padEnd(16, "0"), oa: `8800${i}`.padEnd(16, "0") }));
  for (const p of people) {
    db.prepare(
      "insert into customers (id, zalo_id, zalo_oa_id, name, member_code, follows_oa, last_interaction_at, created_at, updated_at) values (?, ?, ?, ?, ?, 1, ?, ?, ?)",
    ).run(p.id, p.app, p.oa, `Khách ${p.id}`, `XP${p.id}`, t, t, t);
    emu.state.users.set(p.app, {
      appUserId: p.app,
      oaUserId: p.oa,
      name: p.id,
      avatar: "",
      phone: null,
      follower: true,
      lastInteractionAt: t,
      isAdmin: false,
      userInfoConsent: true,
    });
  }

  // The dispatcher process starts and proves it can reach Zalo with the current token (nothing queued yet).
  dispatcher = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./dispatcher-main.ts", import.meta.url))], {
    env: { ...process.env, ...env(), NODE_ENV: "development" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // tsx starts it in a few seconds; it polls an empty outbox meanwhile.
  await new Promise((r) => setTimeout(r, 5000));
  expect(dispatcher.exitCode).toBeNull();

  // Zalo expires the token; its refresh answers slowly, so the second process arrives while the first is refreshing.
  await fetch(`${emuUrl}/_emu/oa-token/expire`, { method: "POST" });
  emu.state.faults.push({ match: "/oauth/v4/oa/access_token", delayMs: 3000, times: 1 });
  // Transactional: the two processes run on the real clock, and quiet hours (21:30–08:00 in Vietnam) would hold care.
  const insert = db.prepare(
    "insert into outbox (customer_id, category, source, dedupe_key, text, created_at, updated_at) values (?, 'transactional', 'test', ?, ?, ?, ?)",
  );
  for (const p of people) insert.run(p.id, `xp:${p.id}`, "Chào bạn", Date.now(), Date.now());
  // The dispatcher process meets the expired token and starts its (slow) refresh...
  await until("the dispatcher to meet the expired token", () => emu.state.requests.some((r) => r.path === "/oauth/v4/oa/access_token"), 30_000);
  // ...and meanwhile the console reads the ZNS quota through the API process, with the same expired token.
  const quota = fetch(`${api.url}/api/admin/zns/quota`, { headers: { authorization: `Bearer ${admin}` } });

  await until(
    "every message sent",
    () => (db.prepare("select count(*) as n from outbox where state = 'sent'").get() as { n: number }).n === people.length,
    60_000,
  );
  expect((await quota).status).toBe(200);

  // Both processes met the expired token (so both needed the refresh), and Zalo saw one refresh.
  const expired = new Set(emu.state.requests.filter((r) => r.error === -220 || r.error === -124).map((r) => r.path));
  expect(expired).toEqual(new Set(["/openapi/v3.0/oa/message/cs", "/business/message/quota"]));
  expect(emu.state.oa.refreshCount).toBe(1);
  const refreshes = emu.state.requests.filter((r) => r.path === "/oauth/v4/oa/access_token");
  expect(refreshes.map((r) => r.error)).toEqual([0]); // nobody spent the old refresh token a second time
  const row = db.prepare("select access_token, refresh_token, reconnect_since from oa_tokens").get();
  expect(row).toEqual({ access_token: emu.state.oa.accessToken, refresh_token: emu.state.oa.refreshToken, reconnect_since: null });
  db.close();
}, 120_000);
