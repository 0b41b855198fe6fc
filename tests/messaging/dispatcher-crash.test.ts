import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEmulator, emulatorOptionsFromEnv, DEV_DEFAULTS } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { emulatorZaloEnv } from "../support/stack";
import { crashTestEnv, seedFollowers, startDispatcherProcess, until } from "../support/processes";

const RECIPIENTS = 3_000;
const CONCURRENCY = 48;
const dir = mkdtempSync(join(tmpdir(), "mc-crash-"));

let emulator: Awaited<ReturnType<typeof buildEmulator>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let env: Record<string, string>;
let auth: Record<string, string>;

const db = () => app.services.db.$client;
const count = (sql: string) => (db().prepare(sql).get() as { n: number }).n;

beforeAll(async () => {
  emulator = await buildEmulator({
    ...emulatorOptionsFromEnv(DEV_DEFAULTS),
    dailyQuota: 1_000_000,
    logger: false,
  });
  const emuUrl = `http://127.0.0.1:${new URL(await emulator.app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  env = crashTestEnv({
    secret: "crash-test-secret-crash-test-secret-00",
    zalo: emulatorZaloEnv(emuUrl),
    databasePath: join(dir, "mc.db"),
    concurrency: CONCURRENCY,
  });
  app = await buildApp({ config: loadConfig(env), logger: false });
  const apiUrl = `http://127.0.0.1:${new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port}`;
  // Tag-2 (care) ZNS may go at any hour here, so the test does not depend on the time CI runs.
  await fetch(`${emuUrl}/_emu/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ webhookUrl: `${apiUrl}/webhooks/zalo`, nightWindows: { "1": null, "2": null, "3": null } }),
  });

  seedFollowers(db(), emulator.state.users, RECIPIENTS, { id: "c", digit: "0", code: "M" });

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

type Channel = "zns" | "cs" | "template_uid";
const CARE = {
  id: "100002",
  name: "Chăm sóc khách hàng",
  tag: 2,
  params: [
    { name: "customer_name", maxLength: 30 },
    { name: "content", maxLength: 90 },
  ],
};

/** Starts a care broadcast to every follower that the channel router sends by `channel`. */
async function startBroadcast(channel: Channel): Promise<string> {
  if (channel !== "cs")
    await app.inject({ method: "POST", url: "/api/admin/zns/templates", headers: auth, payload: { ...CARE, uid: channel === "template_uid" } });
  const content =
    channel === "cs"
      ? { text: "Cảm ơn bạn đã đồng hành cùng cửa hàng" }
      : { template: { id: CARE.id, data: { customer_name: "bạn", content: "Cảm ơn bạn đã đồng hành cùng cửa hàng" } } };
  const b = await app.inject({
    method: "POST",
    url: "/api/admin/broadcasts",
    headers: auth,
    payload: { name: `Tri ân (${channel})`, category: "care", content, audience: { followersOnly: true } },
  });
  const started = await app.inject({ method: "POST", url: `/api/admin/broadcasts/${b.json().id}/start`, headers: auth });
  expect(started.json().recipients).toBe(RECIPIENTS);
  return b.json().id;
}

describe("dispatcher crash mid-broadcast", () => {
  // CS and template-by-UID have no idempotency key at Zalo: the dispatcher must learn what a dead process
  // sent from the conversation API. ZNS relies on tracking_id receipts.
  it.each(["zns", "cs", "template_uid"] as const)(
    "%s: kill -9 the dispatcher mid-broadcast, restart: every recipient gets exactly one message",
    async (channel) => {
      const id = await startBroadcast(channel);
      const ofChannel = () => (emulator.state.messages as any[]).filter((m) => m.channel === channel);
      const recipientOf = (m: any) => (channel === "zns" ? m.recipient.phone : m.recipient.oaUserId);

      const first = startDispatcherProcess(env);
      await until("the first dispatcher to be well into the broadcast", () => ofChannel().length >= RECIPIENTS * 0.3, 90_000);
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      expect(ofChannel().length).toBeLessThan(RECIPIENTS); // it really died mid-way
      // Only requests truly in flight can have an unknown outcome: never a whole claimed batch.
      expect(count(`select count(*) as n from outbox where broadcast_id = '${id}' and state = 'sending'`)).toBeLessThanOrEqual(CONCURRENCY);

      const second = startDispatcherProcess(env);
      try {
        await until(
          "every row to be final",
          () => count(`select count(*) as n from outbox where broadcast_id = '${id}' and state in ('queued','held','ready','sending')`) === 0,
          120_000,
        );
      } finally {
        second.kill("SIGTERM");
        await new Promise((r) => second.once("exit", r));
      }

      // Zalo's side: each recipient exactly once.
      const perRecipient = new Map<string, number>();
      for (const m of ofChannel()) perRecipient.set(recipientOf(m), (perRecipient.get(recipientOf(m)) ?? 0) + 1);
      expect([...perRecipient.values()].filter((n) => n > 1)).toEqual([]);
      expect(perRecipient.size).toBe(RECIPIENTS);
      // Ours: none lost, none failed or unknown, and the broadcast completed by itself (nobody opened it).
      expect(count(`select count(*) as n from outbox where broadcast_id = '${id}' and state in ('sent','delivered','seen')`)).toBe(RECIPIENTS);
      expect(count(`select count(*) as n from outbox where broadcast_id = '${id}' and state = 'failed'`)).toBe(0);
      expect(db().prepare("select state from broadcasts where id = ?").pluck().get(id)).toBe("done");
    },
    300_000,
  );
});
