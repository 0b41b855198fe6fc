import { sqliteStore } from "../../db/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, followingShoppers, memberCodeOf, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { createDispatcher } from "./dispatcher";
import { createMessagingRepo } from "./repo";

let h: Harness;
let admin: string;
beforeEach(async () => {
  baseline = 0;
  h = await startHarness();
  admin = (await withStoreAndStaff(h)).admin;
  // Zalo's webhooks (follow, receipts) reach the server for real.
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await setVnTime(10);
  // Only the weekly promotion cap (the default also has "one message of any kind per 20 h", which would
  // hold a broadcast behind each follower's welcome message).
  const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
  // These tests send promotions by CS (the shop's switch; off by default, see zalo-refusals.test.ts).
  await api("PUT", "/api/admin/warming-rules", {
    rules: { ...rules, caps: [{ category: "promotion", channel: "any", max: 2, windowHours: 168 }], zalo: { ...rules.zalo, promotionsByCs: true } },
  });
});
afterEach(async () => h.close());

const HOUR = 3_600_000;
const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const drain = () => h.app.services.dispatcher.drain();
const api = (method: string, url: string, payload?: unknown, token = admin) =>
  h.app.inject({ method: method as any, url, headers: bearer(token), payload: payload as any });

/** Sets the shared clock to hh:00 Vietnam time on a fixed day (plus `days`). */
async function setVnTime(hh: number, days = 0) {
  await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23 + days, hh - 7, 0) });
}

async function registerOrderTemplate() {
  // Seeded in the emulator as 100001 (tag 1): customer_name, order_code, amount.
  const res = await api("POST", "/api/admin/zns/templates", {
    id: "100001",
    name: "Xác nhận đơn hàng",
    tag: 1,
    params: [
      { name: "customer_name", maxLength: 30 },
      { name: "order_code", maxLength: 30 },
      { name: "amount", type: "NUMBER", maxLength: 20 },
    ],
  });
  expect(res.statusCode).toBe(201);
}

async function followers(n: number) {
  const people = await followingShoppers(h, n);
  // From here on, tests look only at what they cause.
  baseline = (await h.control("GET", "/_emu/messages")).length;
  return people;
}

let baseline = 0;
/** Messages the emulator received since `followers()` ran; `?channel=x` filters by channel. */
const emuMessages = async (q = "") => {
  const channel = new URLSearchParams(q.replace(/^\?/, "")).get("channel");
  return ((await h.control("GET", "/_emu/messages")) as any[]).slice(baseline).filter((m) => !channel || m.channel === channel);
};

describe("one way out", () => {
  it("a follow queues a welcome message that the dispatcher sends by free CS", async () => {
    const s = await newShopper(h, "Lan");
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
    expect(sql("select source, state, category from outbox")).toEqual([{ source: "welcome", state: "queued", category: "care" }]);
    await drain();
    expect(sql("select state, channel, free from outbox")).toEqual([{ state: "sent", channel: "cs", free: 1 }]);
    const sent = await emuMessages();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: "cs" });
    // A second follow event (re-follow) does not welcome twice.
    await h.control("POST", `/_emu/users/${s.appUserId}/unfollow`);
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
    expect(sql("select count(*) as n from outbox")[0].n).toBe(1);
  });

  it("ZNS by phone uses the row id as tracking_id and the signed receipt marks it delivered", async () => {
    await registerOrderTemplate();
    const shopper = await h.login("shopper");
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    await api("POST", "/api/me/phone", { phoneToken, accessToken: shopper.zaloToken }, shopper.token);
    h.app.services.messaging.queue({
      customerId: shopper.customer.id,
      category: "transactional",
      priority: 9,
      dedupeKey: "order:1:confirmed",
      source: "order",
      template: { id: "100001", data: { customer_name: "Hà", order_code: "A-1", amount: "45000" } },
    });
    await drain();
    const [row] = sql("select id, state, channel, zalo_msg_id from outbox");
    const sent = await emuMessages("?channel=zns");
    expect(sent).toHaveLength(1);
    expect(sent[0].trackingId ?? sent[0].tracking_id).toBe(`mc-${row.id}`);
    // The emulator sends the receipt after answering.
    await expect.poll(() => sql("select state, delivered_at is not null as d from outbox")).toEqual([{ state: "delivered", d: 1 }]);
  });

  it("template data is validated before it is queued (NFC lengths, missing params)", async () => {
    await registerOrderTemplate();
    const test = await api("POST", "/api/admin/zns/test-send", { phone: "0912345678", templateId: "100001", data: { customer_name: "Hà" } });
    expect(test.statusCode).toBe(400);
    expect(test.json().code).toBe("TEMPLATE_DATA_INVALID");
    // 30 composed characters are fine even though the decomposed form is longer.
    const name = "Nguyễn Thị Ánh Tuyết Hoàng Ngọ".normalize("NFD");
    const ok = await api("POST", "/api/admin/zns/test-send", {
      phone: "0912345678",
      templateId: "100001",
      data: { customer_name: name, order_code: "A-1", amount: "1000" },
    });
    expect(ok.json()).toMatchObject({ state: "queued", done: false });
    await drain();
    expect((await api("GET", `/api/admin/zns/test-send/${ok.json().id}`)).json()).toMatchObject({ done: true, ok: true });
    const unknown = await api("POST", "/api/admin/zns/test-send", { phone: "0912345678", templateId: "999", data: {} });
    expect(unknown.json().code).toBe("TEMPLATE_NOT_FOUND");
    expect(sql("select count(*) as n from outbox")[0].n).toBe(1);
  });

  it("a test send shows Zalo's error in words", async () => {
    await registerOrderTemplate();
    const res = await api("POST", "/api/admin/zns/test-send", {
      phone: "0900000001",
      templateId: "100001",
      data: { customer_name: "A", order_code: "B", amount: "1" },
    });
    await drain();
    expect((await api("GET", `/api/admin/zns/test-send/${res.json().id}`)).json()).toMatchObject({
      done: true,
      ok: false,
      error: { code: -118, reason: "This phone number has no Zalo account" },
    });
  });

  it("a test send is an outbox row like any other: queued, sent by the dispatcher with the row id as tracking_id, settled by its receipt", async () => {
    await registerOrderTemplate();
    const res = await api("POST", "/api/admin/zns/test-send", {
      phone: "0912345678",
      templateId: "100001",
      data: { customer_name: "Hà", order_code: "A-1", amount: "1000" },
    });
    expect(res.statusCode).toBe(202);
    const id = res.json().id;
    // Nothing reaches Zalo from the request itself.
    expect(await emuMessages("?channel=zns")).toHaveLength(0);
    expect(sql("select customer_id, to_phone, source, category, state from outbox")).toEqual([
      { customer_id: null, to_phone: "84912345678", source: "zns_test", category: "transactional", state: "queued" },
    ]);
    await drain();
    const sent = await emuMessages("?channel=zns");
    expect(sent.map((m: any) => [m.recipient.phone, m.trackingId ?? m.tracking_id, m.mode])).toEqual([["84912345678", `mc-${id}`, null]]);
    await expect.poll(async () => (await api("GET", `/api/admin/zns/test-send/${id}`)).json().state).toBe("delivered");
    expect((await api("GET", `/api/admin/zns/test-send/${id}`)).json()).toMatchObject({ done: true, ok: true, msgId: sent[0].msgId, error: null });
    // Development mode reaches only the OA's admins (§7.6): to anyone else Zalo refuses it (-127), at once.
    const dev = await api("POST", "/api/admin/zns/test-send", {
      phone: "0912345678",
      templateId: "100001",
      data: { customer_name: "Hà", order_code: "A-2", amount: "1000" },
      development: true,
    });
    await drain();
    expect((await api("GET", `/api/admin/zns/test-send/${dev.json().id}`)).json()).toMatchObject({ done: true, ok: false, error: { code: -127 } });
    // Only test sends are read back here: another row's id is not found.
    h.app.services.messaging.queue({
      customerId: (await newShopper(h, "Lan")).customer.id,
      category: "care",
      dedupeKey: "x",
      source: "test",
      text: "Xin chào",
    });
    const other = sql("select id from outbox where source = 'test'")[0].id;
    expect((await api("GET", `/api/admin/zns/test-send/${other}`)).statusCode).toBe(404);
  });
});

describe("Zalo faults are survived", () => {
  it("rate limit (-32) is retried at once (nothing went out), a timeout is looked up before any resend; an expired token is refreshed once", async () => {
    const [a, b] = await followers(2);
    for (const s of [a!, b!])
      h.app.services.messaging.queue({
        customerId: s.customer.id,
        category: "transactional",
        dedupeKey: `t:${s.customer.id}`,
        source: "test",
        text: "Đơn hàng đã sẵn sàng",
      });
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: -32, times: 1 });
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: 0, delayMs: 2000, times: 1 });
    await drain();
    expect(sql("select state, reason from outbox order by id")).toEqual([
      { state: "sent", reason: null },
      // The request went out and its answer never came: Zalo may have it, so it waits for the conversation check.
      { state: "sending", reason: "OUTCOME_UNCERTAIN" },
    ]);
    await h.control("POST", "/_emu/oa-token/expire");
    await h.control("POST", "/_emu/clock", { advanceMs: 10 * 60_000 });
    await drain();
    expect(sql("select state from outbox").map((r) => r.state)).toEqual(["sent", "sent"]);
    expect((await h.control("GET", "/_emu/oa-token")).refreshCount).toBe(1);
    // Exactly one message each reached Zalo, whatever the retries.
    expect(await emuMessages("?channel=cs")).toHaveLength(2);
  });

  it("quota exhausted (-144) holds until tomorrow instead of failing", async () => {
    await registerOrderTemplate();
    const shopper = await h.login("shopper");
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    await api("POST", "/api/me/phone", { phoneToken, accessToken: shopper.zaloToken }, shopper.token);
    await h.control("POST", "/_emu/faults", { match: "/business/message/template", error: -144, times: 1 });
    h.app.services.messaging.queue({
      customerId: shopper.customer.id,
      category: "transactional",
      dedupeKey: "o:2",
      source: "order",
      template: { id: "100001", data: { customer_name: "Hà", order_code: "A-2", amount: "1000" } },
    });
    await drain();
    const [row] = sql("select state, reason, not_before, zalo_error from outbox");
    expect(row).toMatchObject({ state: "held", reason: "QUOTA_EXHAUSTED", zalo_error: -144 });
    expect(row.not_before).toBe(Date.UTC(2026, 10, 23, 17, 0)); // midnight in Vietnam
  });

  it("a permanent error is recorded with Zalo's code", async () => {
    const [a] = await followers(1);
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: -227, times: 1 });
    h.app.services.messaging.queue({ customerId: a!.customer.id, category: "transactional", dedupeKey: "p:1", source: "test", text: "Xin chào" });
    await drain();
    expect(sql("select state, zalo_error, reason from outbox")).toEqual([
      { state: "failed", zalo_error: -227, reason: "Recipient inactive on Zalo for over 45 days" },
    ]);
  });
});

describe("broadcasts", () => {
  const broadcast = (over: Record<string, unknown> = {}) =>
    api("POST", "/api/admin/broadcasts", {
      name: "Cuối tuần vui vẻ",
      category: "promotion",
      content: { text: "Giảm 20% cuối tuần này!" },
      audience: { followersOnly: true },
      ...over,
    });

  it("preview, start, pause, resume; results by state", async () => {
    await followers(3);
    const b = (await broadcast()).json();
    const preview = (await api("GET", `/api/admin/broadcasts/${b.id}/preview`)).json();
    expect(preview).toMatchObject({ audience: 3, send: 3, channels: { cs: 3 } });
    const started = (await api("POST", `/api/admin/broadcasts/${b.id}/start`)).json();
    expect(started).toMatchObject({ state: "running", recipients: 3 });
    await api("POST", `/api/admin/broadcasts/${b.id}/pause`);
    await drain();
    expect(await emuMessages()).toHaveLength(0);
    await api("POST", `/api/admin/broadcasts/${b.id}/resume`);
    await drain();
    const done = (await api("GET", `/api/admin/broadcasts/${b.id}`)).json();
    expect(done).toMatchObject({ state: "done", counts: { sent: 3 } });
    expect(await emuMessages()).toHaveLength(3);
  });

  it("an OA media message: text with an image goes by CS as a media template element", async () => {
    await followers(1);
    const b = (await broadcast({ content: { text: "Món mới: trà vải", imageUrl: "https://cdn.shop.vn/tra-vai.jpg" } })).json();
    expect(
      (await api("POST", "/api/admin/broadcasts", { name: "x", category: "care", content: { text: "a", imageUrl: "http://insecure" }, audience: {} }))
        .statusCode,
    ).toBe(400);
    await api("POST", `/api/admin/broadcasts/${b.id}/start`);
    await drain();
    const [m] = await emuMessages("?channel=cs");
    expect(m.data).toEqual({
      text: "Món mới: trà vải",
      attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", url: "https://cdn.shop.vn/tra-vai.jpg" }] } },
    });
  });

  it("no promotion goes out in quiet hours; held ones go when the window opens", async () => {
    await followers(2);
    await setVnTime(23);
    const b = (await broadcast()).json();
    const preview = (await api("GET", `/api/admin/broadcasts/${b.id}/preview`)).json();
    expect(preview).toMatchObject({ send: 0, hold: 2 });
    await api("POST", `/api/admin/broadcasts/${b.id}/start`);
    await drain();
    expect(await emuMessages()).toHaveLength(0);
    expect(sql("select distinct state, reason from outbox where broadcast_id is not null")).toEqual([{ state: "held", reason: "PROMOTION_HOURS" }]);
    await setVnTime(8, 1);
    await drain();
    expect(await emuMessages()).toHaveLength(2);
  });

  it("held messages say when they may go: the preview's and the progress's time per reason", async () => {
    await followers(2);
    await setVnTime(23);
    const b = (await broadcast()).json();
    const preview = (await api("GET", `/api/admin/broadcasts/${b.id}/preview`)).json();
    const until = preview.holdUntil.PROMOTION_HOURS;
    // Tomorrow morning, when promotions may go again (08:00 at the latest), and nothing for reasons that do not hold.
    expect(Date.parse(until)).toBeGreaterThan(Date.UTC(2026, 10, 23, 16, 0));
    expect(Date.parse(until)).toBeLessThanOrEqual(Date.UTC(2026, 10, 24, 1, 0));
    expect(Object.keys(preview.holdUntil)).toEqual(["PROMOTION_HOURS"]);
    await api("POST", `/api/admin/broadcasts/${b.id}/start`);
    await drain();
    const view = (await api("GET", `/api/admin/broadcasts/${b.id}`)).json();
    expect(view).toMatchObject({ state: "running", counts: { held: 2 }, heldUntil: { PROMOTION_HOURS: until } });
    await setVnTime(8, 1);
    await drain();
    expect((await api("GET", `/api/admin/broadcasts/${b.id}`)).json()).toMatchObject({ state: "done", heldUntil: {} });
  });

  it("a schedule in the past is refused; a future one is 'scheduled' (not sending) until its time, then goes", async () => {
    await followers(2);
    const past = await broadcast({ scheduledAt: new Date(Date.UTC(2026, 10, 23, 2, 59)).toISOString() }); // 09:59, it is 10:00
    expect(past.statusCode).toBe(400);
    expect(past.json()).toMatchObject({ code: "SCHEDULE_IN_PAST" });
    expect(sql("select count(*) as n from broadcasts")).toEqual([{ n: 0 }]);

    const at = new Date(Date.UTC(2026, 10, 23, 5, 0)).toISOString(); // 12:00
    const b = (await broadcast({ scheduledAt: at })).json();
    expect(b).toMatchObject({ state: "draft", scheduledAt: at });
    expect((await api("POST", `/api/admin/broadcasts/${b.id}/start`)).json()).toMatchObject({ state: "scheduled", recipients: 2, counts: { queued: 2 } });
    await drain();
    expect(await emuMessages()).toHaveLength(0);
    expect((await api("GET", "/api/admin/broadcasts")).json().broadcasts[0]).toMatchObject({ id: b.id, state: "scheduled" });
    // Scheduled still means it can be paused or cancelled before it goes.
    expect((await api("POST", `/api/admin/broadcasts/${b.id}/pause`)).json()).toMatchObject({ state: "paused" });
    expect((await api("POST", `/api/admin/broadcasts/${b.id}/resume`)).json()).toMatchObject({ state: "scheduled" });
    await setVnTime(12);
    expect((await api("GET", `/api/admin/broadcasts/${b.id}`)).json()).toMatchObject({ state: "running" });
    await drain();
    expect(await emuMessages()).toHaveLength(2);
    expect((await api("GET", `/api/admin/broadcasts/${b.id}`)).json()).toMatchObject({ state: "done", counts: { sent: 2 } });
  });

  it("caps hold whatever mix of broadcasts and automations competes", async () => {
    await api("PUT", "/api/admin/warming-rules", {
      rules: { ...(await api("GET", "/api/admin/warming-rules")).json().rules, caps: [{ category: "promotion", channel: "any", max: 1, windowHours: 168 }] },
    });
    const people = await followers(3);
    const ids = [];
    for (const name of ["A", "B", "C"]) {
      const b = (await broadcast({ name: `Khuyến mãi ${name}` })).json();
      await api("POST", `/api/admin/broadcasts/${b.id}/start`);
      ids.push(b.id);
    }
    for (const p of people)
      h.app.services.messaging.queue({
        customerId: p.customer.id,
        category: "promotion",
        dedupeKey: `auto:${p.customer.id}`,
        source: "automation",
        text: "Ưu đãi sinh nhật",
        priority: 7,
      });
    await drain();
    const perPerson = sql(
      "select customer_id, count(*) as n from outbox where category = 'promotion' and state in ('sent','delivered','seen') group by customer_id",
    );
    expect(perPerson).toHaveLength(3);
    expect(perPerson.every((r) => r.n === 1)).toBe(true);
    // The automation has the higher priority and takes the one slot.
    expect(sql("select distinct source from outbox where category = 'promotion' and state = 'sent'")).toEqual([{ source: "automation" }]);
    expect(sql("select distinct reason from outbox where state = 'held'")).toEqual([{ reason: "CAP_REACHED" }]);
  });

  it("the circuit breaker stops a broadcast whose unfollow rate passes the threshold; unfollows are attributed", async () => {
    const people = await followers(12);
    const b = (await broadcast({ breakerRate: 0.2, breakerMinSent: 10 })).json();
    await api("POST", `/api/admin/broadcasts/${b.id}/start`);
    // Ten go out first; a broadcast already done has nothing left to stop.
    const { db } = h.app.services;
    await createDispatcher({
      store: sqliteStore(db),
      repo: createMessagingRepo(db),
      zalo: h.app.services.zalo,
      now: () => h.emu.clock.now(),
      options: { batchSize: 10 },
    }).tick();
    for (const p of people.slice(0, 3)) await h.control("POST", `/_emu/users/${p.appUserId}/unfollow`);
    const view = (await api("GET", `/api/admin/broadcasts/${b.id}`)).json();
    expect(view).toMatchObject({ state: "tripped", unfollows: 3, counts: { sent: 10, queued: 2 } });
    await drain();
    expect((await api("GET", `/api/admin/broadcasts/${b.id}`)).json()).toMatchObject({ state: "tripped", counts: { sent: 10, queued: 2 } });
    expect(sql("select count(*) as n from customers where fatigue_until is not null")[0].n).toBe(3);
  });

  it("preview counts people with recent sends against their own history, the rest by group", async () => {
    const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
    await api("PUT", "/api/admin/warming-rules", { rules: { ...rules, caps: [{ category: "promotion", channel: "any", max: 1, windowHours: 168 }] } });
    const [a] = await followers(3);
    h.app.services.messaging.queue({ customerId: a!.customer.id, category: "promotion", dedupeKey: "earlier-promo", source: "test", text: "Ưu đãi trước" });
    await drain();
    const b = (await broadcast()).json();
    const preview = (await api("GET", `/api/admin/broadcasts/${b.id}/preview`)).json();
    expect(preview).toMatchObject({ audience: 3, send: 2, hold: 1, reasons: { CAP_REACHED: 1 }, channels: { cs: 2 }, freeCs: 2 });
  });

  it("audiences: points range, last visit and last order age narrow the recipients", async () => {
    const [a] = await followers(2);
    await api("POST", `/api/admin/customers/${a!.customer.id}/points/adjust`, { delta: 300, reason: "Quà", idempotencyKey: "aud-1" });
    const rich = (await broadcast({ audience: { followersOnly: true, pointsMin: 100 } })).json();
    expect((await api("GET", `/api/admin/broadcasts/${rich.id}/preview`)).json().audience).toBe(1);
    // Neither has completed an order: "ordered within 30 days" is nobody, "no order for 30 days" is both.
    const recent = (await broadcast({ audience: { followersOnly: true, lastOrderMaxDays: 30 } })).json();
    expect((await api("GET", `/api/admin/broadcasts/${recent.id}/preview`)).json().audience).toBe(0);
    const lapsed = (await broadcast({ audience: { followersOnly: true, lastOrderMinDays: 30 } })).json();
    expect((await api("GET", `/api/admin/broadcasts/${lapsed.id}/preview`)).json().audience).toBe(2);
    // Tags the shop put on people.
    const tagged = await api("PUT", `/api/admin/customers/${a!.customer.id}/tags`, { tags: ["VIP", "văn-phòng"] });
    expect(tagged.json().tags).toEqual(["vip", "văn-phòng"]);
    expect((await api("PUT", `/api/admin/customers/${a!.customer.id}/tags`, { tags: ["no spaces"] })).statusCode).toBe(400);
    const vip = (await broadcast({ audience: { followersOnly: true, tags: ["vip"] } })).json();
    expect((await api("GET", `/api/admin/broadcasts/${vip.id}/preview`)).json().audience).toBe(1);
  });

  it("audiences by tier count only the points earned inside the tier window", async () => {
    const [a, b, c] = await followers(3);
    const staff = (await h.login("staff")).token;
    const award = async (shopper: { token: string }, amountVnd: number, receiptId: string) => {
      const memberCode = await memberCodeOf(h, shopper.token);
      const res = await api("POST", "/api/staff/points/award", { memberCode, storeId: "q1", amountVnd, receiptId }, staff);
      expect(res.statusCode).toBe(200);
    };
    await award(b!, 6_000_000, "T-b"); // 600 points, then a year passes: back to member
    await h.control("POST", "/_emu/clock", { advanceMs: 366 * 24 * HOUR });
    await award(a!, 6_000_000, "T-a"); // 600 points inside the window: silver
    await award(c!, 1_000_000, "T-c"); // 100 points: member
    const count = async (tiers: string[]) => {
      const b = (await broadcast({ audience: { followersOnly: true, tiers } })).json();
      return (await api("GET", `/api/admin/broadcasts/${b.id}/preview`)).json().audience;
    };
    expect(await count(["silver"])).toBe(1);
    expect(await count(["silver", "gold"])).toBe(1);
    expect(await count(["member"])).toBe(2);
  });

  it("bad input: unknown tier, invalid content, wrong state", async () => {
    expect((await broadcast({ audience: { tiers: ["platinum"] } })).json().code).toBe("VALIDATION_FAILED");
    expect((await broadcast({ content: {} })).statusCode).toBe(400);
    const b = (await broadcast()).json();
    expect((await api("POST", `/api/admin/broadcasts/${b.id}/resume`)).statusCode).toBe(409);
  });
});

describe("rules and preferences", () => {
  it("rules are validated and versioned; the what-if replays the last 30 days", async () => {
    await followers(2);
    const current = (await api("GET", "/api/admin/warming-rules")).json().rules;
    const bad = await api("PUT", "/api/admin/warming-rules", { rules: { ...current, quietHours: { start: "05:00", end: "23:00" } } });
    expect(bad.statusCode).toBe(400);
    const put = await api("PUT", "/api/admin/warming-rules", { rules: { ...current, caps: [] }, note: "Tết: no caps" });
    expect(put.json().version).toBe(2); // the first version is this file's beforeEach
    const hist = (await api("GET", "/api/admin/warming-rules")).json().history;
    expect(hist[0]).toMatchObject({ version: 2, note: "Tết: no caps", changedBy: expect.stringMatching(/^admin:/) });
    const [a, b] = await followers(2);
    // Two care messages each, both sent under "no caps"; a cap of one a day would have held each second one.
    for (const p of [a!, b!]) {
      for (const n of [1, 2])
        h.app.services.messaging.queue({ customerId: p.customer.id, category: "care", dedupeKey: `c:${p.customer.id}:${n}`, source: "test", text: "Chào bạn" });
    }
    await drain();
    expect(sql("select count(*) as n from outbox where state = 'sent'")[0].n).toBe(4);
    const whatIf = (
      await api("POST", "/api/admin/warming-rules/what-if", {
        rules: { ...current, quietHours: null, caps: [{ category: "any", channel: "any", max: 1, windowHours: 24 }] },
      })
    ).json();
    expect(whatIf).toMatchObject({ messages: 4, current: { send: 4, notSent: 0 }, draft: { send: 2 }, becameBlocked: 2, becameSent: 0 });
    expect(whatIf.reasons).toEqual({ CAP_REACHED: 2 });
  });

  it("a shopper sets how often they want offers and sees the promise", async () => {
    const s = await h.login("shopper");
    const get = (await api("GET", "/api/me/message-prefs", undefined, s.token)).json();
    expect(get).toMatchObject({ prefs: { offersPerWeek: null, mutedCategories: [] }, maxOffersPerWeek: 2 });
    const put = await api("PUT", "/api/me/message-prefs", { offersPerWeek: 1, pausedUntil: null, mutedCategories: [] }, s.token);
    expect(put.json().maxOffersPerWeek).toBe(1);
    const muted = await api("PUT", "/api/me/message-prefs", { offersPerWeek: 1, pausedUntil: null, mutedCategories: ["promotion"] }, s.token);
    expect(muted.json().maxOffersPerWeek).toBe(0);
    expect((await api("PUT", "/api/me/message-prefs", { offersPerWeek: 1, pausedUntil: null, mutedCategories: ["transactional"] }, s.token)).statusCode).toBe(
      400,
    );
  });

  it("a shopper's pause stops promotions until its date, and only promotions", async () => {
    await setVnTime(10);
    const [a] = await followers(1);
    const until = new Date(Date.UTC(2026, 10, 23, 3) + 10 * 24 * HOUR).toISOString();
    const put = await api("PUT", "/api/me/message-prefs", { offersPerWeek: null, pausedUntil: until, mutedCategories: [] }, a!.token);
    expect(put.statusCode).toBe(200);
    expect(put.json().maxOffersPerWeek).toBe(0); // paused for more than a week: no offers this week
    expect((await api("GET", "/api/me/message-prefs", undefined, a!.token)).json().prefs.pausedUntil).toBe(until);
    h.app.services.messaging.queue({ customerId: a!.customer.id, category: "promotion", dedupeKey: "promo-1", source: "test", text: "Giảm 20%" });
    h.app.services.messaging.queue({ customerId: a!.customer.id, category: "care", dedupeKey: "care-1", source: "test", text: "Chào bạn" });
    await drain();
    expect(sql("select dedupe_key, state, reason from outbox order by dedupe_key")).toEqual([
      { dedupe_key: "care-1", state: "sent", reason: null },
      { dedupe_key: "promo-1", state: "suppressed", reason: "PAUSED_BY_CUSTOMER" },
    ]);
  });

  it("the keep-warm floor proposes one useful message to silent followers, through the same policy", async () => {
    const [a] = await followers(1);
    await api("POST", `/api/admin/customers/${a!.customer.id}/points/adjust`, { delta: 120, reason: "Quà", idempotencyKey: "g1" });
    await h.control("POST", "/_emu/clock", { advanceMs: 15 * 24 * HOUR });
    const run = (await api("POST", "/api/admin/jobs/keep-warm")).json();
    expect(run.queued).toBe(1);
    expect((await api("POST", "/api/admin/jobs/keep-warm")).json().queued).toBe(0);
    expect(sql("select text from outbox where source = 'floor'")[0].text).toContain("120 điểm");
  });
});

describe("changing the rules", () => {
  it("messages held by the old rules are decided again under the new ones", async () => {
    const [a] = await followers(1);
    await setVnTime(23);
    h.app.services.messaging.queue({ customerId: a!.customer.id, category: "care", dedupeKey: "late", source: "test", text: "Chúc ngủ ngon" });
    await drain();
    expect(sql("select state, reason from outbox where dedupe_key = 'late'")).toEqual([{ state: "held", reason: "QUIET_HOURS" }]);
    const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
    await api("PUT", "/api/admin/warming-rules", { rules: { ...rules, quietHours: null } });
    await drain();
    expect(sql("select state from outbox where dedupe_key = 'late'")).toEqual([{ state: "sent" }]);
  });
});
