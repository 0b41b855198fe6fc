import type { CustomerSort } from "@mc/shared";
import { runInSlices, type SliceOptions } from "../../db/chunked";
import { q, type Awaitable, type Store, type SyncView } from "../../db/store";
import { earnedInWindowSql } from "../loyalty/repo";
import type { SqlWhere } from "../segments/repo";

/**
 * The CRM's reads over `customers c`: keyset pages in each sort, the search's sources, sliced counts, tags.
 * Filters come in as one compiled segment condition (segments' compileSegment), so the list, its count, its
 * export and a segment agree on who matches.
 */

/** Where the previous page ended: its last row's sort key (none for newest) and rowid. */
export type Keyset = { k: string | number | null; r: number };

/**
 * What a search looks for; a row matches if any part does. Each part is a small indexed lookup or the FTS
 * index, read in rowid order (newest first), so a page stops after `limit` matches however many there are.
 */
export type Search = {
  /** FTS5 query over the name's search key (prefix terms, all required). */
  fts: string | null;
  /** The same as a PostgreSQL tsquery (search-key.ts tsPrefixQuery); null exactly when `fts` is. */
  tsquery?: string | null;
  /** The phone's last digits, reversed: a prefix range on customers_phone_rev_idx. */
  phoneRev: string | null;
  /** A member code or Zalo id (app- or OA-scoped), matched exactly on their unique indexes. */
  exact: { memberCode: string; zaloId: string } | null;
};

export type ListRow = {
  rowid: number;
  id: string;
  name: string;
  avatar: string | null;
  memberCode: string;
  phone: string | null;
  followsOa: number;
  role: "customer" | "staff" | "admin";
  pointsBalance: number;
  lastInteractionAt: number | null;
  createdAt: number;
  searchName: string;
  /** Points earned in the tier window (from `earnedSince`). */
  earned: number;
};

/** The row's columns (PostgreSQL's boolean follows_oa as SQLite's 0/1). */
const columns = (pg: boolean) => `c.rowid as rowid, c.id, c.name, c.avatar, c.member_code as "memberCode", c.phone,
  ${pg ? "c.follows_oa::int" : "c.follows_oa"} as "followsOa", c.role, c.points_balance as "pointsBalance",
  c.last_interaction_at as "lastInteractionAt", c.created_at as "createdAt", c.search_name as "searchName", ${earnedInWindowSql("c")} as earned`;

/**
 * Each sort: its ORDER BY (served by an index, rowid last), the key expression, which way the walk goes
 * (`next`: the comparison that moves on), and a row's key. Newest has no key but the rowid.
 */
const SORTS: Record<CustomerSort, { order: string; index: string | null; expr: string | null; next: "<" | ">"; key: (r: ListRow) => string | number | null }> =
  {
    newest: { order: "c.rowid desc", index: null, expr: null, next: "<", key: () => null },
    name: { order: "c.search_name, c.rowid", index: "customers_search_name_idx", expr: "c.search_name", next: ">", key: (r) => r.searchName },
    points: {
      order: "c.points_balance desc, c.rowid desc",
      index: "customers_points_idx",
      expr: "c.points_balance",
      next: "<",
      key: (r) => r.pointsBalance,
    },
    // No interaction yet sorts last (as 0; customers_last_interaction_idx is on this very expression).
    lastInteraction: {
      order: "coalesce(c.last_interaction_at, 0) desc, c.rowid desc",
      index: "customers_last_interaction_idx",
      expr: "coalesce(c.last_interaction_at, 0)",
      next: "<",
      key: (r) => r.lastInteractionAt ?? 0,
    },
  };

export const sortKeyOf = (sort: CustomerSort, row: ListRow) => SORTS[sort].key(row);

export function createCustomerListRepo(store: Store) {
  const pg = store.dialect === "postgres";
  const COLUMNS = columns(pg);
  const all = (sql: string, params: unknown[]) => store.prepare<ListRow>(sql).all(...params);
  // A JSON array parameter as a set of values; rowids as integers.
  const jsonValues = (type: "text" | "bigint") =>
    pg ? `(select jsonb_array_elements_text(?::jsonb)${type === "bigint" ? "::bigint" : ""})` : "(select value from json_each(?))";
  // The name sort compares search keys byte by byte on both (SQLite's BINARY): PostgreSQL's default collation
  // would order spaces and punctuation by the locale's rules, and the two would page differently.
  const byName = pg ? 'c.search_name collate "C"' : "c.search_name";
  const sortOf = (sort: CustomerSort) => {
    const s = SORTS[sort];
    if (sort !== "name") return s;
    return { ...s, order: `${byName}, c.rowid`, expr: byName };
  };
  /**
   * The next `n` places in `sort` order after `after`, from the sort's index alone (rowid and key; no
   * filter, erased people included): the list takes candidates window by window and keeps those that
   * match (rowsAmong). After a cursor the walk is two index seeks, the rest of the cursor's key (same key,
   * rowid beyond) and then the keys beyond it: a row value `(key, rowid) < (?, ?)` would seek on the key
   * alone and then step through every row sharing it (750,000 people with 0 points: 130 ms for a page in
   * their midst; 2 ms like this).
   */
  const places = (sort: CustomerSort, after: Keyset | undefined, n: number) =>
    store.read(function* () {
      const s = sortOf(sort);
      // The sort's index by name: within one key SQLite would rather walk the table by rowid from the cursor on.
      const from = `customers c${s.index && !pg ? ` indexed by ${s.index}` : ""}`;
      const select = (cond: string, params: unknown[], limit: number, order = s.order) =>
        store.prepare<Keyset>(`select ${s.expr ?? "null"} as k, c.rowid as r from ${from} where 1 = 1${cond} order by ${order} limit ?`).all(...params, limit);
      if (after === undefined) return yield* q(select("", [], n));
      if (s.expr === null) return yield* q(select(" and c.rowid < ?", [after.r], n));
      // Within one key the order is the rowid's alone (so SQLite sorts nothing).
      const rows = yield* q(select(` and ${s.expr} = ? and c.rowid ${s.next} ?`, [after.k, after.r], n, `c.rowid${s.next === "<" ? " desc" : ""}`));
      if (rows.length < n) rows.push(...(yield* q(select(` and ${s.expr} ${s.next} ?`, [after.k], n - rows.length))));
      return rows;
    });

  // FTS5 seeks on a rowid bound only if it is an integer, and a JS number binds as a real: cast it (200 ms → 1 ms).
  const TS = "to_tsvector('simple', c.search_name) @@ to_tsquery('simple', ?)";
  const namesStmt = store.prepare<number>(
    {
      sqlite: "select rowid from customers_fts where customers_fts match ? order by rowid desc limit ?",
      pg: `select c.rowid from customers c where ${TS} order by c.rowid desc limit ?`,
    },
    "pluck",
  );
  const namesBeforeStmt = store.prepare<number>(
    {
      sqlite: "select rowid from customers_fts where customers_fts match ? and rowid < cast(? as integer) order by rowid desc limit ?",
      pg: `select c.rowid from customers c where ${TS} and c.rowid < ? order by c.rowid desc limit ?`,
    },
    "pluck",
  );
  /**
   * The next `n` rowids whose name matches, newest first, before `before`: the FTS index read backwards,
   * so a word 400,000 people share costs what a rare one does. `search` gives the dialect's query.
   */
  const nameMatches = (search: Pick<Search, "fts" | "tsquery">, before: number | undefined, n: number) => {
    const text = pg ? search.tsquery : search.fts;
    return before === undefined ? namesStmt.all(text, n) : namesBeforeStmt.all(text, before, n);
  };

  /** The rows among these rowids that match the condition, in no particular order. */
  const rowsAmong = (rowids: readonly number[], w: SqlWhere, earnedSince: number): Awaitable<ListRow[]> =>
    rowids.length === 0
      ? []
      : all(`select ${COLUMNS} from customers c where c.rowid in ${jsonValues("bigint")} and (${w.where})`, [earnedSince, JSON.stringify(rowids), ...w.params]);

  const phoneRevIdx = pg ? "" : " indexed by customers_phone_rev_idx";
  /**
   * The search's small parts, newest first and whole (up to `limit`, before `before`): the phone's last
   * digits are a range of the reversed-phone index (3 digits: a thousandth of the table), and a member
   * code or Zalo id is at most three rows of their unique indexes.
   */
  const fewMatches = (p: { search: Search; where: SqlWhere; before?: number; limit: number; earnedSince: number }) =>
    store.read(function* () {
      const { where: w, params } = p.where;
      const before = p.before === undefined ? { sql: "", params: [] } : { sql: " and c.rowid < ?", params: [p.before] };
      const out: ListRow[] = [];
      const s = p.search;
      if (s.phoneRev)
        out.push(
          ...(yield* q(
            all(
              `select ${COLUMNS} from customers c${phoneRevIdx}
               where c.phone_rev >= ? and c.phone_rev < ? and (${w})${before.sql} order by c.rowid desc limit ?`,
              [p.earnedSince, s.phoneRev, `${s.phoneRev}:`, ...params, ...before.params, p.limit],
            ),
          )),
        );
      if (s.exact)
        out.push(
          ...(yield* q(
            all(
              `select ${COLUMNS} from customers c where (c.member_code = ? or c.zalo_id = ? or c.zalo_oa_id = ?) and (${w})${before.sql}
               order by c.rowid desc limit ?`,
              [p.earnedSince, s.exact.memberCode, s.exact.zaloId, s.exact.zaloId, ...params, ...before.params, p.limit],
            ),
          )),
        );
      return out;
    });

  const rowidEnd = store.prepare<number>("select coalesce(max(rowid), 0) from customers", "pluck");
  /**
   * How many match, in slices of the customers' rowid range with the event loop served between them (as
   * segments' countAndSample): a broad filter tests every customer, which over a million would hold other
   * requests for seconds in one statement. A search counts only its own matches within each slice.
   */
  async function count(p: { where: SqlWhere; search: Search | null; slices?: SliceOptions }): Promise<number> {
    const { where: w, params } = p.where;
    let stmt: { sql: string; bind: (lo: number, hi: number) => unknown[] };
    const s = p.search;
    if (!s) {
      stmt = { sql: `select count(*) from customers c where c.rowid > ? and c.rowid <= ? and (${w})`, bind: (lo, hi) => [lo, hi, ...params] };
    } else {
      const sources: { sql: string; bind: (lo: number, hi: number) => unknown[] }[] = [];
      if (s.fts)
        sources.push(
          pg
            ? {
                sql: "select rowid from customers where to_tsvector('simple', search_name) @@ to_tsquery('simple', ?) and rowid > ? and rowid <= ?",
                bind: (lo, hi) => [s.tsquery, lo, hi],
              }
            : {
                sql: "select rowid from customers_fts where customers_fts match ? and rowid > cast(? as integer) and rowid <= cast(? as integer)",
                bind: (lo, hi) => [s.fts, lo, hi],
              },
        );
      if (s.phoneRev)
        sources.push({
          sql: `select rowid from customers${phoneRevIdx} where phone_rev >= ? and phone_rev < ? and rowid > ? and rowid <= ?`,
          bind: (lo, hi) => [s.phoneRev, `${s.phoneRev}:`, lo, hi],
        });
      if (s.exact) {
        const { memberCode, zaloId } = s.exact;
        sources.push({
          sql: "select rowid from customers where (member_code = ? or zalo_id = ? or zalo_oa_id = ?) and rowid > ? and rowid <= ?",
          bind: (lo, hi) => [memberCode, zaloId, zaloId, lo, hi],
        });
      }
      stmt = {
        sql: `select count(*) from customers c where c.rowid in (${sources.map((x) => x.sql).join(" union ")}) and (${w})`,
        bind: (lo, hi) => [...sources.flatMap((x) => x.bind(lo, hi)), ...params],
      };
    }
    const prepared = store.prepare<number>(stmt.sql, "pluck");
    let total = 0;
    const end = (await rowidEnd.get()) ?? 0;
    let after = 0;
    await runInSlices((rows) => {
      const lo = after;
      const hi = (after = lo + rows);
      const n = prepared.get(...stmt.bind(lo, hi));
      const done = { done: hi >= end };
      if (n instanceof Promise) return n.then((v) => ((total += v ?? 0), done));
      total += n ?? 0;
      return done;
    }, p.slices);
    return total;
  }

  const tagsStmt = store.prepare<{ id: string; tag: string }>(
    `select customer_id as id, tag from customer_tags where customer_id in ${jsonValues("text")} order by tag${pg ? ' collate "C"' : ""}`,
  );
  /** The tags of these people, in one statement. */
  const tagsOf = (ids: readonly string[]) =>
    store.read(function* () {
      const out = new Map<string, string[]>();
      if (ids.length === 0) return out;
      for (const r of yield* q(tagsStmt.all(JSON.stringify(ids)))) out.set(r.id, [...(out.get(r.id) ?? []), r.tag]);
      return out;
    });

  // Erased people have no tags left (erasure drops them), so the tag index alone answers.
  const tagCountsStmt = store.prepare<{ tag: string; count: number }>(
    `select tag, count(*) as count from customer_tags group by tag order by count desc, tag${pg ? ' collate "C"' : ""}`,
  );
  const tagCounts = () => tagCountsStmt.all();

  /** Does this person match the condition (a staff member's "visited one of my stores")? One row's test. */
  const matches = (customerId: string, w: SqlWhere) =>
    store.read(function* () {
      return (yield* q(store.prepare(`select 1 from customers c where c.id = ? and (${w.where})`, "pluck").get(customerId, ...w.params))) !== undefined;
    });

  return { places, nameMatches, rowsAmong, fewMatches, count, tagsOf, tagCounts, matches };
}

export type CustomerListRepo = ReturnType<typeof createCustomerListRepo>;
/** The list repo as synchronous SQLite code not ported yet sees it. */
export type CustomerListRepoSync = SyncView<CustomerListRepo>;
