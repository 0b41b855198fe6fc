import type { Db } from "../../db/client";

/** What the keep-warm floor reads (customers gone quiet, their vouchers, the current offer). Reads only. */
export function createFloorRepo(db: Db) {
  const c = db.$client;
  const silentIn = c.prepare(
    `select c.id, c.name, c.points_balance from customers c where c.rowid > @lo and c.rowid <= @hi and c.follows_oa = 1
       and not exists (select 1 from outbox o where o.customer_id = c.id and (o.sent_at >= @since or o.state in ('queued','held','sending')))`,
  );
  const voucherSoon = c.prepare(
    "select v.id, vc.name, v.expires_at from vouchers v join voucher_campaigns vc on vc.id = v.campaign_id where v.customer_id = ? and v.status = 'issued' and v.expires_at > ? order by v.expires_at limit 1",
  );
  const offer = c.prepare(
    "select name from voucher_campaigns where active = 1 and listed = 1 and (valid_to is null or valid_to > ?) order by created_at desc limit 1",
  );
  return {
    /** Followers in a customers rowid slice with nothing sent since `since` and nothing on its way. */
    silentIn: (p: { lo: number; hi: number; since: number }) => silentIn.all(p) as { id: string; name: string; points_balance: number }[],
    voucherSoon: (customerId: string, t: number) => voucherSoon.get(customerId, t) as { name: string; expires_at: number } | undefined,
    currentOffer: (t: number) => offer.get(t) as { name: string } | undefined,
  };
}
