import { describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { DEMO_ADMIN, type Stack } from "../support/stack";
import { openDesktop, SCREENSHOTS } from "../support/browser";
import { withConsoleStack } from "../support/suite";

/** The console page; the 401 (wrong password) and 400 (refused rules) below are provoked and shown on screen. */
const openConsole = (browser: Browser) => openDesktop({ browser, expected: (msg) => /status of 40[01]\b/.test(msg.text()) });

async function screenshot(page: Page, name: string, fullPage = false) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0)); // the left nav is sticky: capture from the top
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage });
}

describe("admin web console", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("edits the warming rules, registers a ZNS template and runs a care broadcast to followers", async () => {
    const { page, errors, blocked, context } = await openConsole(browser);
    try {
      // The console is its own app; the mini app's old /console.html link (with its #route) leads there.
      await page.goto(`${stack.webUrl}/console.html#/rules`);
      expect(page.url()).toBe(`${stack.consoleUrl}/#/rules`);

      // ---- sign in ----
      await page.getByTestId("login-email").fill(DEMO_ADMIN.email);
      await page.getByTestId("login-password").fill("wrong-password");
      await page.getByTestId("login-submit").click();
      await expect.poll(() => page.getByTestId("login-error").getAttribute("data-code")).toBe("ADMIN_LOGIN_FAILED");
      expect(await page.getByTestId("login-error").textContent()).toContain("Sai email hoặc mật khẩu");
      await page.getByTestId("login-password").fill(DEMO_ADMIN.password);
      await page.getByTestId("login-submit").click();
      await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 15_000 }).toBe(DEMO_ADMIN.email);
      expect(await page.evaluate(() => localStorage.getItem("mc.console.token"))).toBeTruthy();

      // ---- warming rules: defaults, then a rule set the server refuses, then a good one ----
      await expect.poll(() => page.getByTestId("rules-version").textContent()).toContain("mặc định");
      await expect.poll(() => page.getByTestId("cap-max-1").inputValue()).toBe("1");
      // Quiet hours covering all of Zalo's promotion hours: only the server knows, and says so.
      await page.getByTestId("quiet-start").fill("05:00");
      await page.getByTestId("quiet-end").fill("23:00");
      await page.getByTestId("rules-save").click();
      // In Vietnamese, under the form's name for the field; never the schema's English.
      await expect.poll(() => page.getByTestId("rules-save-error").textContent()).toContain("Giờ yên lặng: giờ yên lặng phủ kín khung giờ khuyến mãi");
      expect(await page.getByTestId("rules-save-error").getAttribute("data-code")).toBe("VALIDATION_FAILED");
      expect(await page.getByTestId("rules-save-error").textContent()).toContain("Thông tin chưa hợp lệ");
      expect(await page.getByTestId("rules-save-error").textContent()).not.toMatch(/quiet hours|quietHours|Invalid|body\//);
      await page.getByTestId("save-card").screenshot({ path: resolve(SCREENSHOTS, "console-rules-refused.png") });

      // The welcome messages just sent would hold a broadcast under "1 message per 20 h": allow 5.
      await page.getByTestId("cap-max-1").fill("5");
      // Quiet hours off, so the test passes at any hour.
      await page.getByTestId("quiet-enabled").uncheck();
      await expect.poll(() => page.getByTestId("quiet-off").isVisible()).toBe(true);
      await page.getByTestId("what-if").click();
      await expect.poll(() => page.getByTestId("what-if-result").isVisible()).toBe(true);
      expect(await page.getByTestId("what-if-result").textContent()).toContain("Kết quả mô phỏng");
      await page.getByTestId("rules-note").fill("Nới giới hạn: tối đa 5 tin mỗi 20 giờ, tắt giờ yên lặng");
      await page.getByTestId("rules-save").click();
      await expect.poll(() => page.getByTestId("rules-saved").textContent()).toContain("v1");
      await expect.poll(() => page.getByTestId("history-v1").textContent()).toContain("Nới giới hạn");
      expect(await page.getByTestId("rules-version").textContent()).toContain("v1");
      // run the what-if again so the screenshot shows it next to the saved version
      await page.getByTestId("what-if").click();
      await expect.poll(() => page.getByTestId("what-if-result").isVisible()).toBe(true);
      await screenshot(page, "console-rules", true);

      // ---- ZNS: register the emulator's seeded care template ----
      await page.getByTestId("nav-zns").click();
      await expect.poll(() => page.getByTestId("zns-quota").textContent()).toContain("còn lại");
      await page.getByTestId("zns-id").fill("100002");
      await page.getByTestId("zns-name").fill("Chăm sóc khách hàng");
      await page.getByTestId("zns-tag").selectOption("2");
      await page.getByTestId("zns-param-name-0").fill("customer_name");
      await page.getByTestId("zns-param-max-0").fill("30");
      await page.getByTestId("zns-param-add").click();
      await page.getByTestId("zns-param-name-1").fill("content");
      await page.getByTestId("zns-param-max-1").fill("90");
      expect(await page.getByTestId("zns-uid").isChecked()).toBe(true);
      await page.getByTestId("zns-register-submit").click();
      await expect.poll(() => page.getByTestId("zns-row-100002").textContent()).toContain("customer_name");
      // A test send in Zalo's ZNS hours (the emulator's clock moves to the next 10:00 in Vietnam): sent.
      const now = Date.now();
      const tenAm = now - ((now + 7 * 3600_000) % 86_400_000) + 10 * 3600_000; // Vietnam midnight + 10 h
      await fetch(`${stack.emulatorUrl}/_emu/clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ now: tenAm > now ? tenAm : tenAm + 86_400_000 }),
      });
      await page.getByTestId("zns-test-phone").fill("0987654321");
      await page.getByTestId("zns-test-template").selectOption("100002");
      await page.getByTestId("zns-test-param-customer_name").fill("Khoa");
      await page.getByTestId("zns-test-param-content").fill("Cảm ơn bạn đã ghé quán hôm nay!");
      await page.getByTestId("zns-test-send").click();
      await expect.poll(() => page.getByTestId("zns-test-result").textContent()).toContain("Đã gửi");
      const zns = stack.emulator.state.messages.filter((m: any) => m.channel === "zns" && m.templateId === "100002");
      expect(zns.map((m: any) => [m.recipient.phone, m.data.customer_name])).toEqual([["84987654321", "Khoa"]]);

      // ---- a care broadcast to followers ----
      await page.getByTestId("nav-broadcasts").click();
      await page.getByTestId("broadcast-new").click();
      await page.getByTestId("bc-name").fill("Hỏi thăm khách quen");
      await page.getByTestId("bc-category-care").click();
      await page.getByTestId("bc-text").fill("Quán có món mới tuần này, ghé thử nhé! Cảm ơn bạn đã đồng hành cùng Cà Phê Sài Gòn.");
      expect(await page.getByTestId("bc-followers-only").isChecked()).toBe(true);
      await page.getByTestId("bc-create").click();

      // preview: both followers, both sendable now by CS
      await expect.poll(() => page.getByTestId("pv-audience").textContent(), { timeout: 15_000 }).toBe("2");
      expect(await page.getByTestId("pv-send").textContent()).toBe("2");
      expect(await page.getByTestId("bc-state").textContent()).toBe("Nháp");
      await screenshot(page, "console-broadcast-preview");

      await page.getByTestId("bc-start").click();
      await expect.poll(() => page.getByTestId("count-sent").textContent(), { timeout: 30_000 }).toBe("2");
      await expect.poll(() => page.getByTestId("bc-state").textContent(), { timeout: 15_000 }).toBe("Hoàn tất");
      expect(await page.getByTestId("bc-progress-text").textContent()).toContain("2/2");
      await screenshot(page, "console-broadcast", true);

      // the two people really got it, by CS
      const msgs = (await fetch(`${stack.emulatorUrl}/_emu/messages`).then((r) => r.json())) as { text?: string; channel: string }[];
      expect(msgs.filter((m) => JSON.stringify(m).includes("Quán có món mới tuần này"))).toHaveLength(2);

      // the list shows it too
      await page.getByTestId("nav-broadcasts").click();
      await expect.poll(() => page.getByTestId("broadcast-list").textContent()).toContain("Hỏi thăm khách quen");

      expect(errors).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
