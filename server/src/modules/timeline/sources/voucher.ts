import { sqliteStore, syncView } from "../../../db/store";
import { createVoucherTimelineRepo, type VoucherTimelineRow } from "../../vouchers/timeline-repo";
import { actorName, atStores, iso, scan, storesParam, type Item, type SourceFactory } from "../kit";

function issuedTitle(v: VoucherTimelineRow, name: string): string {
  if (v.source === "prize") return `Trúng voucher ${name} từ trò chơi`;
  if (v.source === "claim") return (v.cost_points ?? 0) > 0 ? `Đổi ${v.cost_points} điểm lấy voucher ${name}` : `Nhận voucher ${name}`;
  if (v.source === "birthday") return `Quà sinh nhật: voucher ${name}`;
  return `Được tặng voucher ${name}`;
}

/** Vouchers: claimed or issued, redeemed (where, by whom), voided, and expired (derived: still issued past its date). */
export const voucherSource: SourceFactory = ({ db, now }) => {
  const repo = syncView(sqliteStore(db), createVoucherTimelineRepo(sqliteStore(db)));
  const itemsOf =
    (customerId: string) =>
    (v: VoucherTimelineRow): Item[] => {
      const name = `“${v.campaign_name ?? v.campaign_id}”`;
      const data = { voucherId: v.id, campaignId: v.campaign_id, campaignName: v.campaign_name, code: v.code, status: v.status, expiresAt: iso(v.expires_at) };
      const out: Item[] = [
        {
          key: `voucher:${v.id}:issued`,
          kind: "voucher",
          at: v.issued_at,
          title: issuedTitle(v, name),
          detail: `Mã ${v.code}`,
          storeId: null,
          actor: null,
          data: { ...data, event: "issued", source: v.source },
        },
      ];
      if (v.redeemed_at !== null)
        out.push({
          key: `voucher:${v.id}:redeemed`,
          kind: "voucher",
          at: v.redeemed_at,
          title: `Dùng voucher ${name}`,
          detail: v.store_name ? `Tại ${v.store_name}` : null,
          storeId: v.redeemed_store_id,
          actor: actorName(null, v.redeemed_by, v.redeemed_by_name, customerId),
          data: { ...data, event: "redeemed", redeemedBy: v.redeemed_by },
        });
      if (v.voided_at !== null)
        out.push({
          key: `voucher:${v.id}:voided`,
          kind: "voucher",
          at: v.voided_at,
          title: `Voucher ${name} bị huỷ`,
          detail: v.void_reason ? `Lý do: ${v.void_reason}` : null,
          storeId: null,
          actor: null,
          data: { ...data, event: "voided", reason: v.void_reason },
        });
      if (v.status === "issued" && v.expires_at < now())
        out.push({
          key: `voucher:${v.id}:expired`,
          kind: "voucher",
          at: v.expires_at,
          title: `Voucher ${name} hết hạn`,
          detail: "Chưa dùng",
          storeId: null,
          actor: null,
          data: { ...data, event: "expired" },
        });
      return out;
    };
  return {
    kind: "voucher",
    page: (customerId, before, limit, opts) => {
      const stores = storesParam(opts);
      return scan({
        before,
        limit,
        range: (min, max, n) => repo.range({ customerId, stores, min, max, n }),
        straddling: (at) => repo.straddling({ customerId, stores, at }),
        id: (r) => r.id,
        hi: (r) => r.hi,
        keep: atStores(opts),
        items: itemsOf(customerId),
      });
    },
  };
};
