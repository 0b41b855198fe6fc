import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALWAYS_OPEN_WEEK, WEEKDAYS, type StoreSettingsInput, type WeekHours } from "@mc/shared";
import { ALWAYS_OPEN_WEEK_JSON } from "../../db/schema";
import { databaseDigest } from "../../http/route-table";
import { newShopper } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";

// One server + emulator for the file; the clock is set per test (the server's follows the emulator's).
let shop: Shop;
const { sql, count, inject } = shopCalls(() => shop);
beforeAll(async () => {
  shop = await startShop();
});
afterAll(async () => shop.h.close());

/** Wall time in Vietnam (UTC+7, the shop's zone) as an instant. 2026-12-08 is a Tuesday. */
const vn = (iso: string) => Date.parse(`${iso}+07:00`);
const setClock = (at: number) => shop.h.control("POST", "/_emu/clock", { now: at });
const daily = (open: string, close: string): WeekHours => Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open, close }]])) as WeekHours;
const settings = (over: Partial<StoreSettingsInput> = {}): StoreSettingsInput => ({
  name: "Quận 1",
  address: "42 Nguyễn Huệ",
  active: true,
  closedReason: null,
  timeZone: "Asia/Ho_Chi_Minh",
  week: daily("07:00", "22:00"),
  exceptions: [],
  ...over,
});
const admin = () => shop.ctx.admin;
const save = (id: string, body: unknown) => inject("PUT", `/api/admin/stores/${id}`, admin(), body);
let req = 0;
const order = (token: string, pickup: unknown, storeId = "q1") =>
  inject("POST", "/api/orders", token, {
    storeId,
    items: [{ productId: shop.menu.tea, quantity: 1, optionIds: ["M"] }],
    pickup,
    payment: "counter",
    expectedTotal: 35_000,
    requestId: `hours-${++req}-order`,
  });

describe("a store without hours of its own", () => {
  it("is open all day, every day, in the shop's time zone (what stores made before hours keep doing)", async () => {
    expect(ALWAYS_OPEN_WEEK_JSON).toBe(JSON.stringify(ALWAYS_OPEN_WEEK));
    const q3 = (await inject("GET", "/api/admin/stores/q3", admin())).json();
    expect(q3).toMatchObject({ id: "q3", active: true, timeZone: "Asia/Ho_Chi_Minh", week: ALWAYS_OPEN_WEEK, exceptions: [], status: { openNow: true } });
    await setClock(vn("2026-12-08T03:00"));
    const s = await newShopper(shop.h, "Khách đêm");
    expect((await order(s.token, { type: "table", table: "2" }, "q3")).statusCode).toBe(201);
  });
});

describe("opening hours", () => {
  it("an admin saves every setting of a store at once, and reads them back", async () => {
    await setClock(vn("2026-12-08T04:28"));
    const body = settings({
      week: {
        ...daily("07:00", "22:00"),
        sat: [
          { open: "07:00", close: "11:30" },
          { open: "18:00", close: "02:00" },
        ],
        sun: [],
      },
      exceptions: [{ date: "2026-12-09", intervals: [], note: "Nghỉ bảo trì" }],
    });
    const res = await save("q1", body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      ...body,
      updatedAt: vn("2026-12-08T04:28"),
      status: { openNow: false, opensAt: new Date(vn("2026-12-08T07:00")).toISOString(), today: [{ open: "07:00", close: "22:00" }] },
    });
    expect((await inject("GET", "/api/admin/stores/q1", admin())).json()).toEqual(res.json());
    expect(sql("select action, store_id from audit_log where action = 'store.update'")).toEqual([{ action: "store.update", store_id: "q1" }]);
  });

  it("refuses a bad body whole, naming each field in Vietnamese, and writes nothing", async () => {
    const before = databaseDigest(shop.h.app.services.db);
    const fields = (res: { json(): any }) => (res.json().details as { instancePath: string; message: string }[]).map((d) => [d.instancePath, d.message]);
    const zone = await save(
      "q1",
      settings({ name: "Quận 1 mới", timeZone: "Mars/Olympus", week: { ...daily("07:00", "22:00"), wed: [{ open: "7:00", close: "22:00" }] } }),
    );
    expect([zone.statusCode, zone.json().code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(fields(zone)).toEqual([
      ["/timeZone", "Múi giờ không hợp lệ (ví dụ Asia/Ho_Chi_Minh)"],
      ["/week/wed/0/open", "Giờ mở cửa dạng HH:MM, ví dụ 07:00"],
    ]);
    const hours = await save(
      "q1",
      settings({
        name: "Quận 1 mới",
        week: {
          ...daily("07:00", "22:00"),
          mon: [{ open: "07:00", close: "07:00" }],
          tue: [
            { open: "07:00", close: "12:00" },
            { open: "11:00", close: "14:00" },
          ],
        },
        exceptions: [{ date: "2026-02-30", intervals: [], note: "" }],
      }),
    );
    expect(hours.statusCode).toBe(400);
    expect(fields(hours)).toEqual([
      ["/week/mon/0/close", "Giờ đóng cửa phải khác giờ mở cửa"],
      ["/week/tue/1", "Trùng với khung giờ 07:00–12:00"],
      ["/exceptions/0/date", "Ngày này không có trên lịch"],
    ]);
    const unknown = await save("nope", settings());
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, "STORE_NOT_FOUND"]);
    expect(databaseDigest(shop.h.app.services.db)).toBe(before);
    expect((await inject("GET", "/api/admin/stores/q1", admin())).json().name).toBe("Quận 1");
  });

  it("the shopper's store list says open or closed, today's hours and the next opening", async () => {
    await setClock(vn("2026-12-08T04:28"));
    const list = (await inject("GET", "/api/stores", "")).json().stores as any[];
    const q1 = list.find((s) => s.id === "q1");
    expect(q1).toEqual({
      id: "q1",
      name: "Quận 1",
      address: "42 Nguyễn Huệ",
      timeZone: "Asia/Ho_Chi_Minh",
      // No position set: left out of the auto-reply's nearest-store answer.
      lat: null,
      lng: null,
      status: {
        openNow: false,
        closesAt: null,
        opensAt: new Date(vn("2026-12-08T07:00")).toISOString(),
        today: [{ open: "07:00", close: "22:00" }],
        todayNote: null,
        at: new Date(vn("2026-12-08T04:28")).toISOString(),
      },
    });
    await setClock(vn("2026-12-08T12:00"));
    const open = ((await inject("GET", "/api/stores", "")).json().stores as any[]).find((s) => s.id === "q1");
    expect(open.status).toMatchObject({ openNow: true, closesAt: new Date(vn("2026-12-08T22:00")).toISOString(), opensAt: null });
  });

  it("at 04:28 the pickup times start at 07:00 + the preparation lead", async () => {
    await setClock(vn("2026-12-08T04:28"));
    const res = await inject("GET", "/api/stores/q1/pickup-slots", "");
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({ leadMinutes: 10, stepMinutes: 15, store: { id: "q1", status: { openNow: false } } });
    // Tuesday, then Thursday: Wednesday is the maintenance day.
    expect(v.days.map((d: { date: string }) => d.date)).toEqual(["2026-12-08", "2026-12-10"]);
    expect(v.days[0].slots[0]).toBe(new Date(vn("2026-12-08T07:15")).toISOString());
    expect(v.days[0].slots.at(-1)).toBe(new Date(vn("2026-12-08T21:45")).toISOString());
    expect((await inject("GET", "/api/stores/nope/pickup-slots", "")).json().code).toBe("STORE_NOT_FOUND");
  });

  it("an order at 04:28 for pickup at 04:45, or at the table, is refused with the next opening; nothing is written", async () => {
    await setClock(vn("2026-12-08T04:28"));
    const s = await newShopper(shop.h, "Khách sớm");
    const before = { orders: count("orders"), lines: count("order_lines"), digest: databaseDigest(shop.h.app.services.db) };
    const early = await order(s.token, { type: "pickup", at: new Date(vn("2026-12-08T04:45")).toISOString() });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      code: "PICKUP_OUTSIDE_HOURS",
      details: { opensAt: new Date(vn("2026-12-08T07:00")).toISOString(), timeZone: "Asia/Ho_Chi_Minh" },
    });
    const table = await order(s.token, { type: "table", table: "4" });
    expect([table.statusCode, table.json().code, table.json().details?.opensAt]).toEqual([409, "STORE_CLOSED", new Date(vn("2026-12-08T07:00")).toISOString()]);
    // 22:00 is closing time, not a pickup time.
    const closing = await order(s.token, { type: "pickup", at: new Date(vn("2026-12-08T22:00")).toISOString() });
    expect(closing.json().code).toBe("PICKUP_OUTSIDE_HOURS");
    expect(count("orders")).toBe(before.orders);
    expect(count("order_lines")).toBe(before.lines);
    expect(databaseDigest(shop.h.app.services.db)).toBe(before.digest);
  });

  it("an order placed at 04:28 for 07:15, or inside the hours later, is taken", async () => {
    await setClock(vn("2026-12-08T04:28"));
    const s = await newShopper(shop.h, "Khách đặt trước");
    const pre = await order(s.token, { type: "pickup", at: new Date(vn("2026-12-08T07:15")).toISOString() });
    expect(pre.statusCode, pre.body).toBe(201);
    expect(pre.json().order.pickup).toEqual({ type: "pickup", at: new Date(vn("2026-12-08T07:15")).toISOString() });
    await setClock(vn("2026-12-08T09:00"));
    expect((await order(s.token, { type: "table", table: "4" })).statusCode).toBe(201);
    // Saturday evening past midnight: 01:30 on Sunday is still Saturday's 18:00–02:00.
    await setClock(vn("2026-12-12T23:00"));
    expect((await order(s.token, { type: "pickup", at: new Date(vn("2026-12-13T01:30")).toISOString() })).statusCode).toBe(201);
    expect((await order(s.token, { type: "pickup", at: new Date(vn("2026-12-13T02:00")).toISOString() })).json().code).toBe("PICKUP_OUTSIDE_HOURS");
  });

  it("a holiday closed all day refuses pickups on it and the next opening skips it", async () => {
    await setClock(vn("2026-12-08T21:00"));
    const s = await newShopper(shop.h, "Khách ngày lễ");
    const holiday = await order(s.token, { type: "pickup", at: new Date(vn("2026-12-09T10:00")).toISOString() });
    expect(holiday.json()).toMatchObject({ code: "PICKUP_OUTSIDE_HOURS", details: { opensAt: new Date(vn("2026-12-10T07:00")).toISOString() } });
    await setClock(vn("2026-12-09T10:00"));
    const q1 = ((await inject("GET", "/api/stores", "")).json().stores as any[]).find((x) => x.id === "q1");
    expect(q1.status).toMatchObject({ openNow: false, today: [], todayNote: "Nghỉ bảo trì", opensAt: new Date(vn("2026-12-10T07:00")).toISOString() });
  });

  it("a closed store leaves the shopper's list and takes no order until it is activated", async () => {
    await setClock(vn("2026-12-10T10:00"));
    const closed = await inject("POST", "/api/admin/stores/q1/close", admin(), { reason: "Sửa chữa mặt bằng" });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ active: false, closedReason: "Sửa chữa mặt bằng" });
    expect(((await inject("GET", "/api/stores", "")).json().stores as any[]).map((x) => x.id)).toEqual(["q3"]);
    const slots = await inject("GET", "/api/stores/q1/pickup-slots", "");
    expect([slots.statusCode, slots.json().code]).toEqual([409, "STORE_UNAVAILABLE"]);
    const s = await newShopper(shop.h, "Khách lỡ hẹn");
    const refused = await order(s.token, { type: "table", table: "1" });
    expect(refused.json()).toMatchObject({ code: "STORE_UNAVAILABLE", details: { closedReason: "Sửa chữa mặt bằng" } });
    const back = await inject("POST", "/api/admin/stores/q1/activate", admin());
    expect(back.json()).toMatchObject({ active: true, closedReason: null });
    expect((await order(s.token, { type: "table", table: "1" })).statusCode).toBe(201);
    expect(sql("select action from audit_log where action in ('store.close', 'store.activate') order by id").map((r) => r.action)).toEqual([
      "store.close",
      "store.activate",
    ]);
  });

  it("a store in another zone keeps its own clock: 07:00 in Tokyo is 05:00 in Vietnam", async () => {
    expect((await save("q3", settings({ name: "Quận 3", timeZone: "Asia/Tokyo" }))).statusCode).toBe(200);
    await setClock(vn("2026-12-10T04:59"));
    const s = await newShopper(shop.h, "Khách Tokyo");
    expect((await order(s.token, { type: "table", table: "1" }, "q3")).json().code).toBe("STORE_CLOSED");
    await setClock(vn("2026-12-10T05:00"));
    expect((await order(s.token, { type: "table", table: "1" }, "q3")).statusCode).toBe(201);
  });

  it("a new store may be created with its hours", async () => {
    const res = await inject("POST", "/api/admin/stores", admin(), { id: "q7", name: "Quận 7", week: daily("06:00", "14:00") });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: "q7", week: daily("06:00", "14:00"), exceptions: [], timeZone: "Asia/Ho_Chi_Minh" });
    const bad = await inject("POST", "/api/admin/stores", admin(), { id: "q8", name: "Quận 8", week: daily("06:00", "06:00") });
    expect([bad.statusCode, bad.json().details[0].instancePath]).toEqual([400, "/week/mon/0/close"]);
    expect(sql("select id from stores where id = 'q8'")).toEqual([]);
  });
});
