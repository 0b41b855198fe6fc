import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, memberCodeOf, startHarness, withStoreAndStaff, type Harness } from "../../test-support";

let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(async () => h.close());

describe("GET /api/staff/members/:code", () => {
  it("shows the counter a shortened name, the avatar and the tier: never the full name, balance or internal id", async () => {
    const { staff, storeId } = await withStoreAndStaff(h);
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    const award = await h.app.inject({
      method: "POST",
      url: "/api/staff/points/award",
      headers: bearer(staff.token),
      payload: { memberCode: code, storeId, amountVnd: 500_000, receiptId: "r-1" },
    });
    expect(award.statusCode).toBe(200);

    const res = await h.app.inject({ method: "GET", url: `/api/staff/members/${encodeURIComponent(code)}`, headers: bearer(staff.token) });
    expect(res.statusCode).toBe(200);
    const { member } = res.json();
    expect(Object.keys(member).sort()).toEqual(["avatar", "name", "tier"]);
    expect(member.name).toBe("N. T. Hà");
    expect(member.tier).toMatchObject({ key: expect.any(String), multiplier: expect.any(Number) });
    expect(res.body).not.toContain("Nguyễn Thu Hà");
    expect(res.body).not.toContain(shopper.customer.id);
  });

  it("is refused to shoppers, and an unknown code is 404 MEMBER_NOT_FOUND", async () => {
    const { staff } = await withStoreAndStaff(h);
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    expect((await h.app.inject({ method: "GET", url: `/api/staff/members/${code}`, headers: bearer(shopper.token) })).statusCode).toBe(403);
    const none = await h.app.inject({ method: "GET", url: "/api/staff/members/ZZZZZZZZ", headers: bearer(staff.token) });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe("MEMBER_NOT_FOUND");
  });
});
