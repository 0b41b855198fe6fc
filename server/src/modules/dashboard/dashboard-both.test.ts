// The dashboard on both databases: the same seeded events give the same figures, stored by the day fill and
// read back by a view, on SQLite and on PostgreSQL (figures written out by hand, so each side is checked on its own).
import { expect, it } from "vitest";
import { onBothDatabases } from "../../db/test-stores";
import type { Store } from "../../db/store";
import { createDashboardRepo } from "./repo";
import { createDashboardService, localDayStart } from "./service";

const TZ = "Asia/Ho_Chi_Minh";
const H = 3_600_000;
const D0 = "2026-11-02";
const DAY0 = localDayStart(D0, TZ);
/** Shop-local day `d` (0 = D0) at hour `h`. */
const at = (d: number, h: number) => DAY0 + d * 24 * H + h * H;
const dayName = (d: number) => new Date(Date.parse(`${D0}T00:00:00Z`) + d * 24 * H).toISOString().slice(0, 10);
const NOW = at(20, 12);

async function seed(store: Store) {
  const run = (sql: string, ...p: unknown[]) => store.prepare(sql).run(...p);
  for (let i = 0; i < 6; i++)
    await run("insert into customers (id, name, member_code, created_at, updated_at) values (?, ?, ?, ?, ?)", `p${i}`, `Khách ${i}`, `D${i}`, DAY0, DAY0);
  for (const s of ["s1", "s2"]) await run("insert into stores (id, name, created_at) values (?, ?, ?)", s, `Quầy ${s}`, DAY0);
  await run("insert into voucher_campaigns (id, name, kind, value, created_at, updated_at) values ('vc1', 'Giảm 10k', 'amount_off', 10000, ?, ?)", DAY0, DAY0);
  await run("insert into game_campaigns (id, name, kind, created_at, updated_at) values ('g1', 'Vòng quay', 'wheel', ?, ?)", DAY0, DAY0);
  await run("insert into game_prizes (id, campaign_id, position, label, kind, weight) values ('gp1', 'g1', 0, 'Chúc may mắn', 'none', 1)");

  const follow = (who: string, kind: string, t: number) =>
    run("insert into follow_events (customer_id, kind, source, at, received_at) values (?, ?, 'test', ?, ?)", who, kind, t, t);
  await follow("p0", "follow", at(0, 9));
  await follow("p1", "follow", at(0, 10));
  await follow("p2", "unfollow", at(0, 20));
  await follow("p3", "follow", at(1, 8));
  await follow("p3", "unfollow", at(2, 0)); // the shop's midnight: the 2nd's
  await follow("p0", "follow", at(9, 9)); // a day after p0's first plays
  await follow("p4", "follow", at(16, 9)); // eight days after p4's: too late to count

  type Msg = {
    state: string;
    reason?: string | null;
    channel?: string | null;
    free?: number | null;
    created: number;
    updated: number;
    sent?: number;
    delivered?: number;
    seen?: number;
    broadcast?: string;
    blamed?: number;
  };
  const msg = (m: Msg) =>
    run(
      `insert into outbox (customer_id, category, source, state, reason, channel, free, created_at, updated_at, sent_at, delivered_at, seen_at, broadcast_id, unfollow_blamed_at)
       values ('p0', 'promotion', 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.state,
      m.reason ?? null,
      m.channel ?? null,
      m.free ?? null,
      m.created,
      m.updated,
      m.sent ?? null,
      m.delivered ?? null,
      m.seen ?? null,
      m.broadcast ?? null,
      m.blamed ?? null,
    );
  await msg({ state: "seen", channel: "cs", free: 1, created: at(3, 8), updated: at(4, 10), sent: at(3, 9), delivered: at(3, 9.5), seen: at(4, 10) });
  await msg({ state: "delivered", channel: "cs", free: 0, created: at(3, 9), updated: at(3, 11), sent: at(3, 10), delivered: at(3, 11) });
  await msg({ state: "sent", channel: "zns", created: at(3, 11), updated: at(3, 12), sent: at(3, 12) });
  await msg({ state: "sent", channel: "template_uid", created: at(3, 12), updated: at(3, 13), sent: at(3, 13) });
  await msg({ state: "held", reason: "QUIET_HOURS", created: at(3, 21), updated: at(3, 22) });
  await msg({ state: "suppressed", reason: "NOT_A_FOLLOWER:cs:NOT_A_FOLLOWER", created: at(3, 14), updated: at(3, 14) });
  await msg({ state: "expired", reason: "EXPIRED", created: at(2, 15), updated: at(3, 15) });
  await msg({ state: "expired", reason: "DAILY_CAP", created: at(2, 16), updated: at(3, 16) });
  await msg({ state: "failed", reason: "ZALO_ERROR", created: at(3, 17), updated: at(3, 17) });
  await msg({ state: "cancelled", reason: "ERASED", created: at(3, 18), updated: at(3, 18) });
  await msg({ state: "queued", created: at(3, 19), updated: at(3, 19) });

  await run(
    "insert into broadcasts (id, name, category, audience, state, created_by, created_at, started_at, finished_at) values ('b1', 'Khai trương', 'promotion', '{}', 'done', 'op', ?, ?, ?)",
    at(5, 8),
    at(5, 9),
    at(5, 12),
  );
  for (let i = 0; i < 3; i++)
    await msg({
      state: "sent",
      channel: "cs",
      free: 0,
      created: at(5, 9),
      updated: at(5, 10),
      sent: at(5, 10),
      broadcast: "b1",
      blamed: i === 0 ? at(5, 20) : undefined,
    });

  let seq = 0;
  const points = (who: string, kind: string, delta: number) =>
    run(
      "insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, actor_kind, actor_id, created_at) values (?, ?, ?, 0, 'test', ?, 'system', 'test', ?)",
      who,
      kind,
      delta,
      `dash-${++seq}`,
      at(6, 9 + seq),
    );
  await points("p0", "earn", 100);
  await points("p1", "earn", 50);
  await points("p0", "spend", -30);
  await points("p1", "expire", -20);
  await points("p2", "adjust", 5);
  await points("p0", "reverse", -10);

  for (const [i, s] of ["s1", "s1", "s2"].entries())
    await run(
      "insert into vouchers (id, campaign_id, customer_id, code, status, source, issued_at, expires_at, redeemed_at, redeemed_store_id) values (?, 'vc1', 'p0', ?, 'redeemed', 'claim', ?, ?, ?, ?)",
      `v${i}`,
      `CODE${i}`,
      DAY0,
      at(40, 0),
      at(7, 9 + i),
      s,
    );

  const play = (who: string, s: string, t: number) =>
    run(
      "insert into game_draws (id, campaign_id, customer_id, store_id, day, drawn_prize_id, prize_id, win, state, created_at) values (?, 'g1', ?, ?, '2026-11-10', 'gp1', 'gp1', ?, 'none', ?)",
      `d${++seq}`,
      who,
      s,
      0,
      t,
    );
  await play("p0", "s1", at(8, 9)); // first at s1, followed the next day
  await play("p0", "s1", at(8, 10)); // not a first play
  await play("p1", "s1", at(8, 11)); // first; followed before, not after
  await play("p4", "s2", at(8, 12)); // first; followed eight days later
  await play("p0", "s2", at(8, 13)); // first at s2, followed the next day
  await play("p5", "s1", at(10, 9)); // two plays in one millisecond: the first inserted is the first play
  await play("p5", "s1", at(10, 9));
}

const zeroMessages = {
  sent: 0,
  delivered: 0,
  seen: 0,
  held: 0,
  suppressed: 0,
  failed: 0,
  expired: 0,
  cancelled: 0,
  suppressedBy: {},
  heldBy: {},
  csFree: 0,
  csPaid: 0,
  templateUid: 0,
  zns: 0,
};

onBothDatabases("dashboard", (store) => {
  it("the day fill stores the same figures for the same events, and a view reads them back", async () => {
    await seed(store());
    const service = () => createDashboardService({ repo: createDashboardRepo(store()), timeZone: TZ, now: () => NOW, settleHours: 48 });
    const svc = service();
    const r = await svc.fill({ rows: 2 });
    expect(r.stopped).toBe(false);

    const rows = (await store()
      .prepare<{ day: string; figure: string; data: string }>("select day, figure, data from dashboard_days where day != '' order by day, figure")
      .all()) as {
      day: string;
      figure: string;
      data: string;
    }[];
    const stored = new Map(rows.map((x) => [`${x.figure}|${x.day}`, JSON.parse(x.data) as unknown]));
    // Days 0–17 are settled (48 h); the games' also need the 7 days after a play: days 0–10.
    expect(rows.filter((x) => x.figure === "followers").map((x) => x.day)).toEqual(Array.from({ length: 18 }, (_, d) => dayName(d)));
    expect(rows.filter((x) => x.figure === "games")).toHaveLength(11);
    expect(r.stored).toBe(rows.length);
    const get = (figure: string, d: number) => stored.get(`${figure}|${dayName(d)}`);

    expect(get("followers", 0)).toEqual({ follows: 2, unfollows: 1 });
    expect(get("followers", 1)).toEqual({ follows: 1, unfollows: 0 });
    expect(get("followers", 2)).toEqual({ follows: 0, unfollows: 1 });
    expect(get("followers", 9)).toEqual({ follows: 1, unfollows: 0 });
    expect(get("followers", 16)).toEqual({ follows: 1, unfollows: 0 });
    expect(get("messages", 3)).toEqual({
      ...zeroMessages,
      sent: 4,
      delivered: 2,
      held: 2,
      suppressed: 1,
      failed: 1,
      expired: 1,
      cancelled: 1,
      suppressedBy: { NOT_A_FOLLOWER: 1 },
      heldBy: { QUIET_HOURS: 1, DAILY_CAP: 1 },
      csFree: 1,
      csPaid: 1,
      templateUid: 1,
      zns: 1,
    });
    expect(get("messages", 4)).toEqual({ ...zeroMessages, seen: 1 });
    expect(get("messages", 5)).toEqual({ ...zeroMessages, sent: 3, csPaid: 3 });
    expect(get("broadcast:b1", 5)).toEqual({ sent: 3 });
    expect(get("points", 6)).toEqual({ earned: 150, spent: 30, expired: 20, adjusted: -5 });
    expect(get("redemptions", 7)).toEqual({ byStore: { s1: 2, s2: 1 } });
    expect(get("games", 8)).toEqual({ s1: { plays: 3, newPlayers: 2, followed: 1 }, s2: { plays: 2, newPlayers: 2, followed: 1 } });
    expect(get("games", 10)).toEqual({ s1: { plays: 2, newPlayers: 1, followed: 0 } });

    // A second fill finds everything stored; a view of stored days equals the same days counted afresh.
    expect(await svc.fill({ rows: 2 })).toMatchObject({ stored: 0 });
    const range = { from: dayName(0), to: dayName(19) };
    const fromStored = await svc.view(range);
    await svc.forgetStored();
    const counted = await service().view(range);
    const { took: _a, ...a } = fromStored;
    const { took: _b, ...b } = counted;
    expect(a).toEqual(b);
    expect(a.messages[3]).toMatchObject({ pending: 1, sent: 4 });
    expect(a.broadcasts).toEqual([
      { id: "b1", name: "Khai trương", state: "done", startedAt: new Date(at(5, 9)).toISOString(), sent: 3, unfollows: 1, rate: 1 / 3 },
    ]);
    expect(a.games).toEqual([
      { storeId: "s1", storeName: "Quầy s1", plays: 5, newPlayers: 3, followed: 1, rate: 1 / 3 },
      { storeId: "s2", storeName: "Quầy s2", plays: 2, newPlayers: 2, followed: 1, rate: 0.5 },
    ]);

    // Several processes filling and viewing at once (each its own service): every figure is stored once, as counted.
    await svc.forgetStored();
    const before = new Map(stored);
    const many = Array.from({ length: 6 }, () => service());
    await Promise.all([...many.map((m) => m.fill({ rows: 3 })), ...many.map((m) => m.view(range))]);
    const again = (await store()
      .prepare<{ day: string; figure: string; data: string }>("select day, figure, data from dashboard_days where day != ''")
      .all()) as {
      day: string;
      figure: string;
      data: string;
    }[];
    expect(again).toHaveLength(rows.length);
    expect(new Map(again.map((x) => [`${x.figure}|${x.day}`, JSON.parse(x.data) as unknown]))).toEqual(before);
  });
});
