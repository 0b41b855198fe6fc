import { createHmac } from "node:crypto";
import { checkoutMacData } from "@mc/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newShopper, TEST_ENV, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";

// One server + emulator for the file; every test uses its own fresh shoppers. The server listens: the
// emulator posts Zalo's Checkout callbacks to it.
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
let apiUrl: string;
const { sql, count, inject, place, move } = shopCalls(() => ({ h, ctx, menu }));

beforeAll(async () => {
  // A Zalo call may take 10 s here: one test holds Zalo's answer while the shopper cancels.
  ({ h, ctx, menu } = await startShop({ ZALO_TIMEOUT_MS: "10000" }));
  apiUrl = await h.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => h.close());

describe("Zalo Checkout", () => {
  const KEY = TEST_ENV.ZALO_CHECKOUT_PRIVATE_KEY;
  const hmac = (s: string) => createHmac("sha256", KEY).update(s).digest("hex");

  /** The mini app's side: our params → zmp-sdk createOrder → the emulator's create-v2 (form-encoded, bearer). */
  async function zaloOrder(s: { token: string; appUserId: string }, orderId: string) {
    const params = (await inject("POST", `/api/orders/${orderId}/checkout`, s.token)).json();
    const { accessToken } = await h.control("POST", `/_emu/users/${s.appUserId}/token`);
    const form = new URLSearchParams({
      amount: String(params.amount),
      desc: params.desc,
      item: encodeURIComponent(JSON.stringify(params.item)),
      extradata: params.extradata,
      method: params.method,
      mac: params.mac,
    });
    const res = await fetch(`${h.emuUrl}/payment/api/order/create-v2`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${accessToken}` },
      body: form,
    });
    const body = (await res.json()) as any;
    expect(body.err, JSON.stringify(body)).toBe(0);
    return { params, checkoutOrderId: body.data.id as string };
  }

  it("createOrder params carry the server's MAC; a bad-MAC callback changes nothing; a duplicate acts once", async () => {
    await h.control("POST", "/_emu/config", { checkoutCallbackUrl: `${apiUrl}/webhooks/zalo-checkout/callback` });
    const s = await newShopper(h, "Khách ZaloPay");
    const o = (await place(s.token, { payment: "zalopay" })).json().order;
    const { params, checkoutOrderId } = await zaloOrder(s, o.id);
    const { mac, ...signed } = params;
    expect(mac).toBe(hmac(checkoutMacData(signed)));
    expect(params).toMatchObject({ amount: 96_000, extradata: JSON.stringify({ orderId: o.id, code: o.code }) });
    const unpaid = await move(o.id, "confirmed");
    expect([unpaid.statusCode, unpaid.json().code]).toEqual([409, "ORDER_NOT_PAID"]);

    const forged = await h.control("POST", `/_emu/checkout/${checkoutOrderId}/pay`, { badMac: true });
    expect(forged.response).toEqual({ returnCode: 0, returnMessage: "invalid overallMac" });
    expect(sql("select payment_status, checkout_order_id from orders where id = ?", o.id)).toEqual([{ payment_status: "pending", checkout_order_id: null }]);
    const events = count("webhook_events");

    const paid = await h.control("POST", `/_emu/checkout/${checkoutOrderId}/pay`, {});
    expect(paid.response).toEqual({ returnCode: 1, returnMessage: "success" });
    const dup = await h.control("POST", `/_emu/checkout/${checkoutOrderId}/pay`, {});
    expect(dup.response).toEqual({ returnCode: 1, returnMessage: "already processed" });
    expect(sql("select payment_status, checkout_order_id, zalo_trans_id from orders where id = ?", o.id)).toEqual([
      { payment_status: "paid", checkout_order_id: checkoutOrderId, zalo_trans_id: paid.order.transId },
    ]);
    expect(count("webhook_events")).toBe(events + 1);
    expect(sql("select count(*) as n from audit_log where action = 'order.paid' and target_id = ?", o.id)[0].n).toBe(1);
    expect((await move(o.id, "confirmed")).statusCode).toBe(200);
    expect((await inject("POST", `/api/orders/${o.id}/checkout`, s.token)).json().code).toBe("ORDER_ALREADY_PAID");

    // A hand-made callback for a different amount is refused even with a valid MAC.
    const data = { ...paid.order, appId: TEST_ENV.ZALO_MINI_APP_ID };
    const cb = {
      appId: data.appId,
      orderId: "999",
      transId: "1",
      amount: 1,
      description: "x",
      resultCode: 1,
      message: "ok",
      extradata: encodeURIComponent(JSON.stringify({ orderId: o.id })),
    };
    const wrongAmount = await h.app.inject({
      method: "POST",
      url: "/webhooks/zalo-checkout/callback",
      payload: { data: cb, mac: "00", overallMac: hmac(checkoutMacData(cb)) },
    });
    expect(wrongAmount.json()).toEqual({ returnCode: 0, returnMessage: "amount does not match the order" });
    const junk = await h.app.inject({ method: "POST", url: "/webhooks/zalo-checkout/callback", payload: { hello: 1 } });
    expect(junk.json().returnCode).toBe(0);
  });

  it("when the callback is late, GET /payment asks getOrderStatus; another order's Checkout id is not trusted", async () => {
    await h.control("POST", "/_emu/config", { checkoutCallbackUrl: "" });
    const s = await newShopper(h, "Khách chờ");
    const o = (await place(s.token, { payment: "zalopay" })).json().order;
    const other = (await place(s.token, { payment: "zalopay" })).json().order;
    const { checkoutOrderId } = await zaloOrder(s, o.id);
    const otherCheckout = await zaloOrder(s, other.id);
    await h.control("POST", `/_emu/checkout/${checkoutOrderId}/pay`, {});
    await h.control("POST", `/_emu/checkout/${otherCheckout.checkoutOrderId}/pay`, {});
    expect(sql("select payment_status from orders where id = ?", o.id)[0].payment_status).toBe("pending");

    const spoof = await inject("GET", `/api/orders/${o.id}/payment?checkoutOrderId=${otherCheckout.checkoutOrderId}`, s.token);
    expect(spoof.json()).toMatchObject({ paymentStatus: "pending", checkoutOrderId: null, zalo: { returnCode: 1 } });
    const poll = await inject("GET", `/api/orders/${o.id}/payment?checkoutOrderId=${checkoutOrderId}`, s.token);
    expect(poll.json()).toMatchObject({ paymentStatus: "paid", checkoutOrderId, zalo: { returnCode: 1 }, paidAt: expect.any(String) });
    const statusCalls = ((await h.control("GET", "/_emu/requests")) as any[]).filter((r) => r.path === "/payment/api/transaction/get-status");
    expect(statusCalls.every((r) => r.error === 0)).toBe(true);
    // Paid: later polls do not call Zalo again.
    expect((await inject("GET", `/api/orders/${o.id}/payment`, s.token)).json()).toMatchObject({ paymentStatus: "paid", zalo: null });
  });

  it("an order cancelled while Zalo's payment status was being read is marked for a refund, not left paid and cancelled", async () => {
    await h.control("POST", "/_emu/config", { checkoutCallbackUrl: "" });
    const s = await newShopper(h, "Khách huỷ");
    const o = (await place(s.token, { payment: "zalopay" })).json().order;
    const { checkoutOrderId } = await zaloOrder(s, o.id);
    await h.control("POST", `/_emu/checkout/${checkoutOrderId}/pay`, {});
    // Zalo's answer is held long past the cancel; the cancel waits until the poll's request has reached Zalo.
    await h.control("POST", "/_emu/faults", { match: "/payment/api/transaction/get-status", delayMs: 5000, times: 1 });
    const statusCalls = async () =>
      ((await h.control("GET", "/_emu/requests")) as any[]).filter((r) => r.path === "/payment/api/transaction/get-status").length;
    const before = await statusCalls();
    const polling = inject("GET", `/api/orders/${o.id}/payment?checkoutOrderId=${checkoutOrderId}`, s.token);
    await expect.poll(statusCalls).toBe(before + 1);
    expect((await inject("POST", `/api/me/orders/${o.id}/cancel`, s.token, { reason: "Tôi đổi ý" })).statusCode).toBe(200);
    expect((await polling).statusCode).toBe(200);
    expect(sql("select status, payment_status from orders where id = ?", o.id)).toEqual([{ status: "cancelled", payment_status: "refund_due" }]);
  });

  it("notify (COD/bank chosen in the sheet) switches a linked order to pay at the counter; a bad mac changes nothing", async () => {
    await h.control("POST", "/_emu/config", { checkoutNotifyUrl: `${apiUrl}/webhooks/zalo-checkout/notify` });
    const s = await newShopper(h, "Khách COD");
    const o = (await place(s.token, { payment: "zalopay" })).json().order;
    const { checkoutOrderId } = await zaloOrder(s, o.id);
    // The mini app reports the Checkout order id; Zalo's answer (processing) confirms it is this order's.
    expect((await inject("GET", `/api/orders/${o.id}/payment?checkoutOrderId=${checkoutOrderId}`, s.token)).json()).toMatchObject({
      paymentStatus: "pending",
      checkoutOrderId,
      zalo: { returnCode: 0 },
    });
    const forged = await h.app.inject({
      method: "POST",
      url: "/webhooks/zalo-checkout/notify",
      payload: { data: { appId: TEST_ENV.ZALO_MINI_APP_ID, orderId: checkoutOrderId, method: "COD" }, mac: hmac("nope") },
    });
    expect(forged.json().returnCode).toBe(0);
    expect(sql("select payment_method from orders where id = ?", o.id)[0].payment_method).toBe("zalopay");
    const sent = await h.control("POST", `/_emu/checkout/${checkoutOrderId}/notify`, { method: "COD" });
    expect(sent.response).toEqual({ returnCode: 1, returnMessage: "success" });
    expect(sql("select payment_method, payment_status from orders where id = ?", o.id)).toEqual([{ payment_method: "counter", payment_status: "unpaid" }]);
    expect((await move(o.id, "confirmed")).statusCode).toBe(200);
  });
});
