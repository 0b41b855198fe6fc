import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { menuCategories, orderLines, orders, productStores, products, stores } from "../../db/schema";
import { recordWebhookEvent } from "../oa/repo";

export type CategoryRow = typeof menuCategories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;

export function createOrderRepo(db: Db) {
  const c = db.$client;

  // ---- menu ----
  const category = (id: string) => db.select().from(menuCategories).where(eq(menuCategories.id, id)).get();
  const categories = () => db.select().from(menuCategories).orderBy(asc(menuCategories.position), asc(menuCategories.name)).all();
  const insertCategory = (row: typeof menuCategories.$inferInsert) => db.insert(menuCategories).values(row).run();
  const updateCategory = (id: string, set: Partial<typeof menuCategories.$inferInsert>) => db.update(menuCategories).set(set).where(eq(menuCategories.id, id)).run();

  const product = (id: string) => db.select().from(products).where(eq(products.id, id)).get();
  const allProducts = () => db.select().from(products).orderBy(asc(products.name)).all();
  const insertProduct = (row: typeof products.$inferInsert) => db.insert(products).values(row).run();
  const updateProduct = (id: string, set: Partial<typeof products.$inferInsert>) => db.update(products).set(set).where(eq(products.id, id)).run();

  const storesOf = (productId: string) =>
    db.select({ storeId: productStores.storeId, available: productStores.available }).from(productStores).where(eq(productStores.productId, productId)).orderBy(asc(productStores.storeId)).all();

  /** Sets where a product is sold: stores dropped lose their row, new ones start available, kept ones keep their flag. */
  function setProductStores(productId: string, storeIds: string[], now: number) {
    const keep = new Set(storeIds);
    for (const s of storesOf(productId)) if (!keep.has(s.storeId)) db.delete(productStores).where(and(eq(productStores.productId, productId), eq(productStores.storeId, s.storeId))).run();
    for (const storeId of keep) db.insert(productStores).values({ productId, storeId, available: true, updatedAt: now }).onConflictDoNothing().run();
  }

  const setAvailable = (productId: string, storeId: string, available: boolean, now: number) =>
    db.update(productStores).set({ available, updatedAt: now }).where(and(eq(productStores.productId, productId), eq(productStores.storeId, storeId))).run().changes === 1;

  /** Products on a store's menu right now: active, in an active category, sold and available at the store. */
  const menuStmt = c.prepare(
    `select p.* from products p join product_stores ps on ps.product_id = p.id and ps.store_id = ? and ps.available = 1
     join menu_categories mc on mc.id = p.category_id and mc.active = 1 where p.active = 1`,
  );
  const menuProductIds = (storeId: string) => new Set((menuStmt.all(storeId) as { id: string }[]).map((r) => r.id));

  const store = (id: string) => db.select().from(stores).where(eq(stores.id, id)).get();

  // ---- orders ----
  const order = (id: string) => db.select().from(orders).where(eq(orders.id, id)).get();
  const orderByRequest = (key: string) => db.select().from(orders).where(eq(orders.requestKey, key)).get();
  const orderByCheckoutId = (checkoutOrderId: string) => db.select().from(orders).where(eq(orders.checkoutOrderId, checkoutOrderId)).get();
  const insertOrder = (row: typeof orders.$inferInsert) => db.insert(orders).values(row).run();
  const insertLines = (rows: (typeof orderLines.$inferInsert)[]) => (rows.length ? db.insert(orderLines).values(rows).run() : undefined);
  const linesOf = (orderId: string) => db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.id)).all();
  const ordersOf = (customerId: string, limit: number) => db.select().from(orders).where(eq(orders.customerId, customerId)).orderBy(desc(orders.createdAt)).limit(limit).all();
  const ordersAt = (storeId: string, statuses: OrderRow["status"][], limit: number) =>
    db.select().from(orders).where(and(eq(orders.storeId, storeId), inArray(orders.status, statuses))).orderBy(asc(orders.createdAt)).limit(limit).all();

  /** A live order already holding this voucher (the reservation). */
  const liveOrderWithVoucher = c.prepare("select id from orders where voucher_id = ? and status in ('placed','confirmed','ready')").pluck();

  // Status moves and payment marks are conditional updates: of two concurrent moves from one state, one wins.
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

  // Vouchers: the order's own conditional updates on the vouchers row (the voucher module's rules, see service).
  const redeemVoucher = c.prepare("update vouchers set status = 'redeemed', redeemed_at = ?, redeemed_store_id = ?, redeemed_by = ? where id = ? and status = 'issued'");
  const restoreVoucher = c.prepare(
    "update vouchers set status = 'issued', redeemed_at = null, redeemed_store_id = null, redeemed_by = null where id = ? and status = 'redeemed' and redeemed_at = ? and expires_at > ?",
  );

  /** Stores a verified Zalo event once; false when its key was seen before (Zalo retries). The oa module owns the table. */
  const recordWebhook = (dedupeKey: string, eventName: string, payload: string, at: number) => recordWebhookEvent(db, dedupeKey, eventName, payload, at);

  return {
    recordWebhook,
    category,
    categories,
    insertCategory,
    updateCategory,
    product,
    allProducts,
    insertProduct,
    updateProduct,
    storesOf,
    setProductStores,
    setAvailable,
    menuProductIds,
    store,
    order,
    orderByRequest,
    orderByCheckoutId,
    insertOrder,
    insertLines,
    linesOf,
    ordersOf,
    ordersAt,
    voucherReservedBy: (voucherId: string) => liveOrderWithVoucher.get(voucherId) as string | undefined,
    move,
    set,
    markPaid: (p: { id: string; at: number; transId: string | null; checkoutOrderId: string | null }) => markPaid.run(p.at, p.transId, p.checkoutOrderId, p.at, p.id).changes === 1,
    markFailed: (id: string, at: number) => markFailed.run(at, id).changes === 1,
    linkCheckout: (id: string, checkoutOrderId: string) => linkCheckout.run(checkoutOrderId, id).changes === 1,
    redeemVoucher: (p: { voucherId: string; at: number; storeId: string; by: string }) => redeemVoucher.run(p.at, p.storeId, p.by, p.voucherId).changes === 1,
    restoreVoucher: (p: { voucherId: string; redeemedAt: number; now: number }) => restoreVoucher.run(p.voucherId, p.redeemedAt, p.now).changes === 1,
  };
}

export type OrderRepo = ReturnType<typeof createOrderRepo>;
