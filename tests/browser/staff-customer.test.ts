import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import type { AdminProduct, Campaign, MenuCategory, Order, Quote, Voucher, VoucherQr } from "@mc/shared";
import { personaLogin, type Stack } from "../support/stack";
import { realErrors, SCREENSHOTS, shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

const Q1 = "q1-nguyen-hue";
const Q3 = "q3-vo-van-tan";

async function call<T>(stack: Stack, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();
const items = (page: Page) => page.getByTestId("sc-item");
const kindsShown = async (page: Page) => [...new Set(await items(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-kind"))))].sort();
const activeTab = (page: Page) => page.locator(".mc-bottom-nav .zaui-bottom-navigation-item-active").textContent();
/** Zalo reopening the running app on a path (a shared link): the emulator adapter's OpenApp event. */
const openApp = (page: Page, path: string) => page.evaluate((p) => window.dispatchEvent(new CustomEvent("mc:open-app", { detail: { path: p } })), path);
/** The whole page: the mini app scrolls inside its page element, so the viewport grows to that height for the shot. */
async function fullShot(page: Page, name: string) {
  const size = page.viewportSize()!;
  const height = await page.evaluate(() => Math.max(...[...document.querySelectorAll(".zaui-page")].map((e) => e.scrollHeight)));
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
  await page.setViewportSize(size);
}

describe("staff: a customer's profile, history and notes, opened from the counter", () => {
  let stack: Stack;
  let staff: BrowserSession;
  let other: BrowserSession;
  let haId = "";
  let memberCode = "";
  let orderCode = "";

  withStackAndPhones({ phones: 2, timeoutMs: 15_000 }, async (st, phones) => {
    stack = st;
    [staff, other] = phones as [BrowserSession, BrowserSession];
    const admin = await stack.adminToken();
    const khoa = await personaLogin(stack, "staff"); // staff at Q1 (the demo seed)
    const ha = await personaLogin(stack, "shopper");
    haId = ha.customer.id;

    // Hà shares her phone, the shop tags her, and the console wrote 20 notes about her (her oldest items).
    const { token: phoneToken } = (await fetch(`${stack.emulatorUrl}/_emu/personas/shopper/phone-token`, { method: "POST" }).then((r) => r.json())) as {
      token: string;
    };
    await call(stack, "POST", "/api/me/phone", ha.token, { phoneToken, accessToken: ha.zaloToken });
    await call(stack, "PUT", `/api/admin/customers/${haId}/tags`, admin, { tags: ["khách-quen"] });
    for (let i = 1; i <= 20; i++) await call(stack, "POST", `/api/admin/customers/${haId}/notes`, admin, { text: `Ghi chú số ${i}` });

    // An order at Q1, taken through to completed by Khoa (it earns points there).
    const cat = await call<MenuCategory>(stack, "POST", "/api/admin/menu/categories", admin, { name: "Cà phê", position: 1 });
    const latte = await call<AdminProduct>(stack, "POST", "/api/admin/menu/products", admin, {
      categoryId: cat.id,
      name: "Cà phê sữa đá",
      priceVnd: 35_000,
      storeIds: [Q1],
    });
    const items = [{ productId: latte.id, quantity: 2, optionIds: [] }];
    const quote = await call<Quote>(stack, "POST", "/api/orders/quote", ha.token, { storeId: Q1, items });
    const placed = await call<{ order: Order } | Order>(stack, "POST", "/api/orders", ha.token, {
      storeId: Q1,
      items,
      pickup: { type: "table", table: "5" },
      payment: "counter",
      expectedTotal: quote.totalVnd,
      requestId: "staff-customer-order-1",
    });
    const order = "order" in placed ? placed.order : placed;
    orderCode = order.code;
    for (const status of ["confirmed", "ready", "completed"]) await call(stack, "POST", `/api/staff/orders/${order.id}/status`, khoa.token, { status });

    // A voucher claimed by Hà and redeemed by Khoa at Q1.
    const campaign = await call<Campaign>(stack, "POST", "/api/admin/voucher-campaigns", admin, {
      name: "Giảm 20K",
      kind: "amount_off",
      value: 20_000,
      validDaysAfterClaim: 30,
      storeIds: [Q1],
    });
    const { voucher } = await call<{ voucher: Voucher }>(stack, "POST", `/api/vouchers/campaigns/${campaign.id}/claim`, ha.token, {});
    const qr = await call<VoucherQr>(stack, "GET", `/api/me/vouchers/${voucher.id}/qr`, ha.token);
    await call(stack, "POST", "/api/staff/vouchers/redeem", khoa.token, { storeId: Q1, qr: qr.payload });

    // Bảo works at the other store only: Hà has never been there.
    const bao = await personaLogin(stack, "admin");
    await call(stack, "PUT", `/api/admin/customers/${bao.customer.id}/role`, admin, { role: "staff", storeIds: [Q3] });

    memberCode = (await call<{ loyalty: { memberCode: string } }>(stack, "GET", "/api/me", ha.token)).loyalty.memberCode;
  });

  it("staff look a member up at the counter and open the profile: who, points, history at the store, filtered and paged, and a note", async () => {
    const s = staff.page;
    await s.setViewportSize({ width: 360, height: 780 });
    await s.goto(`${stack.webUrl}/?persona=staff`);
    await expect.poll(() => text(s, "greeting")).toBe("Xin chào, Trần Minh Khoa");
    await s.getByTestId("open-counter").click();
    await expect.poll(() => text(s, "counter-store-name")).toBe("Cà Phê Sài Gòn · Nguyễn Huệ");
    await s.getByTestId("counter-mode-points").click();
    await s.getByTestId("award-code-input").fill(memberCode);
    await s.getByTestId("award-code-submit").click();
    await expect.poll(() => text(s, "award-member-name")).toBe("N. T. Hà"); // the counter's preview stays shortened
    await shot(s, "staff-customer-counter-link");

    // "Xem hồ sơ" → the profile, with the counter's tab still the active one.
    await s.getByTestId("counter-profile-link").click();
    await expect.poll(() => text(s, "sc-name")).toBe("Nguyễn Thu Hà");
    expect((await activeTab(s))!.trim()).toBe("Quầy");
    expect(await text(s, "sc-member-code")).toBe(memberCode);
    expect(await text(s, "sc-tier")).toBe("Hạng Thành viên");
    expect((await text(s, "sc-follower"))!.trim()).toBe("Chưa quan tâm OA");
    const phone = (await text(s, "sc-phone"))!;
    expect(phone).toMatch(/5678$/);
    expect(phone).not.toContain("912345678");
    expect(await text(s, "sc-tags")).toContain("khách-quen");
    const balance = Number((await text(s, "sc-balance"))!.replace(/\D/g, ""));
    expect(balance).toBeGreaterThan(0); // the completed order earned points

    // The history at Khoa's store (and the shop's notes), newest first: the redemption, the order's steps, the points.
    await expect.poll(() => items(s).count()).toBe(20);
    expect(await kindsShown(s)).toEqual(["note", "order", "points", "voucher"]);
    const titles = await s.locator('[data-testid="sc-item"] .sc-item-title').allTextContents();
    expect(titles[0]).toContain("Dùng voucher “");
    expect(titles.some((t) => t.includes(`Đơn ${orderCode}: hoàn tất`))).toBe(true);
    expect(await s.getByTestId("sc-kind-follow").count()).toBe(0); // no store's, so never in a staff view
    await s.waitForTimeout(2600); // the snackbar-free, settled page for the screenshot
    await shot(s, "staff-customer-360");
    await fullShot(s, "staff-customer-360-full");

    // "Xem thêm": the rest, nothing twice; the oldest is the console's first note.
    await s.getByTestId("sc-timeline-more").click();
    await expect.poll(() => items(s).count()).toBeGreaterThan(20);
    await expect.poll(() => s.getByTestId("sc-timeline-more").count()).toBe(0);
    expect(await items(s).count()).toBe(26); // 20 notes, the order's 4 steps, its points, the redemption
    const notes = await s.getByTestId("sc-note").allTextContents();
    expect(notes).toEqual(Array.from({ length: 20 }, (_, i) => `Ghi chú số ${20 - i}`));
    expect(await s.getByTestId("sc-note-author").first().textContent()).toBe("owner@masterchannel.vn");

    // Chips: orders only, then orders and points, then all again.
    await s.getByTestId("sc-kind-order").click();
    await expect.poll(() => kindsShown(s)).toEqual(["order"]);
    expect(await items(s).count()).toBe(4); // placed, confirmed, ready, completed
    expect(await s.getByTestId("sc-kind-order").getAttribute("aria-pressed")).toBe("true");
    await s.getByTestId("sc-kind-points").click();
    await expect.poll(() => kindsShown(s)).toEqual(["order", "points"]);
    await shot(s, "staff-customer-filtered");
    await s.getByTestId("sc-kind-all").click();
    await expect.poll(() => kindsShown(s)).toEqual(["note", "order", "points", "voucher"]);
    expect(await items(s).count()).toBe(20); // another filter starts from the first page
    await s.getByTestId("sc-timeline-more").click();
    await expect.poll(() => items(s).count()).toBe(26);

    // A note: signed with Khoa's name and the time, at the top of the history.
    expect(await s.getByTestId("sc-note-add").isDisabled()).toBe(true);
    await s.getByTestId("sc-note-text").fill("  Khách thích cà phê ít đá, hay ngồi bàn 5  ");
    await s.getByTestId("sc-note-add").click();
    await expect.poll(() => s.getByTestId("sc-note").first().textContent()).toBe("Khách thích cà phê ít đá, hay ngồi bàn 5");
    expect(await s.getByTestId("sc-note-author").first().textContent()).toBe("Trần Minh Khoa");
    expect(await items(s).first().locator("time").textContent()).toMatch(/^\d\d:\d\d · \d\d\/\d\d\/\d{4}$/);
    expect(await s.getByTestId("sc-note-text").inputValue()).toBe("");
    expect(await items(s).count()).toBe(27); // the pages already open stay open, with the note on top
    expect(await s.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // The console sees Khoa's note too, with its author.
    const admin = await stack.adminToken();
    const consoleNotes = await call<{ items: { actor: string | null; detail: string | null }[] }>(
      stack,
      "GET",
      `/api/admin/customers/${haId}/timeline?kinds=note&limit=1`,
      admin,
    );
    expect(consoleNotes.items[0]).toMatchObject({ actor: "Trần Minh Khoa", detail: "Khách thích cà phê ít đá, hay ngồi bàn 5" });

    // Desktop width: the same page, readable.
    await s.setViewportSize({ width: 1280, height: 900 });
    await s.evaluate(() => document.querySelectorAll(".zaui-page").forEach((e) => e.scrollTo(0, 0)));
    await s.waitForTimeout(2600);
    await shot(s, "staff-customer-1280");
    expect(await s.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);

    // Back goes to the counter.
    await s.setViewportSize({ width: 360, height: 780 });
    await s.getByTestId("back").click();
    await expect.poll(() => s.getByTestId("counter-store-name").count()).toBe(1);
    expect(realErrors(staff.errors)).toEqual([]);
  });

  it("staff of another store find no such customer, at the counter and from a link", async () => {
    const p = other.page;
    await p.setViewportSize({ width: 360, height: 780 });
    await p.goto(`${stack.webUrl}/?persona=admin`);
    await expect.poll(() => text(p, "greeting")).toBe("Xin chào, Lê Quốc Bảo");
    await p.getByTestId("open-counter").click();
    await expect.poll(() => text(p, "counter-store-name")).toBe("Cà Phê Sài Gòn · Võ Văn Tần");
    await p.getByTestId("counter-mode-points").click();
    await p.getByTestId("award-code-input").fill(memberCode);
    await p.getByTestId("award-code-submit").click();
    await expect.poll(() => text(p, "award-member-name")).toBe("N. T. Hà");
    await p.getByTestId("counter-profile-link").click();
    await expect.poll(() => text(p, "counter-profile-error")).toBe("Khách chưa có giao dịch tại cửa hàng của bạn nên chưa có hồ sơ để xem.");

    // A link to her profile (someone shared it) opens the not-found state, the same as for an id that does not exist.
    await openApp(p, `/staff/customers/${haId}`);
    await expect.poll(() => p.getByTestId("sc-not-found").count()).toBe(1);
    expect(await p.getByTestId("sc-profile").count()).toBe(0);
    expect(await p.getByTestId("sc-timeline").count()).toBe(0);
    expect(await p.getByTestId("sc-note-form").count()).toBe(0);
    await p.waitForTimeout(400);
    await shot(p, "staff-customer-not-found");
    await openApp(p, "/staff/customers/no-such-person");
    // The page before it may still be sliding out, with its own not-found state: wait for this one's.
    const missing = p.locator('[data-testid="sc-not-found"][data-customer="no-such-person"]');
    await expect.poll(() => missing.count()).toBe(1);
    await missing.getByTestId("sc-to-counter").click();
    await expect.poll(() => p.getByTestId("counter-store-name").count()).toBe(1);
    expect(realErrors(other.errors)).toEqual([]);
  });
});
