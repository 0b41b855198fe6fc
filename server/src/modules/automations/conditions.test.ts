import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newShopper, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
const { sql, inject, place, move } = shopCalls(() => ({ h, ctx, menu }));

beforeAll(async () => {
  ({ h, ctx, menu } = await startShop());
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 3, 0) });
});
afterAll(async () => h.close());

const advance = (ms: number) => h.control("POST", "/_emu/clock", { advanceMs: ms });
const runOf = (automationId: string, occurrenceKey: string) =>
  sql("select state, reason from automation_runs where automation_id = ? and occurrence_key = ?", automationId, occurrenceKey)[0];
const queued = (automationId: string, occurrenceKey: string) =>
  sql("select count(*) as n from outbox where dedupe_key = ?", `auto:${automationId}:${occurrenceKey}`)[0].n as number;

async function edit(id: string, change: Record<string, unknown>) {
  const a = (await inject("GET", `/api/admin/automations/${id}`, ctx.admin)).json().automation;
  const { name, enabled, waitHours, segmentId, conditions, category, priority, text, imageUrl, templateId, templateParams, expiresHours } = a;
  return inject("PUT", `/api/admin/automations/${id}`, ctx.admin, {
    ...{ name, enabled, waitHours, segmentId, conditions, category, priority, text, imageUrl, templateId, templateParams, expiresHours },
    ...change,
  });
}
const whatIf = (id: string, draft: Record<string, unknown> = {}) => inject("POST", `/api/admin/automations/${id}/what-if`, ctx.admin, draft);

/** 3 large teas with pearls: 144,000 VND (the default order is 2: 96,000). */
const big = (token: string, over: Record<string, unknown> = {}) =>
  place(token, { items: [{ productId: menu.tea, quantity: 3, optionIds: ["L", "pearl"] }], expectedTotal: 144_000, ...over });
async function complete(id: string) {
  for (const s of ["confirmed", "ready", "completed"]) expect((await move(id, s)).statusCode).toBe(200);
}

describe("rules on the event", () => {
  it("an order below the threshold is skipped as CONDITION_NOT_MET (counted in the figures); one at or above it is sent", async () => {
    const ok = await edit("order-confirmed", { conditions: [{ var: "order_total", op: "gte", value: 100_000 }] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().automation.conditions).toEqual([{ var: "order_total", op: "gte", value: 100_000 }]);
    const s = await newShopper(h, "Khách điều kiện");
    const small = (await place(s.token)).json().order;
    await move(small.id, "confirmed");
    expect(runOf("order-confirmed", `order:${small.id}`)).toEqual({ state: "skipped", reason: "CONDITION_NOT_MET" });
    expect(queued("order-confirmed", `order:${small.id}`)).toBe(0);
    const large = (await big(s.token)).json().order;
    await move(large.id, "confirmed");
    expect(runOf("order-confirmed", `order:${large.id}`)).toEqual({ state: "queued", reason: null });
    expect(queued("order-confirmed", `order:${large.id}`)).toBe(1);
    const figures = (await inject("GET", "/api/admin/automations/order-confirmed", ctx.admin)).json().automation.figures;
    expect(figures.suppressed.CONDITION_NOT_MET).toBe(1);
    // An edit that leaves the conditions out keeps them.
    expect((await edit("order-confirmed", { conditions: undefined, priority: 4 })).json().automation.conditions).toHaveLength(1);
    expect((await edit("order-confirmed", { conditions: [] })).json().automation.conditions).toEqual([]);
  });

  it("a waiting timer reads the rules when it is due: a pickup order's first-purchase thanks is skipped by 'channel is table'", async () => {
    expect((await edit("first-purchase", { conditions: [{ var: "channel", op: "eq", value: "table" }] })).statusCode).toBe(200);
    const s = await newShopper(h, "Khách mang đi");
    const o = (await place(s.token)).json().order;
    await complete(o.id);
    expect(runOf("first-purchase", s.customer.id)).toEqual({ state: "waiting", reason: null });
    await advance(HOUR);
    await h.app.services.automationTimers.drain();
    expect(runOf("first-purchase", s.customer.id)).toEqual({ state: "skipped", reason: "CONDITION_NOT_MET" });
    expect(queued("first-purchase", s.customer.id)).toBe(0);
    expect((await edit("first-purchase", { conditions: [] })).statusCode).toBe(200);
  });

  it("a rule the trigger cannot check is a 400 AUTOMATION_CONDITION_INVALID naming it, and nothing is saved", async () => {
    const unknown = await edit("order-ready", { conditions: [{ var: "birthday", op: "eq", value: "x" }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: "AUTOMATION_CONDITION_INVALID",
      details: { problems: [{ index: 0, var: "birthday", problem: "UNKNOWN_VAR" }] },
    });
    const store = await edit("order-ready", { conditions: [{ var: "store", op: "eq", value: "no-such-store" }] });
    expect(store.json()).toMatchObject({ code: "AUTOMATION_CONDITION_INVALID", details: { problems: [{ problem: "VALUE_NOT_ALLOWED" }] } });
    expect((await edit("welcome", { conditions: [{ var: "order_total", op: "gte", value: 1 }] })).json().code).toBe("AUTOMATION_CONDITION_INVALID");
    expect((await edit("order-ready", { conditions: [{ var: "order_total", op: "gt", value: 1 }] })).statusCode).toBe(400);
    expect((await inject("GET", "/api/admin/automations/order-ready", ctx.admin)).json().automation.conditions).toEqual([]);
    expect((await whatIf("order-ready", { conditions: [{ var: "birthday", op: "eq", value: "x" }] })).json().code).toBe("AUTOMATION_CONDITION_INVALID");
    expect((await whatIf("nope")).json().code).toBe("AUTOMATION_NOT_FOUND");
  });
});

describe("what-if over the last 30 days", () => {
  it("counts the people the draft would have reached, from history: older than 30 days is out, rules and segment apply", async () => {
    // Everything so far (the tests above) ages out of the window; X follows and buys, then 31 days pass.
    const x = await newShopper(h, "Khách cũ");
    await h.control("POST", `/_emu/users/${x.appUserId}/follow`);
    await complete((await place(x.token)).json().order.id);
    await advance(31 * DAY);
    for (const id of ["order-confirmed", "first-purchase", "welcome"]) expect((await whatIf(id)).json().whatIf.people, id).toBe(0);

    // In the window: X refollows (not a first follow); Y follows, buys 96,000 (pickup); Z buys 144,000 at a table, then 96,000.
    await h.control("POST", `/_emu/users/${x.appUserId}/unfollow`);
    await h.control("POST", `/_emu/users/${x.appUserId}/follow`);
    const y = await newShopper(h, "Khách Y");
    await h.control("POST", `/_emu/users/${y.appUserId}/follow`);
    await complete((await place(y.token)).json().order.id);
    const z = await newShopper(h, "Khách Z");
    await complete((await big(z.token, { pickup: { type: "table", table: "5" } })).json().order.id);
    await complete((await place(z.token)).json().order.id);
    await advance(DAY);

    expect((await whatIf("welcome")).json().whatIf).toMatchObject({ days: 30, people: 1, occurrences: 1, exact: true, basis: "history", segmentNow: false });
    expect((await whatIf("order-confirmed")).json().whatIf).toMatchObject({ people: 2, occurrences: 3, exact: true });
    const over = [{ var: "order_total", op: "gte", value: 100_000 }];
    expect((await whatIf("order-confirmed", { conditions: over })).json().whatIf).toMatchObject({ people: 1, occurrences: 1 });
    expect((await whatIf("order-ready", { conditions: [{ var: "channel", op: "eq", value: "pickup" }] })).json().whatIf).toMatchObject({
      people: 2,
      occurrences: 2,
    });
    expect((await whatIf("order-ready", { conditions: [{ var: "store", op: "eq", value: "q3" }] })).json().whatIf.people).toBe(0);
    expect((await whatIf("first-purchase")).json().whatIf).toMatchObject({ people: 2, occurrences: 2 });
    expect((await whatIf("order-completed-none", {})).statusCode).toBe(404);

    // The segment is who is in it now (said so): only Z is tagged.
    const seg = (await inject("POST", "/api/admin/segments", ctx.admin, { name: "Khách bàn", rules: { all: [{ kind: "tags", tags: ["ban"] }] } })).json();
    expect((await inject("PUT", `/api/admin/customers/${z.customer.id}/tags`, ctx.admin, { tags: ["ban"] })).statusCode).toBe(200);
    expect((await whatIf("first-purchase", { segmentId: seg.id })).json().whatIf).toMatchObject({ people: 1, segmentNow: true });
    expect((await whatIf("first-purchase", { segmentId: "sg-nope" })).json().code).toBe("AUTOMATION_SEGMENT_NOT_FOUND");
    // The draft is not saved: the automation still reaches both.
    expect((await whatIf("first-purchase")).json().whatIf.people).toBe(2);
  });

  it("the expiring triggers are estimates from the expiry dates", async () => {
    const r = (await whatIf("points-expiring", { withinDays: 7 })).json().whatIf;
    expect(r).toMatchObject({ exact: false, basis: "points_lots" });
    expect((await whatIf("voucher-expiring")).json().whatIf).toMatchObject({ exact: false, basis: "voucher_expiry" });
  });
});
