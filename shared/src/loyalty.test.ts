import { describe, expect, it } from "vitest";
import { DEFAULT_LOYALTY_RULES as R, LoyaltyRules, pointsDueToExpire, pointsExpiringWithin, pointsForPurchase, tierFor } from "./loyalty";
import { voucherDiscount, voucherExpiry, voucherLabel } from "./vouchers";

const DAY = 86_400_000;
const earn = (delta: number, at: number, validDays = 365) => ({ delta, createdAt: at, expiresAt: at + validDays * DAY });
const debit = (delta: number, at: number) => ({ delta: -delta, createdAt: at, expiresAt: null });

describe("earning rule", () => {
  it("1 point per 10,000 VND, floored", () => {
    expect(pointsForPurchase(R, 125_000, 1)).toBe(12);
    expect(pointsForPurchase(R, 9_999, 1)).toBe(0);
    expect(pointsForPurchase(R, 10_000, 1)).toBe(1);
  });
  it("applies the tier multiplier to whole points", () => expect(pointsForPurchase(R, 125_000, 1.25)).toBe(15));
  it("gives nothing for zero, negative or non-finite amounts", () => {
    for (const a of [0, -50_000, Number.NaN, Infinity]) expect(pointsForPurchase(R, a, 1)).toBe(0);
  });
});

describe("tiers", () => {
  it("starts at the first tier with progress toward the next", () => {
    expect(tierFor(R, 0)).toMatchObject({ tier: { key: "member" }, next: { key: "silver" }, toNext: 500, progress: 0 });
    expect(tierFor(R, 250).progress).toBe(0.5);
  });
  it("moves up exactly at the threshold", () => {
    expect(tierFor(R, 499).tier.key).toBe("member");
    expect(tierFor(R, 500).tier.key).toBe("silver");
  });
  it("the top tier has no next and full progress", () =>
    expect(tierFor(R, 10_000)).toMatchObject({ tier: { key: "gold" }, next: null, progress: 1, toNext: 0 }));
  it("rules must start at 0 and increase", () => {
    expect(LoyaltyRules.safeParse({ ...R, tiers: [{ ...R.tiers[0]!, threshold: 5 }] }).success).toBe(false);
    expect(LoyaltyRules.safeParse({ ...R, tiers: [R.tiers[0]!, { ...R.tiers[1]!, threshold: 0 }] }).success).toBe(false);
    expect(LoyaltyRules.safeParse(R).success).toBe(true);
  });
});

describe("expiry (oldest points are used first)", () => {
  const t0 = Date.UTC(2026, 0, 1);
  it("expires what was earned before the cut-off and not spent", () => {
    const facts = [earn(100, t0, 30), earn(50, t0 + 10 * DAY, 30)];
    expect(pointsDueToExpire(facts, t0 + 29 * DAY)).toBe(0);
    expect(pointsDueToExpire(facts, t0 + 30 * DAY)).toBe(100); // exactly at expiry
    expect(pointsDueToExpire(facts, t0 + 40 * DAY)).toBe(150);
  });
  it("spending consumes the oldest lot first", () => {
    const facts = [earn(100, t0, 30), earn(50, t0 + 10 * DAY, 30), debit(70, t0 + 20 * DAY)];
    expect(pointsDueToExpire(facts, t0 + 30 * DAY)).toBe(30);
  });
  it("once written off, nothing expires twice", () => {
    const facts = [earn(100, t0, 30), debit(100, t0 + 30 * DAY)]; // the expiry entry itself is a debit
    expect(pointsDueToExpire(facts, t0 + 60 * DAY)).toBe(0);
  });
  it("never expires more than the balance", () => {
    const facts = [earn(100, t0, 30), { delta: 20, createdAt: t0, expiresAt: null }, debit(110, t0 + DAY)];
    expect(pointsDueToExpire(facts, t0 + 31 * DAY)).toBe(0);
  });
  it("tells the shopper what expires soon and when", () => {
    const facts = [earn(100, t0, 30), earn(50, t0 + 20 * DAY, 30)];
    expect(pointsExpiringWithin(facts, t0 + 5 * DAY, 30)).toEqual({ points: 100, by: t0 + 30 * DAY });
    expect(pointsExpiringWithin(facts, t0, 10)).toEqual({ points: 0, by: null });
  });
});

describe("vouchers", () => {
  const amount = { kind: "amount_off" as const, value: 20_000, maxDiscountVnd: null, minSpendVnd: 50_000, freeItem: null };
  const pct = { kind: "percent_off" as const, value: 10, maxDiscountVnd: 30_000, minSpendVnd: 0, freeItem: null };
  it("amount off needs the minimum spend and never exceeds the bill", () => {
    expect(voucherDiscount(amount, 49_999)).toBe(0);
    expect(voucherDiscount(amount, 50_000)).toBe(20_000);
    expect(voucherDiscount({ ...amount, minSpendVnd: 0 }, 15_000)).toBe(15_000);
  });
  it("percent off is capped", () => {
    expect(voucherDiscount(pct, 200_000)).toBe(20_000);
    expect(voucherDiscount(pct, 500_000)).toBe(30_000);
  });
  it("labels in Vietnamese", () => {
    expect(voucherLabel(amount)).toBe(`Giảm ${(20000).toLocaleString("vi-VN")}đ`);
    expect(voucherLabel({ kind: "free_item", value: 0, maxDiscountVnd: null, freeItem: "Trà đào" })).toBe("Tặng Trà đào");
  });
  it("expires N days after claim, capped by the campaign end", () => {
    const t = Date.UTC(2026, 5, 1);
    expect(voucherExpiry({ validTo: null, validDaysAfterClaim: 7 }, t)).toBe(t + 7 * DAY);
    expect(voucherExpiry({ validTo: t + 3 * DAY, validDaysAfterClaim: 7 }, t)).toBe(t + 3 * DAY);
    expect(() => voucherExpiry({ validTo: null, validDaysAfterClaim: null }, t)).toThrow();
  });
});
