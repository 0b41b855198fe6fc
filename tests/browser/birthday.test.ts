import { describe, expect, it } from "vitest";
import { personaLogin, type Stack } from "../support/stack";
import { shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

describe("a shopper gives their birthday in the mini app, with consent", () => {
  let stack: Stack;
  let s: BrowserSession;

  withStackAndPhones({ phones: 1 }, (st, [phone]) => {
    stack = st;
    s = phone!;
  });

  it("at 360 px: saving waits for the consent line, the server keeps the date and the consent, then it is changed and cleared", async () => {
    const { page } = s;
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(stack.webUrl);
    await expect.poll(() => page.getByTestId("greeting").textContent(), { timeout: 15_000 }).toBe("Xin chào, Nguyễn Thu Hà");
    await page.getByText("Tài khoản", { exact: true }).last().click();
    await expect.poll(() => page.getByTestId("birthday-value").textContent()).toBe("Chưa có");

    await page.getByTestId("birthday-edit").click();
    await page.getByTestId("birthday-day").selectOption("14");
    await page.getByTestId("birthday-month").selectOption("5");
    await page.getByTestId("birthday-year").fill("1996");
    // Not without the consent line ("chỉ dùng để gửi quà sinh nhật").
    expect(await page.getByTestId("birthday-save").isDisabled()).toBe(true);
    expect(await page.getByTestId("birthday-form").textContent()).toContain("Chỉ dùng để gửi quà sinh nhật");
    // A day its month does not have is refused before it is sent.
    await page.getByTestId("birthday-month").selectOption("2");
    await page.getByTestId("birthday-day").selectOption("30");
    await page.getByTestId("birthday-consent").check();
    await expect.poll(() => page.getByTestId("birthday-invalid").isVisible()).toBe(true);
    expect(await page.getByTestId("birthday-save").isDisabled()).toBe(true);
    await page.getByTestId("birthday-day").selectOption("14");
    await page.getByTestId("birthday-month").selectOption("5");
    await shot(page, "birthday-consent");
    await page.getByTestId("birthday-save").click();
    await expect.poll(() => page.getByTestId("birthday-value").textContent()).toBe("14/05/1996");
    await expect.poll(() => page.getByTestId("birthday-consent-at").textContent()).toContain("chỉ dùng để gửi quà sinh nhật");
    await page.waitForTimeout(3000); // snackbars close
    await shot(page, "birthday-saved");

    const me = await personaLogin(stack, "shopper");
    const get = async () => (await (await fetch(`${stack.apiUrl}/api/me/birthday`, { headers: { authorization: `Bearer ${me.token}` } })).json()).birthday;
    const saved = await get();
    expect(saved.birthDate).toBe("1996-05-14");
    expect(Date.parse(saved.consentAt)).toBeGreaterThan(0);

    // Changed without the year: consent asked again.
    await page.getByTestId("birthday-edit").click();
    await page.getByTestId("birthday-year").fill("");
    await page.getByTestId("birthday-day").selectOption("29");
    await page.getByTestId("birthday-month").selectOption("2");
    expect(await page.getByTestId("birthday-save").isDisabled()).toBe(true);
    await page.getByTestId("birthday-consent").check();
    await page.getByTestId("birthday-save").click();
    await expect.poll(() => page.getByTestId("birthday-value").textContent()).toBe("29/02");
    expect((await get()).birthDate).toBe("02-29");

    await page.getByTestId("birthday-clear").click();
    await expect.poll(() => page.getByTestId("birthday-value").textContent()).toBe("Chưa có");
    expect(await get()).toEqual({ birthDate: null, consentAt: null });
    expect(s.errors).toEqual([]);
  });
});
