import { describe, expect, it } from "vitest";
import {
  canTransition,
  checkoutMacData,
  freeItemPrice,
  orderTotals,
  PlaceOrderBody,
  pointsReversal,
  priceLine,
  ProductInput,
  type PricedProduct,
} from "./orders";

const milkTea: PricedProduct = {
  id: "p1",
  name: "Trà sữa",
  priceVnd: 35_000,
  optionGroups: [
    {
      id: "size",
      name: "Size",
      kind: "one",
      required: true,
      max: null,
      options: [
        { id: "M", name: "M", priceDeltaVnd: 0 },
        { id: "L", name: "L", priceDeltaVnd: 8_000 },
      ],
    },
    {
      id: "top",
      name: "Topping",
      kind: "many",
      required: false,
      max: 2,
      options: [
        { id: "pearl", name: "Trân châu", priceDeltaVnd: 5_000 },
        { id: "jelly", name: "Thạch", priceDeltaVnd: 6_000 },
        { id: "pudding", name: "Pudding", priceDeltaVnd: 7_000 },
      ],
    },
  ],
};

describe("priceLine", () => {
  it("adds the chosen options' deltas to the base price, times quantity", () => {
    const r = priceLine(milkTea, { quantity: 2, optionIds: ["L", "pearl", "jelly"] });
    expect(r).toMatchObject({ ok: true, line: { unitPriceVnd: 54_000, lineTotalVnd: 108_000, options: [{ id: "L" }, { id: "pearl" }, { id: "jelly" }] } });
  });

  it("refuses unknown options, two sizes, a missing required size and too many toppings", () => {
    expect(priceLine(milkTea, { quantity: 1, optionIds: ["M", "ghost"] }).ok).toBe(false);
    expect(priceLine(milkTea, { quantity: 1, optionIds: ["M", "L"] }).ok).toBe(false);
    expect(priceLine(milkTea, { quantity: 1, optionIds: ["pearl"] }).ok).toBe(false);
    expect(priceLine(milkTea, { quantity: 1, optionIds: ["M", "pearl", "jelly", "pudding"] }).ok).toBe(false);
    expect(priceLine(milkTea, { quantity: 1, optionIds: ["M", "M"] }).ok).toBe(false);
  });

  it("never prices a unit below zero", () => {
    const p: PricedProduct = {
      id: "x",
      name: "X",
      priceVnd: 5_000,
      optionGroups: [{ id: "g", name: "G", kind: "one", required: false, max: null, options: [{ id: "o", name: "O", priceDeltaVnd: -9_000 }] }],
    };
    expect(priceLine(p, { quantity: 3, optionIds: ["o"] })).toMatchObject({ ok: true, line: { unitPriceVnd: 0, lineTotalVnd: 0 } });
  });
});

describe("orderTotals", () => {
  const line = (name: string, unit: number, qty = 1, deltas: number[] = []) => ({
    name,
    unitPriceVnd: unit,
    options: deltas.map((d, i) => ({ id: String(i), name: "o", priceDeltaVnd: d })),
    lineTotalVnd: unit * qty,
  });

  it("subtotal, then the voucher discount from voucherDiscount, then total", () => {
    const lines = [line("A", 30_000, 2), line("B", 25_000)];
    expect(orderTotals(lines, null)).toEqual({ subtotalVnd: 85_000, discountVnd: 0, totalVnd: 85_000 });
    expect(orderTotals(lines, { kind: "amount_off", value: 20_000, maxDiscountVnd: null, minSpendVnd: 50_000, freeItem: null })).toEqual({
      subtotalVnd: 85_000,
      discountVnd: 20_000,
      totalVnd: 65_000,
    });
    expect(orderTotals(lines, { kind: "percent_off", value: 10, maxDiscountVnd: 5_000, minSpendVnd: 0, freeItem: null }).discountVnd).toBe(5_000);
    expect(orderTotals(lines, { kind: "amount_off", value: 20_000, maxDiscountVnd: null, minSpendVnd: 100_000, freeItem: null }).discountVnd).toBe(0);
    expect(orderTotals([line("A", 10_000)], { kind: "amount_off", value: 20_000, maxDiscountVnd: null, minSpendVnd: 0, freeItem: null }).totalVnd).toBe(0);
  });

  it("a free-item voucher takes off the item's base price (not its options)", () => {
    const lines = [line("Trà đào", 43_000, 1, [8_000]), line("Cà phê", 29_000)];
    expect(freeItemPrice(lines, " trà đào ")).toBe(35_000);
    expect(orderTotals(lines, { kind: "free_item", value: 0, maxDiscountVnd: null, minSpendVnd: 0, freeItem: "Trà đào" }).discountVnd).toBe(35_000);
    expect(freeItemPrice(lines, "Bánh mì")).toBeNull();
  });
});

describe("order status", () => {
  it("placed → confirmed → ready → completed; anything → cancelled; nothing back", () => {
    expect(canTransition("placed", "confirmed")).toBe(true);
    expect(canTransition("confirmed", "ready")).toBe(true);
    expect(canTransition("ready", "completed")).toBe(true);
    expect(canTransition("completed", "cancelled")).toBe(true);
    expect(canTransition("placed", "completed")).toBe(false);
    expect(canTransition("completed", "completed")).toBe(false);
    expect(canTransition("cancelled", "placed")).toBe(false);
    expect(canTransition("ready", "confirmed")).toBe(false);
  });
});

describe("pointsReversal", () => {
  it("takes back what was earned, never below zero, and records the shortfall", () => {
    expect(pointsReversal(10, 25)).toEqual({ reverse: 10, shortfall: 0 });
    expect(pointsReversal(10, 4)).toEqual({ reverse: 4, shortfall: 6 });
    expect(pointsReversal(10, 0)).toEqual({ reverse: 0, shortfall: 10 });
  });
});

describe("schemas and MAC data", () => {
  it("checkoutMacData sorts keys, stringifies arrays and keeps JSON strings verbatim", () => {
    expect(checkoutMacData({ method: '{"id":"X"}', amount: 1000, item: [{ id: "a" }], desc: "d", extradata: '{"o":1}' })).toBe(
      'amount=1000&desc=d&extradata={"o":1}&item=[{"id":"a"}]&method={"id":"X"}',
    );
  });

  it("a product's option ids are unique; an order needs a pickup or a table", () => {
    const base = { categoryId: "c", name: "P", priceVnd: 1000 };
    const dup = ProductInput.safeParse({
      ...base,
      optionGroups: [
        {
          id: "g",
          name: "G",
          kind: "many",
          options: [
            { id: "o", name: "1" },
            { id: "o", name: "2" },
          ],
        },
      ],
    });
    expect(dup.success).toBe(false);
    const body = { storeId: "s", items: [{ productId: "p", quantity: 1 }], payment: "counter", expectedTotal: 1000, requestId: "req-12345" };
    expect(PlaceOrderBody.safeParse({ ...body, pickup: { type: "table", table: "5" } }).success).toBe(true);
    expect(PlaceOrderBody.safeParse({ ...body, pickup: { type: "delivery" } }).success).toBe(false);
    expect(PlaceOrderBody.safeParse({ ...body, pickup: { type: "table", table: "5" }, expectedTotal: 10.5 }).success).toBe(false);
  });
});
