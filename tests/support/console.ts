import { expect } from "vitest";
import type { Page } from "playwright-core";
import { DEMO_ADMIN, type Stack } from "./stack";

/** Signs into the admin console through its form (as `who`, the demo owner by default), landing on `hash`. */
export async function consoleSignIn(page: Page, stack: Stack, hash = "", who: { email: string; password: string } = DEMO_ADMIN) {
  await page.goto(`${stack.consoleUrl}/${hash}`);
  await page.getByTestId("login-email").fill(who.email);
  await page.getByTestId("login-password").fill(who.password);
  await page.getByTestId("login-submit").click();
  await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 15_000 }).toBe(who.email);
}
