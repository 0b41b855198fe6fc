import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_ADMIN, personaLogin, type Stack } from "../support/stack";
import { openDesktop, realErrors, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { emu } from "../support/http";

async function signIn(page: Page, stack: Stack, hash = "") {
  await page.goto(`${stack.consoleUrl}/${hash}`);
  await page.getByTestId("login-email").fill(DEMO_ADMIN.email);
  await page.getByTestId("login-password").fill(DEMO_ADMIN.password);
  await page.getByTestId("login-submit").click();
  await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 15_000 }).toBe(DEMO_ADMIN.email);
}
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe("console: auto-replies, and a follower's question answered in Zalo", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("edits an intent's keywords with Vietnamese errors next to the field, tries a message, and the follower is answered with the real balance", async () => {
    const { page, errors } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/auto-replies");
      await expect.poll(() => page.getByTestId("auto-reply-points").isVisible()).toBe(true);
      // The probe box: the default rules take "còn bao nhiêu điểm" as a points ask.
      await expect.poll(() => text(page, "auto-reply-probe-result")).toContain("Số điểm");
      await page.getByTestId("auto-reply-probe-input").fill("CON BAO NHIEU DIEM");
      await expect.poll(() => text(page, "auto-reply-probe-result")).toContain("Số điểm");
      await page.getByTestId("auto-reply-probe-input").fill("xin chào");
      await expect.poll(() => text(page, "auto-reply-probe-result")).toBe("Không khớp mục nào: chuyển cho nhân viên.");

      // A keyword with no letter and a priority out of range: said next to the fields, in Vietnamese, nothing sent.
      const keywords = page.getByLabel("Từ khoá (mỗi dòng một từ khoá hoặc cụm từ)").first();
      await keywords.fill("điểm\n???");
      await page.getByTestId("auto-reply-human-priority").fill("500");
      await page.getByTestId("auto-reply-human-save").click();
      await expect
        .poll(() => page.getByTestId("auto-reply-human").getByRole("alert").allTextContents())
        .toEqual(["Từ khoá: dòng 2: từ khoá cần có chữ hoặc số", "Độ ưu tiên: tối đa là 100"]);
      await shot(page, "console-auto-replies-errors");
      await page.setViewportSize({ width: 360, height: 780 });
      await page.getByTestId("auto-reply-human").scrollIntoViewIfNeeded();
      await shot(page, "console-auto-replies-360");
      await page.setViewportSize({ width: 1280, height: 900 });

      // Fixed and saved; then the points intent learns how this shop's followers also say it.
      await keywords.fill("gặp nhân viên\nngười thật");
      await page.getByTestId("auto-reply-human-priority").fill("50");
      await page.getByTestId("auto-reply-human-save").click();
      await expect.poll(() => page.getByTestId("auto-reply-human-saved").isVisible()).toBe(true);
      const pointsBox = page.getByTestId("auto-reply-points-keywords");
      await pointsBox.fill(`${await pointsBox.inputValue()}\nxu tích lũy`);
      await page.getByTestId("auto-reply-points-save").click();
      await expect.poll(() => page.getByTestId("auto-reply-points-saved").isVisible()).toBe(true);
      await page.getByTestId("auto-reply-probe-input").fill("Xu tich luy cua toi");
      await expect.poll(() => text(page, "auto-reply-probe-result")).toContain("Số điểm");
      await page.getByTestId("auto-reply-points").scrollIntoViewIfNeeded();
      await shot(page, "console-auto-replies");

      // The follower writes to the OA in Zalo and the auto-reply answers with the balance the API has.
      const shopper = await personaLogin(stack, "shopper");
      // Some points first, so the balance is not a 0 any answer could show.
      const adjust = await fetch(`${stack.apiUrl}/api/admin/customers/${shopper.customer.id}/points/adjust`, {
        method: "POST",
        headers: { authorization: `Bearer ${await stack.adminToken()}`, "content-type": "application/json" },
        body: JSON.stringify({ delta: 1234, reason: "Quà tặng", idempotencyKey: "auto-reply-browser-1" }),
      });
      expect(adjust.status).toBe(200);
      const me = await (await fetch(`${stack.apiUrl}/api/me`, { headers: { authorization: `Bearer ${shopper.token}` } })).json();
      const persona = (await emu<{ key: string; appUserId: string }[]>(stack, "GET", "/_emu/personas")).find((p) => p.key === "shopper")!;
      await emu(stack, "POST", `/_emu/personas/shopper/follow`);
      const sent = await emu<{ delivered: boolean }>(stack, "POST", `/_emu/users/${persona.appUserId}/send-text`, { text: "còn bao nhiêu điểm" });
      expect(sent.delivered).toBe(true);
      expect(me.loyalty.balance).toBeGreaterThanOrEqual(1234);
      const answer = `Bạn đang có ${(me.loyalty.balance as number).toLocaleString("vi-VN")} điểm`;
      const csTexts = async () =>
        (await emu<{ channel: string; recipient: { appUserId: string | null }; data: { text?: string } }[]>(stack, "GET", "/_emu/messages?channel=cs"))
          .filter((m) => m.recipient.appUserId === persona.appUserId)
          .map((m) => m.data?.text ?? "");
      await expect.poll(async () => (await csTexts()).some((t) => t.startsWith(answer)), { timeout: 15_000 }).toBe(true);
      // The same words in another spelling, through the keyword added above: answered too.
      await emu(stack, "POST", `/_emu/users/${persona.appUserId}/send-text`, { text: "XU TÍCH LŨY" });
      await expect.poll(async () => (await csTexts()).filter((t) => t.startsWith(answer)).length, { timeout: 15_000 }).toBe(2);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
