import { ORDER_LAST_AT } from "../../db/schema";
import type { Store, SyncView } from "../../db/store";

/** PostgreSQL's text of ORDER_LAST_AT, exactly as its orders_timeline_idx (pg/schema.ts) is written. */
const ORDER_LAST_AT_PG =
  'greatest("created_at", coalesce("confirmed_at", 0), coalesce("ready_at", 0), coalesce("completed_at", 0), coalesce("cancelled_at", 0))';

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
export function createOrderTimelineRepo(store: Store) {
  const cols = (
    lastAt: string,
  ) => `id, code, status, store_id, (select name from stores where id = orders.store_id) as store_name, pickup_type, table_label, payment_method,
    total_vnd, discount_vnd, (select coalesce(sum(quantity), 0) from order_lines where order_id = orders.id) as items, points_earned, cancel_reason,
    created_at, confirmed_at, ready_at, completed_at, cancelled_at, ${lastAt} as hi`;
  // The stores filter is a JSON array of ids, or null for every store. Named parameters (the store binds them on
  // both databases): timeline/paging.test.ts finds the sources' statements by `@customerId` to check their plans.
  const storesSqlite = "(@stores is null or store_id in (select value from json_each(@stores)))";
  const storesPg = "(@stores::text is null or store_id in (select json_array_elements_text(@stores::json)))";
  const range = store.prepare<OrderTimelineRow>({
    sqlite: `select ${cols(ORDER_LAST_AT)} from orders indexed by orders_timeline_idx where customer_id = @customerId and ${ORDER_LAST_AT} between @min and @max and ${storesSqlite} order by ${ORDER_LAST_AT} desc limit @n`,
    pg: `select ${cols(ORDER_LAST_AT_PG)} from orders where customer_id = @customerId and ${ORDER_LAST_AT_PG} between @min and @max and ${storesPg} order by ${ORDER_LAST_AT_PG} desc limit @n`,
  });
  const straddling = store.prepare<OrderTimelineRow>({
    sqlite: `select ${cols(ORDER_LAST_AT)} from orders indexed by orders_timeline_idx where customer_id = @customerId and ${ORDER_LAST_AT} > @at and created_at <= @at and ${storesSqlite}`,
    pg: `select ${cols(ORDER_LAST_AT_PG)} from orders where customer_id = @customerId and ${ORDER_LAST_AT_PG} > @at and created_at <= @at and ${storesPg}`,
  });
  type P = { customerId: string; stores: string | null };
  return {
    range: (p: P & { min: number; max: number; n: number }) => range.all(p),
    straddling: (p: P & { at: number }) => straddling.all(p),
  };
}

export type OrderTimelineRepo = ReturnType<typeof createOrderTimelineRepo>;
/** As the (not yet ported) timeline sees it on SQLite. */
export type OrderTimelineRepoSync = SyncView<OrderTimelineRepo>;
