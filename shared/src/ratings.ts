import { z } from "zod";
import { RATING_COMMENT_MAX } from "./rating-rules";

/**
 * Ratings of completed orders (issue #14): 1–5 stars and an optional comment, one per order, from the shopper who
 * placed it. A low rating (at most RATING_LOW_MAX stars) is highlighted on the person's timeline and waits for a
 * person in the OA inbox.
 */
export const RatingInput = z
  .object({
    stars: z.number().int().min(1).max(5),
    comment: z.string().trim().max(RATING_COMMENT_MAX).default(""),
  })
  .strict();
export type RatingInput = z.input<typeof RatingInput>;

export const Rating = z.object({
  orderId: z.string(),
  orderCode: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  storeId: z.string(),
  storeName: z.string().nullable(),
  stars: z.number(),
  comment: z.string(),
  low: z.boolean(),
  at: z.string(),
});
export type Rating = z.infer<typeof Rating>;

/** What the shopper's rating page shows: the order, whether it can be rated now, and its rating if any. */
export const OrderRatingView = z.object({
  order: z.object({
    id: z.string(),
    code: z.string(),
    storeName: z.string().nullable(),
    status: z.string(),
    totalVnd: z.number(),
    completedAt: z.string().nullable(),
  }),
  rateable: z.boolean(),
  rating: Rating.nullable(),
});
export type OrderRatingView = z.infer<typeof OrderRatingView>;

export const RatingListQuery = z.object({
  stars: z.coerce.number().int().min(1).max(5).optional(),
  /** Only ratings of at most RATING_LOW_MAX stars. */
  low: z.enum(["true", "false"]).optional(),
  storeId: z.string().min(1).max(64).optional(),
  /** Keyset: the `at` (ms) and order id of the previous page's last row. */
  before: z.coerce.number().int().positive().optional(),
  beforeId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type RatingListQuery = z.infer<typeof RatingListQuery>;

export const RatingStoreSummary = z.object({
  storeId: z.string(),
  storeName: z.string().nullable(),
  count: z.number(),
  /** Mean stars, one decimal; null with no rating. */
  average: z.number().nullable(),
  low: z.number(),
});
export type RatingStoreSummary = z.infer<typeof RatingStoreSummary>;
