import type { FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type { RateBucketRepo } from "./repo";

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

const PRUNE_EVERY_MS = 60_000;

/**
 * A @fastify/rate-limit store on rate_buckets rows, so the per-address API limits hold for the cluster, not per
 * process: one row per key (address, and route for a route's own limit), a fixed window as the plugin's own
 * LocalStore counts it. Real time: a test's frozen business clock must not freeze the limits.
 */
export function rowRateLimitStore(repo: RateBucketRepo, onError: (err: unknown) => void = () => {}): FastifyRateLimitStoreCtor {
  let nextPrune = 0;
  const pruneNow = (t: number) => {
    if (t < nextPrune) return;
    // Ended windows are dead rows: each process clears them now and then (the delete is idempotent).
    nextPrune = t + PRUNE_EVERY_MS;
    Promise.resolve()
      .then(() => repo.prune(t))
      .catch(onError);
  };

  class RowStore {
    constructor(private readonly prefix: string) {}

    incr(key: string, cb: Callback, timeWindow: number) {
      const t = Date.now();
      pruneNow(t);
      Promise.resolve()
        .then(() => repo.hit(this.prefix + key, t, t + timeWindow))
        .then(
          (r) => cb(null, { current: r.hits, ttl: Math.max(0, r.untilAt - t) }),
          (err: Error) => cb(err),
        );
    }

    /** The plugin's `{ increment: false }` peek: the window's state without counting a hit. */
    read(key: string, cb: Callback) {
      const t = Date.now();
      Promise.resolve()
        .then(() => repo.read(this.prefix + key))
        .then(
          (r) => cb(null, !r || r.untilAt <= t ? { current: 0, ttl: 0 } : { current: r.hits, ttl: r.untilAt - t }),
          (err: Error) => cb(err),
        );
    }

    // A route's own limit counts apart from the global one (as the plugin's Redis store keys it).
    child(routeOptions: unknown) {
      const route = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new RowStore(`${this.prefix}${route?.method ?? ""}${route?.url ?? ""}-`);
    }
  }

  return class extends RowStore {
    constructor(options: { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
      // Not counted here: refuse rather than ignore them silently.
      if (options.continueExceeding || options.exponentialBackoff) throw new Error("rowRateLimitStore counts fixed windows only");
      super("ip:");
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
