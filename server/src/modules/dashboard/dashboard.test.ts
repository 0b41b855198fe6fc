import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { dayKey, dayList } from "@mc/shared";
import { bearer, everyTurn, memberCodeOf, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { sqliteStore } from "../../db/store";
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
  // Only a weekly promotion cap (the default's "one message a day of any kind" would hold each broadcast behind the welcome),
  // and this shop sends its offers by CS (the switch is off by default).
  const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
  await api("PUT", "/api/admin/warming-rules", {
    rules: { ...rules, caps: [{ category: "promotion", channel: "any", max: 5, windowHours: 168 }], zalo: { ...rules.zalo, promotionsByCs: true } },
  });
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
    const priced = createDashboardService({ repo: createDashboardRepo(sqliteStore(h.app.services.db)), timeZone: "Asia/Ho_Chi_Minh", now, znsPriceVnd: 300 });
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
    const sliced = createDashboardService({
      repo: createDashboardRepo(sqliteStore(h.app.services.db)),
      timeZone: "Asia/Ho_Chi_Minh",
      now,
      slices: { rows: 1 },
    });
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

// ---- stored days ----

/** The view without its timing. */
const figures = (d: any) => ({ ...d, took: null });
const service = (over: Partial<Parameters<typeof createDashboardService>[0]> = {}) =>
  createDashboardService({ repo: createDashboardRepo(sqliteStore(h.app.services.db)), timeZone: "Asia/Ho_Chi_Minh", now, settleHours: 48, ...over });
/** Stored figures (the meta row aside). */
const storedRows = () => sql("select day, figure from dashboard_days where day != '' order by day, figure") as { day: string; figure: string }[];

const STATES = ["queued", "ready", "sending", "sent", "delivered", "seen", "held", "suppressed", "expired", "failed", "cancelled"] as const;
const REASONS = ["QUIET_HOURS", "CAP_REACHED:promotion", "NOT_A_FOLLOWER:cs:NOT_A_FOLLOWER", "UNFOLLOWED", "EXPIRED", "OUTCOME_UNKNOWN", null] as const;
type Msg = {
  state: (typeof STATES)[number];
  created: number;
  gaps: [number, number, number];
  channel: "cs" | "template_uid" | "zns";
  free: boolean;
  reason: (typeof REASONS)[number];
  /** A waiting, failed or cancelled row may have taken its slot (sent_at) before it stopped. */
  slot: boolean;
};
type Events = {
  follows: { who: number; kind: "follow" | "unfollow"; at: number }[];
  messages: Msg[];
  points: { who: number; kind: "earn" | "spend" | "expire" | "adjust" | "reverse"; delta: number; at: number }[];
  redemptions: { who: number; store: "q1" | "q3"; at: number }[];
  plays: { who: number; store: "q1" | "q3"; at: number }[];
};

/** 1 to 23 Nov 2026 (the clock stands at 23 Nov 09:00): 1–20 Nov are settled, and 1–13 Nov for the games. */
const RANGE = { from: "2026-11-01", to: "2026-11-23" };
const START = VN(1, 0);
const NOW = VN(23, 9);
const PEOPLE = 5;

function eventsArb() {
  const at = fc.integer({ min: START, max: NOW - 1 });
  const who = fc.integer({ min: 0, max: PEOPLE - 1 });
  const gap = fc.integer({ min: 0, max: 2 * DAY });
  return fc.record({
    follows: fc.array(fc.record({ who, kind: fc.constantFrom("follow" as const, "unfollow" as const), at }), { maxLength: 25 }),
    messages: fc.array(
      fc.record({
        state: fc.constantFrom(...STATES),
        created: at,
        gaps: fc.tuple(gap, gap, gap),
        channel: fc.constantFrom("cs" as const, "template_uid" as const, "zns" as const),
        free: fc.boolean(),
        reason: fc.constantFrom(...REASONS),
        slot: fc.boolean(),
      }),
      { maxLength: 60 },
    ),
    points: fc.array(
      fc.record({
        who,
        kind: fc.constantFrom("earn" as const, "spend" as const, "expire" as const, "adjust" as const, "reverse" as const),
        delta: fc.integer({ min: -50, max: 50 }),
        at,
      }),
      { maxLength: 25 },
    ),
    redemptions: fc.array(fc.record({ who, store: fc.constantFrom("q1" as const, "q3" as const), at }), { maxLength: 15 }),
    plays: fc.array(fc.record({ who, store: fc.constantFrom("q1" as const, "q3" as const), at }), { maxLength: 20 }),
  });
}

/** A message row as the dispatcher leaves it: each event after the one before, none after now. */
function messageRow(m: Msg) {
  const upTo = (t: number) => Math.min(t, NOW - 1);
  const wentOut = m.state === "sent" || m.state === "delivered" || m.state === "seen";
  const sentAt = wentOut || (m.slot && ["ready", "sending", "failed", "cancelled"].includes(m.state)) ? upTo(m.created + m.gaps[0]) : null;
  const deliveredAt = m.state === "delivered" || m.state === "seen" ? upTo(sentAt! + m.gaps[1]) : null;
  const seenAt = m.state === "seen" ? upTo(deliveredAt! + m.gaps[2]) : null;
  const ended = ["held", "suppressed", "expired", "failed", "cancelled"].includes(m.state);
  const updatedAt = seenAt ?? deliveredAt ?? (ended ? upTo(m.created + m.gaps[0] + m.gaps[1]) : (sentAt ?? m.created));
  const channel = sentAt !== null ? m.channel : null;
  return {
    ...m,
    sentAt,
    deliveredAt,
    seenAt,
    updatedAt,
    channel,
    free: channel === "cs" ? m.free : null,
    reason: ended ? (m.reason ?? "QUIET_HOURS") : null,
  };
}

let seq = 0;
async function writeEvents(e: Events) {
  const c = h.app.services.db.$client;
  for (const t of ["game_draws", "vouchers", "points_ledger", "outbox", "follow_events", "dashboard_days"]) c.prepare(`delete from ${t}`).run();
  const ids = Array.from({ length: PEOPLE }, (_, i) => `dash-person-${i}`);
  for (const [i, id] of ids.entries())
    c.prepare("insert or ignore into customers (id, name, member_code, created_at, updated_at) values (?, ?, ?, ?, ?)").run(
      id,
      `Khách ${i}`,
      `D${i}`,
      START,
      START,
    );
  const campaign = c.prepare("select id from voucher_campaigns limit 1").pluck().get() as string;
  const gameId = c.prepare("select id from game_campaigns limit 1").pluck().get() as string;
  const prize = c.prepare("select id from game_prizes where campaign_id = ? limit 1").pluck().get(gameId) as string;
  c.transaction(() => {
    for (const f of e.follows)
      c.prepare("insert into follow_events (customer_id, kind, source, at, received_at) values (?, ?, 'test', ?, ?)").run(ids[f.who], f.kind, f.at, f.at);
    for (const m of e.messages.map(messageRow))
      c.prepare(
        `insert into outbox (customer_id, category, source, state, reason, channel, free, created_at, updated_at, sent_at, delivered_at, seen_at)
         values (?, 'promotion', 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(ids[0], m.state, m.reason, m.channel, m.free === null ? null : m.free ? 1 : 0, m.created, m.updatedAt, m.sentAt, m.deliveredAt, m.seenAt);
    for (const p of e.points)
      c.prepare(
        "insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, actor_kind, actor_id, created_at) values (?, ?, ?, 0, 'test', ?, 'system', 'test', ?)",
      ).run(ids[p.who], p.kind, p.delta, `dash-${++seq}`, p.at);
    for (const r of e.redemptions)
      c.prepare(
        "insert into vouchers (id, campaign_id, customer_id, code, status, source, issued_at, expires_at, redeemed_at, redeemed_store_id) values (?, ?, ?, ?, 'redeemed', 'claim', ?, ?, ?, ?)",
      ).run(`dash-v-${++seq}`, campaign, ids[r.who], `DASH${seq}`, START, NOW + 30 * DAY, r.at, r.store);
    for (const p of e.plays)
      c.prepare(
        "insert into game_draws (id, campaign_id, customer_id, store_id, day, drawn_prize_id, prize_id, win, state, created_at) values (?, ?, ?, ?, ?, ?, ?, 0, 'settled', ?)",
      ).run(`dash-d-${++seq}`, gameId, ids[p.who], p.store, "2026-11-01", prize, prize, p.at);
  })();
}

/** The first moment any figure counts. */
function firstEvent(e: Events): number | null {
  const times = [
    ...e.follows.map((f) => f.at),
    ...e.points.map((p) => p.at),
    ...e.redemptions.map((r) => r.at),
    ...e.plays.map((p) => p.at),
    ...e.messages.map(messageRow).flatMap((m) => {
      if (["queued", "ready", "sending"].includes(m.state)) return [m.created];
      if (["sent", "delivered", "seen"].includes(m.state)) return [m.sentAt!];
      return [m.updatedAt];
    }),
  ];
  return times.length ? Math.min(...times) : null;
}

/** The shop-local day of an instant, as an index into RANGE's days. */
const dayOf = (t: number) => Math.floor((t - START) / DAY);

/** The same figures by a plain evaluation of the events (each event on its own day). */
function expected(e: Events) {
  const n = 23;
  const followers = Array.from({ length: n }, () => ({ follows: 0, unfollows: 0 }));
  for (const f of e.follows) followers[dayOf(f.at)]![f.kind === "follow" ? "follows" : "unfollows"]++;
  const zero = () => ({
    sent: 0,
    delivered: 0,
    seen: 0,
    held: 0,
    suppressed: 0,
    failed: 0,
    pending: 0,
    expired: 0,
    cancelled: 0,
    csFree: 0,
    csPaid: 0,
    templateUid: 0,
    zns: 0,
  });
  const messages = Array.from({ length: n }, zero);
  const heldBy = Array.from({ length: n }, () => ({}) as Record<string, number>);
  const suppressedBy = Array.from({ length: n }, () => ({}) as Record<string, number>);
  for (const m of e.messages.map(messageRow)) {
    if (m.state === "sent" || m.state === "delivered" || m.state === "seen") {
      const d = messages[dayOf(m.sentAt!)]!;
      d.sent++;
      if (m.channel === "cs") d[m.free ? "csFree" : "csPaid"]++;
      else d[m.channel === "zns" ? "zns" : "templateUid"]++;
    }
    if (m.deliveredAt !== null) messages[dayOf(m.deliveredAt)]!.delivered++;
    if (m.seenAt !== null) messages[dayOf(m.seenAt)]!.seen++;
    const u = dayOf(m.updatedAt);
    const code = m.reason?.split(":")[0] ?? "";
    if (m.state === "held" || (m.state === "expired" && m.reason !== "EXPIRED")) {
      messages[u]!.held++;
      heldBy[u]![code] = (heldBy[u]![code] ?? 0) + 1;
    } else if (m.state === "suppressed") {
      messages[u]!.suppressed++;
      suppressedBy[u]![code] = (suppressedBy[u]![code] ?? 0) + 1;
    } else if (m.state === "expired" || m.state === "failed" || m.state === "cancelled") messages[u]![m.state]++;
    else if (m.state === "queued" || m.state === "ready" || m.state === "sending") messages[dayOf(m.created)]!.pending++;
  }
  const points = Array.from({ length: n }, () => ({ earned: 0, spent: 0, expired: 0, adjusted: 0 }));
  for (const p of e.points) {
    const d = points[dayOf(p.at)]!;
    if (p.kind === "earn") d.earned += p.delta;
    else if (p.kind === "spend") d.spent -= p.delta;
    else if (p.kind === "expire") d.expired -= p.delta;
    else d.adjusted += p.delta;
  }
  const redemptions = Array.from({ length: n }, () => ({}) as Record<string, number>);
  for (const r of e.redemptions) redemptions[dayOf(r.at)]![r.store] = (redemptions[dayOf(r.at)]![r.store] ?? 0) + 1;
  return { followers, messages, heldBy, suppressedBy, points, redemptions };
}

function expectFigures(d: any, e: Events) {
  const x = expected(e);
  expect(d.followers.map((f: any) => ({ follows: f.follows, unfollows: f.unfollows }))).toEqual(x.followers);
  expect(
    d.messages.map((m: any, i: number) => ({
      sent: m.sent,
      delivered: m.delivered,
      seen: m.seen,
      held: m.held,
      suppressed: m.suppressed,
      failed: m.failed,
      pending: m.pending,
      expired: m.expired,
      cancelled: m.cancelled,
      ...(({ day: _, ...c }) => c)(d.cost.days[i]),
    })),
  ).toEqual(x.messages);
  expect(d.messages.map((m: any) => m.heldBy)).toEqual(x.heldBy);
  expect(d.messages.map((m: any) => m.suppressedBy)).toEqual(x.suppressedBy);
  expect(d.points.map(({ day: _, ...p }: any) => p)).toEqual(x.points);
  expect(d.redemptions.map((r: any) => r.byStore)).toEqual(x.redemptions);
}

describe("stored days", () => {
  beforeEach(async () => {
    await setClock(NOW);
    await voucherCampaign();
    await game();
  });

  it("a view of stored days equals the same days counted from the events, and both count each event on its own day", async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb(), async (e) => {
        await writeEvents(e);
        const svc = service();
        const counted = await svc.view(RANGE);
        expectFigures(counted, e);
        // Settled days were stored as they were counted: 1–20 Nov for four figures, 1–13 Nov for the games.
        const rows = storedRows();
        expect(rows.filter((r) => r.figure !== "games").map((r) => r.day)).toEqual(dayList("2026-11-01", "2026-11-20").flatMap((d) => [d, d, d, d]));
        expect(rows.filter((r) => r.figure === "games").map((r) => r.day)).toEqual(dayList("2026-11-01", "2026-11-13"));
        const stored = await svc.view(RANGE);
        expect(figures(stored)).toEqual(figures(counted));
        // And the fill job stores the same figures as the view did, from the day of the first event on.
        svc.forgetStored();
        expect(storedRows()).toEqual([]);
        const first = firstEvent(e);
        const fromFirst = rows.filter((r) => first !== null && r.day >= dayKey(first, "Asia/Ho_Chi_Minh"));
        expect((await svc.fill()).stored).toBe(fromFirst.length);
        expect(storedRows()).toEqual(fromFirst);
        expect(figures(await svc.view(RANGE))).toEqual(figures(counted));
      }),
      { numRuns: 15 },
    );
  });

  it("a settled day is not counted again; a late event on an unsettled day shows up", async () => {
    await writeEvents({ follows: [], messages: [], points: [], redemptions: [], plays: [] });
    const svc = service();
    const lan = sql("select id from customers where id = 'dash-person-0'")[0].id;
    const late = (at: number) =>
      h.app.services.db.$client
        .prepare("insert into follow_events (customer_id, kind, source, at, received_at) values (?, 'follow', 'test', ?, ?)")
        .run(lan, at, NOW);
    late(VN(10, 12));
    // From the first event on: 10–20 Nov (the 21st ended 33 hours ago), the games 10–13 Nov (and their 7 days).
    expect((await svc.fill()).stored).toBe(4 * 11 + 4);
    const follows = async () => (await svc.view({ from: "2026-11-10", to: "2026-11-22" })).followers.map((f: any) => f.follows);
    expect(await follows()).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // A follow that arrives after its day settled (past DASHBOARD_SETTLE_HOURS) is not counted: the day is stored.
    late(VN(11, 12));
    // One on the 22nd (not settled: it ended 33 hours ago) is.
    late(VN(22, 20));
    expect(await follows()).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // Forgetting the stored days counts them all again.
    svc.forgetStored();
    expect(await follows()).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // A shorter settling time settles the 21st too (and the games of the 14th).
    expect((await service({ settleHours: 24 }).fill()).stored).toBe(4 + 1);
  });

  it("a broadcast's sent count is stored once it is over and settled; its unfollows are counted each time", async () => {
    const lan = await newShopper(h, "Lan");
    await setClock(VN(20, 10));
    await follow(lan);
    await drain();
    const id = await broadcast("Cuối tuần", true);
    expect(sql("select state from broadcasts where id = ?", id)).toEqual([{ state: "done" }]);
    const range = { from: "2026-11-20", to: "2026-11-23" };
    const svc = service();
    // Finished 20 Nov 10:00: not settled on the 21st, so not stored.
    await setClock(VN(21, 10));
    expect((await svc.view(range)).broadcasts).toEqual([expect.objectContaining({ id, sent: 1, unfollows: 0 })]);
    expect(storedRows().filter((r) => r.figure.startsWith("broadcast:"))).toEqual([]);
    await setClock(NOW);
    expect((await svc.view(range)).broadcasts).toEqual([expect.objectContaining({ id, sent: 1, unfollows: 0 })]);
    expect(storedRows().filter((r) => r.figure.startsWith("broadcast:"))).toEqual([{ day: "2026-11-20", figure: `broadcast:${id}` }]);
    // A row written behind the product's back is not counted while the stored count stands; an unfollow blamed is.
    h.app.services.db.$client
      .prepare(
        "insert into outbox (customer_id, category, source, state, channel, broadcast_id, created_at, updated_at, sent_at, unfollow_blamed_at) values (?, 'promotion', 'broadcast', 'sent', 'cs', ?, ?, ?, ?, ?)",
      )
      .run(lan.customer.id, id, VN(20, 10), VN(20, 10), VN(20, 10), VN(20, 11));
    expect((await svc.view(range)).broadcasts).toEqual([expect.objectContaining({ id, sent: 1, unfollows: 1 })]);
    svc.forgetStored();
    expect((await svc.fill()).stored).toBeGreaterThan(0);
    expect(storedRows().filter((r) => r.figure.startsWith("broadcast:"))).toEqual([{ day: "2026-11-20", figure: `broadcast:${id}` }]);
    expect((await svc.view(range)).broadcasts).toEqual([expect.objectContaining({ id, sent: 2, unfollows: 1, rate: 0.5 })]);
  });

  it("the fill job takes at most `rows` index entries a slice and serves the event loop between slices; closing stops it between two", async () => {
    // Distinct stamps, so a slice is never a whole millisecond shared by more than `rows` rows.
    const t = (k: number) => START + k * 3 * 3_600_000 + 7_000;
    const follows = Array.from({ length: 40 }, (_, k) => ({ who: k % PEOPLE, kind: k % 3 ? ("follow" as const) : ("unfollow" as const), at: t(k) }));
    await writeEvents({
      follows,
      messages: Array.from({ length: 30 }, (_, k) => ({
        state: "seen",
        created: t(k),
        gaps: [1000, 2000, 3000],
        channel: "cs",
        free: true,
        reason: null,
        slot: false,
      })),
      points: [],
      redemptions: [],
      plays: [],
    });
    const largest: number[] = [];
    const repo = createDashboardRepo(sqliteStore(h.app.services.db));
    // Every slice's rows as the service receives them: a follow or a seen message is one index entry.
    const counting: typeof repo = {
      ...repo,
      followers: (w, take, o) => repo.followers(w, (win, rows) => (largest.push(rows.reduce((a, r) => a + r.n, 0)), take(win, rows)), o),
      seen: (w, take, o) => repo.seen(w, (win, rows) => (largest.push(rows.reduce((a, r) => a + r.n, 0)), take(win, rows)), o),
    };
    const svc = service({ repo: counting });
    let turns = 0;
    const stop = everyTurn(() => turns++);
    const r = await svc.fill({ rows: 3 });
    stop();
    expect(r.stopped).toBe(false);
    expect(Math.max(...largest)).toBe(3);
    expect(largest.reduce((a, n) => a + n, 0)).toBe(40 + 30);
    expect(r.slices).toBeGreaterThanOrEqual(Math.ceil(40 / 3) + Math.ceil(30 / 3));
    expect(turns).toBeGreaterThanOrEqual(r.slices);
    const whole = await service().view(RANGE);
    expect(figures(await svc.view(RANGE))).toEqual(figures(whole));

    // The job runs at once, then every hour; stopping it (the app closing) ends a fill in flight between two slices.
    svc.forgetStored();
    const stopJob = svc.startJob({ everyMs: 3_600_000, onError: (err) => expect.fail(String(err)) });
    const running = svc.fill({ rows: 1 });
    await stopJob();
    expect(await running).toMatchObject({ stopped: true });
    expect(storedRows().length).toBeLessThan(r.stored);
  });

  it("erasing a person leaves the days their messages were counted on; what was still waiting is cancelled that day", async () => {
    const [lan, hoa] = [await newShopper(h, "Lan"), await newShopper(h, "Hoa")];
    await setClock(VN(23, 10));
    await follow(lan);
    await drain();
    // 23:00: a promotion to everyone, outside Zalo's promotion hours: Lan's is held; Hoa (no follower) is suppressed.
    await setClock(VN(23, 23));
    await broadcast("Đêm khuya", false);
    const before = await dashboard("2026-11-23", "2026-11-25");
    expect(before.messages[0]).toMatchObject({ sent: 1, held: 1, cancelled: 0 });
    const hoaRow = () => sql("select state, updated_at from outbox where customer_id = ?", hoa.customer.id);
    const hoaBefore = hoaRow();
    expect(hoaBefore).toEqual([{ state: "suppressed", updated_at: VN(23, 23) }]);

    await setClock(VN(25, 9));
    for (const p of [lan, hoa]) expect((await api("POST", `/api/admin/customers/${p.customer.id}/erase`, { reason: "Khách yêu cầu" })).statusCode).toBe(200);
    expect(hoaRow()).toEqual(hoaBefore);
    const after = await dashboard("2026-11-23", "2026-11-25");
    // Lan's welcome stays sent on the 23rd, Hoa's promotion suppressed there; Lan's held one was cancelled on the 25th.
    expect(after.messages[0]).toMatchObject({ sent: 1, held: 0, suppressed: before.messages[0].suppressed, cancelled: 0 });
    expect(after.messages[0].suppressedBy).toEqual(before.messages[0].suppressedBy);
    expect(after.messages[2]).toMatchObject({ cancelled: 1 });
    expect(after.followers).toEqual(before.followers);
  });

  it("the fill job starts with the app when DASHBOARD_JOB_ENABLED is on (off in tests)", async () => {
    // The first thing a fill does is record what it stores under (even in an empty database).
    expect(sql("select figure from dashboard_days")).toEqual([]);
    const other = await startHarness({ DASHBOARD_JOB_ENABLED: "true" });
    try {
      await other.app.ready();
      await expect.poll(() => other.app.services.db.$client.prepare("select figure from dashboard_days").all()).toEqual([{ figure: "meta" }]);
    } finally {
      await other.close();
    }
  });
});

describe("query plans", () => {
  it("every figure is read from an index range alone (the games' per-player checks are index seeks)", () => {
    const plans = createDashboardRepo(sqliteStore(h.app.services.db)).plans();
    expect(plans.length).toBeGreaterThan(10);
    for (const { name, plan } of plans) {
      expect([name, plan.find((l) => l.startsWith("SEARCH"))]).toEqual([
        name,
        expect.stringMatching(/^SEARCH \w+ USING COVERING INDEX \w+ \((state=\? AND )?\w+>\? AND \w+<\?\)$/),
      ]);
      // No table is read whole (the games' plays are gathered into `d` first, then grouped).
      expect([name, plan.filter((l) => l.startsWith("SCAN") && l !== "SCAN d")]).toEqual([name, []]);
    }
    const games = plans.find((p) => p.name === "games")!.plan;
    expect(games).toContain("SEARCH p USING COVERING INDEX game_draws_customer_store_idx (customer_id=? AND store_id=?)");
    expect(games).toContain("SEARCH f USING INDEX follow_events_customer_idx (customer_id=? AND at>? AND at<?)");
  });
});
