import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { AdminProduct, MenuCategory } from "@mc/shared";
import { demoPicture } from "@mc/server/demo/menu";
import { DEMO_ADMIN, personaLogin, type Stack } from "../support/stack";
import { openDesktop, realErrors, shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

const Q1 = "q1-nguyen-hue";
const Q3 = "q3-vo-van-tan";
const POLLED = { timeout: 12_000, interval: 200 };

async function call<T>(stack: Stack, method: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe("console menu: the owner edits the menu, and a product added there is ordered in the mini app", () => {
  let stack: Stack;
  let shopper: BrowserSession;
  let admin = "";
  // The demo menu (15 products with pictures), as `pnpm start` seeds it.
  withStackAndPhones({ phones: 1, timeoutMs: 15_000, stack: { menu: true } }, async (st, [phone]) => {
    stack = st;
    shopper = phone!;
    admin = await stack.adminToken();
  });

  const products = async () => (await call<{ products: AdminProduct[] }>(stack, "GET", "/api/admin/menu/products", admin)).products;
  const categories = async () =>
    (await call<{ categories: MenuCategory[] }>(stack, "GET", "/api/admin/menu/categories", admin)).categories.sort((a, b) => a.position - b.position);
  const productsIn = async (categoryId: string) =>
    (await products())
      .filter((p) => p.categoryId === categoryId)
      .sort((a, b) => a.position - b.position)
      .map((p) => p.name);

  it("creates and edits a product with a picture, options and stores; reorders by dragging and by keys; works at 360 px; the shopper orders it", async () => {
    // Counter staff mark a demo drink sold out at Nguyễn Huệ: the console shows it.
    const staff = await personaLogin(stack, "staff");
    const coffee = (await products()).find((p) => p.name === "Cà phê sữa đá")!;
    await call(stack, "PUT", `/api/staff/stores/${Q1}/products/${coffee.id}/availability`, staff.token, { available: false });

    const dir = mkdtempSync(join(tmpdir(), "mc-menu-"));
    const photo = join(dir, "chanh-day.png");
    writeFileSync(photo, await demoPicture({ kind: "iced", bg: "#fff1b8", layers: ["#f5b700", "#ffe066"], fruit: ["#ffd23f", "#7a4b9c"], straw: "#7a4b9c" }));
    const notAPicture = join(dir, "menu.png");
    writeFileSync(notAPicture, "Thực đơn tháng 12: cà phê, trà, bánh");

    // The upload refused below answers 415, and the console says so in Vietnamese.
    const { page, errors, close } = await openDesktop({ browser: shopper.browser, expected: (m) => /status of 415/.test(m.text()) });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${stack.consoleUrl}/#/menu`);
      await page.getByTestId("login-email").fill(DEMO_ADMIN.email);
      await page.getByTestId("login-password").fill(DEMO_ADMIN.password);
      await page.getByTestId("login-submit").click();
      await expect.poll(() => page.getByTestId("menu-category").count(), { timeout: 15_000 }).toBe(3);
      expect(await page.getByTestId("category-title").allTextContents()).toEqual(["Cà phê", "Trà", "Bánh"]);
      expect(await page.getByTestId("menu-product").count()).toBe(15);
      // Every demo product shows its uploaded thumbnail, and the pictures load.
      await expect
        .poll(() =>
          page.locator(".mn-thumb").evaluateAll((imgs) => imgs.filter((i) => i instanceof HTMLImageElement && i.complete && i.naturalWidth === 320).length),
        )
        .toBe(15);
      const soldOut = page.locator(`[data-testid="menu-product"][data-id="${coffee.id}"] [data-testid="product-stores"]`);
      expect(await soldOut.textContent()).toContain("Nguyễn Huệ: hết hàng");
      await page.getByTestId("nav-menu").scrollIntoViewIfNeeded();
      await shot(page, "console-menu");

      // ---- a new product: the schema's problems next to the fields, in Vietnamese, nothing sent ----
      await page.getByTestId("product-new").click();
      await expect.poll(() => text(page, "product-title")).toBe("Món mới");
      await page.getByTestId("product-save").click();
      await expect.poll(() => text(page, "product-name-error")).toBe("không được để trống");
      expect(await text(page, "product-problems")).toMatch(/^Còn \d+ chỗ cần sửa/);
      expect(await products()).toHaveLength(15);

      await page.getByTestId("product-name").fill("Trà chanh dây");
      await page.getByTestId("product-category").selectOption({ label: "Trà" });
      await page.getByTestId("product-price").fill("38000");
      await page.getByTestId("product-description").fill("Chanh dây tươi, hạt é, đá.");
      // A text file named .png is refused by its bytes.
      await page.getByTestId("product-image-file").setInputFiles(notAPicture);
      await expect.poll(() => text(page, "product-image-upload-error")).toContain("Tệp này không phải ảnh dùng được");
      await page.getByTestId("product-image-file").setInputFiles(photo);
      await expect.poll(() => page.getByTestId("product-image").getAttribute("src")).toMatch(/\/api\/menu\/images\/[0-9a-f]{24}-large\.webp$/);
      expect(await page.getByTestId("product-image-upload-error").count()).toBe(0);

      // Options: a size (one of, required) and a topping group whose option is left unnamed at first.
      await page.getByTestId("group-add").click();
      await page.getByTestId("group-0-name").fill("Size");
      await page.getByTestId("group-0-required").check();
      await page.getByTestId("group-0-option-0-name").fill("M");
      await page.getByTestId("group-0-option-add").click();
      await page.getByTestId("group-0-option-1-name").fill("L");
      await page.getByTestId("group-0-option-1-price").fill("7000");
      await page.getByTestId("group-add").click();
      await page.getByTestId("group-1-name").fill("Topping");
      await page.getByTestId("group-1-kind").selectOption("many");
      await page.getByTestId("group-1-option-0-price").fill("5000");
      // Sold at Nguyễn Huệ only.
      await page.getByTestId(`product-store-${Q3}`).uncheck();
      await page.getByTestId("product-save").click();
      await expect.poll(() => text(page, "group-1-option-0-name-error")).toBe("không được để trống");
      expect(await text(page, "product-problems")).toBe("Còn 1 chỗ cần sửa (đánh dấu đỏ).");
      await page.getByTestId("group-1-option-0-name-error").evaluate((el) => el.scrollIntoView({ block: "center" }));
      await shot(page, "console-menu-product-errors");
      await page.getByTestId("group-1-option-0-name").fill("Hạt é");
      await page.getByTestId("product-title").scrollIntoViewIfNeeded();
      await shot(page, "console-menu-product");
      await page.getByTestId("product-save").click();

      // Saved in one request: the editor is now the product's stable link.
      await expect.poll(() => page.url(), POLLED).toMatch(/#\/menu\/[0-9a-f-]{36}$/);
      const id = page.url().split("#/menu/")[1]!;
      await expect.poll(() => text(page, "product-title")).toBe("Trà chanh dây");
      let saved = (await products()).find((p) => p.id === id)!;
      expect(saved).toMatchObject({ name: "Trà chanh dây", priceVnd: 38_000, stores: [{ storeId: Q1, available: true }] });
      expect(saved.imageId).toMatch(/^[0-9a-f]{24}$/);
      expect(saved.optionGroups.map((g) => [g.name, g.kind, g.required, g.options.map((o) => [o.name, o.priceDeltaVnd])])).toEqual([
        [
          "Size",
          "one",
          true,
          [
            ["M", 0],
            ["L", 7_000],
          ],
        ],
        ["Topping", "many", false, [["Hạt é", 5_000]]],
      ]);
      // New products go to the end of their category.
      expect((await productsIn(saved.categoryId)).at(-1)).toBe("Trà chanh dây");

      // Edited: a new price, and a reload of the link opens the same product.
      await page.reload();
      await expect.poll(() => text(page, "product-title"), { timeout: 15_000 }).toBe("Trà chanh dây");
      await page.getByTestId("product-price").fill("39000");
      await page.getByTestId("product-save").click();
      await expect.poll(() => text(page, "product-saved")).toBe("Đã lưu.");
      saved = (await products()).find((p) => p.id === id)!;
      expect(saved.priceVnd).toBe(39_000);

      // The sold-out state staff set shows in the coffee's editor, and the owner can put it back on sale.
      await page.goto(`${stack.consoleUrl}/#/menu/${coffee.id}`);
      await expect.poll(() => text(page, `product-available-${Q1}`)).toBe("Hết hàng (quầy đánh dấu)");
      expect(await text(page, `product-available-${Q3}`)).toBe("Còn hàng");
      await page.getByTestId(`product-availability-${Q1}`).click();
      await expect.poll(() => text(page, `product-available-${Q1}`)).toBe("Còn hàng");

      // ---- reorder: drag the Trà category above Cà phê with the pointer ----
      await page.goto(`${stack.consoleUrl}/#/menu`);
      await expect.poll(() => page.getByTestId("menu-category").count()).toBe(3);
      const [cafe, tra] = await categories();
      const grip = (catId: string) => page.locator(`[data-testid="menu-category"][data-id="${catId}"] > header [data-testid="drag-handle"]`);
      await grip(tra!.id).hover();
      await page.mouse.down();
      const target = await page.locator(`[data-testid="menu-category"][data-id="${cafe!.id}"] [data-testid="category-title"]`).boundingBox();
      await page.mouse.move(target!.x + 20, target!.y + 5, { steps: 8 });
      await page.mouse.up();
      await expect.poll(() => text(page, "menu-order-saved"), POLLED).toBe("Đã lưu thứ tự.");
      expect((await categories()).map((c) => c.name)).toEqual(["Trà", "Cà phê", "Bánh"]);
      expect(await page.getByTestId("category-title").allTextContents()).toEqual(["Trà", "Cà phê", "Bánh"]);

      // ...and the new tea to the top of its category by keyboard: focus its "up" button and press Enter, 5 times.
      const row = page.locator(`[data-testid="menu-product"][data-id="${id}"]`);
      for (let i = 0; i < 5; i++) {
        await row.getByTestId("move-up").focus();
        await page.keyboard.press("Enter");
        await expect.poll(async () => (await productsIn(tra!.id)).indexOf("Trà chanh dây"), POLLED).toBe(4 - i);
      }
      expect(await row.getByTestId("move-up").isDisabled()).toBe(true);
      // Dragging a product within its category: the new tea back under the peach tea.
      const teaRows = page.locator(`[data-testid="menu-category"][data-id="${tra!.id}"] [data-testid="menu-product"]`);
      await row.getByTestId("drag-handle").hover();
      await page.mouse.down();
      const second = await teaRows.nth(1).boundingBox();
      await page.mouse.move(second!.x + 120, second!.y + second!.height / 2, { steps: 8 });
      await page.mouse.up();
      await expect.poll(async () => (await productsIn(tra!.id)).slice(0, 2), POLLED).toEqual(["Trà đào cam sả", "Trà chanh dây"]);

      // ---- a phone: the same page at 360 px ----
      await page.setViewportSize({ width: 360, height: 780 });
      await page.reload();
      await expect.poll(() => page.getByTestId("menu-category").count(), { timeout: 15_000 }).toBe(3);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await row.scrollIntoViewIfNeeded();
      await shot(page, "console-menu-phone");
      await page.goto(`${stack.consoleUrl}/#/menu/${id}`);
      await expect.poll(() => text(page, "product-title"), { timeout: 15_000 }).toBe("Trà chanh dây");
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await shot(page, "console-menu-product-phone");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }

    // ---- the shopper: the new order of the menu, the picture, and an order of the new tea ----
    const product = (await products()).find((p) => p.name === "Trà chanh dây")!;
    const large = product.optionGroups[0]!.options[1]!;
    const p = shopper.page;
    await p.goto(`${stack.webUrl}/?store=${Q1}`);
    await expect.poll(() => p.getByTestId("menu-category").count(), { timeout: 15_000 }).toBe(3);
    expect(await p.getByTestId("category-chip").allTextContents()).toEqual(["Trà", "Cà phê", "Bánh"]);
    const card = p.locator(`[data-product="${product.id}"]`);
    await expect.poll(() => card.locator("img").getAttribute("src")).toBe(`${stack.apiUrl}${product.thumbUrl}`);
    await expect.poll(() => card.locator("img").evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(320);
    // Every card of the menu has its picture.
    await expect.poll(() => p.locator('[data-testid="product-card"] img').count()).toBe(15);
    await p.waitForTimeout(300);
    await shot(p, "menu");

    await card.click();
    await expect
      .poll(() =>
        p
          .getByTestId("product-sheet")
          .locator("img")
          .evaluate((i) => (i as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(320);
    await p.getByTestId(`option-${large.id}`).click();
    await expect.poll(() => text(p, "add-to-cart")).toBe("Thêm · 46.000đ");
    await p.waitForTimeout(300);
    await shot(p, "menu-product-sheet");
    await p.getByTestId("add-to-cart").click();
    await expect.poll(() => text(p, "cart-count")).toBe("1");
    await p.getByTestId("cart-bar").click();
    await expect.poll(() => text(p, "total")).toBe("46.000đ");
    await p.getByTestId("place-order").click();
    await expect.poll(() => p.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("placed");
    expect(await text(p, "order-total")).toBe("46.000đ");
    // The order the server stored is the console's product, priced from its menu.
    const shopperToken = (await personaLogin(stack, "shopper")).token;
    const mine = await call<{ orders: { lines: { productId: string; name: string; options: { name: string }[]; lineTotalVnd: number }[] }[] }>(
      stack,
      "GET",
      "/api/me/orders",
      shopperToken,
    );
    expect(mine.orders[0]!.lines).toMatchObject([{ productId: product.id, name: "Trà chanh dây", options: [{ name: "L" }], lineTotalVnd: 46_000 }]);
    expect(realErrors(shopper.errors)).toEqual([]);
  });
});
