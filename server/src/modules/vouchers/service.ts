import { randomInt, randomUUID } from "node:crypto";
import {
  counterName,
  ErrorCode,
  voucherExpiry,
  type AdminCampaign,
  type Campaign,
  type CampaignInput,
  type CatalogueItem,
  type CounterVoucher,
  type Voucher,
  type VoucherQr,
} from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { createGroupCommit, Refusal } from "../../db/group-commit";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit, type Actor } from "../../lib/audit";
import { humanCode, normalizeMemberCode, normalizeVoucherCode } from "../../lib/codes";
import { assertStoreAccess } from "../../lib/scope";
import type { createSigner } from "../../lib/signed-token";
import type { IdentityRepoSync } from "../identity/repo";
import type { LoyaltyRepoSync } from "../loyalty/repo";
import type { CampaignRow, VoucherRepo, VoucherRow } from "./repo";

const QR_TTL_MS = 60_000;
const QR_REFRESH_S = 30;
/** A counter code is kept this long past its expiry, to be told apart from a mistyped one. */
const CODE_KEPT_MS = 15 * 60_000;
/**
 * A typed code checked just before it expired can still be confirmed this long after (staff read the voucher
 * over between "Kiểm tra" and "Xác nhận sử dụng"); a new check is not given it. Well inside CODE_KEPT_MS.
 */
const CODE_REDEEM_GRACE_MS = 5 * 60_000;
/** 6 digits: read out and typed at a busy counter. */
const counterCodeOf = (typed: string) => {
  const digits = typed.replace(/[\s.-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
};
/** A service-level rule as one more field problem, shaped like the schema's (the console words it in Vietnamese). */
const fieldIssue = (field: string, message: string, vi: string) => ({ keyword: "custom", instancePath: `/${field}`, message, params: { params: { vi } } });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ms = (s: string | null) => (s === null ? null : Date.parse(s));

export function toCampaign(r: CampaignRow): Campaign {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    value: r.value,
    maxDiscountVnd: r.maxDiscountVnd,
    freeItem: r.freeItem,
    minSpendVnd: r.minSpendVnd,
    stock: r.stock,
    issued: r.issued,
    remaining: r.stock === null ? null : Math.max(0, r.stock - r.issued),
    perCustomerLimit: r.perCustomerLimit,
    validFrom: iso(r.validFrom),
    validTo: iso(r.validTo),
    validDaysAfterClaim: r.validDaysAfterClaim,
    costPoints: r.costPoints,
    storeIds: JSON.parse(r.storeIds),
    requiresFollow: r.requiresFollow,
    listed: r.listed,
    active: r.active,
  };
}

function statusOf(v: VoucherRow, now: number): Voucher["status"] {
  if (v.status === "redeemed") return "used";
  if (v.status === "void") return "void";
  return v.expiresAt <= now ? "expired" : "active";
}

/**
 * Why a shopper cannot claim a campaign right now, as a stable code, or null when they can.
 * Checked again inside the claiming transaction; this is also what the catalogue shows.
 */
function claimBlocker(c: CampaignRow, p: { now: number; claimed: number; followsOa: boolean; balance: number }) {
  if (!c.active || (c.validFrom !== null && p.now < c.validFrom) || (c.validTo !== null && p.now >= c.validTo)) return ErrorCode.CAMPAIGN_NOT_ACTIVE;
  if (c.stock !== null && c.issued >= c.stock) return ErrorCode.CAMPAIGN_OUT_OF_STOCK;
  if (p.claimed >= c.perCustomerLimit) return ErrorCode.CAMPAIGN_LIMIT_REACHED;
  if (c.requiresFollow && !p.followsOa) return ErrorCode.FOLLOW_REQUIRED;
  if (c.costPoints > p.balance) return ErrorCode.INSUFFICIENT_POINTS;
  return null;
}

const BLOCKER_MESSAGE: Record<string, string> = {
  [ErrorCode.CAMPAIGN_NOT_ACTIVE]: "This offer is not running right now",
  [ErrorCode.CAMPAIGN_OUT_OF_STOCK]: "All vouchers of this offer have been claimed",
  [ErrorCode.CAMPAIGN_LIMIT_REACHED]: "You have already claimed this offer as many times as allowed",
  [ErrorCode.FOLLOW_REQUIRED]: "Follow our Official Account on Zalo to claim this offer",
  [ErrorCode.INSUFFICIENT_POINTS]: "Not enough points for this voucher",
};

export function createVoucherService(deps: {
  db: Db;
  repo: VoucherRepo;
  loyaltyRepo: Pick<LoyaltyRepoSync, "append">;
  identityRepo: Pick<IdentityRepoSync, "byId" | "storeExists" | "memberRef">;
  /** Whether a redeemer's id is a console operator's (named as such at the counter). */
  operatorExists: (id: string) => boolean;
  qrSigner: ReturnType<typeof createSigner>;
  now: () => number;
}) {
  const { db, repo, now } = deps;

  function toVoucher(v: VoucherRow, at = now()): Voucher {
    const c = toCampaign(repo.campaign(v.campaignId)!);
    return {
      id: v.id,
      code: v.code,
      status: statusOf(v, at),
      campaign: {
        id: c.id,
        name: c.name,
        description: c.description,
        kind: c.kind,
        value: c.value,
        maxDiscountVnd: c.maxDiscountVnd,
        freeItem: c.freeItem,
        minSpendVnd: c.minSpendVnd,
        storeIds: c.storeIds,
      },
      issuedAt: iso(v.issuedAt)!,
      expiresAt: iso(v.expiresAt)!,
      redeemedAt: iso(v.redeemedAt),
      redeemedStoreId: v.redeemedStoreId,
      source: v.source,
    };
  }

  // ---- admin ----

  function campaignRow(input: CampaignInput) {
    return {
      name: input.name,
      description: input.description,
      kind: input.kind,
      value: input.value,
      maxDiscountVnd: input.maxDiscountVnd,
      freeItem: input.freeItem,
      minSpendVnd: input.minSpendVnd,
      stock: input.stock,
      perCustomerLimit: input.perCustomerLimit,
      validFrom: ms(input.validFrom),
      validTo: ms(input.validTo),
      validDaysAfterClaim: input.validDaysAfterClaim,
      costPoints: input.costPoints,
      storeIds: JSON.stringify([...new Set(input.storeIds)]),
      requiresFollow: input.requiresFollow,
      listed: input.listed,
      active: input.active,
    };
  }

  function assertStores(ids: string[]) {
    const unknown = ids.filter((s) => !deps.identityRepo.storeExists(s));
    if (unknown.length)
      throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`, [
        fieldIssue("storeIds", `unknown store ${unknown.join(", ")}`, "có cửa hàng không còn tồn tại, hãy chọn lại"),
      ]);
  }

  function createCampaign(actor: Principal, input: CampaignInput): Campaign {
    assertStores(input.storeIds);
    const id = randomUUID();
    const at = now();
    tx(db, () => {
      repo.insertCampaign({ id, ...campaignRow(input), createdAt: at, updatedAt: at });
      audit(db, { actor: actorOf(actor), action: "campaign.create", targetId: id, details: input, at });
    });
    return toCampaign(repo.campaign(id)!);
  }

  function updateCampaign(actor: Principal, id: string, input: CampaignInput): Campaign {
    assertStores(input.storeIds);
    const at = now();
    tx(db, () => {
      const current = repo.campaign(id);
      if (!current) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, "Campaign not found");
      if (input.stock !== null && input.stock < current.issued) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, `Stock cannot go below the ${current.issued} vouchers already issued`, [
          fieldIssue("stock", "stock cannot go below the vouchers already issued", `kho không được ít hơn ${current.issued} voucher đã phát`),
        ]);
      }
      repo.updateCampaign(id, { ...campaignRow(input), updatedAt: at });
      audit(db, { actor: actorOf(actor), action: "campaign.update", targetId: id, details: input, at });
    });
    return toCampaign(repo.campaign(id)!);
  }

  /** Every campaign with what became of its vouchers (counted in the repo, one grouped scan). */
  function listCampaigns(): AdminCampaign[] {
    const counts = repo.campaignCounts(now());
    return repo.campaigns().map((r) => {
      const c = counts.get(r.id);
      const byStore = [...(c?.byStore ?? new Map<string, number>())]
        .map(([storeId, redeemed]) => ({ storeId, storeName: repo.storeName(storeId), redeemed }))
        .sort((a, b) => b.redeemed - a.redeemed || a.storeName.localeCompare(b.storeName));
      return { ...toCampaign(r), stats: { issued: r.issued, redeemed: c?.redeemed ?? 0, expired: c?.expired ?? 0, byStore } };
    });
  }

  /**
   * Deactivates or reactivates a campaign: off, it leaves the shopper's catalogue and cannot be claimed or won
   * (claimBlocker); vouchers already issued stay usable until they expire.
   */
  function setCampaignActive(actor: Principal, id: string, active: boolean): Campaign {
    const at = now();
    tx(db, () => {
      const current = repo.campaign(id);
      if (!current) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, "Campaign not found");
      if (current.active === active) return;
      repo.updateCampaign(id, { active, updatedAt: at });
      audit(db, { actor: actorOf(actor), action: active ? "campaign.reactivate" : "campaign.deactivate", targetId: id, at });
    });
    return toCampaign(repo.campaign(id)!);
  }

  // ---- shopper ----

  function catalogue(customerId: string): CatalogueItem[] {
    const me = deps.identityRepo.byId(customerId)!;
    const counts = repo.claimCounts(customerId);
    const at = now();
    return repo
      .campaigns()
      .filter((c) => c.listed && c.active && (c.validTo === null || c.validTo > at))
      .map((c) => {
        const claimed = counts.get(c.id) ?? 0;
        const blockedBy = claimBlocker(c, { now: at, claimed, followsOa: me.followsOa, balance: me.pointsBalance });
        return { ...toCampaign(c), claimedByMe: claimed, claimable: blockedBy === null, blockedBy };
      });
  }

  /**
   * Issues one voucher of a campaign to a customer, all in one transaction: limits, follow, stock
   * (conditional update, so stock 10 means 10 vouchers however many claim at once) and the points
   * it costs. `sourceKey` makes a retried issue return the voucher already issued.
   */
  function issue(p: { campaignId: string; customerId: string; source: string; sourceKey: string | null; actor: Actor }): {
    voucher: VoucherRow;
    duplicate: boolean;
  } {
    return tx(db, () => {
      if (p.sourceKey) {
        const existing = repo.voucherBySource(p.sourceKey);
        if (existing) return { voucher: existing, duplicate: true };
      }
      const c = repo.campaign(p.campaignId);
      if (!c || (!c.listed && p.source === "claim")) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, "Campaign not found");
      const me = deps.identityRepo.byId(p.customerId)!;
      const at = now();
      const blocker = claimBlocker(c, { now: at, claimed: repo.claimedBy(c.id, p.customerId), followsOa: me.followsOa, balance: me.pointsBalance });
      if (blocker) {
        throw new AppError(blocker, BLOCKER_MESSAGE[blocker]!);
      }
      if (!repo.takeStock(c.id)) throw new AppError(ErrorCode.CAMPAIGN_OUT_OF_STOCK, BLOCKER_MESSAGE[ErrorCode.CAMPAIGN_OUT_OF_STOCK]!);
      const id = randomUUID();
      if (c.costPoints > 0) {
        deps.loyaltyRepo.append({
          customerId: p.customerId,
          kind: "spend",
          delta: -c.costPoints,
          reason: `Đổi voucher: ${c.name}`,
          sourceKey: `voucher:${id}`,
          actor: p.actor,
          now: at,
        });
      }
      repo.insertVoucher({
        id,
        campaignId: c.id,
        customerId: p.customerId,
        code: humanCode(8),
        source: p.source,
        sourceKey: p.sourceKey,
        issuedAt: at,
        expiresAt: voucherExpiry(c, at),
      });
      return { voucher: repo.voucher(id)!, duplicate: false };
    });
  }

  function claim(customerId: string, campaignId: string, requestId?: string) {
    const { voucher } = issue({
      campaignId,
      customerId,
      source: "claim",
      sourceKey: requestId ? `claim:${customerId}:${requestId}` : null,
      actor: { kind: "customer", id: customerId },
    });
    return { voucher: toVoucher(voucher), balance: deps.identityRepo.byId(customerId)!.pointsBalance };
  }

  function mine(customerId: string, status?: Voucher["status"]) {
    const at = now();
    return repo
      .vouchersOf(customerId)
      .map((v) => toVoucher(v, at))
      .filter((v) => !status || v.status === status);
  }

  /** A shopper's own voucher; another person's looks exactly like a missing one. */
  function own(customerId: string, id: string) {
    const v = repo.voucher(id);
    if (!v || v.customerId !== customerId) throw new AppError(ErrorCode.VOUCHER_NOT_FOUND, "Voucher not found");
    return v;
  }

  function qr(customerId: string, id: string): VoucherQr {
    const v = own(customerId, id);
    const status = statusOf(v, now());
    if (status !== "active")
      throw new AppError(
        status === "used" ? ErrorCode.VOUCHER_ALREADY_REDEEMED : status === "void" ? ErrorCode.VOUCHER_VOID : ErrorCode.VOUCHER_EXPIRED,
        `This voucher is ${status}`,
      );
    const at = now();
    const expiresAt = Math.min(at + QR_TTL_MS, v.expiresAt);
    return {
      payload: deps.qrSigner.sign("MCV1", v.id, expiresAt),
      code: newCounterCode(v.id, expiresAt, at),
      expiresAt: iso(expiresAt)!,
      refreshInSeconds: QR_REFRESH_S,
    };
  }

  /** A fresh 6-digit code for this QR, unique among the codes kept (live or recently expired). */
  function newCounterCode(voucherId: string, expiresAt: number, at: number) {
    for (let i = 0; i < 20; i++) {
      const code = String(randomInt(1_000_000)).padStart(6, "0");
      if (repo.addCounterCode({ code, voucherId, expiresAt, dropBefore: at - CODE_KEPT_MS })) return code;
    }
    // Only reachable with most of a million codes kept at once.
    throw new AppError(ErrorCode.RATE_LIMITED, "Too many voucher screens open: try again in a moment");
  }

  // ---- staff counter ----

  type CounterInput = { qr?: string; code?: string; memberCode?: string; voucherId?: string };

  /**
   * What staff scanned or typed → the voucher. Forged and stale QR codes are told apart; a typed code is
   * the 6-digit one under a live QR (the voucher's printed code is never accepted); the member path needs
   * the card of the person the voucher belongs to.
   */
  function resolve(input: CounterInput, { codeGraceMs = 0 }: { codeGraceMs?: number } = {}): VoucherRow {
    let v: VoucherRow | undefined;
    if (input.qr) {
      const check = deps.qrSigner.verify("MCV1", input.qr, now());
      if (!check.ok) {
        if (check.reason === "expired") throw new AppError(ErrorCode.QR_EXPIRED, "This QR code is out of date: ask the customer to reopen the voucher");
        throw new AppError(ErrorCode.QR_INVALID, "This is not a valid voucher QR code");
      }
      v = repo.voucher(check.id);
    } else if (input.voucherId) {
      const member = deps.identityRepo.memberRef(normalizeMemberCode(input.memberCode ?? ""));
      const found = member ? repo.voucher(input.voucherId) : undefined;
      // Another member's voucher looks exactly like a missing one.
      v = found && found.customerId === member!.id ? found : undefined;
    } else {
      const typed = counterCodeOf(input.code ?? "");
      const row = typed ? repo.counterCode(typed) : undefined;
      if (row) {
        v = repo.voucher(row.voucherId);
        // A stale code of a voucher still usable is refused; one that has since been used or has expired
        // resolves, so the counter says what became of it.
        if (v && row.expiresAt + codeGraceMs <= now() && statusOf(v, now()) === "active") throw staleCode();
      } else if (!typed && repo.voucherByCode(normalizeVoucherCode(input.code ?? ""))) throw staleCode();
    }
    if (!v) throw new AppError(ErrorCode.VOUCHER_NOT_FOUND, "No voucher with this code");
    return v;
  }
  const staleCode = () => new AppError(ErrorCode.VOUCHER_CODE_EXPIRED, "This code is out of date: ask the customer for the code on their open voucher screen");

  /** Who redeemed a voucher, as the counter shows it: a staff member's name, "Quản trị viên" for an operator, null if nobody known. */
  const redeemerName = (v: VoucherRow) => {
    if (v.status !== "redeemed" || !v.redeemedBy) return null;
    return deps.identityRepo.byId(v.redeemedBy)?.name ?? (deps.operatorExists(v.redeemedBy) ? "Quản trị viên" : null);
  };

  const validAt = (v: VoucherRow, storeId: string) => {
    const ids: string[] = JSON.parse(repo.campaign(v.campaignId)!.storeIds);
    return ids.length === 0 || ids.includes(storeId);
  };

  function inspect(actor: Principal, input: CounterInput & { storeId: string }): CounterVoucher {
    assertStoreAccess(actor, input.storeId, deps.identityRepo.storeExists);
    const v = resolve(input);
    return { voucher: toVoucher(v), owner: repo.owner(v.customerId), validHere: validAt(v, input.storeId), redeemedBy: redeemerName(v) };
  }

  /** For a shopper whose phone cannot show the voucher: the member card → what they can use here now. */
  function ofMember(actor: Principal, input: { memberCode: string; storeId: string }) {
    assertStoreAccess(actor, input.storeId, deps.identityRepo.storeExists);
    const member = deps.identityRepo.memberRef(normalizeMemberCode(input.memberCode));
    if (!member) throw new AppError(ErrorCode.MEMBER_NOT_FOUND, "No member with this code");
    const at = now();
    const vouchers = repo
      .usableOf(member.id, at)
      .filter((v) => validAt(v, input.storeId))
      .map((v) => toVoucher(v, at));
    // A typed member code, like the points lookup, shows only the shortened name (not a QR the shopper holds up).
    const owner = repo.owner(member.id);
    return { owner: { ...owner, name: counterName(owner.name) }, vouchers };
  }

  // Counter redemptions share commits (see createGroupCommit).
  const inGroupCommit = createGroupCommit(db);

  /** Redeems at the counter. Settles after the commit; exactly one of any number of racing redemptions wins. */
  function redeem(actor: Principal, input: CounterInput & { storeId: string }): Promise<CounterVoucher> {
    assertStoreAccess(actor, input.storeId, deps.identityRepo.storeExists);
    const at = now();
    // The lookups, the conditional update and the answer in one transaction: the voucher read back is the
    // one this redemption left. Every refusal comes before the one write, so it can leave the batch whole.
    return inGroupCommit(() => {
      try {
        return redeemNow(actor, input, at);
      } catch (e) {
        if (e instanceof AppError) return new Refusal(e);
        throw e;
      }
    });
  }

  function redeemNow(actor: Principal, input: CounterInput & { storeId: string }, at: number): CounterVoucher {
    const v = resolve(input, { codeGraceMs: CODE_REDEEM_GRACE_MS });
    if (!validAt(v, input.storeId)) throw new AppError(ErrorCode.VOUCHER_NOT_VALID_AT_STORE, "This voucher cannot be used at this store");
    if (repo.markRedeemed({ id: v.id, at, storeId: input.storeId, by: actor.id })) {
      const via = input.qr ? "qr" : input.code ? "code" : "member";
      audit(db, {
        actor: actorOf(actor),
        action: "voucher.redeem",
        targetId: v.id,
        storeId: input.storeId,
        details: { customerId: v.customerId, campaignId: v.campaignId, via },
        at,
      });
      const after = repo.voucher(v.id)!;
      return { voucher: toVoucher(after, at), owner: repo.owner(v.customerId), validHere: true, redeemedBy: redeemerName(after) };
    }
    const after = repo.voucher(v.id)!;
    if (after.status === "redeemed") {
      const by = redeemerName(after);
      throw new AppError(ErrorCode.VOUCHER_ALREADY_REDEEMED, "This voucher was already used", {
        redeemedAt: iso(after.redeemedAt),
        storeId: after.redeemedStoreId,
        storeName: after.redeemedStoreId ? repo.storeName(after.redeemedStoreId) : null,
        staffName: by,
      });
    }
    if (after.status === "void") throw new AppError(ErrorCode.VOUCHER_VOID, "This voucher was cancelled");
    const order = repo.heldByOrder(v.id);
    if (order)
      throw new AppError(ErrorCode.VOUCHER_IN_USE, `This voucher is applied to order ${order}: it is used when that order completes`, { orderCode: order });
    throw new AppError(ErrorCode.VOUCHER_EXPIRED, `This voucher expired on ${iso(after.expiresAt)}`);
  }

  // ---- orders (called inside the order's transaction) ----

  /** The shopper's voucher and its campaign if it can go on an order at this store now; the reasons a shopper sees, most basic first. */
  function usableFor(customerId: string, voucherId: string, storeId: string, at: number): { voucher: VoucherRow; campaign: CampaignRow } {
    const v = repo.voucher(voucherId);
    // Another shopper's voucher looks exactly like a missing one.
    if (!v || v.customerId !== customerId) throw new AppError(ErrorCode.VOUCHER_NOT_FOUND, "Voucher not found");
    if (v.status === "void") throw new AppError(ErrorCode.VOUCHER_VOID, "This voucher was cancelled");
    if (v.status === "redeemed") throw new AppError(ErrorCode.VOUCHER_ALREADY_REDEEMED, "This voucher was already used");
    if (v.expiresAt <= at) throw new AppError(ErrorCode.VOUCHER_EXPIRED, `This voucher expired on ${iso(v.expiresAt)}`);
    if (!validAt(v, storeId)) throw new AppError(ErrorCode.VOUCHER_NOT_VALID_AT_STORE, "This voucher cannot be used at this store");
    return { voucher: v, campaign: repo.campaign(v.campaignId)! };
  }

  /**
   * Redeems the voucher of an order that completes: the counter's conditional update and audit. It must have been
   * unexpired when the order was placed (the shopper ordered with it); false when the row is no longer issued.
   */
  function redeemForOrder(p: { voucherId: string; orderId: string; storeId: string; actor: Actor; placedAt: number; at: number }): boolean {
    if (!repo.markRedeemed({ id: p.voucherId, at: p.at, storeId: p.storeId, by: p.actor.id, validAt: p.placedAt })) return false;
    const v = repo.voucher(p.voucherId)!;
    audit(db, {
      actor: p.actor,
      action: "voucher.redeem",
      targetId: v.id,
      storeId: p.storeId,
      details: { customerId: v.customerId, campaignId: v.campaignId, via: "order", orderId: p.orderId },
      at: p.at,
    });
    return true;
  }

  /** A cancelled order's voucher back to usable, if that order's redemption is the one on it and it has not expired. */
  const restoreForOrder = (p: { voucherId: string; redeemedAt: number; at: number }) => repo.restore({ id: p.voucherId, redeemedAt: p.redeemedAt, now: p.at });

  return {
    createCampaign,
    updateCampaign,
    listCampaigns,
    setCampaignActive,
    catalogue,
    issue,
    claim,
    mine,
    own: (c: string, id: string) => toVoucher(own(c, id)),
    qr,
    inspect,
    ofMember,
    redeem,
    usableFor,
    redeemForOrder,
    restoreForOrder,
  };
}

export type VoucherService = ReturnType<typeof createVoucherService>;
