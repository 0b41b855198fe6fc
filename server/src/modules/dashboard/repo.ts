import { performance } from "node:perf_hooks";
import type Database from "better-sqlite3";
import { FOLLOW_AFTER_PLAY_DAYS } from "@mc/shared";
import type { Db } from "../../db/client";
import { runInSlices, type SliceOptions } from "../../db/chunked";

/**
 * The dashboard reads other modules' tables and writes none. Every figure is a set-based aggregate over an
 * index range of one time column. A range of days is taken one day at a time, and a busy day (a broadcast's
 * million messages) in slices of about `rows` index entries: a probe finds where the slice ends (the
 * (rows+1)th key from the cursor, an index-only walk), then one aggregate covers [cursor, that key). Between
 * slices the event loop serves what queued meanwhile, so no request waits long behind a dashboard.
 */

/** A window of one day: [lo, hi) in epoch ms, and which day of the range it is. */
export type Slice = { day: number; lo: number; hi: number };

type Stmt = Database.Statement;

/** A source of figures keyed by one time column: where a slice ends, and the aggregate over a slice. */
type TimeKeyed = { nth: Stmt; agg: (lo: number, hi: number) => unknown[] };
const all = (stmt: Stmt) => (lo: number, hi: number) => stmt.all(lo, hi);

/** Runs `agg` over every day (bounds[i] to bounds[i+1]) in bounded slices, handing each slice's rows to `take`. */
async function sliceDays(src: TimeKeyed, bounds: number[], take: (s: Slice, rows: Record<string, any>[]) => void, opts?: SliceOptions) {
  let day = 0;
  let cursor = bounds[0]!;
  if (bounds.length < 2) return 0;
  const adaptive = opts?.rows === undefined;
  const { slices } = await runInSlices((rows) => {
    const t0 = performance.now();
    // Quiet days are cheap: one step takes several while it has used little of its time.
    do {
      const end = bounds[day + 1]!;
      const next = src.nth.get(cursor, end, rows) as number | undefined;
      // More than `rows` rows share the cursor's millisecond (a plan slice's rows do): take that millisecond whole.
      const hi = next === undefined ? end : Math.max(next, cursor + 1);
      take({ day, lo: cursor, hi }, src.agg(cursor, hi) as Record<string, any>[]);
      cursor = hi;
      if (cursor >= end) {
        day++;
        cursor = end;
      }
      if (next !== undefined) break; // a full slice: yield now
    } while (adaptive && day < bounds.length - 1 && performance.now() - t0 < QUIET_STEP_MS);
    return { done: day >= bounds.length - 1 };
  }, opts);
  return slices;
}

/** How long one step may go on taking whole quiet days (far below the slice budget, so a step stays short). */
const QUIET_STEP_MS = 2;

/** Outbox states in which a message has gone out. */
const WENT_OUT = "('sent','delivered','seen')";
/** An expired message whose reason is not plain expiry was held (quiet hours, caps, quota…) until it expired. */
const HELD = "(state = 'held' or (state = 'expired' and reason is not 'EXPIRED'))";

export function createDashboardRepo(db: Db) {
  const c = db.$client;
  const nth = (table: string, col: string, extra = "") =>
    c.prepare(`select ${col} from ${table} where ${col} >= ? and ${col} < ? ${extra} order by ${col} limit 1 offset ?`).pluck();

  // follow_events (at): follow_events_at_idx.
  const followers: TimeKeyed = {
    nth: nth("follow_events", "at"),
    agg: all(c.prepare("select kind, count(*) as n from follow_events where at >= ? and at < ? group by kind")),
  };

  // outbox (created_at, state, channel, free, reason): outbox_day_idx, read from the index alone, in one pass.
  const messages: TimeKeyed = {
    nth: nth("outbox", "created_at"),
    agg: all(
      c.prepare(`select
        count(*) filter (where state in ${WENT_OUT}) as sent,
        count(*) filter (where state in ('delivered','seen')) as delivered,
        count(*) filter (where state = 'seen') as seen,
        count(*) filter (where ${HELD}) as held,
        count(*) filter (where state = 'suppressed') as suppressed,
        count(*) filter (where state = 'failed') as failed,
        count(*) filter (where state in ('queued','ready','sending')) as pending,
        count(*) filter (where state = 'expired' and reason is 'EXPIRED') as expired,
        count(*) filter (where state = 'cancelled') as cancelled,
        count(*) filter (where state in ${WENT_OUT} and channel = 'cs' and free = 1) as cs_free,
        count(*) filter (where state in ${WENT_OUT} and channel = 'cs' and free is not 1) as cs_paid,
        count(*) filter (where state in ${WENT_OUT} and channel = 'template_uid') as template_uid,
        count(*) filter (where state in ${WENT_OUT} and channel = 'zns') as zns
      from outbox indexed by outbox_day_idx where created_at >= ? and created_at < ?`),
    ),
  };
  // The reasons of those not sent, by the same index (only suppressed and held rows reach the grouping). Named:
  // the planner would otherwise take outbox_ready_idx for the state test and read every suppressed row ever.
  const messageReasons: TimeKeyed = {
    nth: messages.nth,
    agg: all(
      c.prepare(
        `select case when state = 'suppressed' then 'suppressed' else 'held' end as outcome, reason, count(*) as n
       from outbox indexed by outbox_day_idx where created_at >= ? and created_at < ? and (state = 'suppressed' or ${HELD}) group by outcome, reason`,
      ),
    ),
  };

  // vouchers (redeemed_at, redeemed_store_id): vouchers_redeemed_idx (partial: only redeemed vouchers are in it).
  const redemptions: TimeKeyed = {
    nth: nth("vouchers", "redeemed_at", "and redeemed_at is not null"),
    agg: all(
      c.prepare(
        "select redeemed_store_id as store, count(*) as n from vouchers where redeemed_at >= ? and redeemed_at < ? and redeemed_at is not null group by redeemed_store_id",
      ),
    ),
  };

  // points_ledger (created_at, kind, delta): points_ledger_created_idx.
  const points: TimeKeyed = {
    nth: nth("points_ledger", "created_at"),
    agg: all(
      c.prepare(`select
        coalesce(sum(delta) filter (where kind = 'earn'), 0) as earned,
        coalesce(-sum(delta) filter (where kind = 'spend'), 0) as spent,
        coalesce(-sum(delta) filter (where kind = 'expire'), 0) as expired,
        coalesce(sum(delta) filter (where kind in ('adjust','reverse')), 0) as adjusted
      from points_ledger where created_at >= ? and created_at < ?`),
    ),
  };

  // game_draws (created_at, store_id, customer_id): game_draws_created_idx. A play is its player's first at
  // that store when no earlier draw of theirs there exists (game_draws_customer_idx, a few draws a person);
  // such a player followed from it when a follow event came in the window after it (follow_events_customer_idx).
  // `first` is 0 (not a first play), 1 (first, no follow) or 2 (first, then followed).
  const gamesAgg = (stmt: Stmt) => (lo: number, hi: number) => stmt.all({ lo, hi, window: FOLLOW_AFTER_PLAY_DAYS * 86_400_000 });
  const games: TimeKeyed = {
    nth: nth("game_draws", "created_at"),
    agg: gamesAgg(
      c.prepare(`select store_id as store, count(*) as plays, count(*) filter (where first > 0) as new_players, count(*) filter (where first = 2) as followed
      from (select g.store_id,
              case when exists (select 1 from game_draws p where p.customer_id = g.customer_id and p.store_id = g.store_id
                                  and (p.created_at < g.created_at or (p.created_at = g.created_at and p.rowid < g.rowid))) then 0
                   when exists (select 1 from follow_events f where f.customer_id = g.customer_id and f.kind = 'follow'
                                  and f.at >= g.created_at and f.at < g.created_at + @window) then 2
                   else 1 end as first
            from game_draws g where g.created_at >= @lo and g.created_at < @hi)
      group by store_id`),
    ),
  };

  const storeList = c.prepare("select id, name from stores order by name, id");
  // The broadcasts table is small (one row per campaign): a scan.
  const broadcastsStarted = c.prepare("select id, name, state, started_at from broadcasts where started_at >= ? and started_at < ? order by started_at, id");
  // A broadcast's sent rows in id slices: one seek per state into outbox_broadcast_idx (broadcast, state, rowid).
  const sentSpan = c.prepare(
    `select min(lo) as lo, max(hi) as hi from (${["sent", "delivered", "seen"]
      .map(
        (s) =>
          `select (select min(id) from outbox where broadcast_id = @id and state = '${s}') as lo, (select max(id) from outbox where broadcast_id = @id and state = '${s}') as hi`,
      )
      .join(" union all ")})`,
  );
  const sentIn = c.prepare(`select count(*) from outbox where broadcast_id = ? and state in ${WENT_OUT} and id >= ? and id < ?`).pluck();
  // Few rows are blamed: outbox_blamed_idx.
  const blamed = c.prepare("select count(*) from outbox where broadcast_id = ? and unfollow_blamed_at is not null").pluck();

  return {
    followers: (bounds: number[], take: (s: Slice, rows: { kind: string; n: number }[]) => void, o?: SliceOptions) =>
      sliceDays(followers, bounds, take as never, o),
    messages: (bounds: number[], take: (s: Slice, rows: Record<string, number>[]) => void, o?: SliceOptions) => sliceDays(messages, bounds, take as never, o),
    messageReasons: (
      bounds: number[],
      take: (s: Slice, rows: { outcome: "suppressed" | "held"; reason: string | null; n: number }[]) => void,
      o?: SliceOptions,
    ) => sliceDays(messageReasons, bounds, take as never, o),
    redemptions: (bounds: number[], take: (s: Slice, rows: { store: string | null; n: number }[]) => void, o?: SliceOptions) =>
      sliceDays(redemptions, bounds, take as never, o),
    points: (bounds: number[], take: (s: Slice, rows: { earned: number; spent: number; expired: number; adjusted: number }[]) => void, o?: SliceOptions) =>
      sliceDays(points, bounds, take as never, o),
    /** A follow counts as coming from a first play within FOLLOW_AFTER_PLAY_DAYS after it. */
    games: (bounds: number[], take: (s: Slice, rows: { store: string; plays: number; new_players: number; followed: number }[]) => void, o?: SliceOptions) =>
      sliceDays(games, bounds, take as never, o),
    stores: () => storeList.all() as { id: string; name: string }[],
    broadcastsStarted: (lo: number, hi: number) => broadcastsStarted.all(lo, hi) as { id: string; name: string; state: string; started_at: number | null }[],
    /** How many of a broadcast's messages went out, counted in id slices between event-loop turns. */
    async broadcastSent(id: string, o?: SliceOptions): Promise<{ sent: number; slices: number }> {
      const span = sentSpan.get({ id }) as { lo: number | null; hi: number | null };
      if (span.lo === null || span.hi === null) return { sent: 0, slices: 0 };
      let at = span.lo;
      let sent = 0;
      const end = span.hi + 1;
      const { slices } = await runInSlices((rows) => {
        const hi = Math.min(end, at + rows);
        sent += sentIn.get(id, at, hi) as number;
        at = hi;
        return { done: at >= end };
      }, o);
      return { sent, slices };
    },
    broadcastBlamed: (id: string) => blamed.get(id) as number,
  };
}

export type DashboardRepo = ReturnType<typeof createDashboardRepo>;
