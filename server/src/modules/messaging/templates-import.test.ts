import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { tagOf } from "./templates";

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await startHarness();
  admin = (await withStoreAndStaff(h)).admin;
  // 10:00 in Vietnam: inside every tag's sending hours.
  await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 3, 0) });
});
afterEach(async () => h.close());

const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const api = (method: string, url: string, payload?: unknown, token = admin) =>
  h.app.inject({ method: method as any, url, headers: bearer(token), payload: payload as any });
const importTemplate = (body: Record<string, unknown>) => api("POST", "/api/admin/zns/templates/import", body);
const ORDER = { customer_name: "Hà", order_code: "A-1", amount: "45000" };

describe("importing a ZNS template from Zalo by id", () => {
  it("stores Zalo's params, tag, status and price; the label is the shop's and survives a refresh", async () => {
    const res = await importTemplate({ templateId: "100001" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: "100001",
      name: "Xác nhận đơn hàng",
      zaloName: "Xác nhận đơn hàng",
      tag: 1,
      zaloStatus: "ENABLE",
      disabled: false,
      usable: true,
      priceVnd: 300,
      params: [
        { name: "customer_name", type: "STRING", maxLength: 30, require: true },
        { name: "order_code", type: "STRING", maxLength: 30, require: true },
        { name: "amount", type: "NUMBER", maxLength: 20, require: true },
      ],
    });
    // The server asked Zalo with the OA token, on the documented path.
    const asked = (await h.control("GET", "/_emu/requests?path=/business/template/info/v2")) as any[];
    expect(asked.at(-1)).toMatchObject({ method: "GET", query: { template_id: "100001" }, error: 0 });

    const renamed = await api("PATCH", "/api/admin/zns/templates/100001", { label: "Đơn hàng đã nhận" });
    expect(renamed.json()).toMatchObject({ name: "Đơn hàng đã nhận", zaloName: "Xác nhận đơn hàng" });
    // Zalo changes the template (a new review): a second import refreshes Zalo's facts, the label stays.
    await h.control("POST", "/_emu/templates", {
      id: "100001",
      name: "Xác nhận đơn hàng v2",
      tag: 1,
      status: "PENDING_REVIEW",
      params: [{ name: "customer_name", maxLength: 40 }],
    });
    const again = (await importTemplate({ templateId: "100001" })).json();
    expect(again).toMatchObject({ name: "Đơn hàng đã nhận", zaloName: "Xác nhận đơn hàng v2", zaloStatus: "PENDING_REVIEW", usable: false });
    expect(again.params).toEqual([{ name: "customer_name", type: "STRING", maxLength: 40, require: true }]);
    expect(sql("select count(*) as n from zns_templates")[0].n).toBe(1);
    expect(sql("select action from audit_log where action like 'zns_template.%' order by id").map((r) => r.action)).toEqual([
      "zns_template.import",
      "zns_template.update",
      "zns_template.import",
    ]);
  });

  it("an id Zalo does not know is 404 TEMPLATE_NOT_AT_ZALO; Zalo down is 503 ZALO_UNAVAILABLE; bad input is 400; nothing is stored", async () => {
    const missing = await importTemplate({ templateId: "999999" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe("TEMPLATE_NOT_AT_ZALO");
    await h.control("POST", "/_emu/faults", { match: "/business/template/info", error: -100, times: 3 });
    const down = await importTemplate({ templateId: "100002" });
    expect(down.statusCode).toBe(503);
    expect(down.json().code).toBe("ZALO_UNAVAILABLE");
    await h.control("DELETE", "/_emu/faults");
    const bad = await importTemplate({ templateId: "có dấu" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(JSON.stringify(bad.json().details)).toContain("mã mẫu chỉ gồm chữ và số");
    expect((await importTemplate({ templateId: "100002", tag: 4 })).statusCode).toBe(400);
    expect((await api("PATCH", "/api/admin/zns/templates/100002", {})).statusCode).toBe(400);
    expect((await api("PATCH", "/api/admin/zns/templates/nope", { disabled: true })).json().code).toBe("TEMPLATE_NOT_FOUND");
    expect(sql("select count(*) as n from zns_templates")[0].n).toBe(0);
  });

  it("Zalo's templateTag is read when it says the tag, else the admin picks it", () => {
    expect([tagOf("TRANSACTION"), tagOf("CUSTOMER_CARE"), tagOf("PROMOTION"), tagOf(2), tagOf("3")]).toEqual([1, 2, 3, 2, 3]);
    expect([tagOf("SOMETHING_NEW"), tagOf(null), tagOf(7)]).toEqual([null, null, null]);
  });
});

describe("a disabled or unapproved template is never sent", () => {
  it("switched off: test sends and broadcasts are refused with TEMPLATE_DISABLED; rows already queued fail with that reason", async () => {
    await importTemplate({ templateId: "100001" });
    const shopper = await h.login("shopper");
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    await api("POST", "/api/me/phone", { phoneToken, accessToken: shopper.zaloToken }, shopper.token);
    // Queued while it was on…
    h.app.services.messaging.queue({
      customerId: shopper.customer.id,
      category: "transactional",
      priority: 9,
      dedupeKey: "order:1:confirmed",
      source: "order",
      template: { id: "100001", data: ORDER },
    });
    const draft = await api("POST", "/api/admin/broadcasts", {
      name: "Đơn",
      category: "care",
      content: { template: { id: "100001", data: ORDER } },
      audience: {},
    });
    expect(draft.statusCode, draft.body).toBe(201);
    // …then switched off in the console.
    const off = await api("PATCH", "/api/admin/zns/templates/100001", { disabled: true });
    expect(off.json()).toMatchObject({ disabled: true, usable: false });
    const before = ((await h.control("GET", "/_emu/messages?channel=zns")) as any[]).length;
    await h.app.services.dispatcher.drain();
    expect(sql("select state, reason from outbox")).toEqual([{ state: "failed", reason: "TEMPLATE_DISABLED" }]);
    const test = await api("POST", "/api/admin/zns/test-send", { phone: "0912345678", templateId: "100001", data: ORDER });
    expect(test.statusCode).toBe(409);
    expect(test.json().code).toBe("TEMPLATE_DISABLED");
    const start = await api("POST", `/api/admin/broadcasts/${draft.json().id}/start`);
    expect(start.statusCode).toBe(409);
    expect(start.json().code).toBe("TEMPLATE_DISABLED");
    expect(((await h.control("GET", "/_emu/messages?channel=zns")) as any[]).length).toBe(before);

    // Back on: it sends again.
    expect((await api("PATCH", "/api/admin/zns/templates/100001", { disabled: false })).json().usable).toBe(true);
    const ok = await api("POST", "/api/admin/zns/test-send", { phone: "0912345678", templateId: "100001", data: ORDER });
    expect(ok.statusCode).toBe(202);
    await h.app.services.dispatcher.drain();
    expect((await api("GET", `/api/admin/zns/test-send/${ok.json().id}`)).json()).toMatchObject({ done: true, ok: true });
  });

  it("a row with text besides a switched-off template goes as text by CS; the template is not used", async () => {
    const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
    await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
    const s = await newShopper(h, "Lan");
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`); // a follower, inside the free CS window
    await h.app.services.dispatcher.drain(); // the welcome message
    // No "one message per 20 h" cap (the welcome message would hold the next one).
    const rules = (await api("GET", "/api/admin/warming-rules")).json().rules;
    await api("PUT", "/api/admin/warming-rules", { rules: { ...rules, caps: [] } });
    await importTemplate({ templateId: "100002" });
    h.app.services.messaging.queue({
      customerId: s.customer.id,
      category: "care",
      priority: 2,
      dedupeKey: "floor:lan",
      source: "floor",
      text: "Bạn đang có 20 điểm thưởng.",
      template: { id: "100002", data: { customer_name: "Lan", content: "Bạn đang có 20 điểm thưởng." } },
    });
    await api("PATCH", "/api/admin/zns/templates/100002", { disabled: true });
    await h.app.services.dispatcher.drain();
    expect(sql("select state, channel from outbox where source = 'floor'")).toEqual([{ state: "sent", channel: "cs" }]);
    expect(((await h.control("GET", "/_emu/messages")) as any[]).filter((m) => m.templateId === "100002")).toEqual([]);
  });

  it("not ENABLE at Zalo (pending review): refused with TEMPLATE_NOT_APPROVED before anything is queued", async () => {
    await h.control("POST", "/_emu/templates", {
      id: "200001",
      name: "Mẫu mới chờ duyệt",
      tag: 2,
      status: "PENDING_REVIEW",
      params: [{ name: "content", maxLength: 100 }],
    });
    const t = (await importTemplate({ templateId: "200001" })).json();
    expect(t).toMatchObject({ tag: 2, zaloStatus: "PENDING_REVIEW", usable: false });
    const test = await api("POST", "/api/admin/zns/test-send", { phone: "0912345678", templateId: "200001", data: { content: "Xin chào" } });
    expect(test.statusCode).toBe(409);
    expect(test.json().code).toBe("TEMPLATE_NOT_APPROVED");
    expect(sql("select count(*) as n from outbox")[0].n).toBe(0);
  });
});
