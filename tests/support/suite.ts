import { afterAll, beforeAll } from "vitest";
import { openPhone, type BrowserSession } from "./browser";
import { startStack, type Stack } from "./stack";

/**
 * For a describe block: the seeded demo stack and `phones` phone pages (sharing one browser), started
 * before its tests and closed after them. `started` receives them (and may seed through the API).
 */
export function withStackAndPhones(
  opts: { phones: number; timeoutMs?: number },
  started: (stack: Stack, phones: BrowserSession[]) => Promise<void> | void,
) {
  let stack: Stack | undefined;
  const phones: BrowserSession[] = [];
  beforeAll(async () => {
    stack = await startStack({ seed: true });
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
