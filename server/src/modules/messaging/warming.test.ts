import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, followingShoppers, newShopper, startHarness, type Harness } from "../../test-support";

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await startHarness();
  admin = await h.adminToken();
  // Zalo's webhooks (follow, unfollow) reach the server for real.
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await setVnTime(10);
  // Only the weekly promotion cap (the default's "one message of any kind per 20 h" would mix in here).
  const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
  // This shop sends its offers by CS (the switch is off by default).
  await api("PUT", "/api/admin/warming-rules", {
    rules: { ...rules, caps: [{ category: "promotion", channel: "any", max: 2, windowHours: 168 }], zalo: { ...rules.zalo, promotionsByCs: true } },
  });
});
afterEach(async () => h.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const drain = () => h.app.services.dispatcher.drain();
const api = (method: string, url: string, payload?: unknown, token = admin) =>
  h.app.inject({ method: method as any, url, headers: bearer(token), payload: payload as any });
/** hh:mm Vietnam time on 2026-12-02 (plus `days`). */
const vn = (hh: number, mm = 0, days = 0) => Date.UTC(2026, 11, 2 + days, hh - 7, mm);
const setVnTime = (hh: number, days = 0) => h.control("POST", "/_emu/clock", { now: vn(hh, 0, days) });
const iso = (ms: number) => new Date(ms).toISOString();

async function warming(customerId: string) {
  const res = await api("GET", `/api/admin/customers/${customerId}/warming`);
  expect(res.statusCode).toBe(200);
  const w = res.json().warming;
  const of = (k: string) => w.categories.find((c: any) => c.category === k);
  return { ...w, promotion: of("promotion"), care: of("care"), transactional: of("transactional") };
}
const codes = (c: any) => c.reasons.map((r: any) => r.code);

/** A promotion template Zalo carries by UID: a follower stays reachable after the 7-day CS window. */
async function promoTemplate() {
  const res = await api("POST", "/api/admin/zns/templates", {
    id: "100003",
    name: "Ưu đãi",
    tag: 3,
    uid: true,
    params: [{ name: "voucher_code", maxLength: 30 }],
  });
  expect(res.statusCode).toBe(201);
}

function promo(customerId: string, key: string) {
  h.app.services.messaging.queue({ customerId, category: "promotion", dedupeKey: key, source: "test", text: "Giảm 20% hôm nay" });
}

describe("a person's warming state", () => {
  it("a follower in quiet hours: promotions and care held until they end, as the dispatcher holds them", async () => {
    const [a] = await followingShoppers(h, 1);
    await setVnTime(23);
    const w = await warming(a!.customer.id);
    expect(w.promotion).toMatchObject({ allowedNow: false, channel: null, nextAllowedAt: iso(vn(8, 0, 1)) });
    expect(codes(w.promotion)).toEqual(["PROMOTION_HOURS", "QUIET_HOURS"]);
    expect(w.care).toMatchObject({ allowedNow: false, nextAllowedAt: iso(vn(8, 0, 1)), reasons: [{ layer: "quiet_hours", code: "QUIET_HOURS" }] });
    expect(w.transactional).toMatchObject({ allowedNow: true, channel: "cs", free: true, reasons: [] });
    expect(w.summary).toBe("Có thể nhận ưu đãi từ 08:00 ngày 3/12 (ngoài khung giờ Zalo cho gửi khuyến mãi, đang trong giờ yên lặng).");
    // The dispatcher, deciding from the same inputs, holds a promotion block by block and sends it just then.
    promo(a!.customer.id, "night");
    const row = () => sql("select state, reason, not_before from outbox where dedupe_key = 'night'")[0];
    await drain();
    expect(row()).toEqual({ state: "held", reason: "PROMOTION_HOURS", not_before: vn(6, 0, 1) });
    await h.control("POST", "/_emu/clock", { now: vn(6, 0, 1) });
    await drain();
    expect(row()).toEqual({ state: "held", reason: "QUIET_HOURS", not_before: vn(8, 0, 1) });
    await h.control("POST", "/_emu/clock", { now: vn(8, 0, 1) });
    await drain();
    expect(row().state).toBe("sent");
  });

  it("at the weekly cap: the next slot is when the oldest send leaves the window", async () => {
    await promoTemplate();
    const [a] = await followingShoppers(h, 1);
    promo(a!.customer.id, "p1");
    await drain();
    await setVnTime(15, 2);
    promo(a!.customer.id, "p2");
    await drain();
    expect(sql("select state from outbox where source = 'test'")).toEqual([{ state: "sent" }, { state: "sent" }]);
    await setVnTime(12, 4);
    const w = await warming(a!.customer.id);
    const slot = vn(10, 0, 7); // the first went at 10:00 on 2/12
    expect(w.promotion).toMatchObject({ allowedNow: false, nextAllowedAt: iso(slot) });
    expect(w.promotion.reasons).toEqual([
      {
        layer: "caps",
        code: "CAP_REACHED",
        until: iso(slot),
        text: "Đạt giới hạn tần suất của cửa hàng (ưu đãi: tối đa 2 tin / 7 ngày) — đến 10:00 ngày 9/12",
      },
    ]);
    expect(w.caps).toEqual([
      { label: "Ưu đãi: tối đa 2 tin / 7 ngày", source: "shop", category: "promotion", channel: "any", windowHours: 168, used: 2, max: 2, resetsAt: iso(slot) },
    ]);
    expect(w.care.allowedNow).toBe(true);
    expect(w.summary).toBe("Có thể nhận ưu đãi từ 10:00 ngày 9/12 (đã đạt giới hạn tần suất của cửa hàng).");
    promo(a!.customer.id, "p3");
    await drain();
    expect(sql("select state, not_before from outbox where dedupe_key = 'p3'")).toEqual([{ state: "held", not_before: slot }]);
  });

  it("fatigued: after an unfollow soon after a promotion, a re-follower gets one per 14 days", async () => {
    await promoTemplate();
    const [a] = await followingShoppers(h, 1);
    promo(a!.customer.id, "p1");
    await drain();
    await setVnTime(12);
    await h.control("POST", `/_emu/users/${a!.appUserId}/unfollow`);
    await h.control("POST", `/_emu/users/${a!.appUserId}/follow`);
    const fatigueUntil = sql("select fatigue_until from customers where id = ?", a!.customer.id)[0].fatigue_until;
    expect(fatigueUntil).toBe(vn(12) + 30 * DAY);
    await setVnTime(10, 1);
    const w = await warming(a!.customer.id);
    expect(w.fatigueUntil).toBe(iso(fatigueUntil));
    expect(w.promotion).toMatchObject({ allowedNow: false, nextAllowedAt: iso(vn(10) + 14 * DAY), reasons: [{ layer: "fatigue", code: "FATIGUE" }] });
    expect(w.caps.find((c: any) => c.source === "fatigue")).toMatchObject({ used: 1, max: 1, windowHours: 336, resetsAt: iso(vn(10) + 14 * DAY) });
    expect(w.summary).toBe("Có thể nhận ưu đãi từ 10:00 ngày 16/12 (đang giảm tần suất sau khi khách bỏ quan tâm).");
  });

  it("unfollowed: care and promotions are blocked for good (no time to wait for)", async () => {
    const [a] = await followingShoppers(h, 1);
    await h.control("POST", `/_emu/users/${a!.appUserId}/unfollow`);
    const w = await warming(a!.customer.id);
    for (const c of [w.promotion, w.care]) {
      expect(c).toMatchObject({ allowedNow: false, nextAllowedAt: null });
      expect(c.reasons[0]).toMatchObject({ layer: "consent", code: "UNFOLLOWED", until: null, text: "Đã bỏ quan tâm OA" });
    }
    expect(w.summary).toMatch(/^Không nhận được ưu đãi \(đã bỏ quan tâm OA\)/);
  });

  it("muted promotions: blocked for good, care still reaches them", async () => {
    const [a] = await followingShoppers(h, 1);
    await api("PUT", "/api/me/message-prefs", { offersPerWeek: null, pausedUntil: null, mutedCategories: ["promotion"] }, a!.token);
    const w = await warming(a!.customer.id);
    expect(w.promotion).toMatchObject({ allowedNow: false, nextAllowedAt: null, reasons: [{ layer: "preferences", code: "MUTED_BY_CUSTOMER", until: null }] });
    expect(w.care).toMatchObject({ allowedNow: true, channel: "cs" });
    expect(w.summary).toBe("Không nhận được ưu đãi (khách đã tắt loại tin này); tin giao dịch vẫn gửi được qua tin tư vấn (CS).");
  });

  it("paused until a date: promotions may go again from then (within Zalo's promotion hours)", async () => {
    const [a] = await followingShoppers(h, 1);
    const until = vn(14, 0, 5);
    await api("PUT", "/api/me/message-prefs", { offersPerWeek: null, pausedUntil: iso(until), mutedCategories: [] }, a!.token);
    const w = await warming(a!.customer.id);
    expect(w.promotion).toMatchObject({ allowedNow: false, nextAllowedAt: iso(until) });
    expect(w.promotion.reasons).toEqual([
      { layer: "preferences", code: "PAUSED_BY_CUSTOMER", until: iso(until), text: "Khách tạm dừng nhận ưu đãi — đến 14:00 ngày 7/12" },
    ]);
    expect(w.care.allowedNow).toBe(true);
    // The CS window (7 days from the follow) will be open then; a pause ending at night waits for the morning.
    await api("PUT", "/api/me/message-prefs", { offersPerWeek: null, pausedUntil: iso(vn(23, 0, 5)), mutedCategories: [] }, a!.token);
    expect((await warming(a!.customer.id)).promotion.nextAllowedAt).toBe(iso(vn(8, 0, 6)));
  });

  it("no phone and not a follower: no channel, nothing to wait for", async () => {
    await h.app.inject({
      method: "POST",
      url: "/api/admin/zns/templates",
      headers: bearer(admin),
      payload: { id: "100001", name: "Xác nhận đơn hàng", tag: 1, params: [{ name: "order_code", maxLength: 30 }] },
    });
    const s = await newShopper(h, "Vy");
    const w = await warming(s.customer.id);
    for (const c of [w.transactional, w.care, w.promotion]) expect(c).toMatchObject({ allowedNow: false, channel: null, nextAllowedAt: null });
    // Transactional would go by text or by the order template: neither CS, UID nor ZNS can carry it.
    expect(w.transactional.reasons).toEqual([
      { layer: "zalo", code: "OUTSIDE_CS_WINDOW", until: null, text: "Quá 7 ngày từ lần tương tác cuối (ngoài cửa sổ CS)" },
      { layer: "zalo", code: "NOT_A_FOLLOWER", until: null, text: "Chưa quan tâm OA" },
      { layer: "zalo", code: "NO_PHONE", until: null, text: "Chưa có số điện thoại (không gửi được ZNS)" },
    ]);
    expect(w.summary).toBe("Không gửi được tin nào cho khách này (lâu chưa tương tác với OA, chưa quan tâm OA, chưa có số điện thoại).");
  });

  it("an unknown person is a 404; only an admin may ask", async () => {
    const res = await api("GET", "/api/admin/customers/nobody/warming");
    expect([res.statusCode, res.json().code]).toEqual([404, "CUSTOMER_NOT_FOUND"]);
    const s = await newShopper(h, "Lan");
    expect((await api("GET", `/api/admin/customers/${s.customer.id}/warming`, undefined, s.token)).statusCode).toBe(403);
  });
});
