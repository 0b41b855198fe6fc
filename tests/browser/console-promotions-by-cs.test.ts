import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { personaLogin, startStack, type Stack } from "../support/stack";
import { launchBrowser, openDesktop, realErrors, shot } from "../support/browser";
import { consoleSignIn as signIn } from "../support/console";
import { shopMorning } from "@mc/server/test-support";

const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe("console: promotions by CS are off by default, and what Zalo holds is counted", () => {
  // Both clocks run with real time from the last 10:00 in Vietnam: promotion hours, ZNS's day window, no quiet hours.
  const now = Date.now();
  const offset = shopMorning(now) - now;
  let stack: Stack;
  let browser: Browser;
  let admin: string;
  const call = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const url = path.startsWith("/_emu") ? `${stack.emulatorUrl}${path}` : `${stack.apiUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        ...(path.startsWith("/_emu") ? {} : { authorization: `Bearer ${admin}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const sql = (q: string, ...args: unknown[]) => stack.app.services.db.$client.prepare(q).all(...args) as any[];
  let haId = "";
  /** Hà's row of a broadcast (the staff and admin personas follow too). */
  const outbox = (broadcastId: string) => sql("select channel, state, reason from outbox where broadcast_id = ? and customer_id = ?", broadcastId, haId);
  /** A promotion broadcast to the followers, run by the dispatcher against the emulator until it settles. */
  async function broadcast(name: string, content: unknown) {
    const b = await call("POST", "/api/admin/broadcasts", { name, category: "promotion", content, audience: { followersOnly: true } });
    expect((await call("POST", `/api/admin/broadcasts/${b.id}/start`)).recipients).toBeGreaterThan(0);
    await expect
      .poll(() => sql("select count(*) as n from outbox where broadcast_id = ? and state in ('queued', 'ready', 'sending')", b.id)[0].n, { timeout: 15_000 })
      .toBe(0);
    return b.id as string;
  }

  beforeAll(async () => {
    stack = await startStack({ seed: true, now: () => Date.now() + offset });
    await call("POST", "/_emu/clock", { now: Date.now() + offset });
    browser = await launchBrowser();
    admin = await stack.adminToken();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("the owner sees the switch off and why, a promotion Zalo held on the card, turns the switch on and CS carries the next one (1280 and 360 px)", async () => {
    // No caps: the new follower's welcome would hold the promotions for a day.
    const { rules } = await call("GET", "/api/admin/warming-rules");
    expect(rules.zalo.promotionsByCs).toBe(false);
    await call("PUT", "/api/admin/warming-rules", { rules: { ...rules, caps: [], quietHours: null } });
    // Hà follows the OA (which opens the CS window) and shares her phone; the shop imports Zalo's promotion template.
    const ha = await personaLogin(stack, "shopper");
    haId = ha.customer.id;
    const { token: phoneToken } = await call("POST", "/_emu/personas/shopper/phone-token");
    const shared = await fetch(`${stack.apiUrl}/api/me/phone`, {
      method: "POST",
      headers: { authorization: `Bearer ${ha.token}`, "content-type": "application/json" },
      body: JSON.stringify({ phoneToken, accessToken: ha.zaloToken }),
    });
    expect(shared.status).toBe(200);
    await call("POST", "/_emu/personas/shopper/follow");
    await call("POST", "/api/admin/zns/templates/import", { templateId: "100003" });

    // Off: a text-only promotion is not sent by CS at all.
    const textOnly = await broadcast("Giảm giá chữ", { text: "Giảm 20% hôm nay" });
    expect(outbox(textOnly)).toEqual([{ channel: null, state: "suppressed", reason: expect.stringMatching(/^CS_PROMOTION_OFF/) }]);
    // The promotion template: not allowed by UID (-249), so ZNS by phone, which Zalo refuses for the empty Zalo Cloud Account.
    await call("POST", "/_emu/config", { zcaBalance: 0 });
    const byTemplate = await broadcast("Ưu đãi thành viên", {
      template: { id: "100003", data: { customer_name: "Hà", voucher_code: "UUDAI20", expiry_date: "31/12/2026" } },
    });
    expect(outbox(byTemplate)).toEqual([{ channel: "zns", state: "held", reason: "ZCA_BALANCE" }]);
    const held = sql("select count(*) as n from outbox where state = 'held' and reason = 'ZCA_BALANCE'")[0].n as number;

    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      // Tall enough for the Zalo rules card (the switch) and the held card beside it in one shot.
      await page.setViewportSize({ width: 1280, height: 1250 });
      await signIn(page, stack);
      await page.goto(`${stack.consoleUrl}/#/rules`);
      await expect.poll(() => page.getByTestId("promotions-by-cs").count(), { timeout: 15_000 }).toBe(1);
      expect(await page.getByTestId("promotions-by-cs").isChecked()).toBe(false);
      expect(await text(page, "promotions-by-cs-why")).toContain("không dành cho quảng cáo");
      expect(await text(page, "promotions-by-cs-why")).toContain("mỗi tin tính phí theo giá của mẫu");
      await expect.poll(() => text(page, "held-by-zalo"), { timeout: 15_000 }).toContain("Tài khoản Zalo Cloud hết tiền");
      expect(await text(page, "held-by-zalo")).toMatch(new RegExp(`: ${held} tin, thử lại lúc \\d\\d:\\d\\d`));
      expect(await page.getByTestId("resume-balance").isVisible()).toBe(true);
      await page.getByTestId("promotions-by-cs-why").scrollIntoViewIfNeeded();
      await shot(page, "console-promotions-by-cs-off");

      await page.getByTestId("promotions-by-cs").check();
      await page.getByTestId("rules-note").fill("Chưa có mẫu khuyến mãi: gửi ưu đãi qua tin tư vấn");
      await page.getByTestId("rules-save").click();
      await expect.poll(() => page.getByTestId("rules-saved").count(), { timeout: 10_000 }).toBe(1);
      expect((await call("GET", "/api/admin/warming-rules")).rules.zalo.promotionsByCs).toBe(true);

      // On: the same text-only promotion now goes by CS, inside Hà's window.
      const cs = () => call<{ recipient: { oaUserId: string | null }; data: { text?: string } }[]>("GET", "/_emu/messages?channel=cs");
      const before = (await cs()).length;
      const again = await broadcast("Giảm giá chữ 2", { text: "Giảm 20% hôm nay" });
      expect(outbox(again)).toEqual([{ channel: "cs", state: "sent", reason: null }]);
      const toHa = (await cs()).slice(before).filter((m) => m.recipient.oaUserId === "2468000000000000001");
      expect(toHa.map((m) => m.data.text)).toEqual(["Giảm 20% hôm nay"]);

      // At phone width, after a reload: the switch is on, and the balance still holds the paid one.
      await page.setViewportSize({ width: 360, height: 780 });
      await page.reload();
      await expect.poll(() => page.getByTestId("promotions-by-cs").count(), { timeout: 15_000 }).toBe(1);
      expect(await page.getByTestId("promotions-by-cs").isChecked()).toBe(true);
      await expect.poll(() => text(page, "held-by-zalo"), { timeout: 15_000 }).toContain(`: ${held} tin`);
      await page.getByTestId("promotions-by-cs").scrollIntoViewIfNeeded();
      await shot(page, "console-promotions-by-cs-on-phone");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 150_000);
});
