import type { Db } from "../../db/client";

export type RatingTimelineRow = {
  order_id: string;
  order_code: string;
  store_id: string;
  store_name: string | null;
  stars: number;
  comment: string;
  created_at: number;
};

/** A person's ratings for their timeline, by order_ratings_customer_idx (customer, created_at): one event per row. */
export function createRatingTimelineRepo(db: Db) {
  const range = db.$client.prepare(
    `select order_id, (select code from orders where id = order_ratings.order_id) as order_code, store_id,
       (select name from stores where id = order_ratings.store_id) as store_name, stars, comment, created_at
     from order_ratings indexed by order_ratings_customer_idx where customer_id = @customerId and created_at between @min and @max
       and (@stores is null or store_id in (select value from json_each(@stores)))
     order by created_at desc limit @n`,
  );
  return {
    range: (p: { customerId: string; stores: string | null; min: number; max: number; n: number }) => range.all(p) as RatingTimelineRow[],
  };
}
