import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayKey, type AdminCampaign, type DashboardView } from "@mc/shared";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { bearer, startHarness, TEST_ENV, type Harness } from "../test-support";
import { seedDemoHistory, type DemoHistoryResult } from "./history";

// "Today" for the demo history: a fixed instant, so two runs tell the same story.
const TODAY = Date.parse("2026-12-02T14:20:00+07:00");
const DAY = 86_400_000;
/** The history's 60 days and today, in the shop's calendar. */
const RANGE = { from: dayKey(TODAY - 60 * DAY, "Asia/Ho_Chi_Minh"), to: dayKey(TODAY, "Asia/Ho_Chi_Minh") };

const rows = (h: Harness, q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const one = (h: Harness, q: string, ...args: unknown[]) =>
  h.app.services.db.$client
    .prepare(q)
    .pluck()
    .get(...args) as any;

const run = (h: Harness, extra: { seed?: number; customers?: number; days?: number } = {}) =>
  seedDemoHistory({ db: h.app.services.db, config: h.config, emulatorUrl: h.emuUrl, now: TODAY, ...extra });

/** The story without its random ids (uuids, codes, Zalo message ids): what the same seed must reproduce. */
function story(h: Harness) {
  return {
    people: rows(
      h,
      "select name, phone, birth_date, follows_oa, followed_at, unfollowed_at, points_balance, role, created_at from customers order by created_at, name, phone",
    ),
    orders: rows(
      h,
      "select store_id, status, subtotal_vnd, discount_vnd, total_vnd, points_earned, cancel_reason, created_at, completed_at from orders order by created_at, total_vnd",
    ),
    // Order codes are random (humanCode): the reasons naming them are compared without them.
    ledger: rows(h, "select kind, delta, balance_after, reason, store_id, created_at from points_ledger order by created_at, delta, id").map((r) => ({
      ...r,
      reason: r.reason.replace(/\b[0-9A-Z]{6}\b/g, "CODE"),
    })),
    vouchers: rows(h, "select status, source, issued_at, redeemed_at, redeemed_store_id from vouchers order by issued_at, source, status"),
    draws: rows(h, "select store_id, day, win, state, points, created_at from game_draws order by created_at, store_id"),
    outbox: rows(
      h,
      "select category, source, state, reason, channel, created_at, sent_at, delivered_at, seen_at from outbox order by created_at, source, state, sent_at",
    ),
    events: rows(h, "select event_name, received_at from webhook_events order by received_at, event_name"),
  };
}

describe("the demo history", () => {
  let a: Harness;
  let b: Harness;
  let c: Harness;
  let first: DemoHistoryResult;
  let before: DashboardView;
  let zaloBefore: number;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([startHarness(), startHarness(), startHarness()]);
    // The dashboard stores the (empty) settled days it is shown before the history is written.
    before = await a.app.services.dashboard.view(RANGE);
    zaloBefore = a.emu.clock.now();
    first = await run(a);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
  });

  it("gives a few hundred customers two months of orders, points, vouchers, plays, follows and messages", () => {
    expect(first.skipped).toBeNull();
    if (first.skipped !== null) return;
    console.info(`demo history in ${first.ms} ms: ${JSON.stringify(first.counts)}; refused ${JSON.stringify(first.refused)}`);
    const n = first.counts;
    // 300 people, plus the two baristas.
    expect(n["customers"]).toBe(302);
    expect(n["customers.phone"]).toBeGreaterThan(100);
    expect(n["customers.birthDate"]).toBeGreaterThan(60);
    expect(n["customers.follower"]).toBeGreaterThan(150);
    expect(n["customers.unfollowed"]).toBeGreaterThan(3);
    expect(n["webhook.follow"]).toBeGreaterThan(150);
    expect(n["webhook.unfollow"]).toBeGreaterThan(3);
    expect(n["webhook.user_send_text"]).toBeGreaterThan(5);
    expect(n["webhook.user_received_message"]).toBeGreaterThan(100);
    expect(n["webhook.user_seen_message"]).toBeGreaterThan(50);
    // Most orders complete, some are cancelled.
    expect(n["orders.completed"]).toBeGreaterThan(60);
    expect(n["orders.cancelled"]).toBeGreaterThan(5);
    expect(n["orders.cancelled"]).toBeLessThan(n["orders.completed"]! / 5);
    expect(n["ledger.earn"]).toBeGreaterThan(500);
    expect(n["ledger.adjust"]).toBeGreaterThan(10);
    expect(n["ledger.spend"]).toBeGreaterThan(10);
    expect(n["vouchers.redeemed"]).toBeGreaterThan(20);
    expect(n["vouchers.issued"]).toBeGreaterThan(10);
    expect(n["draws.none"]).toBeGreaterThan(50);
    expect(n["draws.issued"]).toBeGreaterThan(50);
    expect(n["draws.pending_follow"]).toBeGreaterThan(0);
    // Two games, one per store: each store's QR plays its own.
    expect(rows(a, "select kind, store_ids from game_campaigns order by kind")).toEqual([
      { kind: "scratch", store_ids: '["q3-vo-van-tan"]' },
      { kind: "wheel", store_ids: '["q1-nguyen-hue"]' },
    ]);
    expect(
      rows(a, "select g.kind, d.store_id, count(*) > 10 as many from game_draws d join game_campaigns g on g.id = d.campaign_id group by 1, 2 order by 1"),
    ).toEqual([
      { kind: "scratch", store_id: "q3-vo-van-tan", many: 1 },
      { kind: "wheel", store_id: "q1-nguyen-hue", many: 1 },
    ]);
    // The outbox went through the dispatcher to the emulator, and Zalo's receipts came back.
    for (const state of ["delivered", "seen", "suppressed"]) expect([state, n[`outbox.${state}`]! > 50]).toEqual([state, true]);
    for (const state of ["sent", "held"]) expect([state, n[`outbox.${state}`]! > 0]).toEqual([state, true]);
    expect(one(a, "select count(*) from outbox where state = 'failed'")).toBe(0);
    expect(one(a, "select count(distinct channel) from outbox where zalo_msg_id is not null")).toBe(2); // CS and the care template by UID
    // Two broadcasts over the weeks are done; the third is going out as the history ends.
    expect(n["broadcasts.done"]).toBe(2);
    expect(n["broadcasts.running"]).toBe(1);
    // Nothing a service refused beyond the odd limit reached.
    expect(Object.values(first.refused).reduce((s, k) => s + k, 0)).toBeLessThan(20);
  });

  it("shows three voucher campaigns in the console with believable counts: issued, redeemed at both stores, some expired unused", async () => {
    // What the console's voucher page reads.
    const res = await a.app.inject({ method: "GET", url: "/api/admin/voucher-campaigns", headers: bearer(await a.adminToken()) });
    const list = res.json().campaigns as AdminCampaign[];
    console.info(`demo campaigns: ${JSON.stringify(list.map((c) => ({ name: c.name, listed: c.listed, ...c.stats })))}`);
    expect(list).toHaveLength(3);
    expect(list.filter((c) => !c.listed)).toHaveLength(1); // the wheel's prize
    for (const c of list) {
      expect([c.name, c.stats.issued > 10]).toEqual([c.name, true]);
      expect([c.name, c.stats.redeemed > 0 && c.stats.redeemed + c.stats.expired <= c.stats.issued]).toEqual([c.name, true]);
      expect(c.stats.byStore.reduce((s, x) => s + x.redeemed, 0)).toBe(c.stats.redeemed);
    }
    // Shops see vouchers used at both stores, and a few that lapsed unused.
    expect(new Set(list.flatMap((c) => c.stats.byStore.map((s) => s.storeId))).size).toBe(2);
    expect(list.reduce((s, c) => s + c.stats.expired, 0)).toBeGreaterThan(0);
  });

  it("opens its two stores 07:00–22:00, closed on the coming Mùng 1 Tết, and every order it placed fell inside those hours", () => {
    const stores = rows(a, "select id, week, exceptions from stores order by id");
    expect(stores.map((s) => s.id)).toEqual(["q1-nguyen-hue", "q3-vo-van-tan"]);
    for (const s of stores) {
      expect(Object.values(JSON.parse(s.week))).toEqual(Array(7).fill([{ open: "07:00", close: "22:00" }]));
      expect(JSON.parse(s.exceptions)[0]).toEqual({ date: "2027-02-06", intervals: [], note: "Mùng 1 Tết" });
    }
    // Local hour of each order (UTC+7): between 07:00 and 22:00.
    const hours = rows(a, "select distinct cast(((created_at / 3600000) + 7) % 24 as integer) as h from orders").map((r) => r.h);
    expect(Math.min(...hours)).toBeGreaterThanOrEqual(7);
    expect(Math.max(...hours)).toBeLessThan(22);
  });

  it("gives the dashboard something to show: the days it stored before the history was written are counted again", async () => {
    const total = (d: DashboardView) => d.followers.reduce((n, f) => n + f.follows, 0) + d.messages.reduce((n, m) => n + m.sent, 0);
    expect(total(before)).toBe(0);
    const after = await a.app.services.dashboard.view(RANGE);
    expect(total(after)).toBeGreaterThan(200);
    expect(after.redemptions.reduce((n, r) => n + r.total, 0)).toBeGreaterThan(20);
  });

  it("fills every table a timeline reads", () => {
    for (const table of [
      "orders",
      "order_lines",
      "points_ledger",
      "vouchers",
      "game_draws",
      "webhook_events",
      "outbox",
      "broadcasts",
      "audit_log",
      "customer_tags",
    ])
      expect([table, one(a, `select count(*) from ${table}`) > 0]).toEqual([table, true]);
    // Both stores, and the actions recorded as their doers' (admin, staff and shoppers, the system).
    expect(rows(a, "select distinct store_id from orders order by 1").map((r) => r.store_id)).toEqual(["q1-nguyen-hue", "q3-vo-van-tan"]);
    expect(rows(a, "select distinct actor_kind from audit_log order by 1").map((r) => r.actor_kind)).toEqual(["admin", "customer", "system"]);
    expect(
      rows(a, "select distinct json_extract(payload, '$.source') as s from webhook_events where event_name = 'follow' order by 1").map((r) => r.s),
    ).toEqual(["mini_app", "oa_profile", "qr_code", "search"]);
    // Vietnamese names, a varied mix.
    const names = rows(a, "select name from customers where role = 'customer'").map((r) => r.name as string);
    expect(new Set(names).size).toBeGreaterThan(250);
    expect(names.filter((x) => x.startsWith("Nguyễn ")).length).toBeGreaterThan(40);
    expect(new Set(names.map((x) => x.split(" ")[0])).size).toBeGreaterThan(20);
  });

  it("spreads over the last 60 days and ends today", () => {
    for (const [what, q] of [
      ["customers", "select min(created_at), max(created_at) from customers where role = 'customer'"],
      ["orders", "select min(created_at), max(created_at) from orders"],
      ["points", "select min(created_at), max(created_at) from points_ledger"],
      ["messages", "select min(created_at), max(created_at) from outbox"],
      ["follows", "select min(received_at), max(received_at) from webhook_events where event_name = 'follow'"],
    ] as const) {
      const [min, max] = a.app.services.db.$client.prepare(q).raw().get() as [number, number];
      expect([what, min >= TODAY - 61 * DAY, min < TODAY - 55 * DAY, max <= TODAY, max > TODAY - 3 * DAY]).toEqual([what, true, true, true, true]);
    }
    // Something happens on (nearly) every day, not in a few bursts.
    expect(one(a, "select count(distinct (created_at - ?) / ?) from orders", TODAY % DAY, DAY)).toBeGreaterThan(45);
    expect(one(a, "select count(distinct (created_at - ?) / ?) from points_ledger where kind = 'earn'", TODAY % DAY, DAY)).toBeGreaterThan(55);
    expect(one(a, "select count(distinct (started_at - ?) / ?) from broadcasts", TODAY % DAY, DAY)).toBe(3);
    // And Zalo's clock is back where it was (plus the time the history took).
    expect(Math.abs(a.emu.clock.now() - zaloBefore)).toBeLessThan(5 * 60_000);
  });

  it("runs once: a second run on the same database writes nothing", async () => {
    const before = story(a);
    const again = await run(a);
    // Known by its own mark (not merely by the guard against a database with customers of its own).
    expect(again.skipped).toMatch(/^the demo history is already there/);
    expect(one(a, "select count(*) from audit_log where action = 'demo.history'")).toBe(1);
    expect(story(a)).toEqual(before);
  });

  it("after a restart, gives its people their Zalo accounts back on the new emulator", async () => {
    const emulator = await buildEmulator({ ...emulatorOptionsFromEnv(TEST_ENV), now: Date.now(), logger: false });
    const url = (await emulator.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
    try {
      const again = await seedDemoHistory({ db: a.app.services.db, config: a.config, emulatorUrl: url, now: TODAY });
      expect(again.skipped).toMatch(/already there \(301 /);
      const known = rows(a, "select zalo_id, name, follows_oa from customers where zalo_id like '43%' or zalo_id = '3100000000000000001'");
      expect(known.length).toBe(301);
      for (const k of known) {
        const u = emulator.state.users.get(k.zalo_id);
        expect([k.zalo_id, u?.name, u?.follower]).toEqual([k.zalo_id, k.name, k.follows_oa === 1]);
      }
    } finally {
      await emulator.app.close();
    }
  });

  it("tells the same story from the same seed", async () => {
    // Smaller, to keep the test short: the same seed, days and "today" on two fresh databases.
    const small = { customers: 60, days: 20 };
    expect((await run(b, small)).skipped).toBeNull();
    expect((await run(c, small)).skipped).toBeNull();
    const [x, y] = [story(b), story(c)];
    expect(x.people.length).toBe(62);
    expect(x.orders.length).toBeGreaterThan(3);
    expect(y).toEqual(x);
  }, 240_000);
});
