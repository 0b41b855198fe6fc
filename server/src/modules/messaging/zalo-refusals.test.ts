import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, followingShoppers, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";

// How the dispatcher meets Zalo's own refusals, each played by the emulator (zalo-platform.md §5.6, §5.8, §5.9,
// §7.5, §7.6): it routes a message elsewhere or makes it wait; it never fails one Zalo would take later.

let h: Harness;
let admin: string;
const DAY = 86_400_000;
const VN_10AM = Date.UTC(2026, 10, 23, 3, 0);

beforeEach(async () => {
  h = await startHarness();
  admin = (await withStoreAndStaff(h)).admin;
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await h.control("POST", "/_emu/clock", { now: VN_10AM });
  await setRules((r) => ({ ...r, quietHours: null, caps: [] }));
});
afterEach(async () => h.close());

const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const api = (method: string, url: string, payload?: unknown) => h.app.inject({ method: method as any, url, headers: bearer(admin), payload: payload as any });
const drain = () => h.app.services.dispatcher.drain();
// A receipt may already have made a ZNS row `delivered`: for these tests that is sent.
const SENT = "case when state in ('delivered', 'seen') then 'sent' else state end as state";
const rows = () => sql(`select channel, ${SENT}, reason from outbox order by id`);
/** Zalo's requests from here on (not the setup's welcome messages). */
const fresh = () => void ((h.emu.state.requests.length = 0), (h.emu.state.messages.length = 0));
const requestsTo = (path: string) => h.emu.state.requests.filter((r) => r.path === path);

async function setRules(change: (r: any) => any) {
  const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
  expect((await api("PUT", "/api/admin/warming-rules", { rules: change(rules) })).statusCode).toBe(200);
}

/** Registered by hand (uid = the product may try it by UID); approved at Zalo too unless a test set it up there first. */
const register = async (id: string, tag: 1 | 2 | 3, uid: boolean) => {
  if (!h.emu.state.templates.has(id)) await emuTemplate(id, tag, { uidSupported: uid });
  return api("POST", "/api/admin/zns/templates", {
    id,
    name: `Mẫu ${id}`,
    tag,
    uid,
    params: [
      { name: "customer_name", maxLength: 30 },
      { name: "content", maxLength: 200 },
    ],
  });
};
const emuTemplate = (id: string, tag: 1 | 2 | 3, extra: Record<string, unknown> = {}) =>
  h.control("POST", "/_emu/templates", { id, name: `Mẫu ${id}`, tag, params: [{ name: "customer_name" }, { name: "content" }], ...extra });
const data = { customer_name: "bạn", content: "Cảm ơn bạn đã ghé quán" };

let phones = 0;
/** A customer whose phone both Zalo and we know (ZNS reaches them). */
async function withPhone(p: { appUserId: string; customer: { id: string } }) {
  const phone = `8491${String(1000000 + ++phones)}`;
  await h.control("PATCH", `/_emu/users/${p.appUserId}`, { phone });
  h.app.services.db.$client.prepare("update customers set phone = ? where id = ?").run(phone, p.customer.id);
  return p;
}
let n = 0;
const queue = (customerId: string, m: { category?: "care" | "promotion" | "transactional"; text?: string; template?: string }) =>
  h.app.services.messaging.queue({
    customerId,
    category: m.category ?? "care",
    dedupeKey: `t:${++n}`,
    source: "test",
    text: m.text ?? null,
    template: m.template ? { id: m.template, data } : null,
  });

describe("one app-wide rate limit", () => {
  it("two channels at 60/s each would exceed Zalo's per-app limit: the shared limiter keeps them under it and a -32 never fails a message", async () => {
    const people = await followingShoppers(h, 80);
    await register("200001", 1, false); // ZNS only
    for (const p of people.slice(40)) await withPhone(p);
    h.emu.state.requests.length = 0;
    for (const p of people.slice(0, 40)) queue(p.customer.id, { category: "transactional", text: "Đơn của bạn đã sẵn sàng" });
    for (const p of people.slice(40)) queue(p.customer.id, { category: "transactional", template: "200001" });
    // One -32 the limiter could not foresee (another app process, Zalo's own count): retried, not failed.
    await h.control("POST", "/_emu/faults", { match: "/business/message/template", error: -32, times: 1 });
    await drain();
    expect(sql(`select channel, ${SENT}, count(*) as n from outbox group by 1, 2 order by 1`)).toEqual([
      { channel: "cs", state: "sent", n: 40 },
      { channel: "zns", state: "sent", n: 40 },
    ]);
    // Without one limiter the two channels' bursts cross Zalo's 66 a second and a dozen come back -32.
    expect(h.emu.state.requests.filter((r) => r.error === -32).length).toBeLessThanOrEqual(3);
  });
});

describe("the CS window is Zalo's", () => {
  it("-230 moves the message to the template by UID; a text-only one ends OUTSIDE_CS_WINDOW after one try", async () => {
    const [p, q] = await followingShoppers(h, 2);
    await register("100002", 2, true);
    // Zalo counts the window its own way: it closed although our last webhook says otherwise.
    for (const who of [p!, q!]) await h.control("PATCH", `/_emu/users/${who.appUserId}`, { lastInteractionAt: VN_10AM - 8 * DAY });
    fresh();
    queue(p!.customer.id, { text: "Chào bạn", template: "100002" });
    queue(q!.customer.id, { text: "Chào bạn" });
    await drain();
    expect(rows()).toEqual([
      { channel: "template_uid", state: "sent", reason: null },
      { channel: null, state: "suppressed", reason: "OUTSIDE_CS_WINDOW:cs:OUTSIDE_CS_WINDOW" },
    ]);
    expect(requestsTo("/openapi/v3.0/oa/message/cs")).toHaveLength(2); // one per message: never again into the refusal
    expect(h.emu.state.messages.map((m) => m.channel)).toEqual(["template_uid"]);
  });

  it("-213 (not a follower) goes on to ZNS by phone", async () => {
    const s = await withPhone(await newShopper(h, "Chưa quan tâm"));
    await register("100002", 2, true);
    // We believed they were in the window (a stale follow); Zalo says they never followed.
    h.app.services.db.$client.prepare("update customers set follows_oa = 1, last_interaction_at = ? where id = ?").run(VN_10AM, s.customer.id);
    queue(s.customer.id, { text: "Chào bạn", template: "100002" });
    await drain();
    expect(rows()).toEqual([{ channel: "zns", state: "sent", reason: null }]);
    expect(h.emu.state.requests.filter((r) => r.error === -213).length).toBeGreaterThanOrEqual(1);
  });

  it("the emulator opens the window for an interaction no webhook reports", async () => {
    const [p] = await followingShoppers(h, 1);
    await h.control("PATCH", `/_emu/users/${p!.appUserId}`, { lastInteractionAt: VN_10AM - 8 * DAY });
    const zalo = h.app.services.zalo;
    await expect(zalo.sendCs({ oaUserId: p!.oaUserId, text: "Chào" })).rejects.toMatchObject({ zaloCode: -230, kind: "cs_window" });
    const hooks = h.emu.state.webhooks.length;
    await h.control("POST", `/_emu/users/${p!.appUserId}/interact`, { kind: "chat_button" });
    expect(h.emu.state.webhooks.length).toBe(hooks);
    await expect(zalo.sendCs({ oaUserId: p!.oaUserId, text: "Chào" })).resolves.toMatchObject({ user_id: p!.oaUserId });
  });
});

describe("promotions by CS", () => {
  it("are off by default: a promotion goes by its promotion template, a text-only promotion is not sent; the switch allows CS", async () => {
    const [a, b, c] = await followingShoppers(h, 3);
    await withPhone(a!);
    await register("300002", 3, false);
    fresh();
    queue(a!.customer.id, { category: "promotion", text: "Giảm 20% hôm nay", template: "300002" });
    queue(b!.customer.id, { category: "promotion", text: "Giảm 20% hôm nay" });
    await drain();
    expect(rows()).toEqual([
      { channel: "zns", state: "sent", reason: null },
      { channel: null, state: "suppressed", reason: "CS_PROMOTION_OFF:cs:CS_PROMOTION_OFF" },
    ]);
    expect(requestsTo("/openapi/v3.0/oa/message/cs")).toHaveLength(0);

    await setRules((r) => ({ ...r, zalo: { ...r.zalo, promotionsByCs: true } }));
    queue(c!.customer.id, { category: "promotion", text: "Giảm 20% hôm nay" });
    await drain();
    expect(rows()[2]).toEqual({ channel: "cs", state: "sent", reason: null });
  });
});

describe("template by UID", () => {
  it("-249 falls back to ZNS by phone, and the template goes by ZNS from then on", async () => {
    const [p] = await followingShoppers(h, 1);
    await withPhone(p!);
    await emuTemplate("300001", 2, { uidSupported: false });
    await register("300001", 2, true); // we thought it could go by UID
    queue(p!.customer.id, { template: "300001" });
    queue(p!.customer.id, { template: "300001" });
    await drain();
    expect(rows()).toEqual([
      { channel: "zns", state: "sent", reason: null },
      { channel: "zns", state: "sent", reason: null },
    ]);
    expect(requestsTo("/openapi/v3.0/oa/message/template")).toHaveLength(1);
    expect(sql("select uid from zns_templates where id = '300001'")).toEqual([{ uid: 0 }]);
  });

  it("Zalo's per-user promotion limits count promotions by UID too: the second one today is not asked for", async () => {
    const [p] = await followingShoppers(h, 1);
    await withPhone(p!);
    await emuTemplate("300003", 3, { uidSupported: true });
    await register("300003", 3, true);
    queue(p!.customer.id, { category: "promotion", template: "300003" });
    await drain();
    queue(p!.customer.id, { category: "promotion", template: "300003" });
    await drain();
    expect(rows()).toEqual([
      { channel: "template_uid", state: "sent", reason: null },
      { channel: null, state: "suppressed", reason: "ZNS_USER_PROMOTION_LIMIT:template_uid:ZNS_USER_PROMOTION_LIMIT,zns:ZNS_USER_PROMOTION_LIMIT" },
    ]);
    // The emulator would have refused it (-1472) by UID as by phone.
    expect(requestsTo("/openapi/v3.0/oa/message/template")).toHaveLength(1);
    expect(requestsTo("/business/message/template")).toHaveLength(0);
  });
});

describe("refusals that wait", () => {
  it("ZNS at night (-133) is held until Zalo's morning, then sent", async () => {
    const s = await withPhone(await newShopper(h, "Đêm"));
    await register("200002", 2, false);
    await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 16, 0) }); // 23:00 in Vietnam
    queue(s.customer.id, { template: "200002" });
    await drain();
    const [row] = sql("select state, reason, zalo_error, not_before from outbox");
    expect(row).toMatchObject({ state: "held", reason: "ZALO_NIGHT", zalo_error: -133 });
    expect(row.not_before).toBe(Date.UTC(2026, 10, 23, 23, 0)); // 06:00 the next morning in Vietnam
    await h.control("POST", "/_emu/clock", { now: row.not_before });
    await drain();
    expect(rows()).toEqual([{ channel: "zns", state: "sent", reason: null }]);
  });

  it("an empty Zalo Cloud Account holds paid sends (one question, not one per message) until the admin resumes after topping up", async () => {
    const a = await withPhone(await newShopper(h, "Một"));
    const b = await withPhone(await newShopper(h, "Hai"));
    await register("200003", 1, false);
    await h.control("POST", "/_emu/config", { zcaBalance: 0 });
    fresh();
    queue(a.customer.id, { category: "transactional", template: "200003" });
    await drain();
    queue(b.customer.id, { category: "transactional", template: "200003" });
    await drain();
    expect(rows()).toEqual([
      { channel: "zns", state: "held", reason: "ZCA_BALANCE" },
      { channel: null, state: "held", reason: "ZCA_BALANCE" },
    ]);
    expect(requestsTo("/business/message/template")).toHaveLength(1);
    const held = (await api("GET", "/api/admin/messaging/held")).json();
    expect(held.waits).toEqual([{ reason: "ZCA_BALANCE", count: 2, nextTryAt: expect.any(String) }]);

    await h.control("POST", "/_emu/config", { zcaBalance: 100_000 });
    expect((await api("POST", "/api/admin/messaging/held/resume")).json()).toEqual({ resumed: 2 });
    await drain();
    expect(rows()).toEqual([
      { channel: "zns", state: "sent", reason: null },
      { channel: "zns", state: "sent", reason: null },
    ]);
  });

  it("a template's daily limit (-147) stops that template only; ZNS goes on with the others", async () => {
    const people = await Promise.all([1, 2, 3].map(async (i) => withPhone(await newShopper(h, `K${i}`))));
    await emuTemplate("400001", 1, { dailyLimit: 1 });
    await register("400001", 1, false);
    await register("200001", 1, false);
    queue(people[0]!.customer.id, { category: "transactional", template: "400001" });
    queue(people[1]!.customer.id, { category: "transactional", template: "400001" });
    queue(people[2]!.customer.id, { category: "transactional", template: "200001" });
    await drain();
    expect(sql("select template_id, state, reason from outbox order by id")).toEqual([
      { template_id: "400001", state: "sent", reason: null },
      { template_id: "400001", state: "held", reason: "TEMPLATE_DAILY_LIMIT" },
      { template_id: "200001", state: "sent", reason: null },
    ]);
    // Later today another message with it waits without asking Zalo again.
    const before = requestsTo("/business/message/template").length;
    queue(people[2]!.customer.id, { category: "transactional", template: "400001" });
    await drain();
    expect(sql("select state, reason from outbox where id = (select max(id) from outbox)")).toEqual([{ state: "held", reason: "TEMPLATE_DAILY_LIMIT" }]);
    expect(requestsTo("/business/message/template").length).toBe(before);
  });
});
