import { ErrorCode, type CheckoutParams, type PaymentState } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { AppError } from "../../errors";
import { audit, SYSTEM } from "../../lib/audit";
import { checkoutMac, notifyMac, parseExtradata, sameMac } from "../../zalo/checkout";
import type { ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import type { OrderRepo, OrderRow } from "../orders/repo";
import type { OrderService } from "../orders/service";
import type { PaymentRepo } from "./repo";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type CheckoutReply = { returnCode: 0 | 1; returnMessage: string };

/**
 * Zalo Checkout (zalo-platform.md §8). The payment state lives on the order (the orders module's table, written
 * through its repo); this module makes the createOrder MAC, verifies Zalo's callbacks and asks getOrderStatus.
 */
export function createPaymentService(deps: {
  db: Db;
  repo: PaymentRepo;
  orders: Pick<OrderService, "ownRow">;
  orderRepo: Pick<OrderRepo, "order" | "orderByCheckoutId" | "linesOf" | "set" | "markPaid" | "markFailed" | "linkCheckout">;
  zalo: Pick<ZaloClient, "getCheckoutStatus">;
  checkout: { appId: string; privateKey: string | undefined; method: string };
  now: () => number;
}) {
  const { db, repo, orderRepo, now } = deps;
  const { ownRow } = deps.orders;

  function privateKey() {
    const key = deps.checkout.privateKey;
    if (!key) throw new AppError(ErrorCode.CHECKOUT_NOT_CONFIGURED, "Zalo payments are not set up for this shop");
    return key;
  }

  /** The createOrder params for zmp-sdk, with the server-made MAC (§8.2). */
  function checkout(customerId: string, id: string): CheckoutParams {
    const key = privateKey();
    const o = ownRow(customerId, id);
    if (o.paymentMethod !== "zalopay") throw new AppError(ErrorCode.ORDER_PAYMENT_METHOD_INVALID, "This order is paid at the counter");
    if (o.status === "cancelled") throw new AppError(ErrorCode.ORDER_STATUS_INVALID, "This order was cancelled", { status: o.status });
    if (o.paymentStatus === "paid" || o.paymentStatus === "refund_due") throw new AppError(ErrorCode.ORDER_ALREADY_PAID, "This order is already paid");
    const params = {
      amount: o.totalVnd,
      desc: `Thanh toán đơn ${o.code}`,
      item: orderRepo.linesOf(o.id).map((l) => ({ id: l.productId, name: l.name, quantity: l.quantity, amount: l.lineTotalVnd })),
      extradata: JSON.stringify({ orderId: o.id, code: o.code }),
      method: JSON.stringify({ id: deps.checkout.method, isCustom: false }),
    };
    const mac = checkoutMac(key, params);
    tx(db, () => {
      if (orderRepo.order(id)!.paymentStatus !== "paid") orderRepo.set(id, { paymentStatus: "pending", updatedAt: now() });
    });
    return { ...params, mac };
  }

  /** Marks an order paid or failed from a verified Zalo answer, once per event key. Runs in a transaction. */
  function applyPayment(o: OrderRow, p: { key: string; checkoutOrderId: string; transId: string | null; resultCode: number; payload: unknown; at: number }) {
    if (!repo.recordWebhook(p.key, "checkout.payment", JSON.stringify(p.payload), p.at)) return false;
    orderRepo.linkCheckout(o.id, p.checkoutOrderId);
    if (p.resultCode === 1) {
      if (orderRepo.markPaid({ id: o.id, at: p.at, transId: p.transId, checkoutOrderId: p.checkoutOrderId })) {
        // Paid after it was cancelled: the money goes back. Read the order now, not as the caller saw it before
        // an await (a shopper may cancel while Zalo's status is being read).
        if (orderRepo.order(o.id)!.status === "cancelled") orderRepo.set(o.id, { paymentStatus: "refund_due" });
        audit(db, {
          actor: SYSTEM,
          action: "order.paid",
          targetId: o.id,
          storeId: o.storeId,
          details: { checkoutOrderId: p.checkoutOrderId, transId: p.transId },
          at: p.at,
        });
      }
    } else if (p.resultCode === -1) {
      orderRepo.markFailed(o.id, p.at);
    }
    return true;
  }

  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

  /**
   * The payment callback (§8.3). overallMac is verified before anything else; a bad one changes nothing.
   * Zalo retries: the event key (Checkout order, transaction, result) makes a duplicate act once.
   */
  function handleCallback(body: unknown): CheckoutReply {
    const key = deps.checkout.privateKey;
    if (!key) return { returnCode: 0, returnMessage: "checkout is not configured" };
    if (!isObj(body) || !isObj(body.data)) return { returnCode: 0, returnMessage: "invalid body" };
    const data = body.data;
    if (!sameMac(checkoutMac(key, data), body.overallMac)) return { returnCode: 0, returnMessage: "invalid overallMac" };
    if (String(data.appId) !== deps.checkout.appId) return { returnCode: 0, returnMessage: "appId does not match" };
    const checkoutOrderId = String(data.orderId ?? "");
    const ours = parseExtradata(data.extradata)?.orderId;
    const o = typeof ours === "string" ? orderRepo.order(ours) : checkoutOrderId ? orderRepo.orderByCheckoutId(checkoutOrderId) : undefined;
    if (!o) return { returnCode: 0, returnMessage: "order not found" };
    if (Number(data.amount) !== o.totalVnd) return { returnCode: 0, returnMessage: "amount does not match the order" };
    const resultCode = Number(data.resultCode);
    const transId = data.transId == null ? null : String(data.transId);
    const at = now();
    const fresh = tx(db, () =>
      applyPayment(o, { key: `checkout:callback:${checkoutOrderId}:${transId}:${resultCode}`, checkoutOrderId, transId, resultCode, payload: body, at }),
    );
    return { returnCode: 1, returnMessage: fresh ? "success" : "already processed" };
  }

  /** COD / bank transfer chosen in the Checkout sheet (§8.3): the order is paid at the counter instead. */
  function handleNotify(body: unknown): CheckoutReply {
    const key = deps.checkout.privateKey;
    if (!key) return { returnCode: 0, returnMessage: "checkout is not configured" };
    if (!isObj(body) || !isObj(body.data)) return { returnCode: 0, returnMessage: "invalid body" };
    const { appId, orderId, method } = body.data;
    if (!sameMac(notifyMac(key, String(appId), String(orderId), String(method)), body.mac)) return { returnCode: 0, returnMessage: "invalid mac" };
    if (String(appId) !== deps.checkout.appId) return { returnCode: 0, returnMessage: "appId does not match" };
    const o = orderRepo.orderByCheckoutId(String(orderId));
    if (!o) return { returnCode: 0, returnMessage: "order not found" };
    const at = now();
    tx(db, () => {
      if (!repo.recordWebhook(`checkout:notify:${orderId}:${method}`, "checkout.notify", JSON.stringify(body), at)) return;
      const cur = orderRepo.order(o.id)!;
      if (cur.paymentStatus === "paid" || cur.status === "cancelled") return;
      orderRepo.set(o.id, { paymentMethod: "counter", paymentStatus: "unpaid", updatedAt: at });
      audit(db, { actor: SYSTEM, action: "order.payment_method", targetId: o.id, storeId: o.storeId, details: { method }, at });
    });
    return { returnCode: 1, returnMessage: "success" };
  }

  /**
   * The payment state; when Zalo's callback is late, asks getOrderStatus (§8.4). The Checkout order id may come
   * from the mini app (what createOrder returned); it is trusted only if Zalo's answer carries this order's extradata.
   */
  async function paymentState(customerId: string, id: string, checkoutOrderId?: string): Promise<PaymentState> {
    let o = ownRow(customerId, id);
    let zalo: PaymentState["zalo"] = null;
    const coid = o.checkoutOrderId ?? checkoutOrderId;
    if (o.paymentMethod === "zalopay" && ["unpaid", "pending", "failed"].includes(o.paymentStatus) && coid && deps.checkout.privateKey) {
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
        tx(db, () =>
          applyPayment(o, {
            key: `checkout:status:${coid}:${s.transId}:${s.returnCode}`,
            checkoutOrderId: coid,
            transId: s.transId,
            resultCode: s.returnCode,
            payload: s,
            at,
          }),
        );
      } else if (ours) {
        tx(db, () => orderRepo.linkCheckout(o.id, coid));
      }
      o = orderRepo.order(id)!;
    }
    return { orderId: o.id, payment: o.paymentMethod, paymentStatus: o.paymentStatus, paidAt: iso(o.paidAt), checkoutOrderId: o.checkoutOrderId, zalo };
  }

  return { checkout, handleCallback, handleNotify, paymentState };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
