import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rowReader } from "../../db/rows";
import { voucherCampaigns, vouchers } from "../../db/schema";

export type CampaignRow = typeof voucherCampaigns.$inferSelect;
export type VoucherRow = typeof vouchers.$inferSelect;

export function createVoucherRepo(db: Db) {
  const c = db.$client;
  // The two race-prone writes are single conditional updates: SQLite applies each atomically.
  const takeStock = c.prepare("update voucher_campaigns set issued = issued + 1 where id = ? and (stock is null or issued < stock)");
  // A voucher applied to a live order is the order's: the counter cannot redeem it meanwhile.
  const markRedeemed = c.prepare(
    `update vouchers set status = 'redeemed', redeemed_at = ?, redeemed_store_id = ?, redeemed_by = ? where id = ? and status = 'issued' and expires_at > ?
     and not exists (select 1 from orders o where o.voucher_id = vouchers.id and o.status in ('placed','confirmed','ready'))`,
  );
  // Cancelling a completed order gives its voucher back, only if this order's redemption is the one on the row
  // and the voucher has not expired since.
  const restoreStmt = c.prepare(
    "update vouchers set status = 'issued', redeemed_at = null, redeemed_store_id = null, redeemed_by = null where id = ? and status = 'redeemed' and redeemed_at = ? and expires_at > ?",
  );
  const heldByOrder = c.prepare("select code from orders where voucher_id = ? and status in ('placed','confirmed','ready')").pluck();

  // Hot path (every counter scan and redemption reads these): prepared once, mapped like drizzle's select().
  const campaignRow = rowReader(voucherCampaigns);
  const voucherRow = rowReader(vouchers);
  const campaignStmt = c.prepare(`${campaignRow.selectAll} where "id" = ?`).raw();
  const voucherStmt = c.prepare(`${voucherRow.selectAll} where "id" = ?`).raw();
  const voucherByCodeStmt = c.prepare(`${voucherRow.selectAll} where "code" = ?`).raw();
  const ownerStmt = c.prepare("select id, name, avatar from customers where id = ?");
  const storeNameStmt = c.prepare("select name from stores where id = ?").pluck();

  const campaign = (id: string) => campaignRow.read(campaignStmt.get(id) as unknown[] | undefined);
  const campaigns = () => db.select().from(voucherCampaigns).orderBy(desc(voucherCampaigns.createdAt)).all();
  const insertCampaign = (row: typeof voucherCampaigns.$inferInsert) => db.insert(voucherCampaigns).values(row).run();
  const updateCampaign = (id: string, set: Partial<typeof voucherCampaigns.$inferInsert>) =>
    db.update(voucherCampaigns).set(set).where(eq(voucherCampaigns.id, id)).run();

  // One covering scan of vouchers_campaign_status_idx, grouped in its order (no temporary b-tree): per campaign,
  // status and redeeming store, how many, and how many of them are past their expiry.
  const countsStmt = c.prepare(
    `select campaign_id as campaignId, status, redeemed_store_id as storeId, count(*) as n, sum(expires_at <= ?) as pastExpiry
     from vouchers indexed by vouchers_campaign_status_idx group by campaign_id, status, redeemed_store_id`,
  );
  /** Per campaign: redeemed, expired unused (issued and past expiry) and redemptions per store id. */
  const campaignCounts = (at: number) => {
    const out = new Map<string, { redeemed: number; expired: number; byStore: Map<string, number> }>();
    for (const r of countsStmt.all(at) as { campaignId: string; status: string; storeId: string | null; n: number; pastExpiry: number }[]) {
      let c = out.get(r.campaignId);
      if (!c) out.set(r.campaignId, (c = { redeemed: 0, expired: 0, byStore: new Map() }));
      if (r.status === "redeemed") {
        c.redeemed += r.n;
        if (r.storeId) c.byStore.set(r.storeId, (c.byStore.get(r.storeId) ?? 0) + r.n);
      } else if (r.status === "issued") c.expired += r.pastExpiry;
    }
    return out;
  };

  const claimedByStmt = c.prepare("select count(*) from vouchers where campaign_id = ? and customer_id = ?").pluck();
  const claimedBy = (campaignId: string, customerId: string) => claimedByStmt.get(campaignId, customerId) as number;

  const claimCounts = (customerId: string) =>
    new Map(
      db
        .select({ campaignId: vouchers.campaignId, n: sql<number>`count(*)` })
        .from(vouchers)
        .where(eq(vouchers.customerId, customerId))
        .groupBy(vouchers.campaignId)
        .all()
        .map((r) => [r.campaignId, r.n]),
    );

  const voucher = (id: string) => voucherRow.read(voucherStmt.get(id) as unknown[] | undefined);
  const voucherByCode = (code: string) => voucherRow.read(voucherByCodeStmt.get(code) as unknown[] | undefined);
  const voucherBySourceStmt = c.prepare(`${voucherRow.selectAll} where "source_key" = ?`).raw();
  const voucherBySource = (key: string) => voucherRow.read(voucherBySourceStmt.get(key) as unknown[] | undefined);
  const vouchersOf = (customerId: string) => db.select().from(vouchers).where(eq(vouchers.customerId, customerId)).orderBy(desc(vouchers.issuedAt)).all();
  const insertVoucherStmt = c.prepare(
    "insert into vouchers (id, campaign_id, customer_id, code, status, source, source_key, issued_at, expires_at) values (?, ?, ?, ?, 'issued', ?, ?, ?, ?)",
  );
  /** A new voucher, issued (the only state a voucher is born in). */
  const insertVoucher = (v: Pick<VoucherRow, "id" | "campaignId" | "customerId" | "code" | "source" | "sourceKey" | "issuedAt" | "expiresAt">) =>
    insertVoucherStmt.run(v.id, v.campaignId, v.customerId, v.code, v.source, v.sourceKey, v.issuedAt, v.expiresAt);

  const owner = (customerId: string) => ownerStmt.get(customerId) as { id: string; name: string; avatar: string | null };

  // Counter codes: one row per QR fetched, kept a while past expiry (see the table's comment).
  const insertCounterCode = c.prepare("insert or ignore into voucher_counter_codes (code, voucher_id, expires_at) values (?, ?, ?)");
  const dropCounterCodes = c.prepare("delete from voucher_counter_codes where expires_at <= ?");
  const counterCodeStmt = c.prepare("select voucher_id as voucherId, expires_at as expiresAt from voucher_counter_codes where code = ?");
  // Issued, unexpired, not held by a live order: what the counter could redeem now (stores checked by the caller).
  const usableOfStmt = c
    .prepare(
      `${voucherRow.selectAll} where customer_id = ? and status = 'issued' and expires_at > ?
     and not exists (select 1 from orders o where o.voucher_id = vouchers.id and o.status in ('placed','confirmed','ready'))
     order by expires_at, issued_at limit 50`,
    )
    .raw();
  // The automations' "voucher expiring" scan: unused vouchers lapsing in (from, to], a page at a time in
  // (expires_at, id) order after the last one seen (vouchers_expiring_idx, partial on status = 'issued').
  const expiringStmt = c.prepare(
    `select v.id, v.customer_id as customerId, k.name as campaignName, v.expires_at as expiresAt
     from vouchers v join voucher_campaigns k on k.id = v.campaign_id
     where v.status = 'issued' and (v.expires_at, v.id) > (@afterAt, @afterId) and v.expires_at <= @to
     order by v.expires_at, v.id limit @n`,
  );
  const expiringPage = (p: { from: number; to: number; after: { at: number; id: string } | null; n: number }) =>
    expiringStmt.all({ afterAt: p.after?.at ?? p.from, afterId: p.after?.id ?? "\uffff", to: p.to, n: p.n }) as {
      id: string;
      customerId: string;
      campaignName: string;
      expiresAt: number;
    }[];
  const storeName = (id: string) => (storeNameStmt.get(id) as string | undefined) ?? id;

  return {
    expiringPage,
    campaign,
    campaigns,
    insertCampaign,
    updateCampaign,
    campaignCounts,
    claimedBy,
    claimCounts,
    takeStock: (id: string) => takeStock.run(id).changes === 1,
    /** `validAt`: when the voucher must still have been unexpired (default `at`; an order's is when it was placed). */
    markRedeemed: (p: { id: string; at: number; storeId: string; by: string; validAt?: number }) =>
      markRedeemed.run(p.at, p.storeId, p.by, p.id, p.validAt ?? p.at).changes === 1,
    restore: (p: { id: string; redeemedAt: number; now: number }) => restoreStmt.run(p.id, p.redeemedAt, p.now).changes === 1,
    /** The code of the live order this voucher is applied to, if any. */
    heldByOrder: (id: string) => heldByOrder.get(id) as string | undefined,
    voucher,
    voucherByCode,
    voucherBySource,
    vouchersOf,
    insertVoucher,
    owner,
    storeName,
    /** Stores a counter code unless one with this value is still kept; false means pick another. */
    addCounterCode: (p: { code: string; voucherId: string; expiresAt: number; dropBefore: number }) => {
      dropCounterCodes.run(p.dropBefore);
      return insertCounterCode.run(p.code, p.voucherId, p.expiresAt).changes === 1;
    },
    counterCode: (code: string) => counterCodeStmt.get(code) as { voucherId: string; expiresAt: number } | undefined,
    usableOf: (customerId: string, at: number) => (usableOfStmt.all(customerId, at) as unknown[][]).map((r) => voucherRow.read(r)!),
  };
}

export type VoucherRepo = ReturnType<typeof createVoucherRepo>;
