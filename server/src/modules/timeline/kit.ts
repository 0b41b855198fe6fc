import { ErrorCode, type TimelineKind } from "@mc/shared";
import type { Db } from "../../db/client";
import { AppError } from "../../errors";

/**
 * What a timeline source is and the pieces every source shares: the order of items, the cursor, and the scan
 * that pages a table by an index on (customer, time) so that no event is skipped or shown twice.
 */

/** One event, with its time as epoch ms (the service turns it into ISO on the way out). */
export type Item = {
  key: string;
  kind: TimelineKind;
  at: number;
  title: string;
  detail: string | null;
  storeId: string | null;
  actor: string | null;
  data: Record<string, unknown>;
};

/** Where the previous page stopped: its last item. */
export type Cursor = { at: number; key: string };

export type PageOpts = {
  /** A staff view: only items at these stores (notes, which staff may see, are kept). */
  storeIds?: readonly string[];
};

/** A kind of event: its page of the person's items strictly after `before`, newest first, at most `limit`. */
export type Source = {
  kind: TimelineKind;
  page(customerId: string, before: Cursor | null, limit: number, opts: PageOpts): Item[];
};

export type SourceDeps = { db: Db; now: () => number; timeZone: string };
/** The registry holds factories: a source prepares its statements once, from the database. */
export type SourceFactory = (deps: SourceDeps) => Source;

// ---- order: newest first, then by key, so (at, key) is a total order and a cursor ----

export function compareItems(a: Pick<Item, "at" | "key">, b: Pick<Item, "at" | "key">): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Does `item` come after the cursor (belong to the next pages)? */
export const isAfter = (item: Pick<Item, "at" | "key">, c: Cursor | null) => c === null || compareItems(item, c) > 0;

const MAX_KEY = 200;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.key])).toString("base64url");
}

/** The client's cursor is opaque to it but untrusted here: anything but what encodeCursor wrote is a 400. */
export function decodeCursor(s: string): Cursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[0]) || typeof v[1] !== "string" || v[1].length > MAX_KEY)
    throw new AppError(ErrorCode.VALIDATION_FAILED, "This timeline cursor is not one the server gave");
  return { at: v[0] as number, key: v[1] as string };
}

// ---- the scan ----

/** Bounds of "any time" for a range query (integers SQLite compares with the ms columns). */
export const MIN_AT = -Number.MAX_SAFE_INTEGER;
export const MAX_AT = Number.MAX_SAFE_INTEGER;

/**
 * Pages a table whose rows each hold events in [lo, hi] (one event: lo = hi = its time), through an index on
 * (customer, hi, lo):
 * - `range(min, max, n)`: the rows with min ≤ hi ≤ max, hi descending, at most n (n = -1: all);
 * - `straddling(at)`: the rows with lo ≤ at < hi (events on both sides of the cursor's time), for tables whose
 *   rows have more than one event. Bounded by the rows touched after the cursor: what the earlier pages showed.
 * Rows are read in batches by hi descending, each batch completed with the rows sharing its last hi; it stops
 * once `limit` items are at or after that hi, since every row not read yet has all its events before it.
 */
export function scan<R>(o: {
  before: Cursor | null;
  limit: number;
  range: (min: number, max: number, n: number) => R[];
  straddling?: (at: number) => R[];
  id: (r: R) => string | number;
  hi: (r: R) => number;
  items: (r: R) => Item[];
  keep?: (i: Item) => boolean;
  /** About how many items a row holds (an order's placed, confirmed, ready, completed): batches read fewer rows. */
  perRow?: number;
}): Item[] {
  const out: Item[] = [];
  const seen = new Set<string | number>();
  const add = (rows: R[]) => {
    for (const r of rows) {
      const id = o.id(r);
      if (seen.has(id)) continue;
      seen.add(id);
      for (const i of o.items(r)) if (isAfter(i, o.before) && (!o.keep || o.keep(i))) out.push(i);
    }
  };
  if (o.before && o.straddling) add(o.straddling(o.before.at));
  const batch = Math.max(Math.ceil(o.limit / (o.perRow ?? 1)), 8);
  let max = o.before ? o.before.at : MAX_AT;
  for (;;) {
    const rows = o.range(MIN_AT, max, batch);
    add(rows);
    if (rows.length < batch) break;
    const lastHi = o.hi(rows[rows.length - 1]!);
    add(o.range(lastHi, lastHi, -1));
    out.sort(compareItems);
    if (out.length >= o.limit && out[o.limit - 1]!.at >= lastHi) break;
    max = lastHi - 1;
  }
  return out.sort(compareItems).slice(0, o.limit);
}

/** The staff view's filter for a source whose items carry a store. */
export const atStores =
  (opts: PageOpts) =>
  (i: Item): boolean =>
    !opts.storeIds || (i.storeId !== null && opts.storeIds.includes(i.storeId));

/** The store filter as a statement parameter (`@stores`: null, or a JSON array for json_each). */
export const storesParam = (opts: PageOpts) => (opts.storeIds ? JSON.stringify(opts.storeIds) : null);

// ---- words ----

export const vnd = (n: number) => `${n.toLocaleString("vi-VN")}đ`;
export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

const formatters = new Map<string, Intl.DateTimeFormat>();
/** "08:00 24/11/2026" in the shop's time zone. */
export function localTime(ms: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric" });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

/** Who acted, for `actor`: a named person or operator, the system, or nobody known. */
export function actorName(kind: string | null, id: string | null, name: string | null, self: string): string | null {
  if (id === self) return null;
  if (name) return name;
  return kind === "system" || id === "system" ? "hệ thống" : null;
}
