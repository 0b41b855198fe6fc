import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { type Stack } from "../support/stack";
import { openDesktop, realErrors, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn as signIn } from "../support/console";

const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();
/** A datetime-local value `ms` from now, in the browser's zone (the tests' context is Asia/Ho_Chi_Minh). */
const localIn = (ms: number) => new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 16);

describe("console quality: Vietnamese problems, broadcast schedules and held messages", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("a refused request names the field as the form does, and one with no field still says what to do", async () => {
    const { page, errors, close } = await openDesktop({ browser, expected: (m) => /status of 400\b/.test(m.text()) });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack);
      // A link with a tag longer than the server takes: the problem is named "Nhãn", not "tag".
      await page.goto(`${stack.consoleUrl}/#/customers?tag=${"a".repeat(41)}`);
      await expect.poll(() => page.getByTestId("customer-list-error").isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await page.getByTestId("customer-list-error").getAttribute("data-code")).toBe("VALIDATION_FAILED");
      expect(await page.getByTestId("customer-list-error").locator("li").allTextContents()).toEqual(["Nhãn: dài tối đa 40 ký tự"]);
      // A tier the shop does not have: refused as a whole (no field details), and still a line in Vietnamese.
      await page.goto(`${stack.consoleUrl}/#/customers?tier=platinum`);
      await page.reload(); // the same page with another query: opened afresh, as a link would
      await expect.poll(() => page.getByTestId("validation-generic").isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await text(page, "customer-list-error")).toContain("Thông tin chưa hợp lệ");
      expect(await text(page, "validation-generic")).toBe("Có thông tin chưa đúng dạng hoặc thiếu; kiểm tra lại các mục đã nhập rồi thử lại.");
      await shot(page, "console-validation-generic");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it("a page's state is in its link: the dashboard's range survives a reload and opens from a link", async () => {
    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack);
      await page.getByTestId("nav-dashboard").click();
      await expect.poll(() => text(page, "dash-range"), { timeout: 15_000 }).toContain("30 ngày");
      await page.getByTestId("range-7").click();
      await expect.poll(() => page.url()).toMatch(/#\/dashboard\?days=7$/);
      await page.reload();
      await expect.poll(() => text(page, "dash-range"), { timeout: 15_000 }).toContain("7 ngày");
      expect(await page.getByTestId("range-7").getAttribute("class")).toBe("on");
      // A custom range, opened from its link in a new tab.
      const tab = await page.context().newPage();
      await tab.goto(`${stack.consoleUrl}/#/dashboard?from=2026-01-01&to=2026-01-31`);
      await expect.poll(() => text(tab, "dash-range"), { timeout: 15_000 }).toBe("01/01/2026 – 31/01/2026 · 31 ngày · giờ Asia/Ho_Chi_Minh");
      await tab.close();
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it("a schedule in the past is refused before sending; a scheduled broadcast reads as scheduled, with its time", async () => {
    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack);
      await page.getByTestId("nav-broadcasts").click();
      await page.getByTestId("broadcast-new").click();
      await page.getByTestId("bc-name").fill("Chào tuần mới");
      await page.getByTestId("bc-text").fill("Chúc bạn một tuần vui!");
      await page.getByTestId("bc-scheduled-at").fill(localIn(-3_600_000));
      await expect.poll(() => page.locator(".c-problems li").allTextContents()).toContain("Gửi lúc: chọn một thời điểm trong tương lai (hoặc để trống)");
      expect(await page.getByTestId("bc-create").isDisabled()).toBe(true);
      await shot(page, "console-broadcast-schedule-past");

      const at = localIn(3 * 3_600_000);
      await page.getByTestId("bc-scheduled-at").fill(at);
      await expect.poll(() => page.getByTestId("bc-create").isEnabled()).toBe(true);
      await page.getByTestId("bc-create").click();
      await expect.poll(() => page.getByTestId("pv-scheduled").isVisible(), { timeout: 15_000 }).toBe(true);
      const when = `${at.slice(11, 16)} · ${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)}`;
      expect(await text(page, "pv-scheduled")).toContain(`bắt đầu gửi lúc ${when}`);
      await page.getByTestId("bc-start").click();
      await expect.poll(() => text(page, "bc-state"), { timeout: 15_000 }).toBe("Đã lên lịch");
      expect(await text(page, "bc-scheduled")).toContain(`sẽ gửi lúc ${when}`);
      expect(await text(page, "count-sent")).toBe("0");
      expect(await text(page, "count-queued")).toBe("2");
      // Still scheduled a poll later (nothing goes before its time), and the list says so too.
      await page.waitForResponse((r) => /\/api\/admin\/broadcasts\/b/.test(r.url()));
      expect(await text(page, "bc-state")).toBe("Đã lên lịch");
      await shot(page, "console-broadcast-scheduled");
      await page.getByTestId("nav-broadcasts").click();
      await expect.poll(() => page.getByTestId("broadcast-list").locator("tbody tr").first().textContent(), { timeout: 15_000 }).toContain("Đã lên lịch");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);

  it("held messages say when they may go, in the preview and in the progress", async () => {
    const token = await stack.adminToken();
    // The cap is what this is about: without quiet hours, so the suite holds nothing else when it runs at night.
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const current = (await (await fetch(`${stack.apiUrl}/api/admin/warming-rules`, { headers: auth })).json()) as { rules: Record<string, unknown> };
    const put = await fetch(`${stack.apiUrl}/api/admin/warming-rules`, {
      method: "PUT",
      headers: auth,
      body: JSON.stringify({ rules: { ...current.rules, quietHours: null } }),
    });
    expect(put.status).toBe(200);
    // A new follower's welcome goes out just now: the shop's cap of one message a day holds this one.
    await fetch(`${stack.emulatorUrl}/_emu/personas/shopper/follow`, { method: "POST" });
    await expect
      .poll(
        async () => {
          const r = await fetch(`${stack.apiUrl}/api/admin/automations/welcome`, { headers: { authorization: `Bearer ${token}` } });
          return ((await r.json()) as { automation: { figures: { sent: number } } }).automation.figures.sent;
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    const { rules } = (await (await fetch(`${stack.apiUrl}/api/admin/warming-rules`, { headers: { authorization: `Bearer ${token}` } })).json()) as any;
    expect(rules.caps.some((c: { category: string }) => c.category === "any")).toBe(true);
    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack);
      await page.getByTestId("nav-broadcasts").click();
      await page.getByTestId("broadcast-new").click();
      await page.getByTestId("bc-name").fill("Hỏi thăm");
      await page.getByTestId("bc-text").fill("Cảm ơn bạn đã ghé!");
      await page.getByTestId("bc-create").click();
      await expect.poll(() => page.getByTestId("held-until-CAP_REACHED").isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await text(page, "held-until-CAP_REACHED")).toMatch(/^Sẽ gửi lúc \d\d:\d\d · \d\d\/\d\d\/\d{4}$/);
      const previewed = await text(page, "held-until-CAP_REACHED");
      await page.getByTestId("bc-start").click();
      await expect.poll(() => text(page, "count-held"), { timeout: 15_000 }).toBe("1");
      await expect.poll(() => page.getByTestId("held-until-CAP_REACHED").isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await text(page, "held-until-CAP_REACHED")).toBe(previewed);
      expect(await text(page, "bc-held-next")).toContain(`sớm nhất sẽ gửi lúc ${previewed!.replace("Sẽ gửi lúc ", "")}`);
      expect(await text(page, "bc-state")).toBe("Đang gửi");
      await shot(page, "console-broadcast-held-until");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 90_000);
});
