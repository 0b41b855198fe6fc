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
    // Asked again at once (many screens, an eager client): not passed on to Zalo within 10 s; the callback settles it.
    const asks = async () => ((await h.control("GET", "/_emu/requests")) as any[]).filter((r) => r.path === "/payment/api/transaction/get-status").length;
    const asked = await asks();
    expect((await inject("GET", `/api/orders/${o.id}/payment?checkoutOrderId=${checkoutOrderId}`, s.token)).json()).toMatchObject({
      paymentStatus: "pending",
      zalo: null,
    });
    expect(await asks()).toBe(asked);
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

describe("Checkout for cash and transfers (COD / BANK) and refunds", () => {
  const KEY = TEST_ENV.ZALO_CHECKOUT_PRIVATE_KEY;
  const hmac = (s: string) => createHmac("sha256", KEY).update(s).digest("hex");

  async function createV2(s: { appUserId: string }, params: any) {
    const { accessToken } = await h.control("POST", `/_emu/users/${s.appUserId}/token`);
    const form = new URLSearchParams({ ...params, amount: String(params.amount), item: encodeURIComponent(JSON.stringify(params.item)) });
    const res = await fetch(`${h.emuUrl}/payment/api/order/create-v2`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${accessToken}` },
      body: form,
    });
    const body = (await res.json()) as any;
    expect(body.err, JSON.stringify(body)).toBe(0);
    return body.data.id as string;
  }
  const emuOrder = async (coid: string) => ((await h.control("GET", "/_emu/checkout/orders")) as any[]).find((x) => x.id === coid);
  const updates = async (coid: string) => ((await emuOrder(coid))?.updates ?? []).map((u: any) => u.resultCode);
  /** A counter order the shopper took through Checkout as COD; Zalo's notify reaches the server. */
  async function codOrder(name: string) {
    await h.control("POST", "/_emu/config", { checkoutNotifyUrl: `${apiUrl}/webhooks/zalo-checkout/notify` });
    const s = await newShopper(h, name);
    const o = (await place(s.token)).json().order;
    const res = await inject("POST", `/api/orders/${o.id}/checkout`, s.token);
    expect(res.statusCode, res.body).toBe(200);
    const params = res.json();
    expect(JSON.parse(params.method)).toEqual({ id: "COD", isCustom: false });
    expect(params.mac).toBe(hmac(checkoutMacData((({ mac: _m, ...rest }) => rest)(params))));
    const coid = await createV2(s, params);
    return { s, o, coid };
  }

  it("pay at the counter is a Checkout COD order: notify finds it through getOrderStatus, completion is reported with updateOrderStatus", async () => {
    const { o, coid } = await codOrder("Khách trả quầy");
    // Not linked yet (the app never told us): the notify's Checkout id is resolved through Zalo's get-status.
    expect(sql("select checkout_order_id from orders where id = ?", o.id)[0].checkout_order_id).toBeNull();
    const sent = await h.control("POST", `/_emu/checkout/${coid}/notify`, { method: "COD" });
    expect(sent.response).toEqual({ returnCode: 1, returnMessage: "success" });
    expect(sql("select payment_method, payment_status, checkout_order_id, checkout_method from orders where id = ?", o.id)).toEqual([
      { payment_method: "counter", payment_status: "unpaid", checkout_order_id: coid, checkout_method: "COD" },
    ]);
    for (const st of ["confirmed", "ready"]) expect((await move(o.id, st)).statusCode).toBe(200);
    expect(await updates(coid)).toEqual([]);
    expect((await move(o.id, "completed")).statusCode).toBe(200);
    // Reported once the completion committed, signed with the Mini App ID (the emulator refuses anything else).
    await expect.poll(() => updates(coid)).toEqual([1]);
    await expect
      .poll(() => sql("select checkout_report_due, checkout_reported from orders where id = ?", o.id)[0])
      .toEqual({
        checkout_report_due: null,
        checkout_reported: 1,
      });
    expect((await emuOrder(coid)).resultCode).toBe(1);
    expect(sql("select count(*) as n from audit_log where action = 'order.checkout_reported' and target_id = ?", o.id)[0].n).toBe(1);
    // A forged notify id (not Zalo's) finds no order.
    const forgedId = "1234567890123456789";
    const forged = await h.app.inject({
      method: "POST",
      url: "/webhooks/zalo-checkout/notify",
      payload: {
        data: { appId: TEST_ENV.ZALO_MINI_APP_ID, orderId: forgedId, method: "COD" },
        mac: hmac(`appId=${TEST_ENV.ZALO_MINI_APP_ID}&orderId=${forgedId}&method=COD`),
      },
    });
    expect(forged.json().returnCode).toBe(0);
  });

  it("a bank-transfer order cancelled unpaid is reported failed; a report Zalo refuses stays due and the sweep sends it later", async () => {
    const { o, coid } = await codOrder("Khách chuyển khoản");
    await h.control("POST", `/_emu/checkout/${coid}/notify`, { method: "BANK" });
    expect(sql("select checkout_method from orders where id = ?", o.id)[0].checkout_method).toBe("BANK");
    await h.control("POST", "/_emu/faults", { match: "/payment/api/transaction/update-status", error: -2003, times: 1 });
    expect((await move(o.id, "cancelled", undefined, "Khách không đến")).statusCode).toBe(200);
    await expect.poll(() => sql("select checkout_report_error from orders where id = ?", o.id)[0].checkout_report_error).toMatch(/-2003/);
    expect(sql("select checkout_report_due, checkout_reported from orders where id = ?", o.id)[0]).toEqual({
      checkout_report_due: -1,
      checkout_reported: null,
    });
    // Not before its retry time; then once.
    expect(await h.app.services.payments.reportDue()).toBe(0);
    await h.control("POST", "/_emu/clock", { advanceMs: 6 * 60_000 });
    expect(await h.app.services.payments.reportDue()).toBe(1);
    expect(await updates(coid)).toEqual([-1]);
    expect(sql("select checkout_report_due, checkout_reported, checkout_report_error from orders where id = ?", o.id)[0]).toEqual({
      checkout_report_due: null,
      checkout_reported: -1,
      checkout_report_error: null,
    });
    expect(await h.app.services.payments.reportDue()).toBe(0);
  });

  it("a report Zalo keeps refusing is listed for owners with its code and next try; an owner retries it now (audited)", async () => {
    const { o, coid } = await codOrder("Khách báo cáo kẹt");
    await h.control("POST", `/_emu/checkout/${coid}/notify`, { method: "COD" });
    // Zalo refuses updateOrderStatus twice (No permission: sending the same again does not help), then accepts.
    await h.control("POST", "/_emu/faults", { match: "/payment/api/transaction/update-status", error: -2001, message: "No permission", times: 2 });
    for (const st of ["confirmed", "ready", "completed"]) expect((await move(o.id, st)).statusCode).toBe(200);
    await expect.poll(() => sql("select checkout_report_error from orders where id = ?", o.id)[0].checkout_report_error).toMatch(/-2001/);

    const listed = async () => (await inject("GET", "/api/admin/checkout-reports", ctx.admin)).json().reports.find((r: any) => r.orderId === o.id);
    const first = await listed();
    expect(first).toMatchObject({ code: o.code, totalVnd: 96_000, checkoutMethod: "COD", resultCode: 1, zaloCode: -2001 });
    expect(first.error).toContain("No permission");
    // A refusal that a resend cannot fix waits 6 hours for the job, not one minute.
    const at = (await h.control("GET", "/_emu/state")).now as number; // the server's clock is the emulator's
    expect(Date.parse(first.nextTryAt) - at).toBeGreaterThan(5 * 3600_000);
    expect((await inject("GET", "/api/admin/checkout-reports", ctx.staff.token)).statusCode).toBe(403);
    expect(await h.app.services.payments.reportDue()).toBe(0);

    // Retried now: refused again, still listed.
    const again = await inject("POST", `/api/admin/orders/${o.id}/checkout-report/retry`, ctx.admin);
    expect([again.statusCode, again.json()]).toEqual([200, { sent: false }]);
    expect((await listed()).zaloCode).toBe(-2001);
    expect(await updates(coid)).toEqual([]);
    // Retried once Zalo accepts: reported, off the list.
    const ok = await inject("POST", `/api/admin/orders/${o.id}/checkout-report/retry`, ctx.admin);
    expect([ok.statusCode, ok.json()]).toEqual([200, { sent: true }]);
    expect(await updates(coid)).toEqual([1]);
    expect(await listed()).toBeUndefined();
    expect(sql("select checkout_report_due, checkout_reported, checkout_report_error from orders where id = ?", o.id)[0]).toEqual({
      checkout_report_due: null,
      checkout_reported: 1,
      checkout_report_error: null,
    });
    expect(sql("select count(*) as n from audit_log where action = 'order.checkout_report_retried' and target_id = ?", o.id)[0].n).toBe(2);
    // Nothing left to retry; an unknown order.
    const none = await inject("POST", `/api/admin/orders/${o.id}/checkout-report/retry`, ctx.admin);
    expect([none.statusCode, none.json().code]).toEqual([409, "ORDER_STATUS_INVALID"]);
    const unknown = await inject("POST", "/api/admin/orders/nope/checkout-report/retry", ctx.admin);
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, "ORDER_NOT_FOUND"]);
  });

  it("refunds: a cancelled paid order is a console task until marked done (audited, once); a COD one is then reported refunded", async () => {
    const { o, coid } = await codOrder("Khách hoàn tiền");
    await h.control("POST", `/_emu/checkout/${coid}/notify`, { method: "COD" });
    for (const st of ["confirmed", "ready", "completed"]) expect((await move(o.id, st)).statusCode).toBe(200);
    await expect.poll(() => updates(coid)).toEqual([1]);
    expect((await move(o.id, "cancelled", ctx.admin, "Khách trả lại món")).statusCode).toBe(200);
    expect(sql("select payment_status from orders where id = ?", o.id)[0].payment_status).toBe("refund_due");

    const list = await inject("GET", "/api/admin/refunds", ctx.admin);
    expect(list.statusCode).toBe(200);
    expect(list.json().refunds.find((r: any) => r.orderId === o.id)).toMatchObject({
      code: o.code,
      totalVnd: 96_000,
      checkoutMethod: "COD",
      payment: "counter",
    });
    expect((await inject("GET", "/api/admin/refunds", ctx.staff.token)).statusCode).toBe(403);
    const short = await inject("POST", `/api/admin/orders/${o.id}/refunded`, ctx.admin, { note: "" });
    expect([short.statusCode, short.json().code]).toEqual([400, "VALIDATION_FAILED"]);

    const done = await inject("POST", `/api/admin/orders/${o.id}/refunded`, ctx.admin, { note: "Trả tiền mặt tại quầy" });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().order.paymentStatus).toBe("refunded");
    const again = await inject("POST", `/api/admin/orders/${o.id}/refunded`, ctx.admin, { note: "Trả tiền mặt tại quầy" });
    expect([again.statusCode, again.json().code]).toEqual([409, "ORDER_STATUS_INVALID"]);
    expect(sql("select count(*) as n from audit_log where action = 'order.refunded' and target_id = ?", o.id)[0].n).toBe(1);
    expect((await inject("GET", "/api/admin/refunds", ctx.admin)).json().refunds.some((r: any) => r.orderId === o.id)).toBe(false);
    await expect.poll(() => updates(coid)).toEqual([1, 2]);
    expect((await emuOrder(coid)).resultCode).toBe(2);
  });
});
