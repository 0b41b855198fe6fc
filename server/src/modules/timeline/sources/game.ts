import { sqliteStore, syncView } from "../../../db/store";
import { createDrawTimelineRepo, type DrawTimelineRow } from "../../games/timeline-repo";
import { atStores, iso, scan, storesParam, type Item, type SourceFactory } from "../kit";

/** Why a drawn prize fell back to "no prize". */
const FALLBACK: Record<string, string> = { out_of_stock: "quà vừa hết", daily_budget: "cửa hàng đã hết quà hôm nay" };

/** The outcome as it was at the play (what happened after a held prize is the settlement's item). */
function playDetail(d: DrawTimelineRow): string | null {
  const held = d.state === "pending_follow" || d.settle_reason !== null;
  const outcome = !d.win
    ? d.fallback_reason
      ? `Quà đã quay trúng không phát được: ${FALLBACK[d.fallback_reason] ?? d.fallback_reason}`
      : null
    : held
      ? "Quà chờ khách quan tâm OA"
      : d.prize_kind === "points" && d.points
        ? `+${d.points} điểm`
        : d.prize_kind === "voucher"
          ? "Voucher đã vào ví"
          : null;
  return [d.store_name, outcome].filter(Boolean).join(" · ") || null;
}

function items(d: DrawTimelineRow): Item[] {
  const game = `“${d.game_name ?? d.campaign_id}”`;
  const prize = d.prize_label ?? "quà";
  const data = {
    drawId: d.id,
    gameId: d.campaign_id,
    gameName: d.game_name,
    prizeLabel: d.prize_label,
    prizeKind: d.prize_kind,
    win: !!d.win,
    state: d.state,
    voucherId: d.voucher_id,
    points: d.points,
  };
  const out: Item[] = [
    {
      key: `game:${d.id}:play`,
      kind: "game",
      at: d.created_at,
      title: d.win ? `Chơi ${game}: trúng ${prize}` : `Chơi ${game}: không trúng`,
      detail: playDetail(d),
      storeId: d.store_id,
      actor: null,
      data: { ...data, event: "play", playedAt: iso(d.created_at) },
    },
  ];
  // A prize that waited for a follow is settled later (issued, void, failed); one issued at once has no reason.
  if (d.settled_at !== null && d.settle_reason !== null) {
    const title =
      d.state === "issued"
        ? `Nhận quà ${prize} sau khi quan tâm OA`
        : d.state === "void"
          ? `Quà ${prize} bị huỷ: đã bỏ quan tâm OA trước khi nhận`
          : `Không phát được quà ${prize}`;
    out.push({
      key: `game:${d.id}:settled`,
      kind: "game",
      at: d.settled_at,
      title,
      detail: d.store_name,
      storeId: d.store_id,
      actor: "hệ thống",
      data: { ...data, event: d.state, reason: d.settle_reason },
    });
  }
  return out;
}

/** In-store game plays and their outcomes: the prize, a prize held for a follow, issued on follow, void on unfollow. */
export const gameSource: SourceFactory = ({ db }) => {
  const repo = syncView(sqliteStore(db), createDrawTimelineRepo(sqliteStore(db)));
  return {
    kind: "game",
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
        items,
      });
    },
  };
};
