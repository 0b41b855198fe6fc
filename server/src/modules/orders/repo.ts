import { rowReader } from "../../db/rows";
import { orderLines, orders } from "../../db/schema";
import { q, type Awaitable, type Step, type Store, type SyncView, mapStep } from "../../db/store";
import { rowInserter, rowUpdater } from "./rows-repo";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
type Status = OrderRow["status"];
const STATUSES = 5; // placed, confirmed, ready, completed, cancelled

export function createOrderRepo(store: Store) {
  // ---- orders ----
  // Prepared by hand (drizzle's prepared select cost 30× the lookup itself): every auto-reply about an order reads it.
  const orderRow = rowReader(orders);
  const lineRow = rowReader(orderLines);
  const one = (sql: string) => {
    const stmt = store.prepare(`${orderRow.selectAll} ${sql}`, "array");
    return (...p: unknown[]): Awaitable<OrderRow | undefined> => mapStep(stmt.get(...p), (r) => orderRow.read(r));
  };
  const many = (sql: string) => {
    const stmt = store.prepare(`${orderRow.selectAll} ${sql}`, "array");
    return (...p: unknown[]): Awaitable<OrderRow[]> => mapStep(stmt.all(...p), (rows) => rows.map((r) => orderRow.read(r)!));
  };
  const order = one("where id = ?");
  const orderByRequest = one("where request_key = ?");
  const orderByCheckoutId = one("where checkout_order_id = ?");
  const insertOrder = rowInserter(store, orders);
  const insertLine = store.prepare(
    "insert into order_lines (order_id, product_id, name, quantity, unit_price_vnd, options, line_total_vnd) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertLines = (rows: (typeof orderLines.$inferInsert)[]) =>
    store.join(function* () {
      for (const r of rows) yield* q(insertLine.run(r.orderId, r.productId, r.name, r.quantity, r.unitPriceVnd, r.options ?? "[]", r.lineTotalVnd));
    });
  const linesStmt = store.prepare(`${lineRow.selectAll} where order_id = ? order by id`, "array");
  const linesOf = (orderId: string) => mapStep(linesStmt.all(orderId), (rows) => rows.map((r) => lineRow.read(r)!));
  const ordersOfStmt = many("where customer_id = ? order by created_at desc limit ?");
  const ordersOf = (customerId: string, limit: number) => ordersOfStmt(customerId, limit);
  const lastOrderStmt = one("where customer_id = ? order by created_at desc limit 1");
  const lastOrderOf = (customerId: string) => lastOrderStmt(customerId);
  // One statement for any set of statuses: the list is padded with its first (a repeat changes nothing).
  const ordersAtStmt = many(`where store_id = ? and status in (${Array(STATUSES).fill("?").join(", ")}) order by created_at limit ?`);
  const ordersAt = (storeId: string, statuses: Status[], limit: number) => {
    if (statuses.length === 0) return [] as OrderRow[];
    const padded = Array.from({ length: STATUSES }, (_, i) => statuses[i] ?? statuses[0]!);
    return ordersAtStmt(storeId, ...padded, limit);
  };

  /** A live order already holding this voucher (the reservation). */
  const liveOrderWithVoucher = store.prepare<string>("select id from orders where voucher_id = ? and status in ('placed','confirmed','ready')", "pluck");

  // Status moves and payment marks are conditional updates: of two concurrent moves from one state, one wins.
  // Another completed order of this person (orders_customer_idx, then the row's status): the first purchase is the one without.
  const otherCompleted = store.prepare("select 1 from orders where customer_id = ? and id <> ? and status = 'completed' limit 1", "pluck");
  const moveStmt = store.prepare("update orders set status = ?, updated_at = ? where id = ? and status = ?");
  const stampStmt = {
    confirmed: store.prepare("update orders set confirmed_at = ? where id = ?"),
    ready: store.prepare("update orders set ready_at = ? where id = ?"),
    completed: store.prepare("update orders set completed_at = ? where id = ?"),
    cancelled: store.prepare("update orders set cancelled_at = ? where id = ?"),
  };
  const move = (id: string, from: Status, to: Status, at: number) =>
    store.join(function* (): Step<boolean> {
      if ((yield* q(moveStmt.run(to, at, id, from))).changes !== 1) return false;
      if (to !== "placed") yield* q(stampStmt[to].run(at, id));
      return true;
    });
  const update = rowUpdater(store, orders, "id");
  const set = (id: string, values: Partial<typeof orders.$inferInsert>) => update(id, values);

  const markPaid = store.prepare(
    "update orders set payment_status = 'paid', paid_at = ?, zalo_trans_id = coalesce(?, zalo_trans_id), checkout_order_id = coalesce(checkout_order_id, ?), updated_at = ? where id = ? and payment_status in ('unpaid','pending','failed')",
  );
  const markFailed = store.prepare("update orders set payment_status = 'failed', updated_at = ? where id = ? and payment_status in ('unpaid','pending')");
  const linkCheckout = store.prepare("update orders set checkout_order_id = ? where id = ? and checkout_order_id is null");

  // Win-back's candidates: a page of the people with a completed order, in customer order (orders_completed_idx
  // gives each one's latest in one seek), with whether they ordered since (any order not cancelled) and are erased.
  const lapsedStmt = store.prepare<{ customerId: string; lastCompletedAt: number; recent: number; erased: number }>(
    `select g.customer_id as "customerId", g.last as "lastCompletedAt",
       case when exists (select 1 from orders r where r.customer_id = g.customer_id and r.created_at >= ? and r.status <> 'cancelled') then 1 else 0 end as recent,
       case when exists (select 1 from customers x where x.id = g.customer_id and x.erased_at is not null) then 1 else 0 end as erased
     from (select customer_id, max(completed_at) as last from orders where status = 'completed' and customer_id > ?
           group by customer_id order by customer_id limit ?) g`,
  );
  /** One page of people who ordered before; the caller keeps those whose last order is older than its window. */
  const customersByLastOrder = (p: { since: number; after: string; n: number }) => lapsedStmt.all(p.since, p.after, p.n);
  // ---- Checkout reports (updateOrderStatus) and manual refunds ----
  const dueReports = store.prepare<string>(
    "select id from orders where checkout_report_due is not null and (checkout_report_lease is null or checkout_report_lease < ?) limit ?",
    "pluck",
  );
  /** One process claims a report until `until`; a crashed claim lapses. */
  const claimReport = store.prepare<{ due: 1 | -1 | 2; coid: string | null }>(
    "update orders set checkout_report_lease = ? where id = ? and checkout_report_due is not null and (checkout_report_lease is null or checkout_report_lease < ?) returning checkout_report_due as due, checkout_order_id as coid",
  );
  // What Zalo accepted is kept; a newer due code (refunded after paid) set while the call was out stays due.
  const reported = store.prepare(
    "update orders set checkout_reported = ?, checkout_report_due = case when checkout_report_due = ? then null else checkout_report_due end, checkout_report_lease = null, checkout_report_error = null where id = ?",
  );
  const reportFailed = store.prepare("update orders set checkout_report_lease = ?, checkout_report_error = ? where id = ?");
  // Reports that failed at least once and are still owed (the console's list), oldest order first.
  const failingReports = many("where checkout_report_due is not null and checkout_report_error is not null order by created_at limit ?");
  /** "Retry now": a failed report's wait ends (after a failure its lease holds the retry time). */
  const releaseFailedReport = store.prepare(
    "update orders set checkout_report_lease = null where id = ? and checkout_report_due is not null and checkout_report_error is not null",
  );
  const refundsDue = many("where payment_status = 'refund_due' order by cancelled_at limit ?");
  const markRefunded = store.prepare(
    "update orders set payment_status = 'refunded', refunded_at = ?, refunded_by = ?, refund_note = ?, updated_at = ? where id = ? and payment_status = 'refund_due'",
  );
  const changed = (r: Awaitable<{ changes: number }>) => mapStep(r, (x) => x.changes === 1);

  return {
    customersByLastOrder,
    order: (id: string) => order(id),
    orderByRequest: (key: string) => orderByRequest(key),
    orderByCheckoutId: (checkoutOrderId: string) => orderByCheckoutId(checkoutOrderId),
    insertOrder,
    insertLines,
    linesOf,
    ordersOf,
    /** The person's newest order. */
    lastOrderOf,
    ordersAt,
    /** Whether the person has a completed order other than this one. */
    hasOtherCompleted: (customerId: string, orderId: string) => mapStep(otherCompleted.get(customerId, orderId), (v) => v !== undefined),
    voucherReservedBy: (voucherId: string) => liveOrderWithVoucher.get(voucherId),
    move,
    set,
    markPaid: (p: { id: string; at: number; transId: string | null; checkoutOrderId: string | null }) =>
      changed(markPaid.run(p.at, p.transId, p.checkoutOrderId, p.at, p.id)),
    markFailed: (id: string, at: number) => changed(markFailed.run(at, id)),
    linkCheckout: (id: string, checkoutOrderId: string) => changed(linkCheckout.run(checkoutOrderId, id)),
    dueReports: (now: number, limit: number) => dueReports.all(now, limit),
    claimReport: (id: string, now: number, until: number) => claimReport.get(until, id, now),
    reported: (id: string, code: number) => reported.run(code, code, id),
    reportFailed: (id: string, retryAt: number, error: string) => reportFailed.run(retryAt, error.slice(0, 300), id),
    refundsDue: (limit: number) => refundsDue(limit),
    failingReports: (limit: number) => failingReports(limit),
    releaseFailedReport: (id: string) => changed(releaseFailedReport.run(id)),
    markRefunded: (p: { id: string; at: number; by: string; note: string }) => changed(markRefunded.run(p.at, p.by, p.note, p.at, p.id)),
  };
}

export type OrderRepo = ReturnType<typeof createOrderRepo>;
/** The order repo as synchronous SQLite code not ported to the store yet sees it (daily scans, auto-replies). */
export type OrderRepoSync = SyncView<OrderRepo>;
