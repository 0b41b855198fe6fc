import { ErrorCode } from "@mc/shared/errors";
import type { Order, OrderStatus, PaymentStatus } from "@mc/shared";
import { fmtVnd } from "../wallet/format";

export const statusLabel: Record<OrderStatus, string> = {
  placed: "Chờ xác nhận",
  confirmed: "Đang chuẩn bị",
  ready: "Sẵn sàng",
  completed: "Hoàn tất",
  cancelled: "Đã hủy",
};

export const STEPS: { status: OrderStatus; label: string }[] = [
  { status: "placed", label: "Đã đặt" },
  { status: "confirmed", label: "Xác nhận" },
  { status: "ready", label: "Sẵn sàng" },
  { status: "completed", label: "Hoàn tất" },
];

export function statusHeadline(o: Order): { title: string; sub: string } {
  switch (o.status) {
    case "placed":
      return { title: "Đã gửi đơn", sub: o.payment === "zalopay" && o.paymentStatus !== "paid" ? "Hoàn tất thanh toán để cửa hàng xác nhận đơn." : "Cửa hàng sẽ xác nhận đơn của bạn trong giây lát." };
    case "confirmed":
      return { title: "Đang chuẩn bị", sub: "Cửa hàng đã nhận đơn và đang pha chế cho bạn." };
    case "ready":
      return o.pickup.type === "table"
        ? { title: "Đã xong món!", sub: `Nhân viên sẽ mang ra bàn ${o.pickup.table}.` }
        : { title: "Đơn đã sẵn sàng!", sub: `Mời bạn đến quầy nhận, đọc mã ${o.code}.` };
    case "completed":
      return { title: "Hoàn tất", sub: o.pointsEarned > 0 ? `Cảm ơn bạn! Bạn được cộng ${o.pointsEarned.toLocaleString("vi-VN")} điểm.` : "Cảm ơn bạn đã ghé cửa hàng!" };
    case "cancelled":
      return { title: "Đơn đã hủy", sub: o.cancelReason ? `Lý do: ${o.cancelReason}` : "" };
  }
}

export const paymentLabel = (o: Pick<Order, "payment" | "paymentStatus">): string => {
  const method = o.payment === "counter" ? "Trả tại quầy" : "Zalo Checkout";
  const state: Record<PaymentStatus, string> = { unpaid: "chưa thanh toán", pending: "đang chờ thanh toán", paid: "đã thanh toán", failed: "thanh toán thất bại", refund_due: "chờ hoàn tiền" };
  return `${method} · ${state[o.paymentStatus]}`;
};

const pad = (n: number) => String(n).padStart(2, "0");
export const hhmm = (iso: string | number) => {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export function pickupLabel(o: Pick<Order, "pickup">): string {
  if (o.pickup.type === "table") return `Tại bàn ${o.pickup.table}`;
  const at = new Date(o.pickup.at);
  const today = new Date();
  const sameDay = at.toDateString() === today.toDateString();
  return `Nhận lúc ${hhmm(o.pickup.at)}${sameDay ? " hôm nay" : ` ${pad(at.getDate())}/${pad(at.getMonth() + 1)}`}`;
}

export const linesSummary = (o: Pick<Order, "lines">) => o.lines.map((l) => `${l.quantity}× ${l.name}`).join(", ");

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

/** Friendly text for other ordering errors. */
export function orderErrorText(code: string): string | null {
  switch (code) {
    case ErrorCode.PRODUCT_UNAVAILABLE:
      return "Có món vừa hết, vui lòng bỏ món đó khỏi giỏ";
    case ErrorCode.OPTION_INVALID:
      return "Tùy chọn của một món không còn hợp lệ, vui lòng chọn lại";
    case ErrorCode.STORE_UNAVAILABLE:
      return "Cửa hàng đang tạm ngưng nhận đơn";
    case ErrorCode.PICKUP_TIME_INVALID:
      return "Giờ nhận không hợp lệ, hãy chọn lại";
    case ErrorCode.ORDER_TOTAL_MISMATCH:
      return "Giá vừa thay đổi, vui lòng kiểm tra lại tổng tiền";
    case ErrorCode.ORDER_STATUS_INVALID:
      return "Đơn vừa được cập nhật, vui lòng tải lại";
    case ErrorCode.ORDER_NOT_PAID:
      return "Đơn thanh toán qua Zalo chưa được thanh toán";
    case ErrorCode.ORDER_ALREADY_PAID:
      return "Đơn đã thanh toán: nhờ nhân viên hủy và hoàn tiền";
    case ErrorCode.CHECKOUT_NOT_CONFIGURED:
      return "Cửa hàng chưa bật thanh toán qua Zalo";
    default:
      return null;
  }
}
