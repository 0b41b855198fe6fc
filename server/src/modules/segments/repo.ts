import {
  childrenOf,
  ErrorCode,
  isGroup,
  localMonth,
  type LoyaltyRules,
  type SegmentGroup,
  type SegmentNode,
  type SegmentPolicy,
  type SegmentRule,
} from "@mc/shared";
import { runInSlices, yieldToEventLoop, type SliceOptions } from "../../db/chunked";
import { rowReader } from "../../db/rows";
import { segments } from "../../db/schema";
import { q, type Awaitable, type Dialect, type Statement, type Store, type SyncView, mapStep } from "../../db/store";
import { AppError } from "../../errors";
import { earnedInWindowSql } from "../loyalty/repo";

const DAY = 86_400_000;

/** A condition over `customers c` and the values its `?` placeholders take, in order. */
export type SqlWhere = { where: string; params: unknown[] };

/**
 * A statement naming people (customer ids, or customers' rowids) among whom every match of one top-level
 * rule lies: a range of an index keyed by store, time, tag or balance, so it reads only its own rows.
 */
export type CandidateSql =
  | { sql: string; params: unknown[] }
  /**
   * Rows of an index whose columns after `where`'s equalities are `at` then the customer, read in ranges
   * of `at` (from `since`, or the first row) sized to the slice budget: a store's month of visits can be
   * hundreds of thousands of rows.
   */
  | { select: string; from: string; where: string; params: unknown[]; at: string; since?: number; strictlyAfter?: boolean };
/**
 * A way to count without scanning every customer: the union of `sources` holds everyone the rule matches,
 * and `residual` is the whole condition with that rule taken as true (it holds for exactly the union) or
 * the whole condition again (the union is only a superset).
 */
export type Driver = {
  rule: SegmentRule["kind"];
  key: "id" | "rowid";
  sources: CandidateSql[];
  residual: SqlWhere;
  /**
   * Other top-level rules that hold for exactly the people NOT in the union of their sources ("no order in
   * the last 14 days"): a count may drop those people from the candidates and then test `excludedResidual`
   * (the residual with these rules taken as true too). Only for a driver keyed by id.
   */
  exclusions: CandidateSql[][];
  excludedResidual: SqlWhere;
};
/** A compiled segment: the condition, and the drivers a count may start from instead of a full scan. */
export type CompiledSegment = SqlWhere & { drivers: Driver[] };

/** `dialect`: whose SQL to write (default SQLite); the compiled condition runs on that database only. */
export type CompileContext = { now: number; timeZone: string; policy: SegmentPolicy; loyalty: LoyaltyRules; dialect?: Dialect };

/**
 * The SQL that differs between the dialects: a JSON list bound as one parameter, truth literals (PostgreSQL's
 * conditions are booleans, not 0/1), the birthday month (customers_birth_month_idx's expression on each).
 */
function dialectOf(ctx: { dialect?: Dialect }) {
  const pg = ctx.dialect === "postgres";
  return {
    pg,
    TRUE: pg ? "true" : "1",
    FALSE: pg ? "false" : "0",
    /** A subquery of the values of the JSON array at `param` (a placeholder); ints for an integer column. */
    values: (param: string, type: "text" | "int" = "text") =>
      pg ? `(select jsonb_array_elements_text(${param}::jsonb)${type === "int" ? "::int" : ""})` : `(select value from json_each(${param}))`,
    birthMonth: pg ? "cast(substr(right(c.birth_date, 5), 1, 2) as integer)" : "cast(substr(c.birth_date, -5, 2) as integer)",
  };
}

/**
 * What counts as a visit (shared/src/segments.ts says it in words): each source is one table, its time and
 * store columns and the rows that count, filtered by customer through that table's customer index.
 */
const VISIT_SOURCES = [
  // Index-only probes first (an OR of EXISTS stops at the first source that has one); the ledger's customer
  // index lacks kind and store, so its probe reads rows.
  { from: "orders x", at: "x.completed_at", store: "x.store_id", when: "x.status = 'completed'" },
  { from: "vouchers x", at: "x.redeemed_at", store: "x.redeemed_store_id", when: "x.status = 'redeemed' and x.redeemed_store_id is not null" },
  { from: "game_draws x", at: "x.created_at", store: "x.store_id", when: null },
  { from: "points_ledger x", at: "x.created_at", store: "x.store_id", when: "x.kind = 'earn' and x.store_id is not null" },
] as const;

const COMPLETED_ORDERS = "from orders o where o.customer_id = c.id and o.status = 'completed'";

/**
 * Compiles a rule tree to ONE parameterised SQL condition over `customers c`: every rule is a column test
 * or a correlated subquery on an indexed customer key, so the database evaluates the whole audience in one
 * statement (and a caller can add `c.rowid > ? and c.rowid <= ?` to take it in slices). Each rule yields
 * 0 or 1, never NULL, so `none` (NOT) reads as the in-memory evaluator does. Erased people never match.
 */
export function compileSegment(rules: SegmentGroup, ctx: CompileContext): CompiledSegment {
  const whole = compileWhere(rules, ctx);
  const drivers: Driver[] = [];
  const all = conjuncts(rules);
  for (const r of all) {
    const d = candidatesOf(r, ctx);
    if (!d) continue;
    const excluded = d.key === "id" ? all.filter((x) => x !== r).flatMap((x) => (exclusionOf(x, ctx) ? [{ rule: x, sources: exclusionOf(x, ctx)! }] : [])) : [];
    const assumed = [...(d.exact ? [r] : []), ...excluded.map((x) => x.rule)];
    drivers.push({
      rule: r.kind,
      key: d.key,
      sources: d.sources,
      residual: d.exact ? compileWhere(rules, ctx, [r]) : whole,
      exclusions: excluded.map((x) => x.sources),
      excludedResidual: excluded.length ? compileWhere(rules, ctx, assumed) : d.exact ? compileWhere(rules, ctx, [r]) : whole,
    });
  }
  return { ...whole, drivers };
}

/**
 * The people a rule excludes, when it holds for exactly everyone else: "last order at least min days ago
 * (or never)" is "no completed order after then", i.e. not among the customers of the completed orders
 * since then, read store by store (every order has a store: orders.store_id is a NOT NULL foreign key).
 */
function exclusionOf(r: SegmentRule, ctx: CompileContext): CandidateSql[] | null {
  if (r.kind !== "lastOrder" || r.min === undefined || r.max !== undefined) return null;
  return [ordersSince(ctx.now - r.min * DAY, true)];
}

/** The customers of the completed orders since a time, every store's range of orders_completed_store_idx. */
const ordersSince = (since: number, strictlyAfter = false): CandidateSql => ({
  select: "x.customer_id",
  from: "orders x",
  where: "x.status = 'completed' and x.store_id in (select id from stores)",
  params: [],
  at: "x.completed_at",
  since,
  strictlyAfter,
});

/**
 * How costly a node is to test per customer, so `all` and `any` test the cheap ones first (SQLite
 * evaluates AND / OR left to right and stops at the first that decides): 0 a column of the customer row,
 * 1 its JSON, 2 a seek or two, 3 one seek in each visit source. Reordering is safe: every rule is 0 or 1.
 */
function costOf(n: SegmentNode): number {
  if (isGroup(n)) return Math.max(0, ...childrenOf(n).map(costOf));
  switch (n.kind) {
    case "points":
    case "follower":
    case "unfollowed":
    case "hasPhone":
    case "csWindowOpen":
    case "birthdayMonth":
      return 0;
    case "promotionsAllowed":
      return 1;
    case "tags":
    case "tier":
    case "lastOrder":
    case "orderCount":
    case "spend":
    case "playedGame":
      return 2;
    case "lastVisit":
    case "visitedStore":
      return 3;
  }
}
const cheapFirst = (ns: readonly SegmentNode[]) =>
  ns
    .map((n, i) => ({ n, i, c: costOf(n) }))
    .sort((a, b) => a.c - b.c || a.i - b.i)
    .map((x) => x.n);

/** The rules every match must pass: the top-level `all`, through nested `all`s and one-child `any`s. */
function conjuncts(n: SegmentNode): SegmentRule[] {
  if (!isGroup(n)) return [n];
  if ("all" in n) return n.all.flatMap(conjuncts);
  if ("any" in n && n.any.length === 1) return conjuncts(n.any[0]!);
  return [];
}

/** The condition alone; the rules of the tree in `assumeTrue` (by identity) compile to 1. */
function compileWhere(rules: SegmentGroup, ctx: CompileContext, assumeTrue: readonly SegmentRule[] = []): SqlWhere {
  const params: unknown[] = [];
  const d = dialectOf(ctx);
  const bind = (v: unknown) => (params.push(v), "?");
  const list = (xs: readonly unknown[], type: "text" | "int" = "text") => d.values(bind(JSON.stringify([...new Set(xs)])), type);
  const since = (days: number) => ctx.now - days * DAY;
  // `expr` may carry its own placeholder (a subquery's window), so it appears once in what these return.
  const range = (expr: string, r: { min?: number; max?: number }) =>
    r.min !== undefined && r.max !== undefined
      ? `${expr} between ${bind(r.min)} and ${bind(r.max)}`
      : r.min !== undefined
        ? `${expr} >= ${bind(r.min)}`
        : `${expr} <= ${bind(r.max)}`;
  const visitExists = (cond: (s: (typeof VISIT_SOURCES)[number]) => string) =>
    `(${VISIT_SOURCES.map((s) => `exists (select 1 from ${s.from} where x.customer_id = c.id${s.when ? ` and ${s.when}` : ""} and ${cond(s)})`).join(" or ")})`;
  /** daysAgo over "is there one at or after / strictly after a time" (shared daysAgo: never counts as long ago). */
  const lastWithin = (exists: (after: number, strict: boolean) => string, r: { min?: number; max?: number }) =>
    [r.max === undefined ? null : exists(since(r.max), false), r.min === undefined ? null : `not ${exists(since(r.min), true)}`].filter(Boolean).join(" and ");

  function rule(r: SegmentRule): string {
    switch (r.kind) {
      case "tier": {
        // Tier i is [threshold_i, threshold_i+1) of points earned in the rolling window (loyalty's tierFor);
        // neighbouring tiers chosen together are one range. Earned in the window is at most the running
        // total (a column), so `total >= lo` first spares the ledger seek for everyone below the range.
        const tiers = ctx.loyalty.tiers;
        const chosen = new Set(
          r.tiers.map((key) => {
            const i = tiers.findIndex((t) => t.key === key);
            if (i < 0) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown tier ${key}`, { tier: key });
            return i;
          }),
        );
        // The first tier is everything below the second (tierFor), so it has no lower bound.
        const ranges: { lo?: number; hi?: number }[] = [];
        tiers.forEach((t, i) => {
          if (!chosen.has(i)) return;
          const hi = tiers[i + 1]?.threshold;
          const last = ranges[ranges.length - 1];
          if (last && chosen.has(i - 1)) last.hi = hi;
          else ranges.push({ lo: i === 0 ? undefined : t.threshold, hi });
        });
        const earned = () => earnedInWindowSql("c").replace("?", bind(since(ctx.loyalty.tierWindowDays)));
        return ranges
          .map(({ lo, hi }) => {
            const parts = [];
            if (lo !== undefined) parts.push(`c.points_earned_total >= ${bind(lo)}`, `${earned()} >= ${bind(lo)}`);
            if (hi !== undefined) parts.push(`${earned()} < ${bind(hi)}`);
            return parts.length ? `(${parts.join(" and ")})` : d.TRUE;
          })
          .join(" or ");
      }
      case "points":
        return range("c.points_balance", r);
      // "Last at most max days ago" is "one since then", and "last at least min days ago (or never)" is "none
      // after then": each an EXISTS that stops at the first row (and, over the visit sources, at the first
      // source that has one) rather than the latest of every source.
      case "lastOrder":
        return lastWithin((after, strict) => `exists (select 1 ${COMPLETED_ORDERS} and o.completed_at ${strict ? ">" : ">="} ${bind(after)})`, r);
      case "lastVisit":
        return lastWithin((after, strict) => visitExists((s) => `${s.at} ${strict ? ">" : ">="} ${bind(after)}`), r);
      case "orderCount":
        return range(`(select count(*) ${COMPLETED_ORDERS} and o.completed_at >= ${bind(since(r.days))})`, r);
      case "spend":
        return range(`(select coalesce(sum(o.total_vnd), 0) ${COMPLETED_ORDERS} and o.completed_at >= ${bind(since(r.days))})`, r);
      case "visitedStore":
        return visitExists((s) => `${s.store} in ${list(r.storeIds)}${r.days !== undefined ? ` and ${s.at} >= ${bind(since(r.days))}` : ""}`);
      case "playedGame":
        return `exists (select 1 from game_draws d where d.customer_id = c.id${r.campaignIds?.length ? ` and d.campaign_id in ${list(r.campaignIds)}` : ""}${r.days !== undefined ? ` and d.created_at >= ${bind(since(r.days))}` : ""})`;
      case "follower":
        return `c.follows_oa = ${bind(r.follows ? 1 : 0)}`;
      case "unfollowed":
        return `c.unfollowed_at >= ${bind(since(r.days))}`;
      case "tags":
        return r.match === "all"
          ? `(select count(*) from customer_tags t where t.customer_id = c.id and t.tag in ${list(r.tags)}) = ${bind(new Set(r.tags).size)}`
          : `exists (select 1 from customer_tags t where t.customer_id = c.id and t.tag in ${list(r.tags)})`;
      case "birthdayMonth": {
        const months = [...(r.months ?? []), ...(r.thisMonth ? [localMonth(ctx.now, ctx.timeZone)] : [])];
        // Both BirthDate forms end in MM-DD.
        return `${d.birthMonth} in ${list(months, "int")}`;
      }
      case "csWindowOpen": {
        // The send policy's CS test (shared csWindowOpen / decide): follower id, interaction within the window.
        const windowMs = r.freeOnly ? ctx.policy.zalo.csFreeHours * 3_600_000 : ctx.policy.zalo.csWindowDays * DAY;
        return `c.zalo_oa_id is not null and c.last_interaction_at is not null and ${bind(ctx.now)} - c.last_interaction_at <= ${bind(windowMs)}`;
      }
      case "hasPhone":
        return "c.phone is not null";
      case "promotionsAllowed": {
        // shared promotionBlock, layer by layer. pausedUntil is an ISO time with an offset (CustomerPrefs):
        // SQLite and PostgreSQL (timestamptz) read every form that schema accepts to the same millisecond as Date.parse.
        const muted = "(c.prefs::jsonb -> 'mutedCategories')";
        const parts = d.pg
          ? [
              `not (c.unfollowed_at is not null and c.follows_oa = ${bind(0)})`,
              // jsonb_array_elements_text refuses a scalar: a missing or null list mutes nothing, as json_each reads it.
              `not exists (select 1 from jsonb_array_elements_text(case when jsonb_typeof(${muted}) = 'array' then ${muted} else '[]'::jsonb end) m(value) where m.value = 'promotion')`,
              `coalesce(round(extract(epoch from (c.prefs::jsonb ->> 'pausedUntil')::timestamptz) * 1000) <= ${bind(ctx.now)}, true)`,
              "coalesce((c.prefs::jsonb ->> 'offersPerWeek')::numeric <> 0, true)",
            ]
          : [
              `not (c.unfollowed_at is not null and c.follows_oa = ${bind(0)})`,
              "not exists (select 1 from json_each(c.prefs, '$.mutedCategories') m where m.value = 'promotion')",
              `coalesce(cast(round(unixepoch(json_extract(c.prefs, '$.pausedUntil'), 'subsec') * 1000) as integer) <= ${bind(ctx.now)}, 1)`,
              "coalesce(json_extract(c.prefs, '$.offersPerWeek') != 0, 1)",
            ];
        if (ctx.policy.fatigue.maxPromotions === 0) parts.push(`coalesce(c.fatigue_until, 0) <= ${bind(ctx.now)}`);
        return parts.join(" and ");
      }
    }
  }

  function node(n: SegmentNode): string {
    if (!isGroup(n)) return assumeTrue.includes(n) ? d.TRUE : `coalesce((${rule(n)}), ${d.FALSE})`;
    if ("all" in n) return n.all.length ? `(${cheapFirst(n.all).map(node).join(" and ")})` : d.TRUE;
    if ("any" in n) return n.any.length ? `(${cheapFirst(n.any).map(node).join(" or ")})` : d.FALSE;
    return n.none.length ? `not (${cheapFirst(n.none).map(node).join(" or ")})` : d.TRUE;
  }

  const where = `c.erased_at is null and ${node(rules)}`;
  return { where, params };
}

/**
 * The people a rule can only match, when an index range names them: a tag, a balance range, the visits
 * at a store (each visit source has a store-keyed index), the plays of a game or since a time, a birthday
 * month, the running total of earned points under a tier, the orders of a window. `exact`:
 * the rule holds for exactly these people. Rules of the customer row alone (a scan tests them for almost
 * nothing) and windows over every store have none.
 */
function candidatesOf(r: SegmentRule, ctx: CompileContext): { key: "id" | "rowid"; exact: boolean; sources: CandidateSql[] } | null {
  const since = (days: number) => ctx.now - days * DAY;
  const json = (xs: readonly unknown[]) => JSON.stringify([...new Set(xs)]);
  const d = dialectOf(ctx);
  switch (r.kind) {
    case "tags":
      return {
        key: "id",
        exact: r.match === "any" || new Set(r.tags).size === 1,
        sources: [{ sql: `select t.customer_id from customer_tags t where t.tag in ${d.values("?")}`, params: [json(r.tags)] }],
      };
    case "points": {
      const sql =
        r.min !== undefined && r.max !== undefined
          ? "c.points_balance between ? and ?"
          : r.min !== undefined
            ? "c.points_balance >= ?"
            : "c.points_balance <= ?";
      return {
        key: "rowid",
        exact: true,
        sources: [{ sql: `select c.rowid from customers c where ${sql}`, params: [r.min, r.max].filter((v) => v !== undefined) }],
      };
    }
    case "visitedStore": {
      // The same four sources as VISIT_SOURCES, each through its store-keyed index (one range per store).
      const after = r.days === undefined ? undefined : since(r.days);
      const stores = [...new Set(r.storeIds)];
      const sources: CandidateSql[] = stores.flatMap((store) => [
        { select: "x.customer_id", from: "orders x", where: "x.status = 'completed' and x.store_id = ?", params: [store], at: "x.completed_at", since: after },
        {
          select: "x.customer_id",
          from: "points_ledger x",
          where: "x.kind = 'earn' and x.store_id is not null and x.store_id = ?",
          params: [store],
          at: "x.created_at",
          since: after,
        },
        {
          select: "x.customer_id",
          from: "vouchers x",
          where: "x.status = 'redeemed' and x.redeemed_store_id is not null and x.redeemed_store_id = ?",
          params: [store],
          at: "x.redeemed_at",
          since: after,
        },
      ]);
      // Plays: the time-keyed index (created_at, store_id, customer_id), every store's plays in each range.
      sources.push({
        select: "x.customer_id",
        from: "game_draws x",
        where: `x.store_id in ${d.values("?")}`,
        params: [json(stores)],
        at: "x.created_at",
        since: after,
      });
      return { key: "id", exact: true, sources };
    }
    case "playedGame": {
      const after = r.days === undefined ? undefined : since(r.days);
      // By campaign (campaign_id, created_at), or every play by time (created_at, store_id, customer_id).
      const sources: CandidateSql[] = r.campaignIds?.length
        ? [...new Set(r.campaignIds)].map((g) => ({
            select: "d.customer_id",
            from: "game_draws d",
            where: "d.campaign_id = ?",
            params: [g],
            at: "d.created_at",
            since: after,
          }))
        : [{ select: "d.customer_id", from: "game_draws d", where: d.TRUE, params: [], at: "d.created_at", since: after }];
      return { key: "id", exact: true, sources };
    }
    // Orders in a window, when the rule needs at least one: the window's orderers (every order has a store).
    case "orderCount":
    case "spend":
      if ((r.min ?? 0) <= 0) return null;
      return { key: "id", exact: false, sources: [ordersSince(since(r.days))] };
    case "lastOrder":
      if (r.max === undefined) return null;
      return { key: "id", exact: r.min === undefined, sources: [ordersSince(since(r.max))] };
    case "tier": {
      // Earned in the window is at most the running total: the lowest chosen threshold bounds it from below.
      const i = Math.min(...r.tiers.map((key) => ctx.loyalty.tiers.findIndex((t) => t.key === key)));
      if (i <= 0) return null;
      return {
        key: "rowid",
        exact: false,
        sources: [{ sql: "select c.rowid from customers c where c.points_earned_total >= ?", params: [ctx.loyalty.tiers[i]!.threshold] }],
      };
    }
    case "birthdayMonth": {
      const months = [...(r.months ?? []), ...(r.thisMonth ? [localMonth(ctx.now, ctx.timeZone)] : [])];
      // The rule's own expression, which customers_birth_month_idx indexes.
      return {
        key: "rowid",
        exact: true,
        sources: [
          {
            sql: `select c.rowid from customers c where ${d.birthMonth} in ${d.values("?", "int")}`,
            params: [json(months)],
          },
        ],
      };
    }
    default:
      return null;
  }
}

/** Rows one candidate statement may return before its driver is given up for a scan (a few ms of index). */
const SOURCE_CAP = 100_000;
/** Distinct candidates past which a scan of every customer costs about the same. */
const CANDIDATE_CAP = 150_000;
/** People an exclusion may name before it is cheaper to test its rule on each candidate. */
const EXCLUSION_CAP = 400_000;
/** Candidates few enough that no other driver is worth trying. */
const FEW = 5_000;
/** Which drivers to try first: the ones most often small. */
const DRIVER_ORDER: SegmentRule["kind"][] = ["tags", "visitedStore", "playedGame", "tier", "birthdayMonth", "points", "orderCount", "spend", "lastOrder"];

export type SegmentRow = typeof segments.$inferSelect;
export type SampleRow = { id: string; name: string; memberCode: string; earned: number };

export function createSegmentRepo(store: Store) {
  const pg = store.dialect === "postgres";
  const segmentRow = rowReader(segments);
  const byIdStmt = store.prepare(`${segmentRow.selectAll} where id = ? and deleted_at is null`, "array");
  const listStmt = store.prepare(`${segmentRow.selectAll} where deleted_at is null order by updated_at desc, id`, "array");
  const versionsStmt = store.prepare<{ version: number; name: string; rules: string; changedBy: string; createdAt: number }>(
    `select version, name, rules, changed_by as "changedBy", created_at as "createdAt" from segment_versions where segment_id = ? order by version desc`,
  );
  const insertSegment = store.prepare(
    `insert into segments (id, name, description, version, rules, created_by, created_at, updated_by, updated_at, deleted_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertVersion = store.prepare("insert into segment_versions (segment_id, version, name, rules, changed_by, created_at) values (?, ?, ?, ?, ?, ?)");
  const updateStmt = store.prepare(
    "update segments set name = ?, description = ?, rules = ?, version = ?, updated_by = ?, updated_at = ? where id = ? and version = ? and deleted_at is null",
  );
  const removeStmt = store.prepare("update segments set deleted_at = ? where id = ? and deleted_at is null");
  const rowidEnd = store.prepare<number>("select coalesce(max(rowid), 0) from customers", "pluck");
  // A chunk of keys bound as one JSON array, joined to the customers they name.
  const idsToRowids = store.prepare<number>(
    pg
      ? "select c.rowid from jsonb_array_elements_text(?::jsonb) j(value) join customers c on c.id = j.value"
      : "select c.rowid from json_each(?) j cross join customers c on c.id = j.value",
    "pluck",
  );
  const rowidsIn = pg ? "(select jsonb_array_elements_text(?::jsonb)::bigint)" : "(select value from json_each(?))";
  const sampleSql = `select c.id, c.name, c.member_code as "memberCode", ${earnedInWindowSql("c")} as earned from customers c`;
  const sampleByRowids = store.prepare<SampleRow>(`${sampleSql} where c.rowid in ${rowidsIn} order by c.rowid`);

  /** Ids of everyone matching, in one statement (tests and small audiences; counts go through `countAndSample`). */
  const ids = (w: SqlWhere) => store.prepare<string>(`select c.id from customers c where ${w.where} order by c.id`, "pluck").all(...w.params);

  /** Whether one person matches (an automation's condition when its message is due): one probe by primary key. */
  const memberStmts = new Map<string, Statement<unknown>>();
  const isMember = (w: SqlWhere, customerId: string): Awaitable<boolean> => {
    let stmt = memberStmts.get(w.where);
    if (!stmt) {
      if (memberStmts.size > 100) memberStmts.clear();
      stmt = store.prepare(`select 1 from customers c where c.id = ? and (${w.where})`, "pluck");
      memberStmts.set(w.where, stmt);
    }
    return mapStep(stmt.get(customerId, ...w.params), (v) => v !== undefined);
  };

  /**
   * A time-ranged source into `keys`, one range of `at` per slice (the span sized to the budget from the
   * last one's cost); false as soon as `stop` says the set has grown too big to be worth it.
   */
  async function readByTime(
    src: Extract<CandidateSql, { at: string }>,
    keys: Set<string | number>,
    stop: () => boolean,
    pause: () => Promise<void>,
  ): Promise<boolean> {
    // Two statements: SQLite seeks to one end for a lone min() or max(), and reads the whole range for both.
    // The first range starts at the first row itself, so only these two say "after" or "from".
    const sinceSql = src.since === undefined ? "" : ` and ${src.at} ${src.strictlyAfter ? ">" : ">="} ?`;
    const end = (agg: "min" | "max") =>
      store
        .prepare<number | null>(`select ${agg}(${src.at}) from ${src.from} where ${src.where}${sinceSql}`, "pluck")
        .get(...src.params, ...(src.since === undefined ? [] : [src.since]));
    const first = (await end("min")) ?? null;
    const last = (await end("max")) ?? null;
    await pause();
    if (first === null || last === null) return true;
    const range = store.prepare<string | number>(`select ${src.select} from ${src.from} where ${src.where} and ${src.at} >= ? and ${src.at} < ?`, "pluck");
    let from = first;
    let stopped = false;
    await runInSlices(
      (span) => {
        const to = Math.min(from + span, last + 1);
        return mapStep(range.all(...src.params, from, to), (rows) => {
          for (const k of rows) keys.add(k);
          from = to;
          stopped = stop();
          return { done: stopped || from > last };
        });
      },
      { firstRows: 3_600_000, minRows: 1, maxRows: Number.MAX_SAFE_INTEGER, pause },
    );
    return !stopped;
  }

  /**
   * The smallest set of candidates any driver names (null: none is small enough, scan everyone). Each
   * source is one bounded statement, with the event loop served between them.
   */
  async function pickDriver(drivers: readonly Driver[], pause: () => Promise<void>) {
    let best: { d: Driver; keys: (string | number)[] } | null = null;
    const ordered = [...drivers].sort((a, b) => DRIVER_ORDER.indexOf(a.rule) - DRIVER_ORDER.indexOf(b.rule));
    for (const d of ordered) {
      const keys = new Set<string | number>();
      let fits = true;
      const tooMany = () => keys.size > CANDIDATE_CAP || (best !== null && keys.size >= best.keys.length);
      for (const src of d.sources) {
        if ("sql" in src) {
          const rows = await store.prepare<string | number>(`${src.sql} limit ${SOURCE_CAP + 1}`, "pluck").all(...src.params);
          await pause();
          if (rows.length > SOURCE_CAP) fits = false;
          else for (const k of rows) keys.add(k);
        } else fits = await readByTime(src, keys, tooMany, pause);
        if (!fits || tooMany()) {
          fits = false;
          break;
        }
      }
      if (fits) best = { d, keys: [...keys] };
      if (best && best.keys.length <= FEW) break;
    }
    return best;
  }

  /**
   * How many match, and the first `sample` of them (in rowid order). When a top-level rule's index names
   * few enough candidates (a driver), only they are tested, in slices; else every customer is, in slices
   * of the customers' rowid range. Either way the event loop is served between slices: the condition is
   * a handful of index probes per customer, so one statement over a million customers would hold every
   * other request for seconds. Not one snapshot: a count is an estimate of a moving audience (a broadcast
   * snapshots its own when it is planned).
   */
  async function countAndSample(w: SqlWhere & { drivers?: readonly Driver[] }, opts: { sample: number; earnedSince: number; slices?: SliceOptions }) {
    const pause = opts.slices?.pause ?? yieldToEventLoop;
    const picked = w.drivers?.length ? await pickDriver(w.drivers, pause) : null;
    if (picked) {
      const { d } = picked;
      // Drop the people the other rules exclude, when reading who they are is cheaper than testing them.
      let residual = d.residual;
      if (d.exclusions.length) {
        const out = new Set<string | number>();
        const cap = () => out.size > EXCLUSION_CAP;
        let read = true;
        for (const sources of d.exclusions) for (const src of sources) if (read) read = "sql" in src ? false : await readByTime(src, out, cap, pause);
        if (read) {
          picked.keys = picked.keys.filter((k) => !out.has(k));
          residual = d.excludedResidual;
        }
      }
      // Candidates in rowid order, so the rows are read in the table's own order (neighbours share pages)
      // rather than a random page each; ids become rowids through the id index, itself read in order.
      let rowids = picked.keys as number[];
      if (d.key === "id") {
        rowids = [];
        await forEachChunk(
          (picked.keys as string[]).sort(),
          (chunk) => mapStep(idsToRowids.all(JSON.stringify(chunk)), (r) => void rowids.push(...r)),
          opts.slices,
        );
      }
      rowids.sort((a, b) => a - b);
      const among = store.prepare<number>(
        `select c.rowid from ${pg ? "jsonb_array_elements_text(?::jsonb) j(value) join customers c on c.rowid = j.value::bigint" : "json_each(?) j cross join customers c on c.rowid = j.value"} where ${residual.where}`,
        "pluck",
      );
      const hits: number[] = [];
      await forEachChunk(rowids, (chunk) => mapStep(among.all(JSON.stringify(chunk), ...residual.params), (r) => void hits.push(...r)), opts.slices);
      const first = hits.sort((a, b) => a - b).slice(0, opts.sample);
      const people = first.length ? await sampleByRowids.all(opts.earnedSince, JSON.stringify(first)) : [];
      return { count: hits.length, sample: people, via: { driver: d.rule, candidates: picked.keys.length } };
    }
    const count = store.prepare<number>(`select count(*) from customers c where c.rowid > ? and c.rowid <= ? and (${w.where})`, "pluck");
    const sample = store.prepare<SampleRow>(`${sampleSql} where c.rowid > ? and c.rowid <= ? and (${w.where}) order by c.rowid limit ?`);
    let total = 0;
    const people: SampleRow[] = [];
    const end = await rowidEnd.get();
    let after = 0;
    await runInSlices((rows) => {
      const lo = after;
      const hi = lo + rows;
      after = hi;
      const done = { done: hi >= (end ?? 0) };
      return mapStep(count.get(lo, hi, ...w.params), (n) => {
        total += n ?? 0;
        if (people.length >= opts.sample) return done;
        return mapStep(sample.all(opts.earnedSince, lo, hi, ...w.params, opts.sample - people.length), (r) => (people.push(...r), done));
      });
    }, opts.slices);
    return { count: total, sample: people, via: { driver: "scan" as const, candidates: null } };
  }

  /** A new segment and its version 1. */
  const insert = (row: SegmentRow) =>
    store.join(function* () {
      yield* q(
        insertSegment.run(row.id, row.name, row.description, row.version, row.rules, row.createdBy, row.createdAt, row.updatedBy, row.updatedAt, row.deletedAt),
      );
      yield* q(insertVersion.run(row.id, row.version, row.name, row.rules, row.updatedBy, row.updatedAt));
    });

  /** The next version, written only if `version` is still the one in force (a concurrent edit loses cleanly). */
  const update = (id: string, fromVersion: number, next: { name: string; description: string; rules: string; by: string; at: number }) =>
    store.join(function* () {
      const { changes } = yield* q(updateStmt.run(next.name, next.description, next.rules, fromVersion + 1, next.by, next.at, id, fromVersion));
      if (changes !== 1) return false;
      yield* q(insertVersion.run(id, fromVersion + 1, next.name, next.rules, next.by, next.at));
      return true;
    });

  const remove = (id: string, at: number) => mapStep(removeStmt.run(at, id), (r) => r.changes === 1);

  return {
    isMember,
    ids,
    countAndSample,
    insert,
    update,
    remove,
    byId: (id: string) => mapStep(byIdStmt.get(id), (r) => segmentRow.read(r)),
    list: () => mapStep(listStmt.all(), (rows) => rows.map((r) => segmentRow.read(r)!)),
    versions: (id: string) => versionsStmt.all(id),
  };
}

export type SegmentRepo = ReturnType<typeof createSegmentRepo>;
/** The segment repo as synchronous SQLite code not ported yet sees it. */
export type SegmentRepoSync = SyncView<SegmentRepo>;

/** `fn` over `items` in chunks sized like a rowid slice (the step's cost per item is a probe or a few). */
async function forEachChunk<T>(items: readonly T[], fn: (chunk: T[]) => Awaitable<void>, opts: SliceOptions = {}) {
  let i = 0;
  if (items.length === 0) return;
  await runInSlices((rows) => {
    const chunk = items.slice(i, i + rows) as T[];
    i += rows;
    const done = { done: i >= items.length };
    return mapStep(fn(chunk), () => done);
  }, opts);
}
