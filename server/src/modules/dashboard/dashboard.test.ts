import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, everyTurn, memberCodeOf, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { createDashboardRepo } from "./repo";
import { createDashboardService, dayBounds, localDayStart } from "./service";

let h: Harness;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
const DAY = 86_400_000;
/** 2026-11-<day> hh:mm in Vietnam (UTC+7). */
const VN = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 7, mm);
const setClock = (now: number) => h.control("POST", "/_emu/clock", { now });

beforeEach(async () => {
  h = await startHarness();
  await setClock(VN(23, 9));
  ctx = await withStoreAndStaff(h);
  // Zalo's webhooks (follows, receipts, seen) reach the server for real.
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  // Only a weekly promotion cap (the default's "one message a day of any kind" would hold each broadcast behind the welcome).
  const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
  await api("PUT", "/api/admin/warming-rules", { rules: { ...rules, caps: [{ category: "promotion", channel: "any", max: 5, windowHours: 168 }] } });
});
afterEach(async () => h.close());

const api = (method: string, url: string, payload?: unknown, token = ctx?.admin) =>
  h.app.inject({ method: method as any, url, headers: token ? bearer(token) : {}, payload: payload as any });
const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const drain = () => h.app.services.dispatcher.drain();
const now = () => h.emu.clock.now();
const dashboard = async (from: string, to: string) => {
  const res = await api("GET", `/api/admin/dashboard?from=${from}&to=${to}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** The follow webhook the emulator sends, once the oa module has stored it (it records the follow history). */
const followEvents = (customerId: string, kind: "follow" | "unfollow") =>
  h.app.services.db.$client.prepare("select count(*) from follow_events where customer_id = ? and kind = ?").pluck().get(customerId, kind) as number;

async function follow(s: { appUserId: string; customer: { id: string } }) {
  const before = followEvents(s.customer.id, "follow");
  await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
  await expect.poll(() => followEvents(s.customer.id, "follow")).toBe(before + 1);
}
async function unfollow(s: { appUserId: string; customer: { id: string } }) {
  const before = followEvents(s.customer.id, "unfollow");
  await h.control("POST", `/_emu/users/${s.appUserId}/unfollow`);
  await expect.poll(() => followEvents(s.customer.id, "unfollow")).toBe(before + 1);
}

async function broadcast(name: string, followersOnly: boolean) {
  const b = (
    await api("POST", "/api/admin/broadcasts", { name, category: "promotion", content: { text: `${name}: giảm 20%` }, audience: { followersOnly } })
  ).json();
  expect((await api("POST", `/api/admin/broadcasts/${b.id}/start`)).statusCode).toBe(200);
  await drain();
  return b.id as string;
}

async function voucherCampaign(over: Record<string, unknown> = {}) {
  const res = await api("POST", "/api/admin/voucher-campaigns", {
    name: "Giảm 20K",
    kind: "amount_off",
    value: 20_000,
    validDaysAfterClaim: 30,
    perCustomerLimit: 10,
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function claimAndRedeem(shopper: { token: string }, campaignId: string) {
  const v = (await api("POST", `/api/vouchers/campaigns/${campaignId}/claim`, undefined, shopper.token)).json().voucher;
  const qr = (await api("GET", `/api/me/vouchers/${v.id}/qr`, undefined, shopper.token)).json();
  const res = await api("POST", "/api/staff/vouchers/redeem", { storeId: "q1", qr: qr.payload }, ctx.staff.token);
  expect(res.statusCode, res.body).toBe(200);
}

async function game() {
  const res = await api("POST", "/api/admin/games", {
    name: "Vòng quay",
    kind: "wheel",
    storeIds: ["q1", "q3"],
    playsPerDay: 1,
    prizes: [
      { label: "Chúc may mắn lần sau", kind: "none", weight: 1 },
      { label: "Hẹn gặp lại", kind: "none", weight: 1 },
    ],
  });
  expect(res.statusCode, res.body).toBe(201);
  const links = (await api("GET", `/api/admin/games/${res.json().id}/qr-links`)).json().links as { storeId: string; url: string }[];
  return (store: string) => Object.fromEntries(new URL(links.find((l) => l.storeId === store)!.url).searchParams);
}
async function play(shopper: { token: string }, link: Record<string, string>) {
  const res = await api("POST", "/api/games/play", link, shopper.token);
  expect(res.statusCode, res.body).toBe(200);
}

describe("the dashboard's figures, from real flows", () => {
  it("followers, messages by outcome, cost (and its estimate at the shop's ZNS price), unfollows per broadcast, redemptions per store, QR plays to follows", async () => {
    const [lan, minh, hoa] = [await newShopper(h, "Lan"), await newShopper(h, "Minh"), await newShopper(h, "Hoa")];
    const link = await game();

    // 23 Nov, 10:00: Lan and Minh follow (welcome by free CS), and play the QR game at Quận 1 and Quận 3.
    await setClock(VN(23, 10));
    await play(lan, link("q1"));
    await play(minh, link("q3"));
    await follow(lan);
    await follow(minh);
    await drain();
    // Hoa plays at Quận 1 and has not followed.
    await play(hoa, link("q1"));

    // A promotion to followers (both, free CS); Lan opens hers; Minh unfollows right after (blamed on it).
    const weekend = await broadcast("Cuối tuần", true);
    const lanMsg = sql("select zalo_msg_id from outbox where broadcast_id = ? and customer_id = ?", weekend, lan.customer.id)[0].zalo_msg_id;
    await h.control("POST", `/_emu/messages/${lanMsg}/seen`);
    await setClock(VN(23, 11));
    await unfollow(minh);

    // A ZNS test send (paid, by phone), delivered by its receipt.
    await api("POST", "/api/admin/zns/templates", {
      id: "100001",
      name: "Xác nhận đơn hàng",
      tag: 1,
      params: [
        { name: "customer_name", maxLength: 30 },
        { name: "order_code", maxLength: 30 },
        { name: "amount", type: "NUMBER", maxLength: 20 },
      ],
    });
    const test = await api("POST", "/api/admin/zns/test-send", {
      phone: "0912345678",
      templateId: "100001",
      data: { customer_name: "Hà", order_code: "A-1", amount: "1000" },
    });
    expect(test.statusCode, test.body).toBe(202);
    await drain();
    await expect.poll(() => sql("select state from outbox where source = 'zns_test'")).toEqual([{ state: "delivered" }]);

    // Vouchers redeemed at Quận 1; points earned at the counter and spent on a voucher.
    const free = await voucherCampaign();
    await claimAndRedeem(lan, free);
    const award = await api(
      "POST",
      "/api/staff/points/award",
      { memberCode: await memberCodeOf(h, lan.token), storeId: "q1", amountVnd: 120_000, receiptId: "R-1" },
      ctx.staff.token,
    );
    expect(award.statusCode, award.body).toBe(200);
    await claimAndRedeem(lan, await voucherCampaign({ name: "Đổi 5 điểm", costPoints: 5 }));

    // 23 Nov, 23:00: a promotion to everyone, outside Zalo's promotion hours: Lan's is held; Minh
    // (unfollowed), Hoa and the staff member (never followed) are not sent one.
    await setClock(VN(23, 23));
    const late = await broadcast("Đêm khuya", false);
    const [night] = (await dashboard("2026-11-23", "2026-11-23")).messages;
    // Two welcomes + two promotions (sent by CS; Lan's seen), the ZNS test (delivered); the late
    // broadcast's four: Lan's held (promotion hours), three not sent.
    expect(night).toMatchObject({ sent: 5, delivered: 2, seen: 1, held: 1, suppressed: 3, failed: 0, pending: 0, expired: 0, cancelled: 0 });
    expect(night.heldBy).toEqual({ PROMOTION_HOURS: 1 });
    expect(Object.values(night.suppressedBy).reduce((a: number, n) => a + (n as number), 0)).toBe(3);
    expect(night.suppressedBy.UNFOLLOWED).toBe(1);

    // 24 Nov: Hoa follows the morning after her play (a QR conversion); Minh plays at Quận 3 again.
    await setClock(VN(24, 9));
    await follow(hoa);
    await drain();
    await play(minh, link("q3"));
    await claimAndRedeem(hoa, free);

    const d = await dashboard("2026-11-23", "2026-11-24");
    expect(d.days).toEqual(["2026-11-23", "2026-11-24"]);
    expect(d.timeZone).toBe("Asia/Ho_Chi_Minh");
    expect(d.followers).toEqual([
      { day: "2026-11-23", follows: 2, unfollows: 1, net: 1 },
      { day: "2026-11-24", follows: 1, unfollows: 0, net: 1 },
    ]);

    const [m23, m24] = d.messages;
    // Each event on its own day: Lan's held promotion went in the morning, so it is sent on the 24th (with
    // Hoa's welcome), and no longer held on the 23rd (counted now, an unsettled day is as the rows are now).
    expect(m23).toMatchObject({ day: "2026-11-23", sent: 5, delivered: 2, seen: 1, held: 0, suppressed: 3, failed: 0, pending: 0, expired: 0, cancelled: 0 });
    expect(m23.heldBy).toEqual({});
    expect(m23.suppressedBy).toEqual(night.suppressedBy);
    expect(m24).toMatchObject({ day: "2026-11-24", sent: 2, delivered: 0, seen: 0, held: 0, suppressed: 0 });
    // Every message is in exactly one outcome, on the day of its last event.
    const outcomes = (m: any) => m.sent + m.held + m.suppressed + m.failed + m.pending + m.expired + m.cancelled;
    expect(outcomes(m23) + outcomes(m24)).toBe(sql("select count(*) as n from outbox")[0].n);

    expect(d.cost.days).toEqual([
      { day: "2026-11-23", csFree: 4, csPaid: 0, templateUid: 0, zns: 1 },
      { day: "2026-11-24", csFree: 2, csPaid: 0, templateUid: 0, zns: 0 },
    ]);
    expect(d.cost).toMatchObject({ znsPriceVnd: null, estimatedVnd: null });
    const priced = createDashboardService({ repo: createDashboardRepo(h.app.services.db), timeZone: "Asia/Ho_Chi_Minh", now, znsPriceVnd: 300 });
    expect((await priced.view({ from: "2026-11-23", to: "2026-11-24" })).cost).toMatchObject({ znsPriceVnd: 300, estimatedVnd: 300 });

    expect(d.broadcasts).toEqual([
      expect.objectContaining({ id: weekend, name: "Cuối tuần", sent: 2, unfollows: 1, rate: 0.5 }),
      expect.objectContaining({ id: late, name: "Đêm khuya", sent: 1, unfollows: 0, rate: 0 }),
    ]);

    expect(d.redemptions).toEqual([
      { day: "2026-11-23", byStore: { q1: 2 }, total: 2 },
      { day: "2026-11-24", byStore: { q1: 1 }, total: 1 },
    ]);
    expect(d.stores).toEqual([
      { id: "q1", name: "Quận 1" },
      { id: "q3", name: "Quận 3" },
    ]);

    // Quận 1: Lan (followed right after her play) and Hoa (the next morning) both count; Quận 3: Minh played
    // twice, once as a new player, and followed right after that first play.
    expect(d.games).toEqual([
      { storeId: "q1", storeName: "Quận 1", plays: 2, newPlayers: 2, followed: 2, rate: 1 },
      { storeId: "q3", storeName: "Quận 3", plays: 2, newPlayers: 1, followed: 1, rate: 1 },
    ]);

    expect(d.points).toEqual([
      { day: "2026-11-23", earned: 12, spent: 5, expired: 0, adjusted: 0 },
      { day: "2026-11-24", earned: 0, spent: 0, expired: 0, adjusted: 0 },
    ]);

    // A day is the shop's: 23 Nov ends at 17:00 UTC, so the same data read as one day, the 24th, sees only that day.
    const only24 = await dashboard("2026-11-24", "2026-11-24");
    expect(only24.followers).toEqual([{ day: "2026-11-24", follows: 1, unfollows: 0, net: 1 }]);
    expect(only24.broadcasts).toEqual([]);
  });

  it("a player who followed before playing is no conversion; a follow later than 7 days after the play is not one either", async () => {
    const link = await game();
    const [old, slow] = [await newShopper(h, "Đã theo dõi"), await newShopper(h, "Chậm")];
    await setClock(VN(23, 10));
    await follow(old);
    await setClock(VN(23, 10, 5));
    await play(old, link("q1"));
    await play(slow, link("q1"));
    await setClock(VN(23, 10, 5) + 7 * DAY + 60_000);
    await follow(slow);
    const d = await dashboard("2026-11-23", "2026-11-23");
    expect(d.games).toEqual([{ storeId: "q1", storeName: "Quận 1", plays: 2, newPlayers: 2, followed: 0, rate: 0 }]);
  });

  it("points expired show on the day the expiry ran", async () => {
    const lan = await newShopper(h, "Lan");
    await setClock(VN(1, 10));
    const award = await api(
      "POST",
      "/api/staff/points/award",
      { memberCode: await memberCodeOf(h, lan.token), storeId: "q1", amountVnd: 300_000, receiptId: "R-9" },
      ctx.staff.token,
    );
    expect(award.statusCode, award.body).toBe(200);
    await setClock(VN(1, 10) + 366 * DAY); // 2027-11-02 in Vietnam
    expect((await api("POST", "/api/admin/jobs/expire-points")).json()).toEqual({ expired: 30 });
    const res = await api("GET", "/api/admin/dashboard?from=2027-11-01&to=2027-11-03");
    expect(res.json().points).toEqual([
      { day: "2027-11-01", earned: 0, spent: 0, expired: 0, adjusted: 0 },
      { day: "2027-11-02", earned: 0, spent: 0, expired: 30, adjusted: 0 },
      { day: "2027-11-03", earned: 0, spent: 0, expired: 0, adjusted: 0 },
    ]);
    const year = await dashboard("2026-11-01", "2027-10-31");
    expect(year.days).toHaveLength(365);
    expect(year.points.filter((p: any) => p.earned > 0)).toEqual([{ day: "2026-11-01", earned: 30, spent: 0, expired: 0, adjusted: 0 }]);
  });

  it("an empty range answers every chart with zeros and empty lists", async () => {
    const d = await dashboard("2026-01-01", "2026-01-07");
    expect(d.days).toHaveLength(7);
    expect(d.followers.every((f: any) => f.follows === 0 && f.unfollows === 0)).toBe(true);
    expect(d.messages.every((m: any) => m.sent === 0 && Object.keys(m.suppressedBy).length === 0)).toBe(true);
    expect([d.broadcasts, d.games, d.redemptions.filter((r: any) => r.total > 0)]).toEqual([[], [], []]);
  });
});

describe("the range", () => {
  it("bad ranges are refused with VALIDATION_FAILED; only an admin may ask", async () => {
    for (const q of [
      "",
      "from=2026-11-01",
      "from=2026-11-10&to=2026-11-01", // backwards
      "from=2025-01-01&to=2026-01-02", // 367 days
      "from=2026-02-30&to=2026-03-01", // no such day
      "from=2026-1-1&to=2026-01-02",
      "from=2026-01-01T00:00&to=2026-01-02",
      "from=yesterday&to=today",
    ]) {
      const res = await api("GET", `/api/admin/dashboard?${q}`);
      expect([q, res.statusCode, res.json().code]).toEqual([q, 400, "VALIDATION_FAILED"]);
    }
    expect((await api("GET", "/api/admin/dashboard?from=2025-01-01&to=2025-12-31")).statusCode).toBe(200);
    expect((await api("GET", "/api/admin/dashboard?from=2024-01-01&to=2024-12-31")).statusCode).toBe(200); // 366, a leap year
    expect((await api("GET", "/api/admin/dashboard?from=2026-01-01&to=2026-01-01")).statusCode).toBe(200);
    const shopper = await newShopper(h, "Lan");
    expect((await api("GET", "/api/admin/dashboard?from=2026-01-01&to=2026-01-02", undefined, shopper.token)).statusCode).toBe(403);
    expect((await h.app.inject({ method: "GET", url: "/api/admin/dashboard?from=2026-01-01&to=2026-01-02" })).statusCode).toBe(401);
  });

  it("days begin at the shop's midnight", () => {
    expect(localDayStart("2026-11-23", "Asia/Ho_Chi_Minh")).toBe(Date.UTC(2026, 10, 22, 17));
    expect(dayBounds(["2026-03-08"], "America/New_York")).toEqual([Date.UTC(2026, 2, 8, 5), Date.UTC(2026, 2, 9, 4)]); // a 23-hour day
  });
});

describe("slices", () => {
  it("tiny slices give the same figures, and the event loop turns between them", async () => {
    const people = [await newShopper(h, "A"), await newShopper(h, "B"), await newShopper(h, "C")];
    await setClock(VN(23, 10));
    for (const p of people) {
      await setClock(now() + 1000);
      await follow(p);
    }
    await drain();
    await broadcast("Cuối tuần", true);
    const whole = await dashboard("2026-11-22", "2026-11-24");
    let turns = 0;
    const stop = everyTurn(() => turns++);
    const sliced = createDashboardService({ repo: createDashboardRepo(h.app.services.db), timeZone: "Asia/Ho_Chi_Minh", now, slices: { rows: 1 } });
    const d = await sliced.view({ from: "2026-11-22", to: "2026-11-24" });
    stop();
    expect({ ...d, took: null }).toEqual({ ...whole, took: null });
    // A slice per day per source (followers; sent, delivered, seen and ended messages; redemptions; points;
    // games; waiting messages, one state at a time: 11), more on the 23rd: three follows one at a time; the six
    // sends all in one millisecond (the clock stood still while the dispatcher drained): a slice up to it, then
    // that millisecond whole; and the broadcast's three sends counted in id slices.
    expect(d.took.slices).toBe(3 * 11 + 2 + 2 + 3);
    expect(turns).toBeGreaterThanOrEqual(d.took.slices);
  });
});
