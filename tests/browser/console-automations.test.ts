import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_ADMIN, type Stack } from "../support/stack";
import { openDesktop, realErrors, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";

async function signIn(page: Page, stack: Stack, hash = "") {
  await page.goto(`${stack.consoleUrl}/${hash}`);
  await page.getByTestId("login-email").fill(DEMO_ADMIN.email);
  await page.getByTestId("login-password").fill(DEMO_ADMIN.password);
  await page.getByTestId("login-submit").click();
  await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 15_000 }).toBe(DEMO_ADMIN.email);
}

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describe("console: automations", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("lists the recipes with their figures, edits one's wait, condition and text, and switches one off (1280 and 360 px)", async () => {
    const token = await stack.adminToken();
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }).then((r) => r.json());
    const segment = await api("/api/admin/segments", {
      method: "POST",
      body: JSON.stringify({ name: "Khách đang quan tâm", rules: { all: [{ kind: "follower", follows: true }] } }),
    });

    const { page, errors, close } = await openDesktop({ browser, expected: (m) => /status of 40[04]\b/.test(m.text()) });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      // A new follower (Zalo's follow webhook) goes through the welcome automation; the personas who already
      // followed are recognised at sign-in from Zalo's state, and nobody welcomes an old follower.
      await fetch(`${stack.emulatorUrl}/_emu/personas/shopper/follow`, { method: "POST" });
      await signIn(page, stack, "#/automations");
      await expect.poll(() => page.getByTestId("automation-triggered-welcome").textContent()).toMatch(/^1/);
      expect(await page.getByTestId("automation-list").textContent()).toContain("Xin góp ý sau đơn hàng");
      await shot(page, "console-automations-list");

      await page.getByTestId("automation-row-order-feedback").click();
      await expect.poll(() => page.getByTestId("automation-title").textContent()).toBe("Xin góp ý sau đơn hàng");
      expect(await page.getByTestId("automation-trigger").inputValue()).toBe("Đơn hoàn tất");
      await page.getByTestId("automation-wait").fill("3");
      await page.getByTestId("automation-segment").selectOption(segment.id);
      await page.getByTestId("automation-text").fill("Đơn {code} thế nào, {ten}?");
      // A placeholder the trigger does not carry is said in Vietnamese, and the save waits for a fix.
      await expect.poll(() => page.getByTestId("automation-problems").textContent()).toContain("Sự kiện này không có biến {ten}");
      expect(await page.getByTestId("automation-save").isDisabled()).toBe(true);
      await page.getByTestId("automation-text").fill("Đơn {code} thế nào, {name}? Trả lời tin này để góp ý nhé!");
      await page.getByTestId("automation-save").click();
      await expect
        .poll(() => api("/api/admin/automations/order-feedback").then((r) => r.automation))
        .toMatchObject({
          waitHours: 3,
          segmentId: segment.id,
          text: "Đơn {code} thế nào, {name}? Trả lời tin này để góp ý nhé!",
        });
      await expect.poll(() => page.getByTestId("automation-save").isDisabled()).toBe(true);
      await shot(page, "console-automation-editor");

      // A segment deleted while the editor was open: the server's refusal, in Vietnamese, nothing saved.
      const gone = await api("/api/admin/segments", { method: "POST", body: JSON.stringify({ name: "Sắp xoá", rules: { all: [{ kind: "hasPhone" }] } }) });
      await page.reload();
      await expect.poll(() => page.getByTestId("automation-segment").locator(`option[value="${gone.id}"]`).count()).toBe(1);
      await page.getByTestId("automation-segment").selectOption(gone.id);
      await fetch(`${stack.apiUrl}/api/admin/segments/${gone.id}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
      await page.getByTestId("automation-save").click();
      await expect.poll(() => page.getByTestId("automation-save-error").getAttribute("data-code")).toBe("AUTOMATION_SEGMENT_NOT_FOUND");
      expect(await page.getByTestId("automation-save-error").textContent()).toContain("Không tìm thấy phân khúc");
      await shot(page, "console-automation-editor-error");
      expect((await api("/api/admin/automations/order-feedback")).automation.segmentId).toBe(segment.id);

      // Off from the list.
      await page.goto(`${stack.consoleUrl}/#/automations`);
      await page.getByTestId("automation-enabled-order-feedback").click();
      await expect.poll(() => api("/api/admin/automations/order-feedback").then((r) => r.automation.enabled)).toBe(false);
      await expect.poll(() => page.getByTestId("automation-row-order-feedback").textContent()).toContain("Đã tắt");

      // A phone's width: the list as cards, the editor in one column, nothing wider than the screen.
      await page.setViewportSize({ width: 360, height: 800 });
      await expect.poll(() => overflows(page)).toBe(false);
      await shot(page, "console-automations-list-360");
      await page.goto(`${stack.consoleUrl}/#/automations/order-feedback`);
      await expect.poll(() => page.getByTestId("automation-title").textContent()).toBe("Xin góp ý sau đơn hàng");
      await expect.poll(() => overflows(page)).toBe(false);
      await shot(page, "console-automation-editor-360");

      // An unknown id is "not found" with the way back, in Vietnamese.
      await page.goto(`${stack.consoleUrl}/#/automations/nope`);
      await expect.poll(() => page.getByTestId("not-found").textContent()).toContain("Không tìm thấy tự động hoá này");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  });

  it("the expiring recipes show their trigger in Vietnamese and their window of days is edited (1280 and 360 px)", async () => {
    const token = await stack.adminToken();
    const api = (path: string) => fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/automations");
      await expect.poll(() => page.getByTestId("automation-list").textContent()).toContain("Nhắc voucher sắp hết hạn");
      await page.getByTestId("automation-row-points-expiring").click();
      await expect.poll(() => page.getByTestId("automation-title").textContent()).toBe("Nhắc điểm sắp hết hạn");
      expect(await page.getByTestId("automation-trigger").inputValue()).toBe("Điểm sắp hết hạn (trong N ngày)");
      await expect.poll(() => page.getByTestId("automation-within-days").inputValue()).toBe("7");
      expect(await page.getByText("số điểm sắp hết hạn").count()).toBe(1);
      await page.getByTestId("automation-within-days").fill("10");
      await page.getByTestId("automation-save").click();
      await expect.poll(() => api("/api/admin/automations/points-expiring").then((r) => r.automation.withinDays)).toBe(10);
      await shot(page, "console-automation-points-expiring");

      await page.setViewportSize({ width: 360, height: 800 });
      await page.goto(`${stack.consoleUrl}/#/automations/voucher-expiring`);
      await expect.poll(() => page.getByTestId("automation-within-days").inputValue()).toBe("3");
      await expect.poll(() => overflows(page)).toBe(false);
      await shot(page, "console-automation-voucher-expiring-360");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  });
  it("the birthday recipe picks its gift voucher (free ones only) and win-back its N days, in Vietnamese (1280 and 360 px)", async () => {
    const token = await stack.adminToken();
    const api = (path: string) => fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
    const create = (body: object) =>
      fetch(`${stack.apiUrl}/api/admin/voucher-campaigns`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ kind: "free_item", value: 0, freeItem: "Bánh kem nhỏ", validDaysAfterClaim: 14, ...body }),
      }).then(async (r) => {
        expect(r.status).toBe(201);
        return (await r.json()) as { id: string };
      });
    const gift = await create({ name: "Bánh sinh nhật" });
    const paid = await create({ name: "Đổi 100 điểm", costPoints: 100 });
    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/automations");
      await expect.poll(() => page.getByTestId("automation-list").textContent()).toContain("Mời khách quay lại");
      await page.getByTestId("automation-row-birthday").click();
      await expect.poll(() => page.getByTestId("automation-title").textContent()).toBe("Chúc mừng sinh nhật");
      expect(await page.getByTestId("automation-trigger").inputValue()).toBe("Sinh nhật khách (đúng ngày, theo giờ cửa hàng)");
      expect(await page.getByTestId("automation-vars").textContent()).toContain("{voucher_line} (câu tặng voucher, trống khi không có quà)");
      await expect.poll(() => page.getByTestId("automation-voucher-campaign").inputValue()).toBe("");
      // A voucher bought with points is no gift: offered, but not choosable.
      expect(await page.locator(`[data-testid="automation-voucher-campaign"] option[value="${paid.id}"]`).isDisabled()).toBe(true);
      await page.getByTestId("automation-voucher-campaign").selectOption(gift.id);
      await page.getByTestId("automation-save").click();
      await expect.poll(() => api("/api/admin/automations/birthday").then((r) => r.automation.voucherCampaignId)).toBe(gift.id);
      await shot(page, "console-automation-birthday");

      await page.goto(`${stack.consoleUrl}/#/automations/win-back`);
      await expect.poll(() => page.getByTestId("automation-title").textContent()).toBe("Mời khách quay lại");
      expect(await page.getByTestId("automation-trigger").inputValue()).toBe("Khách lâu không mua (N ngày)");
      await expect.poll(() => page.getByTestId("automation-within-days").inputValue()).toBe("45");
      expect(await page.getByText("Không mua trong (ngày)").count()).toBe(1);
      await page.getByTestId("automation-within-days").fill("60");
      await page.getByTestId("automation-enabled").check();
      await page.getByTestId("automation-save").click();
      await expect.poll(() => api("/api/admin/automations/win-back").then((r) => r.automation)).toMatchObject({ withinDays: 60, enabled: true });

      await page.setViewportSize({ width: 360, height: 800 });
      await page.goto(`${stack.consoleUrl}/#/automations/birthday`);
      await expect.poll(() => page.getByTestId("automation-voucher-campaign").inputValue()).toBe(gift.id);
      await expect.poll(() => overflows(page)).toBe(false);
      await page.getByTestId("automation-voucher-campaign").scrollIntoViewIfNeeded();
      await shot(page, "console-automation-birthday-360");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  });

  it("rules on the event are edited beside a what-if over the last 30 days that follows the draft (1280 and 360 px)", async () => {
    const token = await stack.adminToken();
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }).then((r) => r.json());
    const whatIf = (draft: unknown) =>
      api("/api/admin/automations/order-confirmed/what-if", { method: "POST", body: JSON.stringify(draft) }).then((r) => r.whatIf);
    const people = (page: Page) => page.getByTestId("what-if-people").textContent();
    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/automations/order-confirmed");
      await expect.poll(() => page.getByTestId("automation-title").textContent()).toBe("Xác nhận đơn hàng");
      const all = await whatIf({ conditions: [] });
      await expect.poll(() => people(page)).toBe(all.people.toLocaleString("vi-VN"));
      expect(await page.getByTestId("what-if-note").textContent()).toContain("Tính đúng theo lịch sử sự kiện");

      // A rule "order total ≥ 100 000 đ": the count follows the draft before it is saved.
      await page.getByTestId("condition-add").click();
      expect(await page.getByTestId("condition-var-0").inputValue()).toBe("order_total");
      await page.getByTestId("condition-value-0").fill("100000");
      const over = await whatIf({ conditions: [{ var: "order_total", op: "gte", value: 100_000 }] });
      expect(over.people).toBeLessThanOrEqual(all.people);
      await expect.poll(() => people(page)).toBe(over.people.toLocaleString("vi-VN"));
      // A second rule: the store is the first one.
      await page.getByTestId("condition-add").click();
      await page.getByTestId("condition-var-1").selectOption("store");
      const storeId = await page.getByTestId("condition-value-1").inputValue();
      expect(storeId).not.toBe("");
      const both = await whatIf({
        conditions: [
          { var: "order_total", op: "gte", value: 100_000 },
          { var: "store", op: "eq", value: storeId },
        ],
      });
      await expect.poll(() => people(page)).toBe(both.people.toLocaleString("vi-VN"));
      await page.getByTestId("automation-save").click();
      await expect
        .poll(() => api("/api/admin/automations/order-confirmed").then((r) => r.automation.conditions))
        .toEqual([
          { var: "order_total", op: "gte", value: 100_000 },
          { var: "store", op: "eq", value: storeId },
        ]);
      await shot(page, "console-automation-conditions");

      // At a phone's width the rules wrap, nothing is wider than the screen.
      await page.setViewportSize({ width: 360, height: 800 });
      await page.reload();
      await expect.poll(() => page.getByTestId("condition-value-1").inputValue()).toBe(storeId);
      await expect.poll(() => people(page)).toBe(both.people.toLocaleString("vi-VN"));
      await expect.poll(() => overflows(page)).toBe(false);
      await page.getByTestId("automation-conditions").scrollIntoViewIfNeeded();
      await shot(page, "console-automation-conditions-360");
      await page.getByTestId("automation-what-if-card").scrollIntoViewIfNeeded();
      await shot(page, "console-automation-what-if-360");

      // Rules off again; an estimate is said to be one (the expiring recipes).
      await page.getByTestId("condition-remove-1").click();
      await page.getByTestId("condition-remove-0").click();
      await page.getByTestId("automation-save").click();
      await expect.poll(() => api("/api/admin/automations/order-confirmed").then((r) => r.automation.conditions)).toEqual([]);
      await page.goto(`${stack.consoleUrl}/#/automations/points-expiring`);
      await expect.poll(() => page.getByTestId("what-if-note").textContent()).toContain("Ước tính");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  });
});
