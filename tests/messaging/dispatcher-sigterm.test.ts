/**
 * Graceful shutdown of a dispatcher process (#16): SIGTERM mid-broadcast. The messages in flight finish and
 * are recorded; every row it claimed and has not sent is handed back, so another dispatcher takes it at
 * once. The lease here is ten minutes: a row left leased would stall this test far past its timeout, so the
 * second dispatcher finishing within a minute shows the rows came back by hand-back, not by a lapse.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEmulator, emulatorOptionsFromEnv, DEV_DEFAULTS } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { emulatorZaloEnv } from "../support/stack";
import { crashTestEnv, seedFollowers, startDispatcherProcess, until } from "../support/processes";

const RECIPIENTS = 2_000;
const dir = mkdtempSync(join(tmpdir(), "mc-sigterm-"));

let emulator: Awaited<ReturnType<typeof buildEmulator>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let env: Record<string, string>;
let auth: Record<string, string>;

const db = () => app.services.db.$client;
const count = (sql: string, ...args: unknown[]) =>
  (
    db()
      .prepare(sql)
      .get(...args) as { n: number }
  ).n;

beforeAll(async () => {
  emulator = await buildEmulator({ ...emulatorOptionsFromEnv(DEV_DEFAULTS), logger: false });
  const emuUrl = `http://127.0.0.1:${new URL(await emulator.app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  env = {
    ...crashTestEnv({ secret: "sigterm-test-secret-sigterm-test-secre", zalo: emulatorZaloEnv(emuUrl), databasePath: join(dir, "mc.db"), concurrency: 16 }),
    // A few seconds of sending (so SIGTERM lands mid-broadcast), and leases far longer than the test.
    ZALO_APP_RATE_PER_MINUTE: "30000",
    DISPATCH_RATE_PER_SECOND: "300",
    DISPATCH_LEASE_MS: "600000",
  };
  app = await buildApp({ config: loadConfig(env), logger: false });
  const apiUrl = `http://127.0.0.1:${new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  await fetch(`${emuUrl}/_emu/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ webhookUrl: `${apiUrl}/webhooks/zalo` }),
  });
  seedFollowers(db(), emulator.state.users, RECIPIENTS, { id: "t", digit: "3", code: "T" });
  const login = await app.inject({ method: "POST", url: "/api/admin/login", payload: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } });
  auth = { authorization: `Bearer ${login.json().token}` };
  const rules = (await app.inject({ method: "GET", url: "/api/admin/warming-rules", headers: auth })).json().rules;
  await app.inject({ method: "PUT", url: "/api/admin/warming-rules", headers: auth, payload: { rules: { ...rules, quietHours: null, caps: [] } } });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await emulator?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("dispatcher SIGTERM mid-broadcast", () => {
  it("hands back its claimed rows at once: another dispatcher finishes the broadcast, nobody gets two messages", async () => {
    const b = await app.inject({
      method: "POST",
      url: "/api/admin/broadcasts",
      headers: auth,
      payload: { name: "Tri ân", category: "care", content: { text: "Cảm ơn bạn đã đồng hành cùng cửa hàng" }, audience: { followersOnly: true } },
    });
    const id = b.json().id as string;
    expect((await app.inject({ method: "POST", url: `/api/admin/broadcasts/${id}/start`, headers: auth })).json().recipients).toBe(RECIPIENTS);
    const sent = () => (emulator.state.messages as any[]).filter((m) => m.channel === "cs");

    const first = startDispatcherProcess(env);
    await until("the first dispatcher to be well into the broadcast", () => sent().length >= RECIPIENTS * 0.25, 60_000);
    // Mid-batch: it has claimed and decided rows (`ready`) that have not gone out yet.
    expect(count("select count(*) as n from outbox where broadcast_id = ? and state = 'ready'", id)).toBeGreaterThan(0);
    first.kill("SIGTERM");
    const code = await new Promise((r) => first.once("exit", r));
    expect(code).toBe(0);
    const sentByFirst = sent().length;
    expect(sentByFirst).toBeLessThan(RECIPIENTS); // it really stopped mid-way

    // Nothing left held: no decided-but-unsent row, nothing in flight, no lease on a waiting row, no job lease.
    const t = Date.now();
    expect(count("select count(*) as n from outbox where broadcast_id = ? and state in ('ready','sending')", id)).toBe(0);
    expect(count("select count(*) as n from outbox where broadcast_id = ? and lease_owner is not null and state in ('queued','held')", id)).toBe(0);
    expect(count("select count(*) as n from outbox where broadcast_id = ? and state = 'queued'", id)).toBe(RECIPIENTS - sentByFirst);
    expect(count("select count(*) as n from job_leases where owner is not null and lease_until > ?", t)).toBe(0);

    const second = startDispatcherProcess(env);
    try {
      // Well within the ten-minute lease: only handed-back rows can be taken this soon.
      await until(
        "every row to be final",
        () => count("select count(*) as n from outbox where broadcast_id = ? and state in ('queued','held','ready','sending')", id) === 0,
        60_000,
      );
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }
    const perRecipient = new Map<string, number>();
    for (const m of sent()) perRecipient.set(m.recipient.oaUserId, (perRecipient.get(m.recipient.oaUserId) ?? 0) + 1);
    expect([...perRecipient.values()].filter((n) => n > 1)).toEqual([]);
    expect(perRecipient.size).toBe(RECIPIENTS);
    expect(count("select count(*) as n from outbox where broadcast_id = ? and state in ('sent','delivered','seen')", id)).toBe(RECIPIENTS);
    expect(db().prepare("select state from broadcasts where id = ?").pluck().get(id)).toBe("done");
  }, 180_000);
});
