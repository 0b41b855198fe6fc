import { ErrorCode } from "@mc/shared/errors";
import type { Order, OrderStatus } from "@mc/shared";

/** Order words shared by the shopper's screens (cart, orders) and the staff order board. */
export const statusLabel: Record<OrderStatus, string> = {
  placed: "Chờ xác nhận",
  confirmed: "Đang chuẩn bị",
  ready: "Sẵn sàng",
  completed: "Hoàn tất",
  cancelled: "Đã hủy",
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

/** Friendly text for ordering errors (a voucher that does not apply: cart/labels.ts). */
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
    case ErrorCode.PICKUP_OUTSIDE_HOURS:
      return "Cửa hàng không mở cửa vào giờ bạn chọn, hãy chọn giờ khác";
    case ErrorCode.STORE_CLOSED:
      return "Cửa hàng đang đóng cửa, hãy quay lại khi cửa hàng mở";
    case ErrorCode.STORE_NOT_FOUND:
      return "Không tìm thấy cửa hàng này";
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
