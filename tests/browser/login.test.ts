import { describe, expect, it } from "vitest";
import type { Stack } from "../support/stack";
import { openPhone, shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

describe("mini app sign-in through the Zalo emulator", () => {
  let stack: Stack;
  let s: BrowserSession;

  withStackAndPhones({ phones: 1 }, (st, [phone]) => {
    stack = st;
    s = phone!;
  });

  it("signs the shopper in, shares the phone, follows the OA and switches persona to staff", async () => {
    const { page } = s;
    await page.goto(stack.webUrl);

    // Sign-in: emulator token → server verifies at the emulator's Graph /me → our JWT.
    await expect.poll(() => page.getByTestId("greeting").textContent(), { timeout: 15_000 }).toBe("Xin chào, Nguyễn Thu Hà");
    expect(await page.getByTestId("member-badge").textContent()).toContain("Thành viên");
    await shot(page, "home-first-visit");

    // Phone: the one-time token goes to the server, which exchanges it and returns only the masked number.
    await page.getByTestId("share-phone").click();
    await expect.poll(() => page.getByTestId("phone-masked").textContent()).toBe("0•• ••• 5678");

    // OA follow: the emulator sends the signed follow webhook; the card reflects what the server recorded.
    await page.getByTestId("follow-oa").click();
    await expect.poll(() => page.getByTestId("oa-status").textContent()).toContain("Bạn đang quan tâm OA");
    await page.waitForTimeout(3500); // let the snackbars close before the screenshot
    await shot(page, "home");

    // Account (lazy route) and the emulator-only persona switcher.
    await page.getByText("Tài khoản", { exact: true }).last().click();
    await expect.poll(() => page.getByTestId("profile-name").textContent()).toBe("Nguyễn Thu Hà");
    expect(await page.getByTestId("account-phone").textContent()).toBe("0•• ••• 5678");
    await page.getByTestId("persona-staff").click();
    await expect.poll(() => page.getByTestId("profile-name").textContent()).toBe("Trần Minh Khoa");
    expect(await page.getByTestId("profile-role").textContent()).toContain("Nhân viên");
    await expect.poll(() => page.getByTestId("account-stores").textContent()).toBe("Cà Phê Sài Gòn · Nguyễn Huệ");
    await page.waitForTimeout(3000);
    await shot(page, "account");

    // Home follows the new session too.
    await page.getByText("Trang chủ", { exact: true }).last().click();
    await expect.poll(() => page.getByTestId("greeting").textContent()).toBe("Xin chào, Trần Minh Khoa");

    expect(s.errors).toEqual([]);
  });

  it("opens as the persona named in ?persona= and shows a retryable error when the API is down", async () => {
    const other = await openPhone({ browser: s.browser });
    try {
      await other.page.goto(`${stack.webUrl}/?persona=admin`);
      await expect.poll(() => other.page.getByTestId("greeting").textContent(), { timeout: 15_000 }).toBe("Xin chào, Lê Quốc Bảo");
      expect(await other.page.getByTestId("member-badge").textContent()).toContain("Quản trị viên");

      // An expired JWT: the API client signs in again once and retries the call.
      const logins: string[] = [];
      other.page.on("request", (r) => {
        if (r.url().endsWith("/api/auth/zalo")) logins.push(r.url());
      });
      let rejected = 0;
      await other.context.route("**/api/me/phone", (r) => {
        if (r.request().method() !== "POST" || rejected++ > 0) return r.continue();
        return r.fulfill({
          status: 401,
          contentType: "application/json",
          headers: { "access-control-allow-origin": "*" },
          body: JSON.stringify({ code: "UNAUTHENTICATED", message: "expired", requestId: "t" }),
        });
      });
      await other.page.getByTestId("share-phone").click();
      await expect.poll(() => other.page.getByTestId("phone-masked").textContent()).toBe("0•• ••• 4567");
      expect(rejected).toBe(2);
      expect(logins).toHaveLength(1);
      await other.context.unroute("**/api/me/phone");

      // Block the API: the app shows the friendly error screen, then recovers on retry.
      const api = new URL(stack.apiUrl);
      await other.context.route(`${api.origin}/**`, (r) => r.abort("connectionrefused"));
      await other.page.reload();
      await expect.poll(() => other.page.getByTestId("session-error").getAttribute("data-code"), { timeout: 15_000 }).toBe("NETWORK");
      expect(await other.page.getByTestId("session-error").textContent()).toContain("Không kết nối được máy chủ");
      await shot(other.page, "sign-in-error");
      await other.context.unroute(`${api.origin}/**`);
      await other.page.getByRole("button", { name: "Thử lại" }).click();
      await expect.poll(() => other.page.getByTestId("greeting").textContent(), { timeout: 15_000 }).toBe("Xin chào, Lê Quốc Bảo");
    } finally {
      await other.close();
    }
  });
});
