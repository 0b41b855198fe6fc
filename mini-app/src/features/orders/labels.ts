import type { Order, OrderStatus, PaymentStatus } from "@mc/shared";
import { fmtPoints } from "@mc/web/format";

export const STEPS: { status: OrderStatus; label: string }[] = [
  { status: "placed", label: "Đã đặt" },
  { status: "confirmed", label: "Xác nhận" },
  { status: "ready", label: "Sẵn sàng" },
  { status: "completed", label: "Hoàn tất" },
];

export function statusHeadline(o: Order): { title: string; sub: string } {
  switch (o.status) {
    case "placed":
      return {
        title: "Đã gửi đơn",
        sub:
          o.payment === "zalopay" && o.paymentStatus !== "paid"
            ? "Hoàn tất thanh toán để cửa hàng xác nhận đơn."
            : "Cửa hàng sẽ xác nhận đơn của bạn trong giây lát.",
      };
    case "confirmed":
      return { title: "Đang chuẩn bị", sub: "Cửa hàng đã nhận đơn và đang pha chế cho bạn." };
    case "ready":
      return o.pickup.type === "table"
        ? { title: "Đã xong món!", sub: `Nhân viên sẽ mang ra bàn ${o.pickup.table}.` }
        : { title: "Đơn đã sẵn sàng!", sub: `Mời bạn đến quầy nhận, đọc mã ${o.code}.` };
    case "completed":
      return {
        title: "Hoàn tất",
        sub: o.pointsEarned > 0 ? `Cảm ơn bạn! Bạn được cộng ${fmtPoints(o.pointsEarned)}.` : "Cảm ơn bạn đã ghé cửa hàng!",
      };
    case "cancelled":
      return { title: "Đơn đã hủy", sub: o.cancelReason ? `Lý do: ${o.cancelReason}` : "" };
  }
}

export const paymentLabel = (o: Pick<Order, "payment" | "paymentStatus">): string => {
  const method = o.payment === "counter" ? "Trả tại quầy" : "Zalo Checkout";
  const state: Record<PaymentStatus, string> = {
    unpaid: "chưa thanh toán",
    pending: "đang chờ thanh toán",
    paid: "đã thanh toán",
    failed: "thanh toán thất bại",
    refund_due: "chờ hoàn tiền",
    refunded: "đã hoàn tiền",
  };
  return `${method} · ${state[o.paymentStatus]}`;
};

export const linesSummary = (o: Pick<Order, "lines">) => o.lines.map((l) => `${l.quantity}× ${l.name}`).join(", ");
