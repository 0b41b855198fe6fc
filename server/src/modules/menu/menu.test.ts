import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { seedMenu } from "./test-fixture";

let h: Harness;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
let menu: Awaited<ReturnType<typeof seedMenu>>;
const inject = (method: "GET" | "POST" | "PUT", url: string, token: string, payload?: unknown) =>
  h.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as object }) });

beforeAll(async () => {
  h = await startHarness();
  ctx = await withStoreAndStaff(h);
  menu = await seedMenu(h, ctx.admin);
});
afterAll(async () => h.close());

describe("menu", () => {
  it("the shopper sees only what is available at the store; staff mark items sold out at their own store only", async () => {
    const q1 = await h.app.inject({ method: "GET", url: "/api/stores/q1/menu" });
    expect(q1.statusCode).toBe(200);
    const names = (m: any) => m.categories.flatMap((c: any) => c.products.map((p: any) => p.name));
    // In the order they were added (each new product goes to the end of its category).
    expect(names(q1.json())).toEqual(["Trà sữa", "Bánh mì"]);
    expect(q1.json().categories[0].products.find((p: any) => p.name === "Trà sữa")).toMatchObject({
      priceVnd: 35_000,
      imageUrl: "https://cdn.example.vn/tra-sua.jpg",
      optionGroups: [
        { id: "size", kind: "one" },
        { id: "top", kind: "many" },
      ],
    });
    expect(names((await h.app.inject({ method: "GET", url: "/api/stores/q3/menu" })).json())).toEqual(["Trà sữa", "Cà phê muối"]);

    const soldOut = await inject("PUT", `/api/staff/stores/q1/products/${menu.banhMi}/availability`, ctx.staff.token, { available: false });
    expect(soldOut.statusCode).toBe(200);
    expect(names((await h.app.inject({ method: "GET", url: "/api/stores/q1/menu" })).json())).toEqual(["Trà sữa"]);
    const notMine = await inject("PUT", `/api/staff/stores/q3/products/${menu.tea}/availability`, ctx.staff.token, { available: false });
    expect(notMine.statusCode).toBe(403);
    expect(notMine.json().code).toBe("STORE_FORBIDDEN");
    await inject("PUT", `/api/staff/stores/q1/products/${menu.banhMi}/availability`, ctx.staff.token, { available: true });
    expect((await h.app.inject({ method: "GET", url: "/api/stores/nowhere/menu" })).statusCode).toBe(404);
  });
});
