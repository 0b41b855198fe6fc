import { rowReader } from "../../db/rows";
import { DEFAULT_LOYALTY_RULES, ErrorCode, LoyaltyRules, type LedgerKind } from "@mc/shared";
import { q, type Awaitable, type Step, type Store, type SyncView, mapStep } from "../../db/store";
import { pointsLedger } from "../../db/schema";
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

export function createLoyaltyRepo(store: Store) {
  const ledgerRow = rowReader(pointsLedger);
  // Hot path (one ledger write per purchase): prepared once.
  const bySourceKey = store.prepare(`${ledgerRow.selectAll} where source_key = ?`, "array");
  // The balance and running earn total live on the customer row (the customers module writes it, here inside our transaction).
  const bumpBalance = createPointsColumns(store);
  const INSERT_ENTRY = `insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, expires_at, created_at, earned_to_date)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const insertEntry = store.prepare({ sqlite: INSERT_ENTRY, pg: `${INSERT_ENTRY} returning id` });

  /**
   * Appends one entry and moves the cached balance with it, inside the caller's transaction (or one of its own).
   * The same source key twice returns the first entry (a retry earns once); the same key for another
   * customer or amount is IDEMPOTENCY_KEY_REUSED (409), thrown before anything is written, with nothing of
   * the first entry in it. A debit that would take the balance below zero writes nothing. On PostgreSQL two
   * concurrent appends of one key cannot both pass the first read: the second's transaction is serialized
   * after the first (and run again, finding it), so it earns once there too.
   */
  const append = (e: NewEntry) =>
    store.join(function* (): Step<{ entry: LedgerRow; duplicate: boolean }> {
      const existing = ledgerRow.read((yield* q(bySourceKey.get(e.sourceKey))) as unknown[] | undefined);
      if (existing) {
        const same =
          existing.customerId === e.customerId &&
          existing.kind === e.kind &&
          (e.sameRequest ? e.sameRequest(existing) : existing.delta === e.delta && existing.reason === e.reason);
        if (!same) throw new AppError(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was already used for another customer or amount");
        return { entry: existing, duplicate: true };
      }
      const bumped = yield* q(bumpBalance(e.customerId, e.delta, e.kind === "earn" ? e.delta : 0));
      if (!bumped) throw new AppError(ErrorCode.INSUFFICIENT_POINTS, "Not enough points");
      const [balanceAfter, earnedToDate] = bumped;
      const storeId = e.storeId ?? null;
      const expiresAt = e.expiresAt ?? null;
      const { lastId: id } = yield* q(
        insertEntry.run(e.customerId, e.kind, e.delta, balanceAfter, e.reason, e.sourceKey, storeId, e.actor.kind, e.actor.id, expiresAt, e.now, earnedToDate),
      );
      // Every column but the id is what we just wrote: no need to read the row back.
      const entry: LedgerRow = {
        id: id!,
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
    });

  // Oldest first, in date order (points_ledger_window_idx): expiry takes the oldest lots first.
  const factsStmt = store.prepare<[number, number | null, number, number]>(
    "select delta, expires_at, created_at, id from points_ledger where customer_id = ? order by created_at, earned_to_date, id",
    "array",
  );
  const facts = (customerId: string) =>
    mapStep(factsStmt.all(customerId), (rows) => rows.map(([delta, expiresAt, createdAt, id]) => ({ delta, expiresAt, createdAt, id })));

  const earnedSinceStmt = store.prepare<number>(`select ${earnedInWindowSql("c")} from customers c where c.id = ?`, "pluck");
  const earnedSince = (customerId: string, since: number) => mapStep(earnedSinceStmt.get(since, customerId), (v) => v ?? 0);

  // Newest first, in the ledger's date order (the order of points_ledger_window_idx; the running sum breaks
  // ties in insert order). `before` is the id of the last entry already shown.
  const NEWEST_FIRST = "order by created_at desc, earned_to_date desc, id desc limit ?";
  const historyStmt = store.prepare(`${ledgerRow.selectAll} where customer_id = ? ${NEWEST_FIRST}`, "array");
  const historyBeforeStmt = store.prepare(
    `${ledgerRow.selectAll} where customer_id = ?
       and (created_at, earned_to_date, id) < (select created_at, earned_to_date, id from points_ledger where id = ? and customer_id = ?) ${NEWEST_FIRST}`,
    "array",
  );
  const history = (customerId: string, before: number | undefined, limit: number) =>
    mapStep(before ? historyBeforeStmt.all(customerId, before, customerId, limit) : historyStmt.all(customerId, limit), (rows) =>
      (rows as unknown[][]).map((r) => ledgerRow.read(r)!),
    );

  const expiredLotsStmt = store.prepare<string>("select distinct customer_id from points_ledger where delta > 0 and expires_at <= ?", "pluck");
  const customersWithExpiredLots = (at: number) => expiredLotsStmt.all(at);

  // Who has a lot lapsing in (from, to] (points_ledger_expiry_idx): the automations' "points expiring" scan.
  const lapsingStmt = store.prepare<string>("select distinct customer_id from points_ledger where expires_at > ? and expires_at <= ? and delta > 0", "pluck");
  const customersWithLotsLapsing = (from: number, to: number) => lapsingStmt.all(from, to);

  const balanceStmt = store.prepare<number>("select points_balance from customers where id = ?", "pluck");
  const balanceOf = (customerId: string) => balanceStmt.get(customerId);

  // The rules in force, parsed once and kept until saveRules here, or until another API process saves a newer
  // version (looked up only when another process has committed something). Frozen: every caller shares the one object.
  let rulesCache: Readonly<{ version: number; rules: LoyaltyRules }> | undefined;
  const changedElsewhere = store.watchChanges();
  const latestVersion = store.prepare<number>("select coalesce(max(version), 0) from loyalty_rules", "pluck");
  const latestRow = store.prepare<{ version: number; rules: string }>("select version, rules from loyalty_rules order by version desc limit 1");
  const parse = (row: { version: number; rules: string } | undefined): { version: number; rules: LoyaltyRules } =>
    deepFreeze(
      row ? { version: row.version, rules: LoyaltyRules.parse(JSON.parse(row.rules)) } : { version: 0, rules: structuredClone(DEFAULT_LOYALTY_RULES) },
    );
  /** At once on a cache hit (every award, every summary), else one read. */
  function currentRules(): Awaitable<{ version: number; rules: LoyaltyRules }> {
    if (changedElsewhere() && rulesCache) {
      const cached = rulesCache;
      const drop = (version: number | undefined) => {
        if (version !== cached.version && rulesCache === cached) rulesCache = undefined;
      };
      const latest = latestVersion.get();
      if (latest instanceof Promise) return latest.then(drop).then(load);
      drop(latest);
    }
    return load();
  }
  function load(): Awaitable<{ version: number; rules: LoyaltyRules }> {
    if (rulesCache) return rulesCache;
    return mapStep(latestRow.get(), (row) => (rulesCache = parse(row)));
  }

  const insertRules = store.prepare<number>("insert into loyalty_rules (rules, changed_by, created_at) values (?, ?, ?) returning version", "pluck");
  const saveRules = (rules: LoyaltyRules, changedBy: string, now: number) =>
    store.join(function* () {
      rulesCache = undefined; // before the write: a rolled-back transaction around this call leaves nothing stale either
      const version = (yield* q(insertRules.get(JSON.stringify(rules), changedBy, now)))!;
      yield* q(store.noteChange());
      rulesCache = undefined;
      return version;
    });

  /**
   * Saved versions, newest first, each with the name of whoever saved it (`changed_by` is `kind:id`: a
   * customer's name, an operator's name or email), and one more than asked when there is one: the version
   * before the oldest, to say what the oldest changed.
   */
  const ruleHistoryStmt = store.prepare<{ version: number; rules: string; changedBy: string; createdAt: number; changedByName: string | null }>({
    sqlite: `select version, rules, changed_by as "changedBy", created_at as "createdAt",
       coalesce((select name from customers where id = substr(changed_by, instr(changed_by, ':') + 1)),
                (select coalesce(nullif(name, ''), email) from admin_users where id = substr(changed_by, instr(changed_by, ':') + 1))) as "changedByName"
     from loyalty_rules where version < ? order by version desc limit ?`,
    pg: `select version, rules, changed_by as "changedBy", created_at as "createdAt",
       coalesce((select name from customers where id = substr(changed_by, strpos(changed_by, ':') + 1)),
                (select coalesce(nullif(name, ''), email) from admin_users where id = substr(changed_by, strpos(changed_by, ':') + 1))) as "changedByName"
     from loyalty_rules where version < ? order by version desc limit ?`,
  });
  const ruleHistory = (p: { before?: number; limit: number }) => ruleHistoryStmt.all(p.before ?? Number.MAX_SAFE_INTEGER, p.limit + 1);

  return { append, facts, earnedSince, history, customersWithExpiredLots, customersWithLotsLapsing, balanceOf, currentRules, saveRules, ruleHistory };
}

export type LoyaltyRepo = ReturnType<typeof createLoyaltyRepo>;
/** The loyalty repo as synchronous SQLite code not ported to the store yet sees it (orders, vouchers, games, segments…). */
export type LoyaltyRepoSync = SyncView<LoyaltyRepo>;
