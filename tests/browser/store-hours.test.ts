import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { AdminProduct, AdminStore, MenuCategory, StoreSettingsInput, WeekHours } from "@mc/shared";
import type { Stack } from "../support/stack";
import { realErrors, shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

const Q1 = "q1-nguyen-hue";
const Q3 = "q3-vo-van-tan";
/** Wall time in Vietnam (UTC+7), where the demo shop is. 2026-11-24 is a Tuesday. */
const vn = (iso: string) => Date.parse(`${iso}+07:00`);
const EARLY = vn("2026-11-24T04:28");
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
const daily = (open: string, close: string) =>
  Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open, close }]])) as WeekHours;

describe("store hours: the cart offers only the times a store is open", () => {
  // The API's clock, pinned to an hour of the shop's day (the phone's clock is set to the same instant).
  let clock = EARLY;
  let stack: Stack;
  let shopper: BrowserSession;
  let admin = "";
  let tea: AdminProduct;

  withStackAndPhones({ phones: 1, timeoutMs: 15_000, stack: { now: () => clock } }, async (st, [phone]) => {
    stack = st;
    shopper = phone!;
    admin = await stack.adminToken();
    const cat = await call<MenuCategory>(stack, "POST", "/api/admin/menu/categories", admin, { name: "Trà", position: 1 });
    tea = await call<AdminProduct>(stack, "POST", "/api/admin/menu/products", admin, {
      categoryId: cat.id,
      name: "Trà đào",
      priceVnd: 40_000,
      storeIds: [Q1, Q3],
    });
    // Nguyễn Huệ opens at 07:00 (the seed's stores are open all day, as every test's are); Võ Văn Tần stays open all day.
    const q1 = await call<AdminStore>(stack, "GET", `/api/admin/stores/${Q1}`, admin);
    const settings: StoreSettingsInput = { ...q1, week: daily("07:00", "22:00") };
    await call(stack, "PUT", `/api/admin/stores/${Q1}`, admin, pick(settings));
  });

  /** The editable fields of a store (what the console's form sends). */
  const pick = (s: StoreSettingsInput) => ({
    name: s.name,
    address: s.address,
    active: s.active,
    closedReason: s.closedReason,
    timeZone: s.timeZone,
    week: s.week,
    exceptions: s.exceptions,
  });

  it("at 04:28 the store says it opens at 07:00, the first pickup is 07:15, and the order for it is taken", async () => {
    const { page } = shopper;
    await page.setViewportSize({ width: 360, height: 780 });
    await page.clock.install({ time: EARLY });
    await page.goto(`${stack.webUrl}/?store=${Q1}`);
    await expect.poll(() => page.getByTestId("menu-category").count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => text(page, "store-status")).toBe(" Đóng cửa · mở lúc 07:00");
    expect(await page.getByTestId("store-status").getAttribute("data-open")).toBe("false");
    // The picker says which store is open now.
    const options = await page.getByTestId("store-picker").locator("option").allTextContents();
    expect(options).toEqual(["Cà Phê Sài Gòn · Nguyễn Huệ · Đóng cửa", "Cà Phê Sài Gòn · Võ Văn Tần · Đang mở"]);
    await shot(page, "store-hours-menu");

    await page.locator(`[data-product="${tea.id}"]`).click();
    await page.getByTestId("add-to-cart").click();
    await page.getByTestId("cart-bar").click();
    await expect.poll(() => text(page, "total")).toBe("40.000đ");
    await expect.poll(() => text(page, "cart-store-status")).toBe(" Đóng cửa · mở lúc 07:00");
    await expect.poll(() => page.getByTestId("pickup-time").count()).toBeGreaterThan(10);
    // Today, then tomorrow; nothing before 07:00 + the 10-minute lead (07:10, on the 15-minute grid: 07:15).
    expect(await page.getByTestId("pickup-day").allTextContents()).toEqual(["Hôm nay", "Ngày mai"]);
    const times = await page.getByTestId("pickup-time").evaluateAll((els) => els.map((e) => e.getAttribute("data-at")!));
    expect(times[0]).toBe(new Date(vn("2026-11-24T07:15")).toISOString());
    expect(times.every((t) => Date.parse(t) >= vn("2026-11-24T07:10") && Date.parse(t) < vn("2026-11-24T22:00"))).toBe(true);
    expect(await page.getByTestId("pickup-time").first().textContent()).toBe("07:15Sớm nhất");
    expect(await page.getByTestId("pickup-time").first().getAttribute("aria-checked")).toBe("true");
    // Tomorrow's times start at 07:15 too.
    await page.getByTestId("pickup-day").nth(1).click();
    expect(await page.getByTestId("pickup-time").first().getAttribute("data-at")).toBe(new Date(vn("2026-11-25T07:15")).toISOString());
    await page.getByTestId("pickup-day").first().click();
    await page.getByTestId("pickup-time").nth(2).click(); // 07:45
    await page.waitForTimeout(2800); // let the "added" snackbar close before the screenshot
    await shot(page, "store-hours-cart");

    await page.getByTestId("place-order").click();
    await expect.poll(() => page.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("placed");
    expect(await text(page, "order-pickup")).toBe("Nhận lúc 07:45 hôm nay");
    expect(realErrors(shopper.errors)).toEqual([]);
  });

  it("a holiday set while the cart is open: the server refuses the stale time in Vietnamese and the cart offers tomorrow", async () => {
    const { page } = shopper;
    await page.goto(`${stack.webUrl}/?store=${Q1}`);
    await page.locator(`[data-product="${tea.id}"]`).click();
    await page.getByTestId("add-to-cart").click();
    await page.getByTestId("cart-bar").click();
    await expect.poll(() => page.getByTestId("pickup-time").first().getAttribute("data-at")).toBe(new Date(vn("2026-11-24T07:15")).toISOString());

    // Meanwhile the shop closes today in the console.
    const q1 = await call<AdminStore>(stack, "GET", `/api/admin/stores/${Q1}`, admin);
    await call(stack, "PUT", `/api/admin/stores/${Q1}`, admin, pick({ ...q1, exceptions: [{ date: "2026-11-24", intervals: [], note: "Nghỉ lễ" }] }));

    await page.getByTestId("place-order").click();
    const toast = page.getByText("Cửa hàng không mở cửa vào giờ bạn chọn · mở lúc 07:00 mai. Hãy chọn giờ khác.");
    await expect.poll(() => toast.count()).toBe(1);
    // The cart asked for the times again: today is gone, tomorrow from 07:15.
    await expect.poll(() => page.getByTestId("pickup-day").allTextContents()).toEqual(["Ngày mai", "Thứ Năm 26/11"]);
    expect(await page.getByTestId("pickup-time").first().getAttribute("data-at")).toBe(new Date(vn("2026-11-25T07:15")).toISOString());
    await expect.poll(() => text(page, "cart-store-status")).toBe(" Đóng cửa · mở lúc 07:00 mai");
    await shot(page, "store-hours-refused");
    expect(realErrors(shopper.errors)).toEqual([]);
  });

  it("at a table while the store is closed the cart says so and does not order; once open it does", async () => {
    const { page } = shopper;
    await page.goto(`${stack.webUrl}/?store=${Q1}&table=5`);
    await expect.poll(() => text(page, "table-badge")).toBe("Bàn 5");
    await page.getByTestId("cart-bar").click(); // the cart from the last test is still there
    await expect.poll(() => text(page, "table-closed")).toBe("Cửa hàng đang đóng cửa: chưa gọi món tại bàn được");
    expect(await page.getByTestId("place-order").isDisabled()).toBe(true);
    await page.waitForTimeout(2800); // the refusal's snackbar from the last test
    await shot(page, "store-hours-table-closed");

    clock = vn("2026-11-25T09:00"); // Wednesday morning, open
    await page.goto(`${stack.webUrl}/?store=${Q1}&table=5`);
    await page.getByTestId("cart-bar").click();
    await expect.poll(() => text(page, "cart-store-status")).toBe(" Đang mở cửa · đóng lúc 22:00");
    await expect.poll(() => page.getByTestId("place-order").isDisabled()).toBe(false);
    await page.getByTestId("place-order").click();
    await expect.poll(() => page.getByTestId("order-status").getAttribute("data-status"), POLLED).toBe("placed");
    expect(await text(page, "order-pickup")).toBe("Tại bàn 5");
    expect(realErrors(shopper.errors)).toEqual([]);
  });
});
