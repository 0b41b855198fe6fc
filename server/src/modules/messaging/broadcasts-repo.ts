import { desc, eq } from "drizzle-orm";
import type { Audience, BroadcastInput } from "@mc/shared";
import type { Db } from "../../db/client";
import { broadcasts } from "../../db/schema";
import { earnedInWindowSql } from "../loyalty/repo";
import { HAS_RECENT_SEND, PENDING_STATES } from "./outbox-repo";

const DAY = 86_400_000;

/** A tier asked for by an audience, as the range of points earned in the window (resolved by the caller). */
export type TierRange = { lo: number; hi: number };

/**
 * The audience as one SQL condition over `customers c` (set-based: no per-person loop). `tiers` are the
 * audience's tiers already resolved to ranges, with the window's start.
 */
export function audienceSql(a: Audience, now: number, tiers?: { ranges: TierRange[]; since: number }): { where: string; params: unknown[] } {
  const parts: string[] = ["c.zalo_oa_id is not null or c.phone is not null"];
  const params: unknown[] = [];
  if (a.followersOnly) parts.push("c.follows_oa = 1");
  if (a.pointsMin !== undefined) (parts.push("c.points_balance >= ?"), params.push(a.pointsMin));
  if (a.pointsMax !== undefined) (parts.push("c.points_balance <= ?"), params.push(a.pointsMax));
  if (a.storeIds?.length) {
    parts.push(`exists (select 1 from points_ledger l where l.customer_id = c.id and l.store_id in (${a.storeIds.map(() => "?").join(",")}))`);
    params.push(...a.storeIds);
  }
  const lastVisit = "(select max(l.created_at) from points_ledger l where l.customer_id = c.id)";
  if (a.lastVisitMinDays !== undefined) (parts.push(`coalesce(${lastVisit}, 0) <= ?`), params.push(now - a.lastVisitMinDays * DAY));
  if (a.lastVisitMaxDays !== undefined) (parts.push(`${lastVisit} >= ?`), params.push(now - a.lastVisitMaxDays * DAY));
  const lastOrder = "(select max(o.completed_at) from orders o where o.customer_id = c.id and o.status = 'completed')";
  if (a.lastOrderMinDays !== undefined) (parts.push(`coalesce(${lastOrder}, 0) <= ?`), params.push(now - a.lastOrderMinDays * DAY));
  if (a.lastOrderMaxDays !== undefined) (parts.push(`${lastOrder} >= ?`), params.push(now - a.lastOrderMaxDays * DAY));
  if (a.gamePlayers) parts.push("exists (select 1 from game_draws d where d.customer_id = c.id)");
  if (a.tags?.length) {
    parts.push(`exists (select 1 from customer_tags t where t.customer_id = c.id and t.tag in (${a.tags.map(() => "?").join(",")}))`);
    params.push(...a.tags);
  }
  if (tiers?.ranges.length) {
    const earned = earnedInWindowSql("c");
    parts.push(`(${tiers.ranges.map(() => `(${earned} >= ? and ${earned} < ?)`).join(" or ")})`);
    for (const { lo, hi } of tiers.ranges) params.push(tiers.since, lo, tiers.since, hi);
  }
  return { where: parts.map((p) => `(${p})`).join(" and "), params };
}

/** The only writer of `broadcasts`. */
export function createBroadcastsRepo(db: Db) {
  const c = db.$client;
  const progress = c.prepare("select state, coalesce(planned_through, 0) as after, recipients from broadcasts where id = ?");
  const advance = c.prepare("update broadcasts set planned_through = ?, recipients = recipients + ?, state = ? where id = ?");
  const complete = c.prepare(
    `update broadcasts set state = 'done', finished_at = @t where id = @id and state = 'running'
       and not exists (select 1 from outbox where broadcast_id = @id and state in ${PENDING_STATES})`,
  );
  const cancelledWithUnsent = c
    .prepare(
      "select b.id from broadcasts b where b.state = 'cancelled' and exists (select 1 from outbox o where o.broadcast_id = b.id and o.state in ('queued','held','ready'))",
    )
    .pluck();

  return {
    create(id: string, input: BroadcastInput, createdBy: string, t: number) {
      db.insert(broadcasts)
        .values({
          id,
          name: input.name,
          category: input.category,
          text: input.content.text ?? null,
          imageUrl: input.content.imageUrl ?? null,
          templateId: input.content.template?.id ?? null,
          templateData: input.content.template ? JSON.stringify(input.content.template.data) : null,
          audience: JSON.stringify(input.audience),
          state: "draft",
          scheduledAt: input.scheduledAt ? Date.parse(input.scheduledAt) : null,
          expiresAt: input.expiresAt ? Date.parse(input.expiresAt) : null,
          breakerRate: input.breakerRate,
          breakerMinSent: input.breakerMinSent,
          createdBy,
          createdAt: t,
        })
        .run();
    },
    row: (id: string) => db.select().from(broadcasts).where(eq(broadcasts.id, id)).get(),
    ids: () =>
      db
        .select({ id: broadcasts.id })
        .from(broadcasts)
        .orderBy(desc(broadcasts.createdAt))
        .all()
        .map((b) => b.id),
    planningIds: () =>
      db
        .select({ id: broadcasts.id })
        .from(broadcasts)
        .where(eq(broadcasts.state, "planning"))
        .all()
        .map((b) => b.id),
    /** Cancelled broadcasts whose unsent rows a stopped process did not finish cancelling. */
    cancelledWithUnsent: () => cancelledWithUnsent.all() as string[],
    startPlanning: (id: string, t: number) =>
      void db.update(broadcasts).set({ state: "planning", plannedThrough: 0, recipients: 0, startedAt: t }).where(eq(broadcasts.id, id)).run(),
    /** Where the plan is: read inside each slice's own transaction. */
    planProgress: (id: string) => progress.get(id) as { state: string; after: number; recipients: number } | undefined,
    /** Customers up to `through` have their rows; the last slice sets `running`. */
    advancePlan: (id: string, through: number, inserted: number, state: "planning" | "running") => void advance.run(through, inserted, state, id),
    setState: (id: string, state: "paused" | "running" | "cancelled" | "tripped", t: number) =>
      void db
        .update(broadcasts)
        .set({ state, ...(state === "cancelled" ? { finishedAt: t } : {}) })
        .where(eq(broadcasts.id, id))
        .run(),
    /** Marks each running broadcast whose rows are all final as done. Call in the transaction that finalised them. */
    completeBroadcasts(ids: Iterable<string | null | undefined>, t: number) {
      for (const id of new Set(ids)) if (id) complete.run({ id, t });
    },
    /**
     * A broadcast preview's grouped query for one rowid slice of the customers in the audience. `hid` is the
     * id of someone with recent sends (a group of one, with their own columns), null otherwise.
     */
    previewSlice(where: string) {
      const stmt = c.prepare(
        `select case when ${HAS_RECENT_SEND} then c.id end as hid,
           c.follows_oa as f, c.unfollowed_at is not null as u, c.zalo_oa_id is not null as o, c.phone is not null as p,
           case when c.last_interaction_at is null then 0 when ? - c.last_interaction_at <= ? then 2 when ? - c.last_interaction_at <= ? then 1 else 0 end as w,
           c.prefs as prefs, coalesce(c.fatigue_until, 0) > ? as tired, count(*) as n
         from customers c where c.rowid > ? and c.rowid <= ? and (${where})
         group by 1, 2, 3, 4, 5, 6, 7, 8`,
      );
      return (p: { recentSince: number; at: number; freeMs: number; windowMs: number; lo: number; hi: number; params: unknown[] }) =>
        stmt.all(p.recentSince, p.at, p.freeMs, p.at, p.windowMs, p.at, p.lo, p.hi, ...p.params) as Record<string, any>[];
    },
  };
}

export type BroadcastsRepo = ReturnType<typeof createBroadcastsRepo>;
