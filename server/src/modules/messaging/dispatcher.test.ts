import { sqliteStore } from "../../db/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bearer, followingShoppers, shopMorning, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import type { ZaloClient } from "../../zalo/client";
import { createDispatcher, type DispatcherOptions } from "./dispatcher";
import { createMessagingRepo } from "./repo";

// A crash is simulated by abandoning a dispatcher whose Zalo calls never answer (its process died mid-call),
// moving the shared clock past its lease, and letting a second dispatcher take over.

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await startHarness();
  admin = (await withStoreAndStaff(h)).admin;
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 3, 0) }); // 10:00 in Vietnam
  const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
  await api("PUT", "/api/admin/warming-rules", { rules: { ...rules, quietHours: null, caps: [] } });
});
afterEach(async () => h.close());

const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const api = (method: string, url: string, payload?: unknown) => h.app.inject({ method: method as any, url, headers: bearer(admin), payload: payload as any });
const now = () => h.emu.clock.now();
const LEASE = 60_000;

function dispatcher(zalo: ZaloClient, options: DispatcherOptions = {}) {
  return createDispatcher({
    store: sqliteStore(h.app.services.db),
    repo: createMessagingRepo(h.app.services.db),
    zalo,
    now,
    options: { leaseMs: LEASE, ...options },
  });
}

/**
 * A Zalo client whose sends never answer, as seen by a process killed mid-call. The first `reaching`
 * calls do reach Zalo (the message goes out; only the answer is lost), the others die on the way.
 */
function dyingZalo(reaching: number) {
  const real = h.app.services.zalo;
  let calls = 0;
  const never = new Promise<never>(() => {});
  const wrap =
    <P>(fn: (p: P) => Promise<unknown>) =>
    async (p: P): Promise<never> => {
      if (calls++ < reaching) await fn(p);
      return never;
    };
  return { zalo: { ...real, sendCs: wrap(real.sendCs), sendTemplateByUid: wrap(real.sendTemplateByUid) } as ZaloClient, calls: () => calls };
}

async function until(what: string, ok: () => boolean | Promise<boolean>) {
  const end = Date.now() + 5000;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function followers(n: number) {
  const people = await followingShoppers(h, n);
  h.emu.state.messages.length = 0;
  return people;
}

async function startBroadcast(content: Record<string, unknown>) {
  const b = (await api("POST", "/api/admin/broadcasts", { name: "Tri ân", category: "care", content, audience: { followersOnly: true } })).json();
  expect((await api("POST", `/api/admin/broadcasts/${b.id}/start`)).json()).toMatchObject({ state: "running" });
  return b.id as string;
}

const careTemplate = () =>
  api("POST", "/api/admin/zns/templates", {
    id: "100002",
    name: "Chăm sóc",
    tag: 2,
    uid: true,
    params: [
      { name: "customer_name", maxLength: 30 },
      { name: "content", maxLength: 200 },
    ],
  });
const perRecipient = (channel: string) => {
  const n = new Map<string, number>();
  for (const m of h.emu.state.messages) if (m.channel === channel) n.set(m.recipient.oaUserId!, (n.get(m.recipient.oaUserId!) ?? 0) + 1);
  return n;
};
const broadcastState = (id: string) => sql("select state, finished_at is not null as finished from broadcasts where id = ?", id)[0];

describe("a crash mid-broadcast", () => {
  it("only rows whose request is in flight are `sending`; after a crash the others are simply sent and the in-flight ones are looked up in the conversation", async () => {
    const people = await followers(6);
    const id = await startBroadcast({ text: "Cảm ơn bạn đã ghé quán!" });
    const dying = dyingZalo(1);
    void dispatcher(dying.zalo, { concurrency: 2 }).tick();
    await until("two requests in flight", () => dying.calls() === 2 && h.emu.state.messages.length === 1);
    // The other four wait their turn: not in flight, so not `sending`.
    expect(sql("select count(*) as n from outbox where state = 'sending'")[0].n).toBe(2);
    const reachedZalo = h.emu.state.messages[0]!;

    await h.control("POST", "/_emu/clock", { advanceMs: LEASE + 1 });
    await dispatcher(h.app.services.zalo, { concurrency: 2 }).drain();

    // Zalo's side: everyone exactly once.
    const got = perRecipient("cs");
    expect(got.size).toBe(people.length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    // Ours: all sent; the one that reached Zalo before the crash was found in the conversation, with its id.
    expect(sql("select state, count(*) as n from outbox group by state")).toEqual([{ state: "sent", n: 6 }]);
    expect(sql("select count(*) as n from outbox where zalo_msg_id = ?", reachedZalo.msgId)[0].n).toBe(1);
    expect(broadcastState(id)).toEqual({ state: "done", finished: 1 });
  });

  it("an answer lost after the request reached Zalo (a timeout) is never sent again blind: the conversation settles it", async () => {
    const [p] = await followers(1);
    // Zalo takes longer than our timeout (1.5 s in tests) but does send the message.
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", delayMs: 2500, times: 1 });
    h.app.services.messaging.queue({ customerId: p!.customer.id, category: "care", dedupeKey: "slow", source: "test", text: "Chào bạn" });
    await dispatcher(h.app.services.zalo).tick();
    expect(sql("select state, reason from outbox")).toEqual([{ state: "sending", reason: "OUTCOME_UNCERTAIN" }]);
    await until("Zalo to have sent it", () => h.emu.state.messages.length === 1);
    await h.control("POST", "/_emu/clock", { advanceMs: 1 });
    await dispatcher(h.app.services.zalo).drain();
    expect(h.emu.state.messages).toHaveLength(1);
    expect(sql("select state, reason, zalo_msg_id from outbox")).toEqual([
      { state: "sent", reason: "FOUND_IN_CONVERSATION", zalo_msg_id: h.emu.state.messages[0]!.msgId },
    ]);
  });

  it("a wake (PostgreSQL's NOTIFY outbox) starts the next batch at once instead of after the poll's sleep", async () => {
    const [p] = await followers(1);
    const d = dispatcher(h.app.services.zalo, { pollMs: 60_000 });
    d.start();
    try {
      await new Promise((r) => setTimeout(r, 200)); // its first tick found nothing: it sleeps for a minute now
      h.app.services.messaging.queue({ customerId: p!.customer.id, category: "care", dedupeKey: "woken", source: "test", text: "Chào bạn" });
      await new Promise((r) => setTimeout(r, 200));
      expect(h.emu.state.messages).toHaveLength(0); // no wake: still asleep
      d.wake();
      await until("the woken dispatcher to send it", () => h.emu.state.messages.length === 1);
    } finally {
      await d.stop();
    }
    expect(sql("select state from outbox where dedupe_key = 'woken'")).toEqual([{ state: "sent" }]);
  });

  it("a broadcast to no one is done as soon as it is planned", async () => {
    const b = (
      await api("POST", "/api/admin/broadcasts", {
        name: "Không ai",
        category: "care",
        content: { text: "Chào" },
        audience: { followersOnly: true, tags: ["không-ai-có"] },
      })
    ).json();
    expect((await api("POST", `/api/admin/broadcasts/${b.id}/start`)).json()).toMatchObject({ recipients: 0 });
    await until("the plan to finish", () => broadcastState(b.id)?.state !== "planning");
    expect(broadcastState(b.id)).toEqual({ state: "done", finished: 1 });
  });

  it("erasing the last person a broadcast still had to reach completes it", async () => {
    const [p] = await followers(1);
    const id = await startBroadcast({ text: "Cảm ơn bạn!" });
    const erase = await h.app.inject({
      method: "POST",
      url: `/api/admin/customers/${p!.customer.id}/erase`,
      headers: bearer(admin),
      payload: { reason: "Khách yêu cầu" },
    });
    expect(erase.statusCode).toBe(200);
    expect(broadcastState(id)).toEqual({ state: "done", finished: 1 });
  });

  it("one person's messages go one at a time, in order, while different people's go at once", async () => {
    const [a, b] = await followers(2);
    const real = h.app.services.zalo;
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const mostFor = new Map<string, number>();
    const perPerson = new Map<string, number>();
    const zalo = {
      ...real,
      sendCs: async (p: Parameters<ZaloClient["sendCs"]>[0]) => {
        const who = String(p.oaUserId);
        perPerson.set(who, (perPerson.get(who) ?? 0) + 1);
        mostFor.set(who, Math.max(mostFor.get(who) ?? 0, perPerson.get(who)!));
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${who}:${(p as { text?: string }).text}`);
        inFlight--;
        perPerson.set(who, perPerson.get(who)! - 1);
        return real.sendCs(p);
      },
    } as ZaloClient;
    for (const p of [a!, b!])
      for (const n of [1, 2, 3])
        h.app.services.messaging.queue({
          customerId: p.customer.id,
          category: "transactional",
          dedupeKey: `o:${p.customer.id}:${n}`,
          source: "order",
          text: `#${n}`,
        });
    await dispatcher(zalo, { concurrency: 4 }).drain();
    expect(sql("select count(*) as n from outbox where state = 'sent'")[0].n).toBe(6);
    expect([...mostFor.values()]).toEqual([1, 1]);
    expect(most).toBe(2);
    for (const who of mostFor.keys()) expect(order.filter((o) => o.startsWith(who)).map((o) => o.split(":")[1])).toEqual(["#1", "#2", "#3"]);
  });

  it("cancelling a broadcast also stops its decided rows that were waiting their turn: only the requests in flight go out", async () => {
    await followers(6);
    const id = await startBroadcast({ text: "Cảm ơn bạn đã ghé quán!" });
    const dying = dyingZalo(2);
    void dispatcher(dying.zalo, { concurrency: 2 }).tick();
    await until("two requests in flight", () => dying.calls() === 2 && h.emu.state.messages.length === 2);
    expect(sql("select state, count(*) as n from outbox group by state order by state")).toEqual([
      { state: "ready", n: 4 },
      { state: "sending", n: 2 },
    ]);
    expect((await api("POST", `/api/admin/broadcasts/${id}/cancel`)).statusCode).toBe(200);
    await until("the cancel to reach every unsent row", () => sql("select count(*) as n from outbox where state = 'cancelled'")[0].n === 4);
    await h.control("POST", "/_emu/clock", { advanceMs: LEASE + 1 });
    await dispatcher(h.app.services.zalo, { concurrency: 2 }).drain();
    expect(h.emu.state.messages).toHaveLength(2);
    expect(sql("select state, count(*) as n from outbox group by state order by state")).toEqual([
      { state: "cancelled", n: 4 },
      { state: "sent", n: 2 },
    ]);
  });

  it("when the conversation cannot be read, an in-flight row is checked again for a while, then ends OUTCOME_UNKNOWN and the broadcast view shows it", async () => {
    await followers(2);
    const id = await startBroadcast({ text: "Cảm ơn bạn!" });
    const dying = dyingZalo(0);
    void dispatcher(dying.zalo, { concurrency: 1 }).tick();
    await until("one request in flight", () => dying.calls() === 1);
    await h.control("POST", "/_emu/faults", { match: "/openapi/v2.0/oa/conversation", error: -32, times: 1000 });

    await h.control("POST", "/_emu/clock", { advanceMs: LEASE + 1 });
    const second = dispatcher(h.app.services.zalo, { concurrency: 1, verifyForMs: 600_000 });
    await second.drain();
    expect(sql("select state, reason from outbox order by state")).toEqual([
      { state: "sending", reason: null }, // still being checked
      { state: "sent", reason: null },
    ]);
    expect(broadcastState(id)).toEqual({ state: "running", finished: 0 });

    await h.control("POST", "/_emu/clock", { advanceMs: 600_000 });
    await second.drain();
    expect(sql("select state, reason from outbox order by state")).toEqual([
      { state: "failed", reason: "OUTCOME_UNKNOWN" },
      { state: "sent", reason: null },
    ]);
    expect(perRecipient("cs").size).toBe(1); // it had died before reaching Zalo: a loss, but a known one
    expect(broadcastState(id)).toEqual({ state: "done", finished: 1 });
    const view = (await api("GET", `/api/admin/broadcasts/${id}`)).json();
    expect(view.counts).toMatchObject({ sent: 1, unknown: 1, failed: 0 });
  });

  it("template by UID: found in the conversation = sent, absent = sent again, when Zalo lists templates there", async () => {
    const people = await followers(3);
    await careTemplate();
    const id = await startBroadcast({ template: { id: "100002", data: { customer_name: "bạn", content: "Cảm ơn bạn" } } });
    const dying = dyingZalo(1);
    void dispatcher(dying.zalo, { concurrency: 2 }).tick();
    await until("two requests in flight", () => dying.calls() === 2 && h.emu.state.messages.length === 1);

    await h.control("POST", "/_emu/clock", { advanceMs: LEASE + 1 });
    await dispatcher(h.app.services.zalo, { conversationListsTemplates: true }).drain();
    const got = perRecipient("template_uid");
    expect(got.size).toBe(people.length);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(sql("select state, count(*) as n from outbox group by state")).toEqual([{ state: "sent", n: 3 }]);
    expect(broadcastState(id)).toEqual({ state: "done", finished: 1 });
  });

  it("template by UID: if Zalo may not list templates in the conversation, an absent one is OUTCOME_UNKNOWN, never sent twice", async () => {
    await followers(3);
    await careTemplate();
    await h.control("POST", "/_emu/config", { conversationListsTemplates: false });
    await startBroadcast({ template: { id: "100002", data: { customer_name: "bạn", content: "Cảm ơn bạn" } } });
    const dying = dyingZalo(1);
    void dispatcher(dying.zalo, { concurrency: 2 }).tick();
    await until("two requests in flight", () => dying.calls() === 2 && h.emu.state.messages.length === 1);

    await h.control("POST", "/_emu/clock", { advanceMs: LEASE + 1 });
    await dispatcher(h.app.services.zalo, { conversationListsTemplates: false }).drain();
    expect([...perRecipient("template_uid").values()].every((n) => n === 1)).toBe(true);
    expect(sql("select state, reason, count(*) as n from outbox group by state, reason order by state")).toEqual([
      { state: "failed", reason: "OUTCOME_UNKNOWN", n: 2 },
      { state: "sent", reason: null, n: 1 },
    ]);
  });
});

describe("broadcast completion", () => {
  it("a broadcast is done as soon as its last row is final, without anyone opening it; reading it never writes", async () => {
    await followers(2);
    const id = await startBroadcast({ text: "Chúc bạn cuối tuần vui vẻ" });
    await h.app.services.dispatcher.drain();
    expect(broadcastState(id)).toEqual({ state: "done", finished: 1 });
    const changes = () => sql("select total_changes() as n")[0].n;
    const before = changes();
    h.app.services.messaging.broadcastView(id);
    await h.app.services.messaging.listBroadcasts();
    expect(changes()).toBe(before);
  });

  it("paused while its last message was in flight: resuming it finds nothing left and completes it", async () => {
    await followers(1);
    const id = await startBroadcast({ text: "Xin chào" });
    const real = h.app.services.zalo;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let called = false;
    const slow = { ...real, sendCs: async (p: Parameters<ZaloClient["sendCs"]>[0]) => ((called = true), await gate, real.sendCs(p)) } as ZaloClient;
    const tick = dispatcher(slow).tick();
    await until("the send to start", () => called);
    await api("POST", `/api/admin/broadcasts/${id}/pause`);
    release();
    await tick;
    expect(broadcastState(id)).toEqual({ state: "paused", finished: 0 });
    await api("POST", `/api/admin/broadcasts/${id}/resume`);
    expect(broadcastState(id)).toEqual({ state: "done", finished: 1 });
  });
});

/** Rejects if `p` is still pending after `ms` of real time: a stalled send fails here, not at the test timeout. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);
}

const queueOrderMessages = (people: { customer: { id: string } }[], tag: string) => {
  for (const p of people)
    h.app.services.messaging.queue({ customerId: p.customer.id, category: "transactional", dedupeKey: `${tag}:${p.customer.id}`, source: "order", text: tag });
};

describe("a business clock that disagrees with the wall clock", () => {
  it("a dispatcher started while the clock is ahead of the wall clock (a server clock set wrong) still sends at once", async () => {
    // 10:00 in Vietnam, a day or more ahead of the wall clock: whatever the hour the suite runs at, outside quiet hours.
    await h.control("POST", "/_emu/clock", { now: shopMorning(Date.now() + 2 * 86_400_000) });
    const people = await followers(3);
    queueOrderMessages(people, "ahead");
    await within(5000, dispatcher(h.app.services.zalo).drain());
    expect(sql("select state, count(*) as n from outbox group by state")).toEqual([{ state: "sent", n: 3 }]);
    expect(perRecipient("cs").size).toBe(3);
  });

  it("the wall clock stepping back mid-run (NTP) does not stall the next send", async () => {
    const people = await followers(2);
    const d = dispatcher(h.app.services.zalo);
    queueOrderMessages(people.slice(0, 1), "before");
    await d.drain();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() - 3_600_000);
      queueOrderMessages(people.slice(1), "after");
      await within(5000, d.drain());
    } finally {
      vi.useRealTimers();
    }
    expect(sql("select state, count(*) as n from outbox group by state")).toEqual([{ state: "sent", n: 2 }]);
  });
});
