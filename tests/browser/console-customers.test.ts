import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { personaLogin, type Stack } from "../support/stack";
import { openDesktop, openPhone, SCREENSHOTS, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn as signIn } from "../support/console";

const rows = (page: Page) => page.locator('[data-testid^="customer-row-"]');
const rowNames = (page: Page) => page.locator('[data-testid^="customer-row-"] .c-person').allTextContents();
/** The list once its count and its rows answer for the current search and filters. */
const settledCount = async (page: Page) => {
  const busy = await page.locator(".c-list-meta .c-spinner").count();
  return busy ? "busy" : await page.getByTestId("customer-count").textContent();
};

/** Saves the export the page triggers and returns the file's text. */
async function download(page: Page, click: () => Promise<void>) {
  const [d] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: d.suggestedFilename(), text: await readFile((await d.path())!, "utf8") };
}

describe("console: customers and a profile", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("searches and filters the list, exports it, and works on one person's profile and timeline", async () => {
    const token = await stack.adminToken();
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const emu = (path: string, body?: unknown) =>
      fetch(`${stack.emulatorUrl}${path}`, {
        method: "POST",
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json() as Promise<any>);

    // People: the three personas (Khoa and Bảo follow the OA), Khoa shares his phone, and 26 more shoppers.
    const khoa = await personaLogin(stack, "staff");
    const ha = await personaLogin(stack, "shopper");
    const { token: phoneToken } = await emu("/_emu/personas/staff/phone-token");
    const shared = await fetch(`${stack.apiUrl}/api/me/phone`, {
      method: "POST",
      headers: { authorization: `Bearer ${khoa.token}`, "content-type": "application/json" },
      body: JSON.stringify({ phoneToken, accessToken: khoa.zaloToken }),
    });
    expect(shared.status).toBe(200);
    const shoppers: { token: string; customer: { id: string } }[] = [];
    for (let i = 1; i <= 26; i++) {
      const u = await emu("/_emu/users", { name: `Khách thử ${String(i).padStart(2, "0")}` });
      const { accessToken } = await emu(`/_emu/users/${u.appUserId}/token`);
      const r = await fetch(`${stack.apiUrl}/api/auth/zalo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accessToken }),
      });
      expect(r.status).toBe(200);
      shoppers.push((await r.json()) as { token: string; customer: { id: string } });
    }
    const as = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    // For the filters: Khách thử 01 reaches Bạc (600 points earned at the counter), 02 and 04 carry "vip",
    // and 03 has the one completed order (today, at Q1, moved along by Khoa).
    const [s01, s02, s03, s04] = shoppers as [(typeof shoppers)[0], (typeof shoppers)[0], (typeof shoppers)[0], (typeof shoppers)[0]];
    const code01 = (await as(s01.token, "GET", "/api/me")).body.loyalty.memberCode as string;
    const award = await as(khoa.token, "POST", "/api/staff/points/award", {
      memberCode: code01,
      storeId: "q1-nguyen-hue",
      amountVnd: 6_000_000,
      receiptId: "HD-TIER-1",
    });
    expect(award.status, JSON.stringify(award.body)).toBe(200);
    for (const who of [s02, s04]) expect((await admin("PUT", `/api/admin/customers/${who.customer.id}/tags`, { tags: ["vip"] })).status).toBe(200);
    const cat = (await admin("POST", "/api/admin/menu/categories", { name: "Cà phê", position: 1 })).body;
    const latte = (
      await admin("POST", "/api/admin/menu/products", { categoryId: cat.id, name: "Cà phê sữa đá", priceVnd: 35_000, storeIds: ["q1-nguyen-hue"] })
    ).body;
    const lines = [{ productId: latte.id, quantity: 1, optionIds: [] }];
    const quote = (await as(s03.token, "POST", "/api/orders/quote", { storeId: "q1-nguyen-hue", items: lines })).body;
    const placed = await as(s03.token, "POST", "/api/orders", {
      storeId: "q1-nguyen-hue",
      items: lines,
      pickup: { type: "table", table: "2" },
      payment: "counter",
      expectedTotal: quote.totalVnd,
      requestId: "console-filters-order",
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const orderId = (placed.body.order ?? placed.body).id as string;
    for (const status of ["confirmed", "ready", "completed"])
      expect((await as(khoa.token, "POST", `/api/staff/orders/${orderId}/status`, { status })).status).toBe(200);
    // Hà's timeline holds more than a page: 35 notes.
    for (let i = 1; i <= 35; i++) expect((await admin("POST", `/api/admin/customers/${ha.customer.id}/notes`, { text: `Ghi chú số ${i}` })).status).toBe(201);

    const { page, errors, blocked, context } = await openDesktop({ browser, expected: () => false });
    try {
      await signIn(page, stack, "#/customers");

      // ---- the list: 29 people, 25 a page ----
      await expect.poll(() => settledCount(page)).toBe("29 khách hàng");
      expect(await rows(page).count()).toBe(25);
      await page.getByTestId("customer-more").click();
      await expect.poll(() => rows(page).count()).toBe(29);
      expect(new Set(await rowNames(page)).size).toBe(29); // keyset pages: no one twice
      expect(await page.getByTestId("customer-more").count()).toBe(0);

      // search by name without the marks, then by the phone's last digits
      await page.getByTestId("customer-search").fill("tran minh");
      await expect.poll(() => settledCount(page)).toBe("1 khách hàng");
      expect(await rowNames(page)).toEqual(["Trần Minh Khoa"]);
      await expect.poll(() => page.url()).toContain("q=tran+minh");
      await page.getByTestId("customer-search").fill("4321");
      await expect.poll(() => rowNames(page)).toEqual(["Trần Minh Khoa"]);
      const khoaRow = page.getByTestId(`customer-row-${khoa.customer.id}`);
      expect(await khoaRow.textContent()).toContain("4321");
      expect(await khoaRow.textContent()).not.toContain("987654321");

      // ---- each filter narrows the rows to who matches it, and the URL keeps it (a reload shows the same list) ----
      await page.getByTestId("customer-search").fill("");
      await expect.poll(() => settledCount(page)).toBe("29 khách hàng");
      await page.getByTestId("filter-tier").selectOption("silver");
      await expect.poll(() => settledCount(page)).toBe("1 khách hàng");
      expect(await rowNames(page)).toEqual(["Khách thử 01"]);
      await expect.poll(() => page.url()).toContain("tier=silver");
      await page.reload();
      await expect.poll(() => rowNames(page)).toEqual(["Khách thử 01"]);
      expect(await page.getByTestId("filter-tier").inputValue()).toBe("silver");
      await page.getByTestId("filter-tier").selectOption("");
      await expect.poll(() => settledCount(page)).toBe("29 khách hàng");
      expect(page.url()).not.toContain("tier=");

      await page.getByTestId("filter-follower").selectOption("no");
      await expect.poll(() => settledCount(page)).toBe("27 khách hàng");
      expect(page.url()).toContain("follower=no");
      expect(await rowNames(page)).not.toContain("Trần Minh Khoa");
      expect(await rowNames(page)).not.toContain("Lê Quốc Bảo");
      await page.getByTestId("filter-follower").selectOption("");

      await page.getByTestId("filter-tag").selectOption("vip");
      await expect.poll(() => settledCount(page)).toBe("2 khách hàng");
      expect((await rowNames(page)).sort()).toEqual(["Khách thử 02", "Khách thử 04"]);
      expect(page.url()).toContain("tag=vip");
      await page.getByTestId("filter-tag").selectOption("");

      // days since the last completed order: within a week only 03; a month and more (or never) everyone else
      await page.getByTestId("filter-order-max").fill("7");
      await expect.poll(() => settledCount(page)).toBe("1 khách hàng");
      expect(await rowNames(page)).toEqual(["Khách thử 03"]);
      await expect.poll(() => page.url()).toContain("orderDaysMax=7");
      await page.getByTestId("filter-order-max").fill("");
      await page.getByTestId("filter-order-min").fill("30");
      await expect.poll(() => settledCount(page)).toBe("28 khách hàng");
      await expect.poll(() => page.url()).toContain("orderDaysMin=30");
      await page.getByTestId("customer-more").click();
      await expect.poll(() => rows(page).count()).toBe(28);
      expect(await rowNames(page)).not.toContain("Khách thử 03");
      // two filters together: both must hold
      await page.getByTestId("filter-tag").selectOption("vip");
      await expect.poll(() => settledCount(page)).toBe("2 khách hàng");
      expect(page.url()).toMatch(/orderDaysMin=30.*tag=vip|tag=vip.*orderDaysMin=30/);
      await page.getByTestId("filters-clear").click();
      await expect.poll(() => settledCount(page)).toBe("29 khách hàng");
      expect(page.url()).not.toMatch(/tag=|orderDays/);

      // filters: followers only (Khoa and Bảo), sorted by name
      await page.getByTestId("filter-follower").selectOption("yes");
      await page.getByTestId("customer-sort").selectOption("name");
      await expect.poll(() => settledCount(page)).toBe("2 khách hàng");
      await expect.poll(() => rowNames(page)).toEqual(["Lê Quốc Bảo", "Trần Minh Khoa"]);
      expect(page.url()).toContain("follower=yes");
      expect(page.url()).toContain("sort=name");
      await shot(page, "console-customers");

      // ---- export: masked by default, full phones only after the confirmation ----
      await page.getByTestId("export-open").click();
      const masked = await download(page, () => page.getByTestId("export-start").click());
      expect(masked.name).toMatch(/\.csv$/);
      await expect.poll(() => page.getByTestId("export-progress").textContent()).toBe("Đã xong: 2 dòng");
      expect(masked.text).toContain("Trần Minh Khoa");
      expect(masked.text).toContain("Lê Quốc Bảo");
      expect(masked.text).not.toContain("Nguyễn Thu Hà");
      expect(masked.text).not.toContain("987654321");
      await page.getByTestId("export-full").check();
      expect(await page.getByTestId("export-start").isDisabled()).toBe(true);
      await page.getByTestId("export-confirm").check();
      const full = await download(page, () => page.getByTestId("export-start").click());
      expect(full.text).toContain("987654321");
      await expect.poll(() => page.getByTestId("export-done").isVisible()).toBe(true);
      expect(await page.getByTestId("export-confirm").isChecked()).toBe(false); // the next full export asks again

      // ---- Khoa's profile ----
      await khoaRow.click();
      await expect.poll(() => page.getByTestId("profile-name").textContent()).toBe("Trần Minh Khoa");
      expect(page.url()).toContain(`#/customers/${khoa.customer.id}`);
      expect(await page.getByTestId("profile-zalo-id").textContent()).toBe("5521000000000000002");
      expect(await page.getByTestId("profile-oa-id").textContent()).toBe("2468000000000000002");
      expect(await page.getByTestId("profile-phone").textContent()).toContain("4321");
      expect(await page.getByTestId("profile-phone").textContent()).not.toContain("987654");
      expect(await page.getByTestId("profile-balance").textContent()).toBe("0");

      // what may reach him now, category by category
      await expect.poll(() => page.getByTestId("warming-summary").textContent()).not.toBe("");
      for (const c of ["transactional", "care", "promotion"]) expect(await page.getByTestId(`warming-${c}`).count()).toBe(1);

      // the timeline has his follow; the chip keeps only that kind
      await expect.poll(() => page.locator('[data-testid="timeline-item"][data-kind="follow"]').count()).toBeGreaterThan(0);
      await page.getByTestId("timeline-kind-follow").click();
      await expect
        .poll(async () => [...new Set(await page.getByTestId("timeline-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind"))))])
        .toEqual(["follow"]);
      await page.getByTestId("timeline-kind-all").click();

      // a note, with its author and time
      await page.getByTestId("note-text").fill("Thích cà phê ít đá, hay ghé sáng thứ Bảy");
      await page.getByTestId("note-add").click();
      await expect.poll(() => page.getByTestId("notes").textContent()).toContain("Thích cà phê ít đá");
      await expect.poll(() => page.locator('[data-testid="timeline-item"][data-kind="note"]').first().textContent()).toContain("Thích cà phê ít đá");
      expect(await page.getByTestId("note-text").inputValue()).toBe("");

      // a tag, added as a chip (and saved)
      await page.getByTestId("tag-input").fill("Khách quen");
      await page.getByTestId("tag-input").press("Enter");
      await expect.poll(() => page.getByTestId("profile-tags").textContent()).toContain("khách-quen");
      expect((await admin("GET", `/api/admin/customers/${khoa.customer.id}/profile`)).body.profile.tags).toEqual(["khách-quen"]);

      // points: +50 with a reason, confirmed
      await page.getByTestId("adjust-amount").fill("50");
      await page.getByTestId("adjust-reason").fill("Tặng điểm khai trương");
      await page.getByTestId("adjust-submit").click();
      await expect.poll(() => page.getByTestId("adjust-confirm").textContent()).toContain("0 → 50");
      await page.getByTestId("adjust-confirm-yes").click();
      await expect.poll(() => page.getByTestId("profile-balance").textContent()).toBe("50");
      expect(await page.getByTestId("adjust-done").textContent()).toContain("Đã cộng 50 điểm");
      await expect.poll(() => page.locator('[data-testid="timeline-item"][data-kind="points"]').first().textContent()).toContain("50");
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, "console-customer-profile");
      // The whole profile at 1280 px: nothing wider than the window.
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      await page.screenshot({ path: resolve(SCREENSHOTS, "console-customer-profile-full.png"), fullPage: true });
      await page.setViewportSize({ width: 1440, height: 900 });

      // the back link returns to the same filtered list
      await page.locator(".c-back").click();
      await expect.poll(() => rowNames(page)).toEqual(["Lê Quốc Bảo", "Trần Minh Khoa"]);
      expect(await page.getByTestId("filter-follower").inputValue()).toBe("yes");

      expect(errors).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }

    // ---- at phone width (360 px): the list as cards, Hà's long timeline paged ----
    const phone = await openPhone({ browser });
    try {
      await phone.page.setViewportSize({ width: 360, height: 780 });
      await signIn(phone.page, stack, "#/customers");
      await expect.poll(() => settledCount(phone.page)).toBe("29 khách hàng");
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360); // nothing wider than the phone
      await shot(phone.page, "console-customers-phone");

      // Khoa's profile, whole, at phone width: the note, tag and adjustment made above are on it.
      await phone.page.getByTestId("customer-search").fill("Khoa");
      await expect.poll(() => rowNames(phone.page)).toEqual(["Trần Minh Khoa"]);
      await phone.page.getByTestId(`customer-row-${khoa.customer.id}`).click();
      await expect.poll(() => phone.page.getByTestId("profile-balance").textContent()).toBe("50");
      await expect.poll(() => phone.page.getByTestId("timeline-item").count()).toBeGreaterThan(2);
      await expect.poll(() => phone.page.getByTestId("warming-summary").count()).toBe(1);
      expect(await phone.page.getByTestId("profile-tags").textContent()).toContain("khách-quen");
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await phone.page.screenshot({ path: resolve(SCREENSHOTS, "console-customer-profile-full-360.png"), fullPage: true });

      await phone.page.goto(`${stack.consoleUrl}/#/customers/${ha.customer.id}`);
      await expect.poll(() => phone.page.getByTestId("profile-name").textContent()).toBe("Nguyễn Thu Hà");
      await expect.poll(() => phone.page.getByTestId("timeline-item").count()).toBe(30);
      expect(await phone.page.getByTestId("timeline-item").first().textContent()).toContain("Ghi chú số 35"); // newest first
      await phone.page.getByTestId("timeline-more").click();
      await expect.poll(() => phone.page.getByTestId("timeline-item").count()).toBe(35); // her 35 notes are all she has
      expect(await phone.page.getByTestId("timeline-more").count()).toBe(0);
      const notes = await phone.page.locator('[data-testid="timeline-item"][data-kind="note"] .c-tl-detail').allTextContents();
      expect(notes).toEqual(Array.from({ length: 35 }, (_, i) => `Ghi chú số ${35 - i}`)); // newest first, none twice, none missing
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });
});
