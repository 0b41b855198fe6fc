import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO_STORES } from "@mc/server/demo/history";
import { personaLogin, type Stack } from "../support/stack";
import { openDesktop, realErrors, shot } from "../support/browser";
import { consoleSignIn } from "../support/console";
import { withConsoleStack } from "../support/suite";

// The whole inbox as a follower and a store manager live it: the auto-reply answers with the real balance, the
// unknown question waits for a person, who answers from the console with a canned answer filled from the
// person's data; Zalo (the emulator) receives it, and the conversation moves on live, without a reload.
const MANAGER = { email: "quan-ly@shop.vn", password: "a-long-password-1" };

const json = async <T = any>(url: string, method: string, body?: unknown, token?: string): Promise<T> => {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
};
type EmuMessage = { msgId: string; data: { text?: string }; recipient?: { appUserId?: string } };

describe("inbox flow: follower, auto-reply, a person, live", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });
  const emu = <T = any>(method: string, path: string, body?: unknown) => json<T>(`${stack.emulatorUrl}${path}`, method, body);
  const api = <T = any>(method: string, path: string, token: string, body?: unknown) => json<T>(`${stack.apiUrl}${path}`, method, body, token);
  const csTo = async (appUserId: string) => (await emu<EmuMessage[]>("GET", "/_emu/messages?channel=cs")).filter((m) => m.recipient?.appUserId === appUserId);

  it("answers the balance by itself, hands the unknown to the store's manager, who replies with a canned answer (1280 and 360 px)", async () => {
    const owner = await stack.adminToken();
    const store = DEMO_STORES[0].id;
    await api("POST", "/api/admin/operators", owner, { ...MANAGER, name: "Quản lý Lan", role: "store_manager", storeIds: [store] });
    // A follower who earned points at the manager's store.
    const personas = await emu<{ key: string; appUserId: string; name: string }[]>("GET", "/_emu/personas");
    const follower = personas.find((p) => p.key === "shopper")!;
    const me = await personaLogin(stack, "shopper");
    const memberCode = (await api("GET", "/api/me", me.token)).loyalty.memberCode;
    await api("POST", "/api/staff/points/award", owner, { memberCode, storeId: store, amountVnd: 123_000, receiptId: "flow-1" });
    const balance: number = (await api("GET", "/api/me", me.token)).loyalty.balance;
    expect(balance).toBeGreaterThan(0);

    // 1. The auto-reply answers with the real balance (what Zalo recorded as sent to them).
    expect((await emu("POST", `/_emu/users/${follower.appUserId}/send-text`, { text: "còn bao nhiêu điểm" })).delivered).toBe(true);
    const balanceText = `${balance.toLocaleString("vi-VN")} điểm`;
    await expect.poll(async () => (await csTo(follower.appUserId)).some((m) => m.data.text?.includes(balanceText)), { timeout: 15_000 }).toBe(true);
    // 2. Something no rule knows: it waits for a person.
    await emu("POST", `/_emu/users/${follower.appUserId}/send-text`, { text: "Shop nhận đặt tiệc sinh nhật 20 người không?" });

    const { page, errors } = await openDesktop({ browser, expected: () => false });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await consoleSignIn(page, stack, "#/inbox", MANAGER);
      const item = page.getByTestId("inbox-item").filter({ hasText: follower.name });
      await expect.poll(() => item.getByTestId("inbox-needs-person").count(), { timeout: 15_000 }).toBe(1);
      await item.click();
      await expect.poll(() => page.getByTestId("msg-in").count(), { timeout: 15_000 }).toBe(2);
      // The auto-reply is in the thread too, sent.
      await expect.poll(async () => (await page.getByTestId("msg-out").allTextContents()).some((t) => t.includes(balanceText)), { timeout: 15_000 }).toBe(true);
      // The person beside the chat: their profile and timeline.
      await expect.poll(() => page.getByTestId("inbox-customer-name").textContent(), { timeout: 15_000 }).toBe(follower.name);
      await expect.poll(() => page.getByTestId("inbox-customer-points").textContent(), { timeout: 15_000 }).toContain(balance.toLocaleString("vi-VN"));
      await expect.poll(() => page.getByTestId("inbox-timeline-item").count(), { timeout: 15_000 }).toBeGreaterThan(0);

      // The manager takes it, and finds it under "Của tôi".
      await page.getByTestId("assign-person").selectOption({ label: "Quản lý Lan" });
      await expect.poll(() => page.getByTestId("assign-current").textContent(), { timeout: 15_000 }).toContain("Quản lý Lan");
      await page.getByTestId("inbox-assignee-filter").selectOption({ label: "Của tôi" });
      await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);

      // A canned answer, filled by the server with this person's name and balance.
      await page.getByTestId("reply-canned").selectOption({ label: "Điểm tích lũy" });
      await expect.poll(() => page.getByTestId("reply-text").inputValue(), { timeout: 15_000 }).toContain(balance.toLocaleString("vi-VN"));
      const reply = await page.getByTestId("reply-text").inputValue();
      expect(reply).toContain(follower.name);
      expect(reply).not.toMatch(/\{\w+\}/);
      await page.getByTestId("reply-send").click();
      await expect.poll(async () => (await csTo(follower.appUserId)).filter((m) => m.data.text === reply).length, { timeout: 15_000 }).toBe(1);
      await expect.poll(() => page.getByTestId("receipt").last().textContent(), { timeout: 15_000 }).toContain("Đã gửi");
      await expect.poll(() => item.getByTestId("inbox-needs-person").count(), { timeout: 15_000 }).toBe(0);

      // Live: Zalo's receipt and the person's next message, without a reload.
      const sent = (await csTo(follower.appUserId)).find((m) => m.data.text === reply)!;
      await emu("POST", `/_emu/messages/${sent.msgId}/received`);
      await expect.poll(() => page.getByTestId("receipt").last().textContent(), { timeout: 15_000 }).toContain("Đã nhận");
      await emu("POST", `/_emu/users/${follower.appUserId}/send-text`, { text: "Dạ cảm ơn shop!" });
      await expect.poll(() => page.getByTestId("msg-in").count(), { timeout: 15_000 }).toBe(3);
      await shot(page, "inbox-flow");

      await page.setViewportSize({ width: 360, height: 780 });
      await expect.poll(() => page.getByTestId("thread").isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(page, "inbox-flow-phone");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
