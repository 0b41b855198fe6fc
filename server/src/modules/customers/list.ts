import { z } from "zod";
import {
  CustomerSort,
  ErrorCode,
  maskPhone,
  tierFor,
  tzOffsetMinutes,
  type CustomerExportQuery,
  type CustomerListItem,
  type CustomerListPage,
  type CustomerListQuery,
  type LoyaltyRules,
  type SegmentGroup,
  type SegmentNode,
} from "@mc/shared";
import { runInSlices, yieldToEventLoop, type SliceOptions } from "../../db/chunked";
import { q as step, type Awaitable, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import { normalizeMemberCode } from "../../lib/codes";
import type { LoyaltyRepo } from "../loyalty/repo";
import { formatMemberCode } from "../loyalty/service";
import type { SqlWhere } from "../segments/repo";
import type { SegmentService } from "../segments/service";
import { CSV_BOM, csvRow } from "./csv";
import { sortKeyOf, type CustomerListRepo, type Keyset, type ListRow, type Search } from "./list-repo";
import { ftsPrefixQuery, tsPrefixQuery } from "./search-key";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The list's filters (everything but the search, sort and page). */
type Filters = Omit<CustomerListQuery, "q" | "sort" | "after" | "limit">;

// The cursor is opaque to the console: base64url JSON of the sort it belongs to, the last row's key and rowid.
const Cursor = z.object({ s: CustomerSort, k: z.union([z.string(), z.number(), z.null()]), r: z.number().int() }).strict();
const encodeCursor = (sort: CustomerSort, k: Keyset) => Buffer.from(JSON.stringify({ s: sort, k: k.k, r: k.r })).toString("base64url");
function decodeCursor(after: string, sort: CustomerSort): Keyset {
  let parsed: z.infer<typeof Cursor> | undefined;
  try {
    parsed = Cursor.parse(JSON.parse(Buffer.from(after, "base64url").toString("utf8")));
  } catch {
    parsed = undefined;
  }
  if (!parsed) throw new AppError(ErrorCode.VALIDATION_FAILED, "This page cursor is not valid: start again from the first page");
  if (parsed.s !== sort) throw new AppError(ErrorCode.VALIDATION_FAILED, "This page cursor belongs to another sort: start again from the first page");
  if ((sort === "name" && typeof parsed.k !== "string") || ((sort === "points" || sort === "lastInteraction") && typeof parsed.k !== "number"))
    throw new AppError(ErrorCode.VALIDATION_FAILED, "This page cursor is not valid: start again from the first page");
  return { k: parsed.k, r: parsed.r };
}

/**
 * What `q` searches: the name (word prefixes, marks or not), the phone's last digits (3 or more; a whole
 * local number 0912… is read as its 84… form), the member code (as typed on the card, MC-XXXX-XXXX or not)
 * and either Zalo id, exactly.
 */
export function searchOf(q: string | undefined): Search | null {
  const s = q?.trim();
  if (!s) return null;
  const digits = s.replace(/[\s.+\-()]/g, "");
  let phoneRev: string | null = null;
  if (/^\d{3,}$/.test(digits)) {
    const tail = digits.length >= 9 && digits.startsWith("0") ? digits.slice(1) : digits;
    phoneRev = [...tail].reverse().join("");
  }
  return { fts: ftsPrefixQuery(s), tsquery: tsPrefixQuery(s), phoneRev, exact: { memberCode: normalizeMemberCode(s), zaloId: s } };
}

/** The list's filters as segment rules, so "visited Quận 1" or "no order for 30 days" means what a segment means. */
export function filterRules(f: Filters, savedSegment: (id: string) => SegmentGroup): SegmentGroup {
  const all: SegmentNode[] = [];
  const days = (name: string, min: number | undefined, max: number | undefined) => {
    if (min !== undefined && max !== undefined && min > max)
      throw new AppError(ErrorCode.VALIDATION_FAILED, `${name}DaysMin cannot be more than ${name}DaysMax`, { min, max });
    return min === undefined && max === undefined ? null : { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  };
  if (f.tier) all.push({ kind: "tier", tiers: [f.tier] });
  if (f.follower) all.push({ kind: "follower", follows: f.follower === "yes" });
  if (f.storeId) all.push({ kind: "visitedStore", storeIds: [f.storeId] });
  if (f.tag) all.push({ kind: "tags", tags: [f.tag.trim().toLowerCase()], match: "any" });
  const order = days("order", f.orderDaysMin, f.orderDaysMax);
  if (order) all.push({ kind: "lastOrder", ...order });
  const visit = days("visit", f.visitDaysMin, f.visitDaysMax);
  if (visit) all.push({ kind: "lastVisit", ...visit });
  if (f.segmentId) all.push(savedSegment(f.segmentId));
  return { all };
}

/** The CSV's columns (Vietnamese headers: the file is for the shop). */
const CSV_HEADER = ["Mã thành viên", "Họ tên", "Số điện thoại", "Hạng", "Điểm", "Quan tâm OA", "Thẻ", "Ngày tạo"];
const EXPORT_PAGE = 1000;

/**
 * The console's customer list, its count, its CSV export and the tag list. Reads only (but the export's
 * audit row): the search and every sort are keyset pages over an index, so page 400 costs what page 1 does.
 */
export function createCustomerList(deps: {
  store: Store;
  repo: CustomerListRepo;
  segments: Pick<SegmentService, "compile" | "snapshot">;
  loyaltyRepo: Pick<LoyaltyRepo, "currentRules">;
  now: () => number;
  /** The shop's time zone: the export's dates are local. */
  timeZone: string;
  /** How counts are sliced (default: sized to a few ms per slice). */
  slices?: SliceOptions;
  /** Rows per export page (tests make it small). */
  exportPage?: number;
  /** How a page's candidates are taken, window by window (default: sized to a few ms per window). */
  windows?: SliceOptions;
}) {
  const { repo, now } = deps;

  /** The filters as one SQL condition, now; throws before anything is read or written for a bad one. */
  async function plan(f: Filters & { q?: string }) {
    const saved = f.segmentId === undefined ? undefined : (await deps.segments.snapshot(f.segmentId)).rules;
    const where: SqlWhere = await deps.segments.compile(filterRules(f, () => saved!));
    const rules = (await deps.loyaltyRepo.currentRules()).rules;
    return { where, search: searchOf(f.q), rules, earnedSince: now() - rules.tierWindowDays * DAY };
  }
  type Plan = Awaited<ReturnType<typeof plan>>;

  const tierOf = (rules: LoyaltyRules, r: ListRow) => tierFor(rules, r.earned).tier;

  async function items(rows: ListRow[], rules: LoyaltyRules): Promise<CustomerListItem[]> {
    const tags = await repo.tagsOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      avatar: r.avatar,
      memberCode: formatMemberCode(r.memberCode),
      phoneMasked: r.phone ? maskPhone(r.phone) : null,
      followsOa: r.followsOa === 1,
      role: r.role,
      tier: tierOf(rules, r).key,
      pointsBalance: r.pointsBalance,
      tags: tags.get(r.id) ?? [],
      lastInteractionAt: r.lastInteractionAt === null ? null : iso(r.lastInteractionAt),
      createdAt: iso(r.createdAt),
    }));
  }

  /**
   * Up to `limit` rows that match, in the order `next(n)` hands out candidates (the sort's index or the name
   * index, `n` at a time, filter not applied). Each window's candidates are tested in one statement and the
   * event loop is served between windows: a filter that few people pass (a rare tag, a new store) may
   * walk the whole table, and must not hold every other request meanwhile. Windows grow from twice the
   * page while they stay cheap, so a common filter is one window.
   */
  async function collect(next: (n: number) => Awaitable<number[]>, p: Plan, limit: number): Promise<ListRow[]> {
    const out: ListRow[] = [];
    // One window: its candidates, then the ones among them that match (a step each, synchronous on SQLite).
    const window = (n: number) =>
      deps.store.read(function* () {
        const candidates = yield* step(next(n));
        const found = new Map((yield* step(repo.rowsAmong(candidates, p.where, p.earnedSince))).map((r) => [r.rowid, r]));
        for (const rowid of candidates) {
          const row = found.get(rowid);
          if (row && out.push(row) === limit) return { done: true };
        }
        return { done: candidates.length < n };
      });
    await runInSlices((n) => window(n), { firstRows: Math.max(2 * limit, 50), minRows: Math.min(limit, 50), maxRows: 5000, ...deps.windows });
    return out;
  }

  /** Rows after `after` in the page's order: a search is always newest first (its indexes' order). */
  async function rowsAfter(p: Plan, sort: CustomerSort, after: Keyset | undefined, limit: number): Promise<ListRow[]> {
    const search = p.search;
    if (!search) {
      let at = after;
      return collect(
        (n) =>
          deps.store.read(function* () {
            const places = yield* step(repo.places(sort, at, n));
            at = places.at(-1) ?? at;
            return places.map((x) => x.r);
          }),
        p,
        limit,
      );
    }
    let before = after?.r;
    const names = search.fts
      ? await collect(
          (n) =>
            deps.store.read(function* () {
              const rowids = yield* step(repo.nameMatches(search, before, n));
              before = rowids.at(-1) ?? before;
              return rowids;
            }),
          p,
          limit,
        )
      : [];
    const few = await repo.fewMatches({ search, where: p.where, before: after?.r, limit, earnedSince: p.earnedSince });
    if (few.length === 0) return names;
    const seen = new Set<number>();
    return [...names, ...few]
      .sort((a, b) => b.rowid - a.rowid)
      .filter((r) => !seen.has(r.rowid) && seen.add(r.rowid))
      .slice(0, limit);
  }

  async function list(q: CustomerListQuery): Promise<CustomerListPage> {
    const p = await plan(q);
    const sort: CustomerSort = p.search ? "newest" : q.sort;
    const after = q.after === undefined ? undefined : decodeCursor(q.after, sort);
    const rows = await rowsAfter(p, sort, after, q.limit + 1);
    const more = rows.length > q.limit;
    const shown = rows.slice(0, q.limit);
    const last = shown.at(-1);
    return {
      items: await items(shown, p.rules),
      next: more && last ? encodeCursor(sort, { k: sortKeyOf(sort, last), r: last.rowid }) : null,
      sort,
    };
  }

  async function count(q: Filters & { q?: string }) {
    const p = await plan(q);
    return { count: await repo.count({ where: p.where, search: p.search, slices: deps.slices }) };
  }

  const local = (ms: number) => {
    const d = new Date(ms + tzOffsetMinutes(deps.timeZone, ms) * 60_000).toISOString();
    return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
  };

  /**
   * The current filter as CSV, newest first, in keyset pages with the event loop served between them, so
   * neither the whole set in memory nor one long statement. Checked (filters) and audited before the first
   * byte: a bad filter is still a plain 4xx, and a file of full phone numbers leaves a trace even if the
   * download is cut short.
   */
  async function exportCsv(actor: Principal, q: CustomerExportQuery): Promise<{ filename: string; rows: AsyncGenerator<string> }> {
    const fullPhones = q.fullPhones === "1";
    // Full numbers are the owner's call (a Zalo admin is one); a marketer's file masks them.
    if (fullPhones && actor.kind === "operator" && actor.console !== "owner")
      throw new AppError(ErrorCode.FORBIDDEN, "Only an owner may export full phone numbers");
    const p = await plan(q);
    const { fullPhones: _, ...filters } = q;
    const { store } = deps;
    await store.tx(function* () {
      yield* step(audit(store, { actor: actorOf(actor), action: "customer.export", details: { filters, fullPhones }, at: now() }));
    });
    const size = deps.exportPage ?? EXPORT_PAGE;
    const line = (r: ListRow, tags: string[]) =>
      csvRow([
        formatMemberCode(r.memberCode),
        r.name,
        r.phone === null ? "" : fullPhones ? r.phone : maskPhone(r.phone),
        tierOf(p.rules, r).name,
        r.pointsBalance,
        r.followsOa === 1 ? "Có" : "Không",
        tags.join(", "),
        local(r.createdAt),
      ]);
    const rows = (async function* () {
      yield CSV_BOM + csvRow(CSV_HEADER);
      let after: Keyset | undefined;
      for (;;) {
        await yieldToEventLoop();
        const rows = await rowsAfter(p, "newest", after, size);
        if (rows.length === 0) return;
        const tags = await repo.tagsOf(rows.map((r) => r.id));
        yield rows.map((r) => line(r, tags.get(r.id) ?? [])).join("");
        if (rows.length < size) return;
        after = { k: null, r: rows.at(-1)!.rowid };
      }
    })();
    return { filename: `khach-hang-${local(now()).slice(0, 10)}.csv`, rows };
  }

  return { list, count, exportCsv, tags: async () => ({ tags: await repo.tagCounts() }) };
}

export type CustomerList = ReturnType<typeof createCustomerList>;
