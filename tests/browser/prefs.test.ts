import { describe, expect, it } from "vitest";
import { personaLogin, type Stack } from "../support/stack";
import { shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

describe("a shopper chooses how often the shop may message them", () => {
  let stack: Stack;
  let s: BrowserSession;

  withStackAndPhones({ phones: 1 }, (st, [phone]) => {
    stack = st;
    s = phone!;
  });

  it("picks at most 1 offer a week, pauses, mutes care; the server's policy reads the same choice", async () => {
    const { page } = s;
    await page.goto(stack.webUrl);
    await expect.poll(() => page.getByTestId("greeting").textContent(), { timeout: 15_000 }).toBe("Xin chào, Nguyễn Thu Hà");
    await page.getByText("Tài khoản", { exact: true }).last().click();
    await page.getByTestId("open-message-prefs").click();
    // The shop's default caps allow 2 promotions a week.
    await expect.poll(() => page.getByTestId("prefs-promise").textContent()).toContain("tối đa 2 tin ưu đãi mỗi tuần");

    await page.getByTestId("prefs-frequency-1").click();
    await expect.poll(() => page.getByTestId("prefs-promise").textContent()).toContain("tối đa 1 tin ưu đãi mỗi tuần");
    await page.getByTestId("prefs-care").click();
    await expect.poll(() => page.getByTestId("prefs-care").isChecked()).toBe(false);
    await page.waitForTimeout(3000); // snackbars close
    await shot(page, "message-prefs");

    // What the server stored is what the dispatcher's policy will read.
    const me = await personaLogin(stack, "shopper");
    const res = await fetch(`${stack.apiUrl}/api/me/message-prefs`, { headers: { authorization: `Bearer ${me.token}` } });
    expect(await res.json()).toMatchObject({ prefs: { offersPerWeek: 1, mutedCategories: ["care"] }, maxOffersPerWeek: 1 });

    await page.getByTestId("prefs-frequency-0").click();
    await expect.poll(() => page.getByTestId("prefs-promise").textContent()).toContain("không nhận tin ưu đãi");
    expect(s.errors).toEqual([]);
  });
});
