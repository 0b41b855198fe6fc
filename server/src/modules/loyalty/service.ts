import {
  DEFAULT_LOYALTY_RULES,
  ErrorCode,
  LoyaltyRules,
  counterName,
  loyaltyRulesChanges,
  pointsDueToExpire,
  pointsExpiringWithin,
  pointsForPurchase,
  tierFor,
  type LedgerEntry,
  type Loyalty,
} from "@mc/shared";
import { Refusal } from "../../db/group-commit";
import { q, type Store } from "../../db/store";
import { yieldToEventLoop } from "../../db/chunked";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit, SYSTEM } from "../../lib/audit";
import { normalizeMemberCode } from "../../lib/codes";
import { assertStoreAccess } from "../../lib/scope";
import type { IdentityRepo } from "../identity/repo";
import type { LedgerRow, LoyaltyRepo } from "./repo";

const DAY = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toLedgerEntry(r: LedgerRow): LedgerEntry {
  return {
    id: r.id,
    kind: r.kind,
    delta: r.delta,
    balanceAfter: r.balanceAfter,
    reason: r.reason,
    storeId: r.storeId,
    createdAt: iso(r.createdAt)!,
    expiresAt: iso(r.expiresAt),
  };
}

/** Shows a member code as the shopper sees it on their card: MC-7K2P-9Q4X. */
export const formatMemberCode = (code: string) => `MC-${code.slice(0, 4)}-${code.slice(4)}`;

export function createLoyaltyService(deps: {
  store: Store;
  repo: LoyaltyRepo;
  identityRepo: Pick<IdentityRepo, "byId" | "byMemberCode" | "memberRef" | "storeExists">;
  now: () => number;
}) {
  const { store, repo, identityRepo, now } = deps;

  /** The tier at `at`: a step, so a body reads it inside its transaction (`yield* tierOf(...)`). */
  function* tierOf(customerId: string, rules: LoyaltyRules, at: number) {
    const earned = yield* q(repo.earnedSince(customerId, at - rules.tierWindowDays * DAY));
    return { earned, ...tierFor(rules, earned) };
  }

  async function summary(customerId: string): Promise<Loyalty> {
    const row = await identityRepo.byId(customerId);
    if (!row) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    const { rules } = await repo.currentRules();
    const at = now();
    const [t, facts] = await store.read(function* () {
      return [yield* tierOf(customerId, rules, at), yield* q(repo.facts(customerId))] as const;
    });
    const soon = pointsExpiringWithin(facts, at, rules.expiringSoonDays);
    return {
      balance: row.pointsBalance,
      tier: { key: t.tier.key, name: t.tier.name, multiplier: t.tier.multiplier },
      nextTier: t.next ? { key: t.next.key, name: t.next.name, threshold: t.next.threshold, toNext: t.toNext } : null,
      progress: t.progress,
      earnedInWindow: t.earned,
      expiringSoon: { points: soon.points, by: iso(soon.by) },
      memberCode: formatMemberCode(row.memberCode),
    };
  }

  async function history(customerId: string, before: number | undefined, limit: number) {
    const rows = await repo.history(customerId, before, limit);
    return { entries: rows.map(toLedgerEntry), nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  async function previewMember(code: string) {
    const row = await identityRepo.byMemberCode(normalizeMemberCode(code));
    if (!row) throw new AppError(ErrorCode.MEMBER_NOT_FOUND, "No member with this code");
    const { rules } = await repo.currentRules();
    const at = now();
    const t = await store.read(() => tierOf(row.id, rules, at));
    // Any staff member can type any code: show what confirms the person at the counter, not who they are
    // in full or what they hold.
    return { name: counterName(row.name), avatar: row.avatar, tier: { key: t.tier.key, name: t.tier.name, multiplier: t.tier.multiplier } };
  }

  // Counter awards share commits on SQLite (see Store.groupCommit): one commit per event-loop turn, not per award.
  const inGroupCommit = store.groupCommit();

  /** Points for a counter purchase, at the tier the shopper had before it. Once per receipt. Settles after the commit. */
  async function award(p: { actor: Principal; memberCode: string; storeId: string; amountVnd: number; receiptId: string }) {
    await assertStoreAccess(p.actor, p.storeId, identityRepo.storeExists);
    const code = normalizeMemberCode(p.memberCode);
    // Bill numbers are typed: "hd-0012 " and "HD-0012" are one bill.
    const receiptId = p.receiptId.trim().toUpperCase();
    const { rules } = await repo.currentRules();
    const at = now();
    return inGroupCommit(function* () {
      // Reads and checks first: a refusal has written nothing, so the rest of the batch stands.
      const member = yield* q(identityRepo.memberRef(code));
      if (!member) return new Refusal(new AppError(ErrorCode.MEMBER_NOT_FOUND, "No member with this code"));
      const t = yield* tierOf(member.id, rules, at);
      const points = pointsForPurchase(rules, p.amountVnd, t.tier.multiplier);
      if (points <= 0)
        return new Refusal(
          new AppError(ErrorCode.PURCHASE_TOO_SMALL, `A purchase under ${rules.vndPerPoint.toLocaleString("vi-VN")}đ earns no points`, {
            minVnd: rules.vndPerPoint,
          }),
        );
      const reason = `Mua hàng ${p.amountVnd.toLocaleString("vi-VN")}đ`;
      let appended;
      try {
        appended = yield* q(
          repo.append({
            customerId: member.id,
            kind: "earn",
            delta: points,
            reason,
            sourceKey: `purchase:${p.storeId}:${receiptId}`,
            storeId: p.storeId,
            actor: actorOf(p.actor),
            expiresAt: at + rules.pointsValidDays * DAY,
            now: at,
            // The bill's amount, not its points: the first award may have lifted the member's tier since.
            sameRequest: (first) => first.reason === reason,
          }),
        );
      } catch (e) {
        // A reused bill number is refused before anything is written: the batch stands.
        if (e instanceof AppError && e.code === ErrorCode.IDEMPOTENCY_KEY_REUSED)
          return new Refusal(new AppError(e.code, "This bill number was already used for another member or amount"));
        throw e;
      }
      const { entry, duplicate } = appended;
      if (!duplicate)
        yield* q(
          audit(store, {
            actor: actorOf(p.actor),
            action: "points.award",
            targetId: member.id,
            storeId: p.storeId,
            details: { amountVnd: p.amountVnd, points, receiptId },
            at,
          }),
        );
      // A new entry's balance_after is the balance now (same transaction); a duplicate's is from back then.
      const balance = duplicate ? (yield* q(repo.balanceOf(member.id)))! : entry.balanceAfter;
      return { member: { id: member.id, name: counterName(member.name) }, points: entry.delta, balance, duplicate, entry: toLedgerEntry(entry) };
    });
  }

  async function adjust(p: { actor: Principal; customerId: string; delta: number; reason: string; idempotencyKey: string }) {
    if (!(await identityRepo.byId(p.customerId))) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    const { rules } = await repo.currentRules();
    const at = now();
    return store.tx(function* () {
      const { entry, duplicate } = yield* q(
        repo.append({
          customerId: p.customerId,
          kind: "adjust",
          delta: p.delta,
          reason: p.reason,
          sourceKey: `adjust:${p.idempotencyKey}`,
          actor: actorOf(p.actor),
          // Points given by hand expire like earned ones; a deduction has nothing to expire.
          expiresAt: p.delta > 0 ? at + rules.pointsValidDays * DAY : null,
          now: at,
        }),
      );
      if (!duplicate)
        yield* q(audit(store, { actor: actorOf(p.actor), action: "points.adjust", targetId: p.customerId, details: { delta: p.delta, reason: p.reason }, at }));
      return { entry: toLedgerEntry(entry), balance: duplicate ? (yield* q(repo.balanceOf(p.customerId)))! : entry.balanceAfter, duplicate };
    });
  }

  /** Writes expiry entries for every lot past its date. Safe to run again or concurrently: the key is the state. */
  /** Hourly: one short transaction per customer, the event loop served between slices of customers. */
  async function expireDue() {
    const at = now();
    let expired = 0;
    const ids = await repo.customersWithExpiredLots(at);
    for (let i = 0; i < ids.length; i++) {
      const customerId = ids[i]!;
      const wrote = await store.tx(function* () {
        const facts = yield* q(repo.facts(customerId));
        const due = pointsDueToExpire(facts, at);
        if (due <= 0) return 0;
        const lastId = facts[facts.length - 1]!.id;
        const { duplicate } = yield* q(
          repo.append({
            customerId,
            kind: "expire",
            delta: -due,
            reason: "Điểm hết hạn",
            sourceKey: `expire:${customerId}:${lastId}`,
            actor: SYSTEM,
            now: at,
          }),
        );
        return duplicate ? 0 : due;
      });
      expired += wrote;
      // On SQLite each transaction is synchronous: serve the event loop every 50 customers.
      if (i % 50 === 49) await yieldToEventLoop();
    }
    return { expired };
  }

  /**
   * A new version of the rules (already checked whole by the shared schema: all or nothing), audited with what
   * changed in the same transaction. The same rules again save nothing: the version in force is the answer.
   */
  async function setRules(actor: Principal, rules: LoyaltyRules) {
    const at = now();
    return store.tx(function* () {
      const current = yield* q(repo.currentRules());
      const changes = loyaltyRulesChanges(current.rules, rules);
      if (changes.length === 0 && current.version > 0) return { version: current.version, rules: current.rules, changes };
      const version = yield* q(repo.saveRules(rules, `${actorOf(actor).kind}:${actor.id}`, at));
      yield* q(audit(store, { actor: actorOf(actor), action: "loyalty_rules.set", targetId: String(version), details: { changes }, at }));
      return { version, rules, changes };
    });
  }

  /** Saved versions, newest first: who saved each, when, its rules and what it changed from the one before. */
  async function ruleHistory(p: { before?: number; limit: number }) {
    const rows = await repo.ruleHistory(p);
    const parsed = rows.map((r) => ({ ...r, rules: LoyaltyRules.parse(JSON.parse(r.rules)) }));
    const versions = parsed.slice(0, p.limit).map((r, i) => ({
      version: r.version,
      changedBy: r.changedBy,
      changedByName: r.changedByName,
      createdAt: r.createdAt,
      rules: r.rules,
      // The first version changed the defaults (version 0, never stored).
      changes: loyaltyRulesChanges(parsed[i + 1]?.rules ?? (r.version === 1 ? DEFAULT_LOYALTY_RULES : r.rules), r.rules),
    }));
    return { versions, nextBefore: rows.length > p.limit ? versions.at(-1)!.version : null };
  }

  return {
    summary,
    history,
    previewMember,
    award,
    adjust,
    expireDue,
    rules: () => repo.currentRules(),
    setRules,
    ruleHistory,
    append: repo.append,
  };
}

export type LoyaltyService = ReturnType<typeof createLoyaltyService>;
