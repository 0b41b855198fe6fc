import { describe, expect, it } from "vitest";
import {
  allocate,
  formatProblem,
  validateTemplateData,
  decide,
  DEFAULT_WARMING_RULES,
  inLocalWindow,
  maxOffersPerWeek,
  nextLocalTime,
  WarmingRules,
  type PolicyCustomer,
  type PolicyMessage,
  type SentFact,
} from "./messaging";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VN = "Asia/Ho_Chi_Minh";
/** An instant at local Vietnam time (UTC+7) on 2026-11-23. */
const vn = (hh: number, mm = 0, dayOffset = 0) => Date.UTC(2026, 10, 23 + dayOffset, hh - 7, mm);

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
  phone: "84912345678",
  lastInteractionAt: vn(10) - 1 * DAY,
  prefs: { offersPerWeek: null, pausedUntil: null, mutedCategories: [] },
  fatigueUntil: null,
};
const promo: PolicyMessage = { category: "promotion", priority: 1, hasText: true, template: { tag: 3, uid: false, zns: true }, expiresAt: null };
const care: PolicyMessage = { ...promo, category: "care", template: { tag: 2, uid: true, zns: true } };
const tx: PolicyMessage = { category: "transactional", priority: 9, hasText: true, template: { tag: 1, uid: true, zns: true }, expiresAt: null };
const sent = (category: SentFact["category"], at: number, channel: SentFact["channel"] = "cs", znsTag: number | null = null): SentFact => ({
  category,
  channel,
  sentAt: at,
  znsTag,
});

describe("local time", () => {
  it("windows that cross midnight", () => {
    const q = { start: "21:30", end: "08:00" };
    expect(inLocalWindow(vn(21, 29), VN, q)).toBe(false);
    expect(inLocalWindow(vn(21, 30), VN, q)).toBe(true);
    expect(inLocalWindow(vn(0, 0), VN, q)).toBe(true);
    expect(inLocalWindow(vn(7, 59), VN, q)).toBe(true);
    expect(inLocalWindow(vn(8, 0), VN, q)).toBe(false);
  });
  it("next local time rolls to tomorrow once passed", () => {
    expect(nextLocalTime(vn(22), VN, "08:00")).toBe(vn(8, 0, 1));
    expect(nextLocalTime(vn(3), VN, "08:00")).toBe(vn(8));
    expect(nextLocalTime(vn(8), VN, "08:00")).toBe(vn(8));
  });
});

describe("decide: channel router (Zalo's rules)", () => {
  it("uses CS for free inside 48 h of the last interaction", () => {
    expect(decide(follower, care, vn(10), rules, [])).toEqual({ action: "send", channel: "cs", free: true });
  });
  it("CS is still allowed, but billable, between 48 h and 7 days", () => {
    const c = { ...follower, lastInteractionAt: vn(10) - 3 * DAY };
    expect(decide(c, { ...care, template: null }, vn(10), rules, [])).toEqual({ action: "send", channel: "cs", free: false });
  });
  it("at exactly 7 days CS is still open; a minute later it falls back to template by UID", () => {
    const edge = { ...follower, lastInteractionAt: vn(10) - 7 * DAY };
    expect(decide(edge, care, vn(10), rules, [])).toMatchObject({ action: "send", channel: "cs" });
    expect(decide(edge, care, vn(10) + 60_000, rules, [])).toMatchObject({ action: "send", channel: "template_uid" });
  });
  it("a text-only message to someone outside the window has no channel, with the reason", () => {
    const c = { ...follower, lastInteractionAt: vn(10) - 8 * DAY };
    expect(decide(c, { ...care, template: null }, vn(10), rules, [])).toMatchObject({ action: "suppress", reason: "OUTSIDE_CS_WINDOW" });
  });
  it("ZNS needs a phone", () => {
    const c = { ...follower, phone: null, lastInteractionAt: null };
    expect(decide(c, { ...tx, hasText: false, template: { tag: 1, uid: false, zns: true } }, vn(10), rules, [])).toMatchObject({
      action: "suppress",
      reason: "NO_PHONE",
    });
  });
  it("a non-follower with a phone still gets a transactional ZNS", () => {
    const c = { ...follower, followsOa: false, oaUserId: null, lastInteractionAt: null };
    expect(decide(c, tx, vn(23), rules, [])).toEqual({ action: "send", channel: "zns", free: false });
  });
  it("promotions wait for Zalo's promotion hours (06:00–22:00)", () => {
    const noQuiet = { ...rules, quietHours: null };
    expect(decide(follower, promo, vn(21, 59), noQuiet, [])).toMatchObject({ action: "send" });
    expect(decide(follower, promo, vn(22, 0), noQuiet, [])).toEqual({ action: "hold", until: vn(6, 0, 1), reason: "PROMOTION_HOURS" });
    expect(decide(follower, promo, vn(5, 59), noQuiet, [])).toEqual({ action: "hold", until: vn(6), reason: "PROMOTION_HOURS" });
  });
  it("ZNS promotions: at most one per person per day", () => {
    const c = { ...follower, lastInteractionAt: null };
    const h = [sent("promotion", vn(9), "zns", 3)];
    expect(decide(c, promo, vn(10), { ...rules, caps: [] }, h)).toMatchObject({ action: "suppress", reason: "ZNS_USER_PROMOTION_LIMIT" });
    expect(decide(c, promo, vn(9, 1, 1), { ...rules, caps: [] }, h)).toMatchObject({ action: "send", channel: "zns" });
  });
  it("quota exhausted: hold until the quota resets at local midnight", () => {
    const c = { ...follower, lastInteractionAt: null };
    expect(decide(c, tx, vn(10), rules, [], { zns: 0, uid: 0 })).toEqual({ action: "hold", until: vn(0, 0, 1), reason: "QUOTA_EXHAUSTED" });
  });
});

describe("decide: consent and preferences", () => {
  it("someone who unfollowed gets no care or promotion, but still their order notices by ZNS", () => {
    const gone = { ...follower, followsOa: false, everUnfollowed: true };
    expect(decide(gone, promo, vn(10), rules, [])).toEqual({ action: "suppress", reason: "UNFOLLOWED" });
    expect(decide(gone, tx, vn(10), rules, [])).toMatchObject({ action: "send" });
  });
  it("muted categories, pauses and the customer's weekly offer limit", () => {
    expect(decide({ ...follower, prefs: { ...follower.prefs, mutedCategories: ["promotion"] } }, promo, vn(10), rules, [])).toMatchObject({
      reason: "MUTED_BY_CUSTOMER",
    });
    expect(decide({ ...follower, prefs: { ...follower.prefs, pausedUntil: vn(10) + 1 } }, promo, vn(10), rules, [])).toMatchObject({
      reason: "PAUSED_BY_CUSTOMER",
    });
    expect(decide({ ...follower, prefs: { ...follower.prefs, pausedUntil: vn(10) } }, promo, vn(10), rules, [])).toMatchObject({ action: "send" });
    const once = { ...follower, prefs: { ...follower.prefs, offersPerWeek: 1 } };
    expect(decide(once, promo, vn(10), rules, [sent("promotion", vn(10) - 2 * DAY)])).toEqual({
      action: "hold",
      until: vn(10) + 5 * DAY,
      reason: "CUSTOMER_WEEKLY_LIMIT",
    });
    expect(decide({ ...follower, prefs: { ...follower.prefs, mutedCategories: ["promotion", "care"] } }, tx, vn(10), rules, [])).toMatchObject({
      action: "send",
    });
  });
});

describe("decide: quiet hours", () => {
  it("holds care and promotions until the window opens, never drops them", () => {
    expect(decide(follower, care, vn(21, 29), rules, [])).toMatchObject({ action: "send" });
    expect(decide(follower, care, vn(21, 30), rules, [])).toEqual({ action: "hold", until: vn(8, 0, 1), reason: "QUIET_HOURS" });
    expect(decide(follower, care, vn(2), rules, [])).toEqual({ action: "hold", until: vn(8), reason: "QUIET_HOURS" });
    expect(decide(follower, care, vn(8), rules, [])).toMatchObject({ action: "send" });
  });
  it("transactional messages are not held", () => expect(decide(follower, tx, vn(2), rules, [])).toMatchObject({ action: "send" }));
  it("a held promotion that would arrive after it expires expires instead", () => {
    expect(decide(follower, { ...care, expiresAt: vn(7, 0, 1) }, vn(23), rules, [])).toEqual({ action: "expire", reason: "QUIET_HOURS" });
    expect(decide(follower, { ...care, expiresAt: vn(9, 0, 1) }, vn(23), rules, [])).toMatchObject({ action: "hold", until: vn(8, 0, 1) });
    expect(decide(follower, { ...care, expiresAt: vn(10) }, vn(10), rules, [])).toEqual({ action: "expire", reason: "EXPIRED" });
  });
});

describe("decide: business caps", () => {
  it("cap exactly reached holds until the oldest send leaves the window", () => {
    const h = [sent("promotion", vn(10) - 6 * DAY), sent("promotion", vn(10) - 1 * DAY)];
    expect(decide(follower, promo, vn(10), rules, h.slice(0, 1))).toMatchObject({ action: "send" });
    expect(decide(follower, promo, vn(10), rules, h)).toEqual({ action: "hold", until: vn(10) + 1 * DAY, reason: "CAP_REACHED" });
  });
  it("caps count only the categories they name: transactional sends use up no slot, not even an 'any' one", () => {
    const r = { ...rules, caps: [{ category: "any" as const, channel: "any" as const, max: 1, windowHours: 24 }] };
    expect(decide(follower, care, vn(10), r, [sent("transactional", vn(9))])).toMatchObject({ action: "send" });
    expect(decide(follower, care, vn(10), r, [sent("transactional", vn(9)), sent("care", vn(9, 30))])).toMatchObject({
      action: "hold",
      reason: "CAP_REACHED",
      until: vn(9, 30, 1),
    });
    const promoCap = { ...rules, caps: [{ category: "promotion" as const, channel: "any" as const, max: 1, windowHours: 24 }] };
    expect(decide(follower, promo, vn(10), promoCap, [sent("transactional", vn(9)), sent("care", vn(9, 30))])).toMatchObject({ action: "send" });
    // Transactional messages are never capped themselves.
    expect(decide(follower, tx, vn(10), r, [sent("transactional", vn(9)), sent("care", vn(9, 30))])).toMatchObject({ action: "send" });
  });
  it("the default rules let the first care broadcast through after a welcome and an order message", () => {
    const afterOrder = [sent("transactional", vn(9)), sent("transactional", vn(9, 40))];
    expect(decide(follower, care, vn(10), DEFAULT_WARMING_RULES, afterOrder)).toMatchObject({ action: "send" });
    expect(decide(follower, promo, vn(10), DEFAULT_WARMING_RULES, afterOrder)).toMatchObject({ action: "send" });
    // A second broadcast the same day is what the defaults hold.
    expect(decide(follower, care, vn(11), DEFAULT_WARMING_RULES, [...afterOrder, sent("care", vn(10))])).toMatchObject({
      action: "hold",
      reason: "CAP_REACHED",
    });
  });
  it("empty caps mean no cap, never block-all", () => {
    const h = Array.from({ length: 50 }, (_, i) => sent("promotion", vn(10) - i * HOUR));
    expect(decide(follower, promo, vn(10), { ...rules, caps: [] }, h)).toMatchObject({ action: "send" });
  });
  it("a channel-specific cap only counts that channel", () => {
    const r = { ...rules, caps: [{ category: "any" as const, channel: "zns" as const, max: 1, windowHours: 24 }] };
    expect(decide(follower, care, vn(10), r, [sent("care", vn(9), "zns")])).toMatchObject({ action: "send", channel: "cs" });
  });
});

describe("decide: fatigue", () => {
  it("after a blamed unfollow (and re-follow), promotions are tightened until the fatigue period ends", () => {
    const tired = { ...follower, fatigueUntil: vn(10) + 10 * DAY };
    const r = { ...rules, caps: [] };
    expect(decide(tired, promo, vn(10), r, [])).toMatchObject({ action: "send" });
    expect(decide(tired, promo, vn(10), r, [sent("promotion", vn(10) - DAY)])).toEqual({ action: "hold", until: vn(10) + 10 * DAY, reason: "FATIGUE" });
    expect(decide(tired, care, vn(10), r, [sent("promotion", vn(10) - DAY)])).toMatchObject({ action: "send" });
  });
});

describe("allocate: competing messages for the last slot", () => {
  it("the higher priority takes the slot; the other is held", () => {
    const h = [sent("promotion", vn(10) - DAY)];
    const out = allocate(
      follower,
      [
        { ...promo, id: 1, priority: 1 },
        { ...promo, id: 2, priority: 5 },
      ],
      vn(10),
      rules,
      h,
    );
    expect(out.map((o) => [o.message.id, o.decision.action])).toEqual([
      [2, "send"],
      [1, "hold"],
    ]);
  });
  it("ties go to the oldest message", () => {
    const out = allocate(
      follower,
      [
        { ...promo, id: 11 },
        { ...promo, id: 3 },
      ],
      vn(10),
      rules,
      [sent("promotion", vn(10) - DAY)],
    );
    expect(out[0]!.message.id).toBe(3);
  });
});

describe("rules validation and the shopper's promise", () => {
  it("refuses rules that would block everything by accident", () => {
    expect(WarmingRules.safeParse({ ...DEFAULT_WARMING_RULES, quietHours: { start: "06:00", end: "06:00" } }).success).toBe(false);
    expect(WarmingRules.safeParse({ ...DEFAULT_WARMING_RULES, quietHours: { start: "05:00", end: "23:00" } }).success).toBe(false);
    expect(WarmingRules.safeParse({ ...DEFAULT_WARMING_RULES, caps: [{ category: "promotion", max: 0, windowHours: 24 }] }).success).toBe(false);
    expect(WarmingRules.safeParse({ ...DEFAULT_WARMING_RULES, timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(WarmingRules.safeParse(DEFAULT_WARMING_RULES).success).toBe(true);
  });
  it("'at most N offers a week' is the tightest of the customer's limit and the shop's caps", () => {
    const none = { offersPerWeek: null, mutedCategories: [], pausedUntil: null };
    expect(maxOffersPerWeek(rules, none, vn(10))).toBe(2);
    expect(maxOffersPerWeek(rules, { ...none, offersPerWeek: 1 }, vn(10))).toBe(1);
    expect(maxOffersPerWeek({ ...rules, caps: [] }, none, vn(10))).toBeNull();
    expect(maxOffersPerWeek(rules, { ...none, mutedCategories: ["promotion"] }, vn(10))).toBe(0);
  });
});

describe("ZNS param formats (zalo-platform.md §7.4)", () => {
  it("accepts Zalo's date layouts and refuses others", () => {
    for (const v of ["18:30", "18:30:05", "18:30 25/12/2026", "18:30:05 25/12/2026", "25/12/2026", "12/2026"]) expect(formatProblem("DATE", v), v).toBeNull();
    for (const v of ["2026-12-25", "32/12/2026", "25/13/2026", "25.12.2026", "24:00"]) expect(formatProblem("DATE", v), v).not.toBeNull();
  });
  it("checks every typed param, so a bad value is refused before it is queued", () => {
    const params = ["PHONE", "EMAIL", "URL", "CODE", "NUMBER"].map((type) => ({ name: type.toLowerCase(), type, maxLength: 200, require: true }) as const);
    const good = { phone: "84912345678", email: "ha@example.vn", url: "https://quan.vn/a", code: "PE-01", number: "45000" };
    expect(validateTemplateData([...params], good).problems).toEqual([]);
    const bad = validateTemplateData([...params], { phone: "09 12", email: "ha@", url: "quan.vn", code: "PE 01", number: "4.5" });
    expect(bad.problems.map((p) => [p.param, p.code])).toEqual([
      ["phone", "BAD_FORMAT"],
      ["email", "BAD_FORMAT"],
      ["url", "BAD_FORMAT"],
      ["code", "BAD_FORMAT"],
      ["number", "BAD_FORMAT"],
    ]);
  });
});
