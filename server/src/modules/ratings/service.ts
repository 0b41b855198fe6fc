import {
  averageStars,
  ErrorCode,
  isLowRating,
  RATING_LOW_MAX,
  type OrderRatingView,
  type Rating,
  type RatingInput,
  type RatingListQuery,
  type RatingStoreSummary,
} from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { InboxService } from "../inbox/service";
import type { OrderService } from "../orders/service";
import type { RatingRepo, RatingRow } from "./repo";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const toRating = (r: RatingRow): Rating => ({
  orderId: r.order_id,
  orderCode: r.order_code,
  customerId: r.customer_id,
  customerName: r.customer_name ?? "",
  storeId: r.store_id,
  storeName: r.store_name,
  stars: r.stars,
  comment: r.comment,
  low: isLowRating(r.stars),
  at: new Date(r.created_at).toISOString(),
});

/** The words staff read in the inbox: the stars, the order and what the person wrote. */
export const inboxTextOf = (r: { stars: number; code: string; comment: string }) =>
  `Đánh giá ${r.stars}★ cho đơn ${r.code}: ${r.comment ? `“${r.comment}”` : "(không có nhận xét)"}`;

/**
 * Ratings of completed orders. Rules (ratings.test.ts):
 * - only the shopper who placed the order rates it (anyone else: ORDER_NOT_FOUND, as for a missing order), and only
 *   once it is completed (ORDER_NOT_RATEABLE);
 * - one rating per order, never edited: a second submit is RATING_EXISTS with the first in details (the primary key
 *   decides a race);
 * - a low rating (≤ RATING_LOW_MAX stars) opens the person's inbox conversation, needing a person, with the rating's
 *   text, in the rating's own transaction (so it happens once, with the rating). Every rating is on the timeline
 *   (timeline/sources/rating.ts reads this table).
 */
export function createRatingService(deps: {
  store: Store;
  repo: RatingRepo;
  orders: Pick<OrderService, "ownRow">;
  inbox: Pick<InboxService, "noteFromCustomer">;
  now: () => number;
}) {
  const { store, repo, now } = deps;

  const view = (customerId: string, orderId: string): Awaitable<OrderRatingView> =>
    store.read(function* () {
      const o = yield* q(deps.orders.ownRow(customerId, orderId));
      const rating = yield* q(repo.byOrder(o.id));
      const storeName = yield* q(repo.storeName(o.storeId));
      return {
        order: { id: o.id, code: o.code, storeName, status: o.status, totalVnd: o.totalVnd, completedAt: iso(o.completedAt) },
        rateable: o.status === "completed" && !rating,
        rating: rating ? toRating(rating) : null,
      };
    });

  /**
   * On PostgreSQL two concurrent submits of one order both find no rating at first; the second's insert then
   * waits on the first's key and is serialized after it (run again, it finds the first and answers RATING_EXISTS).
   */
  function submit(customerId: string, orderId: string, input: { stars: number; comment: string }): Awaitable<Rating> {
    const at = now();
    return store.tx(function* (): Step<Rating> {
      const o = yield* q(deps.orders.ownRow(customerId, orderId));
      const before = yield* q(repo.byOrder(o.id));
      if (before) throw new AppError(ErrorCode.RATING_EXISTS, "This order was rated already", { rating: toRating(before) });
      if (o.status !== "completed")
        throw new AppError(ErrorCode.ORDER_NOT_RATEABLE, `This order is ${o.status}: only a completed order is rated`, { status: o.status });
      const comment = input.comment.trim();
      if (!(yield* q(repo.insert({ orderId: o.id, customerId, storeId: o.storeId, stars: input.stars, comment, at }))))
        throw new AppError(ErrorCode.RATING_EXISTS, "This order was rated already");
      if (isLowRating(input.stars))
        yield* q(deps.inbox.noteFromCustomer(customerId, { kind: "rating", text: inboxTextOf({ stars: input.stars, code: o.code, comment }), at }));
      return toRating((yield* q(repo.byOrder(o.id)))!);
    });
  }

  async function list(q: RatingListQuery) {
    const rows = await repo.list({
      stars: q.stars ?? null,
      lowMax: q.low === "true" ? RATING_LOW_MAX : null,
      storeId: q.storeId ?? null,
      before: q.before ?? null,
      beforeId: q.beforeId ?? null,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { ratings: page.map(toRating), next: rows.length > q.limit && last ? { before: last.created_at, beforeId: last.order_id } : null };
  }

  async function summary(): Promise<{ stores: RatingStoreSummary[]; lowMax: number }> {
    const stores = (await repo.summary(RATING_LOW_MAX)).map((s) => ({
      storeId: s.store_id,
      storeName: s.store_name,
      count: s.n,
      average: averageStars(s.total, s.n),
      low: s.low,
    }));
    return { stores, lowMax: RATING_LOW_MAX };
  }

  return { view, submit, list, summary, forget: repo.forget };
}
export type RatingService = ReturnType<typeof createRatingService>;

export type { RatingInput };
