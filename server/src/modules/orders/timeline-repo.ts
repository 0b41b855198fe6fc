import type { Db } from "../../db/client";
import { ORDER_LAST_AT } from "../../db/schema";

export type OrderTimelineRow = {
  id: string;
  code: string;
  status: "placed" | "confirmed" | "ready" | "completed" | "cancelled";
  store_id: string;
  store_name: string | null;
  pickup_type: "pickup" | "table";
  table_label: string | null;
  payment_method: "counter" | "zalopay";
  total_vnd: number;
  discount_vnd: number;
  items: number;
  points_earned: number;
  cancel_reason: string | null;
  created_at: number;
  confirmed_at: number | null;
  ready_at: number | null;
  completed_at: number | null;
  cancelled_at: number | null;
  hi: number;
};

/**
 * A person's orders for their timeline, by orders_timeline_idx (customer, ORDER_LAST_AT, created_at): an order's
 * status changes lie between created_at and its last stamp. The expression is written exactly as the index's.
 */
export function createOrderTimelineRepo(db: Db) {
  const cols = `id, code, status, store_id, (select name from stores where id = orders.store_id) as store_name, pickup_type, table_label, payment_method,
    total_vnd, discount_vnd, (select coalesce(sum(quantity), 0) from order_lines where order_id = orders.id) as items, points_earned, cancel_reason,
    created_at, confirmed_at, ready_at, completed_at, cancelled_at, ${ORDER_LAST_AT} as hi`;
  const stores = "(@stores is null or store_id in (select value from json_each(@stores)))";
  const range = db.$client.prepare(
    `select ${cols} from orders indexed by orders_timeline_idx where customer_id = @customerId and ${ORDER_LAST_AT} between @min and @max and ${stores} order by ${ORDER_LAST_AT} desc limit @n`,
  );
  const straddling = db.$client.prepare(
    `select ${cols} from orders indexed by orders_timeline_idx where customer_id = @customerId and ${ORDER_LAST_AT} > @at and created_at <= @at and ${stores}`,
  );
  type P = { customerId: string; stores: string | null };
  return {
    range: (p: P & { min: number; max: number; n: number }) => range.all(p) as OrderTimelineRow[],
    straddling: (p: P & { at: number }) => straddling.all(p) as OrderTimelineRow[],
  };
}
