import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO_STORES } from "@mc/server/demo/history";
import { personaLogin, type Stack } from "../support/stack";
import { openDesktop, realErrors, shot } from "../support/browser";
import { consoleSignIn } from "../support/console";
import { withConsoleStack } from "../support/suite";
import { call, emu } from "../support/http";

describe("console: canned answers", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("the owner writes canned answers with variables (a bad variable is refused in Vietnamese), edits and deletes them; in the inbox one is filled with the person's real name, points and last order (1280 and 360 px)", async () => {
    // A shopper with a real record: an order at the counter and points the shop gave them; then they write to the OA.
    const admin = await stack.adminToken();
    await emu(stack, "POST", "/_emu/personas/shopper/follow");
    const shopper = await personaLogin(stack, "shopper");
    const staff = await personaLogin(stack, "staff");
    const store = DEMO_STORES[0].id;
    const cat = await call(stack, "POST", "/api/admin/menu/categories", admin, { name: "Đồ uống", position: 1 });
    const product = await call(stack, "POST", "/api/admin/menu/products", admin, { categoryId: cat.id, name: "Trà đào", priceVnd: 45_000, storeIds: [store] });
    const { order } = await call(stack, "POST", "/api/orders", shopper.token, {
      storeId: store,
      items: [{ productId: product.id, quantity: 1, optionIds: [] }],
      pickup: { type: "table", table: "3" },
      payment: "counter",
      expectedTotal: 45_000,
      requestId: `canned-browser-${Date.now()}`,
    });
    for (const status of ["confirmed", "ready", "completed"]) await call(stack, "POST", `/api/staff/orders/${order.id}/status`, staff.token, { status });
    await call(stack, "POST", `/api/admin/customers/${shopper.customer.id}/points/adjust`, admin, {
      delta: 1234,
      reason: "Quà tri ân khách quen",
      idempotencyKey: `canned-${Date.now()}`,
    });
    const personas = await emu<{ key: string; appUserId: string; name: string }[]>(stack, "GET", "/_emu/personas");
    const who = personas.find((p) => p.key === "shopper")!;
    expect((await emu(stack, "POST", `/_emu/users/${who.appUserId}/send-text`, { text: "Shop ơi cho mình hỏi chút" })).delivered).toBe(true);
    const { profile } = await call<{ profile: { name: string; points: { balance: number } } }>(
      stack,
      "GET",
      `/api/admin/customers/${shopper.customer.id}/profile`,
      admin,
    );
    expect(profile.points.balance).toBeGreaterThanOrEqual(1234);

    const { page, errors } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await consoleSignIn(page, stack, "#/canned");
      const fresh = page.getByTestId("canned-new");
      const add = async (label: string, text: string) => {
        await fresh.getByTestId("canned-label").fill(label);
        await fresh.getByTestId("canned-text").fill(text);
        await fresh.getByTestId("canned-save").click();
      };
      const items = page.getByTestId("canned-item");
      // The form shows once the list has loaded (the shop's seeded answers are in it).
      await expect.poll(() => fresh.isVisible(), { timeout: 15_000 }).toBe(true);
      const before = await items.count();
      await add("Chào khách quen", "Chào {name}, bạn đang có {points} điểm. Đơn gần nhất: {last_order}.");
      await expect.poll(() => items.count()).toBe(before + 1);
      await add("Tạm biệt", "Cảm ơn {name} đã ghé quán!");
      await expect.poll(() => items.count()).toBe(before + 2);

      // A variable the server does not know: said as they type, and refused (CANNED_VARIABLE_UNKNOWN) in Vietnamese.
      await fresh.getByTestId("canned-label").fill("Sai biến");
      await fresh.getByTestId("canned-text").fill("Chào {ten}, bạn có {diem} điểm");
      expect(await fresh.getByTestId("canned-var-warning").textContent()).toBe("Biến không hợp lệ: {ten}, {diem}");
      await fresh.getByTestId("canned-save").click();
      await expect.poll(() => fresh.getByTestId("canned-save-error").textContent()).toContain("Câu trả lời mẫu có biến không hợp lệ");
      expect(await fresh.getByTestId("canned-save-error").textContent()).toContain("Chỉ dùng các biến {name}, {points}, {last_order}.");
      expect(await items.count()).toBe(before + 2);
      await shot(page, "console-canned-invalid");

      // Edit the first one; delete the second.
      // Added last: they are listed after the shop's own, in order.
      const mine = items.nth(before);
      expect(await mine.getByTestId("canned-label").inputValue()).toBe("Chào khách quen");
      await mine.getByTestId("canned-text").fill("Chào {name}! Bạn có {points} điểm, đơn gần nhất {last_order}.");
      await mine.getByTestId("canned-label").fill("Điểm và đơn gần nhất");
      await mine.getByTestId("canned-save").click();
      const edited = items.filter({ has: page.locator('[data-testid="canned-label"][value="Điểm và đơn gần nhất"]') });
      await expect.poll(() => edited.count()).toBe(1);
      expect(await edited.getByTestId("canned-text").inputValue()).toBe("Chào {name}! Bạn có {points} điểm, đơn gần nhất {last_order}.");
      const bye = items.nth(before + 1);
      expect(await bye.getByTestId("canned-label").inputValue()).toBe("Tạm biệt");
      await bye.getByTestId("canned-delete").click();
      await expect.poll(() => items.count()).toBe(before + 1);
      // As stored: after a reload too.
      await page.reload();
      await expect.poll(() => page.getByTestId("canned-item").count(), { timeout: 15_000 }).toBe(before + 1);
      const stored = await call<{ answers: { label: string; text: string }[] }>(stack, "GET", "/api/admin/canned-answers", admin);
      expect(stored.answers.map((a) => a.label)).toContain("Điểm và đơn gần nhất");
      expect(stored.answers.map((a) => a.label)).not.toContain("Tạm biệt");
      expect(stored.answers.map((a) => a.label)).not.toContain("Sai biến");
      await shot(page, "console-canned");

      await page.setViewportSize({ width: 360, height: 780 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await page.getByTestId("canned-item").nth(before).scrollIntoViewIfNeeded();
      await shot(page, "console-canned-phone");

      // In the inbox: the shopper's own data, filled by the server.
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${stack.consoleUrl}/#/inbox`);
      const item = page.getByTestId("inbox-item").filter({ hasText: who.name });
      await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
      await item.click();
      await page.getByTestId("reply-canned").selectOption({ label: "Điểm và đơn gần nhất" });
      const expected = `Chào ${profile.name}! Bạn có ${profile.points.balance.toLocaleString("vi-VN")} điểm, đơn gần nhất ${order.code} (45.000 ₫).`;
      await expect.poll(() => page.getByTestId("reply-text").inputValue()).toBe(expected);
      await shot(page, "console-canned-inbox");
      await page.setViewportSize({ width: 360, height: 780 });
      await page.getByTestId("reply-text").scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(page, "console-canned-inbox-phone");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
