// Segments on both databases (issue #16): the same seeded customers give the same members and counts for every
// rule kind the compiler supports, on SQLite and on PostgreSQL, each checked against the in-memory evaluator
// (shared `matches`) over the facts the fixture was built from, so "the same on both" is "right on both".
import { beforeAll, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_LOYALTY_RULES,
  DEFAULT_WARMING_RULES,
  ErrorCode,
  matches,
  SegmentRules,
  type SegmentGroup,
  type SegmentPolicy,
  type SegmentRule,
} from "@mc/shared";
import type { Principal } from "../../http/auth";
import type { Store } from "../../db/store";
import { onBothDatabases } from "../../db/test-stores";
import { createLoyaltyRepo } from "../loyalty/repo";
import { compileSegment, createSegmentRepo } from "./repo";
import { createSegmentService } from "./service";
import { buildFixture, DAY, GAMES, NOW, seedFixture, STORES, TAGS, VN } from "./test-fixture";

const fixture = buildFixture(20261130, 90);
const ctx = { now: NOW, timeZone: VN, policy: DEFAULT_WARMING_RULES };
const expected = (rules: SegmentGroup, policy: SegmentPolicy = ctx.policy) =>
  [...fixture.facts]
    .filter(([, f]) => matches(f, rules, { ...ctx, policy }))
    .map(([id]) => id)
    .sort();

/** Every rule kind, and the variants that compile to different SQL (bounds, any/all, lists, with or without a window). */
const RULES: [string, SegmentRule][] = [
  ["tier silver", { kind: "tier", tiers: ["silver"] }],
  ["tier member+silver (no lower bound)", { kind: "tier", tiers: ["member", "silver"] }],
  ["tier gold", { kind: "tier", tiers: ["gold"] }],
  ["points min", { kind: "points", min: 500 }],
  ["points max", { kind: "points", max: 499 }],
  ["points between", { kind: "points", min: 100, max: 1500 }],
  ["lastOrder max", { kind: "lastOrder", max: 30 }],
  ["lastOrder min (or never)", { kind: "lastOrder", min: 7 }],
  ["lastOrder between", { kind: "lastOrder", min: 1, max: 90 }],
  ["lastVisit max", { kind: "lastVisit", max: 30 }],
  ["lastVisit min", { kind: "lastVisit", min: 90 }],
  ["orderCount", { kind: "orderCount", days: 365, min: 2 }],
  ["orderCount max (zero counts)", { kind: "orderCount", days: 90, max: 0 }],
  ["spend", { kind: "spend", days: 365, min: 100_000 }],
  ["spend between", { kind: "spend", days: 90, min: 20_000, max: 250_000 }],
  ["visitedStore in a window", { kind: "visitedStore", storeIds: ["s1"], days: 90 }],
  ["visitedStore ever, two stores", { kind: "visitedStore", storeIds: ["s2", "s3", "nowhere"] }],
  ["playedGame a campaign", { kind: "playedGame", campaignIds: ["g1"] }],
  ["playedGame any, in a window", { kind: "playedGame", days: 30 }],
  ["follower", { kind: "follower", follows: true }],
  ["not a follower", { kind: "follower", follows: false }],
  ["unfollowed", { kind: "unfollowed", days: 30 }],
  ["tags all", { kind: "tags", tags: ["vip", "office"], match: "all" }],
  ["tags any", { kind: "tags", tags: ["student", "nobody"], match: "any" }],
  ["birthdayMonth this month (the shop's month)", { kind: "birthdayMonth", thisMonth: true }],
  ["birthdayMonth listed", { kind: "birthdayMonth", months: [1, 11] }],
  ["csWindowOpen", { kind: "csWindowOpen", freeOnly: false }],
  ["csWindowOpen free only", { kind: "csWindowOpen", freeOnly: true }],
  ["hasPhone", { kind: "hasPhone" }],
  ["promotionsAllowed", { kind: "promotionsAllowed" }],
];

const operator = { kind: "operator", id: "op-1", console: "marketer", role: "admin", storeIds: [] } as unknown as Principal;

function services(store: Store) {
  const repo = createSegmentRepo(store);
  const segments = createSegmentService({
    store,
    repo,
    loyaltyRepo: createLoyaltyRepo(store),
    policy: () => DEFAULT_WARMING_RULES,
    timeZone: VN,
    now: () => NOW,
    slices: { rows: 11, pause: async () => {} },
  });
  return { repo, segments };
}

onBothDatabases(
  "segments",
  (store, dialect) => {
    beforeAll(async () => {
      await seedFixture(store(), fixture);
    }, 60_000);

    it.each(RULES)("%s: members, count and sample match the evaluator (scan and every driver)", async (_label, rule) => {
      const { repo } = services(store());
      const rules = { all: [rule] } as SegmentGroup;
      const want = expected(rules);
      const w = compileSegment(rules, { ...ctx, loyalty: DEFAULT_LOYALTY_RULES, dialect });
      expect(await repo.ids(w)).toEqual(want);
      // Each single rule splits the fixture, so the comparison says something.
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(fixture.facts.size);
      for (const drivers of [[], ...w.drivers.map((d) => [d])]) {
        const got = await repo.countAndSample(
          { ...w, drivers },
          { sample: 5, earnedSince: NOW - DEFAULT_LOYALTY_RULES.tierWindowDays * DAY, slices: { rows: 13, pause: async () => {} } },
        );
        expect(got.count, drivers[0]?.rule ?? "scan").toBe(want.length);
        expect(
          got.sample.map((p) => p.id),
          drivers[0]?.rule ?? "scan",
        ).toEqual(want.slice(0, 5));
      }
    });

    it("random rule trees (all / any / none over every kind) give the evaluator's members", async () => {
      const { repo } = services(store());
      const leaf = fc.constantFrom(...RULES.map(([, r]) => r));
      const group = (depth: number): fc.Arbitrary<unknown> =>
        fc
          .tuple(
            fc.constantFrom("all", "any", "none"),
            fc.array(depth > 0 ? fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: group(depth - 1) }) : leaf, { maxLength: 4 }),
          )
          .map(([op, kids]) => ({ [op]: kids }));
      const policies = fc.constantFrom(0, 1).map((maxPromotions) => ({ zalo: DEFAULT_WARMING_RULES.zalo, fatigue: { maxPromotions } }));
      let nonTrivial = 0;
      await fc.assert(
        fc.asyncProperty(group(2), policies, async (tree, policy) => {
          const rules = SegmentRules.parse(tree) as SegmentGroup;
          const want = expected(rules, policy);
          if (want.length > 0 && want.length < fixture.facts.size - 5) nonTrivial++;
          expect(await repo.ids(compileSegment(rules, { ...ctx, policy, loyalty: DEFAULT_LOYALTY_RULES, dialect }))).toEqual(want);
        }),
        { seed: 16, numRuns: 80 },
      );
      expect(nonTrivial).toBeGreaterThan(15);
    });

    it("a saved segment through the service: preview, membership of each person, edits as versions", async () => {
      const { segments } = services(store());
      const rules = SegmentRules.parse({
        all: [
          { kind: "tags", tags: TAGS.slice(0, 1), match: "any" },
          { kind: "visitedStore", storeIds: STORES.slice(0, 2) },
        ],
      });
      const want = expected(rules);
      const saved = await segments.create(operator, { name: "VIP ghé quán", description: "", rules });
      const preview = await segments.previewSaved(saved.id);
      expect(preview.count).toBe(want.length);
      expect(preview.sample.map((p) => p.id)).toEqual(want.slice(0, 20));
      for (const id of fixture.facts.keys()) expect(await segments.contains(saved.id, id), id).toBe(want.includes(id));
      const next = SegmentRules.parse({ all: [{ kind: "playedGame", campaignIds: GAMES.slice(0, 1) }] });
      await segments.update(operator, saved.id, { name: "Chơi game", description: "", rules: next });
      const got = await segments.get(saved.id);
      expect(got.versions.map((v) => v.version)).toEqual([2, 1]);
      expect((await segments.snapshot(saved.id)).rules).toEqual(next);
      expect((await segments.preview(next)).count).toBe(expected(next).length);
    });

    it("concurrent edits of one segment: no edit is lost or doubled (one version per edit that won, numbered without gaps), a loser is CONFLICT", async () => {
      const { segments } = services(store());
      const saved = await segments.create(operator, { name: "Khách mới", description: "", rules: { all: [{ kind: "hasPhone" }] } });
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          segments.update(operator, saved.id, { name: `Sửa ${i}`, description: "", rules: { all: [{ kind: "points", min: i }] } }),
        ),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      // On SQLite the edits run one after another, each from the version it read: every one wins in turn. On
      // PostgreSQL they run at once: two that read the same version never both write the next (one reruns).
      const versions = (await segments.get(saved.id)).versions;
      expect(versions.length).toBe(1 + won.length);
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 1 + won.length }, (_, i) => 1 + won.length - i));
      for (const r of results) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe(ErrorCode.CONFLICT);
      expect(won.length).toBeGreaterThan(0);
    });

    it("an unknown tier is VALIDATION_FAILED and writes nothing", async () => {
      const { segments } = services(store());
      const before = (await segments.list()).length;
      await expect(
        (async () => segments.create(operator, { name: "x", description: "", rules: { all: [{ kind: "tier", tiers: ["platinum"] }] } }))(),
      ).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
      });
      expect((await segments.list()).length).toBe(before);
    });
  },
  { max: 8 },
);
