import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { DEFAULT_LOYALTY_RULES, DEFAULT_WARMING_RULES, matches, SegmentRules, type SegmentNode, type SegmentPolicy, type SegmentRule } from "@mc/shared";
import { openDb, type Db } from "../../db/client";
import { sqliteStore, syncStep } from "../../db/store";
import { buildFixture, DAY, DAYS, GAMES, NOW, seedFixture, STORES, TAGS, VN, WINDOWS, type Fixture as BuiltFixture } from "./test-fixture";
import { compileSegment, createSegmentRepo } from "./repo";

/**
 * The segment SQL against the in-memory reading of the same rules: random rule trees over a random
 * fixture of customers with history (orders, ledger, plays, vouchers, tags, prefs), written to a real
 * migrated database; the facts the evaluator reads are built from the generated data, not read back.
 */

type Fixture = BuiltFixture & { db: Db };
/** The fixture on a fresh migrated SQLite. */
function sqliteFixture(seed: number, n: number): Fixture {
  const fx = buildFixture(seed, n);
  const db = openDb(":memory:");
  syncStep(seedFixture(sqliteStore(db), fx));
  return { ...fx, db };
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
  const fixtures = [sqliteFixture(20261130, 90), sqliteFixture(7, 60)];
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
