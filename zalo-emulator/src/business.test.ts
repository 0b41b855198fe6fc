import { afterEach, describe, expect, it } from "vitest";
import { ZaloCode } from "./errors";
import { emulator, OA_TOKEN, receiver, T0, until } from "./test-helpers";
import { signWebhook } from "./webhooks";
import { APP } from "./test-helpers";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function setup(extra: Parameters<typeof emulator>[0] = {}) {
  const emu = await emulator(extra);
  cleanups.push(() => emu.app.close());
  return emu;
}

const H = { access_token: OA_TOKEN };
const ORDER = { customer_name: "Nguyễn Thu Hà", order_code: "PE010299485", amount: "100000" };
const send = (call: Awaited<ReturnType<typeof setup>>["call"], body: Record<string, unknown>) =>
  call("POST", "/business/message/template", { headers: H, body: { phone: "0912345678", template_id: "100001", template_data: ORDER, ...body } });

describe("ZNS send by phone", () => {
  it("sends, answers the §7.1 shape with string quotas, records the message, duplicates included", async () => {
    const { call } = await setup();
    const a = await send(call, { tracking_id: "order-1" });
    expect(a.body).toEqual({
      error: 0,
      message: "Success",
      data: { msg_id: expect.stringMatching(/^[0-9a-f]{20}$/), sent_time: String(T0), sending_mode: "1", quota: { dailyQuota: "500", remainingQuota: "499" } },
    });
    await send(call, { phone: "+84912345678", tracking_id: "order-1" });
    const msgs = (await call("GET", "/_emu/messages?trackingId=order-1")).body;
    expect(msgs).toHaveLength(2); // Zalo is not idempotent on tracking_id
    expect(msgs[0]).toMatchObject({ channel: "zns", templateId: "100001", trackingId: "order-1", recipient: { phone: "84912345678" }, data: ORDER });
    const quota = await call("GET", "/business/message/quota", { headers: H });
    expect(quota.body.data).toMatchObject({ dailyQuota: 500, remainingQuota: 498 });
  });

  it("checks params: missing -1122, too long -1121 counted after NFC", async () => {
    const { call } = await setup();
    const { customer_name: _, ...missing } = ORDER;
    expect((await send(call, { template_data: missing })).body.error).toBe(ZaloCode.PARAM_MISSING);
    // 30 letters when NFC-composed, 60 code points when decomposed: must pass.
    const decomposed = "ệ".normalize("NFD").repeat(30);
    expect(decomposed.length).toBeGreaterThan(30);
    expect((await send(call, { template_data: { ...ORDER, customer_name: decomposed } })).body.error).toBe(0);
    expect((await send(call, { template_data: { ...ORDER, customer_name: "ệ".repeat(31) } })).body.error).toBe(ZaloCode.PARAM_TOO_LONG);
    expect((await send(call, { template_id: "nope" })).body.error).toBe(ZaloCode.TEMPLATE_ID_INVALID);
    expect((await send(call, { phone: "84900000000" })).body.error).toBe(ZaloCode.ZALO_ACCOUNT_NOT_EXIST);
    expect((await send(call, { tracking_id: "x".repeat(49) })).body.error).toBe(ZaloCode.PARAMETER_INVALID);
    expect((await call("POST", "/business/message/template", { headers: { access_token: "bad" }, body: {} })).body.error).toBe(ZaloCode.ZNS_TOKEN_INVALID);
  });

  it("stops at the daily quota with -144 and starts again the next Vietnam day", async () => {
    const { call, clock } = await setup({ dailyQuota: 2 });
    expect((await send(call, {})).body.error).toBe(0);
    expect((await send(call, {})).body.data.quota.remainingQuota).toBe("0");
    expect((await send(call, {})).body.error).toBe(ZaloCode.DAILY_QUOTA_EXCEEDED);
    clock.advance(24 * 3600_000);
    expect((await send(call, {})).body.error).toBe(0);
  });

  it("refuses tag 3 at 23:00 UTC+7 (-133) but sends tag 1; caps tag 3 at one per user per day (-1472)", async () => {
    const { call, clock } = await setup();
    const promo = { template_id: "100003", template_data: { customer_name: "Hà", voucher_code: "SALE10", expiry_date: "31/05/2026" } };
    expect((await send(call, promo)).body.error).toBe(0);
    expect((await send(call, promo)).body.error).toBe(ZaloCode.PROMOTION_DAILY_PER_USER);
    clock.set(Date.UTC(2026, 4, 12, 16, 0, 0)); // 23:00 in Ho Chi Minh City
    expect((await send(call, { ...promo, phone: "84987654321" })).body.error).toBe(ZaloCode.NIGHT_NOT_ALLOWED);
    expect((await send(call, {})).body.error).toBe(0);
  });

  it("sends development mode only to admins (-127)", async () => {
    const { call } = await setup();
    expect((await send(call, { mode: "development" })).body.error).toBe(ZaloCode.DEV_MODE_ADMIN_ONLY);
    expect((await send(call, { mode: "development", phone: "84901234567" })).body.error).toBe(0);
  });

  it("delivers a signed user_received_message receipt echoing tracking_id; /message/status then says delivered", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { call } = await setup({ webhookUrl: hook.url });
    const sent = (await send(call, { tracking_id: "order-88213-confirmed" })).body.data;
    const got = await until(() => hook.got[0]);
    const payload = JSON.parse(got.raw);
    expect(got.headers["x-zevent-server"]).toBe("ZNS");
    expect(payload).toEqual({
      app_id: APP.appId,
      event_name: "user_received_message",
      sender: { id: APP.oaId },
      recipient: { id: "84912345678" },
      message: { msg_id: sent.msg_id, delivery_time: String(T0), tracking_id: "order-88213-confirmed" },
      timestamp: String(T0),
    });
    expect(got.headers["x-zevent-signature"]).toBe(`mac=${signWebhook(payload.app_id, got.raw, payload.timestamp, APP.oaSecretKey)}`);
    const status = await call("GET", `/business/message/status?message_id=${sent.msg_id}`, { headers: H });
    expect(status.body.data).toEqual({ delivery_time: String(T0), message: expect.any(String), status: 1 });
  });

  it("lists templates and their details", async () => {
    const { call } = await setup();
    await call("POST", "/_emu/templates", { body: { id: "9", name: "OTP", tag: 1, params: [{ name: "otp", type: "12" }] } });
    const all = await call("GET", "/business/template/all?offset=0&limit=100", { headers: H });
    expect(all.body.metadata.total).toBe(4);
    expect(all.body.data[0]).toMatchObject({ templateId: "100001", status: 1 });
    const info = await call("GET", "/business/template/info/v2?template_id=9", { headers: H });
    expect(info.body.data).toMatchObject({ templateId: "9", status: "ENABLE", listParams: [{ name: "otp", maxLength: 10, require: true }] });
  });
});

describe("ZNS param types (§7.4): a value in the wrong format is -1124", () => {
  it("checks DATE, PHONE, EMAIL, URL, CODE and NUMBER, not only NUMBER", async () => {
    const { call } = await setup();
    const params = ["DATE", "PHONE", "EMAIL", "URL", "CODE", "NUMBER"].map((type) => ({ name: type.toLowerCase(), type, maxLength: 200 }));
    const t = await call("POST", "/_emu/templates", { body: { id: "200001", name: "Mọi kiểu tham số", tag: 1, params } });
    expect(t.status).toBe(201);
    const good = { date: "18:30 25/12/2026", phone: "84912345678", email: "ha@example.vn", url: "https://quan.vn/don/1", code: "PE-0102", number: "45000" };
    const go = (data: Record<string, string>) =>
      call("POST", "/business/message/template", { headers: H, body: { phone: "0912345678", template_id: "200001", template_data: data } });
    expect((await go(good)).body.error).toBe(0);
    for (const [name, bad] of Object.entries({
      date: "2026-12-25",
      phone: "09 123",
      email: "ha-at-example",
      url: "quan.vn/don",
      code: "PE 0102",
      number: "45.000",
    })) {
      const r = await go({ ...good, [name]: bad });
      expect(r.body.error, `${name}=${bad}`).toBe(ZaloCode.PARAM_FORMAT_INVALID);
    }
  });
});
