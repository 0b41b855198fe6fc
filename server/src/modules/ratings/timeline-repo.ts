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
    `select r.order_id, o.code as order_code, r.store_id, (select name from stores where id = r.store_id) as store_name, r.stars, r.comment, r.created_at
     from order_ratings r indexed by order_ratings_customer_idx join orders o on o.id = r.order_id
     where r.customer_id = @customerId and r.created_at between @min and @max
       and (@stores is null or r.store_id in (select value from json_each(@stores)))
     order by r.created_at desc limit @n`,
  );
  return {
    range: (p: { customerId: string; stores: string | null; min: number; max: number; n: number }) => range.all(p) as RatingTimelineRow[],
  };
}
