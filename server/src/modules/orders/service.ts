import { randomUUID } from "node:crypto";
import {
  canTransition,
  ErrorCode,
  pointsForPurchase,
  pointsReversal,
  tierFor,
  type Order,
  type OrderStatus,
  type Pickup,
  type PlaceOrderBody,
} from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit, type Actor } from "../../lib/audit";
import { humanCode } from "../../lib/codes";
import { assertStoreAccess } from "../../lib/scope";
import type { IdentityRepo } from "../identity/repo";
import type { LoyaltyRepo } from "../loyalty/repo";
import type { AutomationEvent } from "../automations/service";
import type { CartService } from "../carts/service";
import type { MenuService } from "../menu/service";
import type { OrderRepo, OrderRow } from "./repo";

const DAY = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const vnd = (n: number) => `${n.toLocaleString("vi-VN")}đ`;
/** A pickup time may be a few minutes in the past (a slow submit) and at most a week ahead. */
const PICKUP_PAST_MS = 5 * 60_000;
const PICKUP_AHEAD_MS = 7 * DAY;
const LIVE: OrderStatus[] = ["placed", "confirmed", "ready"];
/** Checkout methods whose money Zalo never sees: the shop reports their result (updateOrderStatus, §8.4). */
export const OFFLINE_CHECKOUT = ["COD", "BANK"];
export const offlineCheckout = (o: Pick<OrderRow, "checkoutOrderId" | "checkoutMethod">) =>
  !!o.checkoutOrderId && OFFLINE_CHECKOUT.includes(o.checkoutMethod ?? "");

/**
 * Orders. Rules kept here (and tested in orders.test.ts):
 * - The stores module says whether the store takes the order (active; open now for a table order; the pickup time
 *   inside its opening hours), before anything is priced or written. A request id already placed answers its order.
 * - The menu module prices the order (menu, options, voucher, `orderTotals`); a client total that differs is refused.
 * - Voucher: validated at placing (owner, active, store, minimum spend) and reserved by the order while it is live
 *   (a partial unique index: two live orders never hold one voucher). The vouchers module checks, redeems and restores
 *   it (its only writer), inside the order's transaction. It is redeemed once, by the counter's conditional update and
 *   audit, when the order completes (even if it expired meanwhile: it was valid when the shopper ordered). Cancelling a
 *   live order releases it. Cancelling a completed order restores it to active if it has not expired, else it stays used.
 * - Points: earned once on completion (ledger key `order:<id>`, tier multiplier before the order). Cancelling a
 *   completed order appends one `reverse` entry (`order:<id>:reverse`) that takes back what was earned, never below
 *   zero; what the shopper already spent is recorded on the order as `points_shortfall` and absorbed by the shop.
 * - Payment (taken by the payments module): a Zalo Checkout order must be paid before staff confirm it; a counter
 *   order is paid when completed. Cancelling a paid order marks it `refund_due`: a console task until someone marks
 *   the refund made (Zalo documents no refund API). A counter or bank order that went through Checkout (COD/BANK)
 *   owes Zalo its result (updateOrderStatus): 1 when completed, -1 when cancelled unpaid, 2 once refunded.
 */
export function createOrderService(deps: {
  store: Store;
  repo: OrderRepo;
  identityRepo: Pick<IdentityRepo, "byId" | "storeExists">;
  /** The stores module: whether a store takes this order now (active, open for a table, pickup inside its hours). A step in the order's transaction. */
  stores: { assertTakesOrder: (storeId: string, pickup: Pickup, at: number) => Awaitable<void> };
  menu: Pick<MenuService, "price">;
  /** The vouchers module: the only writer of vouchers (redemption and its audit, restore), steps in the order's transaction. */
  vouchers: {
    redeemForOrder: (p: { voucherId: string; orderId: string; storeId: string; actor: Actor; placedAt: number; at: number }) => Awaitable<boolean>;
    restoreForOrder: (p: { voucherId: string; redeemedAt: number; at: number }) => Awaitable<boolean>;
  };
  loyaltyRepo: Pick<LoyaltyRepo, "append" | "currentRules" | "earnedSince" | "balanceOf">;
  /** The automations module records the event in the move's own transaction (a step; it records an occurrence once). */
  emit: (e: AutomationEvent) => Awaitable<unknown>;
  /** The carts module: an order placed at a store ends the shopper's saved cart there (and its reminder). */
  carts: Pick<CartService, "ordered">;
  /** The link to the order's rating page (the feedback recipe's `{rating_link}`). */
  ratingLink?: (orderId: string) => string;
  /** The payments module sends an order's due Checkout report once the transaction has committed. */
  checkoutDue?: (orderId: string) => void;
  now: () => number;
}) {
  const { store, repo, now } = deps;

  async function toOrder(o: OrderRow): Promise<Order> {
    const [customer, lines] = await Promise.all([deps.identityRepo.byId(o.customerId), repo.linesOf(o.id)]);
    return {
      id: o.id,
      code: o.code,
      customerId: o.customerId,
      customerName: customer?.name ?? "",
      storeId: o.storeId,
      status: o.status,
      pickup: o.pickupType === "table" ? { type: "table", table: o.tableLabel ?? "" } : { type: "pickup", at: iso(o.pickupAt)! },
      payment: o.paymentMethod,
      paymentStatus: o.paymentStatus,
      lines: lines.map((l) => ({
        productId: l.productId,
        name: l.name,
        quantity: l.quantity,
        unitPriceVnd: l.unitPriceVnd,
        options: JSON.parse(l.options),
        lineTotalVnd: l.lineTotalVnd,
      })),
      subtotalVnd: o.subtotalVnd,
      discountVnd: o.discountVnd,
      totalVnd: o.totalVnd,
      voucherId: o.voucherId,
      pointsEarned: o.pointsEarned,
      pointsReversed: o.pointsReversed,
      cancelReason: o.cancelReason,
      createdAt: iso(o.createdAt)!,
      updatedAt: iso(o.updatedAt)!,
      paidAt: iso(o.paidAt),
      completedAt: iso(o.completedAt),
      cancelledAt: iso(o.cancelledAt),
    };
  }

  /**
   * Places an order priced by the server. Once per request id; a wrong expected total writes nothing. On
   * PostgreSQL two concurrent placings of one request cannot both find no order: the second is serialized after
   * the first and run again, finding it.
   */
  async function place(customerId: string, body: PlaceOrderBody): Promise<{ order: Order; duplicate: boolean }> {
    const requestKey = `${customerId}:${body.requestId}`;
    const at = now();
    if (body.pickup.type === "pickup") {
      const when = Date.parse(body.pickup.at);
      if (when < at - PICKUP_PAST_MS || when > at + PICKUP_AHEAD_MS)
        throw new AppError(ErrorCode.PICKUP_TIME_INVALID, "Pick a pickup time from now to 7 days ahead");
    }
    const result = await store.tx(function* (): Step<{ id: string; duplicate: boolean }> {
      const existing = yield* q(repo.orderByRequest(requestKey));
      if (existing) return { id: existing.id, duplicate: true };
      yield* q(deps.stores.assertTakesOrder(body.storeId, body.pickup, at));
      const priced = yield* q(deps.menu.price(customerId, body, at));
      if (priced.totalVnd !== body.expectedTotal) {
        throw new AppError(
          ErrorCode.ORDER_TOTAL_MISMATCH,
          `The total is ${vnd(priced.totalVnd)}, not ${vnd(body.expectedTotal)}: prices or your voucher changed, check your cart`,
          {
            expectedTotal: body.expectedTotal,
            subtotalVnd: priced.subtotalVnd,
            discountVnd: priced.discountVnd,
            totalVnd: priced.totalVnd,
          },
        );
      }
      if (priced.voucher && (yield* q(repo.voucherReservedBy(priced.voucher.id))))
        throw new AppError(ErrorCode.VOUCHER_IN_USE, "This voucher is already applied to another order in progress");
      const id = randomUUID();
      yield* q(
        repo.insertOrder({
          id,
          code: humanCode(6),
          customerId,
          storeId: body.storeId,
          status: "placed",
          pickupType: body.pickup.type,
          pickupAt: body.pickup.type === "pickup" ? Date.parse(body.pickup.at) : null,
          tableLabel: body.pickup.type === "table" ? body.pickup.table : null,
          paymentMethod: body.payment,
          paymentStatus: "unpaid",
          subtotalVnd: priced.subtotalVnd,
          discountVnd: priced.discountVnd,
          totalVnd: priced.totalVnd,
          voucherId: priced.voucher?.id ?? null,
          voucherState: priced.voucher ? "reserved" : null,
          requestKey,
          createdAt: at,
          updatedAt: at,
        }),
      );
      yield* q(
        repo.insertLines(
          priced.lines.map((l) => ({
            orderId: id,
            productId: l.productId,
            name: l.name,
            quantity: l.quantity,
            unitPriceVnd: l.unitPriceVnd,
            options: JSON.stringify(l.options),
            lineTotalVnd: l.lineTotalVnd,
          })),
        ),
      );
      yield* q(deps.carts.ordered(customerId, body.storeId));
      yield* q(
        audit(store, {
          actor: { kind: "customer", id: customerId },
          action: "order.place",
          targetId: id,
          storeId: body.storeId,
          details: { totalVnd: priced.totalVnd, voucherId: priced.voucher?.id ?? null },
          at,
        }),
      );
      return { id, duplicate: false };
    });
    return { order: await toOrder((await repo.order(result.id))!), duplicate: result.duplicate };
  }

  /** A shopper's own order row; another person's looks exactly like a missing one. At once on SQLite (ratings reads it synchronously). */
  function ownRow(customerId: string, id: string): Awaitable<OrderRow> {
    const check = (o: OrderRow | undefined) => {
      if (!o || o.customerId !== customerId) throw new AppError(ErrorCode.ORDER_NOT_FOUND, "Order not found");
      return o;
    };
    const o = repo.order(id);
    return o instanceof Promise ? o.then(check) : check(o);
  }

  const mine = async (customerId: string) => Promise.all((await repo.ordersOf(customerId, 50)).map(toOrder));
  const own = async (customerId: string, id: string) => toOrder(await ownRow(customerId, id));

  async function staffRow(actor: Principal, id: string) {
    const o = await repo.order(id);
    if (!o) throw new AppError(ErrorCode.ORDER_NOT_FOUND, "Order not found");
    await assertStoreAccess(actor, o.storeId, deps.identityRepo.storeExists);
    return o;
  }

  async function storeOrders(actor: Principal, storeId: string, statuses: OrderStatus[] = LIVE) {
    await assertStoreAccess(actor, storeId, deps.identityRepo.storeExists);
    return Promise.all((await repo.ordersAt(storeId, statuses, 200)).map(toOrder));
  }

  const staffOrder = async (actor: Principal, id: string) => toOrder(await staffRow(actor, id));

  // ---- status moves ----

  /** The typed facts the automations' rules on the event read (CONDITION_VARS): beside the display strings. */
  const orderFacts = (o: OrderRow) => ({ order_total: o.totalVnd, store: o.storeId, channel: o.pickupType });

  /** The variables the order's automations may use (`{code}`, `{pickup}`…), for each status move. */
  function noticeVars(o: OrderRow, to: OrderStatus, extra: { points: number; reason?: string }): Record<string, string | number> {
    const vars: Record<string, string | number> = { code: o.code, total: vnd(o.totalVnd), amount: String(o.totalVnd), ...orderFacts(o) };
    if (to === "ready") {
      vars.table = o.tableLabel ?? "";
      vars.pickup = o.pickupType === "table" ? `đã xong, sẽ được mang ra bàn ${o.tableLabel}.` : "đã sẵn sàng! Mời bạn đến quầy nhận.";
    }
    if (to === "completed") {
      vars.points = extra.points;
      vars.points_earned = extra.points;
      vars.points_line = extra.points > 0 ? `, bạn được cộng ${extra.points} điểm` : "";
      vars.rating_link = deps.ratingLink?.(o.id) ?? "";
    }
    if (to === "cancelled") vars.reason = extra.reason ?? "";
    return vars;
  }

  /** One event per order and status (the automations' occurrence `order:<id>`): the notices are their recipes. */
  function* emitMove(o: OrderRow, to: OrderStatus, extra: { points: number; reason?: string }): Step<void> {
    if (to !== "confirmed" && to !== "ready" && to !== "completed" && to !== "cancelled") return;
    const vars = noticeVars(o, to, extra);
    yield* q(deps.emit({ trigger: `order_${to}`, customerId: o.customerId, occurrenceKey: `order:${o.id}`, vars }));
    if (to === "completed" && !(yield* q(repo.hasOtherCompleted(o.customerId, o.id))))
      yield* q(
        deps.emit({
          trigger: "first_purchase",
          customerId: o.customerId,
          occurrenceKey: o.customerId,
          vars: { code: o.code, total: vnd(o.totalVnd), ...orderFacts(o) },
        }),
      );
  }

  function* complete(o: OrderRow, actor: Actor, at: number): Step<number> {
    if (o.paymentMethod === "counter" && o.paymentStatus !== "paid") yield* q(repo.markPaid({ id: o.id, at, transId: null, checkoutOrderId: null }));
    const { rules } = yield* q(deps.loyaltyRepo.currentRules());
    const { tier } = tierFor(rules, yield* q(deps.loyaltyRepo.earnedSince(o.customerId, at - rules.tierWindowDays * DAY)));
    const points = pointsForPurchase(rules, o.totalVnd, tier.multiplier);
    let earned = 0;
    if (points > 0) {
      const { entry } = yield* q(
        deps.loyaltyRepo.append({
          customerId: o.customerId,
          kind: "earn",
          delta: points,
          reason: `Đơn hàng ${o.code} (${vnd(o.totalVnd)})`,
          sourceKey: `order:${o.id}`,
          storeId: o.storeId,
          actor,
          expiresAt: at + rules.pointsValidDays * DAY,
          now: at,
        }),
      );
      earned = entry.delta;
    }
    let voucherState = o.voucherState;
    if (o.voucherId) {
      const ok = yield* q(deps.vouchers.redeemForOrder({ voucherId: o.voucherId, orderId: o.id, storeId: o.storeId, actor, placedAt: o.createdAt, at }));
      voucherState = ok ? "redeemed" : "conflict";
    }
    yield* q(repo.set(o.id, { pointsEarned: earned, voucherState, ...(offlineCheckout(o) ? { checkoutReportDue: 1 } : {}) }));
    return earned;
  }

  function* cancel(o: OrderRow, actor: Actor, reason: string, at: number): Step<void> {
    const set: Parameters<OrderRepo["set"]>[1] = { cancelReason: reason };
    if (o.paymentStatus === "paid") set.paymentStatus = "refund_due";
    else if (offlineCheckout(o)) set.checkoutReportDue = -1; // never paid: Checkout closes it as failed
    if (o.status === "completed") {
      if (o.pointsEarned > 0) {
        const { reverse, shortfall } = pointsReversal(o.pointsEarned, (yield* q(deps.loyaltyRepo.balanceOf(o.customerId))) ?? 0);
        yield* q(
          deps.loyaltyRepo.append({
            customerId: o.customerId,
            kind: "reverse",
            delta: -reverse,
            reason: `Hủy đơn ${o.code}${shortfall ? ` (${shortfall} điểm đã dùng, không thu hồi)` : ""}`,
            sourceKey: `order:${o.id}:reverse`,
            storeId: o.storeId,
            actor,
            now: at,
          }),
        );
        set.pointsReversed = reverse;
        set.pointsShortfall = shortfall;
      }
      if (o.voucherId && o.voucherState === "redeemed") {
        set.voucherState = (yield* q(deps.vouchers.restoreForOrder({ voucherId: o.voucherId, redeemedAt: o.completedAt!, at }))) ? "restored" : "kept";
      }
    } else if (o.voucherId) {
      set.voucherState = "released"; // the reservation ends with the live order (the partial unique index frees it)
    }
    yield* q(repo.set(o.id, set));
  }

  /** Staff transitions run in a transaction; a report they made due is sent after it commits. */
  function afterCommit(o: OrderRow) {
    if (o.checkoutReportDue != null) deps.checkoutDue?.(o.id);
  }

  /**
   * One status move, inside the caller's transaction, from the order as read in it. The conditional update makes
   * one of two concurrent moves from one state win on SQLite; on PostgreSQL the loser is serialized after the
   * winner and run again from its read, so it sees the new state and is refused (or moves on from it).
   */
  function* move(o: OrderRow, to: OrderStatus, actor: Actor, reason: string | undefined, at: number): Step<void> {
    if (!canTransition(o.status, to))
      throw new AppError(ErrorCode.ORDER_STATUS_INVALID, `This order is ${o.status}: it cannot become ${to}`, { status: o.status });
    if (to === "confirmed" && o.paymentMethod === "zalopay" && o.paymentStatus !== "paid")
      throw new AppError(ErrorCode.ORDER_NOT_PAID, "This order is paid through Zalo and has not been paid yet");
    if (!(yield* q(repo.move(o.id, o.status, to, at)))) throw new AppError(ErrorCode.ORDER_STATUS_INVALID, "This order just changed: reload it");
    let points = 0;
    if (to === "completed") points = yield* complete(o, actor, at);
    if (to === "cancelled") yield* cancel(o, actor, reason ?? "", at);
    yield* emitMove(o, to, { points, reason });
    yield* q(audit(store, { actor, action: `order.${to}`, targetId: o.id, storeId: o.storeId, details: { from: o.status, reason }, at }));
  }

  /** Staff of the order's store (or an admin) move it along. */
  async function transition(actor: Principal, id: string, body: { status: OrderStatus; reason?: string }): Promise<Order> {
    await staffRow(actor, id);
    const at = now();
    await store.tx(function* () {
      yield* move((yield* q(repo.order(id)))!, body.status, actorOf(actor), body.reason, at);
    });
    const o = (await repo.order(id))!;
    afterCommit(o);
    return toOrder(o);
  }

  /** A shopper may cancel their own order until the store confirms it, if it has not been paid. */
  async function cancelOwn(customerId: string, id: string, reason: string): Promise<Order> {
    await ownRow(customerId, id);
    const at = now();
    await store.tx(function* () {
      const o = (yield* q(repo.order(id)))!;
      if (o.status !== "placed")
        throw new AppError(ErrorCode.ORDER_STATUS_INVALID, "The store has already started this order: ask the staff to cancel it", { status: o.status });
      if (o.paymentStatus === "paid") throw new AppError(ErrorCode.ORDER_ALREADY_PAID, "This order is paid: ask the staff to cancel and refund it");
      yield* move(o, "cancelled", { kind: "customer", id: customerId }, reason, at);
    });
    const o = (await repo.order(id))!;
    afterCommit(o);
    return toOrder(o);
  }

  return {
    place,
    mine,
    own,
    storeOrders,
    staffOrder,
    transition,
    cancelOwn,
    ownRow,
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
