import { isLowRating } from "@mc/shared";
import { createRatingTimelineRepo } from "../../ratings/timeline-repo";
import { atStores, scan, storesParam, type SourceFactory } from "../kit";

/** Every rating the person gave an order; a low one says so in `data.low` (the console highlights it). */
export const ratingSource: SourceFactory = ({ db }) => {
  const repo = createRatingTimelineRepo(db);
  return {
    kind: "rating",
    page: (customerId, before, limit, opts) => {
      const stores = storesParam(opts);
      return scan({
        before,
        limit,
        range: (min, max, n) => repo.range({ customerId, stores, min, max, n }),
        id: (r) => r.order_id,
        hi: (r) => r.created_at,
        keep: atStores(opts),
        items: (r) => [
          {
            key: `rating:${r.order_id}`,
            kind: "rating",
            at: r.created_at,
            title: `Đánh giá ${r.stars}★ cho đơn ${r.order_code}${isLowRating(r.stars) ? " (đánh giá thấp)" : ""}`,
            // The store is on the item's own line (storeId); the detail is what the person wrote.
            detail: r.comment ? `“${r.comment}”` : null,
            storeId: r.store_id,
            actor: null,
            data: { orderId: r.order_id, orderCode: r.order_code, stars: r.stars, comment: r.comment, low: isLowRating(r.stars) },
          },
        ],
      });
    },
  };
};
