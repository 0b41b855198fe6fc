// Test support: a random fixture of customers with history (orders, ledger, plays, vouchers, tags, prefs) and
// the facts the in-memory evaluator reads of each, built from the generated data (not read back). The rows are
// statements for either database (`?` placeholders, no dialect literals), so one seed gives the same people on both.
import { DEFAULT_LOYALTY_RULES, DEFAULT_PREFS, tierFor, type SegmentFacts } from "@mc/shared";
import { q, type Store } from "../../db/store";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const VN = "Asia/Ho_Chi_Minh";
// 18:00 UTC on 30 November is already 1 December in Vietnam: "this month" must be the shop's month.
export const NOW = Date.UTC(2026, 10, 30, 18);
export const STORES = ["s1", "s2", "s3"];
export const GAMES = ["g1", "g2"];
export const TAGS = ["vip", "office", "student"];
export const DAYS = [0, 1, 7, 30, 90, 365];
export const WINDOWS = [1, 7, 30, 90, 365];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The inserts, in order, and each customer's facts. */
export type Fixture = { rows: [string, unknown[]][]; facts: Map<string, SegmentFacts> };

/** `n` customers with history; times sit on and either side of the rules' day boundaries. */
export function buildFixture(seed: number, n: number): Fixture {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const when = () => NOW - pick([0, 1, 2, 7, 30, 89, 90, 364, 365, 366, 500]) * DAY + pick([-1, 0, 1, -Math.floor(r() * DAY), Math.floor(r() * HOUR)]);
  const past = () => Math.min(NOW, when());

  const rows: [string, unknown[]][] = [];
  const ins = (sql: string, ...v: unknown[]) => void rows.push([sql, v]);
  for (const s of STORES) ins("insert into stores (id, name, created_at) values (?, ?, ?)", s, s, 0);
  for (const g of GAMES) {
    ins("insert into game_campaigns (id, name, kind, created_at, updated_at) values (?, ?, 'wheel', 0, 0)", g, g);
    ins("insert into game_prizes (id, campaign_id, position, label, kind, weight) values (?, ?, 0, 'x', 'none', 1)", `p-${g}`, g);
  }
  ins("insert into voucher_campaigns (id, name, kind, value, created_at, updated_at) values ('vc', 'vc', 'amount_off', 1000, 0, 0)");

  const facts = new Map<string, SegmentFacts>();
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const id = `c${String(i).padStart(3, "0")}`;
    const prefsJson: Record<string, unknown> = {};
    if (chance(0.3)) prefsJson.offersPerWeek = pick([null, 0, 2]);
    if (chance(0.3))
      prefsJson.pausedUntil = pick([
        null,
        new Date(NOW).toISOString(),
        new Date(NOW + 1).toISOString(),
        new Date(NOW - 1).toISOString(),
        new Date(NOW + 3 * DAY).toISOString(),
        "2026-12-05T10:00:00+07:00",
      ]);
    if (chance(0.3)) prefsJson.mutedCategories = pick([[], ["promotion"], ["care"], ["care", "promotion"]]);
    const prefsText = Object.keys(prefsJson).length ? JSON.stringify(prefsJson) : "{}";
    const prefs = { ...DEFAULT_PREFS, ...prefsJson } as typeof DEFAULT_PREFS;
    const row = {
      followsOa: chance(0.6),
      unfollowedAt: chance(0.3) ? past() : null,
      zaloOaId: chance(0.75) ? `oa-${i}` : null,
      phone: chance(0.5) ? `8491${String(i).padStart(7, "0")}` : null,
      lastInteractionAt: chance(0.7) ? NOW - pick([0, 48 * HOUR, 48 * HOUR + 1, 7 * DAY, 7 * DAY + 1, Math.floor(r() * 30 * DAY)]) : null,
      fatigueUntil: chance(0.3) ? NOW + pick([-1, 0, 1, 5 * DAY]) : null,
      pointsBalance: pick([0, 100, 499, 500, 1500, 3000]),
      erased: chance(0.05),
      birthDate: chance(0.6) ? pick([`1990-${pick(["01", "02", "11", "12"])}-15`, `${pick(["11", "12", "06"])}-01`]) : null,
    };
    const tags = TAGS.filter(() => chance(0.35));

    // Ledger: earn and spend entries, in date order, with the running sum of earn points.
    const ledger = Array.from({ length: Math.floor(r() * 6) }, () => ({
      kind: chance(0.75) ? "earn" : "spend",
      delta: 0,
      at: past(),
      store: chance(0.7) ? pick(STORES) : null,
    }))
      .map((e) => ({ ...e, delta: e.kind === "earn" ? pick([10, 200, 499, 501, 900, 1600]) : -pick([5, 50]) }))
      .sort((a, b) => a.at - b.at);
    let earned = 0;
    const earnedTotal = ledger.filter((e) => e.kind === "earn").reduce((s, e) => s + e.delta, 0);
    ins(
      `insert into customers (id, zalo_oa_id, phone, name, follows_oa, unfollowed_at, last_interaction_at, points_balance, points_earned_total, prefs, fatigue_until, member_code, erased_at, birth_date, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
      id,
      row.zaloOaId,
      row.phone,
      `Khách ${i}`,
      row.followsOa ? 1 : 0,
      row.unfollowedAt,
      row.lastInteractionAt,
      row.pointsBalance,
      earnedTotal,
      prefsText,
      row.fatigueUntil,
      `M${id}`,
      row.erased ? NOW - DAY : null,
      row.birthDate,
    );
    for (const e of ledger) {
      if (e.kind === "earn") earned += e.delta;
      ins(
        "insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, created_at, earned_to_date) values (?, ?, ?, 0, 'x', ?, ?, 'system', 'x', ?, ?)",
        id,
        e.kind,
        e.delta,
        `k${seq++}`,
        e.store,
        e.at,
        earned,
      );
    }
    const orders = Array.from({ length: Math.floor(r() * 5) }, () => ({
      status: pick(["completed", "completed", "cancelled", "placed"]),
      at: past(),
      store: pick(STORES),
      total: pick([20_000, 50_000, 100_000, 250_000]),
    }));
    for (const o of orders) {
      const k = seq++;
      // A cancelled order may have been completed first: it keeps its completed_at but is no longer an order.
      const completedAt = o.status === "completed" || (o.status === "cancelled" && chance(0.5)) ? o.at : null;
      ins(
        `insert into orders (id, code, customer_id, store_id, status, pickup_type, payment_method, subtotal_vnd, total_vnd, request_key, created_at, updated_at, completed_at)
         values (?, ?, ?, ?, ?, 'pickup', 'counter', ?, ?, ?, ?, ?, ?)`,
        `o${k}`,
        `C${k}`,
        id,
        o.store,
        o.status,
        o.total,
        o.total,
        `rk${k}`,
        o.at - HOUR,
        o.at,
        completedAt,
      );
    }
    const plays = Array.from({ length: Math.floor(r() * 3) }, () => ({ game: pick(GAMES), store: pick(STORES), at: past() }));
    for (const p of plays) {
      ins(
        "insert into game_draws (id, campaign_id, customer_id, store_id, day, drawn_prize_id, prize_id, win, state, created_at) values (?, ?, ?, ?, 'd', ?, ?, ?, 'none', ?)",
        `d${seq++}`,
        p.game,
        id,
        p.store,
        `p-${p.game}`,
        `p-${p.game}`,
        0,
        p.at,
      );
    }
    const vouchers = Array.from({ length: Math.floor(r() * 3) }, () => ({
      status: pick(["issued", "redeemed", "void"]),
      at: past(),
      store: chance(0.7) ? pick(STORES) : null,
    }));
    for (const v of vouchers) {
      const k = seq++;
      ins(
        "insert into vouchers (id, campaign_id, customer_id, code, status, source, issued_at, expires_at, redeemed_at, redeemed_store_id) values (?, 'vc', ?, ?, ?, 'x', ?, ?, ?, ?)",
        `v${k}`,
        id,
        `V${k}`,
        v.status,
        v.at - DAY,
        NOW + DAY,
        v.status === "redeemed" ? v.at : null,
        v.status === "redeemed" ? v.store : null,
      );
    }
    for (const t of tags) ins("insert into customer_tags (customer_id, tag) values (?, ?)", id, t);

    const since = NOW - DEFAULT_LOYALTY_RULES.tierWindowDays * DAY;
    const earnedInWindow = ledger.filter((e) => e.kind === "earn" && e.at >= since).reduce((s, e) => s + e.delta, 0);
    const completed = orders.filter((o) => o.status === "completed");
    facts.set(id, {
      erased: row.erased,
      tier: tierFor(DEFAULT_LOYALTY_RULES, earnedInWindow).tier.key,
      pointsBalance: row.pointsBalance,
      followsOa: row.followsOa,
      unfollowedAt: row.unfollowedAt,
      zaloOaId: row.zaloOaId,
      phone: row.phone,
      lastInteractionAt: row.lastInteractionAt,
      prefs: {
        offersPerWeek: prefs.offersPerWeek,
        pausedUntil: prefs.pausedUntil ? Date.parse(prefs.pausedUntil) : null,
        mutedCategories: prefs.mutedCategories,
      },
      fatigueUntil: row.fatigueUntil,
      tags,
      birthDate: row.birthDate,
      orders: completed.map((o) => ({ at: o.at, totalVnd: o.total })),
      visits: [
        ...completed.map((o) => ({ storeId: o.store, at: o.at })),
        ...ledger.filter((e) => e.kind === "earn" && e.store !== null).map((e) => ({ storeId: e.store!, at: e.at })),
        ...plays.map((p) => ({ storeId: p.store, at: p.at })),
        ...vouchers.filter((v) => v.status === "redeemed" && v.store !== null).map((v) => ({ storeId: v.store!, at: v.at })),
      ],
      plays: plays.map((p) => ({ campaignId: p.game, at: p.at })),
    });
  }
  return { rows, facts };
}

/** Writes a fixture to `store` in one transaction. */
export const seedFixture = (store: Store, fx: Fixture) =>
  store.tx(function* () {
    for (const [sql, params] of fx.rows) yield* q(store.prepare(sql).run(...params));
  });
