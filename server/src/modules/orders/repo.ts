import { and, asc, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rowReader } from "../../db/rows";
import { orderLines, orders } from "../../db/schema";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;

export function createOrderRepo(db: Db) {
  const c = db.$client;

  // ---- orders ----
  const order = (id: string) => db.select().from(orders).where(eq(orders.id, id)).get();
  const orderByRequest = (key: string) => db.select().from(orders).where(eq(orders.requestKey, key)).get();
  const orderByCheckoutId = (checkoutOrderId: string) => db.select().from(orders).where(eq(orders.checkoutOrderId, checkoutOrderId)).get();
  const insertOrder = (row: typeof orders.$inferInsert) => db.insert(orders).values(row).run();
  const insertLines = (rows: (typeof orderLines.$inferInsert)[]) => (rows.length ? db.insert(orderLines).values(rows).run() : undefined);
  const linesOf = (orderId: string) => db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.id)).all();
  const ordersOf = (customerId: string, limit: number) =>
    db.select().from(orders).where(eq(orders.customerId, customerId)).orderBy(desc(orders.createdAt)).limit(limit).all();
  // Prepared by hand (drizzle's prepared select cost 30× the lookup itself): every auto-reply about an order reads it.
  const orderRow = rowReader(orders);
  const lastOrderStmt = c.prepare(`${orderRow.selectAll} where customer_id = ? order by created_at desc limit 1`).raw();
  const lastOrderOf = (customerId: string): OrderRow | undefined => orderRow.read(lastOrderStmt.get(customerId) as unknown[] | undefined);
  const ordersAt = (storeId: string, statuses: OrderRow["status"][], limit: number) =>
    db
      .select()
      .from(orders)
      .where(and(eq(orders.storeId, storeId), inArray(orders.status, statuses)))
      .orderBy(asc(orders.createdAt))
      .limit(limit)
      .all();

  /** A live order already holding this voucher (the reservation). */
  const liveOrderWithVoucher = c.prepare("select id from orders where voucher_id = ? and status in ('placed','confirmed','ready')").pluck();

  // Status moves and payment marks are conditional updates: of two concurrent moves from one state, one wins.
  // Another completed order of this person (orders_customer_idx, then the row's status): the first purchase is the one without.
  const otherCompleted = c.prepare("select 1 from orders where customer_id = ? and id <> ? and status = 'completed' limit 1").pluck();
  const moveStmt = c.prepare("update orders set status = ?, updated_at = ? where id = ? and status = ?");
  const stampStmt = {
    confirmed: c.prepare("update orders set confirmed_at = ? where id = ?"),
    ready: c.prepare("update orders set ready_at = ? where id = ?"),
    completed: c.prepare("update orders set completed_at = ? where id = ?"),
    cancelled: c.prepare("update orders set cancelled_at = ? where id = ?"),
  };
  function move(id: string, from: OrderRow["status"], to: OrderRow["status"], at: number): boolean {
    if (moveStmt.run(to, at, id, from).changes !== 1) return false;
    if (to !== "placed") stampStmt[to].run(at, id);
    return true;
  }
  const set = (id: string, values: Partial<typeof orders.$inferInsert>) => db.update(orders).set(values).where(eq(orders.id, id)).run();

  const markPaid = c.prepare(
    "update orders set payment_status = 'paid', paid_at = ?, zalo_trans_id = coalesce(?, zalo_trans_id), checkout_order_id = coalesce(checkout_order_id, ?), updated_at = ? where id = ? and payment_status in ('unpaid','pending','failed')",
  );
  const markFailed = c.prepare("update orders set payment_status = 'failed', updated_at = ? where id = ? and payment_status in ('unpaid','pending')");
  const linkCheckout = c.prepare("update orders set checkout_order_id = ? where id = ? and checkout_order_id is null");

  // Win-back's candidates: a page of the people with a completed order, in customer order (orders_completed_idx
  // gives each one's latest in one seek), with whether they ordered since (any order not cancelled) and are erased.
  const lapsedStmt = c.prepare(
    `select g.customer_id as customerId, g.last as lastCompletedAt,
       exists (select 1 from orders r where r.customer_id = g.customer_id and r.created_at >= @since and r.status <> 'cancelled') as recent,
       exists (select 1 from customers x where x.id = g.customer_id and x.erased_at is not null) as erased
     from (select customer_id, max(completed_at) as last from orders where status = 'completed' and customer_id > @after
           group by customer_id order by customer_id limit @n) g`,
  );
  /** One page of people who ordered before; the caller keeps those whose last order is older than its window. */
  const customersByLastOrder = (p: { since: number; after: string; n: number }) =>
    lapsedStmt.all(p) as { customerId: string; lastCompletedAt: number; recent: number; erased: number }[];
  // ---- Checkout reports (updateOrderStatus) and manual refunds ----
  const dueReports = c
    .prepare("select id from orders where checkout_report_due is not null and (checkout_report_lease is null or checkout_report_lease < ?) limit ?")
    .pluck();
  /** One process claims a report until `until`; a crashed claim lapses. */
  const claimReport = c.prepare(
    "update orders set checkout_report_lease = ? where id = ? and checkout_report_due is not null and (checkout_report_lease is null or checkout_report_lease < ?) returning checkout_report_due as due, checkout_order_id as coid",
  );
  // What Zalo accepted is kept; a newer due code (refunded after paid) set while the call was out stays due.
  const reported = c.prepare(
    "update orders set checkout_reported = @code, checkout_report_due = case when checkout_report_due = @code then null else checkout_report_due end, checkout_report_lease = null, checkout_report_error = null where id = @id",
  );
  const reportFailed = c.prepare("update orders set checkout_report_lease = ?, checkout_report_error = ? where id = ?");
  // Reports that failed at least once and are still owed (the console's list), oldest order first.
  const failingReports = (limit: number) =>
    db
      .select()
      .from(orders)
      .where(and(isNotNull(orders.checkoutReportDue), isNotNull(orders.checkoutReportError)))
      .orderBy(asc(orders.createdAt))
      .limit(limit)
      .all();
  /** "Retry now": a failed report's wait ends (after a failure its lease holds the retry time). */
  const releaseFailedReport = c.prepare(
    "update orders set checkout_report_lease = null where id = ? and checkout_report_due is not null and checkout_report_error is not null",
  );
  const refundsDue = (limit: number) =>
    db.select().from(orders).where(eq(orders.paymentStatus, "refund_due")).orderBy(asc(orders.cancelledAt)).limit(limit).all();
  const markRefunded = c.prepare(
    "update orders set payment_status = 'refunded', refunded_at = ?, refunded_by = ?, refund_note = ?, updated_at = ? where id = ? and payment_status = 'refund_due'",
  );

  return {
    customersByLastOrder,
    order,
    orderByRequest,
    orderByCheckoutId,
    insertOrder,
    insertLines,
    linesOf,
    ordersOf,
    /** The person's newest order. */
    lastOrderOf,
    ordersAt,
    /** Whether the person has a completed order other than this one. */
    hasOtherCompleted: (customerId: string, orderId: string) => otherCompleted.get(customerId, orderId) !== undefined,
    voucherReservedBy: (voucherId: string) => liveOrderWithVoucher.get(voucherId) as string | undefined,
    move,
    set,
    markPaid: (p: { id: string; at: number; transId: string | null; checkoutOrderId: string | null }) =>
      markPaid.run(p.at, p.transId, p.checkoutOrderId, p.at, p.id).changes === 1,
    markFailed: (id: string, at: number) => markFailed.run(at, id).changes === 1,
    linkCheckout: (id: string, checkoutOrderId: string) => linkCheckout.run(checkoutOrderId, id).changes === 1,
    dueReports: (now: number, limit: number) => dueReports.all(now, limit) as string[],
    claimReport: (id: string, now: number, until: number) => claimReport.get(until, id, now) as { due: 1 | -1 | 2; coid: string | null } | undefined,
    reported: (id: string, code: number) => reported.run({ code, id }),
    reportFailed: (id: string, retryAt: number, error: string) => reportFailed.run(retryAt, error.slice(0, 300), id),
    refundsDue,
    failingReports,
    releaseFailedReport: (id: string) => releaseFailedReport.run(id).changes === 1,
    markRefunded: (p: { id: string; at: number; by: string; note: string }) => markRefunded.run(p.at, p.by, p.note, p.at, p.id).changes === 1,
  };
}

export type OrderRepo = ReturnType<typeof createOrderRepo>;
