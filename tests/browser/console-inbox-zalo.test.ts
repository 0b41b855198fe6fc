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
// A small menu picture (PNG, 240×160).
const PICTURE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAPAAAACgCAMAAAAFBRFXAAAB4FBMVEXAOSvtvD3AOivhmDjMWjDBPSvwxD300D9uLADHTS3FRy3YfzTWejPVdTPDRCzFSC3DQizvwj3xxT7CPSx0NAPuvj2AQwnxzD7DQyzyyD7BOyvtuzzuvz3tujzorzrQajHjnjjOYTHLVy/HTy7zzj/CQSzBPCvzzD/tvjzvwT3ZgTXuwD3wxD7ZgDXXezTWejTtuTzsuTzsuDzorjvLWy/RaDLkojmeZhadZhbMXDCDRgqCRQrxzT7gljjfkTfCPyvCPivHSy7tvTyqdhzCPizXfTTXfDSseB10MwPwwz7JmirImiqrdx3KnivImSrHmSrTcDLKnSvHmCrqszvJmyvUcjPorDrrtTzjojjOYjDRazKAQgjkoznNXzDJVS7JVC7glzfIUi7imjjIUS7flDfIUC7HUC7ejzbKVC/GSi3JUy/GSS3ZgjT0zz/ejzfzzT/ERS3ahDXYfjTxxj7agjXUdDJ1NQPVeDPUczLWdzPrtjuteB2sdx3qtDvVdDPqsjvorTrRaTHoqzrnqzrrtDzjoTjjnziAQQjMWi/LWS+CRAmBRAninDjLWC+cZRbimzjyzz6eZxfGSy3jnDnERSzfkjfHTi7yzD7yyT7xyT7ahTXAOyvERC3xxz7agzXBOiuJFSXzAAAACXBIWXMAAAsTAAALEwEAmpwYAAAEKUlEQVR42u3cZ1MTURQG4Jt6s0kgBAgJvUPovYMgSpOOKCAiCEpRimDvvffe9a86ft+EJHvOzNnNeX9A7jwzyd7NLa+QcRbBYAYzmMEMZjCDGcxgBjOYwQxmMIMZzGAGM5jBDGYwgxnMYAYzGBVsb+hyNVkXlYDNFlAWrfddXQ12w4LL8hIUoRLniTNB44HrqwpFmKxu1hsJbN8uEPvm+ZrdIOAsd7eIKCkJPgOATe7DIuKUTNTpHPzdlSGiSoY7Xc/g5g0RdZyWLb2CTQsipuQH9QmeDYgYk5SnQ/COyyxijtlduu8A/qnWjkFH1BnsaB33I4C9BUJTrN59Bjgy74g5adPgYFOh0BglO9znvzvk0JSRIljwjEdojvNomAE0eh2OAVDww2IBkOLjob/PDs2ZBAQ/ShIgKb4b6nmVph381A8GzvQIoHyqVR9hygGQYSjwUKEAi1KmOsQbCHALEPhrgQCMVXU+fgkB7gAC1wjQ9KmNkQoBToUBnzTDgs2PVQZxgAQEnJUogBMwUQZvLQjw5FMGLwuEfKQLTvdggD2/yYJrBEr6qYKz/+KAMzKJgq8JpNyhCfbZsMAlQZLgqwItborgyh48cI+dIHhbIOYAQXABJthKD1wvUFNHDlyFC/5DDlyIC16hBq4QyKkgBrZgg5eJgY9hgy8TA29ggxVaYLtATzIp8D18cA4pcBc+2EIK7MIHl5MCN+GDc0mBrfjgNlLgc/jgU6TAB/HBCilwIj74AimwDR+cwmD+SvNDi6clfvHgV0s6fx42SYGX4u3vYUO8LQAkx9sSD/5ErMTbMm1CvC3EvyUGLkP2mr3UNtPO4oJPk9s9LMcF75ID18bbhrh8jel9RvCMx1q8HWqxIx5b6qZ4bAnraOn/VJM8iZeFtpKXUkHzcGkCFvg60dO0mRk43hIT1QPi1TjgPbpXAM5jeJ3pdC95vMIA51G+t5QP750jfVHL9wvaG+glDYa/ijdL+yoe+JN6T2JdtrwCBC4F3XVp3FEb4wUEuB3qwnQl4NrHF/Vyi1YI8HuwK/EmJ9gMbFIfYRwCPAZXejADVXoQqtiiE6D0YN4PWGvxAEScFLrWYlo7eFRCFpfcAHjH9NwOM8CIVu9NCVxNs6p5ayUz3OcX3dLmHSgCLx/SODs1Vu4zwKSG33HaqISvlyr68RO3XqpzuKU9hjeQ1PaWsU6JUiDWHPNZpqQnUuqxIi4Y43+nOZ9+SwA/xPB0tkip35rH9P4o17lK+r5JfRd59kZT5GmbyJZS91WtXlfEVa1ZUhqjjPdABLOy9XOylMapW669tBJ2v3s3W0qjFWoPhS7U9klp0Mr05JylqtzGdSXRZktU1ttyyy05F6XkUnwGM5jBDGYwgxnMYAYzmMEMZjCDGcxgBjOYwQxmMIMZzGAGM5jBdMH/ABAXq8ziWgrOAAAAAElFTkSuQmCC",
  "base64",
);

describe("console: the inbox's Zalo-side actions", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("staff send a picture and ask a nameless follower for their info; the answer shows live (1280 and 360 px)", async () => {
    // Someone Zalo knows only as a follower: no name, no phone in the CRM.
    const user = await emu<{ appUserId: string }>(stack, "POST", "/_emu/users", { name: "Lý Thu Trang", follower: true });
    expect((await emu(stack, "POST", `/_emu/users/${user.appUserId}/send-text`, { text: "Cho mình xem ảnh bánh mới với" })).delivered).toBe(true);

    const { page, errors } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/inbox");
      // Newest first: theirs is on top (its preview may be an auto-reply already).
      const item = page.getByTestId("inbox-item").first();
      await expect.poll(() => page.getByTestId("inbox-item").count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await item.click();
      await expect.poll(async () => (await page.getByTestId("msg-in").allTextContents()).join(" "), { timeout: 15_000 }).toContain("Cho mình xem ảnh");

      // A picture with the typed text as its caption: uploaded to Zalo, then sent by the dispatcher.
      await page.getByTestId("reply-text").fill("Bánh mới của shop đây ạ");
      await page.getByTestId("reply-image").setInputFiles({ name: "banh.png", mimeType: "image/png", buffer: PICTURE });
      await expect.poll(() => page.getByTestId("msg-out").last().locator("img").count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => page.getByTestId("receipt").last().textContent(), { timeout: 15_000 }).toContain("Đã gửi");
      const cs = (await emu<{ data: { text?: string; attachment?: any } }[]>(stack, "GET", "/_emu/messages?channel=cs")).filter((m) => m.data.attachment);
      expect(cs).toHaveLength(1);
      expect(cs[0]!.data.attachment.payload.elements[0].attachment_id).toMatch(/^[0-9a-f]{40}$/);

      // A file Zalo would refuse is refused here, in Vietnamese.
      await page.getByTestId("reply-image").setInputFiles({ name: "x.png", mimeType: "image/png", buffer: Buffer.from("not a picture at all") });
      await expect.poll(() => page.getByTestId("reply-error").textContent(), { timeout: 15_000 }).toContain("Zalo chỉ nhận ảnh JPG hoặc PNG");

      // No name or phone yet: the request-for-info card, answered by the follower in Zalo.
      await page.getByTestId("reply-request-info").click();
      await expect.poll(() => page.getByTestId("msg-request-info").count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => page.getByTestId("receipt").last().textContent(), { timeout: 15_000 }).toContain("Đã gửi");
      await shot(page, "console-inbox-image-request-info");
      const submitted = await emu(stack, "POST", `/_emu/users/${user.appUserId}/submit-info`, { name: "Lý Thu Trang", phone: "0903111222" });
      expect(submitted.delivered).toBe(true);
      await expect
        .poll(async () => (await page.getByTestId("msg-in").allTextContents()).at(-1), { timeout: 15_000 })
        .toContain("Khách đã chia sẻ tên và số điện thoại");
      await expect.poll(() => page.getByTestId("thread-name").textContent(), { timeout: 15_000 }).toBe("Lý Thu Trang");
      await expect.poll(() => page.getByTestId("reply-request-info").count(), { timeout: 15_000 }).toBe(0);
      await shot(page, "console-inbox-info-shared");

      await page.setViewportSize({ width: 360, height: 780 });
      await expect.poll(() => page.getByTestId("thread").isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(page, "console-inbox-image-phone");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
