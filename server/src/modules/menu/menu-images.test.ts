import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseDigest } from "../../http/route-table";
import { bearer, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { sniffImage } from "./images";
import { seedMenu } from "./test-fixture";

let h: Harness;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
let menu: Awaited<ReturnType<typeof seedMenu>>;

const picture = (w: number, h: number, colour: string, format: "png" | "jpeg" | "webp" | "gif" = "png") =>
  sharp({ create: { width: w, height: h, channels: 3, background: colour } })
    [format]()
    .toBuffer();
const upload = (body: Buffer | string, type = "image/png", token = ctx.admin) =>
  h.app.inject({ method: "POST", url: "/api/admin/menu/images", headers: { ...bearer(token), "content-type": type }, payload: body });
const admin = (method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
  h.app.inject({ method, url, headers: bearer(ctx.admin), ...(payload ? { payload } : {}) });
const shopperMenu = async (store: string) => (await h.app.inject({ method: "GET", url: `/api/stores/${store}/menu` })).json();

beforeAll(async () => {
  h = await startHarness();
  ctx = await withStoreAndStaff(h);
  menu = await seedMenu(h, ctx.admin);
});
afterAll(async () => h.close());

describe("sniffImage", () => {
  it("knows the four kinds by their first bytes, whatever the rest", () => {
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpeg");
    expect(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("png");
    expect(sniffImage(Buffer.from("RIFF\0\0\0\0WEBPVP8 "))).toBe("webp");
    expect(sniffImage(Buffer.from("GIF89a..."))).toBe("gif");
    expect(sniffImage(Buffer.from("GIF88a..."))).toBeNull();
    expect(sniffImage(Buffer.from("RIFF\0\0\0\0WAVEfmt "))).toBeNull();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from([0xff, 0xd8]))).toBeNull();
  });
});

describe("menu images", () => {
  it("an upload becomes a square thumbnail and a large WebP, served for good under content-addressed names", async () => {
    const res = await upload(await picture(2000, 1200, "#c0392b", "jpeg"), "image/jpeg");
    expect(res.statusCode, res.body).toBe(201);
    const img = res.json();
    expect(img.id).toMatch(/^[0-9a-f]{24}$/);
    expect(img).toMatchObject({
      thumbUrl: `/api/menu/images/${img.id}-thumb.webp`,
      largeUrl: `/api/menu/images/${img.id}-large.webp`,
      width: 960,
      height: 576,
    });

    const thumb = await h.app.inject({ method: "GET", url: img.thumbUrl });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers["content-type"]).toBe("image/webp");
    expect(thumb.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(await sharp(thumb.rawPayload).metadata()).toMatchObject({ format: "webp", width: 320, height: 320 });
    const cached = await h.app.inject({ method: "GET", url: img.thumbUrl, headers: { "if-none-match": thumb.headers.etag as string } });
    expect(cached.statusCode).toBe(304);
    expect(cached.rawPayload.length).toBe(0);
    const large = await h.app.inject({ method: "GET", url: img.largeUrl });
    expect(await sharp(large.rawPayload).metadata()).toMatchObject({ format: "webp", width: 960, height: 576 });
    // A small picture is not blown up.
    const small = (await upload(await picture(400, 300, "#2980b9"))).json();
    expect(small).toMatchObject({ width: 400, height: 300 });

    // The same bytes again: the same image, stored once.
    const again = await upload(await picture(2000, 1200, "#c0392b", "jpeg"), "image/jpeg");
    expect(again.json().id).toBe(img.id);
    // WebP and GIF uploads too.
    for (const [f, t] of [
      ["webp", "image/webp"],
      ["gif", "image/gif"],
    ] as const)
      expect((await upload(await picture(50, 50, "#16a085", f), t)).statusCode).toBe(201);

    for (const bad of [`/api/menu/images/${img.id}-huge.webp`, `/api/menu/images/${"0".repeat(24)}-thumb.webp`, "/api/menu/images/..%2Fetc"])
      expect((await h.app.inject({ method: "GET", url: bad })).statusCode).toBe(404);
  });

  it("refuses what is not a picture, or too big a one, with a stable code and writes nothing", async () => {
    const before = databaseDigest(h.app.services.db);
    const png = await picture(10, 10, "#000");
    const cases: [Buffer | string, string, number, string][] = [
      ["just some text", "image/png", 415, "IMAGE_UNSUPPORTED"],
      ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml", 415, "IMAGE_UNSUPPORTED"],
      // The right first bytes, then nothing a decoder can read.
      [Buffer.concat([png.subarray(0, 8), Buffer.alloc(200, 7)]), "image/png", 415, "IMAGE_UNSUPPORTED"],
      [Buffer.from("%PDF-1.7 …"), "application/pdf", 415, "IMAGE_UNSUPPORTED"],
      [JSON.stringify({ imageUrl: "https://evil.example/x.png" }), "application/json", 415, "IMAGE_UNSUPPORTED"],
      [Buffer.concat([png, Buffer.alloc(8 * 1024 * 1024)]), "image/png", 413, "IMAGE_TOO_LARGE"],
    ];
    for (const [body, type, status, code] of cases) {
      const res = await upload(body, type);
      expect(res.statusCode, `${type}: ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
    }
    // A small file that decodes to a huge picture (a decompression bomb).
    const bomb = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: "#fff" } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const res = await upload(bomb);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe("IMAGE_TOO_LARGE");
    expect(databaseDigest(h.app.services.db)).toBe(before);
  });

  it("resizing runs off the event loop: other requests are answered meanwhile", async () => {
    const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#8e44ad" } })
      .jpeg({ quality: 95 })
      .toBuffer();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = upload(big, "image/jpeg");
    // A menu read sent after the upload is answered before it.
    const order: string[] = [];
    await Promise.all([started.then(() => order.push("upload")), h.app.inject({ method: "GET", url: "/api/stores/q1/menu" }).then(() => order.push("menu"))]);
    clearInterval(timer);
    expect((await started).statusCode).toBe(201);
    expect(order).toEqual(["menu", "upload"]);
    expect(ticks).toBeGreaterThan(3);
  });

  it("a product names an uploaded image by id: the menu gives its paths; an id the server never made is refused", async () => {
    const img = (await upload(await picture(600, 600, "#27ae60"))).json();
    const body = { categoryId: menu.category, name: "Trà xanh", priceVnd: 30_000, storeIds: ["q1"], imageId: img.id };
    const created = await admin("POST", "/api/admin/menu/products", body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ imageId: img.id, imageUrl: img.largeUrl, thumbUrl: img.thumbUrl });
    const onMenu = (await shopperMenu("q1")).categories[0].products.find((p: any) => p.name === "Trà xanh");
    expect(onMenu).toMatchObject({ imageUrl: img.largeUrl, thumbUrl: img.thumbUrl });

    const before = databaseDigest(h.app.services.db);
    const unknown = await admin("PUT", `/api/admin/menu/products/${created.json().id}`, { ...body, imageId: "f".repeat(24) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("IMAGE_NOT_FOUND");
    const notAnId = await admin("PUT", `/api/admin/menu/products/${created.json().id}`, { ...body, imageId: "../../etc/passwd" });
    expect(notAnId.statusCode).toBe(400);
    const both = await admin("PUT", `/api/admin/menu/products/${created.json().id}`, { ...body, imageUrl: "https://cdn.example.vn/x.jpg" });
    expect(both.statusCode).toBe(400);
    expect(both.json().details[0]).toMatchObject({ instancePath: "/imageUrl", params: { params: { vi: expect.stringContaining("không chọn cả hai") } } });
    expect(databaseDigest(h.app.services.db)).toBe(before);
  });
});

describe("menu order", () => {
  it("saves every category's and product's place at once; a list that is not the menu now changes nothing", async () => {
    const second = await admin("POST", "/api/admin/menu/categories", { name: "Bánh ngọt", position: 5 });
    const cake = await admin("POST", "/api/admin/menu/products", { categoryId: second.json().id, name: "Bông lan", priceVnd: 20_000, storeIds: ["q1"] });
    expect(cake.statusCode).toBe(201);
    const products = (await admin("GET", "/api/admin/menu/products")).json().products as { id: string; categoryId: string; name: string }[];
    const drinks = products.filter((p) => p.categoryId === menu.category);
    const reversed = [...drinks].reverse().map((p) => p.id);
    const body = {
      categories: [
        { id: second.json().id, productIds: [cake.json().id] },
        { id: menu.category, productIds: reversed },
      ],
    };

    const before = databaseDigest(h.app.services.db);
    const stale = await admin("PUT", "/api/admin/menu/order", { categories: [body.categories[0], { id: menu.category, productIds: reversed.slice(1) }] });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("MENU_ORDER_STALE");
    const missingCategory = await admin("PUT", "/api/admin/menu/order", { categories: [body.categories[1]] });
    expect(missingCategory.json().code).toBe("MENU_ORDER_STALE");
    const twice = await admin("PUT", "/api/admin/menu/order", { categories: [...body.categories, body.categories[0]] });
    expect(twice.json().code).toBe("MENU_ORDER_STALE");
    // A product listed under a category it is not in.
    const wrongPlace = await admin("PUT", "/api/admin/menu/order", {
      categories: [
        { id: second.json().id, productIds: [cake.json().id, reversed[0]] },
        { id: menu.category, productIds: reversed.slice(1) },
      ],
    });
    expect(wrongPlace.json().code).toBe("MENU_ORDER_STALE");
    expect(databaseDigest(h.app.services.db)).toBe(before);

    const saved = await admin("PUT", "/api/admin/menu/order", body);
    expect(saved.statusCode, saved.body).toBe(200);
    const q1 = await shopperMenu("q1");
    expect(q1.categories.map((c: any) => c.name)).toEqual(["Bánh ngọt", "Đồ uống"]);
    const q1Drinks = reversed.filter((id) => q1.categories[1].products.some((p: any) => p.id === id));
    expect(q1.categories[1].products.map((p: any) => p.id)).toEqual(q1Drinks);
  });
});

describe("who may upload and reorder", () => {
  it("owners only: a marketer, a store manager, staff, a shopper and anonymous are refused and write nothing; pictures are public", async () => {
    const img = (await upload(await picture(80, 80, "#d35400"))).json();
    const account = async (email: string, role: string, storeIds: string[] = []) => {
      const created = await admin("POST", "/api/admin/operators", { email, name: role, role, storeIds, password: "a-long-password-1" });
      expect(created.statusCode, created.body).toBe(201);
      return (await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email, password: "a-long-password-1" } })).json().token as string;
    };
    const callers: [string, string | null, number][] = [
      ["marketer", await account("mk@shop.vn", "marketer"), 403],
      ["store manager", await account("sm@shop.vn", "store_manager", ["q1"]), 403],
      ["staff", ctx.staff.token, 403],
      ["shopper", (await newShopper(h, "Khách")).token, 403],
      ["anonymous", null, 401],
    ];
    const order = (await admin("GET", "/api/admin/menu/categories")).json().categories.map((c: any) => ({ id: c.id, productIds: [] }));
    const before = databaseDigest(h.app.services.db);
    const png = await picture(90, 90, "#c0392b");
    for (const [who, token, status] of callers) {
      const headers = token ? bearer(token) : {};
      const up = await h.app.inject({ method: "POST", url: "/api/admin/menu/images", headers: { ...headers, "content-type": "image/png" }, payload: png });
      expect([who, up.statusCode]).toEqual([who, status]);
      const re = await h.app.inject({ method: "PUT", url: "/api/admin/menu/order", headers, payload: { categories: order } });
      expect([who, re.statusCode]).toEqual([who, status]);
      const get = await h.app.inject({ method: "GET", url: img.thumbUrl, headers });
      expect([who, get.statusCode]).toEqual([who, 200]);
    }
    expect(databaseDigest(h.app.services.db)).toBe(before);
  });
});
