import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { AdminProduct, MenuCategory } from "@mc/shared";
import { personaLogin, type Stack } from "../support/stack";
import { realErrors, shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";
import { shopMorning } from "@mc/server/test-support";

const Q1 = "q1-nguyen-hue";
const HOUR = 3_600_000;

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

describe("abandoned cart: a shopper leaves a cart, the OA reminds them, the link reopens it on another phone", () => {
  // The API's clock runs with real time from the last 10:00 in Vietnam (outside quiet hours); the test moves it on.
  const now = Date.now();
  let offset = shopMorning(now) - now;
  let stack: Stack;
  let phone: BrowserSession;
  let other: BrowserSession;
  let shopperToken = "";
  let latte: AdminProduct;

  withStackAndPhones({ phones: 2, timeoutMs: 15_000, stack: { now: () => Date.now() + offset } }, async (st, phones) => {
    stack = st;
    [phone, other] = phones as [BrowserSession, BrowserSession];
    const admin = await stack.adminToken();
    const coffee = await call<MenuCategory>(stack, "POST", "/api/admin/menu/categories", admin, { name: "Cà phê", position: 1 });
    latte = await call<AdminProduct>(stack, "POST", "/api/admin/menu/products", admin, {
      categoryId: coffee.id,
      name: "Cà phê sữa đá",
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
      ],
      storeIds: [Q1],
    });
    // The welcome would take the day's one care message (the default cap): off, as a shop may switch it in the console.
    const welcome = (await call<{ automation: Record<string, unknown> }>(stack, "GET", "/api/admin/automations/welcome", admin)).automation;
    const { name, waitHours, segmentId, category, priority, text: body, imageUrl, templateId, templateParams, expiresHours } = welcome;
    await call(stack, "PUT", "/api/admin/automations/welcome", admin, {
      ...{ name, waitHours, segmentId, category, priority, text: body, imageUrl, templateId, templateParams, expiresHours },
      enabled: false,
    });
    // The shopper follows the OA (the signed follow webhook): Zalo's CS window is open for the reminder.
    shopperToken = (await personaLogin(stack, "shopper")).token;
    await fetch(`${stack.emulatorUrl}/_emu/personas/shopper/follow`, { method: "POST" });
  });

  it("adds two lattes and leaves; 2 hours later the reminder arrives by Zalo; its link opens the same cart on another phone", async () => {
    const { page } = phone;
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${stack.webUrl}/?store=${Q1}`);
    await expect.poll(() => page.getByTestId("menu-category").count(), { timeout: 15_000 }).toBe(1);
    await page.locator(`[data-product="${latte.id}"]`).click();
    await page.getByTestId("option-size-l").click();
    await page.getByTestId("add-to-cart").click();
    await expect.poll(() => text(page, "cart-count")).toBe("1");
    await page.getByTestId("cart-bar").click();
    await page.getByTestId("cart-line").first().getByRole("button", { name: "Thêm" }).click();
    await expect.poll(() => text(page, "total")).toBe("90.000đ");

    // The mini app saved it on the server (debounced), priced by the menu.
    type Saved = { carts: { storeId: string; lines: { name: string; quantity: number; unitPriceVnd: number }[] }[] };
    await expect
      .poll(async () =>
        (await call<Saved>(stack, "GET", "/api/me/carts", shopperToken)).carts.map((c) => [
          c.storeId,
          c.lines.map((l) => [l.name, l.quantity, l.unitPriceVnd]),
        ]),
      )
      .toEqual([[Q1, [["Cà phê sữa đá", 2, 45_000]]]]);
    // The shopper leaves the app.
    await page.goto("about:blank");

    // An hour later nothing has gone; after two, the durable timer fires and the dispatcher sends it through Zalo.
    const reminders = async () =>
      ((await fetch(`${stack.emulatorUrl}/_emu/messages`).then((r) => r.json())) as { channel: string; data?: { text?: string } }[]).filter((m) =>
        JSON.stringify(m).includes("open=cart"),
      );
    offset += HOUR;
    await stack.app.services.automationTimers.drain();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await reminders()).toEqual([]);
    offset += HOUR + 5 * 60_000;
    await stack.app.services.automationTimers.drain();
    await expect.poll(reminders, { timeout: 15_000, interval: 300 }).toHaveLength(1);
    const [msg] = await reminders();
    expect(msg!.channel).toBe("cs");
    expect(msg!.data?.text).toContain("Nguyễn Thu Hà");
    expect(msg!.data?.text).toContain("2× Cà phê sữa đá (Size L)");
    expect(msg!.data?.text).toContain("Cà Phê Sài Gòn · Nguyễn Huệ");
    const link = /https:\/\/zalo\.me\/s\/\S+/.exec(msg!.data?.text ?? "")![0];
    expect(link).toMatch(/^https:\/\/zalo\.me\/s\/\d+\/\?store=q1-nguyen-hue&open=cart$/);
    // Drained again (a second worker, a restart): still one.
    await stack.app.services.automationTimers.drain();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await reminders()).toHaveLength(1);

    // Another phone (nothing saved on it): the link's launch parameters open the cart, loaded from the server.
    const p2 = other.page;
    await p2.setViewportSize({ width: 360, height: 780 });
    await p2.goto(`${stack.webUrl}/${new URL(link).search}`);
    await expect.poll(() => p2.getByTestId("cart-line").count(), { timeout: 15_000 }).toBe(1);
    expect(await text(p2, "cart-lines")).toContain("Cà phê sữa đá");
    expect(await text(p2, "cart-lines")).toContain("Size L");
    expect(await text(p2, "line-qty")).toBe("2");
    await expect.poll(() => text(p2, "cart-store")).toBe("Cà Phê Sài Gòn · Nguyễn Huệ");
    await expect.poll(() => text(p2, "total")).toBe("90.000đ");
    await p2.waitForTimeout(300);
    await shot(p2, "abandoned-cart-reopened");

    expect(realErrors(phone.errors)).toEqual([]);
    expect(realErrors(other.errors)).toEqual([]);
  });
});
