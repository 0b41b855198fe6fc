import type { Awaitable, Store } from "../../db/store";

/** A counter's state after a hit: hits in its window, and when that window ends (epoch ms). */
export type BucketHit = { hits: number; untilAt: number };

/**
 * The rate_buckets table: this file is its only writer. Every write is one statement (an upsert), so processes
 * sharing the database never read-then-write a row: the database serializes the hits on one key.
 */
export function createRateBucketRepo(store: Store) {
  // A hit on a fixed window: a window that ended starts again with this hit.
  const hit = store.prepare<BucketHit>(
    `insert into rate_buckets (key, hits, until_at) values (?, 1, ?)
     on conflict (key) do update set
       hits = case when rate_buckets.until_at <= ? then 1 else rate_buckets.hits + 1 end,
       until_at = case when rate_buckets.until_at <= ? then excluded.until_at else rate_buckets.until_at end
     returning hits, until_at as "untilAt"`,
  );
  const read = store.prepare<BucketHit>(`select hits, until_at as "untilAt" from rate_buckets where key = ?`);
  // `n` slots from the grid, none before `nowIndex`: the answer is the index after the last one handed out.
  const reserve = store.prepare<number>(
    {
      sqlite: `insert into rate_buckets (key, hits, until_at) values (?, cast(? as bigint) + cast(? as bigint), ?)
               on conflict (key) do update set hits = max(rate_buckets.hits, cast(? as bigint)) + cast(? as bigint), until_at = excluded.until_at
               returning hits`,
      pg: `insert into rate_buckets (key, hits, until_at) values (?, cast(? as bigint) + cast(? as bigint), ?)
           on conflict (key) do update set hits = greatest(rate_buckets.hits, cast(? as bigint)) + cast(? as bigint), until_at = excluded.until_at
           returning hits`,
    },
    "pluck",
  );
  // No slot before `index` for anyone (Zalo said slow down).
  const pushBack = store.prepare({
    sqlite: `insert into rate_buckets (key, hits, until_at) values (?, ?, ?)
             on conflict (key) do update set hits = max(rate_buckets.hits, excluded.hits), until_at = excluded.until_at`,
    pg: `insert into rate_buckets (key, hits, until_at) values (?, ?, ?)
         on conflict (key) do update set hits = greatest(rate_buckets.hits, excluded.hits), until_at = excluded.until_at`,
  });
  // Moves a schedule back to `now`, only if nobody moved it since it was read (`seen`): see createSharedRateLimiter.
  const rebase = store.prepare("update rate_buckets set hits = ?, until_at = ? where key = ? and hits = ?");
  // Counters whose window ended hold nothing; a schedule row is never dropped (its index is what keeps slots unique).
  const prune = store.prepare("delete from rate_buckets where until_at <= ? and key like 'ip:%'");

  return {
    /** Counts a hit on `key` (a counter key, `ip:…`) in the window that ends at `windowEnd` if a new one starts now. */
    hit: (key: string, now: number, windowEnd: number): Awaitable<BucketHit> => hit.get(key, windowEnd, now, now) as Awaitable<BucketHit>,
    read: (key: string): Awaitable<BucketHit | undefined> => read.get(key),
    /** Reserves `n` slots of the schedule `key`, none before `nowIndex`; returns the index after the last (the first is that minus n). */
    reserve: (key: string, nowIndex: number, n: number, now: number): Awaitable<number> => reserve.get(key, nowIndex, n, now, nowIndex, n) as Awaitable<number>,
    pushBack: (key: string, index: number, now: number): Awaitable<unknown> => pushBack.run(key, index, now),
    /** Sets the schedule's next free slot to `index` if it is still `seen`; whether it did. */
    rebase: (key: string, seen: number, index: number, now: number): Awaitable<boolean> => {
      const r = rebase.run(index, now, key, seen);
      return r instanceof Promise ? r.then((x) => x.changes === 1) : r.changes === 1;
    },
    prune: (now: number): Awaitable<number> => {
      const r = prune.run(now);
      return r instanceof Promise ? r.then((x) => x.changes) : r.changes;
    },
  };
}

export type RateBucketRepo = ReturnType<typeof createRateBucketRepo>;
