import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { everyTurn, newShopper, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";
import { createAutomationRepo } from "./repo";
import { syncRepo } from "../../db/test-sync";

const HOUR = 3_600_000;
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
const { sql, inject, place, move } = shopCalls(() => ({ h, ctx, menu }));

beforeAll(async () => {
  ({ h, ctx, menu } = await startShop());
  // Zalo's webhooks (follow, receipts) reach the server for real; 10:00 in Vietnam, outside quiet hours.
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 3, 0) });
});
afterAll(async () => h.close());

const advance = (ms: number) => h.control("POST", "/_emu/clock", { advanceMs: ms });
const timers = () => h.app.services.automationTimers;
const outboxOf = (customerId: string) =>
  sql("select dedupe_key, source, category, state, text from outbox where customer_id = ? order by id", customerId) as {
    dedupe_key: string;
    source: string;
    category: string;
    state: string;
    text: string;
  }[];
const runsOf = (customerId: string) =>
  sql("select automation_id, occurrence_key, state, reason from automation_runs where customer_id = ? order by id", customerId);

async function completed(token: string) {
  const o = (await place(token)).json().order;
  for (const s of ["confirmed", "ready", "completed"]) expect((await move(o.id, s)).statusCode).toBe(200);
  return o as { id: string; code: string };
}

async function edit(id: string, change: Record<string, unknown>, token = ctx.admin) {
  const a = (await inject("GET", `/api/admin/automations/${id}`, token)).json().automation;
  const { name, enabled, waitHours, segmentId, category, priority, text, imageUrl, templateId, templateParams, expiresHours } = a;
  return inject("PUT", `/api/admin/automations/${id}`, token, {
    ...{ name, enabled, waitHours, segmentId, category, priority, text, imageUrl, templateId, templateParams, expiresHours },
    ...change,
  });
}

describe("automations", () => {
  it("a follow fires the welcome once: a redelivered event and a refollow queue nothing more", async () => {
    const s = await newShopper(h, "Khách theo dõi");
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
    await h.control("POST", `/_emu/users/${s.appUserId}/unfollow`);
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
    const again = { trigger: "follow" as const, customerId: s.customer.id, occurrenceKey: s.customer.id, vars: { welcome: "Xin chào lần nữa" } };
    h.app.services.db.$client.transaction(() => h.app.services.automations.onEvent(again))();
    const welcome = outboxOf(s.customer.id).filter((r) => r.source === "welcome");
    expect(welcome).toEqual([expect.objectContaining({ dedupe_key: `auto:welcome:${s.customer.id}`, category: "care", state: "queued" })]);
    expect(welcome[0]!.text).not.toBe("Xin chào lần nữa");
    expect(runsOf(s.customer.id)).toEqual([{ automation_id: "welcome", occurrence_key: s.customer.id, state: "queued", reason: null }]);
  });

  it("a first purchase is thanked an hour later and asked for feedback two hours later, each once; a second order is not a first", async () => {
    const s = await newShopper(h, "Khách mới");
    const o = await completed(s.token);
    expect(runsOf(s.customer.id).filter((r) => r.state === "waiting")).toEqual([
      { automation_id: "order-feedback", occurrence_key: `order:${o.id}`, state: "waiting", reason: null },
      { automation_id: "first-purchase", occurrence_key: s.customer.id, state: "waiting", reason: null },
    ]);
    await timers().drain();
    expect(outboxOf(s.customer.id).map((r) => r.source)).toEqual(["order", "order", "order"]);

    await advance(HOUR);
    await timers().drain();
    await timers().drain();
    const thanks = outboxOf(s.customer.id).filter((r) => r.source === "thanks");
    expect(thanks).toEqual([expect.objectContaining({ dedupe_key: `auto:first-purchase:${s.customer.id}`, category: "care" })]);
    expect(thanks[0]!.text).toContain("Khách mới");

    await advance(HOUR);
    await timers().drain();
    const feedback = outboxOf(s.customer.id).filter((r) => r.source === "feedback");
    expect(feedback).toEqual([expect.objectContaining({ dedupe_key: `auto:order-feedback:order:${o.id}` })]);
    expect(feedback[0]!.text).toContain(o.code);

    const second = await completed(s.token);
    expect(runsOf(s.customer.id).filter((r) => r.automation_id === "first-purchase")).toHaveLength(1);
    expect(
      runsOf(s.customer.id)
        .filter((r) => r.automation_id === "order-feedback")
        .map((r) => r.occurrence_key),
    ).toEqual([`order:${o.id}`, `order:${second.id}`]);
  });

  it("a timer whose worker died holding its lease is taken again after the lease, and sends once", async () => {
    const s = await newShopper(h, "Khách chờ");
    await completed(s.token);
    await advance(HOUR);
    // Another worker claimed the due timer and died before firing it.
    const repo = syncRepo(createAutomationRepo, h.app.services.db);
    const t = h.emu.clock.now();
    const taken = h.app.services.db.$client.transaction(() => repo.claim({ owner: "dead-worker", until: t + 60_000, now: t, n: 1_000 }))();
    expect(taken.some((r) => r.customer_id === s.customer.id)).toBe(true);
    await timers().drain();
    expect(outboxOf(s.customer.id).filter((r) => r.source === "thanks")).toHaveLength(0);
    await advance(61_000);
    await timers().drain();
    expect(outboxOf(s.customer.id).filter((r) => r.source === "thanks")).toHaveLength(1);
  });

  it("turning an automation off stops its waiting timers from sending; on again, new occurrences wait again", async () => {
    const s = await newShopper(h, "Khách tắt");
    await completed(s.token);
    expect((await edit("order-feedback", { enabled: false })).statusCode).toBe(200);
    await advance(3 * HOUR);
    await timers().drain();
    expect(outboxOf(s.customer.id).filter((r) => r.source === "feedback")).toEqual([]);
    expect(runsOf(s.customer.id).find((r) => r.automation_id === "order-feedback")).toMatchObject({ state: "cancelled", reason: "AUTOMATION_OFF" });
    const off = (await inject("GET", "/api/admin/automations/order-feedback", ctx.admin)).json().automation;
    expect(off.figures.suppressed.AUTOMATION_OFF).toBeGreaterThanOrEqual(1);
    expect((await edit("order-feedback", { enabled: true })).statusCode).toBe(200);
  });

  it("a segment condition is read when the message is due: someone outside it gets nothing", async () => {
    const seg = await inject("POST", "/api/admin/segments", ctx.admin, { name: "Khách VIP", rules: { all: [{ kind: "tags", tags: ["vip"] }] } });
    expect(seg.statusCode).toBe(201);
    expect((await edit("first-purchase", { segmentId: seg.json().id })).statusCode).toBe(200);
    const vip = await newShopper(h, "Khách VIP");
    const plain = await newShopper(h, "Khách thường");
    expect((await inject("PUT", `/api/admin/customers/${vip.customer.id}/tags`, ctx.admin, { tags: ["vip"] })).statusCode).toBe(200);
    await completed(vip.token);
    await completed(plain.token);
    await advance(HOUR);
    await timers().drain();
    expect(outboxOf(vip.customer.id).filter((r) => r.source === "thanks")).toHaveLength(1);
    expect(outboxOf(plain.customer.id).filter((r) => r.source === "thanks")).toHaveLength(0);
    expect(runsOf(plain.customer.id).find((r) => r.automation_id === "first-purchase")).toMatchObject({ state: "skipped", reason: "NOT_IN_SEGMENT" });
    expect((await edit("first-purchase", { segmentId: null })).statusCode).toBe(200);
  });

  it("figures: triggered, sent, and an order within 7 days of a sent message is a conversion", async () => {
    const before = (await inject("GET", "/api/admin/automations", ctx.admin)).json().automations.find((a: any) => a.id === "welcome").figures;
    const s = await newShopper(h, "Khách chuyển đổi");
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
    await h.app.services.dispatcher.drain();
    await advance(HOUR);
    await place(s.token);
    const after = (await inject("GET", "/api/admin/automations", ctx.admin)).json().automations.find((a: any) => a.id === "welcome").figures;
    expect(after.triggered - before.triggered).toBe(1);
    expect(after.sent - before.sent).toBe(1);
    expect(after.conversions - before.conversions).toBe(1);
  });

  it("an edit with an unknown placeholder, a missing segment or a missing automation is a clear 4xx; the marketer may edit", async () => {
    const bad = await edit("order-ready", { text: "Đơn {code} xong {foo}" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "AUTOMATION_PLACEHOLDER_UNKNOWN", details: { placeholders: ["foo"] } });
    expect((await edit("order-ready", { segmentId: "sg-nope" })).json().code).toBe("AUTOMATION_SEGMENT_NOT_FOUND");
    expect((await inject("GET", "/api/admin/automations/nope", ctx.admin)).json().code).toBe("AUTOMATION_NOT_FOUND");
    const text = "Đơn {code} đã sẵn sàng, mời bạn!";
    const ok = await edit("order-ready", { text });
    expect(ok.json().automation).toMatchObject({ text, trigger: "order_ready" });
    const s = await newShopper(h, "Khách sửa");
    const o = (await place(s.token)).json().order;
    await move(o.id, "confirmed");
    await move(o.id, "ready");
    expect(outboxOf(s.customer.id).at(-1)!.text).toBe(`Đơn ${o.code} đã sẵn sàng, mời bạn!`);
  });

  it("a message as a ZNS template, its params mapped from the event; params that do not fit fall back to the text", async () => {
    const reg = await inject("POST", "/api/admin/zns/templates", ctx.admin, {
      id: "100001",
      name: "Xác nhận đơn hàng",
      tag: 1,
      params: [
        { name: "customer_name", maxLength: 30 },
        { name: "order_code", maxLength: 30 },
        { name: "amount", type: "NUMBER", maxLength: 20 },
      ],
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const params = { customer_name: "{name}", order_code: "{code}", amount: "{amount}" };
    expect((await edit("order-confirmed", { templateId: "100001", templateParams: params })).statusCode).toBe(200);
    const s = await newShopper(h, "Khách ZNS");
    const o = (await place(s.token)).json().order;
    await move(o.id, "confirmed");
    const row = sql("select template_id, template_data, text from outbox where dedupe_key = ?", `auto:order-confirmed:order:${o.id}`)[0];
    expect(row.template_id).toBe("100001");
    expect(JSON.parse(row.template_data)).toEqual({ customer_name: "Khách ZNS", order_code: o.code, amount: "96000" });
    // A mapping whose value is not a number for a NUMBER param: the text notice still goes.
    expect((await edit("order-confirmed", { templateParams: { ...params, amount: "{code}" } })).statusCode).toBe(200);
    const o2 = (await place(s.token)).json().order;
    await move(o2.id, "confirmed");
    const row2 = sql("select template_id, text from outbox where dedupe_key = ?", `auto:order-confirmed:order:${o2.id}`)[0];
    expect(row2).toMatchObject({ template_id: null, text: expect.stringContaining(o2.code) });
    expect((await edit("order-confirmed", { templateId: null, templateParams: {} })).statusCode).toBe(200);
  });

  it("erasing a person ends their waiting timers: nothing is sent to them later", async () => {
    const s = await newShopper(h, "Khách xoá");
    await completed(s.token);
    const erased = await inject("POST", `/api/admin/customers/${s.customer.id}/erase`, ctx.admin, { reason: "Khách yêu cầu xoá dữ liệu" });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(runsOf(s.customer.id).filter((r) => r.state === "waiting")).toEqual([]);
    expect(sql("select count(*) as n from automation_runs where customer_id = ? and reason = 'CUSTOMER_ERASED' and vars = '{}'", s.customer.id)[0].n).toBe(2);
    await advance(3 * HOUR);
    await timers().drain();
    expect(outboxOf(s.customer.id).filter((r) => r.source === "thanks" || r.source === "feedback")).toEqual([]);
  });

  it("thousands of due timers are fired in chunks, the event loop served between them", async () => {
    const db = h.app.services.db.$client;
    const s = await newShopper(h, "Khách nhiều");
    const n = 3_000;
    db.transaction(() => {
      for (let i = 0; i < n; i++)
        h.app.services.automations.onEvent({ trigger: "order_completed", customerId: s.customer.id, occurrenceKey: `bulk:${i}`, vars: { code: `B${i}` } });
    })();
    await advance(3 * HOUR);
    let turns = 0;
    const stop = everyTurn(() => turns++);
    await timers().drain();
    stop();
    expect(sql("select count(*) as n from automation_runs where occurrence_key like 'bulk:%' and state = 'waiting'")[0].n).toBe(0);
    expect(sql("select count(*) as n from outbox where dedupe_key like 'auto:order-feedback:bulk:%'")[0].n).toBe(n);
    // The API process fires 25 per transaction and yields after each: at least one turn per chunk.
    expect(turns).toBeGreaterThanOrEqual(n / 25);
  });
});
