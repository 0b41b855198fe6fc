import { ErrorCode } from "@mc/shared/errors";
import type { CatalogueItem, Voucher, VoucherKind, VoucherStatus } from "@mc/shared";
import { fmtDate, fmtDateTime, fmtNumber, fmtVnd } from "@mc/web/format";

export { voucherLabel } from "@mc/shared/voucher-rules";

/** The short headline on the ticket's coloured end: "20K", "10%", "Quà". */
export function ticketHeadline(c: { kind: VoucherKind; value: number }): string {
  if (c.kind === "percent_off") return `${c.value}%`;
  if (c.kind === "amount_off") return c.value % 1000 === 0 ? `${fmtNumber(c.value / 1000)}K` : fmtVnd(c.value);
  return "Quà";
}

export function conditions(c: { minSpendVnd: number; storeIds: string[] }): string[] {
  const out: string[] = [];
  out.push(c.minSpendVnd > 0 ? `Đơn từ ${fmtVnd(c.minSpendVnd)}` : "Mọi đơn hàng");
  out.push(c.storeIds.length === 0 ? "Tất cả cửa hàng" : c.storeIds.length === 1 ? "Áp dụng tại 1 cửa hàng" : `Áp dụng tại ${c.storeIds.length} cửa hàng`);
  return out;
}

export function validityOfOffer(c: CatalogueItem): string {
  if (c.validDaysAfterClaim && c.validTo) return `Dùng trong ${c.validDaysAfterClaim} ngày, đến hết ${fmtDate(c.validTo)}`;
  if (c.validDaysAfterClaim) return `Dùng trong ${c.validDaysAfterClaim} ngày sau khi nhận`;
  if (c.validTo) return `HSD ${fmtDate(c.validTo)}`;
  return "";
}

/** Why an offer cannot be claimed right now (the catalogue's `blockedBy`). */
export function blockedReason(item: CatalogueItem, balance: number | null): string {
  switch (item.blockedBy) {
    case ErrorCode.FOLLOW_REQUIRED:
      return "Quan tâm OA để nhận";
    case ErrorCode.INSUFFICIENT_POINTS:
      return balance !== null ? `Cần thêm ${fmtNumber(Math.max(0, item.costPoints - balance))} điểm` : "Chưa đủ điểm";
    case ErrorCode.CAMPAIGN_LIMIT_REACHED:
      return "Bạn đã nhận ưu đãi này";
    case ErrorCode.CAMPAIGN_OUT_OF_STOCK:
      return "Đã hết lượt";
    case ErrorCode.CAMPAIGN_NOT_ACTIVE:
      return "Chưa đến thời gian áp dụng";
    default:
      return "Chưa thể nhận";
  }
}

export const statusLabel: Record<VoucherStatus, string> = { active: "Dùng được", used: "Đã sử dụng", expired: "Hết hạn", void: "Đã hủy" };

export function voucherDates(v: Voucher): string {
  if (v.status === "used" && v.redeemedAt) return `Đã dùng lúc ${fmtDateTime(v.redeemedAt)}`;
  if (v.status === "expired") return `Hết hạn ${fmtDate(v.expiresAt)}`;
  return `HSD ${fmtDate(v.expiresAt)}`;
}

/** "K7MC2P9Q" → "K7MC 2P9Q" (read aloud in two halves). */
/** "K7MC 2P9Q" for a voucher's own code, "482 913" for the 6-digit code read out at the counter. */
export const spacedCode = (code: string) =>
  code.length === 8 ? `${code.slice(0, 4)} ${code.slice(4)}` : code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
