import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminProduct } from "@mc/shared";
import { databaseDigest } from "../http/route-table";
import { bearer, startHarness, type Harness } from "../test-support";
import { DEMO_MENU, seedDemoMenu, type DemoMenuApi } from "./menu";

let h: Harness;
let admin: string;
const STORES = ["q1-nguyen-hue", "q3-vo-van-tan"] as const;

async function call<T>(method: "GET" | "POST", url: string, payload?: object): Promise<T> {
  const res = await h.app.inject({ method, url, headers: bearer(admin), ...(payload ? { payload } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json() as T;
}
// Through the admin API, as `pnpm start` seeds it with DEMO_HISTORY=0.
const viaApi = (): DemoMenuApi => ({
  productCount: async () => (await call<{ products: unknown[] }>("GET", "/api/admin/menu/products")).products.length,
  createCategory: (input) => call("POST", "/api/admin/menu/categories", input),
  createProduct: (input) => call("POST", "/api/admin/menu/products", input),
  uploadImage: async (png) => {
    const res = await h.app.inject({ method: "POST", url: "/api/admin/menu/images", headers: { ...bearer(admin), "content-type": "image/png" }, payload: png });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  },
});

beforeAll(async () => {
  h = await startHarness();
  admin = await h.adminToken();
  for (const id of STORES) await call("POST", "/api/admin/stores", { id, name: id });
});
afterAll(async () => h.close());

describe("the demo menu", () => {
  it("seeds 15 products in three categories, each with its uploaded picture, once", async () => {
    expect(await seedDemoMenu(viaApi(), STORES)).toBe(true);
    const { products } = await call<{ products: AdminProduct[] }>("GET", "/api/admin/menu/products");
    expect(products).toHaveLength(DEMO_MENU.flatMap(([, p]) => p).length);
    expect(products.length).toBe(15);
    expect(new Set(products.map((p) => p.categoryId)).size).toBe(3);
    expect(new Set(products.map((p) => p.imageId)).size).toBe(15); // every picture its own
    for (const p of products) expect(p.thumbUrl).toMatch(/^\/api\/menu\/images\/[0-9a-f]{24}-thumb\.webp$/);
    const thumb = await h.app.inject({ method: "GET", url: products[0]!.thumbUrl! });
    expect(await sharp(thumb.rawPayload).metadata()).toMatchObject({ format: "webp", width: 320, height: 320 });
    // Store-only items: bánh mì at Nguyễn Huệ, trà vải at Võ Văn Tần.
    const menuOf = async (s: string) =>
      (await call<{ categories: { products: { name: string }[] }[] }>("GET", `/api/stores/${s}/menu`)).categories.flatMap((c) => c.products.map((p) => p.name));
    expect(await menuOf(STORES[0])).toContain("Bánh mì thịt nướng");
    expect(await menuOf(STORES[0])).not.toContain("Trà vải");
    expect(await menuOf(STORES[1])).toContain("Trà vải");

    // Again: the shop has a menu, nothing is written.
    const before = databaseDigest(h.app.services.db);
    expect(await seedDemoMenu(viaApi(), STORES)).toBe(false);
    expect(databaseDigest(h.app.services.db)).toBe(before);
  }, 60_000);
});
