import type { Db } from "../../db/client";
import { actorNameSql } from "../../lib/audit-repo";

export type LedgerTimelineRow = {
  id: number;
  kind: "earn" | "spend" | "expire" | "adjust" | "reverse";
  delta: number;
  balance_after: number;
  reason: string;
  store_id: string | null;
  store_name: string | null;
  actor_kind: string;
  actor_id: string;
  actor_name: string | null;
  expires_at: number | null;
  created_at: number;
};

/** A person's ledger entries by time, through points_ledger_window_idx (customer, created_at). */
export function createLedgerTimelineRepo(db: Db) {
  const range = db.$client.prepare(
    `select id, kind, delta, balance_after, reason, store_id, (select name from stores where id = points_ledger.store_id) as store_name,
       actor_kind, actor_id, ${actorNameSql("points_ledger.actor_id")} as actor_name, expires_at, created_at
     from points_ledger indexed by points_ledger_window_idx
     where customer_id = @customerId and created_at between @min and @max and (@stores is null or store_id in (select value from json_each(@stores)))
     order by created_at desc limit @n`,
  );
  return {
    range: (p: { customerId: string; min: number; max: number; n: number; stores: string | null }) => range.all(p) as LedgerTimelineRow[],
  };
}
