import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { Stack } from "../support/stack";
import { openDesktop, openPhone, realErrors, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn as signIn } from "../support/console";

describe("console: the follower sync and its progress", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("starts the sync from the customers page, shows it reading Zalo's follower list page by page, then done", async () => {
    const emu = (path: string, body?: unknown) =>
      fetch(`${stack.emulatorUrl}${path}`, {
        method: "POST",
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json() as Promise<any>);
    // 128 people who followed the OA before the shop had this product (+ the two personas who follow, known already): 130.
    for (let i = 0; i < 128; i += 32)
      await Promise.all(Array.from({ length: 32 }, (_, j) => emu("/_emu/users", { name: `Khách cũ ${i + j + 1}`, follower: true })));
    // Zalo answers each page slowly, so the progress can be seen between pages.
    await emu("/_emu/faults", { match: "/openapi/v3.0/oa/user/getlist", delayMs: 1200, times: 3 });

    const { page, errors, context } = await openDesktop({ browser, expected: () => false });
    try {
      await signIn(page, stack, "#/customers");
      const card = page.getByTestId("follower-sync");
      await expect.poll(() => card.isVisible()).toBe(true);
      await page.getByTestId("follower-sync-start").click();
      await expect.poll(() => page.getByTestId("follower-sync-progress").getAttribute("data-state")).toBe("running");
      // Part way: some pages read, not all.
      await expect.poll(() => page.getByTestId("follower-sync-text").textContent(), { timeout: 20_000 }).toMatch(/Đã đọc (50|100)\/130/);
      await card.scrollIntoViewIfNeeded();
      await shot(page, "console-follower-sync-running");
      await expect.poll(() => page.getByTestId("follower-sync-state").textContent(), { timeout: 30_000 }).toBe("Xong");
      expect(await page.getByTestId("follower-sync-text").textContent()).toBe("Đã đọc 130/130 người theo dõi (100%)");
      expect(await page.getByTestId("follower-sync-counts").textContent()).toContain("Mới ghi nhận theo dõi: 128 · Khách mới: 128");
      // The list below has the synced followers in it.
      await expect.poll(() => page.getByTestId("customer-count").textContent()).toBe("130 khách hàng");
      await shot(page, "console-follower-sync-done");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }

    const phone = await openPhone({ browser });
    try {
      await phone.page.setViewportSize({ width: 360, height: 780 });
      await signIn(phone.page, stack, "#/customers");
      await expect.poll(() => phone.page.getByTestId("follower-sync-state").textContent()).toBe("Xong");
      await phone.page.getByTestId("follower-sync").scrollIntoViewIfNeeded();
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(phone.page, "console-follower-sync-phone");
    } finally {
      await phone.context.close();
    }
  }, 180_000);
});
