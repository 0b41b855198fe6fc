import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { AdminProduct, Campaign, MenuCategory } from "@mc/shared";
import { personaLogin, type Stack } from "../support/stack";
import { realErrors, shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

const Q1 = "q1-nguyen-hue";
const Q3 = "q3-vo-van-tan";

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
const nav = (page: Page, label: string) => page.locator(".mc-bottom-nav").getByText(label, { exact: true }).click();
/** 4xx answers the UI handles (a voucher that does not apply yet) are expected; anything else is not. */
/** The status screens poll every few seconds: wait for the next poll, not vitest's 1 s default. */
const POLLED = { timeout: 12_000, interval: 200 };

describe("ordering: menu → cart with voucher → order, moved along by staff, points earned", () => {
  let stack: Stack;
  let shopper: BrowserSession;
  let staff: BrowserSession;
  let shopperToken = "";
  let latte: AdminProduct;
  let peach: AdminProduct;
  let campaign: Campaign;

  withStackAndPhones({ phones: 2, timeoutMs: 15_000 }, async (st, phones) => {
    stack = st;
    [shopper, staff] = phones as [BrowserSession, BrowserSession];
    const admin = await stack.adminToken();
    // The admin builds the menu (what the console does): two categories, a drink with size and toppings at Q1.
    const coffee = await call<MenuCategory>(stack, "POST", "/api/admin/menu/categories", admin, { name: "Cà phê", position: 1 });
    const tea = await call<MenuCategory>(stack, "POST", "/api/admin/menu/categories", admin, { name: "Trà trái cây", position: 2 });
    latte = await call<AdminProduct>(stack, "POST", "/api/admin/menu/products", admin, {
      categoryId: coffee.id,
      name: "Cà phê sữa đá",
      description: "Robusta Đắk Lắk pha phin, sữa đặc, đá viên.",
      priceVnd: 35_000,
      optionGroups: [
        {
          id: "size",
          name: "Kích cỡ",
          kind: "one",
          required: true,
          options: [
            { id: "size-m", name: "Size M" },
            { id: "size-l", name: "Size L", priceDeltaVnd: 10_000 },
          ],
        },
        {
          id: "topping",
          name: "Topping",
          kind: "many",
          max: 2,
          options: [
            { id: "tran-chau", name: "Trân châu", priceDeltaVnd: 5_000 },
            { id: "kem-muoi", name: "Kem muối", priceDeltaVnd: 8_000 },
          ],
        },
      ],
      storeIds: [Q1],
    });
    await call(stack, "POST", "/api/admin/menu/products", admin, {
      categoryId: coffee.id,
      name: "Bạc xỉu",
      description: "Nhiều sữa, ít cà phê.",
      priceVnd: 32_000,
      storeIds: [Q1, Q3],
    });
    peach = await call<AdminProduct>(stack, "POST", "/api/admin/menu/products", admin, {
      categoryId: tea.id,
      name: "Trà đào cam sả",
      description: "Trà đen, đào miếng, cam vàng, sả tươi.",
      priceVnd: 45_000,
      storeIds: [Q1],
    });
    await call(stack, "POST", "/api/admin/menu/products", admin, { categoryId: tea.id, name: "Trà vải (chỉ ở Q3)", priceVnd: 42_000, storeIds: [Q3] });
    campaign = await call<Campaign>(stack, "POST", "/api/admin/voucher-campaigns", admin, {
      name: "Giảm 10% đơn từ 80K",
      kind: "percent_off",
      value: 10,
      maxDiscountVnd: 30_000,
      minSpendVnd: 80_000,
      validDaysAfterClaim: 30,
    });
    // The shopper claims the voucher (what the Ưu đãi tab does).
    shopperToken = (await personaLogin(stack, "shopper")).token;
    await call(stack, "POST", `/api/vouchers/campaigns/${campaign.id}/claim`, shopperToken, { requestId: "claim-ordering-test-1" });
  });

  it("the shopper orders with options and a voucher; staff confirm, mark ready and complete; points arrive", async () => {
    const { page } = shopper;
    // The store's counter QR (`?store=…`, no table): home forwards it to that store's menu.
    await page.goto(`${stack.webUrl}/?store=${Q1}`);
    await expect.poll(() => page.getByTestId("menu-category").count(), { timeout: 15_000 }).toBe(2);
    expect(await page.getByTestId("category-chip").allTextContents()).toEqual(["Cà phê", "Trà trái cây"]);
    const names = await page.locator(".ord-product-name").allTextContents();
    expect(names.sort()).toEqual(["Bạc xỉu", "Cà phê sữa đá", "Trà đào cam sả"]); // the Q3-only tea is not on Q1's menu

    // Product sheet: size L (+10.000đ) and one topping (+5.000đ) → 50.000đ.
    await page.locator(`[data-product="${latte.id}"]`).click();
    await expect.poll(() => text(page, "add-to-cart")).toBe("Thêm · 35.000đ");
    await page.getByTestId("option-size-l").click();
    await page.getByTestId("option-tran-chau").click();
    await expect.poll(() => text(page, "add-to-cart")).toBe("Thêm · 50.000đ");
    await page.getByTestId("add-to-cart").click();
    await expect.poll(() => text(page, "cart-count")).toBe("1");
    await page.waitForTimeout(2800); // let the snackbar close before the screenshot
    await shot(page, "menu-options"); // menu.png: the demo menu with its pictures (console-menu.test.ts)

    // The cart survives an app restart (localStorage), and the store is remembered.
    await page.reload();
    await expect.poll(() => text(page, "greeting"), { timeout: 15_000 }).toBe("Xin chào, Nguyễn Thu Hà");
    await nav(page, "Đặt món");
    await expect.poll(() => text(page, "cart-count")).toBe("1");
    await page.getByTestId("cart-bar").click();

    // Cart: the server quotes 50.000đ; the voucher needs 80.000đ, and the screen says so.
    await expect.poll(() => text(page, "total")).toBe("50.000đ");
    await page.getByTestId("open-vouchers").click();
    await page.locator(`[data-testid="voucher-option"]`).first().click();
    await expect.poll(() => text(page, "voucher-state")).toBe("Đơn tối thiểu 80.000đ: thêm 30.000đ để dùng voucher này");
    await expect.poll(() => text(page, "total")).toBe("50.000đ"); // quoted again without the voucher
    // A second cup: 100.000đ, now the voucher applies (10% = 10.000đ), all priced by the server.
    await page.getByTestId("cart-line").first().getByRole("button", { name: "Thêm" }).click();
    await expect.poll(() => text(page, "voucher-state")).toBe("Đã áp dụng: Giảm 10% đơn từ 80K");
    expect(await text(page, "subtotal")).toBe("100.000đ");
    expect(await text(page, "discount")).toBe("−10.000đ");
    expect(await text(page, "total")).toBe("90.000đ");
    expect(await page.getByTestId("pay-counter").getAttribute("aria-checked")).toBe("true");
    await expect.poll(() => text(page, "place-order")).toBe("Đặt món · 90.000đ");
    await shot(page, "cart");

    await page.getByTestId("place-order").click();
    // Cash goes through Zalo's Checkout too: a COD order, confirmed in the sheet; Zalo then reopens the app at its
    // redirect path (home), and the shopper stays on the order.
    await expect.poll(() => page.getByTestId("emu-pay-sheet").textContent(), POLLED).toContain("Thanh toán khi nhận hàng");
    await page.getByTestId("emu-pay-ok").click();
    await expect.poll(() => page.getByTestId("emu-pay-sheet").count()).toBe(0);
    await page.waitForTimeout(300);
    // (The demo build routes in memory: the page itself says where the shopper is.)
    expect(await page.getByTestId("greeting").count()).toBe(0);
    await expect.poll(() => page.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("placed");
    const code = (await text(page, "order-code"))!;
    expect(code).toMatch(/^[0-9A-Z]{6}$/);
    expect(await text(page, "order-total")).toBe("90.000đ");
    expect(await text(page, "order-payment")).toBe("Trả tại quầy · chưa thanh toán");

    // Staff (second phone): home → Đơn hàng → the new order at Q1.
    const s = staff.page;
    await s.goto(`${stack.webUrl}/?persona=staff`);
    await expect.poll(() => text(s, "greeting"), { timeout: 15_000 }).toBe("Xin chào, Trần Minh Khoa");
    await s.getByTestId("open-staff-orders").click();
    await expect.poll(() => text(s, "staff-orders-store-name")).toBe("Cà Phê Sài Gòn · Nguyễn Huệ");
    const ticket = s.locator(`[data-testid="staff-order"][data-code="${code}"]`);
    await expect.poll(() => ticket.count(), POLLED).toBe(1);
    expect(await ticket.textContent()).toContain("2×Cà phê sữa đáSize L, Trân châu");
    expect(await ticket.textContent()).toContain("Nguyễn Thu Hà");
    await s.waitForTimeout(300);
    await shot(s, "staff-orders");

    await ticket.getByTestId("staff-confirmed").click();
    await expect.poll(() => page.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("confirmed");
    await s.getByTestId("staff-filter-confirmed").click();
    await s.locator(`[data-testid="staff-order"][data-code="${code}"]`).getByTestId("staff-ready").click();
    // The shopper's screen polls: ready.
    await expect.poll(() => page.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("ready");
    expect(await text(page, "order-status-title")).toBe("Đơn đã sẵn sàng!");

    await s.getByTestId("staff-filter-ready").click();
    await s.locator(`[data-testid="staff-order"][data-code="${code}"]`).getByTestId("staff-completed").click();
    await expect.poll(() => s.locator(`[data-testid="staff-order"][data-code="${code}"]`).count()).toBe(0);

    // Completed: the points the server awarded show on the status screen and match GET /api/me.
    await expect.poll(() => page.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("completed");
    // The cash the counter took is reported to Checkout (updateOrderStatus, resultCode 1).
    const emuOrders = async () => (await (await fetch(`${stack.emulatorUrl}/_emu/checkout/orders`)).json()) as { resultCode: number; chosen: string | null }[];
    await expect.poll(async () => (await emuOrders()).filter((o) => o.chosen === "COD").map((o) => o.resultCode), POLLED).toEqual([1]);
    const me = await call<{ loyalty: { balance: number } }>(stack, "GET", "/api/me", shopperToken);
    expect(me.loyalty.balance).toBeGreaterThan(0);
    await expect.poll(() => text(page, "order-points")).toContain(`+${me.loyalty.balance.toLocaleString("vi-VN")} điểm`);
    await expect.poll(() => text(page, "points-after-order")).toBe(`Số dư hiện tại: ${me.loyalty.balance.toLocaleString("vi-VN")} điểm`);
    await page.waitForTimeout(300);
    await shot(page, "order-status");

    // History lists it as completed; the voucher was used by the order.
    await page.getByTestId("back").click();
    await nav(page, "Trang chủ");
    await page.getByTestId("open-my-orders").click();
    await expect.poll(() => page.locator(`[data-testid="order-row"]`).first().getAttribute("data-status"), POLLED).toBe("completed");
    const used = await call<{ vouchers: unknown[] }>(stack, "GET", "/api/me/vouchers?status=used", shopperToken);
    expect(used.vouchers).toHaveLength(1);

    expect(realErrors(shopper.errors)).toEqual([]);
    expect(realErrors(staff.errors)).toEqual([]);
  });

  it("a table QR orders to the table and pays through Zalo Checkout (emulator sheet → signed callback)", async () => {
    const { page } = shopper;
    await nav(page, "Đặt món");
    await page.getByTestId("scan-table").click();
    await page.getByTestId("scan-input").fill(`https://zalo.me/s/1234567890/?store=${Q1}&table=12`);
    await page.getByTestId("scan-submit").click();
    await expect.poll(() => text(page, "table-badge")).toBe("Bàn 12");
    await page.locator(`[data-product="${peach.id}"]`).click();
    await page.getByTestId("add-to-cart").click();
    await page.getByTestId("cart-bar").click();
    await expect.poll(() => text(page, "total")).toBe("45.000đ");
    expect(await page.getByTestId("table-input").inputValue()).toBe("12");
    await page.getByTestId("pay-zalo").click();
    await expect.poll(() => text(page, "place-order")).toBe("Đặt và thanh toán · 45.000đ");
    await page.getByTestId("place-order").click();

    // The server made the MAC; the adapter posted it to Checkout (the emulator), which opens its payment sheet.
    await page.getByTestId("emu-pay-ok").click();
    await expect.poll(() => text(page, "order-payment"), POLLED).toBe("Zalo Checkout · đã thanh toán");
    expect(await text(page, "order-pickup")).toBe("Tại bàn 12");
    expect(await page.getByTestId("pay-card").count()).toBe(0);

    // Staff see it paid and can confirm it straight away.
    const s = staff.page;
    await s.getByTestId("staff-filter-placed").click();
    const code = (await text(page, "order-code"))!;
    const ticket = s.locator(`[data-testid="staff-order"][data-code="${code}"]`);
    await expect.poll(() => ticket.textContent(), POLLED).toContain("Đã trả qua Zalo");
    expect(await ticket.textContent()).toContain("Tại bàn 12");
    await ticket.getByTestId("staff-confirmed").click();
    await expect.poll(() => page.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("confirmed");

    expect(realErrors(shopper.errors)).toEqual([]);
    expect(realErrors(staff.errors)).toEqual([]);
  });

  it("at 360 px the order page survives Zalo's reopen after the sheet, and checks a lost callback with backoff", async () => {
    const { page } = shopper;
    await page.setViewportSize({ width: 360, height: 780 });
    const emu = (path: string, body?: unknown) =>
      fetch(`${stack.emulatorUrl}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((r) => r.json());
    const statusChecks = async () =>
      ((await emu("/_emu/requests")) as { path: string }[]).filter((r) => r.path === "/payment/api/transaction/get-status").length;
    // The callback is lost this time: only the order page's checks (getOrderStatus through our server) can settle it.
    await emu("/_emu/config", { checkoutCallbackUrl: "" });
    try {
      await nav(page, "Đặt món");
      await page.locator(`[data-product="${peach.id}"]`).click();
      await page.getByTestId("add-to-cart").click();
      await page.getByTestId("cart-bar").click();
      await page.getByTestId("pay-zalo").click();
      await page.getByTestId("place-order").click();
      await expect.poll(() => page.getByTestId("emu-pay-sheet").count(), POLLED).toBe(1);
      // createOrder has resolved with the sheet open (like zmp-sdk): the page behind it is the order, pending.
      await expect.poll(() => text(page, "order-payment"), POLLED).toBe("Zalo Checkout · đang chờ thanh toán");
      const code = await text(page, "order-code");
      await shot(page, "checkout-sheet-360");
      const before = await statusChecks();
      await page.getByTestId("emu-pay-ok").click();
      // PaymentDone, then Zalo reopens the app at "/": still on the order, which settles it without the callback.
      await expect.poll(() => text(page, "order-payment"), { timeout: 20_000, interval: 250 }).toBe("Zalo Checkout · đã thanh toán");
      // (The demo build routes in memory: the page itself says where the shopper is.)
      expect(await text(page, "order-code")).toBe(code);
      expect(await page.getByTestId("greeting").count()).toBe(0);
      // Paid: no more checks; over the next 7 s the page asks nothing of Zalo.
      const settled = await statusChecks();
      expect(settled - before).toBeLessThanOrEqual(2);
      await page.waitForTimeout(7000);
      expect(await statusChecks()).toBe(settled);
      await shot(page, "order-after-reopen-360");
      expect(realErrors(shopper.errors)).toEqual([]);
    } finally {
      await emu("/_emu/config", { checkoutCallbackUrl: `${stack.apiUrl}/webhooks/zalo-checkout/callback` });
      await page.setViewportSize({ width: 390, height: 844 });
    }
  });
});
