import { ErrorCode } from "@mc/shared/errors";
import { fmtVnd } from "../../lib/format";

/** The shopper-facing reason a voucher does not apply (from a quote or a place), or null if it is not a voucher error. */
export function voucherProblem(code: string, details: unknown): string | null {
  const d = (details ?? {}) as { minSpendVnd?: number; subtotalVnd?: number };
  switch (code) {
    case ErrorCode.VOUCHER_MIN_SPEND_NOT_MET:
      return typeof d.minSpendVnd === "number"
        ? `Đơn tối thiểu ${fmtVnd(d.minSpendVnd)}${typeof d.subtotalVnd === "number" ? `: thêm ${fmtVnd(Math.max(0, d.minSpendVnd - d.subtotalVnd))} để dùng voucher này` : ""}`
        : "Đơn chưa đạt giá trị tối thiểu của voucher";
    case ErrorCode.VOUCHER_IN_USE:
      return "Voucher đang được dùng cho một đơn khác chưa hoàn tất";
    case ErrorCode.VOUCHER_EXPIRED:
      return "Voucher đã hết hạn";
    case ErrorCode.VOUCHER_NOT_VALID_AT_STORE:
      return "Voucher không áp dụng tại cửa hàng này";
    case ErrorCode.VOUCHER_ALREADY_REDEEMED:
      return "Voucher đã được sử dụng";
    case ErrorCode.VOUCHER_VOID:
      return "Voucher đã bị hủy";
    case ErrorCode.VOUCHER_NOT_FOUND:
      return "Không tìm thấy voucher";
    case ErrorCode.VOUCHER_NOT_APPLICABLE:
      return "Voucher không giảm được cho đơn này (hãy thêm món được tặng vào giỏ)";
    default:
      return null;
  }
}
