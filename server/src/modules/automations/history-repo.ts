import type { Statement, Store } from "../../db/store";

/**
 * The what-if's reads of history (read-only; other modules own these tables). Each reads one rowid slice
 * `(lo, hi]` of its table, so a count over a year of orders runs as short steps between requests. The slice key is
 * `rowid` for tables keyed by text (PostgreSQL has a `rowid` identity there) and `id` for those keyed by an
 * integer (SQLite's rowid is that id).
 */
export type OrderFact = { customer_id: string; id: string; total_vnd: number; store_id: string; pickup_type: string; points_earned: number };

const ORDER_MOVE_COLUMN = {
  order_confirmed: "confirmed_at",
  order_ready: "ready_at",
  order_completed: "completed_at",
  order_cancelled: "cancelled_at",
} as const;
export type OrderMoveTrigger = keyof typeof ORDER_MOVE_COLUMN;
export const isOrderMove = (t: string): t is OrderMoveTrigger => Object.hasOwn(ORDER_MOVE_COLUMN, t);

/** Each table's slice key, on both databases. */
export const SLICE_KEY = { orders: "rowid", follow_events: "id", vouchers: "rowid", points_ledger: "id", automation_runs: "id" } as const;
export type SlicedTable = keyof typeof SLICE_KEY;

export function createAutomationHistoryRepo(store: Store) {
  const P = store.prepare.bind(store);
  const cols = "o.customer_id, o.id, o.total_vnd, o.store_id, o.pickup_type, o.points_earned";
  const moves = Object.fromEntries(
    Object.entries(ORDER_MOVE_COLUMN).map(([t, col]) => [
      t,
      P<OrderFact>(`select ${cols} from orders o where o.rowid > @lo and o.rowid <= @hi and o.${col} >= @from and o.${col} < @to`),
    ]),
  ) as Record<OrderMoveTrigger, Statement<OrderFact>>;
  // The event fires on a person's first completion (orders_completed_idx answers "an earlier one?").
  const firsts = P<OrderFact>(
    `select ${cols} from orders o where o.rowid > @lo and o.rowid <= @hi and o.completed_at >= @from and o.completed_at < @to
       and not exists (select 1 from orders x where x.customer_id = o.customer_id
                       and (x.completed_at < o.completed_at or (x.completed_at = o.completed_at and x.rowid < o.rowid)))`,
  );
  // The welcome fires once per person: their first follow ever.
  const follows = P<{ customer_id: string }>(
    `select f.customer_id from follow_events f where f.id > @lo and f.id <= @hi and f.kind = 'follow' and f.at >= @from and f.at < @to
       and not exists (select 1 from follow_events x where x.customer_id = f.customer_id and x.kind = 'follow' and (x.at < f.at or (x.at = f.at and x.id < f.id)))`,
  );
  // A voucher entered "expiring within N days" at expires_at - N days, if still unused then.
  const vouchers = P<{ customer_id: string; id: string }>(
    `select v.customer_id, v.id from vouchers v where v.rowid > @lo and v.rowid <= @hi and v.expires_at - @ahead >= @from and v.expires_at - @ahead < @to
       and (v.redeemed_at is null or v.redeemed_at > v.expires_at - @ahead) and (v.voided_at is null or v.voided_at > v.expires_at - @ahead)`,
  );
  // Earned lots that entered the window (gross: what was spent meanwhile is not netted out, hence an estimate).
  const lots = P<{ customer_id: string; delta: number; expires_at: number }>(
    `select l.customer_id, l.delta, l.expires_at from points_ledger l where l.id > @lo and l.id <= @hi and l.kind = 'earn' and l.delta > 0
       and l.expires_at is not null and l.expires_at - @ahead >= @from and l.expires_at - @ahead < @to`,
  );
  const runs = P<{ customer_id: string; occurrence_key: string; vars: string }>(
    "select customer_id, occurrence_key, vars from automation_runs where id > @lo and id <= @hi and automation_id = @automationId and created_at >= @from and created_at < @to",
  );
  type Slice = { lo: number; hi: number; from: number; to: number };
  const ends = Object.fromEntries(Object.entries(SLICE_KEY).map(([t, k]) => [t, P<number>(`select coalesce(max(${k}), 0) from ${t}`, "pluck")])) as Record<
    SlicedTable,
    Statement<number>
  >;
  return {
    /** The table's largest slice key now (0 when empty). */
    sliceEnd: (table: SlicedTable) => ends[table].get(),
    orderMoves: (trigger: OrderMoveTrigger, p: Slice) => moves[trigger].all(p),
    firstPurchases: (p: Slice) => firsts.all(p),
    firstFollows: (p: Slice) => follows.all(p),
    vouchersEnteringWindow: (p: Slice & { ahead: number }) => vouchers.all(p),
    lotsEnteringWindow: (p: Slice & { ahead: number }) => lots.all(p),
    runsOf: (p: Slice & { automationId: string }) => runs.all(p),
  };
}

export type AutomationHistoryRepo = ReturnType<typeof createAutomationHistoryRepo>;
