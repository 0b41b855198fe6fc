import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildEmulator, emulatorOptionsFromEnv, DEV_DEFAULTS } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { emulatorZaloEnv } from "../support/stack";

const RECIPIENTS = 10_000;
const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const dir = mkdtempSync(join(tmpdir(), "mc-crash-"));

let emulator: Awaited<ReturnType<typeof buildEmulator>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let env: Record<string, string>;

/** The dispatcher as its own process, exactly as in production (`pnpm --filter @mc/server dispatcher`). */
function startDispatcher(): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "server/src/dispatcher-main.ts")], {
    cwd: join(ROOT, "server"),
    env: { ...process.env, ...env, NODE_ENV: "development" },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

const db = () => app.services.db.$client;
const count = (sql: string) => (db().prepare(sql).get() as { n: number }).n;

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  emulator = await buildEmulator({
    ...emulatorOptionsFromEnv(DEV_DEFAULTS),
    dailyQuota: 1_000_000,
    logger: false,
  });
  const emuUrl = `http://127.0.0.1:${new URL(await emulator.app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  env = {
    JWT_SECRET: "crash-test-secret-crash-test-secret-00",
    ...emulatorZaloEnv(emuUrl),
    DATABASE_PATH: join(dir, "mc.db"),
    ADMIN_EMAIL: "owner@shop.vn",
    ADMIN_PASSWORD: "crash-test-password",
    DISPATCHER_ENABLED: "false",
    DISPATCH_RATE_PER_SECOND: "100000",
    DISPATCH_CONCURRENCY: "48",
    DISPATCH_LEASE_MS: "3000",
    DISPATCH_RECEIPT_GRACE_MS: "1500",
    LOG_LEVEL: "silent",
  };
  app = await buildApp({ config: loadConfig(env), logger: false });
  const apiUrl = `http://127.0.0.1:${new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  // Tag-2 (care) ZNS may go at any hour here, so the test does not depend on the time CI runs.
  await fetch(`${emuUrl}/_emu/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ webhookUrl: `${apiUrl}/webhooks/zalo`, nightWindows: { "1": null, "2": null, "3": null } }),
  });

  // 10,000 followers with phones, known to Zalo (the emulator) and to us.
  const t = Date.now();
  const insert = db().prepare("insert into customers (id, zalo_id, zalo_oa_id, phone, name, member_code, follows_oa, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 1, ?, ?)");
  db().transaction(() => {
    for (let i = 0; i < RECIPIENTS; i++) {
      const phone = `8490${String(i).padStart(7, "0")}`;
      const appUserId = `7700${String(i).padStart(12, "0")}`;
      const oaUserId = `8800${String(i).padStart(12, "0")}`;
      insert.run(`c${i}`, appUserId, oaUserId, phone, `Khách ${i}`, `M${String(i).padStart(7, "0")}`, t, t);
      emulator.state.users.set(appUserId, { appUserId, oaUserId, name: `Khách ${i}`, avatar: "", phone, follower: true, lastInteractionAt: null, isAdmin: false });
    }
  })();

  const login = await app.inject({ method: "POST", url: "/api/admin/login", payload: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } });
  const auth = { authorization: `Bearer ${login.json().token}` };
  const rules = (await app.inject({ method: "GET", url: "/api/admin/warming-rules", headers: auth })).json().rules;
  await app.inject({ method: "PUT", url: "/api/admin/warming-rules", headers: auth, payload: { rules: { ...rules, quietHours: null, caps: [] } } });
  await app.inject({
    method: "POST",
    url: "/api/admin/zns/templates",
    headers: auth,
    payload: { id: "100002", name: "Chăm sóc khách hàng", tag: 2, uid: false, params: [{ name: "customer_name", maxLength: 30 }, { name: "content", maxLength: 90 }] },
  });
  const b = await app.inject({
    method: "POST",
    url: "/api/admin/broadcasts",
    headers: auth,
    payload: { name: "Tri ân khách hàng", category: "care", content: { template: { id: "100002", data: { customer_name: "bạn", content: "Cảm ơn bạn đã đồng hành cùng cửa hàng" } } }, audience: { followersOnly: true } },
  });
  const started = await app.inject({ method: "POST", url: `/api/admin/broadcasts/${b.json().id}/start`, headers: auth });
  expect(started.json().recipients).toBe(RECIPIENTS);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await emulator?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("dispatcher crash mid-broadcast", () => {
  it("kill -9 the dispatcher mid-broadcast of 10,000, restart: every recipient gets exactly one message", async () => {
    const sentByZalo = () => emulator.state.messages.filter((m: any) => m.channel === "zns").length;

    const first = startDispatcher();
    await until("the first dispatcher to be well into the broadcast", () => sentByZalo() >= 2500, 90_000);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = sentByZalo();
    expect(atKill).toBeLessThan(RECIPIENTS); // it really died mid-way

    const second = startDispatcher();
    try {
      await until("every row to be sent", () => count("select count(*) as n from outbox where state in ('queued','held','sending')") === 0, 120_000);
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }

    // Zalo's side: each phone exactly once.
    const perPhone = new Map<string, number>();
    for (const m of emulator.state.messages as any[]) if (m.channel === "zns") perPhone.set(m.recipient.phone, (perPhone.get(m.recipient.phone) ?? 0) + 1);
    expect(perPhone.size).toBe(RECIPIENTS);
    expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
    // Our side: none lost, none failed.
    expect(count("select count(*) as n from outbox where state in ('sent','delivered','seen')")).toBe(RECIPIENTS);
    expect(count("select count(*) as n from outbox where state = 'failed'")).toBe(0);
  }, 300_000);
});
