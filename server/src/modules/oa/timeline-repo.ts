import type { Db } from "../../db/client";

export type FollowEventRow = { id: number; kind: "follow" | "unfollow"; source: string | null; at: number; received_at: number };

/** A person's follows and unfollows by their own time (follow_events_customer_idx). */
export function createFollowTimelineRepo(db: Db) {
  const range = db.$client.prepare(
    "select id, kind, source, at, received_at from follow_events indexed by follow_events_customer_idx where customer_id = @customerId and at between @min and @max order by at desc limit @n",
  );
  return { range: (p: { customerId: string; min: number; max: number; n: number }) => range.all(p) as FollowEventRow[] };
}
