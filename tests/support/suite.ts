import { afterAll, beforeAll } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, openPhone, type BrowserSession } from "./browser";
import { startStack, type Stack, type StackOptions } from "./stack";

/**
 * For a describe block: the seeded demo stack and `phones` phone pages (sharing one browser), started
 * before its tests and closed after them. `started` receives them (and may seed through the API).
 */
export function withStackAndPhones(
  opts: { phones: number; timeoutMs?: number; stack?: Omit<StackOptions, "seed"> },
  started: (stack: Stack, phones: BrowserSession[]) => Promise<void> | void,
) {
  let stack: Stack | undefined;
  const phones: BrowserSession[] = [];
  beforeAll(async () => {
    stack = await startStack({ ...opts.stack, seed: true });
    for (let i = 0; i < opts.phones; i++) {
      const phone = await openPhone(phones[0] ? { browser: phones[0].browser } : {});
      if (opts.timeoutMs) phone.page.setDefaultTimeout(opts.timeoutMs);
      phones.push(phone);
    }
    await started(stack, phones);
  });
  afterAll(async () => {
    for (const phone of phones.reverse()) await phone.close(); // the first one owns the browser: last
    await stack?.close();
  });
}

/**
 * For a describe block about the admin console: the seeded demo stack, with the staff and admin personas
 * following the OA, and one browser for the test's desktop pages. seedDemo signed those personas in (they
 * are customers now); following sends the signed follow webhook, so the server records them as followers
 * inside the free CS window: a followers-only broadcast reaches exactly these two.
 */
export function withConsoleStack(started: (stack: Stack, browser: Browser) => void) {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    stack = await startStack({ seed: true });
    for (const persona of ["staff", "admin"]) {
      await fetch(`${stack.emulatorUrl}/_emu/personas/${persona}/follow`, { method: "POST" }).then((r) => r.json());
    }
    browser = await launchBrowser();
    started(stack, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
}
