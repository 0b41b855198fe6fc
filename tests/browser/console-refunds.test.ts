import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { AdminProduct, MenuCategory, Order } from "@mc/shared";
import { personaLogin, type Stack } from "../support/stack";
import { openDesktop, realErrors, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn } from "../support/console";

const Q1 = "q1-nguyen-hue";

describe("console: refunds of cancelled paid orders", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("lists what is owed, and an owner marks it refunded with a note (at 360 px and on a desktop)", async () => {
    const admin = await stack.adminToken();
    const call = async <T>(method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    // A cup sold at the counter, completed (paid in cash), then cancelled by the owner: the cash goes back.
    const cat = await call<MenuCategory>("POST", "/api/admin/menu/categories", admin, { name: "Cà phê", position: 1 });
    const cup = await call<AdminProduct>("POST", "/api/admin/menu/products", admin, { categoryId: cat.id, name: "Bạc xỉu", priceVnd: 32_000, storeIds: [Q1] });
    const shopper = (await personaLogin(stack, "shopper")).token;
    const staff = (await personaLogin(stack, "staff")).token;
    const orders: Order[] = [];
    for (const n of [1, 2]) {
      const { order } = await call<{ order: Order }>("POST", "/api/orders", shopper, {
        storeId: Q1,
        items: [{ productId: cup.id, quantity: n }],
        pickup: { type: "table", table: "5" },
        payment: "counter",
        expectedTotal: 32_000 * n,
        requestId: `refund-test-${n}-${Date.now()}`,
      });
      for (const status of ["confirmed", "ready", "completed"]) await call("POST", `/api/staff/orders/${order.id}/status`, staff, { status });
      await call("POST", `/api/staff/orders/${order.id}/status`, staff, { status: "cancelled", reason: "Khách trả lại món" });
      orders.push(order);
    }

    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 360, height: 780 });
      await consoleSignIn(page, stack, "#/refunds");
      const row = (o: Order) => page.getByTestId(`refund-${o.code}`);
      await expect.poll(() => row(orders[0]!).count(), { timeout: 15_000 }).toBe(1);
      expect(await row(orders[0]!).textContent()).toContain("32.000đ");
      expect(await row(orders[1]!).textContent()).toContain("64.000đ");
      expect(await row(orders[0]!).textContent()).toContain("Lý do: Khách trả lại món");
      await row(orders[0]!).getByTestId("refund-mark").click();
      await page.getByTestId("refund-note").fill("Trả tiền mặt tại quầy");
      await shot(page, "console-refunds-phone");
      await page.getByTestId("refund-confirm").click();
      await expect.poll(() => row(orders[0]!).count(), { timeout: 10_000 }).toBe(0);
      expect(await row(orders[1]!).count()).toBe(1);
      // The shopper's order says so (the audit entry is checked in payments.test.ts).
      const mine = await call<{ order: Order }>("GET", `/api/me/orders/${orders[0]!.id}`, shopper);
      expect(mine.order.paymentStatus).toBe("refunded");

      await page.setViewportSize({ width: 1440, height: 900 });
      await row(orders[1]!).getByTestId("refund-mark").click();
      await page.getByTestId("refund-note").fill("Chuyển khoản lại cho khách");
      await page.waitForTimeout(200);
      await shot(page, "console-refunds");
      await page.getByTestId("refund-confirm").click();
      await expect.poll(() => page.getByTestId("refunds-empty").count(), { timeout: 10_000 }).toBe(1);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);

  it("shows a completion report Zalo keeps refusing, with the reason and the next try, and an owner retries it (at 360 px and on a desktop)", async () => {
    const admin = await stack.adminToken();
    const call = async <T>(method: string, url: string, token: string | null, body?: unknown) => {
      const res = await fetch(url.startsWith("http") ? url : `${stack.apiUrl}${url}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const cat = await call<MenuCategory>("POST", "/api/admin/menu/categories", admin, { name: "Bánh", position: 2 });
    const cake = await call<AdminProduct>("POST", "/api/admin/menu/products", admin, {
      categoryId: cat.id,
      name: "Bánh mì que",
      priceVnd: 25_000,
      storeIds: [Q1],
    });
    const shopper = await personaLogin(stack, "shopper");
    const staff = (await personaLogin(stack, "staff")).token;
    const { order } = await call<{ order: Order }>("POST", "/api/orders", shopper.token, {
      storeId: Q1,
      items: [{ productId: cake.id, quantity: 1 }],
      pickup: { type: "table", table: "2" },
      payment: "counter",
      expectedTotal: 25_000,
      requestId: `report-test-${Date.now()}`,
    });
    // Paid at the counter through Zalo's Checkout sheet as COD (the mini app's createOrder, then Zalo's notify).
    const params = await call<Record<string, any>>("POST", `/api/orders/${order.id}/checkout`, shopper.token);
    const form = new URLSearchParams({
      amount: String(params.amount),
      desc: params.desc,
      item: encodeURIComponent(JSON.stringify(params.item)),
      extradata: params.extradata,
      method: params.method,
      mac: params.mac,
    });
    const created = (await (
      await fetch(`${stack.emulatorUrl}/payment/api/order/create-v2`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${shopper.zaloToken}` },
        body: form,
      })
    ).json()) as { err: number; data: { id: string } };
    expect(created.err).toBe(0);
    const coid = created.data.id;
    await call("POST", `${stack.emulatorUrl}/_emu/checkout/${coid}/notify`, null, { method: "COD" });
    // Zalo refuses the completion report twice (no permission), then accepts it.
    await call("POST", `${stack.emulatorUrl}/_emu/faults`, null, {
      match: "/payment/api/transaction/update-status",
      error: -2001,
      message: "No permission",
      times: 2,
    });
    for (const status of ["confirmed", "ready", "completed"]) await call("POST", `/api/staff/orders/${order.id}/status`, staff, { status });
    await expect
      .poll(
        async () => (await call<{ reports: { orderId: string }[] }>("GET", "/api/admin/checkout-reports", admin)).reports.some((r) => r.orderId === order.id),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    const updates = async () =>
      (
        (await call<{ id: string; updates: { resultCode: number }[] }[]>("GET", `${stack.emulatorUrl}/_emu/checkout/orders`, null)).find((o) => o.id === coid)
          ?.updates ?? []
      ).map((u) => u.resultCode);

    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 360, height: 780 });
      await consoleSignIn(page, stack, "#/refunds");
      const row = page.getByTestId(`report-${order.code}`);
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
      expect(await row.getByTestId("report-reason").textContent()).toBe("Zalo từ chối: không có quyền (kiểm tra Mini App ID và khóa Checkout)");
      expect(await row.textContent()).toContain("Đã hoàn tất");
      expect(await row.textContent()).toContain("25.000đ");
      // A refusal a resend cannot fix is tried again in 6 hours: a date and time, not "within a minute".
      expect(await row.getByTestId("report-next").textContent()).toMatch(/\d{2}:\d{2}/);
      await row.getByTestId("report-retry").click();
      await expect.poll(() => row.getByTestId("report-refused-again").count(), { timeout: 10_000 }).toBe(1);
      await shot(page, "console-checkout-report-phone");

      await page.setViewportSize({ width: 1280, height: 900 });
      await page.waitForTimeout(200);
      await shot(page, "console-checkout-report");
      expect(await updates()).toEqual([]);
      await row.getByTestId("report-retry").click();
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
      expect(await updates()).toEqual([1]);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);
});
