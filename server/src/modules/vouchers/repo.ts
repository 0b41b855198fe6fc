import { rowReader } from "../../db/rows";
import { voucherCampaigns, vouchers } from "../../db/schema";
import { q, type Store, type SyncView, mapStep } from "../../db/store";

export type CampaignRow = typeof voucherCampaigns.$inferSelect;
export type VoucherRow = typeof vouchers.$inferSelect;
export type NewCampaign = typeof voucherCampaigns.$inferInsert;
const bit = (b: boolean) => (b ? 1 : 0);

/** The campaign columns an admin edits, in the order the insert and the update bind them. */
const EDITABLE = [
  "name",
  "description",
  "kind",
  "value",
  "max_discount_vnd",
  "free_item",
  "min_spend_vnd",
  "stock",
  "per_customer_limit",
  "valid_from",
  "valid_to",
  "valid_days_after_claim",
  "cost_points",
  "store_ids",
  "requires_follow",
  "listed",
  "active",
] as const;
type Editable = Omit<NewCampaign, "id" | "issued" | "createdAt" | "updatedAt">;
// The schema's defaults, filled here: the statements bind every column.
const editableValues = (r: Editable) => [
  r.name,
  r.description ?? "",
  r.kind,
  r.value,
  r.maxDiscountVnd ?? null,
  r.freeItem ?? null,
  r.minSpendVnd ?? 0,
  r.stock ?? null,
  r.perCustomerLimit ?? 1,
  r.validFrom ?? null,
  r.validTo ?? null,
  r.validDaysAfterClaim ?? null,
  r.costPoints ?? 0,
  r.storeIds ?? "[]",
  bit(r.requiresFollow ?? false),
  bit(r.listed ?? true),
  bit(r.active ?? true),
];

/** Voucher campaigns, vouchers and counter codes: this module is their only writer. */
export function createVoucherRepo(store: Store) {
  // The two race-prone writes are single conditional updates: SQLite applies each atomically; on PostgreSQL a
  // concurrent one makes the later transaction run again (SERIALIZABLE), where the condition then fails.
  const takeStockStmt = store.prepare("update voucher_campaigns set issued = issued + 1 where id = ? and (stock is null or issued < stock)");
  // A voucher applied to a live order is the order's: the counter cannot redeem it meanwhile.
  const markRedeemedStmt = store.prepare(
    `update vouchers set status = 'redeemed', redeemed_at = ?, redeemed_store_id = ?, redeemed_by = ? where id = ? and status = 'issued' and expires_at > ?
     and not exists (select 1 from orders o where o.voucher_id = vouchers.id and o.status in ('placed','confirmed','ready'))`,
  );
  // Cancelling a completed order gives its voucher back, only if this order's redemption is the one on the row
  // and the voucher has not expired since.
  const restoreStmt = store.prepare(
    "update vouchers set status = 'issued', redeemed_at = null, redeemed_store_id = null, redeemed_by = null where id = ? and status = 'redeemed' and redeemed_at = ? and expires_at > ?",
  );
  const heldByOrderStmt = store.prepare<string>("select code from orders where voucher_id = ? and status in ('placed','confirmed','ready')", "pluck");

  // Hot path (every counter scan and redemption reads these): prepared once, mapped like drizzle's select().
  const campaignRow = rowReader(voucherCampaigns);
  const voucherRow = rowReader(vouchers);
  const readCampaign = (v: unknown[] | undefined) => campaignRow.read(v);
  const readVoucher = (v: unknown[] | undefined) => voucherRow.read(v);
  const readVouchers = (vs: unknown[][]) => vs.map((v) => voucherRow.read(v)!);
  const campaignStmt = store.prepare(`${campaignRow.selectAll} where "id" = ?`, "array");
  const campaignsStmt = store.prepare(`${campaignRow.selectAll} order by created_at desc`, "array");
  const voucherStmt = store.prepare(`${voucherRow.selectAll} where "id" = ?`, "array");
  const voucherByCodeStmt = store.prepare(`${voucherRow.selectAll} where "code" = ?`, "array");
  const voucherBySourceStmt = store.prepare(`${voucherRow.selectAll} where "source_key" = ?`, "array");
  const vouchersOfStmt = store.prepare(`${voucherRow.selectAll} where customer_id = ? order by issued_at desc`, "array");
  const ownerStmt = store.prepare<{ id: string; name: string; avatar: string | null }>("select id, name, avatar from customers where id = ?");
  const storeNameStmt = store.prepare<string>("select name from stores where id = ?", "pluck");

  const insertCampaignStmt = store.prepare(
    `insert into voucher_campaigns (id, ${EDITABLE.join(", ")}, issued, created_at, updated_at) values (?, ${EDITABLE.map(() => "?").join(", ")}, ?, ?, ?)`,
  );
  const updateCampaignStmt = store.prepare(`update voucher_campaigns set ${EDITABLE.map((c) => `${c} = ?`).join(", ")}, updated_at = ? where id = ?`);
  const setActiveStmt = store.prepare("update voucher_campaigns set active = ?, updated_at = ? where id = ?");

  // One covering scan of vouchers_campaign_status_idx, grouped in its order (no temporary b-tree): per campaign,
  // status and redeeming store, how many, and how many of them are past their expiry.
  const countsSql = (from: string) =>
    `select campaign_id as "campaignId", status, redeemed_store_id as "storeId", count(*) as n, sum(case when expires_at <= ? then 1 else 0 end) as "pastExpiry"
     from ${from} group by campaign_id, status, redeemed_store_id`;
  const countsStmt = store.prepare<{ campaignId: string; status: string; storeId: string | null; n: number; pastExpiry: number }>({
    sqlite: countsSql("vouchers indexed by vouchers_campaign_status_idx"),
    pg: countsSql("vouchers"),
  });
  /** Per campaign: redeemed, expired unused (issued and past expiry) and redemptions per store id. */
  const campaignCounts = (at: number) =>
    mapStep(countsStmt.all(at), (rows) => {
      const out = new Map<string, { redeemed: number; expired: number; byStore: Map<string, number> }>();
      for (const r of rows) {
        let c = out.get(r.campaignId);
        if (!c) out.set(r.campaignId, (c = { redeemed: 0, expired: 0, byStore: new Map() }));
        if (r.status === "redeemed") {
          c.redeemed += r.n;
          if (r.storeId) c.byStore.set(r.storeId, (c.byStore.get(r.storeId) ?? 0) + r.n);
        } else if (r.status === "issued") c.expired += r.pastExpiry;
      }
      return out;
    });

  const claimedByStmt = store.prepare<number>("select count(*) from vouchers where campaign_id = ? and customer_id = ?", "pluck");
  const claimCountsStmt = store.prepare<[string, number]>("select campaign_id, count(*) from vouchers where customer_id = ? group by campaign_id", "array");

  const insertVoucherStmt = store.prepare(
    "insert into vouchers (id, campaign_id, customer_id, code, status, source, source_key, issued_at, expires_at) values (?, ?, ?, ?, 'issued', ?, ?, ?, ?)",
  );

  // Counter codes: one row per QR fetched, kept a while past expiry (see the table's comment).
  const insertCounterCode = store.prepare("insert into voucher_counter_codes (code, voucher_id, expires_at) values (?, ?, ?) on conflict do nothing");
  const dropCounterCodes = store.prepare("delete from voucher_counter_codes where expires_at <= ?");
  const counterCodeStmt = store.prepare<{ voucherId: string; expiresAt: number }>(
    `select voucher_id as "voucherId", expires_at as "expiresAt" from voucher_counter_codes where code = ?`,
  );
  // Issued, unexpired, not held by a live order: what the counter could redeem now (stores checked by the caller).
  const usableOfStmt = store.prepare(
    `${voucherRow.selectAll} where customer_id = ? and status = 'issued' and expires_at > ?
     and not exists (select 1 from orders o where o.voucher_id = vouchers.id and o.status in ('placed','confirmed','ready'))
     order by expires_at, issued_at limit 50`,
    "array",
  );
  // The automations' "voucher expiring" scan: unused vouchers lapsing in (from, to], a page at a time in
  // (expires_at, id) order after the last one seen (vouchers_expiring_idx, partial on status = 'issued').
  type Expiring = { id: string; customerId: string; campaignName: string; expiresAt: number };
  const expiringSql = (after: string) =>
    `select v.id, v.customer_id as "customerId", k.name as "campaignName", v.expires_at as "expiresAt"
     from vouchers v join voucher_campaigns k on k.id = v.campaign_id
     where v.status = 'issued' and ${after} and v.expires_at <= ?
     order by v.expires_at, v.id limit ?`;
  // The first page has no id to start after (no sentinel id either: collations order one differently).
  const expiringFirstStmt = store.prepare<Expiring>(expiringSql("v.expires_at > ?"));
  const expiringAfterStmt = store.prepare<Expiring>(expiringSql("(v.expires_at, v.id) > (?, ?)"));
  const expiringPage = (p: { from: number; to: number; after: { at: number; id: string } | null; n: number }) =>
    p.after ? expiringAfterStmt.all(p.after.at, p.after.id, p.to, p.n) : expiringFirstStmt.all(p.from, p.to, p.n);

  return {
    expiringPage,
    campaign: (id: string) => mapStep(campaignStmt.get(id), readCampaign),
    campaigns: () => mapStep(campaignsStmt.all(), (rows) => rows.map((r) => campaignRow.read(r)!)),
    insertCampaign: (row: NewCampaign) => insertCampaignStmt.run(row.id, ...editableValues(row), row.issued ?? 0, row.createdAt, row.updatedAt),
    /** Every editable column of a campaign (the admin form sends the whole campaign). */
    updateCampaign: (id: string, row: Editable, updatedAt: number) => updateCampaignStmt.run(...editableValues(row), updatedAt, id),
    setActive: (id: string, active: boolean, updatedAt: number) => setActiveStmt.run(bit(active), updatedAt, id),
    campaignCounts,
    claimedBy: (campaignId: string, customerId: string) => mapStep(claimedByStmt.get(campaignId, customerId), (n) => n ?? 0),
    claimCounts: (customerId: string) => mapStep(claimCountsStmt.all(customerId), (rows) => new Map(rows)),
    takeStock: (id: string) => mapStep(takeStockStmt.run(id), (r) => r.changes === 1),
    /** `validAt`: when the voucher must still have been unexpired (default `at`; an order's is when it was placed). */
    markRedeemed: (p: { id: string; at: number; storeId: string; by: string; validAt?: number }) =>
      mapStep(markRedeemedStmt.run(p.at, p.storeId, p.by, p.id, p.validAt ?? p.at), (r) => r.changes === 1),
    restore: (p: { id: string; redeemedAt: number; now: number }) => mapStep(restoreStmt.run(p.id, p.redeemedAt, p.now), (r) => r.changes === 1),
    /** The code of the live order this voucher is applied to, if any. */
    heldByOrder: (id: string) => heldByOrderStmt.get(id),
    voucher: (id: string) => mapStep(voucherStmt.get(id), readVoucher),
    voucherByCode: (code: string) => mapStep(voucherByCodeStmt.get(code), readVoucher),
    voucherBySource: (key: string) => mapStep(voucherBySourceStmt.get(key), readVoucher),
    vouchersOf: (customerId: string) => mapStep(vouchersOfStmt.all(customerId), readVouchers),
    /** A new voucher, issued (the only state a voucher is born in). */
    insertVoucher: (v: Pick<VoucherRow, "id" | "campaignId" | "customerId" | "code" | "source" | "sourceKey" | "issuedAt" | "expiresAt">) =>
      insertVoucherStmt.run(v.id, v.campaignId, v.customerId, v.code, v.source, v.sourceKey, v.issuedAt, v.expiresAt),
    owner: (customerId: string) => mapStep(ownerStmt.get(customerId), (o) => o!),
    storeName: (id: string) => mapStep(storeNameStmt.get(id), (name) => name ?? id),
    /** Stores a counter code unless one with this value is still kept; false means pick another. */
    addCounterCode: (p: { code: string; voucherId: string; expiresAt: number; dropBefore: number }) =>
      store.join(function* () {
        yield* q(dropCounterCodes.run(p.dropBefore));
        return (yield* q(insertCounterCode.run(p.code, p.voucherId, p.expiresAt))).changes === 1;
      }),
    counterCode: (code: string) => counterCodeStmt.get(code),
    usableOf: (customerId: string, at: number) => mapStep(usableOfStmt.all(customerId, at), readVouchers),
  };
}

export type VoucherRepo = ReturnType<typeof createVoucherRepo>;
/** The repo as synchronous SQLite code not ported yet sees it (see syncView). */
export type VoucherRepoSync = SyncView<VoucherRepo>;
