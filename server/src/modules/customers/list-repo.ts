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
const SORTS: Record<CustomerSort, { order: string; expr: string | null; next: "<" | ">"; key: (r: ListRow) => string | number | null }> = {
  newest: { order: "c.rowid desc", expr: null, next: "<", key: () => null },
  name: { order: "c.search_name, c.rowid", expr: "c.search_name", next: ">", key: (r) => r.searchName },
  points: { order: "c.points_balance desc, c.rowid desc", expr: "c.points_balance", next: "<", key: (r) => r.pointsBalance },
  // No interaction yet sorts last (as 0; customers_last_interaction_idx is on this very expression).
  lastInteraction: {
    order: "coalesce(c.last_interaction_at, 0) desc, c.rowid desc",
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
   * One page of the filtered list in `sort` order, from after `after`: up to `limit` rows. The sort's index
   * walks the table in order and the condition is tested row by row until the page is full. After a cursor
   * the walk is two index seeks, the rest of the cursor's key (same key, rowid beyond) and then the keys
   * beyond it: a row value `(key, rowid) < (?, ?)` would seek on the key alone and then step through every
   * row sharing it (750,000 people with 0 points: 130 ms for a page in their midst; 2 ms like this).
   */
  function page(p: { where: SqlWhere; sort: CustomerSort; after?: Keyset; limit: number; earnedSince: number }): ListRow[] {
    const s = SORTS[p.sort];
    const select = (cond: string, params: unknown[], limit: number, order = s.order) =>
      all(`select ${COLUMNS} from customers c where (${p.where.where})${cond} order by ${order} limit ?`, [p.earnedSince, ...p.where.params, ...params, limit]);
    if (p.after === undefined) return select("", [], p.limit);
    if (s.expr === null) return select(" and c.rowid < ?", [p.after.r], p.limit);
    // Within one key the order is the rowid's alone (so SQLite sorts nothing).
    const rows = select(` and ${s.expr} = ? and c.rowid ${s.next} ?`, [p.after.k, p.after.r], p.limit, `c.rowid${s.next === "<" ? " desc" : ""}`);
    if (rows.length < p.limit) rows.push(...select(` and ${s.expr} ${s.next} ?`, [p.after.k], p.limit - rows.length));
    return rows;
  }

  /**
   * One page of search results, newest first: each part of the search read in rowid order with the
   * filter and `limit`, then merged. The name part walks the FTS index backwards and stops at `limit`
   * matches, so a word that 400,000 people share costs no more than a rare one; the phone part is a range
   * of the reversed-phone index (3 digits: a thousandth of the table), the exact part at most three rows.
   */
  function searchPage(p: { where: SqlWhere; search: Search; after?: number; limit: number; earnedSince: number }): ListRow[] {
    const { where: w, params } = p.where;
    // FTS5 seeks on a rowid bound only if it is an integer, and a JS number binds as a real: cast it (200 ms → 1 ms).
    const after = (rowid: string) => (p.after === undefined ? { sql: "", params: [] } : { sql: ` and ${rowid} < cast(? as integer)`, params: [p.after] });
    const parts: ListRow[][] = [];
    const s = p.search;
    if (s.fts) {
      const a = after("customers_fts.rowid");
      parts.push(
        all(
          `select ${COLUMNS} from customers_fts cross join customers c on c.rowid = customers_fts.rowid
           where customers_fts match ? and (${w})${a.sql} order by customers_fts.rowid desc limit ?`,
          [p.earnedSince, s.fts, ...params, ...a.params, p.limit],
        ),
      );
    }
    const a = after("c.rowid");
    if (s.phoneRev)
      parts.push(
        all(
          `select ${COLUMNS} from customers c indexed by customers_phone_rev_idx
           where c.phone_rev >= ? and c.phone_rev < ? and (${w})${a.sql} order by c.rowid desc limit ?`,
          [p.earnedSince, s.phoneRev, `${s.phoneRev}:`, ...params, ...a.params, p.limit],
        ),
      );
    if (s.exact)
      parts.push(
        all(
          `select ${COLUMNS} from customers c where (c.member_code = ? or c.zalo_id = ? or c.zalo_oa_id = ?) and (${w})${a.sql}
           order by c.rowid desc limit ?`,
          [p.earnedSince, s.exact.memberCode, s.exact.zaloId, s.exact.zaloId, ...params, ...a.params, p.limit],
        ),
      );
    if (parts.length === 1) return parts[0]!;
    const seen = new Set<number>();
    return parts
      .flat()
      .sort((a, b) => b.rowid - a.rowid)
      .filter((r) => !seen.has(r.rowid) && seen.add(r.rowid))
      .slice(0, p.limit);
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

  return { page, searchPage, count, tagsOf, tagCounts, matches };
}

export type CustomerListRepo = ReturnType<typeof createCustomerListRepo>;
