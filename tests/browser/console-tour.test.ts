import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startStack, type Stack } from "../support/stack";
import { launchBrowser, openDesktop, realErrors, shot } from "../support/browser";
import { consoleSignIn as signIn } from "../support/console";

/**
 * Every console page an owner has, opened through the navigation as a person would (at 360 px through the
 * collapsed menu), checked for its own content, and photographed. One line per page: a new page adds a line.
 * `ready` is what only that page shows once its data is in (a test id, or a selector); `opens` is a form the page opens by a button,
 * checked and photographed too (`-open`); `elsewhere` pages (being reshaped in other
 * branches) are checked for their heading only, not yet for their layout at 360 px.
 */
type Stop = { key: string; heading: string; ready?: string; elsewhere?: true; opens?: { button: string; shows: string } };
const TOUR: Stop[] = [
  { key: "dashboard", heading: "Tổng quan", ready: '[data-testid="dash-totals"][data-state="ready"]' },
  { key: "rules", heading: "Quy tắc chăm sóc", ready: "rules-version" },
  { key: "customers", heading: "Khách hàng", ready: "customer-count", opens: { button: "export-open", shows: "export-panel" } },
  { key: "segments", heading: "Phân khúc khách hàng", ready: "segment-list" },
  { key: "broadcasts", heading: "Chiến dịch gửi tin", ready: "broadcast-list", opens: { button: "broadcast-new", shows: "broadcast-compose" } },
  { key: "automations", heading: "Tự động hoá", ready: "automation-list" },
  { key: "zns", heading: "Mẫu ZNS", ready: ':is([data-testid="zns-list"], [data-testid="zns-page"] .c-empty)' },
  { key: "auto-replies", heading: "Tự động trả lời", ready: "auto-reply-points" },
  {
    key: "vouchers",
    heading: "Voucher",
    ready: ':is([data-testid="voucher-list"], [data-testid="vouchers-page"] .c-empty)',
    opens: { button: "voucher-new", shows: "voucher-name-input" },
  },
  {
    key: "games",
    heading: "Trò chơi",
    ready: ':is([data-testid="games-empty"], [data-testid="game-row"])',
    opens: { button: "game-new", shows: "game-editor" },
  },
  { key: "stores", heading: "Cửa hàng", ready: "store-row" },
  { key: "menu", heading: "Thực đơn", ready: ':is([data-testid="menu-empty"], [data-testid="menu-category"])' },
  { key: "staff", heading: "Nhân viên", ready: "staff-table" },
  { key: "loyalty", heading: "Tích điểm & hạng thành viên", ready: "loyalty-save" },
  { key: "accounts", heading: "Tài khoản quản trị", ready: "accounts-table", opens: { button: "account-new", shows: "account-email" } },
  { key: "audit", heading: "Nhật ký thao tác", ready: "audit-table" },
  { key: "inbox", heading: "Hộp thư OA", ready: ':is([data-testid="inbox-items"], [data-testid="inbox-empty"])' },
];

/** A record of each kind, opened from its list; `title` is what names that record on its own page. */
type RecordStop = { list: string; row: string; title: string; name: string; unknown: string };
const RECORDS: RecordStop[] = [
  { list: "customers", row: '[data-testid^="customer-row-"]', title: "profile-name", name: "customer", unknown: "khách hàng" },
  { list: "segments", row: '[data-testid^="segment-row-"]', title: "segment-title", name: "segment", unknown: "phân khúc" },
  { list: "broadcasts", row: '[data-testid="broadcast-list"] tbody tr', title: "broadcast-title", name: "broadcast", unknown: "chiến dịch" },
  { list: "automations", row: '[data-testid^="automation-row-"]', title: "automation-title", name: "automation", unknown: "tự động hoá" },
  { list: "stores", row: '[data-testid="store-row"]', title: "store-title", name: "store", unknown: "cửa hàng" },
  { list: "accounts", row: '[data-testid^="account-edit-"]', title: "account-form", name: "account", unknown: "tài khoản" },
];

const WIDTHS = [1280, 360] as const;
const heading = (page: Page) => page.locator("main h1").first().textContent();
const visible = (page: Page, testId: string) =>
  page
    .locator(/^[[:]/.test(testId) ? testId : `[data-testid="${testId}"]`)
    .first()
    .isVisible();
/** Nothing wider than the window (the page never scrolls sideways): "" or the innermost element that sticks out. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return "";
    // An element's own box, or its content (a long word) spilling out of a box that does not clip it.
    const right = (e: HTMLElement) =>
      e.getBoundingClientRect().left + (getComputedStyle(e).overflowX === "visible" ? Math.max(e.scrollWidth, e.offsetWidth) : e.offsetWidth);
    const out = [...document.querySelectorAll<HTMLElement>("body *")].filter((e) => right(e) > window.innerWidth + 1);
    const e = out[out.length - 1];
    const what = e ? `${e.tagName.toLowerCase()}.${String(e.className)} «${e.textContent?.slice(0, 40)}» → ${Math.round(right(e))}px` : "?";
    return `${what} (page ${document.documentElement.scrollWidth}px)`;
  });

/** Inputs a screen reader could not name (no label, aria-label or aria-labelledby): "" or what they are. */
const unlabelled = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("main input, main select, main textarea")]
      .filter((e) => e.type !== "hidden" && e.getClientRects().length > 0)
      .filter((e) => !e.labels?.length && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
      .map((e) => `${e.tagName.toLowerCase()}[${e.getAttribute("data-testid") ?? e.getAttribute("placeholder") ?? e.type}]`)
      .join(", "),
  );

/** What is wrong with the page as it shows now: it scrolls sideways, or has inputs without a name. */
async function layoutIssues(page: Page, what: string) {
  const out: string[] = [];
  const wide = await overflow(page);
  if (wide) out.push(`${what}: too wide: ${wide}`);
  const nameless = await unlabelled(page);
  if (nameless) out.push(`${what}: unlabelled: ${nameless}`);
  return out;
}

/** Through the navigation: at phone width open the menu first, and see it close once the page is chosen. */
async function navigate(page: Page, key: string, width: number) {
  const menu = page.getByTestId("shell-menu-toggle");
  if (width < 640) {
    expect(await page.getByTestId(`nav-${key}`).isVisible()).toBe(false); // collapsed: the links are not in the way
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
  } else expect(await menu.isVisible()).toBe(false);
  await page.getByTestId(`nav-${key}`).click();
  await expect.poll(() => page.getByTestId(`nav-${key}`).getAttribute("aria-current")).toBe("page");
  if (width < 640) {
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await page.getByTestId("shell-nav-panel").isVisible()).toBe(false);
  }
}

describe("console tour: every page, at 1280 and 360 px", () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    // A short demo history: the lists, charts and the audit log have something in them.
    stack = await startStack({ seed: true, history: { customers: 40, days: 14, seed: 7 } });
    const token = await stack.adminToken();
    await fetch(`${stack.apiUrl}/api/admin/segments`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Khách VIP", rules: { all: [{ kind: "tags", tags: ["vip"] }] } }),
    }).then(async (r) => expect(r.status, await r.text()).toBeLessThan(300));
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  for (const width of WIDTHS) {
    it(`opens each page through the navigation at ${width} px`, async () => {
      const { page, errors, close } = await openDesktop({ browser, expected: () => false });
      try {
        await page.setViewportSize({ width, height: width < 640 ? 780 : 900 });
        await signIn(page, stack);
        const issues: string[] = [];
        for (const stop of TOUR) {
          await navigate(page, stop.key, width);
          await expect.poll(() => heading(page), { timeout: 15_000, message: stop.key }).toBe(stop.heading);
          if (stop.ready) await expect.poll(() => visible(page, stop.ready!), { timeout: 15_000, message: stop.key }).toBe(true);
          expect(await page.locator('[role="alert"]').count(), stop.key).toBe(0);
          await shot(page, `console-tour-${stop.key}-${width}`);
          if (process.env.TOUR_FULL) await page.screenshot({ path: `/tmp/tour-${stop.key}-${width}.png`, fullPage: true });
          if (!stop.elsewhere) issues.push(...(await layoutIssues(page, stop.key)));
          if (stop.opens) {
            await page.getByTestId(stop.opens.button).click();
            await expect.poll(() => visible(page, stop.opens!.shows), { timeout: 15_000, message: stop.key }).toBe(true);
            await shot(page, `console-tour-${stop.key}-open-${width}`);
            issues.push(...(await layoutIssues(page, `${stop.key} (${stop.opens.button})`)));
          }
        }
        expect(issues).toEqual([]);
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await close();
      }
    }, 180_000);

    it(`opens a record of each kind at ${width} px, keeps it on reload, and says when an id is unknown`, async () => {
      const { page, errors, close } = await openDesktop({ browser, expected: (m) => /status of 404\b/.test(m.text()) });
      try {
        await page.setViewportSize({ width, height: width < 640 ? 780 : 900 });
        await signIn(page, stack);
        const issues: string[] = [];
        for (const r of RECORDS) {
          await navigate(page, r.list, width);
          await expect.poll(() => page.locator(r.row).count(), { timeout: 15_000, message: r.list }).toBeGreaterThan(0);
          await page.locator(r.row).first().click();
          await expect.poll(() => visible(page, r.title), { timeout: 15_000, message: r.name }).toBe(true);
          const title = await page.getByTestId(r.title).first().textContent();
          const url = page.url();
          expect(url, r.name).toMatch(new RegExp(`#/${r.list}/[^/?]+`));
          await page.reload();
          await expect.poll(() => page.getByTestId(r.title).first().textContent(), { timeout: 15_000, message: r.name }).toBe(title);
          expect(page.url()).toBe(url);
          issues.push(...(await layoutIssues(page, r.name)));
          await shot(page, `console-tour-${r.name}-${width}`);

          await page.goto(`${stack.consoleUrl}/#/${r.list}/no-such-id`);
          await expect.poll(() => visible(page, "not-found"), { timeout: 15_000, message: r.name }).toBe(true);
          expect(await page.getByTestId("not-found").textContent()).toContain(`Không tìm thấy ${r.unknown}`);
          // Back to the list from the not-found state.
          await page.getByTestId("not-found").getByRole("link").click();
          await expect.poll(() => page.getByTestId(`nav-${r.list}`).getAttribute("aria-current")).toBe("page");
        }
        await page.goto(`${stack.consoleUrl}/#/no-such-page`);
        await expect.poll(() => visible(page, "not-found"), { timeout: 15_000 }).toBe(true);
        await shot(page, `console-tour-not-found-${width}`);
        expect(issues).toEqual([]);
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await close();
      }
    }, 180_000);
  }

  it("every page says, in Vietnamese, when the server cannot be reached (no endless spinner, no blank page)", async () => {
    const { page, close } = await openDesktop({ browser, expected: () => true });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack);
      // Signed in; from now on every console call fails as a dropped connection would.
      await page.route(`${stack.apiUrl}/api/admin/**`, (route) => route.abort("connectionrefused"));
      await page.route(`${stack.apiUrl}/api/staff/**`, (route) => route.abort("connectionrefused"));
      const missing: string[] = [];
      for (const stop of TOUR.filter((s) => !s.elsewhere)) {
        await navigate(page, stop.key, 1280);
        const alert = page.locator('main [role="alert"][data-code="NETWORK"]').first();
        try {
          await expect.poll(() => alert.isVisible(), { timeout: 10_000 }).toBe(true);
          expect(await alert.textContent()).toContain("Không kết nối được máy chủ");
        } catch {
          missing.push(stop.key);
        }
        if (stop.key === "dashboard") await shot(page, "console-tour-offline-dashboard-1280");
      }
      expect(missing).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);

  it("the phone menu: a labelled button, focus into the links, Escape closes it and gives focus back", async () => {
    const { page, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 360, height: 780 });
      await signIn(page, stack);
      const menu = page.getByTestId("shell-menu-toggle");
      expect(await menu.getAttribute("aria-label")).toBe("Mở menu");
      expect(await menu.getAttribute("aria-controls")).toBe("c-nav-panel");
      await menu.focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => menu.getAttribute("aria-expanded")).toBe("true");
      expect(await menu.getAttribute("aria-label")).toBe("Đóng menu");
      // Focus is on the current page's link, and the links are reachable by keyboard.
      expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-current"))).toBe("page");
      await shot(page, "console-tour-menu-open-360");
      await page.keyboard.press("Escape");
      await expect.poll(() => menu.getAttribute("aria-expanded")).toBe("false");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("shell-menu-toggle");
      // A click outside closes it too.
      await menu.click();
      await expect.poll(() => page.getByTestId("shell-nav-panel").isVisible()).toBe(true);
      const panel = (await page.getByTestId("shell-nav-panel").boundingBox())!;
      expect(panel.y + panel.height).toBeLessThan(770);
      await page.mouse.click(180, 775);
      await expect.poll(() => menu.getAttribute("aria-expanded")).toBe("false");
      // By keyboard: open, Tab to the next link, Enter opens it and the menu closes.
      await menu.focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => menu.getAttribute("aria-expanded")).toBe("true");
      await page.keyboard.press("Tab");
      const next = await page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
      expect(next).toMatch(/^nav-/);
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByTestId(next!).getAttribute("aria-current")).toBe("page");
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
    } finally {
      await close();
    }
  }, 60_000);
});
