import { and, desc, lte, gt } from "drizzle-orm";
import { rowReader } from "../../db/rows";
import { createChangeWatch } from "../../db/change-watch";
import { DEFAULT_LOYALTY_RULES, ErrorCode, LoyaltyRules, type LedgerKind } from "@mc/shared";
import type { Db } from "../../db/client";
import { loyaltyRules, pointsLedger } from "../../db/schema";
import { AppError } from "../../errors";
import type { Actor } from "../../lib/audit";
import { createPointsColumns } from "../customers/repo";

export type LedgerRow = typeof pointsLedger.$inferSelect;

export type NewEntry = {
  customerId: string;
  kind: LedgerKind;
  delta: number;
  reason: string;
  sourceKey: string;
  storeId?: string | null;
  actor: Actor;
  expiresAt?: number | null;
  now: number;
  /**
   * Whether an entry already written under this key came from the same request. The subject (customer and
   * kind) is always compared; by default the delta and reason must match too. A caller whose delta depends on
   * state the first entry itself changed (an award's tier) compares what the request said instead.
   */
  sameRequest?: (existing: LedgerRow) => boolean;
};

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * SQL for the earn points of customer row `c` (an alias of customers) dated at or after the one `?`:
 * the customer's running total minus the running sum at their last entry dated before it
 * (points_ledger_window_idx: one seek, however long the history). Entries are dated by the clock at
 * insert, so the running sum follows date order; were the clock ever set back, the window would start
 * after the last entry dated before it rather than mid-way through later ones.
 */
export const earnedInWindowSql = (c: string) =>
  `(${c}.points_earned_total - coalesce((select l.earned_to_date from points_ledger l where l.customer_id = ${c}.id and l.created_at < ?
     order by l.created_at desc, l.earned_to_date desc limit 1), 0))`;

export function createLoyaltyRepo(db: Db) {
  const c = db.$client;
  const ledgerRow = rowReader(pointsLedger);
  // Hot path (one ledger write per purchase): prepared once.
  const bySourceKey = c.prepare(`${ledgerRow.selectAll} where source_key = ?`).raw();
  // The balance and running earn total live on the customer row (the customers module writes it, here inside our transaction).
  const bumpBalance = createPointsColumns(db);
  const insertEntry = c.prepare(
    `insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, expires_at, created_at, earned_to_date)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  /**
   * Appends one entry and moves the cached balance with it. Must run inside a transaction.
   * The same source key twice returns the first entry (a retry earns once); the same key for another
   * customer or amount is IDEMPOTENCY_KEY_REUSED (409), thrown before anything is written, with nothing of
   * the first entry in it. A debit that would take the balance below zero writes nothing.
   */
  function append(e: NewEntry): { entry: LedgerRow; duplicate: boolean } {
    const existing = ledgerRow.read(bySourceKey.get(e.sourceKey) as unknown[] | undefined);
    if (existing) {
      const same =
        existing.customerId === e.customerId &&
        existing.kind === e.kind &&
        (e.sameRequest ? e.sameRequest(existing) : existing.delta === e.delta && existing.reason === e.reason);
      if (!same) throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was already used for another customer or amount");
      return { entry: existing, duplicate: true };
    }
    const bumped = bumpBalance(e.customerId, e.delta, e.kind === "earn" ? e.delta : 0);
    if (!bumped) throw new AppError(ErrorCode.INSUFFICIENT_POINTS, "Not enough points");
    const [balanceAfter, earnedToDate] = bumped;
    const storeId = e.storeId ?? null;
    const expiresAt = e.expiresAt ?? null;
    const { lastInsertRowid } = insertEntry.run(
      e.customerId,
      e.kind,
      e.delta,
      balanceAfter,
      e.reason,
      e.sourceKey,
      storeId,
      e.actor.kind,
      e.actor.id,
      expiresAt,
      e.now,
      earnedToDate,
    );
    // Every column but the id is what we just wrote: no need to read the row back.
    const entry: LedgerRow = {
      id: Number(lastInsertRowid),
      customerId: e.customerId,
      kind: e.kind,
      delta: e.delta,
      balanceAfter,
      reason: e.reason,
      sourceKey: e.sourceKey,
      storeId,
      actorKind: e.actor.kind,
      actorId: e.actor.id,
      expiresAt,
      createdAt: e.now,
      earnedToDate,
    };
    return { entry, duplicate: false };
  }

  // Oldest first, in date order (points_ledger_window_idx): expiry takes the oldest lots first.
  const factsStmt = c
    .prepare("select delta, expires_at, created_at, id from points_ledger where customer_id = ? order by created_at, earned_to_date, id")
    .raw();
  const facts = (customerId: string) =>
    (factsStmt.all(customerId) as [number, number | null, number, number][]).map(([delta, expiresAt, createdAt, id]) => ({ delta, expiresAt, createdAt, id }));

  const earnedSinceStmt = c.prepare(`select ${earnedInWindowSql("c")} from customers c where c.id = ?`).pluck();
  const earnedSince = (customerId: string, since: number) => (earnedSinceStmt.get(since, customerId) as number | undefined) ?? 0;

  // Newest first, in the ledger's date order (the order of points_ledger_window_idx; the running sum breaks
  // ties in insert order). `before` is the id of the last entry already shown.
  const NEWEST_FIRST = "order by created_at desc, earned_to_date desc, id desc limit ?";
  const historyStmt = c.prepare(`${ledgerRow.selectAll} where customer_id = ? ${NEWEST_FIRST}`).raw();
  const historyBeforeStmt = c
    .prepare(
      `${ledgerRow.selectAll} where customer_id = ?
       and (created_at, earned_to_date, id) < (select created_at, earned_to_date, id from points_ledger where id = ? and customer_id = ?) ${NEWEST_FIRST}`,
    )
    .raw();
  const history = (customerId: string, before: number | undefined, limit: number) =>
    ((before ? historyBeforeStmt.all(customerId, before, customerId, limit) : historyStmt.all(customerId, limit)) as unknown[][]).map((r) =>
      ledgerRow.read(r)!,
    );

  const customersWithExpiredLots = (at: number) =>
    db
      .selectDistinct({ id: pointsLedger.customerId })
      .from(pointsLedger)
      .where(and(gt(pointsLedger.delta, 0), lte(pointsLedger.expiresAt, at)))
      .all()
      .map((r) => r.id);

  // Who has a lot lapsing in (from, to] (points_ledger_expiry_idx): the automations' "points expiring" scan.
  const lapsingStmt = c.prepare("select distinct customer_id from points_ledger where expires_at > ? and expires_at <= ? and delta > 0").pluck();
  const customersWithLotsLapsing = (from: number, to: number) => lapsingStmt.all(from, to) as string[];

  const balanceStmt = c.prepare("select points_balance from customers where id = ?").pluck();
  const balanceOf = (customerId: string) => balanceStmt.get(customerId) as number | undefined;

  // The rules in force, parsed once and kept until saveRules here, or until another API process on the
  // same file saves a newer version (looked up only when another connection has committed something).
  // Frozen: every caller shares the one object.
  let rulesCache: Readonly<{ version: number; rules: LoyaltyRules }> | undefined;
  const changedElsewhere = createChangeWatch(db);
  const latestVersion = c.prepare("select coalesce(max(version), 0) from loyalty_rules").pluck();
  function currentRules(): { version: number; rules: LoyaltyRules } {
    if (changedElsewhere() && rulesCache && latestVersion.get() !== rulesCache.version) rulesCache = undefined;
    if (!rulesCache) {
      const row = db.select().from(loyaltyRules).orderBy(desc(loyaltyRules.version)).limit(1).get();
      rulesCache = deepFreeze(
        row ? { version: row.version, rules: LoyaltyRules.parse(JSON.parse(row.rules)) } : { version: 0, rules: structuredClone(DEFAULT_LOYALTY_RULES) },
      );
    }
    return rulesCache;
  }

  function saveRules(rules: LoyaltyRules, changedBy: string, now: number) {
    rulesCache = undefined; // before the write: a rolled-back transaction around this call leaves nothing stale either
    const version = db
      .insert(loyaltyRules)
      .values({ rules: JSON.stringify(rules), changedBy, createdAt: now })
      .returning({ version: loyaltyRules.version })
      .get().version;
    rulesCache = undefined;
    return version;
  }

  /**
   * Saved versions, newest first, each with the name of whoever saved it (`changed_by` is `kind:id`: a
   * customer's name, an operator's name or email), and one more than asked when there is one: the version
   * before the oldest, to say what the oldest changed.
   */
  const ruleHistoryStmt = c.prepare(
    `select version, rules, changed_by as changedBy, created_at as createdAt,
       coalesce((select name from customers where id = substr(changed_by, instr(changed_by, ':') + 1)),
                (select coalesce(nullif(name, ''), email) from admin_users where id = substr(changed_by, instr(changed_by, ':') + 1))) as changedByName
     from loyalty_rules where version < ? order by version desc limit ?`,
  );
  const ruleHistory = (p: { before?: number; limit: number }) =>
    ruleHistoryStmt.all(p.before ?? Number.MAX_SAFE_INTEGER, p.limit + 1) as {
      version: number;
      rules: string;
      changedBy: string;
      createdAt: number;
      changedByName: string | null;
    }[];

  return { append, facts, earnedSince, history, customersWithExpiredLots, customersWithLotsLapsing, balanceOf, currentRules, saveRules, ruleHistory };
}

export type LoyaltyRepo = ReturnType<typeof createLoyaltyRepo>;
