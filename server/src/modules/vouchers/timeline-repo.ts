import type { Db } from "../../db/client";
import { VOUCHER_LAST_AT } from "../../db/schema";
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

/**
 * A person's vouchers for their timeline, by vouchers_timeline_idx (customer, VOUCHER_LAST_AT, issued_at): a
 * voucher's events (issued, redeemed, voided, expired) lie between issued_at and that bound. The staff view
 * keeps only redemptions at its stores (issuing has no store).
 */
export function createVoucherTimelineRepo(db: Db) {
  const cols = `id, campaign_id, (select name from voucher_campaigns where id = vouchers.campaign_id) as campaign_name,
    (select cost_points from voucher_campaigns where id = vouchers.campaign_id) as cost_points, code, status, source, issued_at, expires_at,
    redeemed_at, redeemed_store_id, (select name from stores where id = vouchers.redeemed_store_id) as store_name,
    redeemed_by, ${actorNameSql("vouchers.redeemed_by")} as redeemed_by_name, voided_at, void_reason, ${VOUCHER_LAST_AT} as hi`;
  const stores = "(@stores is null or redeemed_store_id in (select value from json_each(@stores)))";
  const range = db.$client.prepare(
    `select ${cols} from vouchers indexed by vouchers_timeline_idx where customer_id = @customerId and ${VOUCHER_LAST_AT} between @min and @max and ${stores} order by ${VOUCHER_LAST_AT} desc limit @n`,
  );
  const straddling = db.$client.prepare(
    `select ${cols} from vouchers indexed by vouchers_timeline_idx where customer_id = @customerId and ${VOUCHER_LAST_AT} > @at and issued_at <= @at and ${stores}`,
  );
  type P = { customerId: string; stores: string | null };
  return {
    range: (p: P & { min: number; max: number; n: number }) => range.all(p) as VoucherTimelineRow[],
    straddling: (p: P & { at: number }) => straddling.all(p) as VoucherTimelineRow[],
  };
}
