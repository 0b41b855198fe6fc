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
import { Refusal } from "../../db/group-commit";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit, type Actor } from "../../lib/audit";
import { humanCode, normalizeMemberCode, normalizeVoucherCode } from "../../lib/codes";
import { assertStoreAccess } from "../../lib/scope";
import type { createSigner } from "../../lib/signed-token";
import type { IdentityRepo } from "../identity/repo";
import type { LoyaltyRepo } from "../loyalty/repo";
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
  store: Store;
  repo: VoucherRepo;
  loyaltyRepo: Pick<LoyaltyRepo, "append">;
  identityRepo: Pick<IdentityRepo, "byId" | "storeExists" | "memberRef">;
  /** Whether a redeemer's id is a console operator's (named as such at the counter). */
  operatorExists: (id: string) => Awaitable<boolean>;
  qrSigner: ReturnType<typeof createSigner>;
  now: () => number;
}) {
  const { store, repo, now } = deps;

  /** A voucher as the shopper and the counter see it: a step (its campaign is read in the caller's transaction). */
  function* voucherView(v: VoucherRow, at = now()): Step<Voucher> {
    const c = toCampaign((yield* q(repo.campaign(v.campaignId)))!);
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

  const campaignNow = async (id: string) => toCampaign((await repo.campaign(id))!);

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

  async function assertStores(ids: string[]) {
    const unknown: string[] = [];
    for (const s of ids) if (!(await deps.identityRepo.storeExists(s))) unknown.push(s);
    if (unknown.length)
      throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknown.join(", ")}`, [
        fieldIssue("storeIds", `unknown store ${unknown.join(", ")}`, "có cửa hàng không còn tồn tại, hãy chọn lại"),
      ]);
  }

  async function createCampaign(actor: Principal, input: CampaignInput): Promise<Campaign> {
    await assertStores(input.storeIds);
    const id = randomUUID();
    const at = now();
    await store.tx(function* () {
      yield* q(repo.insertCampaign({ id, ...campaignRow(input), createdAt: at, updatedAt: at }));
      yield* q(audit(store, { actor: actorOf(actor), action: "campaign.create", targetId: id, details: input, at }));
    });
    return campaignNow(id);
  }

  async function updateCampaign(actor: Principal, id: string, input: CampaignInput): Promise<Campaign> {
    await assertStores(input.storeIds);
    const at = now();
    await store.tx(function* () {
      const current = yield* q(repo.campaign(id));
      if (!current) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, "Campaign not found");
      if (input.stock !== null && input.stock < current.issued) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, `Stock cannot go below the ${current.issued} vouchers already issued`, [
          fieldIssue("stock", "stock cannot go below the vouchers already issued", `kho không được ít hơn ${current.issued} voucher đã phát`),
        ]);
      }
      yield* q(repo.updateCampaign(id, campaignRow(input), at));
      yield* q(audit(store, { actor: actorOf(actor), action: "campaign.update", targetId: id, details: input, at }));
    });
    return campaignNow(id);
  }

  /** Every campaign with what became of its vouchers (counted in the repo, one grouped scan). */
  async function listCampaigns(): Promise<AdminCampaign[]> {
    const at = now();
    return store.read(function* () {
      const counts = yield* q(repo.campaignCounts(at));
      const out: AdminCampaign[] = [];
      for (const r of yield* q(repo.campaigns())) {
        const c = counts.get(r.id);
        const byStore: AdminCampaign["stats"]["byStore"] = [];
        for (const [storeId, redeemed] of c?.byStore ?? []) byStore.push({ storeId, storeName: yield* q(repo.storeName(storeId)), redeemed });
        byStore.sort((a, b) => b.redeemed - a.redeemed || a.storeName.localeCompare(b.storeName));
        out.push({ ...toCampaign(r), stats: { issued: r.issued, redeemed: c?.redeemed ?? 0, expired: c?.expired ?? 0, byStore } });
      }
      return out;
    });
  }

  /**
   * Deactivates or reactivates a campaign: off, it leaves the shopper's catalogue and cannot be claimed or won
   * (claimBlocker); vouchers already issued stay usable until they expire.
   */
  async function setCampaignActive(actor: Principal, id: string, active: boolean): Promise<Campaign> {
    const at = now();
    await store.tx(function* () {
      const current = yield* q(repo.campaign(id));
      if (!current) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, "Campaign not found");
      if (current.active === active) return;
      yield* q(repo.setActive(id, active, at));
      yield* q(audit(store, { actor: actorOf(actor), action: active ? "campaign.reactivate" : "campaign.deactivate", targetId: id, at }));
    });
    return campaignNow(id);
  }

  // ---- shopper ----

  async function catalogue(customerId: string): Promise<CatalogueItem[]> {
    const at = now();
    return store.read(function* () {
      const me = (yield* q(deps.identityRepo.byId(customerId)))!;
      const counts = yield* q(repo.claimCounts(customerId));
      return (yield* q(repo.campaigns()))
        .filter((c) => c.listed && c.active && (c.validTo === null || c.validTo > at))
        .map((c) => {
          const claimed = counts.get(c.id) ?? 0;
          const blockedBy = claimBlocker(c, { now: at, claimed, followsOa: me.followsOa, balance: me.pointsBalance });
          return { ...toCampaign(c), claimedByMe: claimed, claimable: blockedBy === null, blockedBy };
        });
    });
  }

  /**
   * Issues one voucher of a campaign to a customer, all in one transaction (the caller's, when there is one: a
   * game's draw, a birthday scan): limits, follow, stock (conditional update, so stock 10 means 10 vouchers
   * however many claim at once) and the points it costs. `sourceKey` makes a retried issue return the voucher
   * already issued. Every check comes before the first write, so a refusal leaves the caller's transaction as it
   * was; the writes take the customer's row (points) before the campaign's (stock), the documented lock order.
   */
  function issue(p: { campaignId: string; customerId: string; source: string; sourceKey: string | null; actor: Actor }) {
    return store.join(function* (): Step<{ voucher: VoucherRow; duplicate: boolean }> {
      if (p.sourceKey) {
        const existing = yield* q(repo.voucherBySource(p.sourceKey));
        if (existing) return { voucher: existing, duplicate: true };
      }
      const c = yield* q(repo.campaign(p.campaignId));
      if (!c || (!c.listed && p.source === "claim")) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, "Campaign not found");
      const me = (yield* q(deps.identityRepo.byId(p.customerId)))!;
      const at = now();
      const claimed = yield* q(repo.claimedBy(c.id, p.customerId));
      const blocker = claimBlocker(c, { now: at, claimed, followsOa: me.followsOa, balance: me.pointsBalance });
      if (blocker) throw new AppError(blocker, BLOCKER_MESSAGE[blocker]!);
      const id = randomUUID();
      if (c.costPoints > 0) {
        // The ledger refuses a spend below zero itself (a conditional update of the balance): never a double spend.
        yield* q(
          deps.loyaltyRepo.append({
            customerId: p.customerId,
            kind: "spend",
            delta: -c.costPoints,
            reason: `Đổi voucher: ${c.name}`,
            sourceKey: `voucher:${id}`,
            actor: p.actor,
            now: at,
          }),
        );
      }
      if (!(yield* q(repo.takeStock(c.id)))) throw new AppError(ErrorCode.CAMPAIGN_OUT_OF_STOCK, BLOCKER_MESSAGE[ErrorCode.CAMPAIGN_OUT_OF_STOCK]!);
      yield* q(
        repo.insertVoucher({
          id,
          campaignId: c.id,
          customerId: p.customerId,
          code: humanCode(8),
          source: p.source,
          sourceKey: p.sourceKey,
          issuedAt: at,
          expiresAt: voucherExpiry(c, at),
        }),
      );
      return { voucher: (yield* q(repo.voucher(id)))!, duplicate: false };
    });
  }

  async function claim(customerId: string, campaignId: string, requestId?: string) {
    const { voucher } = await issue({
      campaignId,
      customerId,
      source: "claim",
      sourceKey: requestId ? `claim:${customerId}:${requestId}` : null,
      actor: { kind: "customer", id: customerId },
    });
    return store.read(function* () {
      return { voucher: yield* voucherView(voucher), balance: (yield* q(deps.identityRepo.byId(customerId)))!.pointsBalance };
    });
  }

  async function mine(customerId: string, status?: Voucher["status"]): Promise<Voucher[]> {
    const at = now();
    const all = await store.read(function* () {
      const out: Voucher[] = [];
      for (const v of yield* q(repo.vouchersOf(customerId))) out.push(yield* voucherView(v, at));
      return out;
    });
    return all.filter((v) => !status || v.status === status);
  }

  /** A shopper's own voucher; another person's looks exactly like a missing one. */
  async function own(customerId: string, id: string) {
    const v = await repo.voucher(id);
    if (!v || v.customerId !== customerId) throw new AppError(ErrorCode.VOUCHER_NOT_FOUND, "Voucher not found");
    return v;
  }

  async function qr(customerId: string, id: string): Promise<VoucherQr> {
    const v = await own(customerId, id);
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
      code: await newCounterCode(v.id, expiresAt, at),
      expiresAt: iso(expiresAt)!,
      refreshInSeconds: QR_REFRESH_S,
    };
  }

  /** A fresh 6-digit code for this QR, unique among the codes kept (live or recently expired). */
  async function newCounterCode(voucherId: string, expiresAt: number, at: number) {
    for (let i = 0; i < 20; i++) {
      const code = String(randomInt(1_000_000)).padStart(6, "0");
      if (await repo.addCounterCode({ code, voucherId, expiresAt, dropBefore: at - CODE_KEPT_MS })) return code;
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
  function* resolve(input: CounterInput, { codeGraceMs = 0 }: { codeGraceMs?: number } = {}): Step<VoucherRow> {
    let v: VoucherRow | undefined;
    if (input.qr) {
      const check = deps.qrSigner.verify("MCV1", input.qr, now());
      if (!check.ok) {
        if (check.reason === "expired") throw new AppError(ErrorCode.QR_EXPIRED, "This QR code is out of date: ask the customer to reopen the voucher");
        throw new AppError(ErrorCode.QR_INVALID, "This is not a valid voucher QR code");
      }
      v = yield* q(repo.voucher(check.id));
    } else if (input.voucherId) {
      const member = yield* q(deps.identityRepo.memberRef(normalizeMemberCode(input.memberCode ?? "")));
      const found = member ? yield* q(repo.voucher(input.voucherId)) : undefined;
      // Another member's voucher looks exactly like a missing one.
      v = found && found.customerId === member!.id ? found : undefined;
    } else {
      const typed = counterCodeOf(input.code ?? "");
      const row = typed ? yield* q(repo.counterCode(typed)) : undefined;
      if (row) {
        v = yield* q(repo.voucher(row.voucherId));
        // A stale code of a voucher still usable is refused; one that has since been used or has expired
        // resolves, so the counter says what became of it.
        if (v && row.expiresAt + codeGraceMs <= now() && statusOf(v, now()) === "active") throw staleCode();
      } else if (!typed && (yield* q(repo.voucherByCode(normalizeVoucherCode(input.code ?? ""))))) throw staleCode();
    }
    if (!v) throw new AppError(ErrorCode.VOUCHER_NOT_FOUND, "No voucher with this code");
    return v;
  }
  const staleCode = () => new AppError(ErrorCode.VOUCHER_CODE_EXPIRED, "This code is out of date: ask the customer for the code on their open voucher screen");

  /** Who redeemed a voucher, as the counter shows it: a staff member's name, "Quản trị viên" for an operator, null if nobody known. */
  function* redeemerName(v: VoucherRow): Step<string | null> {
    if (v.status !== "redeemed" || !v.redeemedBy) return null;
    const person = yield* q(deps.identityRepo.byId(v.redeemedBy));
    if (person) return person.name;
    return (yield* q(deps.operatorExists(v.redeemedBy))) ? "Quản trị viên" : null;
  }

  function* validAt(v: VoucherRow, storeId: string): Step<boolean> {
    const ids: string[] = JSON.parse((yield* q(repo.campaign(v.campaignId)))!.storeIds);
    return ids.length === 0 || ids.includes(storeId);
  }

  async function inspect(actor: Principal, input: CounterInput & { storeId: string }): Promise<CounterVoucher> {
    await assertStoreAccess(actor, input.storeId, deps.identityRepo.storeExists);
    return store.read(function* () {
      const v = yield* resolve(input);
      return {
        voucher: yield* voucherView(v),
        owner: yield* q(repo.owner(v.customerId)),
        validHere: yield* validAt(v, input.storeId),
        redeemedBy: yield* redeemerName(v),
      };
    });
  }

  /** For a shopper whose phone cannot show the voucher: the member card → what they can use here now. */
  async function ofMember(actor: Principal, input: { memberCode: string; storeId: string }) {
    await assertStoreAccess(actor, input.storeId, deps.identityRepo.storeExists);
    const member = await deps.identityRepo.memberRef(normalizeMemberCode(input.memberCode));
    if (!member) throw new AppError(ErrorCode.MEMBER_NOT_FOUND, "No member with this code");
    const at = now();
    return store.read(function* () {
      const vouchers: Voucher[] = [];
      for (const v of yield* q(repo.usableOf(member.id, at))) if (yield* validAt(v, input.storeId)) vouchers.push(yield* voucherView(v, at));
      // A typed member code, like the points lookup, shows only the shortened name (not a QR the shopper holds up).
      const owner = yield* q(repo.owner(member.id));
      return { owner: { ...owner, name: counterName(owner.name) }, vouchers };
    });
  }

  // Counter redemptions share commits on SQLite (see Store.groupCommit).
  const inGroupCommit = store.groupCommit();

  /** Redeems at the counter. Settles after the commit; exactly one of any number of racing redemptions wins. */
  async function redeem(actor: Principal, input: CounterInput & { storeId: string }): Promise<CounterVoucher> {
    await assertStoreAccess(actor, input.storeId, deps.identityRepo.storeExists);
    const at = now();
    // The lookups, the conditional update and the answer in one transaction: the voucher read back is the
    // one this redemption left. Every refusal comes before the one write, so it can leave the batch whole.
    return inGroupCommit(function* () {
      try {
        return yield* redeemNow(actor, input, at);
      } catch (e) {
        if (e instanceof AppError) return new Refusal(e);
        throw e;
      }
    });
  }

  function* redeemNow(actor: Principal, input: CounterInput & { storeId: string }, at: number): Step<CounterVoucher> {
    const v = yield* resolve(input, { codeGraceMs: CODE_REDEEM_GRACE_MS });
    if (!(yield* validAt(v, input.storeId))) throw new AppError(ErrorCode.VOUCHER_NOT_VALID_AT_STORE, "This voucher cannot be used at this store");
    if (yield* q(repo.markRedeemed({ id: v.id, at, storeId: input.storeId, by: actor.id }))) {
      const via = input.qr ? "qr" : input.code ? "code" : "member";
      yield* q(
        audit(store, {
          actor: actorOf(actor),
          action: "voucher.redeem",
          targetId: v.id,
          storeId: input.storeId,
          details: { customerId: v.customerId, campaignId: v.campaignId, via },
          at,
        }),
      );
      const after = (yield* q(repo.voucher(v.id)))!;
      return { voucher: yield* voucherView(after, at), owner: yield* q(repo.owner(v.customerId)), validHere: true, redeemedBy: yield* redeemerName(after) };
    }
    const after = (yield* q(repo.voucher(v.id)))!;
    if (after.status === "redeemed") {
      const by = yield* redeemerName(after);
      throw new AppError(ErrorCode.VOUCHER_ALREADY_REDEEMED, "This voucher was already used", {
        redeemedAt: iso(after.redeemedAt),
        storeId: after.redeemedStoreId,
        storeName: after.redeemedStoreId ? yield* q(repo.storeName(after.redeemedStoreId)) : null,
        staffName: by,
      });
    }
    if (after.status === "void") throw new AppError(ErrorCode.VOUCHER_VOID, "This voucher was cancelled");
    const order = yield* q(repo.heldByOrder(v.id));
    if (order)
      throw new AppError(ErrorCode.VOUCHER_IN_USE, `This voucher is applied to order ${order}: it is used when that order completes`, { orderCode: order });
    throw new AppError(ErrorCode.VOUCHER_EXPIRED, `This voucher expired on ${iso(after.expiresAt)}`);
  }

  // ---- orders (steps of the order's transaction) ----

  /** The shopper's voucher and its campaign if it can go on an order at this store now; the reasons a shopper sees, most basic first. */
  function usableFor(customerId: string, voucherId: string, storeId: string, at: number) {
    return store.read(function* (): Step<{ voucher: VoucherRow; campaign: CampaignRow }> {
      const v = yield* q(repo.voucher(voucherId));
      // Another shopper's voucher looks exactly like a missing one.
      if (!v || v.customerId !== customerId) throw new AppError(ErrorCode.VOUCHER_NOT_FOUND, "Voucher not found");
      if (v.status === "void") throw new AppError(ErrorCode.VOUCHER_VOID, "This voucher was cancelled");
      if (v.status === "redeemed") throw new AppError(ErrorCode.VOUCHER_ALREADY_REDEEMED, "This voucher was already used");
      if (v.expiresAt <= at) throw new AppError(ErrorCode.VOUCHER_EXPIRED, `This voucher expired on ${iso(v.expiresAt)}`);
      if (!(yield* validAt(v, storeId))) throw new AppError(ErrorCode.VOUCHER_NOT_VALID_AT_STORE, "This voucher cannot be used at this store");
      return { voucher: v, campaign: (yield* q(repo.campaign(v.campaignId)))! };
    });
  }

  /**
   * Redeems the voucher of an order that completes: the counter's conditional update and audit. It must have been
   * unexpired when the order was placed (the shopper ordered with it); false when the row is no longer issued.
   */
  function redeemForOrder(p: { voucherId: string; orderId: string; storeId: string; actor: Actor; placedAt: number; at: number }) {
    return store.join(function* (): Step<boolean> {
      if (!(yield* q(repo.markRedeemed({ id: p.voucherId, at: p.at, storeId: p.storeId, by: p.actor.id, validAt: p.placedAt })))) return false;
      const v = (yield* q(repo.voucher(p.voucherId)))!;
      yield* q(
        audit(store, {
          actor: p.actor,
          action: "voucher.redeem",
          targetId: v.id,
          storeId: p.storeId,
          details: { customerId: v.customerId, campaignId: v.campaignId, via: "order", orderId: p.orderId },
          at: p.at,
        }),
      );
      return true;
    });
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
    own: async (c: string, id: string) => {
      const v = await own(c, id);
      return store.read(() => voucherView(v));
    },
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
