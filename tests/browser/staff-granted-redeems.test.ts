import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_ADMIN, personaLogin, type Stack } from "../support/stack";
import { openDesktop, openPhone, realErrors, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";

const STORE = "q1-nguyen-hue";

async function call<T = any>(stack: Stack, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
const emu = async (path: string, body?: unknown) =>
  (await fetch(`${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) })).json();
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe("a staff member granted in the console redeems at the counter", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("the owner grants Nguyễn Thu Hà staff at Nguyễn Huệ on the Staff page; in the mini app she redeems another shopper's voucher by its code", async () => {
    // Hà, a member: her card's code is what she gives the owner.
    const ha = await personaLogin(stack, "shopper");
    const memberCode = (await call<{ loyalty: { memberCode: string } }>(stack, "GET", "/api/me", ha.token)).body.loyalty.memberCode;
    // Another shopper with a voucher to use at the counter.
    const user = await emu(`${stack.emulatorUrl}/_emu/users`, { name: "Phạm Gia Huy" });
    const { accessToken } = await emu(`${stack.emulatorUrl}/_emu/users/${user.appUserId}/token`);
    const huy = (await call<{ token: string }>(stack, "POST", "/api/auth/zalo", null, { accessToken })).body;
    const admin = await stack.adminToken();
    const campaign = await call<{ id: string }>(stack, "POST", "/api/admin/voucher-campaigns", admin, {
      name: "Tặng Trà đào",
      kind: "free_item",
      value: 0,
      freeItem: "Trà đào",
      validDaysAfterClaim: 7,
      storeIds: [STORE],
    });
    expect(campaign.status).toBe(201);
    const voucher = (await call<{ voucher: { id: string } }>(stack, "POST", `/api/vouchers/campaigns/${campaign.body.id}/claim`, huy.token, {})).body.voucher;

    // Before the grant, Hà's mini app has no counter.
    const phone = await openPhone({ browser });
    const desk = await openDesktop({ browser, expected: () => false });
    try {
      const p = phone.page;
      p.setDefaultTimeout(15_000);
      await p.goto(`${stack.webUrl}/?persona=shopper`);
      await expect.poll(() => p.getByTestId("member-card").count()).toBeGreaterThan(0);
      expect(await p.getByTestId("open-counter").count()).toBe(0);

      // ---- the console: Staff → by member code → Nguyễn Huệ → Cấp quyền ----
      const { page } = desk;
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${stack.consoleUrl}/#/staff`);
      await page.getByTestId("login-email").fill(DEMO_ADMIN.email);
      await page.getByTestId("login-password").fill(DEMO_ADMIN.password);
      await page.getByTestId("login-submit").click();
      await expect.poll(() => page.getByTestId("staff-table").isVisible(), { timeout: 15_000 }).toBe(true);
      await page.getByTestId("staff-by").selectOption("memberCode");
      await page.getByTestId("staff-value").fill(memberCode);
      await page.getByTestId(`staff-store-${STORE}`).check();
      await page.getByTestId("staff-submit").click();
      await expect.poll(() => page.getByTestId("staff-granted").textContent()).toContain("Nguyễn Thu Hà");
      await expect.poll(() => page.getByTestId(`staff-${memberCode}`).textContent()).toContain("Nguyễn Huệ");

      // ---- the mini app, as Hà: the counter is hers now; Huy reads out the code under his voucher's QR ----
      await p.reload();
      await p.getByTestId("open-counter").click();
      const { code } = (await call<{ code: string }>(stack, "GET", `/api/me/vouchers/${voucher.id}/qr`, huy.token)).body;
      await p.getByTestId("counter-code-input").fill(code);
      await p.getByTestId("counter-code-submit").click();
      await expect.poll(() => text(p, "counter-owner")).toBe("Phạm Gia Huy");
      expect(await text(p, "counter-voucher-label")).toBe("Tặng Trà đào");
      await p.getByTestId("counter-redeem").click();
      await expect.poll(() => p.getByTestId("counter-outcome").getAttribute("data-outcome")).toBe("success");
      expect(await text(p, "counter-outcome-lines")).toContain("Nguyễn Thu Hà");
      await p.waitForTimeout(600); // the outcome sheet's slide-in
      await shot(p, "staff-granted-redeems");

      // Redeemed once, at her store, by her; the console's voucher page counts it there.
      const mine = await call<{ vouchers: { status: string; redeemedStoreId: string }[] }>(stack, "GET", "/api/me/vouchers", huy.token);
      expect(mine.body.vouchers).toEqual([expect.objectContaining({ status: "used", redeemedStoreId: STORE })]);
      await page.getByTestId("nav-vouchers").click();
      await expect.poll(() => page.getByTestId(`voucher-row-${campaign.body.id}`).getByTestId(`voucher-store-${STORE}`).textContent()).toMatch(/Nguyễn Huệ.*1/);

      // At 360 px the Staff page still lists her with the store.
      await page.setViewportSize({ width: 360, height: 780 });
      // At phone width the navigation is folded into the menu.
      await page.getByTestId("shell-menu-toggle").click();
      await page.getByTestId("nav-staff").click();
      await expect.poll(() => page.getByTestId(`staff-${memberCode}`).textContent()).toContain("Nguyễn Huệ");
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

      expect(realErrors(phone.errors)).toEqual([]);
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
      await phone.close();
    }
  });
});
