import { VOUCHER_LAST_AT } from "../../db/schema";
import type { Store, SyncView } from "../../db/store";
import { actorNameSql } from "../../lib/audit-repo";

export type VoucherTimelineRow = {
  id: string;
  campaign_id: string;
  campaign_name: string | null;
  cost_points: number | null;
  code: string;
  status: "issued" | "redeemed" | "void";
  source: string;
  issued_at: number;
  expires_at: number;
  redeemed_at: number | null;
  redeemed_store_id: string | null;
  store_name: string | null;
  redeemed_by: string | null;
  redeemed_by_name: string | null;
  voided_at: number | null;
  void_reason: string | null;
  hi: number;
};

// The expression vouchers_timeline_idx is built on, as each dialect writes it (the generated PostgreSQL schema's).
const LAST_AT = { sqlite: VOUCHER_LAST_AT, pg: "greatest(issued_at, expires_at, coalesce(redeemed_at, 0), coalesce(voided_at, 0))" };

/**
 * A person's vouchers for their timeline, by vouchers_timeline_idx (customer, VOUCHER_LAST_AT, issued_at): a
 * voucher's events (issued, redeemed, voided, expired) lie between issued_at and that bound. The staff view
 * keeps only redemptions at its stores (issuing has no store).
 */
export function createVoucherTimelineRepo(store: Store) {
  const sql = (d: "sqlite" | "pg") => {
    const hi = LAST_AT[d];
    const cols = `id, campaign_id, (select name from voucher_campaigns where id = vouchers.campaign_id) as campaign_name,
    (select cost_points from voucher_campaigns where id = vouchers.campaign_id) as cost_points, code, status, source, issued_at, expires_at,
    redeemed_at, redeemed_store_id, (select name from stores where id = vouchers.redeemed_store_id) as store_name,
    redeemed_by, ${actorNameSql("vouchers.redeemed_by")} as redeemed_by_name, voided_at, void_reason, ${hi} as hi`;
    // The store ids as one JSON array, or null for every store. Named parameters (one object), as every timeline
    // source binds them: the timeline's plan test finds its statements by `@customerId`.
    const stores =
      d === "sqlite"
        ? "(@stores is null or redeemed_store_id in (select value from json_each(@stores)))"
        : "(@stores::text is null or redeemed_store_id in (select jsonb_array_elements_text(@stores::jsonb)))";
    const from = d === "sqlite" ? "vouchers indexed by vouchers_timeline_idx" : "vouchers";
    return {
      range: `select ${cols} from ${from} where customer_id = @customerId and ${hi} between @min and @max and ${stores} order by ${hi} desc limit @n`,
      straddling: `select ${cols} from ${from} where customer_id = @customerId and ${hi} > @at and issued_at <= @at and ${stores}`,
    };
  };
  const s = sql("sqlite");
  const p = sql("pg");
  const range = store.prepare<VoucherTimelineRow>({ sqlite: s.range, pg: p.range });
  const straddling = store.prepare<VoucherTimelineRow>({ sqlite: s.straddling, pg: p.straddling });
  type P = { customerId: string; stores: string | null };
  return {
    range: (q: P & { min: number; max: number; n: number }) => range.all(q),
    straddling: (q: P & { at: number }) => straddling.all(q),
  };
}

export type VoucherTimelineRepoSync = SyncView<ReturnType<typeof createVoucherTimelineRepo>>;
