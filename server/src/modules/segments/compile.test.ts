import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_LOYALTY_RULES,
  DEFAULT_PREFS,
  DEFAULT_WARMING_RULES,
  matches,
  SegmentRules,
  tierFor,
  type SegmentFacts,
  type SegmentNode,
  type SegmentPolicy,
  type SegmentRule,
} from "@mc/shared";
import { openDb, type Db } from "../../db/client";
import { sqliteStore, syncStep } from "../../db/store";
import { compileSegment, createSegmentRepo } from "./repo";

/**
 * The segment SQL against the in-memory reading of the same rules: random rule trees over a random
 * fixture of customers with history (orders, ledger, plays, vouchers, tags, prefs), written to a real
 * migrated database; the facts the evaluator reads are built from the generated data, not read back.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const VN = "Asia/Ho_Chi_Minh";
// 18:00 UTC on 30 November is already 1 December in Vietnam: "this month" must be the shop's month.
const NOW = Date.UTC(2026, 10, 30, 18);
const STORES = ["s1", "s2", "s3"];
const GAMES = ["g1", "g2"];
const TAGS = ["vip", "office", "student"];
const DAYS = [0, 1, 7, 30, 90, 365];
const WINDOWS = [1, 7, 30, 90, 365];

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

type Fixture = { db: Db; facts: Map<string, SegmentFacts> };

/** `n` customers with history; times sit on and either side of the rules' day boundaries. */
function buildFixture(seed: number, n: number): Fixture {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const when = () => NOW - pick([0, 1, 2, 7, 30, 89, 90, 364, 365, 366, 500]) * DAY + pick([-1, 0, 1, -Math.floor(r() * DAY), Math.floor(r() * HOUR)]);
  const past = () => Math.min(NOW, when());

  const db = openDb(":memory:");
  const c = db.$client;
  const ins = (sql: string, ...v: unknown[]) => c.prepare(sql).run(...v);
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
        "insert into game_draws (id, campaign_id, customer_id, store_id, day, drawn_prize_id, prize_id, win, state, created_at) values (?, ?, ?, ?, 'd', ?, ?, 0, 'none', ?)",
        `d${seq++}`,
        p.game,
        id,
        p.store,
        `p-${p.game}`,
        `p-${p.game}`,
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
  return { db, facts };
}

// ---- random rule trees ----

const bounds = (values: number[]) =>
  fc
    .tuple(fc.option(fc.constantFrom(...values), { nil: undefined }), fc.option(fc.constantFrom(...values), { nil: undefined }))
    .filter(([a, b]) => a !== undefined || b !== undefined)
    .map(([a, b]) => (a !== undefined && b !== undefined && a > b ? { min: b, max: a } : { min: a, max: b }))
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as { min?: number; max?: number });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.subarray(["member", "silver", "gold"], { minLength: 1 }).map((tiers) => ({ kind: "tier", tiers })),
  bounds([0, 100, 499, 500, 1500, 3000]).map((b) => ({ kind: "points", ...b })),
  bounds(DAYS).map((b) => ({ kind: "lastOrder", ...b })),
  bounds(DAYS).map((b) => ({ kind: "lastVisit", ...b })),
  fc.tuple(fc.constantFrom(...WINDOWS), bounds([0, 1, 2, 3])).map(([days, b]) => ({ kind: "orderCount", days, ...b })),
  fc.tuple(fc.constantFrom(...WINDOWS), bounds([0, 50_000, 100_000, 300_000])).map(([days, b]) => ({ kind: "spend", days, ...b })),
  fc
    .tuple(fc.subarray([...STORES, "nowhere"], { minLength: 1 }), optional(fc.constantFrom(...WINDOWS)))
    .map(([storeIds, days]) => clean({ kind: "visitedStore", storeIds, days })),
  fc
    .tuple(optional(fc.subarray([...GAMES, "gx"])), optional(fc.constantFrom(...WINDOWS)))
    .map(([campaignIds, days]) => clean({ kind: "playedGame", campaignIds, days })),
  fc.boolean().map((follows) => ({ kind: "follower", follows })),
  fc.constantFrom(...WINDOWS).map((days) => ({ kind: "unfollowed", days })),
  fc.tuple(fc.subarray([...TAGS, "nobody"], { minLength: 1 }), fc.constantFrom("any", "all")).map(([tags, match]) => ({ kind: "tags", tags, match })),
  fc
    .tuple(optional(fc.subarray([1, 2, 6, 11, 12])), optional(fc.boolean()))
    .filter(([m, t]) => (m?.length ?? 0) > 0 || t === true)
    .map(([months, thisMonth]) => clean({ kind: "birthdayMonth", months: months?.length ? months : undefined, thisMonth })),
  fc.boolean().map((freeOnly) => ({ kind: "csWindowOpen", freeOnly })),
  fc.constant({ kind: "hasPhone" }),
  fc.constant({ kind: "promotionsAllowed" }),
);
const group = (depth: number): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      fc.constantFrom("all", "any", "none"),
      fc.array(depth > 0 ? fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: group(depth - 1) }) : leaf, { maxLength: 4 }),
    )
    .map(([op, kids]) => ({ [op]: kids }));
const tree = group(2).map((t) => SegmentRules.parse(t));

const policy = fc.constantFrom(0, 1).map((maxPromotions): SegmentPolicy => ({ zalo: DEFAULT_WARMING_RULES.zalo, fatigue: { maxPromotions } }));

describe("segment SQL agrees with the in-memory evaluator", () => {
  const fixtures = [buildFixture(20261130, 90), buildFixture(7, 60)];
  afterAll(() => fixtures.forEach((f) => f.db.$client.close()));

  fixtures.forEach((fx, i) => {
    it(`random rule trees over random fixture ${i + 1} (${fx.facts.size} customers)`, () => {
      const repo = createSegmentRepo(sqliteStore(fx.db));
      let nonTrivial = 0;
      fc.assert(
        fc.property(tree, policy, (rules, pol) => {
          const ctx = { now: NOW, timeZone: VN, policy: pol };
          const sqlIds = repo.ids(compileSegment(rules, { ...ctx, loyalty: DEFAULT_LOYALTY_RULES }));
          const memIds = [...fx.facts]
            .filter(([, f]) => matches(f, rules, ctx))
            .map(([id]) => id)
            .sort();
          if (memIds.length > 0 && memIds.length < fx.facts.size - 5) nonTrivial++;
          expect(sqlIds).toEqual(memIds);
        }),
        { seed: 424242 + i, numRuns: 120 },
      );
      // The trees are not all "everyone" or "no one": the comparison says something.
      expect(nonTrivial).toBeGreaterThan(30);
    });
  });

  // A count may start from one top-level rule's candidates (a driver) instead of scanning everyone: each
  // driver alone, and the scan with none, must give the evaluator's count and its first people.
  const drivable: fc.Arbitrary<unknown> = fc.oneof(
    fc.tuple(fc.constantFrom(...WINDOWS), bounds([1, 2, 3])).map(([days, b]) => ({ kind: "orderCount", days, min: 1, ...b })),
    fc.tuple(fc.constantFrom(...WINDOWS), bounds([50_000, 100_000, 300_000])).map(([days, b]) => ({ kind: "spend", days, min: 1, ...b })),
    fc
      .tuple(fc.constantFrom(...DAYS), optional(fc.constantFrom(...DAYS)))
      .map(([max, min]) => clean({ kind: "lastOrder", max, min: min !== undefined && min <= max ? min : undefined })),
    fc.subarray(["member", "silver", "gold"], { minLength: 1 }).map((tiers) => ({ kind: "tier", tiers })),
    fc
      .tuple(optional(fc.subarray([1, 2, 6, 11, 12])), optional(fc.boolean()))
      .filter(([m, t]) => (m?.length ?? 0) > 0 || t === true)
      .map(([months, thisMonth]) => clean({ kind: "birthdayMonth", months: months?.length ? months : undefined, thisMonth })),
    bounds([0, 100, 499, 500, 1500, 3000]).map((b) => ({ kind: "points", ...b })),
    fc.tuple(fc.subarray([...TAGS, "nobody"], { minLength: 1 }), fc.constantFrom("any", "all")).map(([tags, match]) => ({ kind: "tags", tags, match })),
    fc
      .tuple(fc.subarray([...STORES, "nowhere"], { minLength: 1 }), optional(fc.constantFrom(...WINDOWS)))
      .map(([storeIds, days]) => clean({ kind: "visitedStore", storeIds, days })),
    fc
      .tuple(optional(fc.subarray([...GAMES, "gx"])), optional(fc.constantFrom(...WINDOWS)))
      .map(([campaignIds, days]) => clean({ kind: "playedGame", campaignIds, days })),
  );
  // "Last order at least N days ago" is an exclusion (the people with an order since are dropped from the candidates).
  const exclusion = fc.constantFrom(...DAYS).map((min) => ({ kind: "lastOrder", min }));
  const driven = fc
    .tuple(
      fc.array(drivable, { minLength: 1, maxLength: 2 }),
      fc.array(fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: group(1) }, { weight: 2, arbitrary: exclusion }), { maxLength: 3 }),
      fc.boolean(),
    )
    .map(([d, rest, nest]) => SegmentRules.parse(nest ? { all: [{ any: [d[0]] }, ...rest, { all: d.slice(1) }] } : { all: [...rest, ...d] }));

  fixtures.forEach((fx, i) => {
    it(`counts from each driver and from a scan agree with the evaluator (fixture ${i + 1})`, async () => {
      const repo = createSegmentRepo(sqliteStore(fx.db));
      const earnedSince = NOW - DEFAULT_LOYALTY_RULES.tierWindowDays * DAY;
      const slices = { rows: 7, pause: async () => {} };
      let nonTrivial = 0;
      let excluding = 0;
      await fc.assert(
        fc.asyncProperty(driven, policy, async (rules, pol) => {
          const ctx = { now: NOW, timeZone: VN, policy: pol };
          const w = compileSegment(rules, { ...ctx, loyalty: DEFAULT_LOYALTY_RULES });
          // (A tier list starting at the first tier has no lower bound, so no driver.)
          if (!JSON.stringify(rules).includes('"member"')) expect(w.drivers.length).toBeGreaterThan(0);
          const memIds = [...fx.facts]
            .filter(([, f]) => matches(f, rules, ctx))
            .map(([id]) => id)
            .sort();
          if (memIds.length > 0) nonTrivial++;
          if (w.drivers.some((d) => d.exclusions.length)) excluding++;
          // Each driver with its exclusions, and without them (its plain residual).
          for (const drivers of [[], ...w.drivers.flatMap((d) => [[d], [{ ...d, exclusions: [] }]])]) {
            const got = await repo.countAndSample({ ...w, drivers }, { sample: 5, earnedSince, slices });
            expect(got.count, drivers[0]?.rule ?? "scan").toBe(memIds.length);
            expect(
              got.sample.map((p) => p.id),
              drivers[0]?.rule ?? "scan",
            ).toEqual(memIds.slice(0, 5));
          }
        }),
        { seed: 777 + i, numRuns: 80 },
      );
      expect(nonTrivial).toBeGreaterThan(20);
      expect(excluding).toBeGreaterThan(10);
    });
  });

  it("every rule kind, alone, splits the fixture (each is exercised, not vacuous)", () => {
    const fx = fixtures[0]!;
    const repo = createSegmentRepo(sqliteStore(fx.db));
    const ctx = { now: NOW, timeZone: VN, policy: DEFAULT_WARMING_RULES };
    const singles: SegmentRule[] = [
      { kind: "tier", tiers: ["silver"] },
      { kind: "points", min: 500 },
      { kind: "lastOrder", max: 30 },
      { kind: "lastVisit", min: 90 },
      { kind: "orderCount", days: 365, min: 2 },
      { kind: "spend", days: 365, min: 100_000 },
      { kind: "visitedStore", storeIds: ["s1"], days: 90 },
      { kind: "playedGame", campaignIds: ["g1"] },
      { kind: "follower", follows: true },
      { kind: "unfollowed", days: 30 },
      { kind: "tags", tags: ["vip", "office"], match: "all" },
      { kind: "birthdayMonth", thisMonth: true },
      { kind: "csWindowOpen", freeOnly: false },
      { kind: "hasPhone" },
      { kind: "promotionsAllowed" },
    ];
    for (const rule of singles) {
      const rules = { all: [rule] as SegmentNode[] };
      const sqlIds = syncStep(repo.ids(compileSegment(rules, { ...ctx, loyalty: DEFAULT_LOYALTY_RULES })));
      const memIds = [...fx.facts]
        .filter(([, f]) => matches(f, rules, ctx))
        .map(([id]) => id)
        .sort();
      expect(sqlIds, rule.kind).toEqual(memIds);
      expect(sqlIds.length, rule.kind).toBeGreaterThan(0);
      expect(sqlIds.length, rule.kind).toBeLessThan(fx.facts.size);
    }
  });
});
