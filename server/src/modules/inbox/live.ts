import type { EventRow } from "./repo";

const DAY = 86_400_000;
const HOUR = 3_600_000;

type Events = { after: (id: number, n: number) => EventRow[]; lastId: () => number; prune: (before: number) => number };

/**
 * The live inbox of one API process, read from conversation_events (the database is the source, so a change
 * the dispatcher process committed reaches this process's streams as well as one made here). It reads when
 * this process nudges it (its own commit: `data_version` does not move for those) or when another connection
 * committed (`changed`, a change watch), on a short poll that runs only while someone is listening.
 */
export function createInboxFeed(o: { events: Events; changed: () => boolean; now: () => number; pollMs?: number }) {
  const subs = new Set<(e: EventRow) => void>();
  let last = 0;
  let dirty = false;
  let pending = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let prunedAt = 0;

  function pump() {
    pending = false;
    if (subs.size === 0) return;
    const elsewhere = o.changed();
    if (!dirty && !elsewhere) return;
    dirty = false;
    for (;;) {
      const rows = o.events.after(last, 500);
      for (const r of rows) {
        last = r.id;
        for (const fn of subs) fn(r);
      }
      if (rows.length < 500) break;
    }
    const t = o.now();
    if (t - prunedAt > HOUR) {
      prunedAt = t;
      o.events.prune(t - DAY);
    }
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
        last = o.events.lastId();
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
    after: o.events.after,
    lastId: o.events.lastId,
  };
}
export type InboxFeed = ReturnType<typeof createInboxFeed>;
