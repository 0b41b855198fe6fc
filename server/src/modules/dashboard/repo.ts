import { performance } from "node:perf_hooks";
import { FOLLOW_AFTER_PLAY_DAYS } from "@mc/shared";
import { runInSlices, yieldToEventLoop, type SliceOptions } from "../../db/chunked";
import { OUTBOX_ENDED, OUTBOX_WENT_OUT } from "../../db/schema";
import { q, type Awaitable, type Sql, type Store, mapStep } from "../../db/store";

/**
 * The dashboard reads other modules' tables and writes only its own, `dashboard_days` (the figures of settled
 * days, computed once). Every figure counts events on the day they happened: a set-based aggregate over an
 * index range of that event's time column. A set of days is taken one day at a time, and a busy day (a
 * broadcast's million messages) in slices of about `rows` index entries: a probe finds where the slice ends
 * (the (rows+1)th key from the cursor, an index-only walk), then one aggregate covers [cursor, that key).
 * Between slices the event loop serves what queued meanwhile, so no request waits long behind a dashboard.
 * Both databases read the same SQL; SQLite's texts name the index each figure must use (`indexed by`), which
 * PostgreSQL's planner chooses by itself (its texts are the same with that clause left out).
 */

/** One day to count: [lo, hi) in epoch ms, and which day of the caller's list it is. */
export type Window = { day: number; lo: number; hi: number };

type Row = Record<string, any>;

/** A source of figures keyed by one time column: where a slice ends, and the aggregate over a slice. */
type TimeKeyed = { nth: (lo: number, hi: number, offset: number) => Awaitable<number | undefined>; agg: (lo: number, hi: number) => Awaitable<Row[]> };

/** Runs `src` over every window in bounded slices, handing each slice's rows to `take`. Returns the slices run. */
async function sliceWindows(src: TimeKeyed, windows: readonly Window[], take: (w: Window, rows: Row[]) => void, opts?: SliceOptions) {
  if (windows.length === 0) return 0;
  let k = 0;
  let cursor = windows[0]!.lo;
  const adaptive = opts?.rows === undefined;
  const { slices } = await runInSlices(async (rows) => {
    const t0 = performance.now();
    // Quiet days are cheap: one step takes several while it has used little of its time.
    do {
      const w = windows[k]!;
      const next = await src.nth(cursor, w.hi, rows);
      // More than `rows` rows share the cursor's millisecond (a plan slice's rows do): take that millisecond whole.
      const hi = next === undefined || next === null ? w.hi : Math.max(next, cursor + 1);
      take(w, await src.agg(cursor, hi));
      cursor = hi;
      if (cursor >= w.hi && ++k < windows.length) cursor = windows[k]!.lo;
      if (next !== undefined && next !== null) break; // a full slice: yield now
    } while (adaptive && k < windows.length && performance.now() - t0 < QUIET_STEP_MS);
    return { done: k >= windows.length };
  }, opts);
  return slices;
}

/** The PostgreSQL text of a SQLite statement: the same, without SQLite's index hints. */
const both = (sqlite: string, pg = sqlite): Sql => ({ sqlite, pg: pg.replace(/ indexed by \w+/g, "") });

/** How long one step may go on taking whole quiet days (far below the slice budget, so a step stays short). */
const QUIET_STEP_MS = 2;

/** The outbox states still waiting to be sent (`held` is counted apart, with the ended ones). */
export const WAITING_STATES = ["queued", "ready", "sending"] as const;

export function createDashboardRepo(store: Store) {
  /** Every statement a figure runs, with arguments to explain it by (the EXPLAIN test reads them; SQLite's plans). */
  const explained: { name: string; sql: string; args: unknown }[] = [];
  const prep = (name: string, sql: Sql, args: unknown = [0, 1, 0], mode: "object" | "pluck" = "object") => {
    explained.push({ name, sql: typeof sql === "string" ? sql : sql.sqlite, args });
    return mode === "pluck" ? store.prepare(sql, "pluck") : store.prepare(sql);
  };
  /** The (offset+1)th key of `col` in [lo, hi) under `where`, read from `index` alone. */
  const nth = (name: string, table: string, index: string, col: string, where = "") => {
    const stmt = prep(
      `${name}: slice end`,
      both(`select ${col} from ${table} indexed by ${index} where ${col} >= ? and ${col} < ? ${where} order by ${col} limit 1 offset ?`),
      [0, 1, 0],
      "pluck",
    );
    return (lo: number, hi: number, offset: number) => stmt.get(lo, hi, offset) as Awaitable<number | undefined>;
  };
  const all = (stmt: { all(...p: unknown[]): Awaitable<unknown[]> }) => (lo: number, hi: number) => stmt.all(lo, hi) as Awaitable<Row[]>;

  // follow_events (at, kind): follow_events_at_kind_idx.
  const followers: TimeKeyed = {
    nth: nth("followers", "follow_events", "follow_events_at_kind_idx", "at"),
    agg: all(
      prep(
        "followers",
        both("select kind, count(*) as n from follow_events indexed by follow_events_at_kind_idx where at >= ? and at < ? group by kind"),
        [0, 1],
      ),
    ),
  };

  // The outbox, one event time at a time, each from its own partial index alone. Named: without statistics
  // the planner may prefer outbox_ready_idx's state test and read every row ever in that state.
  const WENT_OUT = `and ${OUTBOX_WENT_OUT}`;
  const sentSql = (free: string, notFree: string) => `select count(*) as sent,
          count(*) filter (where channel = 'cs' and ${free}) as cs_free,
          count(*) filter (where channel = 'cs' and ${notFree}) as cs_paid,
          count(*) filter (where channel = 'template_uid') as template_uid,
          count(*) filter (where channel = 'zns') as zns
        from outbox indexed by outbox_sent_idx where sent_at >= ? and sent_at < ? ${WENT_OUT}`;
  const sent: TimeKeyed = {
    nth: nth("sent", "outbox", "outbox_sent_idx", "sent_at", WENT_OUT),
    // `free` is a boolean on PostgreSQL, 0/1 on SQLite (null: not known, counted as paid).
    agg: all(prep("sent", both(sentSql("free = 1", "free is not 1"), sentSql("free is true", "free is not true")), [0, 1])),
  };
  const delivered: TimeKeyed = {
    nth: nth("delivered", "outbox", "outbox_delivered_idx", "delivered_at"),
    agg: all(prep("delivered", both("select count(*) as n from outbox indexed by outbox_delivered_idx where delivered_at >= ? and delivered_at < ?"), [0, 1])),
  };
  const seen: TimeKeyed = {
    nth: nth("seen", "outbox", "outbox_seen_idx", "seen_at"),
    agg: all(prep("seen", both("select count(*) as n from outbox indexed by outbox_seen_idx where seen_at >= ? and seen_at < ?"), [0, 1])),
  };
  // Held, suppressed, expired, failed and cancelled rows on the day of their last change, by reason.
  const ENDED = `and ${OUTBOX_ENDED}`;
  const ended: TimeKeyed = {
    nth: nth("ended", "outbox", "outbox_ended_idx", "updated_at", ENDED),
    agg: all(
      prep(
        "ended",
        both(
          `select state, reason, count(*) as n from outbox indexed by outbox_ended_idx where updated_at >= ? and updated_at < ? ${ENDED} group by state, reason`,
        ),
        [0, 1],
      ),
    ),
  };
  // Still waiting, on the day queued: outbox_ready_idx (state, created_at), one state at a time.
  const waiting: TimeKeyed[] = WAITING_STATES.map((s) => ({
    nth: nth(`waiting ${s}`, "outbox", "outbox_ready_idx", "created_at", `and state = '${s}'`),
    agg: all(
      prep(
        `waiting ${s}`,
        both(`select count(*) as n from outbox indexed by outbox_ready_idx where state = '${s}' and created_at >= ? and created_at < ?`),
        [0, 1],
      ),
    ),
  }));

  // vouchers (redeemed_at, redeemed_store_id): vouchers_redeemed_idx (partial: only redeemed vouchers are in it).
  const redemptions: TimeKeyed = {
    nth: nth("redemptions", "vouchers", "vouchers_redeemed_idx", "redeemed_at", "and redeemed_at is not null"),
    agg: all(
      prep(
        "redemptions",
        both(
          "select redeemed_store_id as store, count(*) as n from vouchers indexed by vouchers_redeemed_idx where redeemed_at >= ? and redeemed_at < ? and redeemed_at is not null group by redeemed_store_id",
        ),
        [0, 1],
      ),
    ),
  };

  // points_ledger (created_at, kind, delta): points_ledger_created_idx.
  const points: TimeKeyed = {
    nth: nth("points", "points_ledger", "points_ledger_created_idx", "created_at"),
    agg: all(
      prep(
        "points",
        both(`select
          coalesce(sum(delta) filter (where kind = 'earn'), 0) as earned,
          coalesce(-sum(delta) filter (where kind = 'spend'), 0) as spent,
          coalesce(-sum(delta) filter (where kind = 'expire'), 0) as expired,
          coalesce(sum(delta) filter (where kind in ('adjust','reverse')), 0) as adjusted
        from points_ledger indexed by points_ledger_created_idx where created_at >= ? and created_at < ?`),
        [0, 1],
      ),
    ),
  };

  // game_draws (created_at, store_id, customer_id): game_draws_created_idx. A play is its player's first at
  // that store when no earlier draw of theirs there exists (game_draws_customer_store_idx, one seek); such a
  // player followed from it when a follow event came in the window after it (follow_events_customer_idx).
  // `first` is 0 (not a first play), 1 (first, no follow) or 2 (first, then followed): materialized, as the
  // planner would otherwise evaluate it once for each aggregate that reads it. Ties in time go by rowid (an
  // identity column on PostgreSQL: insertion order too).
  const window = FOLLOW_AFTER_PLAY_DAYS * 86_400_000;
  const gamesStmt = prep(
    "games",
    both(`with d as materialized (
        select g.store_id,
          case when exists (select 1 from game_draws p indexed by game_draws_customer_store_idx where p.customer_id = g.customer_id and p.store_id = g.store_id
                              and (p.created_at < g.created_at or (p.created_at = g.created_at and p.rowid < g.rowid))) then 0
               when exists (select 1 from follow_events f where f.customer_id = g.customer_id and f.kind = 'follow'
                              and f.at >= g.created_at and f.at < g.created_at + @window) then 2
               else 1 end as first
        from game_draws g indexed by game_draws_created_idx where g.created_at >= @lo and g.created_at < @hi)
      select store_id as store, count(*) as plays, count(*) filter (where first > 0) as new_players, count(*) filter (where first = 2) as followed
      from d group by store_id`),
    { lo: 0, hi: 1, window },
  );
  const games: TimeKeyed = {
    nth: nth("games", "game_draws", "game_draws_created_idx", "created_at"),
    agg: (lo, hi) => gamesStmt.all({ lo, hi, window }) as Awaitable<Row[]>,
  };

  const storeList = store.prepare<{ id: string; name: string }>("select id, name from stores order by name, id");
  // The broadcasts table is small (one row per campaign): a scan.
  const broadcastsStarted = store.prepare<{ id: string; name: string; state: string; started_at: number; finished_at: number | null }>(
    "select id, name, state, started_at, finished_at from broadcasts where started_at >= ? and started_at < ? order by started_at, id",
  );
  // A broadcast's sent rows in id slices: one seek per state into outbox_broadcast_idx (broadcast, state, rowid).
  const sentSpan = store.prepare<{ lo: number | null; hi: number | null }>(
    `select min(lo) as lo, max(hi) as hi from (${["sent", "delivered", "seen"]
      .map(
        (s) =>
          `select (select min(id) from outbox where broadcast_id = @id and state = '${s}') as lo, (select max(id) from outbox where broadcast_id = @id and state = '${s}') as hi`,
      )
      .join(" union all ")}) as spans`,
  );
  const sentIn = store.prepare<number>(
    "select count(*) from outbox where broadcast_id = ? and state in ('sent','delivered','seen') and id >= ? and id < ?",
    "pluck",
  );
  // Few rows are blamed: outbox_blamed_idx.
  const blamed = store.prepare<number>("select count(*) from outbox where broadcast_id = ? and unfollow_blamed_at is not null", "pluck");

  // ---- dashboard_days: the stored figures of settled days ----

  // The row that says what the stored figures were computed under (the shop's time zone, their definitions).
  const META = { day: "", figure: "meta" };
  const metaRow = store.prepare<string>("select data from dashboard_days where day = @day and figure = @figure", "pluck");
  const putMeta = store.prepare(
    "insert into dashboard_days (day, figure, data, computed_at) values (@day, @figure, @data, @at) on conflict (day, figure) do update set data = excluded.data, computed_at = excluded.computed_at",
  );
  const storedIn = store.prepare<{ day: string; figure: string; data: string }>(
    "select day, figure, data from dashboard_days where day >= ? and day <= ? and day != ''",
  );
  const storedKeysIn = store.prepare<{ day: string; figure: string }>("select day, figure from dashboard_days where day >= ? and day <= ? and day != ''");
  const insertDay = store.prepare("insert into dashboard_days (day, figure, data, computed_at) values (?, ?, ?, ?) on conflict do nothing");
  const deleteAll = store.prepare("delete from dashboard_days");
  // The first moment any figure has an event: one seek to the left edge of each index.
  const earliest = store.prepare<number | null>(
    both(`select min(t) from (
        select min(at) as t from follow_events indexed by follow_events_at_kind_idx
        union all select min(sent_at) from outbox indexed by outbox_sent_idx where sent_at is not null ${WENT_OUT}
        union all select min(delivered_at) from outbox indexed by outbox_delivered_idx where delivered_at is not null
        union all select min(seen_at) from outbox indexed by outbox_seen_idx where seen_at is not null
        union all select min(updated_at) from outbox indexed by outbox_ended_idx where updated_at is not null ${ENDED}
        union all select min(created_at) from outbox indexed by outbox_ready_idx where state = 'queued'
        union all select min(created_at) from outbox indexed by outbox_ready_idx where state = 'ready'
        union all select min(created_at) from outbox indexed by outbox_ready_idx where state = 'sending'
        union all select min(redeemed_at) from vouchers where redeemed_at is not null
        union all select min(created_at) from points_ledger
        union all select min(created_at) from game_draws) as firsts`),
    "pluck",
  );
  const storedMeta = () => mapStep(metaRow.get(META), (v) => v ?? null);

  type Take<R> = (w: Window, rows: R[]) => void;
  const run =
    <R>(src: TimeKeyed) =>
    (windows: readonly Window[], take: Take<R>, o?: SliceOptions) =>
      sliceWindows(src, windows, take as Take<Row>, o);

  return {
    followers: run<{ kind: string; n: number }>(followers),
    sent: run<{ sent: number; cs_free: number; cs_paid: number; template_uid: number; zns: number }>(sent),
    delivered: run<{ n: number }>(delivered),
    seen: run<{ n: number }>(seen),
    ended: run<{ state: string; reason: string | null; n: number }>(ended),
    /** Messages still waiting (queued, ready or sending), counted on the day they were queued. */
    waiting: async (windows: readonly Window[], take: Take<{ n: number }>, o?: SliceOptions) => {
      let slices = 0;
      for (const [i, src] of waiting.entries()) {
        if (i > 0) await (o?.pause ?? yieldToEventLoop)();
        slices += await sliceWindows(src, windows, take as Take<Row>, o);
      }
      return slices;
    },
    redemptions: run<{ store: string | null; n: number }>(redemptions),
    points: run<{ earned: number; spent: number; expired: number; adjusted: number }>(points),
    /** A follow counts as coming from a first play within FOLLOW_AFTER_PLAY_DAYS after it. */
    games: run<{ store: string; plays: number; new_players: number; followed: number }>(games),
    stores: () => storeList.all(),
    broadcastsStarted: (lo: number, hi: number) => broadcastsStarted.all(lo, hi),
    /** How many of a broadcast's messages went out, counted in id slices between event-loop turns. */
    async broadcastSent(id: string, o?: SliceOptions): Promise<{ sent: number; slices: number }> {
      const span = (await sentSpan.get({ id }))!;
      if (span.lo === null || span.hi === null) return { sent: 0, slices: 0 };
      let at = span.lo;
      let sent = 0;
      const end = span.hi + 1;
      const { slices } = await runInSlices(async (rows) => {
        const hi = Math.min(end, at + rows);
        sent += Number(await sentIn.get(id, at, hi));
        at = hi;
        return { done: at >= end };
      }, o);
      return { sent, slices };
    },
    broadcastBlamed: (id: string) => mapStep(blamed.get(id), Number),

    /** What the stored figures were computed under (JSON), or null before anything was stored. */
    storedMeta,
    /** Drops every stored figure; with `meta`, records what the next ones will be computed under. */
    forgetStored: (meta: string | null, at: number) =>
      store.tx(function* () {
        yield* q(deleteAll.run());
        if (meta !== null) yield* q(putMeta.run({ ...META, data: meta, at }));
      }),
    /** The stored figures of the days `from` to `to` (both included), their data parsed. */
    stored: (from: string, to: string) =>
      mapStep(storedIn.all(from, to), (rows) => rows.map((r) => ({ day: r.day, figure: r.figure, data: JSON.parse(r.data) as unknown }))),
    storedKeys: (from: string, to: string) => storedKeysIn.all(from, to),
    /**
     * Stores settled days' figures, in one transaction, while `generation` is still what they are stored under
     * (false when the stored figures were forgotten meanwhile: what was counted before is not stored after). A
     * figure already stored is kept (computed once).
     */
    storeUnder: (generation: string, rows: { day: string; figure: string; data: unknown }[], at: number) =>
      store.tx(function* () {
        if ((yield* q(storedMeta())) !== generation) return false;
        for (const r of rows) yield* q(insertDay.run(r.day, r.figure, JSON.stringify(r.data), at));
        return true;
      }),
    /** The first moment any figure has an event (null when there is none). */
    earliest: () => mapStep(earliest.get(), (v) => (v === undefined || v === null ? null : Number(v))),

    /** EXPLAIN QUERY PLAN of every statement a figure runs (tests check each is an index range). SQLite's. */
    plans: () =>
      explained.map(({ name, sql, args }) => ({
        name,
        plan: (store.sqlite.$client.prepare(`explain query plan ${sql}`).all(args as never) as { detail: string }[]).map((p) => p.detail),
      })),
  };
}

export type DashboardRepo = ReturnType<typeof createDashboardRepo>;
