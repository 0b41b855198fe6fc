import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEmulator, emulatorOptionsFromEnv, DEV_DEFAULTS } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { emulatorZaloEnv } from "../support/stack";
import { crashTestEnv, seedFollowers, startDispatcherProcess, until } from "../support/processes";

// The automations' durable timers under kill -9: events keep arriving while the timer worker (in the
// dispatcher process, as in production) fires due waits; it is killed mid-way and restarted. Every
// occurrence must reach its person exactly once at Zalo, none lost with the dead process.
const RECIPIENTS = 2_400;
const BATCHES = 8;
const dir = mkdtempSync(join(tmpdir(), "mc-timers-crash-"));

let emulator: Awaited<ReturnType<typeof buildEmulator>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let env: Record<string, string>;
let auth: Record<string, string>;

const db = () => app.services.db.$client;
const count = (sql: string) => (db().prepare(sql).get() as { n: number }).n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  emulator = await buildEmulator({ ...emulatorOptionsFromEnv(DEV_DEFAULTS), dailyQuota: 1_000_000, logger: false });
  const emuUrl = `http://127.0.0.1:${new URL(await emulator.app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  env = crashTestEnv({ secret: "timers-crash-secret-timers-crash-00000", zalo: emulatorZaloEnv(emuUrl), databasePath: join(dir, "mc.db"), concurrency: 32 });
  app = await buildApp({ config: loadConfig(env), logger: false });
  await app.ready();
  seedFollowers(db(), emulator.state.users, RECIPIENTS, { id: "t", digit: "1", code: "T" });
  const login = await app.inject({ method: "POST", url: "/api/admin/login", payload: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } });
  auth = { authorization: `Bearer ${login.json().token}` };
  const rules = (await app.inject({ method: "GET", url: "/api/admin/warming-rules", headers: auth })).json().rules;
  await app.inject({ method: "PUT", url: "/api/admin/warming-rules", headers: auth, payload: { rules: { ...rules, quietHours: null, caps: [] } } });
  // The first-purchase thank-you, due about a second after its event.
  const a = (await app.inject({ method: "GET", url: "/api/admin/automations/first-purchase", headers: auth })).json().automation;
  const { name, category, priority, imageUrl, templateId, templateParams, expiresHours } = a;
  const put = await app.inject({
    method: "PUT",
    url: "/api/admin/automations/first-purchase",
    headers: auth,
    payload: {
      name,
      category,
      priority,
      imageUrl,
      templateId,
      templateParams,
      expiresHours,
      enabled: true,
      segmentId: null,
      waitHours: 0.0003,
      text: "Cảm ơn {name}!",
    },
  });
  expect(put.statusCode, put.body).toBe(200);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await emulator?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Events of `n` people, in one transaction as their owning module would emit them. */
function fireEvents(from: number, n: number) {
  db().transaction(() => {
    for (let i = from; i < from + n; i++)
      app.services.automations.onEvent({ trigger: "first_purchase", customerId: `t${i}`, occurrenceKey: `t${i}`, vars: { code: `D${i}` } });
  })();
}

describe("automation timers under kill -9", () => {
  it("waits survive a killed worker: every occurrence reaches its person exactly once", async () => {
    const per = RECIPIENTS / BATCHES;
    const done = () => count("select count(*) as n from automation_runs where state <> 'waiting'");
    let first: ChildProcess | null = startDispatcherProcess(env);
    for (let b = 0; b < BATCHES; b++) {
      fireEvents(b * per, per);
      if (b === BATCHES / 2 && first) {
        await until("the first worker to fire some timers", () => done() > 0, 60_000, 5);
        first.kill("SIGKILL");
        await new Promise((r) => first!.once("exit", r));
        first = null;
      }
      await sleep(300);
    }
    const waiting = count("select count(*) as n from automation_runs where state = 'waiting'");
    expect(done()).toBeGreaterThan(0);
    expect(waiting).toBeGreaterThan(0); // it really died with waits pending

    const second = startDispatcherProcess(env);
    try {
      await until(
        "every timer fired and every message final",
        () => done() === RECIPIENTS && count("select count(*) as n from outbox where state in ('queued','held','ready','sending')") === 0,
        120_000,
      );
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }
    expect(count("select count(*) as n from automation_runs where state = 'queued'")).toBe(RECIPIENTS);
    expect(count("select count(*) as n from outbox where dedupe_key like 'auto:first-purchase:%' and state in ('sent','delivered','seen')")).toBe(RECIPIENTS);
    const perRecipient = new Map<string, number>();
    for (const m of emulator.state.messages as any[]) {
      const to = m.recipient?.oaUserId ?? m.recipient?.phone;
      perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    }
    expect([...perRecipient.values()].filter((n) => n > 1)).toEqual([]);
    expect(perRecipient.size).toBe(RECIPIENTS);
  }, 300_000);
});
