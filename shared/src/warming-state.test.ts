import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decide,
  DEFAULT_WARMING_RULES,
  WarmingRules,
  type Category,
  type Decision,
  type PolicyCustomer,
  type PolicyMessage,
  type Quota,
  type SentFact,
} from "./messaging";
import { blocksAt, earliestSend, formatShopTime, probeMessage, quotaAt, warmingState, WARMING_CATEGORIES, type WarmingInputs } from "./warming-state";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VN = "Asia/Ho_Chi_Minh";
/** An instant at local Vietnam time (UTC+7) on 2026-12-02 (plus `days`). */
const vn = (hh: number, mm = 0, days = 0) => Date.UTC(2026, 11, 2 + days, hh - 7, mm);

// Promotions by CS switched on (off by default): most examples send offers by CS.
const rules: WarmingRules = {
  ...DEFAULT_WARMING_RULES,
  caps: [{ category: "promotion", channel: "any", max: 2, windowHours: 24 * 7 }],
  zalo: { ...DEFAULT_WARMING_RULES.zalo, promotionsByCs: true },
};
const follower: PolicyCustomer = {
  followsOa: true,
  everUnfollowed: false,
  oaUserId: "2468",
  phone: null,
  lastInteractionAt: vn(10) - DAY,
  prefs: { offersPerWeek: null, pausedUntil: null, mutedCategories: [] },
  fatigueUntil: null,
};
const sent = (category: SentFact["category"], sentAt: number, channel: SentFact["channel"] = "cs"): SentFact => ({ category, channel, sentAt, znsTag: null });
const of = (s: ReturnType<typeof warmingState>, k: Category) => s.categories.find((c) => c.category === k)!;
const at = (iso: string | null) => (iso === null ? null : Date.parse(iso));

describe("warming state: examples", () => {
  it("in quiet hours a promotion waits for their end, said in words in the shop's time", () => {
    const s = warmingState({ customer: follower, history: [], rules, now: vn(23) });
    const p = of(s, "promotion");
    expect(p).toMatchObject({ allowedNow: false, channel: null, nextAllowedAt: new Date(vn(8, 0, 1)).toISOString() });
    // 23:00 is also outside Zalo's promotion hours (06:00–22:00): both blocks, in decide's layer order.
    expect(p.reasons.map((r) => [r.layer, r.code, at(r.until)])).toEqual([
      ["zalo", "PROMOTION_HOURS", vn(6, 0, 1)],
      ["quiet_hours", "QUIET_HOURS", vn(8, 0, 1)],
    ]);
    expect(p.reasons[1]!.text).toBe("Trong giờ yên lặng (sẽ gửi khi hết giờ) — đến 08:00 ngày 3/12");
    expect(s.summary).toBe("Có thể nhận ưu đãi từ 08:00 ngày 3/12 (ngoài khung giờ Zalo cho gửi khuyến mãi, đang trong giờ yên lặng).");
    // Transactional messages know no quiet hours.
    expect(of(s, "transactional")).toMatchObject({ allowedNow: true, channel: "cs", free: true, reasons: [] });
  });

  it("at the weekly cap the next slot is when the oldest send leaves the window", () => {
    const history = [sent("promotion", vn(10) - 6 * DAY), sent("promotion", vn(10) - 2 * DAY)];
    const s = warmingState({ customer: follower, history, rules, now: vn(10) });
    const p = of(s, "promotion");
    expect(p.nextAllowedAt).toBe(new Date(vn(10) + DAY).toISOString());
    expect(p.reasons.map((r) => r.code)).toEqual(["CAP_REACHED"]);
    expect(p.reasons[0]!.text).toBe("Đạt giới hạn tần suất của cửa hàng (ưu đãi: tối đa 2 tin / 7 ngày) — đến 10:00 ngày 3/12");
    expect(s.caps).toEqual([
      {
        label: "Ưu đãi: tối đa 2 tin / 7 ngày",
        source: "shop",
        category: "promotion",
        channel: "any",
        windowHours: 168,
        used: 2,
        max: 2,
        resetsAt: new Date(vn(10) + DAY).toISOString(),
      },
    ]);
    // Care is not counted by a promotion cap.
    expect(of(s, "care").allowedNow).toBe(true);
  });

  it("an unfollowed person's promotions are blocked for good; a paused one's until the date", () => {
    const gone = warmingState({ customer: { ...follower, followsOa: false, everUnfollowed: true }, history: [], rules, now: vn(10) });
    expect(of(gone, "promotion")).toMatchObject({ allowedNow: false, nextAllowedAt: null });
    expect(of(gone, "promotion").reasons[0]).toMatchObject({ layer: "consent", code: "UNFOLLOWED", until: null });
    expect(gone.summary).toBe("Không nhận được ưu đãi (đã bỏ quan tâm OA); tin giao dịch vẫn gửi được qua tin tư vấn (CS).");
    const pausedUntil = vn(0, 0, 8);
    const paused = warmingState({ customer: { ...follower, prefs: { ...follower.prefs, pausedUntil } }, history: [], rules, now: vn(10) });
    expect(of(paused, "promotion").nextAllowedAt).toBe(new Date(vn(8, 0, 8)).toISOString()); // midnight is quiet: 08:00
    expect(paused.summary).toBe("Có thể nhận ưu đãi từ 08:00 ngày 10/12 (khách tạm dừng nhận ưu đãi).");
  });

  it("a lasting block that starts later is named with its start (the CS window closes overnight)", () => {
    const stale = { ...follower, followsOa: false, lastInteractionAt: vn(23) - 7 * DAY + HOUR };
    const s = warmingState({ customer: stale, history: [], rules, now: vn(23) });
    const p = of(s, "promotion");
    expect(p.nextAllowedAt).toBeNull();
    expect(s.summary).toBe(
      "Không nhận được ưu đãi (ngoài khung giờ Zalo cho gửi khuyến mãi, đang trong giờ yên lặng; từ 00:00 ngày 3/12: lâu chưa tương tác với OA); tin giao dịch vẫn gửi được qua tin tư vấn (CS).",
    );
    expect(p.reasons.at(-1)).toMatchObject({
      code: "OUTSIDE_CS_WINDOW",
      until: null,
      text: "Quá 7 ngày từ lần tương tác cuối (ngoài cửa sổ CS) — từ 00:00 ngày 3/12",
    });
  });

  it("no phone and not a follower: nothing can reach them", () => {
    const nobody = { ...follower, followsOa: false, oaUserId: null, lastInteractionAt: null };
    const s = warmingState({ customer: nobody, history: [], rules, now: vn(10) });
    for (const c of s.categories) expect(c).toMatchObject({ allowedNow: false, nextAllowedAt: null });
    expect(of(s, "transactional").reasons.map((r) => r.code)).toEqual(["NOT_A_FOLLOWER", "NO_PHONE"]);
    expect(s.summary).toBe("Không gửi được tin nào cho khách này (chưa quan tâm OA, chưa có số điện thoại).");
  });

  it("a cap on CS stops holding a promotion once the CS window closes and the template by UID can carry it", () => {
    const csCap: WarmingRules = { ...rules, caps: [{ category: "promotion", channel: "cs", max: 1, windowHours: 24 }] };
    // The window closes at 22:00; the CS promotion sent at 09:00 keeps the cap full until 09:00 tomorrow.
    const closing = { ...follower, lastInteractionAt: vn(22) - 7 * DAY };
    const s = warmingState({ customer: closing, history: [sent("promotion", vn(9))], rules: csCap, now: vn(10) });
    const p = of(s, "promotion");
    expect(p.reasons.map((r) => [r.code, at(r.until)])).toEqual([["CAP_REACHED", vn(9, 0, 1)]]);
    // 22:00 is past Zalo's promotion hours and in the quiet ones: by UID at 08:00, an hour before the CS cap frees.
    expect(p.nextAllowedAt).toBe(new Date(vn(8, 0, 1)).toISOString());
    expect(decide(closing, probeMessage("promotion"), vn(8, 0, 1), csCap, [sent("promotion", vn(9))])).toMatchObject({
      action: "send",
      channel: "template_uid",
    });
  });

  it("formats times in the shop's zone, with the year only when it is another", () => {
    expect(formatShopTime(vn(8, 5), VN)).toBe("08:05 ngày 2/12");
    expect(formatShopTime(Date.UTC(2027, 0, 1, 1), VN, vn(8))).toBe("08:00 ngày 1/1/2027");
    expect(formatShopTime(vn(8, 5), "UTC")).toBe("01:05 ngày 2/12");
  });
});

// ---- properties: the state says what decide says ----

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const window = fc.record({ start: hhmm, end: hhmm });
// Zones without daylight saving (decide's local-time arithmetic takes the offset of the moment it is asked).
const zone = fc.constantFrom(VN, "UTC", "Asia/Tokyo", "Asia/Kolkata");
const cap = fc.record({
  category: fc.constantFrom("care" as const, "promotion" as const, "any" as const),
  channel: fc.constantFrom("cs" as const, "template_uid" as const, "zns" as const, "any" as const, "any" as const),
  max: fc.constantFrom(1, 1, 2, 3),
  windowHours: fc.constantFrom(1, 5, 20, 24, 72, 168),
});
const rulesArb = fc
  .record({
    timeZone: zone,
    quietHours: fc.option(window, { nil: null }),
    caps: fc.array(cap, { maxLength: 3 }),
    fatigue: fc.record({
      unfollowWithinHours: fc.constant(48),
      tightenForDays: fc.constant(30),
      maxPromotions: fc.integer({ min: 0, max: 2 }),
      windowHours: fc.constantFrom(24, 72, 336),
    }),
    promotionHours: fc.oneof(fc.constant({ start: "06:00", end: "22:00" }), window),
    znsPerDay: fc.integer({ min: 0, max: 2 }),
    znsPerMonth: fc.integer({ min: 0, max: 4 }),
    promotionsByCs: fc.boolean(),
  })
  .map((r): WarmingRules => ({
    ...DEFAULT_WARMING_RULES,
    timeZone: r.timeZone,
    quietHours: r.quietHours,
    caps: r.caps,
    fatigue: r.fatigue,
    zalo: {
      ...DEFAULT_WARMING_RULES.zalo,
      promotionHours: r.promotionHours,
      znsPromotionPerUserPerDay: r.znsPerDay,
      znsPromotionPerUserPerMonth: r.znsPerMonth,
      promotionsByCs: r.promotionsByCs,
    },
  }))
  .filter((r) => WarmingRules.safeParse(r).success);

const NOW0 = Date.UTC(2026, 0, 1);
const nowArb = fc.integer({ min: NOW0, max: NOW0 + 365 * DAY });
const offset = (maxDays: number) => fc.integer({ min: 0, max: maxDays * DAY });
/** `usual` three times in four. */
const often = <T>(usual: T, other: T) => fc.oneof({ arbitrary: fc.constant(usual), weight: 3 }, { arbitrary: fc.constant(other), weight: 1 });

const inputsArb = nowArb.chain((now) =>
  fc.record({
    now: fc.constant(now),
    rules: rulesArb,
    customer: fc.record({
      followsOa: often(true, false),
      everUnfollowed: often(false, true),
      oaUserId: often<string | null>("u1", null),
      phone: fc.constantFrom(null, "84912345678"),
      lastInteractionAt: fc.oneof(
        offset(2).map((o) => now - o),
        offset(9).map((o) => now - o),
        fc.constant(null),
      ),
      prefs: fc.record({
        offersPerWeek: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 2 }),
        pausedUntil: fc.option(
          fc.integer({ min: -3 * DAY, max: 20 * DAY }).map((o) => now + o),
          { nil: null, freq: 2 },
        ),
        mutedCategories: fc.oneof({ arbitrary: fc.constant<string[]>([]), weight: 3 }, { arbitrary: fc.subarray(["care", "promotion"]), weight: 1 }),
      }),
      fatigueUntil: fc.option(
        fc.integer({ min: -3 * DAY, max: 30 * DAY }).map((o) => now + o),
        { nil: null, freq: 2 },
      ),
    }),
    history: fc.array(
      fc.record({
        category: fc.constantFrom<Category>("transactional", "care", "promotion", "promotion"),
        channel: fc.constantFrom("cs" as const, "template_uid" as const, "zns" as const),
        sentAt: fc.oneof(offset(1), offset(8), offset(35)).map((o) => now - o),
        znsTag: fc.option(fc.constantFrom(1, 2, 3), { nil: null }),
      }),
      { maxLength: 10 },
    ),
    quota: fc.record({ zns: fc.constantFrom(null, 0, 5), uid: fc.constantFrom(null, 0, 5) }),
    template: fc.option(fc.record({ tag: fc.constantFrom(1 as const, 2 as const, 3 as const), uid: fc.boolean(), zns: fc.boolean() }), { nil: null }),
    probe: fc.constantFrom("default", "text", "template"),
    samples: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 5, maxLength: 5 }),
  }),
);

type Case = typeof inputsArb extends fc.Arbitrary<infer T> ? T : never;
function probesOf(c: { probe: string; template: PolicyMessage["template"] }): WarmingInputs["probes"] {
  if (c.probe === "default") return undefined;
  return Object.fromEntries(WARMING_CATEGORIES.map((k) => [k, probeMessage(k, c.probe === "text" ? null : c.template)]));
}
const reasonOf = (d: Decision) => (d.action === "send" ? null : d.reason);

describe("warming state: properties", () => {
  it("allowedNow and the first reason are decide's at now; decide sends at nextAllowedAt and at no instant before it", () => {
    fc.assert(
      fc.property(inputsArb, (c: Case) => {
        const probes = probesOf(c);
        const quota: Quota = c.quota;
        const state = warmingState({ customer: c.customer, history: c.history, quota, rules: c.rules, now: c.now, probes });
        const decideAt = (m: PolicyMessage, t: number) => decide(c.customer, m, t, c.rules, c.history, quotaAt(quota, c.now, c.rules.timeZone, t));
        for (const s of state.categories) {
          const m = probes?.[s.category] ?? probeMessage(s.category);
          const d = decide(c.customer, m, c.now, c.rules, c.history, quota);
          expect(s.allowedNow).toBe(d.action === "send");
          expect(s.channel).toBe(d.action === "send" ? d.channel : null);
          // Every block standing now, the first being the one decide names; none when it sends.
          const blocks = blocksAt(c.customer, m, c.now, c.rules, c.history, quota);
          expect(blocks.length === 0).toBe(d.action === "send");
          if (d.action !== "send") {
            expect(blocks[0]!.code).toBe(d.reason);
            expect(s.reasons[0]!.code).toBe(d.reason);
          }
          if (d.action === "hold") expect(Math.max(...blocks.filter((b) => b.code === d.reason).map((b) => b.until!))).toBe(d.until);
          if (s.allowedNow) continue;
          const next = at(s.nextAllowedAt);
          const e = earliestSend(c.customer, m, c.now, c.rules, c.history, quota);
          expect(e.at).toBe(next);
          if (next !== null) {
            expect(next).toBeGreaterThan(c.now);
            expect(decideAt(m, next).action).toBe("send");
            expect(decideAt(m, next - 1).action).not.toBe("send");
            for (const x of c.samples) expect(reasonOf(decideAt(m, c.now + Math.floor(x * (next - c.now))))).not.toBeNull();
          } else {
            // Never while a lasting block stands: not at any later instant either.
            expect(e.stoppedBy).not.toBeNull();
            for (const x of c.samples) expect(decideAt(m, c.now + Math.floor(x * 90 * DAY)).action).not.toBe("send");
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
