import { describe, expect, it } from "vitest";
import type { Stack } from "../support/stack";
import { shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

describe("mini app: asking for the name and avatar (scope.userInfo, zalo-platform.md §1.13)", () => {
  let stack: Stack;
  let s: BrowserSession;

  withStackAndPhones({ phones: 1 }, (st, [phone]) => {
    stack = st;
    s = phone!;
  });

  it("a first visit without consent is unnamed, says why it asks, and shows the real name once allowed", async () => {
    // The shopper has not granted scope.userInfo yet: Zalo gives the server only her id.
    await fetch(`${stack.emulatorUrl}/_emu/users/5521000000000000001`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userInfoConsent: false }),
    });
    const { page } = s;
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(stack.webUrl);
    await expect.poll(() => page.getByTestId("greeting").textContent(), { timeout: 15_000 }).toBe("Xin chào, Khách Zalo");
    await expect.poll(() => page.getByTestId("name-consent-card").isVisible()).toBe(true);
    expect(await page.getByTestId("name-consent-card").textContent()).toContain("gọi đúng tên bạn");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(page, "home-name-consent");

    await page.getByTestId("name-consent-allow").click();
    await expect.poll(() => page.getByTestId("greeting").textContent()).toBe("Xin chào, Nguyễn Thu Hà");
    await expect.poll(() => page.getByTestId("name-consent-card").count()).toBe(0);
    await page.waitForTimeout(3500); // the snackbar closes before the screenshot
    await shot(page, "home-name-consent-granted");
    expect(s.errors).toEqual([]);
  });
});
