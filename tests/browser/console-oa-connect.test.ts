import { describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { DEMO_ADMIN, type Stack } from "../support/stack";
import { openDesktop, realErrors, SCREENSHOTS } from "../support/browser";
import { withConsoleStack } from "../support/suite";

async function signIn(page: Page) {
  await page.getByTestId("login-email").fill(DEMO_ADMIN.email);
  await page.getByTestId("login-password").fill(DEMO_ADMIN.password);
  await page.getByTestId("login-submit").click();
  await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 15_000 }).toBe(DEMO_ADMIN.email);
}

async function screenshots(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

const emu = (stack: Stack, path: string) => fetch(`${stack.emulatorUrl}${path}`, { method: "POST" }).then((r) => r.json());

describe("console: connect the OA", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("a refused refresh token shows the reconnect alert; Kết nối OA → Zalo's consent page → back on the OA page, connected", async () => {
    // Zalo refuses the OA's refresh token (spent elsewhere) and its access token expires: the next send finds out.
    await emu(stack, "/_emu/oa-token/spend-refresh");
    await emu(stack, "/_emu/oa-token/expire");
    await stack.app.services.zalo.getZnsQuota().catch(() => undefined);

    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${stack.consoleUrl}/#/dashboard`);
      await signIn(page);
      await expect.poll(() => page.getByTestId("oa-reconnect-banner").isVisible(), { timeout: 15_000 }).toBe(true);
      await screenshots(page, "console-oa-reconnect");

      await page.getByTestId("nav-oa").click();
      await expect.poll(() => page.getByTestId("oa-redirect-uri").textContent()).toBe(`${stack.apiUrl}/zalo/oa/callback`);
      await page.getByTestId("oa-connect").click();
      // Zalo's consent page (the emulator's), then the admin allows.
      await page.waitForURL((u) => u.pathname.endsWith("/oauth/v4/oa/permission"), { timeout: 15_000 });
      await page.getByRole("button", { name: "Cho phép" }).click();
      await page.waitForURL((u) => u.href.startsWith(stack.consoleUrl) && u.hash.startsWith("#/oa"), { timeout: 15_000 });
      await expect.poll(() => page.getByTestId("oa-name").textContent(), { timeout: 15_000 }).toContain("Master Channel Coffee");
      expect(await page.getByTestId("oa-connected-notice").isVisible()).toBe(true);
      expect(await page.getByTestId("oa-reconnect-banner").count()).toBe(0);
      await screenshots(page, "console-oa-connected");

      // Going back through the same redirect (a replay) is refused and said in Vietnamese.
      await page.goto(`${stack.apiUrl}/zalo/oa/callback?code=emu-code-x&state=replayed`);
      await page.waitForURL((u) => u.hash.startsWith("#/oa"));
      await expect.poll(() => page.getByTestId("oa-callback-error").textContent()).toContain("Phiên kết nối OA không hợp lệ");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);
});
