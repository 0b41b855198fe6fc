import { ErrorCode, isGroup, localMonth, type LoyaltyRules, type SegmentGroup, type SegmentNode, type SegmentPolicy, type SegmentRule } from "@mc/shared";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { forEachRowidSlice, type SliceOptions } from "../../db/chunked";
import { rowReader } from "../../db/rows";
import { segments, segmentVersions } from "../../db/schema";
import { AppError } from "../../errors";
import { earnedInWindowSql } from "../loyalty/repo";

const DAY = 86_400_000;

/** A condition over `customers c` and the values its `?` placeholders take, in order. */
export type SqlWhere = { where: string; params: unknown[] };

export type CompileContext = { now: number; timeZone: string; policy: SegmentPolicy; loyalty: LoyaltyRules };

/**
 * What counts as a visit (shared/src/segments.ts says it in words): each source is one table, its time and
 * store columns and the rows that count, filtered by customer through that table's customer index.
 */
const VISIT_SOURCES = [
  { from: "orders x", at: "x.completed_at", store: "x.store_id", when: "x.status = 'completed'" },
  { from: "points_ledger x", at: "x.created_at", store: "x.store_id", when: "x.kind = 'earn' and x.store_id is not null" },
  { from: "game_draws x", at: "x.created_at", store: "x.store_id", when: "1" },
  { from: "vouchers x", at: "x.redeemed_at", store: "x.redeemed_store_id", when: "x.status = 'redeemed' and x.redeemed_store_id is not null" },
] as const;

const COMPLETED_ORDERS = "from orders o where o.customer_id = c.id and o.status = 'completed'";

/**
 * Compiles a rule tree to ONE parameterised SQL condition over `customers c`: every rule is a column test
 * or a correlated subquery on an indexed customer key, so the database evaluates the whole audience in one
 * statement (and a caller can add `c.rowid > ? and c.rowid <= ?` to take it in slices). Each rule yields
 * 0 or 1, never NULL, so `none` (NOT) reads as the in-memory evaluator does. Erased people never match.
 */
export function compileSegment(rules: SegmentGroup, ctx: CompileContext): SqlWhere {
  const params: unknown[] = [];
  const bind = (v: unknown) => (params.push(v), "?");
  const list = (xs: readonly unknown[]) => `(select value from json_each(${bind(JSON.stringify([...new Set(xs)]))}))`;
  const since = (days: number) => ctx.now - days * DAY;
  // `expr` may carry its own placeholder (a subquery's window), so it appears once in what these return.
  const range = (expr: string, r: { min?: number; max?: number }) =>
    r.min !== undefined && r.max !== undefined
      ? `${expr} between ${bind(r.min)} and ${bind(r.max)}`
      : r.min !== undefined
        ? `${expr} >= ${bind(r.min)}`
        : `${expr} <= ${bind(r.max)}`;
  /** "At least min / at most max days ago", where `at` is 0 for never (counts as long ago). */
  const daysAgo = (at: string, r: { min?: number; max?: number }) =>
    range(at, { min: r.max === undefined ? undefined : since(r.max), max: r.min === undefined ? undefined : since(r.min) });
  const visitExists = (cond: (s: (typeof VISIT_SOURCES)[number]) => string) =>
    VISIT_SOURCES.map((s) => `exists (select 1 from ${s.from} where x.customer_id = c.id and ${s.when} and ${cond(s)})`).join(" or ");

  function rule(r: SegmentRule): string {
    switch (r.kind) {
      case "tier": {
        // Tier i is [threshold_i, threshold_i+1) of points earned in the rolling window (loyalty's tierFor).
        const tiers = ctx.loyalty.tiers;
        return r.tiers
          .map((key) => {
            const i = tiers.findIndex((t) => t.key === key);
            if (i < 0) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown tier ${key}`, { tier: key });
            const earned = earnedInWindowSql("c");
            const lo = `${earned.replace("?", bind(since(ctx.loyalty.tierWindowDays)))} >= ${bind(tiers[i]!.threshold)}`;
            const next = tiers[i + 1];
            return next ? `(${lo} and ${earned.replace("?", bind(since(ctx.loyalty.tierWindowDays)))} < ${bind(next.threshold)})` : `(${lo})`;
          })
          .join(" or ");
      }
      case "points":
        return range("c.points_balance", r);
      case "lastOrder":
        return daysAgo(`coalesce((select max(o.completed_at) ${COMPLETED_ORDERS}), 0)`, r);
      case "lastVisit":
        // Scalar max() over the sources is NULL if any is: each source's "never" is 0.
        return daysAgo(
          `max(${VISIT_SOURCES.map((s) => `coalesce((select max(${s.at}) from ${s.from} where x.customer_id = c.id and ${s.when}), 0)`).join(", ")})`,
          r,
        );
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
        return `cast(substr(c.birth_date, -5, 2) as integer) in ${list(months)}`;
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
        // SQLite reads every form that schema accepts to the same millisecond as Date.parse.
        const parts = [
          "not (c.unfollowed_at is not null and c.follows_oa = 0)",
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
    if (!isGroup(n)) return `coalesce((${rule(n)}), 0)`;
    if ("all" in n) return n.all.length ? `(${n.all.map(node).join(" and ")})` : "1";
    if ("any" in n) return n.any.length ? `(${n.any.map(node).join(" or ")})` : "0";
    return n.none.length ? `not (${n.none.map(node).join(" or ")})` : "1";
  }

  const where = `c.erased_at is null and ${node(rules)}`;
  return { where, params };
}

export type SegmentRow = typeof segments.$inferSelect;
export type SampleRow = { id: string; name: string; memberCode: string; earned: number };

export function createSegmentRepo(db: Db) {
  const c = db.$client;
  const segmentRow = rowReader(segments);
  const byIdStmt = c.prepare(`${segmentRow.selectAll} where id = ? and deleted_at is null`).raw();
  const listStmt = c.prepare(`${segmentRow.selectAll} where deleted_at is null order by updated_at desc, id`).raw();
  const versionsStmt = c.prepare(
    "select version, name, rules, changed_by as changedBy, created_at as createdAt from segment_versions where segment_id = ? order by version desc",
  );

  /** Ids of everyone matching, in one statement (tests and small audiences; counts go through `countAndSample`). */
  const ids = (w: SqlWhere) =>
    c
      .prepare(`select c.id from customers c where ${w.where} order by c.id`)
      .pluck()
      .all(...w.params) as string[];

  /**
   * How many match, and the first `sample` of them (in rowid order), in slices of the customers' rowid
   * range with the event loop served between slices: the condition is a handful of index probes per
   * customer, so one statement over a million customers would hold every other request for seconds. A
   * slice's sample query runs only while the sample is short. Not one snapshot: a count is an estimate
   * of a moving audience (a broadcast snapshots its own when it is planned).
   */
  async function countAndSample(w: SqlWhere, opts: { sample: number; earnedSince: number; slices?: SliceOptions }) {
    const count = c.prepare(`select count(*) from customers c where c.rowid > ? and c.rowid <= ? and (${w.where})`).pluck();
    const sample = c.prepare(
      `select c.id, c.name, c.member_code as memberCode, ${earnedInWindowSql("c")} as earned
       from customers c where c.rowid > ? and c.rowid <= ? and (${w.where}) order by c.rowid limit ?`,
    );
    let total = 0;
    const people: SampleRow[] = [];
    await forEachRowidSlice(
      c,
      "customers",
      (lo, hi) => {
        total += count.get(lo, hi, ...w.params) as number;
        if (people.length < opts.sample) people.push(...(sample.all(opts.earnedSince, lo, hi, ...w.params, opts.sample - people.length) as SampleRow[]));
      },
      opts.slices,
    );
    return { count: total, sample: people };
  }

  function insert(row: SegmentRow) {
    db.insert(segments).values(row).run();
    db.insert(segmentVersions)
      .values({ segmentId: row.id, version: row.version, name: row.name, rules: row.rules, changedBy: row.updatedBy, createdAt: row.updatedAt })
      .run();
  }

  /** The next version, written only if `version` is still the one in force (a concurrent edit loses cleanly). */
  function update(id: string, fromVersion: number, next: { name: string; description: string; rules: string; by: string; at: number }) {
    const changed = db
      .update(segments)
      .set({ name: next.name, description: next.description, rules: next.rules, version: fromVersion + 1, updatedBy: next.by, updatedAt: next.at })
      .where(and(eq(segments.id, id), eq(segments.version, fromVersion), isNull(segments.deletedAt)))
      .run().changes;
    if (changed !== 1) return false;
    db.insert(segmentVersions)
      .values({ segmentId: id, version: fromVersion + 1, name: next.name, rules: next.rules, changedBy: next.by, createdAt: next.at })
      .run();
    return true;
  }

  const remove = (id: string, at: number) =>
    db
      .update(segments)
      .set({ deletedAt: at })
      .where(and(eq(segments.id, id), isNull(segments.deletedAt)))
      .run().changes === 1;

  return {
    ids,
    countAndSample,
    insert,
    update,
    remove,
    byId: (id: string) => segmentRow.read(byIdStmt.get(id) as unknown[] | undefined),
    list: () => (listStmt.all() as unknown[][]).map((r) => segmentRow.read(r)!),
    versions: (id: string) => versionsStmt.all(id) as { version: number; name: string; rules: string; changedBy: string; createdAt: number }[],
  };
}

export type SegmentRepo = ReturnType<typeof createSegmentRepo>;
