import { performance } from "node:perf_hooks";
import type Database from "better-sqlite3";

/**
 * Long work on the request thread in short slices. better-sqlite3 is synchronous, so one statement over a
 * million rows holds the event loop (and every shopper, cashier and webhook behind it) until it ends. A
 * sliced job runs a bounded step, then lets the event loop serve what queued meanwhile, then the next step.
 *
 * Resumable jobs keep their progress in the database, written in the same transaction as the step's own
 * writes: a crash loses at most the step in flight (rolled back), and a restart carries on from the mark
 * without doing any row twice. Slices over a table use its rowid (the table's own b-tree order, so a slice
 * reads neighbouring pages); a VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY,
 * so never run one while a resumable job over such a table is unfinished.
 */

/** Lets every macrotask that queued meanwhile (I/O callbacks, timers, other requests) run first. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export type SliceOptions = {
  /** Fixed slice size (tests, or a job whose cost per key is known). Default: sized to `budgetMs`. */
  rows?: number;
  /** Time one step may hold the event loop; the next slice is sized from what the last one cost. */
  budgetMs?: number;
  firstRows?: number;
  minRows?: number;
  maxRows?: number;
  /** What runs between steps (tests drive it; default: one event-loop turn). */
  pause?: () => Promise<void>;
};

/** A step may be asynchronous (a PostgreSQL statement); a synchronous one is not awaited, so SQLite's slices keep their timing. */
export type Step = (rows: number) => { done: boolean } | Promise<{ done: boolean }>;

/**
 * Runs `step` until it says it is done, pausing between steps. `step` is typically one short transaction
 * and covers at most `rows` keys. Returns how many steps ran.
 */
export async function runInSlices(step: Step, opts: SliceOptions = {}): Promise<{ slices: number }> {
  const budget = opts.budgetMs ?? 8;
  const min = opts.minRows ?? 64;
  const max = opts.maxRows ?? 100_000;
  let rows = opts.rows ?? opts.firstRows ?? 1000;
  const pause = opts.pause ?? yieldToEventLoop;
  let slices = 0;
  for (;;) {
    const t0 = performance.now();
    const r = step(rows);
    const { done } = r instanceof Promise ? await r : r;
    slices++;
    if (done) return { slices };
    if (opts.rows === undefined) {
      // Keys per ms from the last step, towards the budget; at most doubling, so one cheap slice (an
      // empty range, a cold start) does not make the next one huge.
      const ms = Math.max(performance.now() - t0, 0.05);
      rows = Math.round(Math.min(max, Math.max(min, Math.min(rows * 2, (rows * budget) / ms))));
    }
    await pause();
  }
}

/**
 * Slices `table`'s rowid range `(after, end]`, `rows` at a time, where `end` is the largest rowid when the
 * step runs (rows inserted meanwhile are reached too). `stepRange` gets the slice `(lo, hi]` and does its
 * work (binding `lo`/`hi` to `rowid > ? and rowid <= ?`); return false from it to stop early. For a
 * resumable job, keep `after` in the database instead (read it and write `hi` inside the step's
 * transaction) and use `runInSlices` with `rowidEnd`.
 */
export async function forEachRowidSlice(
  db: Database.Database,
  table: string,
  stepRange: (lo: number, hi: number, last: boolean) => boolean | void,
  opts: SliceOptions & { after?: number } = {},
): Promise<{ slices: number }> {
  const end = rowidEnd(db, table);
  let after = opts.after ?? 0;
  return runInSlices((rows) => {
    const lo = after;
    const hi = lo + rows;
    const last = hi >= end();
    after = hi;
    return { done: stepRange(lo, hi, last) === false || last };
  }, opts);
}

/** The table's largest rowid now (0 when empty): one seek to the b-tree's right edge. */
export function rowidEnd(db: Database.Database, table: string): () => number {
  const stmt = db.prepare(`select coalesce(max(rowid), 0) from ${table}`).pluck();
  return () => stmt.get() as number;
}

/** Runs `fn` for each item, yielding between slices of items (for jobs that already hold their list). */
export async function forEachInSlices<T>(items: readonly T[], fn: (item: T) => void, opts: SliceOptions = {}): Promise<{ slices: number }> {
  let i = 0;
  if (items.length === 0) return { slices: 0 };
  return runInSlices(
    (rows) => {
      const end = Math.min(items.length, i + rows);
      for (; i < end; i++) fn(items[i]!);
      return { done: i >= items.length };
    },
    { firstRows: 50, minRows: 1, ...opts },
  );
}
