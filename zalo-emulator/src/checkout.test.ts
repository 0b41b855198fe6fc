import Fastify from "fastify";
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { checkoutMacData } from "./checkout";
import { APP, emulator } from "./test-helpers";

const KEY = "test-checkout-key";
const hmac = (s: string) => createHmac("sha256", KEY).update(s).digest("hex");
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const params = {
  amount: 45000,
  desc: "Thanh toán đơn ABC",
  item: [{ id: "p1", amount: 45000 }],
  extradata: JSON.stringify({ orderId: "o-1" }),
  method: JSON.stringify({ id: "ZALOPAY_SANDBOX", isCustom: false }),
};

/** What zmp-sdk posts (§8.1): form-urlencoded, item = encodeURIComponent(JSON), with the user's bearer token. */
async function createOrder(emu: Awaited<ReturnType<typeof emulator>>, over: Record<string, string> = {}) {
  const { accessToken } = (await emu.call("POST", "/_emu/personas/shopper/login")).body;
  const form = new URLSearchParams({
    amount: String(params.amount),
    desc: params.desc,
    item: encodeURIComponent(JSON.stringify(params.item)),
    extradata: params.extradata,
    method: params.method,
    mac: hmac(checkoutMacData(params)),
    ...over,
  });
  const res = await emu.app.inject({
    method: "POST",
    url: "/payment/api/order/create-v2",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${accessToken}` },
    payload: form.toString(),
  });
  return res.json();
}

async function callbackReceiver() {
  const got: any[] = [];
  const app = Fastify();
  app.post("/cb", async (req) => {
    got.push(req.body);
    return { returnCode: 1, returnMessage: "ok" };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  cleanups.push(() => app.close());
  return { url: `${app.listeningOrigin}/cb`, got };
}

describe("Checkout host (/payment)", () => {
  it("create-v2 checks the MAC and the session, then returns the Checkout order id", async () => {
    const emu = await emulator({ checkoutPrivateKey: KEY });
    cleanups.push(() => emu.app.close());
    const ok = await createOrder(emu);
    expect(ok).toMatchObject({ err: 0, data: { id: expect.stringMatching(/^\d{18,19}$/), method: "ZALOPAY_SANDBOX" } });
    expect(await createOrder(emu, { mac: hmac("tampered") })).toMatchObject({ err: -2101 });
    expect(await createOrder(emu, { amount: "1000" })).toMatchObject({ err: -2101 });
    const noSession = await emu.app.inject({ method: "POST", url: "/payment/api/order/create-v2", payload: { amount: 1 } });
    expect(noSession.json()).toMatchObject({ err: -2002 });
  });

  it("pay sends the signed callback to the configured URL; get-status reports it (MAC checked)", async () => {
    const hook = await callbackReceiver();
    const emu = await emulator({ checkoutPrivateKey: KEY });
    cleanups.push(() => emu.app.close());
    await emu.call("POST", "/_emu/config", { body: { checkoutCallbackUrl: hook.url } });
    const { data } = await createOrder(emu);
    const statusMac = (id: string) => hmac(`appId=${APP.miniAppId}&orderId=${id}&privateKey=${KEY}`);
    const before = await emu.call("GET", `/payment/api/transaction/get-status?orderId=${data.id}&appId=${APP.miniAppId}&mac=${statusMac(data.id)}`);
    expect(before.body).toMatchObject({ error: 0, data: { returnCode: 0, isProcessing: true, amount: 45000 } });

    const paid = await emu.call("POST", `/_emu/checkout/${data.id}/pay`, { body: {} });
    expect(paid.body).toMatchObject({ delivered: true, response: { returnCode: 1 } });
    const cb = hook.got[0];
    expect(cb.data).toMatchObject({
      appId: APP.miniAppId,
      orderId: data.id,
      amount: 45000,
      resultCode: 1,
      extradata: encodeURIComponent(params.extradata),
      method: "ZALOPAY_SANDBOX",
    });
    expect(cb.overallMac).toBe(hmac(checkoutMacData(cb.data)));
    const { appId, orderId, transId, amount, description, resultCode, message } = cb.data;
    expect(cb.mac).toBe(hmac(checkoutMacData({ appId, orderId, transId, amount, description, resultCode, message })));

    const after = await emu.call("GET", `/payment/api/transaction/get-status?orderId=${data.id}&appId=${APP.miniAppId}&mac=${statusMac(data.id)}`);
    expect(after.body.data).toMatchObject({ returnCode: 1, isProcessing: false, transId: cb.data.transId, extradata: params.extradata });
    const badMac = await emu.call("GET", `/payment/api/transaction/get-status?orderId=${data.id}&appId=${APP.miniAppId}&mac=${statusMac("other")}`);
    expect(badMac.body).toMatchObject({ error: -2101 });
    // Checkout's appId is the Mini App's: asked with the Zalo App ID (a correct MAC over it), there is no such order.
    const zaloAppMac = hmac(`appId=${APP.appId}&orderId=${data.id}&privateKey=${KEY}`);
    const byZaloApp = await emu.call("GET", `/payment/api/transaction/get-status?orderId=${data.id}&appId=${APP.appId}&mac=${zaloAppMac}`);
    expect(byZaloApp.body).toMatchObject({ error: -2001 });
    expect(cb.data.appId).not.toBe(APP.appId);

    // Paying again resends the same callback (a retry); a paid order cannot then fail.
    await emu.call("POST", `/_emu/checkout/${data.id}/pay`, { body: {} });
    expect(hook.got[1]).toEqual(cb);
    expect((await emu.call("POST", `/_emu/checkout/${data.id}/pay`, { body: { resultCode: -1 } })).status).toBe(409);
    const wrong = await emu.call("POST", `/_emu/checkout/${data.id}/pay`, { body: { badMac: true } });
    expect(hook.got[2].overallMac).not.toBe(cb.overallMac);
    expect(wrong.body.delivered).toBe(true);
  });

  it("notify carries method and its own mac; unknown orders are 404", async () => {
    const hook = await callbackReceiver();
    const emu = await emulator({ checkoutPrivateKey: KEY, checkoutNotifyUrl: hook.url });
    cleanups.push(() => emu.app.close());
    const { data } = await createOrder(emu);
    await emu.call("POST", `/_emu/checkout/${data.id}/notify`, { body: { method: "COD" } });
    expect(hook.got[0]).toEqual({
      data: { appId: APP.miniAppId, orderId: data.id, method: "COD" },
      mac: hmac(`appId=${APP.miniAppId}&orderId=${data.id}&method=COD`),
    });
    expect((await emu.call("POST", "/_emu/checkout/nope/pay", { body: {} })).status).toBe(404);
    expect((await emu.call("GET", "/_emu/config")).body).not.toHaveProperty("checkoutPrivateKey");
  });

  it("updateOrderStatus: MAC with the Mini App ID, COD/bank orders only, refund only after success", async () => {
    const hook = await callbackReceiver();
    const emu = await emulator({ checkoutPrivateKey: KEY, checkoutNotifyUrl: hook.url });
    cleanups.push(() => emu.app.close());
    const update = (orderId: string, resultCode: unknown, over: { appId?: string; mac?: string } = {}) => {
      const appId = over.appId ?? APP.miniAppId;
      const mac = over.mac ?? hmac(`appId=${appId}&orderId=${orderId}&resultCode=${resultCode}&privateKey=${KEY}`);
      return emu.call("POST", "/payment/api/transaction/update-status", { body: { appId, orderId, resultCode, mac } }).then((r) => r.body);
    };
    const cod = (await createOrder(emu)).data.id;
    const online = (await createOrder(emu)).data.id;
    await emu.call("POST", `/_emu/checkout/${cod}/notify`, { body: { method: "COD" } });
    // The sheet is done with it: the shopper cannot then pay it online.
    expect((await emu.call("POST", `/_emu/checkout/${cod}/pay`, { body: {} })).status).toBe(409);

    expect(await update(cod, 2)).toMatchObject({ err: -2105 }); // refunded before it was paid
    expect(await update(cod, 3)).toMatchObject({ err: -2105 });
    expect(await update(cod, 1, { mac: hmac("x") })).toMatchObject({ err: -2101 });
    // Signed correctly but with the Zalo App ID: not this Mini App's order.
    expect(await update(cod, 1, { appId: APP.appId })).toMatchObject({ err: -2001 });
    expect(await update(online, 1)).toMatchObject({ err: -2001 }); // a ZaloPay order's result comes from ZaloPay
    expect(await update(cod, 1)).toEqual({ err: 0, msg: "Success", error: 0 });
    expect(await update(cod, 2)).toMatchObject({ err: 0 });

    const statusMac = hmac(`appId=${APP.miniAppId}&orderId=${cod}&privateKey=${KEY}`);
    const st = await emu.call("GET", `/payment/api/transaction/get-status?orderId=${cod}&appId=${APP.miniAppId}&mac=${statusMac}`);
    expect(st.body.data).toMatchObject({ returnCode: 2, method: "COD", isProcessing: false });
    const [o] = ((await emu.call("GET", "/_emu/checkout/orders")).body as any[]).filter((x) => x.id === cod);
    expect(o.updates.map((u: any) => u.resultCode)).toEqual([1, 2]);
    // An injected refusal answers in Checkout's own shape (`err`, `msg`), not the OA envelope.
    await emu.call("POST", "/_emu/faults", { body: { match: "/payment/api/transaction/update-status", error: -2001, message: "No permission" } });
    expect(await update(cod, 2)).toEqual({ err: -2001, msg: "No permission", error: -2001 });
  });
});
