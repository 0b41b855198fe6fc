import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_ADMIN, type Stack } from "../support/stack";
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
// A sticker's picture (Zalo sends its URL in the attachment's payload).
const STICKER = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#fc3"/><circle cx="22" cy="26" r="4"/><circle cx="42" cy="26" r="4"/><path d="M18 40q14 12 28 0" stroke="#000" stroke-width="3" fill="none"/></svg>')}`;
const texts = (page: Page, testId: string) => page.getByTestId(testId).allTextContents();

describe("console: the OA inbox", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("a follower writes; the owner answers with a canned reply beside their timeline, and the next message arrives live (1280 and 360 px)", async () => {
    const personas = await emu<{ key: string; appUserId: string; name: string }[]>(stack, "GET", "/_emu/personas");
    const staff = personas.find((p) => p.key === "staff")!;
    const sent = await emu(stack, "POST", `/_emu/users/${staff.appUserId}/send-text`, { text: "Shop ơi, hôm nay còn bánh mì không?" });
    expect(sent.delivered).toBe(true);
    await emu(stack, "POST", `/_emu/users/${staff.appUserId}/send-media`, { kind: "sticker", payload: { id: "st-9", url: STICKER } });

    const { page, errors } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/inbox");
      // Others' conversations hold the welcome message the OA sent them on follow.
      const item = page.getByTestId("inbox-item").filter({ hasText: staff.name });
      await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
      // No auto-reply rule knows "còn bánh mì không?": the conversation waits for a person.
      expect(await item.getByTestId("inbox-needs-person").textContent()).toBe("Cần người trả lời");
      await shot(page, "console-inbox-needs-person");
      await item.click();
      await expect.poll(() => page.getByTestId("msg-in").count()).toBe(2);
      expect(await page.getByTestId("msg-in").first().textContent()).toContain("còn bánh mì");
      expect(await page.getByTestId("msg-in").nth(1).locator("img").getAttribute("alt")).toBe("Nhãn dán");
      // Who they are and what they did, beside the chat; the window Zalo leaves to answer.
      await expect.poll(() => page.getByTestId("inbox-customer-name").textContent()).toBe(staff.name);
      await expect.poll(() => page.getByTestId("inbox-timeline-item").count()).toBeGreaterThan(0);
      expect(await page.getByTestId("reply-window").textContent()).toMatch(/Miễn phí.*còn 4[78] giờ/);

      await page.getByTestId("reply-canned").selectOption({ label: "Điểm tích lũy" });
      // Filled by the server from the person's own record: it arrives a moment later.
      await expect.poll(() => page.getByTestId("reply-text").inputValue()).toContain(`Chào ${staff.name}`);
      const reply = await page.getByTestId("reply-text").inputValue();
      expect(reply).not.toMatch(/\{\w+\}/);
      await page.getByTestId("reply-send").click();
      // Queued through the outbox, then sent by the dispatcher: the receipt line follows it.
      await expect.poll(async () => (await texts(page, "msg-out")).at(-1), { timeout: 15_000 }).toContain(reply.slice(0, 20));
      await expect.poll(() => page.getByTestId("receipt").last().textContent(), { timeout: 15_000 }).toContain("Đã gửi");
      // Answered: it no longer waits for a person.
      await expect.poll(() => item.getByTestId("inbox-needs-person").count()).toBe(0);
      const cs = (await emu<{ msgId: string; data: { text?: string } }[]>(stack, "GET", "/_emu/messages?channel=cs")).filter((m) => m.data.text === reply);
      expect(cs).toHaveLength(1);
      await emu(stack, "POST", `/_emu/messages/${cs[0]!.msgId}/received`);
      await emu(stack, "POST", `/_emu/messages/${cs[0]!.msgId}/seen`);
      // Live: the receipts and a new message appear without a reload.
      await expect.poll(() => page.getByTestId("receipt").last().textContent(), { timeout: 15_000 }).toContain("Đã xem");
      await emu(stack, "POST", `/_emu/users/${staff.appUserId}/send-text`, { text: "Cảm ơn shop nhé!" });
      await expect.poll(() => page.getByTestId("msg-in").count(), { timeout: 15_000 }).toBe(3);
      await shot(page, "console-inbox");

      await page.setViewportSize({ width: 360, height: 780 });
      await expect.poll(() => page.getByTestId("thread").isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(page, "console-inbox-phone");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it("a reply Zalo refuses shows why in Vietnamese: failed (-201) and not sent (-213) (1280 and 360 px)", async () => {
    const personas = await emu<{ key: string; appUserId: string; name: string }[]>(stack, "GET", "/_emu/personas");
    const admin = personas.find((p) => p.key === "admin")!;
    expect((await emu(stack, "POST", `/_emu/users/${admin.appUserId}/send-text`, { text: "Shop có giao tới Thủ Đức không?" })).delivered).toBe(true);

    const { page, errors } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/inbox");
      const item = page.getByTestId("inbox-item").filter({ hasText: admin.name });
      // Waiting for a person: no auto-reply is on its way (it would meet the fault meant for the staff's reply).
      await expect.poll(() => item.getByTestId("inbox-needs-person").count(), { timeout: 15_000 }).toBe(1);
      await item.click();
      await expect.poll(() => page.getByTestId("msg-in").count()).toBeGreaterThan(0);
      const reply = async (text: string, error: number) => {
        await emu(stack, "POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error, message: "Injected refusal", times: 1 });
        await page.getByTestId("reply-text").fill(text);
        await page.getByTestId("reply-send").click();
        await expect.poll(async () => (await texts(page, "msg-out")).at(-1), { timeout: 15_000 }).toContain(text);
      };
      // A refusal Zalo gives no way around: the reply fails with Zalo's code, said in Vietnamese.
      await reply("Dạ có ạ, phí giao 15.000đ.", -201);
      const last = page.getByTestId("receipt").last();
      await expect.poll(() => last.getAttribute("data-state"), { timeout: 15_000 }).toBe("failed");
      expect(await last.textContent()).toContain("Gửi không được: Zalo từ chối: Tin có trường dữ liệu không hợp lệ (mã -201)");
      // Not a follower: Zalo refused the CS channel and no other may carry a care reply, so it is not sent.
      await reply("Shop gửi lại thông tin giao hàng ạ.", -213);
      await expect.poll(() => page.getByTestId("receipt").last().getAttribute("data-state"), { timeout: 15_000 }).toBe("suppressed");
      expect(await page.getByTestId("receipt").last().textContent()).toContain("Không gửi: Chưa quan tâm OA");
      for (const r of await texts(page, "receipt-reason")) expect(r).not.toMatch(/\b(invalid|follow|Zalo error|Injected)\b/i);
      expect(await emu(stack, "GET", "/_emu/faults")).toEqual([]);
      await shot(page, "console-inbox-refused");

      await page.setViewportSize({ width: 360, height: 780 });
      await expect.poll(() => page.getByTestId("thread").isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await page.getByTestId("receipt").last().scrollIntoViewIfNeeded();
      await shot(page, "console-inbox-refused-phone");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
