/**
 * Ratings of completed orders (issue #14), the part with no zod (the mini app's rating page imports this file alone).
 * A low rating (at most RATING_LOW_MAX stars) is highlighted on the person's timeline and waits for a person in the
 * OA inbox.
 */
export const RATING_LOW_MAX = 2;
export const RATING_COMMENT_MAX = 500;

export const isLowRating = (stars: number) => stars <= RATING_LOW_MAX;

/** The launch query that opens an order's rating page (`https://zalo.me/s/<miniAppId>/?rate=<orderId>`). */
export const RATE_PARAM = "rate";

/** The deep link the feedback message carries; whose order it is, the server checks at sign-in, never the link. */
export function ratingDeepLink(miniAppId: string, orderId: string): string {
  return `https://zalo.me/s/${encodeURIComponent(miniAppId)}/?${new URLSearchParams({ [RATE_PARAM]: orderId }).toString()}`;
}

/** The mean of the stars, rounded to one decimal (null for none). */
export const averageStars = (sum: number, count: number): number | null => (count === 0 ? null : Math.round((sum / count) * 10) / 10);
