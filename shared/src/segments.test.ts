import { describe, expect, it } from "vitest";
import { decide, DEFAULT_WARMING_RULES, type PolicyCustomer, type PolicyMessage, type WarmingRules } from "./messaging";
import { BirthDate, csWindowOpen, localMonth, matches, promotionBlock, SegmentInput, SegmentRules, type SegmentFacts } from "./segments";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VN = "Asia/Ho_Chi_Minh";
/** Noon in Vietnam on 2026-11-23: inside Zalo's promotion hours. */
const NOW = Date.UTC(2026, 10, 23, 5);
// No obstacle from hours, caps or channel (this shop lets offers go by CS: the switch is off by default).
const open: WarmingRules = { ...DEFAULT_WARMING_RULES, quietHours: null, caps: [], zalo: { ...DEFAULT_WARMING_RULES.zalo, promotionsByCs: true } };

const person = (over: Partial<SegmentFacts> = {}): SegmentFacts => ({
  erased: false,
  tier: "member",
  pointsBalance: 0,
  followsOa: true,
  unfollowedAt: null,
  zaloOaId: "oa-1",
  phone: null,
  lastInteractionAt: null,
  prefs: { offersPerWeek: null, pausedUntil: null, mutedCategories: [] },
  fatigueUntil: null,
  tags: [],
  birthDate: null,
  orders: [],
  visits: [],
  plays: [],
  ...over,
});
const ctx = { now: NOW, timeZone: VN, policy: DEFAULT_WARMING_RULES };

describe("segment rules: the schema", () => {
  it("accepts nested all/any/none groups and normalises tags", () => {
    const r = SegmentRules.parse({
      all: [{ kind: "tags", tags: [" VIP "] }, { any: [{ kind: "follower", follows: true }, { none: [{ kind: "hasPhone" }] }] }],
    });
    expect(r).toEqual({
      all: [{ kind: "tags", tags: ["vip"], match: "any" }, { any: [{ kind: "follower", follows: true }, { none: [{ kind: "hasPhone" }] }] }],
    });
  });
  it("refuses bad ranges, windows over 10 years, unknown kinds and groups four deep", () => {
    const bad = [
      { all: [{ kind: "points", min: 10, max: 5 }] },
      { all: [{ kind: "points" }] },
      { all: [{ kind: "orderCount", days: 3651, min: 1 }] },
      { all: [{ kind: "lastVisit", min: -1 }] },
      { all: [{ kind: "spend", days: 0, min: 1 }] },
      { all: [{ kind: "birthdayMonth", months: [13] }] },
      { all: [{ kind: "birthdayMonth" }] },
      { all: [{ kind: "zodiac" }] },
      { all: [], any: [] },
      { all: [{ all: [{ all: [{ all: [{ kind: "hasPhone" }] }] }] }] },
      { all: Array.from({ length: 31 }, () => ({ kind: "hasPhone" })) },
    ];
    for (const b of bad) expect(SegmentRules.safeParse(b).success, JSON.stringify(b)).toBe(false);
    expect(SegmentRules.safeParse({ all: [{ all: [{ all: [{ kind: "hasPhone" }] }] }] }).success).toBe(true);
    expect(SegmentInput.safeParse({ name: "x", rules: { all: [] } }).success).toBe(false);
  });
  it("birth dates with or without a year", () => {
    for (const ok of ["1990-02-28", "02-29", "12-31"]) expect(BirthDate.safeParse(ok).success).toBe(true);
    for (const bad of ["1990-13-01", "2-3", "1990/02/03", "00-10"]) expect(BirthDate.safeParse(bad).success).toBe(false);
  });
});

describe("segment rules: in-memory reading", () => {
  it("empty groups: all and none match everyone, any no one; erased people never match", () => {
    expect(matches(person(), { all: [] }, ctx)).toBe(true);
    expect(matches(person(), { none: [] }, ctx)).toBe(true);
    expect(matches(person(), { any: [] }, ctx)).toBe(false);
    expect(matches(person({ erased: true }), { all: [] }, ctx)).toBe(false);
  });
  it("days since the last order: never ordered counts as long ago", () => {
    const never = person();
    const recent = person({ orders: [{ at: NOW - 3 * DAY, totalVnd: 50_000 }] });
    const atLeast30 = { all: [{ kind: "lastOrder" as const, min: 30 }] };
    const within7 = { all: [{ kind: "lastOrder" as const, max: 7 }] };
    expect([matches(never, atLeast30, ctx), matches(recent, atLeast30, ctx)]).toEqual([true, false]);
    expect([matches(never, within7, ctx), matches(recent, within7, ctx)]).toEqual([false, true]);
  });
  it("spend and order count in the last N days", () => {
    const p = person({
      orders: [
        { at: NOW - 2 * DAY, totalVnd: 60_000 },
        { at: NOW - 40 * DAY, totalVnd: 500_000 },
      ],
    });
    expect(matches(p, { all: [{ kind: "spend", days: 30, min: 100_000 }] }, ctx)).toBe(false);
    expect(matches(p, { all: [{ kind: "spend", days: 60, min: 100_000 }] }, ctx)).toBe(true);
    expect(matches(p, { all: [{ kind: "orderCount", days: 30, min: 1, max: 1 }] }, ctx)).toBe(true);
  });
  it("birthday this month is the shop's local month", () => {
    // 2026-11-30 18:00 UTC is already 1 December in Vietnam.
    const at = Date.UTC(2026, 10, 30, 18);
    expect(localMonth(at, VN)).toBe(12);
    const r = { all: [{ kind: "birthdayMonth" as const, thisMonth: true }] };
    expect(matches(person({ birthDate: "12-05" }), r, { ...ctx, now: at })).toBe(true);
    expect(matches(person({ birthDate: "1990-11-05" }), r, { ...ctx, now: at })).toBe(false);
  });
});

describe("segment reachability agrees with the send policy", () => {
  const promo: PolicyMessage = { category: "promotion", priority: 3, hasText: true, template: null, expiresAt: null };
  const care: PolicyMessage = { category: "care", priority: 3, hasText: true, template: null, expiresAt: null };

  it("promotionsAllowed ⇔ decide sends a promotion when channel, hour and history are no obstacle (every combination)", () => {
    let n = 0;
    for (const followsOa of [true, false])
      for (const everUnfollowed of [true, false])
        for (const mutedCategories of [[], ["promotion"], ["care"]])
          for (const pausedUntil of [null, NOW - 1, NOW, NOW + 1])
            for (const offersPerWeek of [null, 0, 2])
              for (const fatigueUntil of [null, NOW - 1, NOW + 1])
                for (const maxPromotions of [0, 1]) {
                  const rules: WarmingRules = { ...open, fatigue: { ...open.fatigue, maxPromotions } };
                  const c: PolicyCustomer = {
                    followsOa,
                    everUnfollowed,
                    oaUserId: "oa",
                    phone: null,
                    lastInteractionAt: NOW,
                    prefs: { offersPerWeek, pausedUntil, mutedCategories },
                    fatigueUntil,
                  };
                  const d = decide(c, promo, NOW, rules, []);
                  const block = promotionBlock(c, NOW, rules);
                  expect(d.action === "send" ? null : d.action === "suppress" ? d.reason : d, JSON.stringify(c)).toBe(block);
                  n++;
                }
    expect(n).toBe(864);
  });

  it("csWindowOpen ⇔ decide can send free text by CS (and freeOnly ⇔ for free)", () => {
    const w = open.zalo.csWindowDays * DAY;
    const f = open.zalo.csFreeHours * HOUR;
    for (const oaUserId of [null, "oa"])
      for (const lastInteractionAt of [null, NOW, NOW - f, NOW - f - 1, NOW - w, NOW - w - 1, NOW + HOUR]) {
        const c: PolicyCustomer = {
          followsOa: true,
          everUnfollowed: false,
          oaUserId,
          phone: null,
          lastInteractionAt,
          prefs: { offersPerWeek: null, pausedUntil: null, mutedCategories: [] },
          fatigueUntil: null,
        };
        const d = decide(c, care, NOW, open, []);
        expect(d.action === "send" && d.channel === "cs").toBe(csWindowOpen(c, NOW, open));
        expect(d.action === "send" && d.channel === "cs" && d.free).toBe(csWindowOpen(c, NOW, open, true));
      }
  });
});
