import { ErrorCode, type CheckoutParams, type PaymentState } from "@mc/shared";
import { q, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import { audit, SYSTEM } from "../../lib/audit";
import { checkoutMac, notifyMac, parseExtradata, sameMac } from "../../zalo/checkout";
import type { ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import type { Principal } from "../../http/auth";
import { actorOf } from "../../lib/audit";
import type { OrderRepo, OrderRow } from "../orders/repo";
import { OFFLINE_CHECKOUT, offlineCheckout, type OrderService } from "../orders/service";
import type { PaymentRepo } from "./repo";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type CheckoutReply = { returnCode: 0 | 1; returnMessage: string };

/**
 * Zalo Checkout (zalo-platform.md §8). The payment state lives on the order (the orders module's table, written
 * through its repo); this module makes the createOrder MAC, verifies Zalo's callbacks and asks getOrderStatus.
 */
export function createPaymentService(deps: {
  store: Store;
  repo: PaymentRepo;
  orders: Pick<OrderService, "ownRow">;
  orderRepo: Pick<
    OrderRepo,
    | "order"
    | "orderByCheckoutId"
    | "linesOf"
    | "set"
    | "markPaid"
    | "markFailed"
    | "linkCheckout"
    | "dueReports"
    | "claimReport"
    | "reported"
    | "reportFailed"
    | "refundsDue"
    | "failingReports"
    | "releaseFailedReport"
    | "markRefunded"
  >;
  zalo: Pick<ZaloClient, "getCheckoutStatus" | "updateCheckoutStatus">;
  /** `method`: the online method; `codMethod`: what a "pay at the counter" order is created with. */
  checkout: { appId: string; privateKey: string | undefined; method: string; codMethod: string };
  now: () => number;
  onError?: (err: unknown, orderId: string) => void;
}) {
  const { store, repo, orderRepo, now } = deps;
  const { ownRow } = deps.orders;

  function privateKey() {
    const key = deps.checkout.privateKey;
    if (!key) throw new AppError(ErrorCode.CHECKOUT_NOT_CONFIGURED, "Zalo payments are not set up for this shop");
    return key;
  }

  /** The createOrder params for zmp-sdk, with the server-made MAC (§8.2). */
  async function checkout(customerId: string, id: string): Promise<CheckoutParams> {
    const key = privateKey();
    const o = await ownRow(customerId, id);
    // "Pay at the counter" goes through Checkout too, as a COD order (Zalo asks for every payment there); its
    // result is reported back with updateOrderStatus when staff complete it.
    const counter = o.paymentMethod === "counter";
    if (o.status === "cancelled") throw new AppError(ErrorCode.ORDER_STATUS_INVALID, "This order was cancelled", { status: o.status });
    if (o.paymentStatus === "paid" || o.paymentStatus === "refund_due") throw new AppError(ErrorCode.ORDER_ALREADY_PAID, "This order is already paid");
    const params = {
      amount: o.totalVnd,
      desc: `Thanh toán đơn ${o.code}`,
      item: (await orderRepo.linesOf(o.id)).map((l) => ({ id: l.productId, name: l.name, quantity: l.quantity, amount: l.lineTotalVnd })),
      extradata: JSON.stringify({ orderId: o.id, code: o.code }),
      method: JSON.stringify({ id: counter ? deps.checkout.codMethod : deps.checkout.method, isCustom: false }),
    };
    const mac = checkoutMac(key, params);
    const at = now();
    if (!counter)
      await store.tx(function* () {
        if ((yield* q(orderRepo.order(id)))!.paymentStatus !== "paid") yield* q(orderRepo.set(id, { paymentStatus: "pending", updatedAt: at }));
      });
    return { ...params, mac };
  }

  /**
   * Marks an order paid or failed from a verified Zalo answer, once per event key: a transaction body. Of concurrent
   * deliveries of one event, one records it (PostgreSQL serializes the others after it; they find it recorded).
   */
  function* applyPayment(
    o: OrderRow,
    p: { key: string; checkoutOrderId: string; transId: string | null; resultCode: number; method: string | null; payload: unknown; at: number },
  ): Step<boolean> {
    if (!(yield* q(repo.recordWebhook(p.key, "checkout.payment", JSON.stringify(p.payload), p.at)))) return false;
    yield* q(orderRepo.linkCheckout(o.id, p.checkoutOrderId));
    if (p.method) yield* q(orderRepo.set(o.id, { checkoutMethod: p.method }));
    if (p.resultCode === 1) {
      if (yield* q(orderRepo.markPaid({ id: o.id, at: p.at, transId: p.transId, checkoutOrderId: p.checkoutOrderId }))) {
        // Paid after it was cancelled: the money goes back. Read the order now, not as the caller saw it before
        // an await (a shopper may cancel while Zalo's status is being read).
        if ((yield* q(orderRepo.order(o.id)))!.status === "cancelled") yield* q(orderRepo.set(o.id, { paymentStatus: "refund_due" }));
        yield* q(
          audit(store, {
            actor: SYSTEM,
            action: "order.paid",
            targetId: o.id,
            storeId: o.storeId,
            details: { checkoutOrderId: p.checkoutOrderId, transId: p.transId },
            at: p.at,
          }),
        );
      }
    } else if (p.resultCode === -1) {
      yield* q(orderRepo.markFailed(o.id, p.at));
    }
    return true;
  }

  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

  /**
   * The payment callback (§8.3). overallMac is verified before anything else; a bad one changes nothing.
   * Zalo retries: the event key (Checkout order, transaction, result) makes a duplicate act once.
   */
  async function handleCallback(body: unknown): Promise<CheckoutReply> {
    const key = deps.checkout.privateKey;
    if (!key) return { returnCode: 0, returnMessage: "checkout is not configured" };
    if (!isObj(body) || !isObj(body.data)) return { returnCode: 0, returnMessage: "invalid body" };
    const data = body.data;
    if (!sameMac(checkoutMac(key, data), body.overallMac)) return { returnCode: 0, returnMessage: "invalid overallMac" };
    if (String(data.appId) !== deps.checkout.appId) return { returnCode: 0, returnMessage: "appId does not match" };
    const checkoutOrderId = String(data.orderId ?? "");
    const ours = parseExtradata(data.extradata)?.orderId;
    const o = await (typeof ours === "string" ? orderRepo.order(ours) : checkoutOrderId ? orderRepo.orderByCheckoutId(checkoutOrderId) : undefined);
    if (!o) return { returnCode: 0, returnMessage: "order not found" };
    if (Number(data.amount) !== o.totalVnd) return { returnCode: 0, returnMessage: "amount does not match the order" };
    const resultCode = Number(data.resultCode);
    const transId = data.transId == null ? null : String(data.transId);
    const at = now();
    const fresh = await store.tx(() =>
      applyPayment(o, {
        key: `checkout:callback:${checkoutOrderId}:${transId}:${resultCode}`,
        checkoutOrderId,
        transId,
        resultCode,
        method: data.method == null ? null : String(data.method),
        payload: body,
        at,
      }),
    );
    return { returnCode: 1, returnMessage: fresh ? "success" : "already processed" };
  }

  /**
   * COD / bank transfer chosen in the Checkout sheet (§8.3): the order is paid at the counter (or by transfer, which
   * staff confirm at completion) and its result is owed to Zalo. The notify carries only Checkout's order id: an
   * order not linked yet is found through getOrderStatus, whose extradata is ours (a forged id finds nothing).
   */
  async function handleNotify(body: unknown): Promise<CheckoutReply> {
    const key = deps.checkout.privateKey;
    if (!key) return { returnCode: 0, returnMessage: "checkout is not configured" };
    if (!isObj(body) || !isObj(body.data)) return { returnCode: 0, returnMessage: "invalid body" };
    const { appId, orderId, method } = body.data;
    if (!sameMac(notifyMac(key, String(appId), String(orderId), String(method)), body.mac)) return { returnCode: 0, returnMessage: "invalid mac" };
    if (String(appId) !== deps.checkout.appId) return { returnCode: 0, returnMessage: "appId does not match" };
    const coid = String(orderId);
    let o = await orderRepo.orderByCheckoutId(coid);
    if (!o) {
      try {
        const ours = parseExtradata((await deps.zalo.getCheckoutStatus(coid)).extradata)?.orderId;
        o = typeof ours === "string" ? await orderRepo.order(ours) : undefined;
      } catch {
        return { returnCode: 0, returnMessage: "could not read the order from Zalo: retry" };
      }
    }
    if (!o || (o.checkoutOrderId && o.checkoutOrderId !== coid)) return { returnCode: 0, returnMessage: "order not found" };
    const chosen = OFFLINE_CHECKOUT.includes(String(method)) ? String(method) : null;
    if (!chosen) return { returnCode: 0, returnMessage: "method must be COD or BANK" };
    const at = now();
    const found = o;
    await store.tx(function* () {
      if (!(yield* q(repo.recordWebhook(`checkout:notify:${coid}:${chosen}`, "checkout.notify", JSON.stringify(body), at)))) return;
      yield* q(orderRepo.linkCheckout(found.id, coid));
      const cur = (yield* q(orderRepo.order(found.id)))!;
      if (cur.paymentStatus === "paid" && cur.paymentMethod === "zalopay") return; // paid online meanwhile: nothing owed
      const due = cur.status === "completed" ? 1 : cur.status === "cancelled" && cur.paymentStatus !== "refund_due" ? -1 : null;
      yield* q(
        orderRepo.set(found.id, {
          checkoutMethod: chosen,
          ...(cur.paymentMethod === "zalopay" ? { paymentMethod: "counter", paymentStatus: "unpaid" } : {}),
          ...(due !== null ? { checkoutReportDue: due } : {}),
          updatedAt: at,
        }),
      );
      yield* q(audit(store, { actor: SYSTEM, action: "order.payment_method", targetId: found.id, storeId: found.storeId, details: { method: chosen }, at }));
    });
    if ((await orderRepo.order(found.id))!.checkoutReportDue != null) reportSoon(found.id);
    return { returnCode: 1, returnMessage: "success" };
  }

  // ---- updateOrderStatus: reporting COD / bank results (§8.4) ----

  const LEASE_MS = 60_000;
  const RETRY_MS = 5 * 60_000;
  /** A refusal that sending again cannot fix (wrong MAC or appId, bad params): retried rarely, shown in the console. */
  const STUCK_RETRY_MS = 6 * 3600_000;

  /**
   * Sends one order's due report. A conditional claim makes one process send it at a time (the API and a standalone
   * dispatcher may both sweep); Zalo's update is idempotent, so a resend after a lost answer is harmless.
   */
  async function reportOne(id: string): Promise<boolean> {
    const at = now();
    const claim = await orderRepo.claimReport(id, at, at + LEASE_MS);
    if (!claim) return false;
    if (!claim.coid) {
      await orderRepo.reportFailed(id, at + STUCK_RETRY_MS, "no Checkout order id");
      return false;
    }
    try {
      await deps.zalo.updateCheckoutStatus(claim.coid, claim.due);
    } catch (err) {
      const permanent = err instanceof ZaloError && (err.kind === "permanent" || err.kind === "request_invalid") && err.zaloCode !== -2003;
      await orderRepo.reportFailed(id, now() + (permanent ? STUCK_RETRY_MS : RETRY_MS), err instanceof Error ? err.message : String(err));
      return false;
    }
    const o = (await orderRepo.order(id))!;
    const doneAt = now();
    await store.tx(function* () {
      yield* q(orderRepo.reported(id, claim.due));
      yield* q(
        audit(store, { actor: SYSTEM, action: "order.checkout_reported", targetId: id, storeId: o.storeId, details: { resultCode: claim.due }, at: doneAt }),
      );
    });
    return true;
  }

  /** After a commit that made a report due: send it off the request thread. */
  function reportSoon(id: string) {
    setImmediate(() => void reportOne(id).catch((err) => deps.onError?.(err, id)));
  }

  /** The periodic sweep: reports still owed (a failed send, a process that stopped mid-way). */
  async function reportDue(limit = 50) {
    let sent = 0;
    for (const id of await orderRepo.dueReports(now(), limit)) if (await reportOne(id)) sent++;
    return sent;
  }

  /**
   * Reports Zalo keeps refusing (or that cannot reach it): the console's list, so a COD order completed at the
   * counter is not silently left open in Zalo's Checkout. The Zalo code is read back from the recorded failure.
   */
  async function failingReports() {
    return (await orderRepo.failingReports(200)).map((o) => {
      const m = /failed \((-?\d+)\)/.exec(o.checkoutReportError ?? "");
      const zaloCode = m ? Number(m[1]) : null;
      return {
        orderId: o.id,
        code: o.code,
        storeId: o.storeId,
        totalVnd: o.totalVnd,
        checkoutMethod: o.checkoutMethod,
        resultCode: o.checkoutReportDue as 1 | -1 | 2,
        zaloCode: zaloCode === 0 ? null : zaloCode,
        error: o.checkoutReportError ?? "",
        nextTryAt: iso(o.checkoutReportLease),
      };
    });
  }

  /** An owner's "retry now": the report is sent at once (audited); false when Zalo refused it again. */
  async function retryReport(actor: Principal, id: string) {
    const o = await orderRepo.order(id);
    if (!o) throw new AppError(ErrorCode.ORDER_NOT_FOUND, "Order not found");
    const at = now();
    await store.tx(function* () {
      if (!(yield* q(orderRepo.releaseFailedReport(id))))
        throw new AppError(ErrorCode.ORDER_STATUS_INVALID, "This order has no failed Checkout report to retry");
      yield* q(audit(store, { actor: actorOf(actor), action: "order.checkout_report_retried", targetId: id, storeId: o.storeId, details: {}, at }));
    });
    return reportOne(id);
  }

  // ---- refunds ----

  /**
   * Cancelled paid orders still to refund: the console's task list. Zalo documents no refund API for Checkout
   * (zalo-platform.md §8), so the money goes back by hand (the ZaloPay merchant portal, cash, a transfer).
   */
  async function refundTasks() {
    return (await orderRepo.refundsDue(200)).map((o) => ({
      orderId: o.id,
      code: o.code,
      storeId: o.storeId,
      totalVnd: o.totalVnd,
      payment: o.paymentMethod,
      checkoutMethod: o.checkoutMethod,
      zaloTransId: o.zaloTransId,
      cancelReason: o.cancelReason,
      paidAt: iso(o.paidAt),
      cancelledAt: iso(o.cancelledAt),
    }));
  }

  /** Marks a refund made (once; audited). A COD/bank Checkout order then tells Zalo it was refunded (resultCode 2). */
  async function markRefunded(actor: Principal, id: string, note: string) {
    const at = now();
    const o = await orderRepo.order(id);
    if (!o) throw new AppError(ErrorCode.ORDER_NOT_FOUND, "Order not found");
    await store.tx(function* () {
      if (!(yield* q(orderRepo.markRefunded({ id, at, by: actor.id, note }))))
        throw new AppError(ErrorCode.ORDER_STATUS_INVALID, "This order has no refund to make", { status: (yield* q(orderRepo.order(id)))!.paymentStatus });
      if (offlineCheckout(o)) yield* q(orderRepo.set(id, { checkoutReportDue: 2 }));
      yield* q(
        audit(store, { actor: actorOf(actor), action: "order.refunded", targetId: id, storeId: o.storeId, details: { note, totalVnd: o.totalVnd }, at }),
      );
    });
    if (offlineCheckout(o)) reportSoon(id);
    return (await orderRepo.order(id))!;
  }

  /**
   * getOrderStatus at most once per STATUS_EVERY_MS for an order (per process): the verified callback settles a
   * payment, this is the fallback, and many open screens (or a client polling too eagerly) must not hammer Zalo.
   */
  const STATUS_EVERY_MS = 10_000;
  const askedAt = new Map<string, number>();
  function mayAskZalo(key: string) {
    const at = now();
    const last = askedAt.get(key);
    if (last !== undefined && at - last < STATUS_EVERY_MS) return false;
    if (askedAt.size > 10_000) askedAt.clear(); // a bound, not a cache: forgetting only allows one more ask
    askedAt.set(key, at);
    return true;
  }

  /**
   * The payment state; when Zalo's callback is late, asks getOrderStatus (§8.4). The Checkout order id may come
   * from the mini app (what createOrder returned); it is trusted only if Zalo's answer carries this order's extradata.
   */
  async function paymentState(customerId: string, id: string, checkoutOrderId?: string): Promise<PaymentState> {
    let o = await ownRow(customerId, id);
    let zalo: PaymentState["zalo"] = null;
    const coid = o.checkoutOrderId ?? checkoutOrderId;
    if (
      o.paymentMethod === "zalopay" &&
      ["unpaid", "pending", "failed"].includes(o.paymentStatus) &&
      coid &&
      deps.checkout.privateKey &&
      mayAskZalo(`${o.id}:${coid}`)
    ) {
      let s: Awaited<ReturnType<ZaloClient["getCheckoutStatus"]>>;
      try {
        s = await deps.zalo.getCheckoutStatus(coid);
      } catch (err) {
        // request_invalid never reached Zalo: our fault (500), not Zalo's.
        if (err instanceof ZaloError && err.kind !== "request_invalid")
          throw new AppError(ErrorCode.ZALO_UNAVAILABLE, "Could not reach Zalo to check the payment: try again shortly");
        throw err;
      }
      zalo = { returnCode: s.returnCode, returnMessage: s.returnMessage };
      const ours = parseExtradata(s.extradata)?.orderId === o.id;
      if (ours && (s.returnCode === -1 || (s.returnCode === 1 && s.amount === o.totalVnd))) {
        const at = now();
        await store.tx(() =>
          applyPayment(o, {
            key: `checkout:status:${coid}:${s.transId}:${s.returnCode}`,
            checkoutOrderId: coid,
            transId: s.transId,
            resultCode: s.returnCode,
            method: s.method,
            payload: s,
            at,
          }),
        );
      } else if (ours) {
        await store.tx(function* () {
          yield* q(orderRepo.linkCheckout(o.id, coid));
        });
      }
      o = (await orderRepo.order(id))!;
    }
    return { orderId: o.id, payment: o.paymentMethod, paymentStatus: o.paymentStatus, paidAt: iso(o.paidAt), checkoutOrderId: o.checkoutOrderId, zalo };
  }

  return { checkout, handleCallback, handleNotify, paymentState, reportOne, reportDue, failingReports, retryReport, refundTasks, markRefunded };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
