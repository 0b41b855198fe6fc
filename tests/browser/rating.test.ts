import { describe, expect, it } from "vitest";
import { DEFAULT_WARMING_RULES } from "@mc/shared";
import { DEMO_STORES } from "@mc/server/demo/history";
import { personaLogin, type Stack } from "../support/stack";
import { openDesktop, realErrors, shot, type BrowserSession } from "../support/browser";
import { consoleSignIn } from "../support/console";
import { withStackAndPhones } from "../support/suite";
import { call } from "../support/http";

const HOUR = 3_600_000;
// The API's clock: 10:00 in Vietnam (outside quiet hours, whenever the test runs), moved on by the test.
const start = Date.now();
const tenAm = new Date(start);
tenAm.setUTCHours(3, 0, 0, 0);
let offset = tenAm.getTime() - start;
const now = () => Date.now() + offset;

const emu = async <T = any>(stack: Stack, method: string, path: string): Promise<T> =>
  (await (await fetch(`${stack.emulatorUrl}${path}`, { method })).json()) as T;

describe("rating page after a completed order", () => {
  let stack: Stack;
  let phone: BrowserSession;
  withStackAndPhones({ phones: 1, stack: { now } }, (st, [p]) => {
    stack = st;
    phone = p!;
  });

  it("the feedback message's link opens the rating page; a 1-star rating waits for a person in the console inbox (360 px and desktop)", async () => {
    const store = DEMO_STORES[0].id;
    const admin = await stack.adminToken();
    // No care cap in this shop: the welcome and the first-purchase thanks would otherwise hold the feedback a day.
    await call(stack, "PUT", "/api/admin/warming-rules", admin, { rules: { ...DEFAULT_WARMING_RULES, caps: [] }, note: "không giới hạn" });
    // The shopper follows the OA (so the feedback may go as a CS message) and orders at the counter; staff complete it.
    await emu(stack, "POST", "/_emu/personas/shopper/follow");
    const cat = await call(stack, "POST", "/api/admin/menu/categories", admin, { name: "Đồ uống", position: 1 });
    const product = await call(stack, "POST", "/api/admin/menu/products", admin, { categoryId: cat.id, name: "Trà đào", priceVnd: 30_000, storeIds: [store] });
    const shopper = await personaLogin(stack, "shopper");
    const staff = await personaLogin(stack, "staff");
    const { order } = await call(stack, "POST", "/api/orders", shopper.token, {
      storeId: store,
      items: [{ productId: product.id, quantity: 1, optionIds: [] }],
      pickup: { type: "table", table: "5" },
      payment: "counter",
      expectedTotal: 30_000,
      requestId: `rating-browser-${Date.now()}`,
    });
    for (const status of ["confirmed", "ready", "completed"]) await call(stack, "POST", `/api/staff/orders/${order.id}/status`, staff.token, { status });

    // Two hours later the feedback automation's timer fires; the dispatcher sends it to Zalo (the emulator records it).
    offset += 2 * HOUR + 60_000;
    let link = "";
    await expect
      .poll(
        async () => {
          // Fire what is due now rather than wait for the workers' next turn.
          await stack.app.services.automationTimers.drain();
          await stack.app.services.dispatcher.drain();
          const sent = await emu<{ data: { text?: string } }[]>(stack, "GET", "/_emu/messages?channel=cs");
          const text = sent.map((m) => m.data.text ?? "").find((t) => t.includes("?rate="));
          link = text?.match(/https:\/\/zalo\.me\/s\/\S+/)?.[0] ?? "";
          return link;
        },
        { timeout: 20_000 },
      )
      .toContain(`?rate=${order.id}`);

    // The shopper taps it: Zalo opens the mini app with the link's query (what getRouteParams() reads).
    const page = phone.page;
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${stack.webUrl}/${new URL(link).search}`);
    await expect.poll(() => page.getByTestId("rating-order-code").textContent(), { timeout: 20_000 }).toBe(order.code);
    expect(await page.getByTestId("rating-submit").isDisabled()).toBe(true);
    await page.getByTestId("rating-star-1").click();
    expect(await page.getByTestId("rating-word").textContent()).toBe("Rất tệ");
    await page.getByTestId("rating-comment").fill("Trà đào hơi nhạt, chờ lâu quá");
    await shot(page, "rating-form");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByTestId("rating-submit").click();
    await expect.poll(() => page.getByTestId("rating-done").getAttribute("data-stars")).toBe("1");
    expect(await page.getByTestId("rating-done").textContent()).toContain("Nhân viên cửa hàng sẽ nhắn cho bạn");
    await shot(page, "rating-done");
    // Once per order: opened again, the page shows the rating, not the form.
    await page.reload();
    await expect.poll(() => page.getByTestId("rating-done").textContent(), { timeout: 20_000 }).toContain("Bạn đã đánh giá đơn này");
    expect(await page.getByTestId("rating-form").count()).toBe(0);
    expect(realErrors(phone.errors)).toEqual([]);

    // The console: the conversation needs a person and holds the rating; the timeline beside it highlights it.
    const desk = await openDesktop({ browser: phone.browser, expected: () => false });
    try {
      const c = desk.page;
      await c.setViewportSize({ width: 1280, height: 900 });
      await consoleSignIn(c, stack, "#/inbox");
      const item = c.getByTestId("inbox-item").filter({ has: c.getByTestId("inbox-needs-person") });
      await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
      await item.click();
      await expect.poll(() => c.getByTestId("msg-in").count()).toBe(1);
      expect(await c.getByTestId("msg-in").textContent()).toContain(`Đánh giá 1★ cho đơn ${order.code}: “Trà đào hơi nhạt, chờ lâu quá”`);
      expect(await c.getByTestId("msg-rating").textContent()).toBe("Đánh giá đơn hàng");
      await expect.poll(() => c.getByTestId("inbox-timeline-item").filter({ hasText: "Đánh giá" }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await shot(c, "rating-console-inbox");

      // The customer's profile: the rating on their timeline, highlighted as low.
      await c.goto(`${stack.consoleUrl}/#/customers/${shopper.customer.id}`);
      const low = c.locator('[data-testid="timeline-item"][data-kind="rating"]');
      await expect.poll(() => low.getAttribute("data-low"), { timeout: 15_000 }).toBe("true");
      expect(await low.textContent()).toContain("đánh giá thấp");
      await low.scrollIntoViewIfNeeded();
      await shot(c, "rating-console-timeline");

      // The ratings list, filtered by stars and store, with the store's average.
      await c.goto(`${stack.consoleUrl}/#/ratings`);
      await expect.poll(() => c.getByTestId(`ratings-store-${store}`).getByTestId("ratings-store-average").textContent(), { timeout: 15_000 }).toBe("1");
      await expect.poll(() => c.getByTestId("rating-row").count()).toBe(1);
      await c.getByTestId("ratings-stars").selectOption("5");
      await expect.poll(() => c.getByTestId("ratings-empty").count()).toBe(1);
      await c.getByTestId("ratings-stars").selectOption("low");
      await c.getByTestId("ratings-store").selectOption(store);
      await expect.poll(() => c.getByTestId("rating-row").count()).toBe(1);
      expect(await c.getByTestId("rating-row").textContent()).toContain("Trà đào hơi nhạt");
      await shot(c, "console-ratings");
      await c.setViewportSize({ width: 360, height: 780 });
      expect(await c.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(c, "console-ratings-phone");
      expect(realErrors(desk.errors)).toEqual([]);
    } finally {
      await desk.close();
    }
  }, 120_000);
});
