import { ErrorCode } from "@mc/shared/errors";
import { describeError } from "@mc/web/error-messages";
import { fmtVnd } from "@mc/web/format";

/** The codes that say a voucher does not apply to this order: the cart drops the voucher and says why. */
const VOUCHER_PROBLEMS: ReadonlySet<string> = new Set([
  ErrorCode.VOUCHER_MIN_SPEND_NOT_MET,
  ErrorCode.VOUCHER_IN_USE,
  ErrorCode.VOUCHER_EXPIRED,
  ErrorCode.VOUCHER_NOT_VALID_AT_STORE,
  ErrorCode.VOUCHER_ALREADY_REDEEMED,
  ErrorCode.VOUCHER_VOID,
  ErrorCode.VOUCHER_NOT_FOUND,
  ErrorCode.VOUCHER_NOT_APPLICABLE,
]);

/** The shopper-facing reason a voucher does not apply (from a quote or a place), or null if it is not a voucher error. */
export function voucherProblem(code: string, details: unknown): string | null {
  if (!VOUCHER_PROBLEMS.has(code)) return null;
  const d = (details ?? {}) as { minSpendVnd?: number; subtotalVnd?: number };
  if (code === ErrorCode.VOUCHER_MIN_SPEND_NOT_MET && typeof d.minSpendVnd === "number") {
    const more = typeof d.subtotalVnd === "number" ? `: thêm ${fmtVnd(Math.max(0, d.minSpendVnd - d.subtotalVnd))} để dùng voucher này` : "";
    return `Đơn tối thiểu ${fmtVnd(d.minSpendVnd)}${more}`;
  }
  return describeError(code).title;
}
