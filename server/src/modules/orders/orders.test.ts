import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newShopper, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "./test-fixture";

// One server + emulator for the file (fast on a busy machine); every test uses its own fresh shoppers.
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
let otherStaff: { token: string };
const { sql, count, inject, place, move } = shopCalls(() => ({ h, ctx, menu }));

beforeAll(async () => {
  ({ h, ctx, menu } = await startShop());
  const s3 = await newShopper(h, "Nhân viên Q3");
  await inject("PUT", `/api/admin/customers/${s3.customer.id}/role`, ctx.admin, { role: "staff", storeIds: ["q3"] });
  otherStaff = s3;
});
afterAll(async () => h.close());

let campaigns = 0;
const teaL = (quantity = 1) => ({ productId: menu.tea, quantity, optionIds: ["L", "pearl"] }); // 48,000 each

async function voucherFor(token: string, over: Record<string, unknown> = {}) {
  const c = await inject("POST", "/api/admin/voucher-campaigns", ctx.admin, {
    name: `Giảm 20K #${++campaigns}`,
    kind: "amount_off",
    value: 20_000,
    minSpendVnd: 50_000,
    validDaysAfterClaim: 30,
    ...over,
  });
  expect(c.statusCode, c.body).toBe(201);
  const v = await inject("POST", `/api/vouchers/campaigns/${c.json().id}/claim`, token);
  expect(v.statusCode, v.body).toBe(200);
  return v.json().voucher as { id: string };
}

async function completed(token: string, over: Record<string, unknown> = {}) {
  const o = (await place(token, over)).json().order;
  for (const s of ["confirmed", "ready", "completed"]) expect((await move(o.id, s)).statusCode).toBe(200);
  return o;
}

describe("placing an order", () => {
  it("prices lines with options on the server; a retried request places one order", async () => {
    const s = await newShopper(h, "Khách đặt");
    const quote = await inject("POST", "/api/orders/quote", s.token, { storeId: "q1", items: [teaL(2), { productId: menu.banhMi, quantity: 1 }] });
    expect(quote.json()).toMatchObject({
      subtotalVnd: 121_000,
      discountVnd: 0,
      totalVnd: 121_000,
      lines: [{ unitPriceVnd: 48_000, lineTotalVnd: 96_000 }, { unitPriceVnd: 25_000 }],
    });
    const body = {
      storeId: "q1",
      items: [teaL(2), { productId: menu.banhMi, quantity: 1 }],
      pickup: { type: "table", table: "7" },
      payment: "counter",
      expectedTotal: 121_000,
      requestId: "same-request-1",
    };
    const first = await inject("POST", "/api/orders", s.token, body);
    expect(first.statusCode).toBe(201);
    expect(first.json().order).toMatchObject({
      status: "placed",
      totalVnd: 121_000,
      pickup: { type: "table", table: "7" },
      paymentStatus: "unpaid",
      code: expect.stringMatching(/^[0-9A-Z]{6}$/),
    });
    const again = await inject("POST", "/api/orders", s.token, body);
    expect(again.json()).toMatchObject({ duplicate: true, order: { id: first.json().order.id } });
    expect(sql("select count(*) as n from orders where customer_id = ?", s.customer.id)[0].n).toBe(1);
  });

  it("a tampered client total, an unavailable product, bad options, an expired or foreign voucher → clear 4xx, nothing written", async () => {
    const s = await newShopper(h, "Khách gian");
    const other = await newShopper(h, "Khách khác");
    const before = {
      orders: count("orders"),
      lines: count("order_lines"),
      audit: sql("select count(*) as n from audit_log where action = 'order.place'")[0].n,
    };
    const cheap = await place(s.token, { expectedTotal: 1_000 });
    expect(cheap.statusCode).toBe(409);
    expect(cheap.json()).toMatchObject({ code: "ORDER_TOTAL_MISMATCH", details: { totalVnd: 96_000, expectedTotal: 1_000 } });

    const elsewhere = await place(s.token, { items: [{ productId: menu.q3Only, quantity: 1 }], expectedTotal: 30_000 });
    expect([elsewhere.statusCode, elsewhere.json().code]).toEqual([409, "PRODUCT_UNAVAILABLE"]);
    await inject("PUT", `/api/staff/stores/q1/products/${menu.banhMi}/availability`, ctx.staff.token, { available: false });
    const soldOut = await place(s.token, { items: [{ productId: menu.banhMi, quantity: 1 }], expectedTotal: 25_000 });
    await inject("PUT", `/api/staff/stores/q1/products/${menu.banhMi}/availability`, ctx.staff.token, { available: true });
    expect([soldOut.statusCode, soldOut.json().code]).toEqual([409, "PRODUCT_UNAVAILABLE"]);
    const twoSizes = await place(s.token, { items: [{ productId: menu.tea, quantity: 1, optionIds: ["M", "L"] }] });
    expect([twoSizes.statusCode, twoSizes.json().code]).toEqual([400, "OPTION_INVALID"]);
    const noSize = await place(s.token, { items: [{ productId: menu.tea, quantity: 1, optionIds: [] }] });
    expect([noSize.statusCode, noSize.json().code]).toEqual([400, "OPTION_INVALID"]);

    const foreign = await voucherFor(other.token);
    const stolen = await place(s.token, { voucherId: foreign.id, expectedTotal: 76_000 });
    expect([stolen.statusCode, stolen.json().code]).toEqual([404, "VOUCHER_NOT_FOUND"]);
    const mine = await voucherFor(s.token, { minSpendVnd: 100_000 });
    const under = await place(s.token, { voucherId: mine.id, expectedTotal: 76_000 });
    expect([under.statusCode, under.json().code]).toEqual([422, "VOUCHER_MIN_SPEND_NOT_MET"]);
    const q3Voucher = await voucherFor(s.token, { storeIds: ["q3"] });
    const wrongStore = await place(s.token, { voucherId: q3Voucher.id, expectedTotal: 76_000 });
    expect([wrongStore.statusCode, wrongStore.json().code]).toEqual([422, "VOUCHER_NOT_VALID_AT_STORE"]);
    const shortLived = await voucherFor(s.token, { validDaysAfterClaim: 1 });
    await h.control("POST", "/_emu/clock", { advanceMs: 2 * 86_400_000 });
    const expired = await place(s.token, { voucherId: shortLived.id, expectedTotal: 76_000 });
    expect([expired.statusCode, expired.json().code]).toEqual([410, "VOUCHER_EXPIRED"]);
    const past = await place(s.token, { pickup: { type: "pickup", at: new Date(h.emu.clock.now() - 3_600_000).toISOString() } });
    expect([past.statusCode, past.json().code]).toEqual([400, "PICKUP_TIME_INVALID"]);

    expect(count("orders")).toBe(before.orders);
    expect(count("order_lines")).toBe(before.lines);
    expect(sql("select count(*) as n from audit_log where action = 'order.place'")[0].n).toBe(before.audit);
    expect(sql("select status from vouchers where customer_id = ?", s.customer.id).every((v) => v.status === "issued")).toBe(true);
  });

  it("a voucher discount is computed by the server; two orders placed at once with one voucher → one wins", async () => {
    const s = await newShopper(h, "Khách voucher");
    const v = await voucherFor(s.token);
    const results = await Promise.all([place(s.token, { voucherId: v.id, expectedTotal: 76_000 }), place(s.token, { voucherId: v.id, expectedTotal: 76_000 })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const loser = results.find((r) => r.statusCode === 409)!;
    expect(loser.json().code).toBe("VOUCHER_IN_USE");
    const winner = results.find((r) => r.statusCode === 201)!.json().order;
    expect(winner).toMatchObject({ subtotalVnd: 96_000, discountVnd: 20_000, totalVnd: 76_000, voucherId: v.id });
    expect(sql("select count(*) as n from orders where voucher_id = ?", v.id)[0].n).toBe(1);

    // The shopper cancels before the store confirms: the reservation ends and the voucher works again.
    const cancel = await inject("POST", `/api/me/orders/${winner.id}/cancel`, s.token, { reason: "Đổi ý" });
    expect(cancel.json().order).toMatchObject({ status: "cancelled", cancelReason: "Đổi ý" });
    expect((await place(s.token, { voucherId: v.id, expectedTotal: 76_000 })).statusCode).toBe(201);
  });
});

describe("order status, points and notices", () => {
  it("staff move it placed → confirmed → ready → completed; completing twice earns once and redeems the voucher once", async () => {
    const s = await newShopper(h, "Khách hoàn tất");
    const v = await voucherFor(s.token);
    const o = (await place(s.token, { voucherId: v.id, expectedTotal: 76_000 })).json().order;
    const incoming = (await inject("GET", "/api/staff/stores/q1/orders", ctx.staff.token)).json().orders;
    expect(incoming.map((x: any) => x.id)).toContain(o.id);
    expect((await move(o.id, "completed")).json().code).toBe("ORDER_STATUS_INVALID");
    expect((await move(o.id, "confirmed")).json().order.status).toBe("confirmed");
    expect((await move(o.id, "ready")).json().order.status).toBe("ready");
    const both = await Promise.all([move(o.id, "completed"), move(o.id, "completed")]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const done = both.find((r) => r.statusCode === 200)!.json().order;
    expect(done).toMatchObject({ status: "completed", paymentStatus: "paid", pointsEarned: 7 }); // 76,000 VND → 7 points
    expect((await move(o.id, "completed")).statusCode).toBe(409);

    expect(sql("select kind, delta from points_ledger where source_key = ?", `order:${o.id}`)).toEqual([{ kind: "earn", delta: 7 }]);
    expect(sql("select points_balance from customers where id = ?", s.customer.id)[0].points_balance).toBe(7);
    expect(sql("select status, redeemed_store_id from vouchers where id = ?", v.id)).toEqual([{ status: "redeemed", redeemed_store_id: "q1" }]);
    expect(sql("select count(*) as n from audit_log where action = 'voucher.redeem' and target_id = ?", v.id)[0].n).toBe(1);
    const notices = sql("select dedupe_key, category, source from outbox where customer_id = ? order by id", s.customer.id);
    expect(notices).toEqual(
      ["confirmed", "ready", "completed"].map((st) => ({ dedupe_key: `auto:order-${st}:order:${o.id}`, category: "transactional", source: "order" })),
    );

    const mine = (await inject("GET", "/api/me/orders", s.token)).json().orders;
    expect(mine).toEqual([expect.objectContaining({ id: o.id, status: "completed" })]);
  });

  it("a customer sees only their own orders; staff of another store can't see or move it", async () => {
    const s = await newShopper(h, "Khách riêng");
    const other = await newShopper(h, "Người lạ");
    const o = (await place(s.token)).json().order;
    expect((await inject("GET", `/api/me/orders/${o.id}`, other.token)).statusCode).toBe(404);
    expect((await inject("POST", `/api/orders/${o.id}/checkout`, other.token)).statusCode).toBe(404);
    expect((await inject("GET", "/api/me/orders", other.token)).json().orders).toEqual([]);
    const look = await inject("GET", `/api/staff/orders/${o.id}`, otherStaff.token);
    expect([look.statusCode, look.json().code]).toEqual([403, "STORE_FORBIDDEN"]);
    const list = await inject("GET", "/api/staff/stores/q1/orders", otherStaff.token);
    expect(list.statusCode).toBe(403);
    const moved = await move(o.id, "confirmed", otherStaff.token);
    expect([moved.statusCode, moved.json().code]).toEqual([403, "STORE_FORBIDDEN"]);
    expect((await move(o.id, "confirmed", s.token)).statusCode).toBe(403);
    expect(sql("select status from orders where id = ?", o.id)[0].status).toBe("placed");
    expect((await inject("GET", `/api/staff/orders/${o.id}`, ctx.admin)).statusCode).toBe(200);
  });

  it("cancelling a completed order reverses its points (never below zero) and restores an unexpired voucher", async () => {
    const s = await newShopper(h, "Khách hủy");
    const v = await voucherFor(s.token);
    const o = await completed(s.token, { voucherId: v.id, expectedTotal: 76_000 });
    // The shopper already spent 5 of the 7 points.
    await inject("POST", `/api/admin/customers/${s.customer.id}/points/adjust`, ctx.admin, {
      delta: -5,
      reason: "Đã dùng điểm",
      idempotencyKey: `spend-${o.id}`,
    });
    const noReason = await move(o.id, "cancelled");
    expect(noReason.statusCode).toBe(400);
    const res = await move(o.id, "cancelled", ctx.staff.token, "Khách trả hàng");
    expect(res.json().order).toMatchObject({ status: "cancelled", pointsEarned: 7, pointsReversed: 2, paymentStatus: "refund_due" });
    expect(sql("select kind, delta, balance_after from points_ledger where source_key = ?", `order:${o.id}:reverse`)).toEqual([
      { kind: "reverse", delta: -2, balance_after: 0 },
    ]);
    expect(sql("select points_shortfall from orders where id = ?", o.id)[0].points_shortfall).toBe(5);
    expect(sql("select status from vouchers where id = ?", v.id)[0].status).toBe("issued");
    expect((await move(o.id, "cancelled", ctx.staff.token, "lần nữa")).statusCode).toBe(409);
    expect(sql("select count(*) as n from points_ledger where source_key like ?", `order:${o.id}%`)[0].n).toBe(2);
    expect(sql("select dedupe_key from outbox where dedupe_key = ?", `auto:order-cancelled:order:${o.id}`)).toHaveLength(1);
  });

  it("a voucher that expired before the cancellation stays used", async () => {
    const s = await newShopper(h, "Khách hết hạn");
    const v = await voucherFor(s.token, { validDaysAfterClaim: 1 });
    const o = await completed(s.token, { voucherId: v.id, expectedTotal: 76_000 });
    await h.control("POST", "/_emu/clock", { advanceMs: 2 * 86_400_000 });
    expect((await move(o.id, "cancelled", ctx.staff.token, "Sai đơn")).statusCode).toBe(200);
    expect(sql("select status from vouchers where id = ?", v.id)[0].status).toBe("redeemed");
    expect(sql("select voucher_state from orders where id = ?", o.id)[0].voucher_state).toBe("kept");
    expect(sql("select delta from points_ledger where source_key = ?", `order:${o.id}:reverse`)).toEqual([{ delta: -7 }]);
  });
});

describe("a voucher applied to a live order", () => {
  it("cannot also be redeemed at the counter; it is redeemed once when the order completes", async () => {
    const s = await newShopper(h, "Khách giữ voucher");
    const v = await voucherFor(s.token);
    const code = (await inject("GET", `/api/me/vouchers/${v.id}/qr`, s.token)).json().code as string;
    const o = (await place(s.token, { voucherId: v.id, expectedTotal: 76_000 })).json().order;
    const counter = await inject("POST", "/api/staff/vouchers/redeem", ctx.staff.token, { code, storeId: "q1" });
    expect(counter.statusCode).toBe(409);
    expect(counter.json()).toMatchObject({ code: "VOUCHER_IN_USE", details: { orderCode: o.code } });
    for (const st of ["confirmed", "ready", "completed"]) expect((await move(o.id, st)).statusCode).toBe(200);
    expect(sql("select status from vouchers where id = ?", v.id)[0].status).toBe("redeemed");
    expect(sql("select voucher_state from orders where id = ?", o.id)[0].voucher_state).toBe("redeemed");
  });
});

describe("the voucher an order uses belongs to the vouchers module", () => {
  it("one that expired or was used at the counter between quote and place is refused, and nothing is written", async () => {
    const s = await newShopper(h, "Khách chậm tay");
    const body = { storeId: "q1", items: [teaL(2)] };
    const written = () => [count("orders"), count("order_lines"), count("audit_log"), count("outbox")];

    const used = await voucherFor(s.token);
    expect((await inject("POST", "/api/orders/quote", s.token, { ...body, voucherId: used.id })).json().totalVnd).toBe(76_000);
    const code = (await inject("GET", `/api/me/vouchers/${used.id}/qr`, s.token)).json().code as string;
    expect((await inject("POST", "/api/staff/vouchers/redeem", ctx.staff.token, { code, storeId: "q1" })).statusCode).toBe(200);
    let before = written();
    const late = await place(s.token, { voucherId: used.id, expectedTotal: 76_000 });
    expect([late.statusCode, late.json().code]).toEqual([409, "VOUCHER_ALREADY_REDEEMED"]);
    expect(written()).toEqual(before);

    const brief = await voucherFor(s.token, { validDaysAfterClaim: 1 });
    expect((await inject("POST", "/api/orders/quote", s.token, { ...body, voucherId: brief.id })).statusCode).toBe(200);
    await h.control("POST", "/_emu/clock", { advanceMs: 2 * 86_400_000 });
    before = written();
    const expired = await place(s.token, { voucherId: brief.id, expectedTotal: 76_000 });
    expect([expired.statusCode, expired.json().code]).toEqual([410, "VOUCHER_EXPIRED"]);
    expect(written()).toEqual(before);
    expect(sql("select status from vouchers where id = ?", brief.id)[0].status).toBe("issued");
  });

  it("completing the order redeems it through the vouchers module: one audit entry, like the counter's, naming the campaign and the order", async () => {
    const s = await newShopper(h, "Khách audit");
    const v = await voucherFor(s.token);
    const campaignId = sql("select campaign_id from vouchers where id = ?", v.id)[0].campaign_id;
    const o = await completed(s.token, { voucherId: v.id, expectedTotal: 76_000 });
    const rows = sql("select actor_kind, store_id, details from audit_log where action = 'voucher.redeem' and target_id = ?", v.id);
    expect(rows).toHaveLength(1);
    expect({ ...rows[0], details: JSON.parse(rows[0].details) }).toEqual({
      actor_kind: "customer",
      store_id: "q1",
      details: { customerId: s.customer.id, campaignId, via: "order", orderId: o.id },
    });
    expect(sql("select status, redeemed_store_id, redeemed_by from vouchers where id = ?", v.id)).toEqual([
      { status: "redeemed", redeemed_store_id: "q1", redeemed_by: ctx.staff.customer.id },
    ]);
  });
});
