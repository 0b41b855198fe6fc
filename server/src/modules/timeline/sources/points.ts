import { createLedgerTimelineRepo, type LedgerTimelineRow } from "../../loyalty/timeline-repo";
import { actorName, atStores, iso, scan, storesParam, type SourceFactory } from "../kit";

const pts = (n: number) => `${Math.abs(n).toLocaleString("vi-VN")} điểm`;

function title(r: LedgerTimelineRow): string {
  switch (r.kind) {
    case "earn":
      return `Cộng ${pts(r.delta)}`;
    case "spend":
      return `Dùng ${pts(r.delta)}`;
    case "expire":
      return `Hết hạn ${pts(r.delta)}`;
    case "reverse":
      return `Thu hồi ${pts(r.delta)}`;
    case "adjust":
      return `Điều chỉnh ${r.delta > 0 ? "+" : "−"}${pts(r.delta)}`;
  }
}

/** Every entry of the points ledger (earn, spend, expire, adjust, reverse), with its reason and the balance after it. */
export const pointsSource: SourceFactory = ({ db }) => {
  const repo = createLedgerTimelineRepo(db);
  return {
    kind: "points",
    page: (customerId, before, limit, opts) =>
      scan({
        before,
        limit,
        range: (min, max, n) => repo.range({ customerId, min, max, n, stores: storesParam(opts) }),
        id: (r) => r.id,
        hi: (r) => r.created_at,
        keep: atStores(opts),
        items: (r) => [
          {
            key: `points:${r.id}`,
            kind: "points",
            at: r.created_at,
            title: title(r),
            detail: [r.reason, r.store_name, `Số dư: ${pts(r.balance_after)}`].filter(Boolean).join(" · "),
            storeId: r.store_id,
            actor: actorName(r.actor_kind, r.actor_id, r.actor_name, customerId),
            data: { entryId: r.id, kind: r.kind, delta: r.delta, balanceAfter: r.balance_after, reason: r.reason, expiresAt: iso(r.expires_at) },
          },
        ],
      }),
  };
};
