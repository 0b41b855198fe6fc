import { sqliteStore, syncView } from "../../../db/store";
import { createOrderTimelineRepo, type OrderTimelineRow } from "../../orders/timeline-repo";
import { atStores, scan, storesParam, vnd, type Item, type SourceFactory } from "../kit";

const STEPS = ["placed", "confirmed", "ready", "completed", "cancelled"] as const;

function words(o: OrderTimelineRow, step: (typeof STEPS)[number]): { title: string; detail: string | null } {
  switch (step) {
    case "placed": {
      const where = o.pickup_type === "table" ? `tại bàn ${o.table_label ?? ""}`.trim() : "mang đi";
      const pay = o.payment_method === "zalopay" ? "Zalo Checkout" : "trả tại quầy";
      const parts = [`${o.items} món`, vnd(o.total_vnd), o.discount_vnd > 0 ? `giảm ${vnd(o.discount_vnd)}` : null, o.store_name, where, pay];
      return { title: `Đặt đơn ${o.code}`, detail: parts.filter(Boolean).join(" · ") };
    }
    case "confirmed":
      return { title: `Đơn ${o.code}: cửa hàng đã xác nhận`, detail: o.store_name };
    case "ready":
      return { title: `Đơn ${o.code}: đã xong, chờ nhận`, detail: o.store_name };
    case "completed":
      return {
        title: `Đơn ${o.code}: hoàn tất`,
        detail: [vnd(o.total_vnd), o.points_earned > 0 ? `+${o.points_earned} điểm` : null].filter(Boolean).join(" · "),
      };
    case "cancelled":
      return { title: `Đơn ${o.code}: đã huỷ`, detail: o.cancel_reason ? `Lý do: ${o.cancel_reason}` : null };
  }
}

function items(o: OrderTimelineRow): Item[] {
  const at: Record<(typeof STEPS)[number], number | null> = {
    placed: o.created_at,
    confirmed: o.confirmed_at,
    ready: o.ready_at,
    completed: o.completed_at,
    cancelled: o.cancelled_at,
  };
  return STEPS.filter((s) => at[s] !== null).map((step) => ({
    key: `order:${o.id}:${step}`,
    kind: "order",
    at: at[step]!,
    ...words(o, step),
    storeId: o.store_id,
    actor: null,
    data: {
      orderId: o.id,
      code: o.code,
      event: step,
      status: o.status,
      totalVnd: o.total_vnd,
      storeName: o.store_name,
      cancelReason: step === "cancelled" ? o.cancel_reason : undefined,
    },
  }));
}

/** Orders and each status they went through (placed, confirmed, ready, completed, cancelled with its reason), by the order row's stamps. */
export const orderSource: SourceFactory = ({ db }) => {
  const repo = syncView(sqliteStore(db), createOrderTimelineRepo(sqliteStore(db)));
  return {
    kind: "order",
    page: (customerId, before, limit, opts) => {
      const stores = storesParam(opts);
      return scan({
        before,
        limit,
        range: (min, max, n) => repo.range({ customerId, stores, min, max, n }),
        straddling: (at) => repo.straddling({ customerId, stores, at }),
        id: (r) => r.id,
        hi: (r) => r.hi,
        keep: atStores(opts),
        items,
        // Placed and completed at least, often confirmed and ready: a page of 30 items is about 10 orders.
        perRow: 3,
      });
    },
  };
};
