import type { Db } from "../../db/client";

/**
 * The what-if's reads of history (read-only; other modules own these tables). Each reads one rowid slice
 * `(lo, hi]` of its table, so a count over a year of orders runs as short steps between requests.
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

export function createAutomationHistoryRepo(db: Db) {
  const c = db.$client;
  const cols = "o.customer_id, o.id, o.total_vnd, o.store_id, o.pickup_type, o.points_earned";
  const moves = Object.fromEntries(
    Object.entries(ORDER_MOVE_COLUMN).map(([t, col]) => [
      t,
      c.prepare(`select ${cols} from orders o where o.rowid > @lo and o.rowid <= @hi and o.${col} >= @from and o.${col} < @to`),
    ]),
  ) as Record<OrderMoveTrigger, ReturnType<typeof c.prepare>>;
  // The event fires on a person's first completion (orders_completed_idx answers "an earlier one?").
  const firsts = c.prepare(
    `select ${cols} from orders o where o.rowid > @lo and o.rowid <= @hi and o.completed_at >= @from and o.completed_at < @to
       and not exists (select 1 from orders x where x.customer_id = o.customer_id
                       and (x.completed_at < o.completed_at or (x.completed_at = o.completed_at and x.rowid < o.rowid)))`,
  );
  // The welcome fires once per person: their first follow ever.
  const follows = c.prepare(
    `select f.customer_id from follow_events f where f.rowid > @lo and f.rowid <= @hi and f.kind = 'follow' and f.at >= @from and f.at < @to
       and not exists (select 1 from follow_events x where x.customer_id = f.customer_id and x.kind = 'follow' and (x.at < f.at or (x.at = f.at and x.id < f.id)))`,
  );
  // A voucher entered "expiring within N days" at expires_at - N days, if still unused then.
  const vouchers = c.prepare(
    `select v.customer_id, v.id from vouchers v where v.rowid > @lo and v.rowid <= @hi and v.expires_at - @ahead >= @from and v.expires_at - @ahead < @to
       and (v.redeemed_at is null or v.redeemed_at > v.expires_at - @ahead) and (v.voided_at is null or v.voided_at > v.expires_at - @ahead)`,
  );
  // Earned lots that entered the window (gross: what was spent meanwhile is not netted out, hence an estimate).
  const lots = c.prepare(
    `select l.customer_id, l.delta, l.expires_at from points_ledger l where l.rowid > @lo and l.rowid <= @hi and l.kind = 'earn' and l.delta > 0
       and l.expires_at is not null and l.expires_at - @ahead >= @from and l.expires_at - @ahead < @to`,
  );
  const runs = c.prepare(
    "select customer_id, occurrence_key, vars from automation_runs where rowid > @lo and rowid <= @hi and automation_id = @automationId and created_at >= @from and created_at < @to",
  );
  type Slice = { lo: number; hi: number; from: number; to: number };
  return {
    orderMoves: (trigger: OrderMoveTrigger, p: Slice) => moves[trigger].all(p) as OrderFact[],
    firstPurchases: (p: Slice) => firsts.all(p) as OrderFact[],
    firstFollows: (p: Slice) => follows.all(p) as { customer_id: string }[],
    vouchersEnteringWindow: (p: Slice & { ahead: number }) => vouchers.all(p) as { customer_id: string; id: string }[],
    lotsEnteringWindow: (p: Slice & { ahead: number }) => lots.all(p) as { customer_id: string; delta: number; expires_at: number }[],
    runsOf: (p: Slice & { automationId: string }) => runs.all(p) as { customer_id: string; occurrence_key: string; vars: string }[],
  };
}

export type AutomationHistoryRepo = ReturnType<typeof createAutomationHistoryRepo>;
