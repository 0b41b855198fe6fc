import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SCREENSHOTS = resolve(fileURLToPath(import.meta.url), "../../screenshots");
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type BrowserSession = {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** console errors and uncaught page errors, in order */
  errors: string[];
  /** requests to non-local hosts that were aborted (CDNs: zmp-ui's icon font, avatars) */
  blocked: string[];
  close(): Promise<void>;
};

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A page that can only reach local servers: every other request is aborted and listed in `blocked`.
 * Console errors and uncaught page errors are collected in `errors`, except those `expected` waves off.
 */
async function openOffline(opts: {
  browser?: Browser;
  context: BrowserContextOptions;
  expected: (msg: ConsoleMessage, blocked: string[]) => boolean;
}): Promise<BrowserSession> {
  const ownBrowser = !opts.browser;
  const browser = opts.browser ?? (await launchBrowser());
  const context = await browser.newContext({ locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh", ...opts.context });
  const errors: string[] = [];
  const blocked: string[] = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || LOCAL_HOSTS.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" && !opts.expected(msg, blocked)) errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return {
    browser,
    context,
    page,
    errors,
    blocked,
    close: async () => {
      await context.close();
      if (ownBrowser) await browser.close();
    },
  };
}

/** A phone-sized page (390×844 @2x) that can only reach local servers. */
export function openPhone(opts: { browser?: Browser } = {}): Promise<BrowserSession> {
  return openOffline({
    browser: opts.browser,
    context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    // The aborted off-machine requests are expected; anything else is a real error.
    expected: (msg, blocked) => blocked.includes(msg.location().url),
  });
}

/** A desktop page (the console is for the shop's admin at a computer) that can only reach local servers. */
export function openDesktop(opts: { browser?: Browser; expected: (msg: ConsoleMessage) => boolean }): Promise<BrowserSession> {
  return openOffline({ browser: opts.browser, context: { viewport: { width: 1440, height: 900 } }, expected: opts.expected });
}

/** Console errors other than the 4xx answers a screen handles itself (a refused redemption, a QR refresh racing it). */
export const realErrors = (errors: string[]) => errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
