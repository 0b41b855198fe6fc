import type { Awaitable } from "../../db/store";
import type { EventRow } from "./repo";

const DAY = 86_400_000;
const HOUR = 3_600_000;

type Events = {
  after: (id: number, n: number) => Awaitable<EventRow[]>;
  lastId: () => Awaitable<number>;
  prune: (before: number) => Awaitable<number>;
};

/**
 * The live inbox of one API process, read from conversation_events (the database is the source, so a change
 * the dispatcher process committed reaches this process's streams as well as one made here). It reads when
 * this process nudges it (its own commit: `data_version` does not move for those) or when another connection
 * committed (`changed`, a change watch), on a short poll that runs only while someone is listening.
 *
 * `lookBack` (PostgreSQL): event ids come from a sequence, taken when a transaction inserts, so a transaction
 * that took id 7 may commit after one that took id 8. Each read then starts that many ids before the last one
 * delivered and skips the ids it delivered already, so a late commit within the window is still delivered
 * (SQLite writes one transaction at a time: ids are in commit order there, and it reads from the last id).
 */
export function createInboxFeed(o: { events: Events; changed: () => boolean; now: () => number; pollMs?: number; lookBack?: number }) {
  const subs = new Set<(e: EventRow) => void>();
  const lookBack = o.lookBack ?? 0;
  let last = 0;
  // The ids delivered within the look-back window (PostgreSQL only).
  let delivered = new Set<number>();
  let dirty = false;
  let pending = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let prunedAt = 0;
  let started: Awaitable<void> = undefined;

  /** Listening starts after `id`: what the look-back window holds already counts as delivered. */
  function startAt(id: number): Awaitable<void> {
    last = id;
    delivered = new Set();
    if (!lookBack) return;
    return (async () => {
      for (let cursor = Math.max(0, id - lookBack); ;) {
        const rows = await o.events.after(cursor, 500);
        for (const r of rows) ((cursor = r.id), r.id <= id && delivered.add(r.id));
        if (rows.length < 500 || cursor > id) break;
      }
    })();
  }

  async function read() {
    await started;
    let cursor = Math.max(0, last - lookBack);
    for (;;) {
      const rows = await o.events.after(cursor, 500);
      for (const r of rows) {
        cursor = r.id;
        if (lookBack ? delivered.has(r.id) : r.id <= last) continue;
        if (lookBack) delivered.add(r.id);
        if (r.id > last) last = r.id;
        for (const fn of subs) fn(r);
      }
      if (rows.length < 500) break;
    }
    if (lookBack) for (const id of delivered) if (id <= last - lookBack) delivered.delete(id);
    const t = o.now();
    if (t - prunedAt > HOUR) {
      prunedAt = t;
      await o.events.prune(t - DAY);
    }
  }

  function pump() {
    pending = false;
    if (subs.size === 0) return;
    const elsewhere = o.changed();
    if (!dirty && !elsewhere) return;
    dirty = false;
    // One read at a time; a nudge during one reads once more after it.
    if (running) return void (again = true);
    running = read()
      .catch(() => undefined)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          dirty = true;
          pump();
        }
      });
  }

  return {
    /** This process committed a change: read it at once (after the current transaction has committed). */
    nudge() {
      dirty = true;
      if (pending) return;
      pending = true;
      setImmediate(pump);
    },
    subscribe(fn: (e: EventRow) => void): () => void {
      if (subs.size === 0) {
        const v = o.events.lastId();
        if (v instanceof Promise) started = v.then(startAt);
        else started = startAt(v);
        o.changed();
        timer = setInterval(pump, o.pollMs ?? 250);
        timer.unref();
      }
      subs.add(fn);
      return () => {
        subs.delete(fn);
        if (subs.size === 0) clearInterval(timer);
      };
    },
    /** Resolves once every read started so far has delivered (tests; a stream's replay). */
    settled: async () => {
      await started;
      while (running) await running;
    },
    after: o.events.after,
    lastId: o.events.lastId,
  };
}
export type InboxFeed = ReturnType<typeof createInboxFeed>;
