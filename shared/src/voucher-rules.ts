/**
 * Voucher rules with no dependencies (no zod): shared by the server, the mini app and the console.
 */
export type VoucherKind = "amount_off" | "percent_off" | "free_item";

/** The human label of a voucher: "Giảm 20.000đ", "Giảm 10% (tối đa 30.000đ)", "Tặng Trà đào". */
export function voucherLabel(c: { kind: VoucherKind; value: number; maxDiscountVnd: number | null; freeItem: string | null }): string {
  const vnd = (n: number) => `${n.toLocaleString("vi-VN")}đ`;
  if (c.kind === "amount_off") return `Giảm ${vnd(c.value)}`;
  if (c.kind === "percent_off") return `Giảm ${c.value}%${c.maxDiscountVnd ? ` (tối đa ${vnd(c.maxDiscountVnd)})` : ""}`;
  return `Tặng ${c.freeItem ?? "quà"}`;
}

/** What a voucher takes off a bill (orders use this too): never more than the bill, 0 under the minimum. */
export function voucherDiscount(
  c: { kind: VoucherKind; value: number; maxDiscountVnd: number | null; minSpendVnd: number },
  subtotalVnd: number,
  freeItemPriceVnd = 0,
): number {
  if (subtotalVnd < c.minSpendVnd) return 0;
  let off = 0;
  if (c.kind === "amount_off") off = c.value;
  else if (c.kind === "percent_off") off = Math.floor((subtotalVnd * c.value) / 100);
  else off = freeItemPriceVnd;
  if (c.maxDiscountVnd !== null) off = Math.min(off, c.maxDiscountVnd);
  return Math.max(0, Math.min(off, subtotalVnd));
}

/** When a voucher claimed at `claimedAt` expires: N days after claim, capped by the campaign's end. */
export function voucherExpiry(c: { validTo: number | null; validDaysAfterClaim: number | null }, claimedAt: number): number {
  const byDays = c.validDaysAfterClaim !== null ? claimedAt + c.validDaysAfterClaim * 86_400_000 : Infinity;
  const end = Math.min(byDays, c.validTo ?? Infinity);
  if (!Number.isFinite(end)) throw new Error("a voucher must expire");
  return end;
}
