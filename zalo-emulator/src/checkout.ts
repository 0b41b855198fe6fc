import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { header, type Ctx } from "./context";
import { checkUserToken, numericId, type CheckoutOrder } from "./state";

/**
 * The Checkout SDK host (payment-mini.zalo.me, zalo-platform.md §8) under `/payment`, and control routes that
 * play the payment sheet: pay (or fail) an order and send the signed callback, or send a COD/bank notify.
 */

// Checkout API error codes (§8.4).
export const CheckoutCode = {
  OK: 0,
  NO_PERMISSION: -2001,
  INVALID_SESSION: -2002,
  WRONG_MAC: -2101,
  BODY_NOT_JSON: -2102,
  INVALID_PARAMS: -2103,
  INVALID_RESULT_CODE: -2105,
  INVALID_METHOD: -2201,
} as const;

/** The methods whose result the business itself reports with updateOrderStatus (§8.4): money Zalo never sees. */
const OFFLINE_METHODS = ["COD", "BANK"];

/** Sorted `k=v&…`; objects JSON-stringified, strings verbatim (§8.2, §8.3). */
export function checkoutMacData(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => {
      const v = params[k];
      return `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`;
    })
    .join("&");
}

export const checkoutHmac = (key: string, data: string) => createHmac("sha256", key).update(data).digest("hex");

function sameHex(expected: string, given: unknown) {
  if (typeof given !== "string" || !/^[0-9a-f]+$/i.test(given)) return false;
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(given.toLowerCase(), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** zmp-sdk sends `item` as encodeURIComponent(JSON) inside a form body; accept it raw too. */
function itemJson(raw: unknown): string | null {
  if (Array.isArray(raw)) return JSON.stringify(raw);
  if (typeof raw !== "string") return null;
  for (const s of [
    raw,
    (() => {
      try {
        return decodeURIComponent(raw);
      } catch {
        return "";
      }
    })(),
  ]) {
    try {
      if (Array.isArray(JSON.parse(s))) return s;
    } catch {
      /* next */
    }
  }
  return null;
}

const methodId = (method: string) => {
  try {
    const m = JSON.parse(method) as { id?: unknown };
    return typeof m?.id === "string" ? m.id : method;
  } catch {
    return method;
  }
};

export function registerCheckout(app: FastifyInstance, ctx: Ctx) {
  const { state, clock } = ctx;
  const key = () => state.config.checkoutPrivateKey;
  const fail = (err: number, msg: string) => ({ err, msg });

  // ---- the Zalo side ----

  app.post("/payment/api/order/create-v2", async (req) => {
    const auth = header(req.headers as Record<string, unknown>, "authorization") ?? "";
    const session = checkUserToken(state, clock.now(), auth.replace(/^Bearer\s+/i, ""));
    if (!session.ok) return fail(CheckoutCode.INVALID_SESSION, "Invalid session");
    const b = (req.body ?? {}) as Record<string, unknown>;
    const amount = Number(b.amount);
    const item = itemJson(b.item);
    if (!Number.isInteger(amount) || amount <= 0 || item === null || typeof b.desc !== "string" || typeof b.mac !== "string") {
      return fail(CheckoutCode.INVALID_PARAMS, "Invalid params: amount, desc, item, mac are required");
    }
    const extradata = typeof b.extradata === "string" ? b.extradata : undefined;
    const method = typeof b.method === "string" ? b.method : undefined;
    // The MAC covers what the mini app passed to createOrder: item as its JSON text, the JSON strings verbatim.
    const data = [
      `amount=${b.amount}`,
      `desc=${b.desc}`,
      extradata !== undefined ? `extradata=${extradata}` : null,
      `item=${item}`,
      method !== undefined ? `method=${method}` : null,
    ]
      .filter(Boolean)
      .join("&");
    if (!sameHex(checkoutHmac(key(), data), b.mac)) return fail(CheckoutCode.WRONG_MAC, "Wrong MAC");
    const order: CheckoutOrder = {
      id: numericId(),
      appUserId: session.appUserId,
      amount,
      desc: b.desc,
      item,
      extradata: extradata ?? "",
      method: method ?? "",
      transId: null,
      resultCode: 0,
      chosen: null,
      updates: [],
      createdAt: clock.now(),
      transTime: null,
    };
    state.checkoutOrders.set(order.id, order);
    return {
      err: 0,
      msg: "Success",
      data: { id: order.id, jwt: `emu-checkout-${order.id}`, messageToken: `emu-msg-${order.id}`, method: methodId(order.method), isCustom: false },
    };
  });

  app.get("/payment/api/transaction/get-status", async (req) => {
    const q = req.query as Record<string, string | undefined>;
    if (!q.orderId || !q.appId || !q.mac) return { error: CheckoutCode.INVALID_PARAMS, message: "orderId, appId and mac are required" };
    const expected = checkoutHmac(key(), `appId=${q.appId}&orderId=${q.orderId}&privateKey=${key()}`);
    if (!sameHex(expected, q.mac)) return { error: CheckoutCode.WRONG_MAC, message: "Wrong MAC" };
    // Checkout's appId is the Mini App's (§1.11, §8.4); the Zalo App ID has no orders here.
    if (q.appId !== state.config.miniAppId) return { error: CheckoutCode.NO_PERMISSION, message: "No permission" };
    const o = state.checkoutOrders.get(q.orderId);
    if (!o) return { error: CheckoutCode.INVALID_PARAMS, message: "Order not found" };
    return {
      error: 0,
      message: "Success",
      data: {
        transId: o.transId,
        method: o.chosen ?? methodId(o.method),
        returnCode: o.resultCode,
        returnMessage:
          o.resultCode === 1
            ? "Giao dịch thành công"
            : o.resultCode === -1
              ? "Giao dịch thất bại"
              : o.resultCode === 2
                ? "Đã hoàn tiền"
                : "Giao dịch đang xử lý",
        isProcessing: o.resultCode === 0,
        amount: o.amount,
        transTime: o.transTime,
        merchantTransId: o.id,
        extradata: o.extradata,
      },
    };
  });

  /**
   * updateOrderStatus (§8.4, miniapp.zaloplatforms.com checkout-sdk/updateOrderStatus): the business reports a COD
   * or bank-transfer order's result. JSON `{appId, orderId, resultCode, mac}`, mac over
   * `appId=…&orderId=…&resultCode=…&privateKey=…`. Answers `{err, msg, error}`. The path is not published
   * (inferred; the server's ZALO_CHECKOUT_UPDATE_PATH). A ZaloPay order cannot be updated (-2001: the
   * endpoint's method and the order's differ); 2 (refunded) only follows 1.
   */
  app.post("/payment/api/transaction/update-status", async (req) => {
    const out = (err: number, msg: string) => ({ err, msg, error: err });
    const b = req.body;
    if (typeof b !== "object" || b === null || Array.isArray(b)) return out(CheckoutCode.BODY_NOT_JSON, "Request body is not JSON");
    const { appId, orderId, resultCode, mac } = b as Record<string, unknown>;
    if (typeof appId !== "string" || typeof orderId !== "string" || typeof resultCode !== "number" || typeof mac !== "string")
      return out(CheckoutCode.INVALID_PARAMS, "appId, orderId (strings), resultCode (number) and mac are required");
    const expected = checkoutHmac(key(), `appId=${appId}&orderId=${orderId}&resultCode=${resultCode}&privateKey=${key()}`);
    if (!sameHex(expected, mac)) return out(CheckoutCode.WRONG_MAC, "Wrong MAC");
    if (appId !== state.config.miniAppId) return out(CheckoutCode.NO_PERMISSION, "No permission");
    if (resultCode !== 1 && resultCode !== -1 && resultCode !== 2) return out(CheckoutCode.INVALID_RESULT_CODE, "resultCode must be -1, 1 or 2");
    const o = state.checkoutOrders.get(orderId);
    if (!o) return out(CheckoutCode.INVALID_PARAMS, "Order not found");
    const method = o.chosen ?? methodId(o.method);
    if (!OFFLINE_METHODS.includes(method)) return out(CheckoutCode.NO_PERMISSION, `Order is paid with ${method}: its result comes from the payment partner`);
    if (resultCode === 2 && o.resultCode !== 1 && o.resultCode !== 2) return out(CheckoutCode.INVALID_RESULT_CODE, "Only a successful order can be refunded");
    o.resultCode = resultCode;
    o.transTime ??= clock.now();
    o.updates.push({ at: clock.now(), resultCode });
    return out(CheckoutCode.OK, "Success");
  });

  // ---- control: the payment sheet ----

  async function post(url: string, body: unknown, eventName: string) {
    const raw = JSON.stringify(body);
    const headers = { "content-type": "application/json" };
    const d = {
      id: state.webhooks.length + 1,
      eventName,
      url,
      body: raw,
      headers,
      attempts: [] as { at: number; status: number | null; error?: string }[],
      delivered: false,
      done: true,
    };
    state.webhooks.push(d);
    try {
      const res = await fetch(url, { method: "POST", headers, body: raw, signal: AbortSignal.timeout(state.config.webhookTimeoutMs) });
      const text = await res.text();
      d.attempts.push({ at: clock.now(), status: res.status });
      d.delivered = res.ok;
      let response: unknown = text;
      try {
        response = JSON.parse(text);
      } catch {
        /* keep the text */
      }
      return { delivered: res.ok, status: res.status, response };
    } catch (err) {
      d.attempts.push({ at: clock.now(), status: null, error: (err as Error).message });
      return { delivered: false, status: null, response: null, error: (err as Error).message };
    }
  }

  const find = (id: string, reply: FastifyReply) => {
    const o = state.checkoutOrders.get(id);
    if (!o) void reply.code(404).send({ error: `no checkout order ${id}` });
    return o;
  };

  app.get("/_emu/checkout/orders", async () => [...state.checkoutOrders.values()]);

  /**
   * The shopper pays (resultCode 1, default) or the payment fails (-1): sends the signed callback (§8.3).
   * Paying again resends the same callback (what a Zalo retry looks like). `badMac` signs with a wrong key.
   * Without a configured callback URL the order is paid but no callback arrives (a late/lost callback).
   */
  app.post<{ Params: { orderId: string } }>("/_emu/checkout/:orderId/pay", async (req, reply) => {
    const o = find(req.params.orderId, reply);
    if (!o) return reply;
    const b = (req.body ?? {}) as { resultCode?: unknown; badMac?: unknown };
    const resultCode = b.resultCode === undefined ? 1 : b.resultCode;
    if (resultCode !== 1 && resultCode !== -1) return reply.code(400).send({ error: "resultCode must be 1 or -1" });
    if (o.chosen) return reply.code(409).send({ error: `the shopper chose ${o.chosen}: the business reports it with updateOrderStatus` });
    if (o.resultCode !== 0 && o.resultCode !== resultCode) return reply.code(409).send({ error: `order already has resultCode ${o.resultCode}` });
    o.resultCode = resultCode;
    o.transId ??= numericId();
    o.transTime ??= clock.now();
    const url = state.config.checkoutCallbackUrl;
    // No URL: the payment still happens, its callback is lost (the server must poll get-status).
    if (!url) return { delivered: false, status: null, response: null, error: "no checkoutCallbackUrl configured", order: o };
    const data = {
      appId: state.config.miniAppId,
      orderId: o.id,
      transId: o.transId,
      amount: o.amount,
      description: o.desc,
      resultCode,
      message: resultCode === 1 ? "Giao dịch thành công" : "Giao dịch thất bại",
      extradata: encodeURIComponent(o.extradata),
      method: methodId(o.method),
    };
    const signKey = b.badMac ? `${key()}-wrong` : key();
    const mac = checkoutHmac(
      signKey,
      checkoutMacData({
        appId: data.appId,
        orderId: data.orderId,
        transId: data.transId,
        amount: data.amount,
        description: data.description,
        resultCode: data.resultCode,
        message: data.message,
      }),
    );
    const overallMac = checkoutHmac(signKey, checkoutMacData(data));
    const sent = await post(url, { data, mac, overallMac }, "checkout.callback");
    return { ...sent, order: o };
  });

  /** The shopper picked COD or bank transfer: sends the notify (§8.3). */
  app.post<{ Params: { orderId: string } }>("/_emu/checkout/:orderId/notify", async (req, reply) => {
    const o = find(req.params.orderId, reply);
    if (!o) return reply;
    const method = ((req.body ?? {}) as { method?: unknown }).method ?? "COD";
    if (method !== "COD" && method !== "BANK") return reply.code(400).send({ error: "method must be COD or BANK" });
    const url = state.config.checkoutNotifyUrl;
    if (!url) return reply.code(409).send({ error: "no checkoutNotifyUrl configured (POST /_emu/config)" });
    if (o.resultCode !== 0) return reply.code(409).send({ error: `order already has resultCode ${o.resultCode}` });
    o.chosen = method;
    const data = { appId: state.config.miniAppId, orderId: o.id, method };
    const mac = checkoutHmac(key(), `appId=${data.appId}&orderId=${data.orderId}&method=${method}`);
    return { ...(await post(url, { data, mac }, "checkout.notify")), order: o };
  });
}
