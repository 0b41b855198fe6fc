import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_ADMIN, personaLogin, type Stack } from "../support/stack";
import { openDesktop, openPhone, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";

const MARKETER = { email: "lan.marketing@masterchannel.vn", name: "Nguyễn Thị Lan", password: "lan-marketing-2026" };
const STORE = "q1-nguyen-hue";

async function signIn(page: Page, stack: Stack, who: { email: string; password: string }, hash = "") {
  await page.goto(`${stack.consoleUrl}/${hash}`);
  await page.getByTestId("login-email").fill(who.email);
  await page.getByTestId("login-password").fill(who.password);
  await page.getByTestId("login-submit").click();
  await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 15_000 }).toBe(who.email);
}
const navKeys = async (page: Page) =>
  (await page.locator('[data-testid^="nav-"]').evaluateAll((as) => as.map((a) => a.getAttribute("data-testid")!.slice(4)))).sort();
async function call<T = any>(stack: Stack, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe("console roles", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("an owner creates a marketer and grants staff by member code; the marketer's console has no accounts page", async () => {
    // The shopper persona, as the shop knows them: a member code on their card in the mini app.
    const shopper = await personaLogin(stack, "shopper");
    const me = await call<{ loyalty: { memberCode: string } }>(stack, "GET", "/api/me", shopper.token);
    const memberCode = me.body.loyalty.memberCode;
    expect((await call(stack, "GET", "/api/staff/stores", shopper.token)).status).toBe(403);

    const { page, errors, blocked, context } = await openDesktop({ browser, expected: (m) => /status of 40[034]\b/.test(m.text()) });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, DEMO_ADMIN);
      expect(await page.getByTestId("signed-in-role").textContent()).toBe("Chủ cửa hàng");
      expect(await navKeys(page)).toEqual(
        [
          "accounts",
          "audit",
          "auto-replies",
          "automations",
          "broadcasts",
          "canned",
          "customers",
          "dashboard",
          "games",
          "inbox",
          "loyalty",
          "menu",
          "oa",
          "ratings",
          "refunds",
          "rules",
          "segments",
          "staff",
          "stores",
          "vouchers",
          "zns",
        ].sort(),
      );

      // ---- a marketer's account ----
      await page.getByTestId("nav-accounts").click();
      await expect.poll(() => page.getByTestId(`account-role-${DEMO_ADMIN.email}`).textContent()).toBe("Chủ cửa hàng");
      await page.getByTestId("account-new").click();
      await page.getByTestId("account-email").fill(MARKETER.email);
      await page.getByTestId("account-name").fill(MARKETER.name);
      await page.getByTestId("account-role").selectOption("marketer");
      // Too short a password: the server says so, in Vietnamese words for the field.
      await page.getByTestId("account-password").evaluate((el) => el.removeAttribute("minlength"));
      await page.getByTestId("account-password").fill("ngan");
      await page.getByTestId("account-save").click();
      await expect.poll(() => page.getByTestId("account-error").getAttribute("data-code")).toBe("VALIDATION_FAILED");
      await page.getByTestId("account-password").fill(MARKETER.password);
      await page.getByTestId("account-save").click();
      await expect.poll(() => page.getByTestId(`account-role-${MARKETER.email}`).textContent()).toBe("Marketing");
      await shot(page, "console-accounts");

      // ---- staff by member code, at the first store ----
      await page.getByTestId("nav-staff").click();
      await expect.poll(() => page.getByTestId("staff-table").isVisible()).toBe(true); // the seeded staff member
      await page.getByTestId("staff-by").selectOption("memberCode");
      await page.getByTestId("staff-value").fill("MC-ZZZZ-2345");
      await page.getByTestId(`staff-store-${STORE}`).check();
      await page.getByTestId("staff-submit").click();
      await expect.poll(() => page.getByTestId("staff-error").getAttribute("data-code")).toBe("MEMBER_NOT_FOUND");
      expect(await page.getByTestId("staff-error").textContent()).toContain("Không tìm thấy thành viên");
      await page.getByTestId("staff-value").fill(memberCode);
      await page.getByTestId("staff-submit").click();
      await expect.poll(() => page.getByTestId("staff-granted").textContent()).toContain("Đã cấp quyền nhân viên");
      await expect.poll(() => page.getByTestId(`staff-${memberCode}`).textContent()).toContain("Nguyễn Huệ");
      await shot(page, "console-staff");
      // The shopper's own session is staff's now, at that store only: they award points at its counter.
      expect((await call<{ stores: { id: string }[] }>(stack, "GET", "/api/staff/stores", shopper.token)).body.stores.map((s) => s.id)).toEqual([STORE]);
      const guest = await personaLogin(stack, "admin");
      const guestCode = (await call<{ loyalty: { memberCode: string } }>(stack, "GET", "/api/me", guest.token)).body.loyalty.memberCode;
      const award = await call(stack, "POST", "/api/staff/points/award", shopper.token, {
        memberCode: guestCode,
        storeId: STORE,
        amountVnd: 45_000,
        receiptId: "HD-ROLES-1",
      });
      expect(award.status, JSON.stringify(award.body)).toBe(200);

      // ---- the audit log shows both, newest first; a filter narrows it ----
      await page.getByTestId("nav-audit").click();
      await expect
        .poll(async () => (await page.getByTestId("audit-row").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-action")))).slice(0, 3))
        .toEqual(["points.award", "role.set", "operator.create"]);
      await page.getByTestId("audit-action").selectOption("role.set");
      await page.getByTestId("audit-apply").click();
      await expect
        .poll(async () => new Set(await page.getByTestId("audit-row").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-action")))))
        .toEqual(new Set(["role.set"]));
      expect(page.url()).toContain("action=role.set");
      await shot(page, "console-audit");

      // ---- loyalty rules: a new version, and its history says what changed ----
      await page.getByTestId("nav-loyalty").click();
      await page.getByTestId("loyalty-vnd-per-point").fill("5000");
      await page.getByTestId("loyalty-save").click();
      await expect.poll(() => page.getByTestId("loyalty-saved").textContent()).toContain("phiên bản 1");
      await expect.poll(() => page.getByTestId("loyalty-v1").textContent()).toContain("Số tiền cho 1 điểm: 10.000 → 5.000");
      await page.getByTestId("loyalty-tier-threshold-1").fill("0");
      await page.getByTestId("loyalty-save").click();
      await expect.poll(() => page.getByTestId("loyalty-error").getAttribute("data-code")).toBe("VALIDATION_FAILED");
      await shot(page, "console-loyalty");

      expect(errors).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }

    // ---- the marketer, at phone width: no accounts, staff, audit or loyalty pages ----
    const phone = await openPhone({ browser });
    try {
      await phone.page.setViewportSize({ width: 360, height: 780 });
      await signIn(phone.page, stack, MARKETER);
      expect(await phone.page.getByTestId("signed-in-role").textContent()).toBe("Marketing");
      expect(await navKeys(phone.page)).toEqual(
        ["auto-replies", "automations", "broadcasts", "canned", "customers", "dashboard", "games", "ratings", "rules", "segments", "vouchers", "zns"].sort(),
      );
      await phone.page.goto(`${stack.consoleUrl}/#/accounts`);
      await expect.poll(() => phone.page.getByTestId("not-for-role").isVisible()).toBe(true);
      expect(await phone.page.getByTestId("accounts-page").count()).toBe(0);
      // Nor the menu (owners edit it; the counter marks items sold out).
      await phone.page.goto(`${stack.consoleUrl}/#/menu`);
      await expect.poll(() => phone.page.getByTestId("not-for-role").isVisible()).toBe(true);
      expect(await phone.page.getByTestId("menu-page").count()).toBe(0);
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(phone.page, "console-marketer-phone");
    } finally {
      await phone.close();
    }

    // ---- the owner's accounts and staff at phone width ----
    const ownerPhone = await openPhone({ browser });
    try {
      await ownerPhone.page.setViewportSize({ width: 360, height: 780 });
      for (const [hash, name, visible] of [
        ["#/accounts", "console-accounts-phone", "accounts-table"],
        ["#/staff", "console-staff-phone", "staff-table"],
        ["#/audit", "console-audit-phone", "audit-table"],
      ] as const) {
        if (hash === "#/accounts") await signIn(ownerPhone.page, stack, DEMO_ADMIN, hash);
        else await ownerPhone.page.goto(`${stack.consoleUrl}/${hash}`);
        await expect.poll(() => ownerPhone.page.getByTestId(visible).isVisible()).toBe(true);
        expect(await ownerPhone.page.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(360);
        await shot(ownerPhone.page, name);
      }
    } finally {
      await ownerPhone.close();
    }
  }, 120_000);
});
