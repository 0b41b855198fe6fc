import type { CustomerSort } from "@mc/shared";
import type { Db } from "../../db/client";
import { forEachRowidSlice, type SliceOptions } from "../../db/chunked";
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

const COLUMNS = `c.rowid as rowid, c.id, c.name, c.avatar, c.member_code as memberCode, c.phone, c.follows_oa as followsOa, c.role,
  c.points_balance as pointsBalance, c.last_interaction_at as lastInteractionAt, c.created_at as createdAt, c.search_name as searchName,
  ${earnedInWindowSql("c")} as earned`;

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

export function createCustomerListRepo(db: Db) {
  const c = db.$client;
  const all = (sql: string, params: unknown[]) => c.prepare(sql).all(...params) as ListRow[];
  /**
   * The next `n` places in `sort` order after `after`, from the sort's index alone (rowid and key; no
   * filter, erased people included): the list takes candidates window by window and keeps those that
   * match (rowsAmong). After a cursor the walk is two index seeks, the rest of the cursor's key (same key,
   * rowid beyond) and then the keys beyond it: a row value `(key, rowid) < (?, ?)` would seek on the key
   * alone and then step through every row sharing it (750,000 people with 0 points: 130 ms for a page in
   * their midst; 2 ms like this).
   */
  function places(sort: CustomerSort, after: Keyset | undefined, n: number): Keyset[] {
    const s = SORTS[sort];
    // The sort's index by name: within one key SQLite would rather walk the table by rowid from the cursor on.
    const from = `customers c${s.index ? ` indexed by ${s.index}` : ""}`;
    const select = (cond: string, params: unknown[], limit: number, order = s.order) =>
      c.prepare(`select ${s.expr ?? "null"} as k, c.rowid as r from ${from} where 1${cond} order by ${order} limit ?`).all(...params, limit) as Keyset[];
    if (after === undefined) return select("", [], n);
    if (s.expr === null) return select(" and c.rowid < ?", [after.r], n);
    // Within one key the order is the rowid's alone (so SQLite sorts nothing).
    const rows = select(` and ${s.expr} = ? and c.rowid ${s.next} ?`, [after.k, after.r], n, `c.rowid${s.next === "<" ? " desc" : ""}`);
    if (rows.length < n) rows.push(...select(` and ${s.expr} ${s.next} ?`, [after.k], n - rows.length));
    return rows;
  }

  // FTS5 seeks on a rowid bound only if it is an integer, and a JS number binds as a real: cast it (200 ms → 1 ms).
  const namesStmt = c.prepare("select rowid from customers_fts where customers_fts match ? order by rowid desc limit ?").pluck();
  const namesBeforeStmt = c
    .prepare("select rowid from customers_fts where customers_fts match ? and rowid < cast(? as integer) order by rowid desc limit ?")
    .pluck();
  /**
   * The next `n` rowids whose name matches, newest first, before `before`: the FTS index read backwards,
   * so a word 400,000 people share costs what a rare one does.
   */
  const nameMatches = (fts: string, before: number | undefined, n: number) =>
    (before === undefined ? namesStmt.all(fts, n) : namesBeforeStmt.all(fts, before, n)) as number[];

  /** The rows among these rowids that match the condition, in no particular order. */
  const rowsAmong = (rowids: readonly number[], w: SqlWhere, earnedSince: number) =>
    rowids.length === 0
      ? []
      : all(`select ${COLUMNS} from customers c where c.rowid in (select value from json_each(?)) and (${w.where})`, [
          earnedSince,
          JSON.stringify(rowids),
          ...w.params,
        ]);

  /**
   * The search's small parts, newest first and whole (up to `limit`, before `before`): the phone's last
   * digits are a range of the reversed-phone index (3 digits: a thousandth of the table), and a member
   * code or Zalo id is at most three rows of their unique indexes.
   */
  function fewMatches(p: { search: Search; where: SqlWhere; before?: number; limit: number; earnedSince: number }): ListRow[] {
    const { where: w, params } = p.where;
    const before = p.before === undefined ? { sql: "", params: [] } : { sql: " and c.rowid < ?", params: [p.before] };
    const out: ListRow[] = [];
    const s = p.search;
    if (s.phoneRev)
      out.push(
        ...all(
          `select ${COLUMNS} from customers c indexed by customers_phone_rev_idx
           where c.phone_rev >= ? and c.phone_rev < ? and (${w})${before.sql} order by c.rowid desc limit ?`,
          [p.earnedSince, s.phoneRev, `${s.phoneRev}:`, ...params, ...before.params, p.limit],
        ),
      );
    if (s.exact)
      out.push(
        ...all(
          `select ${COLUMNS} from customers c where (c.member_code = ? or c.zalo_id = ? or c.zalo_oa_id = ?) and (${w})${before.sql}
           order by c.rowid desc limit ?`,
          [p.earnedSince, s.exact.memberCode, s.exact.zaloId, s.exact.zaloId, ...params, ...before.params, p.limit],
        ),
      );
    return out;
  }

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
        sources.push({
          sql: "select rowid from customers_fts where customers_fts match ? and rowid > cast(? as integer) and rowid <= cast(? as integer)",
          bind: (lo, hi) => [s.fts, lo, hi],
        });
      if (s.phoneRev)
        sources.push({
          sql: "select rowid from customers indexed by customers_phone_rev_idx where phone_rev >= ? and phone_rev < ? and rowid > ? and rowid <= ?",
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
    const prepared = c.prepare(stmt.sql).pluck();
    let total = 0;
    await forEachRowidSlice(c, "customers", (lo, hi) => void (total += prepared.get(...stmt.bind(lo, hi)) as number), p.slices);
    return total;
  }

  const tagsStmt = c.prepare("select customer_id as id, tag from customer_tags where customer_id in (select value from json_each(?)) order by tag");
  /** The tags of these people, in one statement. */
  function tagsOf(ids: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    for (const r of tagsStmt.all(JSON.stringify(ids)) as { id: string; tag: string }[]) out.set(r.id, [...(out.get(r.id) ?? []), r.tag]);
    return out;
  }

  // Erased people have no tags left (erasure drops them), so the tag index alone answers.
  const tagCountsStmt = c.prepare("select tag, count(*) as count from customer_tags group by tag order by count desc, tag");
  const tagCounts = () => tagCountsStmt.all() as { tag: string; count: number }[];

  /** Does this person match the condition (a staff member's "visited one of my stores")? One row's test. */
  const matches = (customerId: string, w: SqlWhere) =>
    c.prepare(`select 1 from customers c where c.id = ? and (${w.where})`).get(customerId, ...w.params) !== undefined;

  return { places, nameMatches, rowsAmong, fewMatches, count, tagsOf, tagCounts, matches };
}

export type CustomerListRepo = ReturnType<typeof createCustomerListRepo>;
