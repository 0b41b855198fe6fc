import { type Statement, type Store, mapStep } from "../../db/store";

export type RatingRow = {
  order_id: string;
  order_code: string;
  customer_id: string;
  customer_name: string | null;
  store_id: string;
  store_name: string | null;
  stars: number;
  comment: string;
  created_at: number;
};

const COLS = `r.order_id, o.code as order_code, r.customer_id, c.name as customer_name, r.store_id, s.name as store_name, r.stars, r.comment, r.created_at
  from order_ratings r join orders o on o.id = r.order_id join customers c on c.id = r.customer_id left join stores s on s.id = r.store_id`;

/** The order_ratings table: this module is its only writer. */

export function createRatingRepo(store: Store) {
  const pg = store.dialect === "postgres";
  const insert = store.prepare(
    `insert into order_ratings (order_id, customer_id, store_id, stars, comment, created_at) values (@orderId, @customerId, @storeId, @stars, @comment, @at)
     on conflict (order_id) do nothing`,
  );
  const byOrder = store.prepare<RatingRow>(`select ${COLS} where r.order_id = ?`);
  const storeName = store.prepare<string>("select name from stores where id = ?", "pluck");
  // Per store: every active store, rated or not, so the console sees a store nobody rated yet.
  const summary = store.prepare<{ store_id: string; store_name: string | null; n: number; total: number; low: number }>(
    `select s.id as store_id, s.name as store_name, count(r.order_id) as n, coalesce(sum(r.stars), 0) as total,
       coalesce(sum(case when r.stars <= @lowMax then 1 else 0 end), 0) as low
     from stores s left join order_ratings r on r.store_id = s.id group by s.id order by s.name`,
  );
  const forget = store.prepare("update order_ratings set comment = '' where customer_id = ?");
  // The list's statements, one per shape of filters (a handful), prepared once.
  const stmts = new Map<string, Statement<RatingRow>>();
  const stmt = (sql: string) => {
    let st = stmts.get(sql);
    if (!st) stmts.set(sql, (st = store.prepare<RatingRow>(sql)));
    return st;
  };

  /**
   * The console's list, newest first, keyset-paged on (created_at, order_id); each filter has its index ending in
   * (created_at, order_id), so a page is one backwards range.
   */
  function list(p: { stars: number | null; lowMax: number | null; storeId: string | null; before: number | null; beforeId: string | null; limit: number }) {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: p.limit };
    let indexed = "order_ratings_recent_idx";
    if (p.storeId !== null) ((indexed = "order_ratings_store_idx"), where.push("r.store_id = @storeId"), (args.storeId = p.storeId));
    if (p.stars !== null) {
      if (p.storeId === null) indexed = "order_ratings_stars_idx";
      where.push("r.stars = @stars");
      args.stars = p.stars;
    } else if (p.lowMax !== null) (where.push("r.stars <= @lowMax"), (args.lowMax = p.lowMax));
    if (p.before !== null) {
      where.push("(r.created_at < @before or (r.created_at = @before and r.order_id < @beforeId))");
      args.before = p.before;
      args.beforeId = p.beforeId ?? "";
    }
    // PostgreSQL's planner picks the same indexes by itself (it has no INDEXED BY).
    const from = pg ? "from order_ratings r" : `from order_ratings r indexed by ${indexed}`;
    const sql = `select ${COLS.replace("from order_ratings r", from)} ${where.length ? `where ${where.join(" and ")}` : ""}
      order by r.created_at desc, r.order_id desc limit @limit`;
    return stmt(sql).all(args);
  }

  return {
    /** False when the order was rated already (the primary key holds one rating per order, whatever races). */
    insert: (r: { orderId: string; customerId: string; storeId: string; stars: number; comment: string; at: number }) =>
      mapStep(insert.run(r), (x) => x.changes > 0),
    byOrder: (orderId: string) => byOrder.get(orderId),
    storeName: (storeId: string) => mapStep(storeName.get(storeId), (n) => n ?? null),
    list,
    summary: (lowMax: number) => summary.all({ lowMax }),
    /** An erased person's words go; the stars stay in the store's figures, attached to no one but the erased row. */
    forget: (customerId: string) => mapStep(forget.run(customerId), () => undefined),
  };
}
export type RatingRepo = ReturnType<typeof createRatingRepo>;
