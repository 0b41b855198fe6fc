import { z } from "zod";
import { tzOffsetMinutes } from "./local-time";
import type { PolicyCustomer, WarmingRules } from "./messaging";

/**
 * Segments: named audiences built from rules combined by `all` / `any` / `none` groups. The server compiles
 * a rule tree to one SQL condition (modules/segments/repo.ts); `matches` below is the plain in-memory
 * reading of the same rules, and a property test holds the two to the same answer.
 *
 * Definitions both sides share:
 * - an *order* is a completed order (`orders.status = 'completed'`, at `completed_at`; spend = `total_vnd`);
 * - a *visit* is any of: a completed order, a points award at a store (an `earn` ledger entry with a
 *   store), a game play, a voucher redeemed at a store (see VISIT_SOURCES in the server's segment repo);
 * - "N days ago" is measured in whole 24-hour days back from now: within N days = at ≥ now − N·24h;
 * - erased people never match.
 */

const DAY = 86_400_000;
const days = z.number().int().min(0).max(3650);
const windowDays = z.number().int().min(1).max(3650);
const id = z.string().min(1).max(64);

/** A birth date: `YYYY-MM-DD`, or `MM-DD` when the year is not known. */
export const BirthDate = z.string().regex(/^(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "use YYYY-MM-DD or MM-DD");

const bounded = <T extends { min?: number; max?: number }>(r: T) =>
  (r.min !== undefined || r.max !== undefined) && (r.min === undefined || r.max === undefined || r.min <= r.max);
const boundsMessage = { message: "give min, max or both (min ≤ max)", params: { vi: "nhập tối thiểu, tối đa hoặc cả hai (tối thiểu ≤ tối đa)" } };

export const SegmentRule = z.discriminatedUnion("kind", [
  /** The tier the person is in now (points earned in the loyalty rules' rolling window). */
  z.object({ kind: z.literal("tier"), tiers: z.array(z.string().min(1).max(20)).min(1).max(10) }).strict(),
  /** Points balance now. */
  z
    .object({ kind: z.literal("points"), min: z.number().int().min(0).max(1e9).optional(), max: z.number().int().min(0).max(1e9).optional() })
    .strict()
    .refine(bounded, boundsMessage),
  /** Last completed order at least `min` / at most `max` days ago; someone who never ordered counts as "long ago". */
  z
    .object({ kind: z.literal("lastOrder"), min: days.optional(), max: days.optional() })
    .strict()
    .refine(bounded, boundsMessage),
  /** Last visit (see above) at least `min` / at most `max` days ago; never visited counts as "long ago". */
  z
    .object({ kind: z.literal("lastVisit"), min: days.optional(), max: days.optional() })
    .strict()
    .refine(bounded, boundsMessage),
  /** Completed orders in the last `days` days. */
  z
    .object({
      kind: z.literal("orderCount"),
      days: windowDays,
      min: z.number().int().min(0).max(1e6).optional(),
      max: z.number().int().min(0).max(1e6).optional(),
    })
    .strict()
    .refine(bounded, boundsMessage),
  /** VND spent on completed orders in the last `days` days. */
  z
    .object({
      kind: z.literal("spend"),
      days: windowDays,
      min: z.number().int().min(0).max(1e12).optional(),
      max: z.number().int().min(0).max(1e12).optional(),
    })
    .strict()
    .refine(bounded, boundsMessage),
  /** Visited any of these stores (ever, or in the last `days` days). */
  z.object({ kind: z.literal("visitedStore"), storeIds: z.array(id).min(1).max(100), days: windowDays.optional() }).strict(),
  /** Played any game (or one of these campaigns), ever or in the last `days` days. */
  z.object({ kind: z.literal("playedGame"), campaignIds: z.array(id).max(100).optional(), days: windowDays.optional() }).strict(),
  z.object({ kind: z.literal("follower"), follows: z.boolean() }).strict(),
  /** Unfollowed the OA in the last `days` days (whether or not they followed again since). */
  z.object({ kind: z.literal("unfollowed"), days: windowDays }).strict(),
  z
    .object({
      kind: z.literal("tags"),
      tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).min(1).max(20),
      match: z.enum(["any", "all"]).default("any"),
    })
    .strict(),
  /** Born in one of these months, and/or in the shop's current month (local time). */
  z
    .object({ kind: z.literal("birthdayMonth"), months: z.array(z.number().int().min(1).max(12)).max(12).optional(), thisMonth: z.boolean().optional() })
    .strict()
    .refine((r) => (r.months?.length ?? 0) > 0 || r.thisMonth === true, { message: "give months or thisMonth", params: { vi: "chọn tháng hoặc “tháng này”" } }),
  /** Zalo's consultation (CS) window is open now (free text by CS can reach them): the send policy's own test. */
  z.object({ kind: z.literal("csWindowOpen"), freeOnly: z.boolean().default(false) }).strict(),
  z.object({ kind: z.literal("hasPhone") }).strict(),
  /** Nothing about the person stops a promotion now: consent, their own preferences, fatigue (see promotionBlock). */
  z.object({ kind: z.literal("promotionsAllowed") }).strict(),
]);
export type SegmentRule = z.infer<typeof SegmentRule>;

export type SegmentNode = SegmentRule | SegmentGroup;
/** `all` = AND, `any` = OR, `none` = NOT(any). Empty: `all` and `none` match everyone, `any` no one. */
export type SegmentGroup = { all: SegmentNode[] } | { any: SegmentNode[] } | { none: SegmentNode[] };

const MAX_CHILDREN = 30;
const MAX_RULES = 60;
// Fixed depth (three levels of groups) rather than a recursive schema: the OpenAPI document and the
// bad-input fuzz read it as plain nested objects, and no tree can be deep enough to hurt the compiler.
const groupOf = <T extends z.ZodType>(child: T) =>
  z.union([
    z.object({ all: z.array(child).max(MAX_CHILDREN) }).strict(),
    z.object({ any: z.array(child).max(MAX_CHILDREN) }).strict(),
    z.object({ none: z.array(child).max(MAX_CHILDREN) }).strict(),
  ]);
const Group1 = groupOf(SegmentRule);
const Group2 = groupOf(z.union([SegmentRule, Group1]));

export const childrenOf = (g: SegmentGroup): SegmentNode[] => ("all" in g ? g.all : "any" in g ? g.any : g.none);
export const isGroup = (n: SegmentNode): n is SegmentGroup => !("kind" in n);
export const countRules = (n: SegmentNode): number => (isGroup(n) ? childrenOf(n).reduce((s, c) => s + countRules(c), 0) : 1);

export const SegmentRules = groupOf(z.union([SegmentRule, Group2])).superRefine((g, ctx) => {
  if (countRules(g as SegmentGroup) > MAX_RULES)
    ctx.addIssue({ code: "custom", message: `at most ${MAX_RULES} rules in a segment`, params: { vi: `một phân khúc có tối đa ${MAX_RULES} điều kiện` } });
});
export type SegmentRules = SegmentGroup;

// ---- the facts one person is judged on ----

export type SegmentFacts = {
  erased: boolean;
  /** Key of the tier the person is in now. */
  tier: string;
  pointsBalance: number;
  followsOa: boolean;
  unfollowedAt: number | null;
  zaloOaId: string | null;
  phone: string | null;
  lastInteractionAt: number | null;
  /** The parsed preferences (`pausedUntil` as epoch ms). */
  prefs: PolicyCustomer["prefs"];
  fatigueUntil: number | null;
  tags: string[];
  birthDate: string | null;
  /** Completed orders. */
  orders: { at: number; totalVnd: number }[];
  visits: { storeId: string; at: number }[];
  plays: { campaignId: string; at: number }[];
};

/** What the segment rules read from the warming rules (the send policy's own constants). */
export type SegmentPolicy = { zalo: Pick<WarmingRules["zalo"], "csWindowDays" | "csFreeHours">; fatigue: Pick<WarmingRules["fatigue"], "maxPromotions"> };

export type SegmentContext = { now: number; timeZone: string; policy: SegmentPolicy };

/** The month (1–12) at `at` in the shop's time zone. */
export const localMonth = (at: number, timeZone: string) => new Date(at + tzOffsetMinutes(timeZone, at) * 60_000).getUTCMonth() + 1;

/** The month of a `BirthDate` (both forms end in MM-DD). */
export const birthMonth = (d: string) => Number(d.slice(-5, -3));

export const toPolicyCustomer = (f: SegmentFacts): PolicyCustomer => ({
  followsOa: f.followsOa,
  everUnfollowed: f.unfollowedAt !== null,
  oaUserId: f.zaloOaId,
  phone: f.phone,
  lastInteractionAt: f.lastInteractionAt,
  prefs: f.prefs,
  fatigueUntil: f.fatigueUntil,
});

/**
 * The CS window of `decide` (layer 2): CS needs the follower id and an interaction within `csWindowDays`
 * (free within `csFreeHours`). Consent (layer 1) is not part of it: combine with the follower rule.
 */
export function csWindowOpen(c: PolicyCustomer, now: number, policy: SegmentPolicy, freeOnly = false): boolean {
  if (!c.oaUserId || c.lastInteractionAt === null) return false;
  const since = now - c.lastInteractionAt;
  return since <= (freeOnly ? policy.zalo.csFreeHours * 3_600_000 : policy.zalo.csWindowDays * DAY);
}

/**
 * Why `decide` would suppress any promotion to this person now, whatever the channel, hour or history:
 * consent (unfollowed), muted, paused, a weekly limit of 0, fatigue with no promotion allowed. null = none.
 * What it leaves out, because it depends on the message or the moment rather than the person: which
 * channel can carry it (combine with csWindowOpen / hasPhone / follower), Zalo's promotion hours and quiet
 * hours (holds, not refusals), and rolling caps over the send history (holds until a slot frees).
 * shared/src/segments.test.ts checks this against `decide` over every combination of these facts.
 */
export function promotionBlock(
  c: PolicyCustomer,
  now: number,
  policy: SegmentPolicy,
): "UNFOLLOWED" | "MUTED_BY_CUSTOMER" | "PAUSED_BY_CUSTOMER" | "CUSTOMER_WEEKLY_LIMIT" | "FATIGUE" | null {
  if (c.everUnfollowed && !c.followsOa) return "UNFOLLOWED";
  if (c.prefs.mutedCategories.includes("promotion")) return "MUTED_BY_CUSTOMER";
  if (c.prefs.pausedUntil !== null && now < c.prefs.pausedUntil) return "PAUSED_BY_CUSTOMER";
  if (c.prefs.offersPerWeek === 0) return "CUSTOMER_WEEKLY_LIMIT";
  if (c.fatigueUntil !== null && now < c.fatigueUntil && policy.fatigue.maxPromotions === 0) return "FATIGUE";
  return null;
}

const inRange = (v: number, r: { min?: number; max?: number }) => (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
/** "At least min / at most max days ago"; `at` null (never) counts as long ago. */
const daysAgo = (at: number | null, r: { min?: number; max?: number }, now: number) =>
  (r.min === undefined || at === null || at <= now - r.min * DAY) && (r.max === undefined || (at !== null && at >= now - r.max * DAY));
const latest = (xs: { at: number }[]) => (xs.length ? Math.max(...xs.map((x) => x.at)) : null);

function ruleMatches(f: SegmentFacts, r: SegmentRule, ctx: SegmentContext): boolean {
  const { now } = ctx;
  const since = (d: number | undefined) => (d === undefined ? -Infinity : now - d * DAY);
  switch (r.kind) {
    case "tier":
      return r.tiers.includes(f.tier);
    case "points":
      return inRange(f.pointsBalance, r);
    case "lastOrder":
      return daysAgo(latest(f.orders), r, now);
    case "lastVisit":
      return daysAgo(latest(f.visits), r, now);
    case "orderCount":
      return inRange(f.orders.filter((o) => o.at >= since(r.days)).length, r);
    case "spend":
      return inRange(
        f.orders.filter((o) => o.at >= since(r.days)).reduce((s, o) => s + o.totalVnd, 0),
        r,
      );
    case "visitedStore":
      return f.visits.some((v) => r.storeIds.includes(v.storeId) && v.at >= since(r.days));
    case "playedGame":
      return f.plays.some((p) => (!r.campaignIds?.length || r.campaignIds.includes(p.campaignId)) && p.at >= since(r.days));
    case "follower":
      return f.followsOa === r.follows;
    case "unfollowed":
      return f.unfollowedAt !== null && f.unfollowedAt >= since(r.days);
    case "tags":
      return r.match === "all" ? r.tags.every((t) => f.tags.includes(t)) : r.tags.some((t) => f.tags.includes(t));
    case "birthdayMonth": {
      if (f.birthDate === null) return false;
      const m = birthMonth(f.birthDate);
      return (r.months ?? []).includes(m) || (r.thisMonth === true && m === localMonth(now, ctx.timeZone));
    }
    case "csWindowOpen":
      return csWindowOpen(toPolicyCustomer(f), now, ctx.policy, r.freeOnly);
    case "hasPhone":
      return f.phone !== null;
    case "promotionsAllowed":
      return promotionBlock(toPolicyCustomer(f), now, ctx.policy) === null;
  }
}

function nodeMatches(f: SegmentFacts, n: SegmentNode, ctx: SegmentContext): boolean {
  if (!isGroup(n)) return ruleMatches(f, n, ctx);
  if ("all" in n) return n.all.every((c) => nodeMatches(f, c, ctx));
  if ("any" in n) return n.any.some((c) => nodeMatches(f, c, ctx));
  return !n.none.some((c) => nodeMatches(f, c, ctx));
}

/** Does this person belong to the segment now? The reference reading of the rules (the SQL must agree). */
export function matches(f: SegmentFacts, rules: SegmentGroup, ctx: SegmentContext): boolean {
  return !f.erased && nodeMatches(f, rules, ctx);
}

// ---- bodies of the segments API ----

export const SegmentInput = z
  .object({
    name: z.string().trim().min(2).max(120),
    description: z.string().trim().max(500).default(""),
    rules: SegmentRules,
  })
  .strict();
export type SegmentInput = z.infer<typeof SegmentInput>;

/** Count and sample of a draft rule set (the editor's live preview), without saving it. */
export const SegmentPreviewInput = z.object({ rules: SegmentRules }).strict();
