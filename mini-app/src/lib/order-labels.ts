import type { Order, OrderStatus } from "@mc/shared";
import { fmtTime } from "@mc/web/format";

/** Order words shared by the shopper's screens (cart, orders) and the staff order board. */
export const statusLabel: Record<OrderStatus, string> = {
  placed: "Chờ xác nhận",
  confirmed: "Đang chuẩn bị",
  ready: "Sẵn sàng",
  completed: "Hoàn tất",
  cancelled: "Đã hủy",
};

const pad = (n: number) => String(n).padStart(2, "0");

export function pickupLabel(o: Pick<Order, "pickup">): string {
  if (o.pickup.type === "table") return `Tại bàn ${o.pickup.table}`;
  const at = new Date(o.pickup.at);
  const today = new Date();
  const sameDay = at.toDateString() === today.toDateString();
  return `Nhận lúc ${fmtTime(o.pickup.at)}${sameDay ? " hôm nay" : ` ${pad(at.getDate())}/${pad(at.getMonth() + 1)}`}`;
}
