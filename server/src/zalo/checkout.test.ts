import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkoutMac, notifyMac, orderStatusMac, parseExtradata, sameMac } from "./checkout";

const hmac = (k: string, s: string) => createHmac("sha256", k).update(s).digest("hex");

describe("Checkout MACs (§8.2–§8.4)", () => {
  it("createOrder: sorted keys, item JSON-stringified, JSON strings verbatim", () => {
    const params = {
      amount: 45000,
      desc: "Đơn ABC",
      item: [{ id: "p1", amount: 45000 }],
      extradata: '{"orderId":"o1"}',
      method: '{"id":"ZALOPAY_SANDBOX","isCustom":false}',
    };
    const data = 'amount=45000&desc=Đơn ABC&extradata={"orderId":"o1"}&item=[{"id":"p1","amount":45000}]&method={"id":"ZALOPAY_SANDBOX","isCustom":false}';
    expect(checkoutMac("k", params)).toBe(hmac("k", data));
  });

  it("getOrderStatus and notify strings", () => {
    expect(orderStatusMac("k", "app", "o1")).toBe(hmac("k", "appId=app&orderId=o1&privateKey=k"));
    expect(notifyMac("k", "app", "o1", "COD")).toBe(hmac("k", "appId=app&orderId=o1&method=COD"));
  });

  it("compares MACs in constant time and refuses junk", () => {
    const m = hmac("k", "x");
    expect(sameMac(m, m.toUpperCase())).toBe(true);
    expect(sameMac(m, m.slice(2))).toBe(false);
    expect(sameMac(m, "zz")).toBe(false);
    expect(sameMac(m, undefined)).toBe(false);
  });

  it("reads extradata URL-encoded or verbatim", () => {
    expect(parseExtradata(encodeURIComponent('{"orderId":"o1"}'))).toEqual({ orderId: "o1" });
    expect(parseExtradata('{"orderId":"o1"}')).toEqual({ orderId: "o1" });
    expect(parseExtradata("%E0%A4%A")).toBeNull();
  });
});
