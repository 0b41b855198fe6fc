import { z } from "zod";
import { MAX_PURCHASE_VND } from "./counter-rules";

/** Tiers are reached by points *earned* in a rolling period, so spending never demotes anyone. */
export const Tier = z.object({
  key: z.string().min(1).max(20),
  name: z.string().min(1).max(40),
  threshold: z.number().int().min(0),
  multiplier: z.number().min(1).max(10),
});
export type Tier = z.infer<typeof Tier>;

export const LoyaltyRules = z
  .object({
    /** VND per point before the tier multiplier: 10,000 VND → 1 point. */
    vndPerPoint: z.number().int().min(100).max(10_000_000),
    tiers: z.array(Tier).min(1).max(10),
    tierWindowDays: z.number().int().min(30).max(730),
    pointsValidDays: z.number().int().min(30).max(1095),
    /** "Expiring soon" on the shopper's home looks this far ahead. */
    expiringSoonDays: z.number().int().min(1).max(90),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.tiers[0]?.threshold !== 0)
      ctx.addIssue({
        code: "custom",
        path: ["tiers", 0, "threshold"],
        message: "the first tier starts at 0 points",
        params: { vi: "hạng đầu tiên bắt đầu từ 0 điểm" },
      });
    for (let i = 1; i < r.tiers.length; i++) {
      if (r.tiers[i]!.threshold <= r.tiers[i - 1]!.threshold)
        ctx.addIssue({
          code: "custom",
          path: ["tiers", i, "threshold"],
          message: "thresholds must increase",
          params: { vi: "mốc điểm của các hạng phải tăng dần" },
        });
    }
    if (new Set(r.tiers.map((t) => t.key)).size !== r.tiers.length)
      ctx.addIssue({ code: "custom", path: ["tiers"], message: "tier keys must be unique", params: { vi: "mã các hạng không được trùng nhau" } });
  });
export type LoyaltyRules = z.infer<typeof LoyaltyRules>;

export const DEFAULT_LOYALTY_RULES: LoyaltyRules = {
  vndPerPoint: 10_000,
  tiers: [
    { key: "member", name: "Thành viên", threshold: 0, multiplier: 1 },
    { key: "silver", name: "Bạc", threshold: 500, multiplier: 1.25 },
    { key: "gold", name: "Vàng", threshold: 2000, multiplier: 1.5 },
  ],
  tierWindowDays: 365,
  pointsValidDays: 365,
  expiringSoonDays: 30,
};

const DAY = 86_400_000;

export function tierFor(rules: LoyaltyRules, earnedInWindow: number) {
  let index = 0;
  rules.tiers.forEach((t, i) => {
    if (earnedInWindow >= t.threshold) index = i;
  });
  const tier = rules.tiers[index]!;
  const next = rules.tiers[index + 1] ?? null;
  const progress = next ? Math.min(1, (earnedInWindow - tier.threshold) / (next.threshold - tier.threshold)) : 1;
  return { tier, next, toNext: next ? next.threshold - earnedInWindow : 0, progress };
}

/** Points for a purchase: floor(amount / vndPerPoint × tier multiplier). Never negative, never fractional. */
export function pointsForPurchase(rules: LoyaltyRules, amountVnd: number, multiplier: number): number {
  if (!Number.isFinite(amountVnd) || amountVnd <= 0) return 0;
  return Math.floor(Math.floor(amountVnd / rules.vndPerPoint) * multiplier);
}

export type LedgerKind = "earn" | "spend" | "expire" | "adjust" | "reverse";
export type LedgerFact = { delta: number; expiresAt: number | null; createdAt: number };

/**
 * How many points have expired by `at` and not yet been written off. Debits consume the oldest points first,
 * so what expires is what was earned before the cut-off minus everything already taken out (spent, expired,
 * reversed). Append-only: nothing in the ledger is ever edited.
 */
export function pointsDueToExpire(entries: LedgerFact[], at: number): number {
  let earnedBefore = 0;
  let debited = 0;
  let balance = 0;
  for (const e of entries) {
    balance += e.delta;
    if (e.delta > 0 && e.expiresAt !== null && e.expiresAt <= at) earnedBefore += e.delta;
    if (e.delta < 0) debited -= e.delta;
  }
  return Math.max(0, Math.min(balance, earnedBefore - debited));
}

/** Points that will expire within `days` from `now` unless spent first. */
export function pointsExpiringWithin(entries: LedgerFact[], now: number, days: number) {
  const by = now + days * DAY;
  const amount = pointsDueToExpire(entries, by);
  const soonest = entries.filter((e) => e.delta > 0 && e.expiresAt !== null && e.expiresAt > now && e.expiresAt <= by).map((e) => e.expiresAt!);
  return { points: amount, by: amount > 0 && soonest.length ? Math.min(...soonest) : null };
}

export const Loyalty = z.object({
  balance: z.number().int(),
  tier: z.object({ key: z.string(), name: z.string(), multiplier: z.number() }),
  nextTier: z.object({ key: z.string(), name: z.string(), threshold: z.number(), toNext: z.number() }).nullable(),
  progress: z.number(),
  earnedInWindow: z.number(),
  expiringSoon: z.object({ points: z.number().int(), by: z.string().nullable() }),
  memberCode: z.string(),
});
export type Loyalty = z.infer<typeof Loyalty>;

export const LedgerEntry = z.object({
  id: z.number(),
  kind: z.enum(["earn", "spend", "expire", "adjust", "reverse"]),
  delta: z.number().int(),
  balanceAfter: z.number().int(),
  reason: z.string(),
  storeId: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const AwardPointsBody = z
  .object({
    memberCode: z.string().trim().min(4).max(64),
    storeId: z.string().min(1).max(64),
    amountVnd: z.number().int().positive().max(MAX_PURCHASE_VND),
    /** The bill number printed by the POS: one award per bill, so a retry or a second entry earns once. */
    receiptId: z.string().trim().min(1).max(64),
  })
  .strict();
export type AwardPointsBody = z.infer<typeof AwardPointsBody>;

export const AdjustPointsBody = z
  .object({
    delta: z
      .number()
      .int()
      .refine((n) => n !== 0, { message: "delta cannot be 0", params: { vi: "số điểm điều chỉnh phải khác 0" } })
      .refine((n) => Math.abs(n) <= 1_000_000, { message: "too large", params: { vi: "mỗi lần điều chỉnh tối đa 1.000.000 điểm" } }),
    reason: z.string().trim().min(3).max(200),
    idempotencyKey: z.string().trim().min(1).max(64),
  })
  .strict();
export type AdjustPointsBody = z.infer<typeof AdjustPointsBody>;
