import type { Store, SyncView } from "../../db/store";

export type FollowEventRow = { id: number; kind: "follow" | "unfollow"; source: string | null; at: number; received_at: number };

/** A person's follows and unfollows by their own time (follow_events_customer_idx). */
export function createFollowTimelineRepo(store: Store) {
  const cols = "select id, kind, source, at, received_at from";
  const where = "where customer_id = @customerId and at between @min and @max order by at desc limit @n";
  const range = store.prepare<FollowEventRow>({
    sqlite: `${cols} follow_events indexed by follow_events_customer_idx ${where}`,
    pg: `${cols} follow_events ${where}`,
  });
  return { range: (p: { customerId: string; min: number; max: number; n: number }) => range.all(p) };
}

export type FollowTimelineRepoSync = SyncView<ReturnType<typeof createFollowTimelineRepo>>;
