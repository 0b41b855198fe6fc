import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, newShopper, startHarness, type Harness } from "../../test-support";
import { buildContainer } from "../../container";
import { syncRepo } from "../../db/test-sync";
import { createVoucherRepo } from "../vouchers/repo";

const DAY = 86_400_000;
let h: Harness;
let admin: string;

beforeAll(async () => {
  h = await startHarness();
  admin = await h.adminToken();
  const vouchers = syncRepo(createVoucherRepo, h.app.services.db);
  const at = Date.UTC(2026, 0, 1);
  vouchers.insertCampaign({
    id: "bday",
    name: "Bánh sinh nhật",
    kind: "free_item",
    value: 1,
    validDaysAfterClaim: 14,
    perCustomerLimit: 5,
    createdAt: at,
    updatedAt: at,
  });
  vouchers.insertCampaign({ id: "paid", name: "Đổi điểm", kind: "amount_off", value: 20_000, costPoints: 100, createdAt: at, updatedAt: at });
  vouchers.insertCampaign({ id: "gone", name: "Hết hàng", kind: "amount_off", value: 10_000, stock: 0, createdAt: at, updatedAt: at });
  await h.app.inject({ method: "POST", url: "/api/admin/stores", headers: bearer(admin), payload: { id: "q1", name: "Quận 1" } });
});
afterAll(async () => h.close());

const db = () => h.app.services.db;
const sql = (q: string, ...args: unknown[]) =>
  db()
    .$client.prepare(q)
    .all(...args) as Record<string, any>[];
const clock = (at: number) => h.control("POST", "/_emu/clock", { now: at });
const runsOf = (automationId: string, customerId: string) =>
  sql("select occurrence_key, state from automation_runs where automation_id = ? and customer_id = ? order by id", automationId, customerId);
const messagesTo = (automationId: string, customerId: string) =>
  sql("select text from outbox where dedupe_key like ? and customer_id = ? order by id", `auto:${automationId}:%`, customerId).map((r) => r.text as string);
const giftsOf = (customerId: string) =>
  sql("select source_key, campaign_id from vouchers where customer_id = ? and source = 'birthday' order by issued_at", customerId);
const setBirthday = (customerId: string, birthDate: string) => sql("update customers set birth_date = ? where id = ? returning id", birthDate, customerId);

/** The scans as another process (or a restarted one) builds them: its own object graph on the same database, its own day mark. */
const otherProcess = () =>
  buildContainer({ config: h.config, db: db(), now: () => h.emu.clock.now(), log: quiet, issueToken: () => "", process: "dispatcher" }).dailyScans;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function edit(id: string, change: Record<string, unknown>) {
  const a = (await h.app.inject({ method: "GET", url: `/api/admin/automations/${id}`, headers: bearer(admin) })).json().automation;
  const { name, enabled, waitHours, segmentId, category, priority, text, imageUrl, templateId, templateParams, expiresHours, withinDays, voucherCampaignId } =
    a;
  return h.app.inject({
    method: "PUT",
    url: `/api/admin/automations/${id}`,
    headers: bearer(admin),
    payload: {
      name,
      enabled,
      waitHours,
      segmentId,
      category,
      priority,
      text,
      imageUrl,
      templateId,
      templateParams,
      expiresHours,
      withinDays,
      voucherCampaignId,
      ...change,
    },
  });
}

let orderN = 0;
function order(customerId: string, at: number, status: "completed" | "placed" = "completed") {
  orderN++;
  sql(
    `insert into orders (id, code, customer_id, store_id, status, pickup_type, payment_method, subtotal_vnd, total_vnd, request_key, created_at, updated_at, completed_at)
     values (?, ?, ?, 'q1', ?, 'table', 'counter', 10000, 10000, ?, ?, ?, ?) returning id`,
    `wb${orderN}`,
    `W${orderN}`,
    customerId,
    status,
    `wbk${orderN}`,
    at,
    at,
    status === "completed" ? at : null,
  );
}

describe("birthday recipe", () => {
  it("is seeded on, care, with its vars; the gift must be a free voucher campaign that exists", async () => {
    const list = (await h.app.inject({ method: "GET", url: "/api/admin/automations", headers: bearer(admin) })).json().automations;
    const byId = Object.fromEntries(list.map((a: { id: string }) => [a.id, a]));
    expect(byId["birthday"]).toMatchObject({
      trigger: "birthday",
      enabled: true,
      category: "care",
      voucherCampaignId: null,
      vars: ["name", "voucher", "voucher_line"],
    });
    expect(byId["win-back"]).toMatchObject({ trigger: "win_back", enabled: false, category: "promotion", withinDays: 45, vars: ["name", "days"] });

    const paid = await edit("birthday", { voucherCampaignId: "paid" });
    expect(paid.statusCode).toBe(400);
    expect(paid.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await edit("birthday", { voucherCampaignId: "nope" })).json()).toMatchObject({ code: "CAMPAIGN_NOT_FOUND" });
    // Not for another trigger: win-back keeps no campaign.
    expect((await edit("win-back", { voucherCampaignId: "bday" })).json().automation.voucherCampaignId).toBeNull();
    expect((await edit("points-expiring", { withinDays: 91 })).statusCode).toBe(400);
    expect(sql("select voucher_campaign_id from automations where id = 'birthday'")[0]!.voucher_campaign_id).toBeNull();
  });

  it("fires on the day in the shop's time zone (23:30 UTC is already tomorrow at +07), once a year with one voucher, across rescans, a restart and a second process", async () => {
    const ok = await edit("birthday", { voucherCampaignId: "bday" });
    expect(ok.json().automation.voucherCampaignId).toBe("bday");
    const lan = await newShopper(h, "Lan");
    const hoa = await newShopper(h, "Hoa");
    const others = await Promise.all(["An", "Bình", "Chi"].map((n) => newShopper(h, n)));
    setBirthday(lan.customer.id, "1995-05-14");
    setBirthday(hoa.customer.id, "05-13"); // 13 May is still today in UTC, but already over in Vietnam
    for (const o of others) setBirthday(o.customer.id, "05-14"); // a page larger than the scan's (2)

    await clock(Date.parse("2026-05-13T23:30:00Z")); // 06:30 on 14 May in Asia/Ho_Chi_Minh
    await h.app.services.dailyScans.run({ force: true });
    await h.app.services.dailyScans.run(); // the same day again in this process: nothing to do
    await otherProcess().run();
    await otherProcess().run({ force: true });

    expect(runsOf("birthday", lan.customer.id)).toEqual([{ occurrence_key: `${lan.customer.id}:2026`, state: "queued" }]);
    expect(runsOf("birthday", hoa.customer.id)).toEqual([]);
    for (const o of others) expect(runsOf("birthday", o.customer.id)).toHaveLength(1);
    expect(giftsOf(lan.customer.id)).toEqual([{ source_key: `birthday:${lan.customer.id}:2026`, campaign_id: "bday" }]);
    // The voucher lasts 14 days from 14 May: 28 May.
    expect(messagesTo("birthday", lan.customer.id)).toEqual([
      'Chúc mừng sinh nhật Lan! Cảm ơn bạn đã luôn ghé cửa hàng, chúc bạn một ngày thật vui. Quà sinh nhật của bạn: voucher "Bánh sinh nhật" đã có trong ví, dùng trước 28/05/2026.',
    ]);

    // The next day in Vietnam (still 14 May in UTC until 17:00): nothing new.
    await clock(Date.parse("2026-05-14T18:00:00Z"));
    await otherProcess().run();
    expect(giftsOf(lan.customer.id)).toHaveLength(1);

    // A year later: celebrated again, with a new voucher.
    await clock(Date.parse("2027-05-14T03:00:00Z"));
    await otherProcess().run();
    await otherProcess().run();
    expect(runsOf("birthday", lan.customer.id).map((r) => r.occurrence_key)).toEqual([`${lan.customer.id}:2026`, `${lan.customer.id}:2027`]);
    expect(giftsOf(lan.customer.id).map((g) => g.source_key)).toEqual([`birthday:${lan.customer.id}:2026`, `birthday:${lan.customer.id}:2027`]);
    expect(messagesTo("birthday", lan.customer.id)).toHaveLength(2);
  });

  it("29 February is celebrated on 28 February in a common year, on the 29th in a leap year, never twice", async () => {
    const leap = await newShopper(h, "Nhuận");
    setBirthday(leap.customer.id, "2000-02-29");
    await clock(Date.parse("2027-02-28T03:00:00Z"));
    await otherProcess().run();
    await clock(Date.parse("2027-03-01T03:00:00Z"));
    await otherProcess().run();
    expect(runsOf("birthday", leap.customer.id)).toEqual([{ occurrence_key: `${leap.customer.id}:2027`, state: "queued" }]);
    await clock(Date.parse("2028-02-28T03:00:00Z"));
    await otherProcess().run();
    expect(runsOf("birthday", leap.customer.id)).toHaveLength(1);
    await clock(Date.parse("2028-02-29T03:00:00Z"));
    await otherProcess().run();
    expect(runsOf("birthday", leap.customer.id).map((r) => r.occurrence_key)).toEqual([`${leap.customer.id}:2027`, `${leap.customer.id}:2028`]);
  });

  it("a gift that cannot be issued (out of stock) leaves the greeting without it; switched off, nobody is found", async () => {
    await edit("birthday", { voucherCampaignId: "gone" });
    const mai = await newShopper(h, "Mai");
    setBirthday(mai.customer.id, "07-02");
    await clock(Date.parse("2026-07-02T03:00:00Z"));
    await otherProcess().run();
    expect(giftsOf(mai.customer.id)).toEqual([]);
    expect(messagesTo("birthday", mai.customer.id)).toEqual(["Chúc mừng sinh nhật Mai! Cảm ơn bạn đã luôn ghé cửa hàng, chúc bạn một ngày thật vui."]);

    await edit("birthday", { enabled: false, voucherCampaignId: "bday" });
    const tu = await newShopper(h, "Tú");
    setBirthday(tu.customer.id, "07-02");
    await otherProcess().run();
    expect(runsOf("birthday", tu.customer.id)).toEqual([]);
    expect(giftsOf(tu.customer.id)).toEqual([]);
    await edit("birthday", { enabled: true });
  });
});

describe("win-back recipe", () => {
  it("reaches people who ordered before and not in N days, once per lapse and never twice within 30 days", async () => {
    const T0 = Date.parse("2026-09-01T03:00:00Z");
    await clock(T0);
    const lapsed = await newShopper(h, "Lâu Rồi");
    const recent = await newShopper(h, "Mới Ghé");
    const never = await newShopper(h, "Chưa Mua");
    const pending = await newShopper(h, "Đang Đặt");
    order(lapsed.customer.id, T0 - 50 * DAY);
    order(recent.customer.id, T0 - 40 * DAY);
    order(pending.customer.id, T0 - 60 * DAY);
    order(pending.customer.id, T0 - 2 * DAY, "placed");
    void never;

    // Off as shipped: nothing.
    await otherProcess().run();
    expect(runsOf("win-back", lapsed.customer.id)).toEqual([]);

    expect((await edit("win-back", { enabled: true })).statusCode).toBe(200);
    await otherProcess().run();
    await otherProcess().run();
    await h.app.services.dailyScans.run({ force: true });
    expect(runsOf("win-back", lapsed.customer.id)).toEqual([{ occurrence_key: `${lapsed.customer.id}:2026-07-13`, state: "queued" }]);
    for (const c of [recent, never, pending]) expect(runsOf("win-back", c.customer.id)).toEqual([]);
    expect(messagesTo("win-back", lapsed.customer.id)).toEqual([
      "Lâu rồi không gặp Lâu Rồi! Đã 50 ngày bạn chưa ghé, cửa hàng nhớ bạn lắm. Ghé lại thưởng thức món quen nhé!",
    ]);

    // Still lapsed ten days on: the same lapse, nothing new. Then N = 5 and a new order that lapses again after
    // 6 days: a new lapse, but within 30 days of the last win-back, so it waits until the 30 days are over.
    await clock(T0 + 10 * DAY);
    await otherProcess().run();
    expect(runsOf("win-back", lapsed.customer.id)).toHaveLength(1);
    expect((await edit("win-back", { withinDays: 5 })).json().automation.withinDays).toBe(5);
    order(lapsed.customer.id, T0 + 10 * DAY);
    await clock(T0 + 16 * DAY);
    await otherProcess().run();
    expect(runsOf("win-back", lapsed.customer.id)).toHaveLength(1);
    await clock(T0 + 29 * DAY);
    await otherProcess().run();
    expect(runsOf("win-back", lapsed.customer.id)).toHaveLength(1);
    await clock(T0 + 30 * DAY + 1);
    await otherProcess().run();
    await otherProcess().run();
    expect(runsOf("win-back", lapsed.customer.id).map((r) => r.occurrence_key)).toEqual([
      `${lapsed.customer.id}:2026-07-13`,
      `${lapsed.customer.id}:2026-09-11`,
    ]);
    // The others' own lapses are over 5 days now: each reached once.
    expect(runsOf("win-back", recent.customer.id)).toHaveLength(1);
    await edit("win-back", { enabled: false });
  });
});

describe("the shopper's own birthday", () => {
  const put = (token: string, payload: unknown) => h.app.inject({ method: "PUT", url: "/api/me/birthday", headers: bearer(token), payload: payload as any });

  it("needs consent to keep one, refuses a day that cannot be, and can be changed and cleared", async () => {
    await clock(Date.parse("2026-04-10T03:00:00Z"));
    const s = await newShopper(h, "Ngọc");
    const get = async () => (await h.app.inject({ method: "GET", url: "/api/me/birthday", headers: bearer(s.token) })).json().birthday;
    expect(await get()).toEqual({ birthDate: null, consentAt: null });

    for (const bad of [
      { birthDate: "05-14", consent: false },
      { birthDate: "02-30", consent: true },
      { birthDate: "2030-01-01", consent: true },
      { birthDate: "1850-01-01", consent: true },
      { birthDate: "13-01", consent: true },
    ]) {
      const res = await put(s.token, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
    expect(await get()).toEqual({ birthDate: null, consentAt: null });

    const saved = await put(s.token, { birthDate: "1998-02-29".replace("1998", "1996"), consent: true });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().birthday).toEqual({ birthDate: "1996-02-29", consentAt: "2026-04-10T03:00:00.000Z" });
    await clock(Date.parse("2026-04-11T03:00:00Z"));
    expect((await put(s.token, { birthDate: "11-20", consent: true })).json().birthday).toEqual({ birthDate: "11-20", consentAt: "2026-04-11T03:00:00.000Z" });
    expect((await put(s.token, { birthDate: null, consent: false })).json().birthday).toEqual({ birthDate: null, consentAt: null });
    expect(sql("select birth_date, birth_date_consent_at from customers where id = ?", s.customer.id)).toEqual([
      { birth_date: null, birth_date_consent_at: null },
    ]);
    const audits = sql("select actor_kind, actor_id, details from audit_log where action = 'customer.birthDate' and target_id = ? order by id", s.customer.id);
    expect(audits.map((a) => [a.actor_kind, a.actor_id, JSON.parse(a.details)])).toEqual([
      ["customer", s.customer.id, { consent: true, cleared: false }],
      ["customer", s.customer.id, { consent: true, cleared: false }],
      ["customer", s.customer.id, { consent: false, cleared: true }],
    ]);
  });
});
