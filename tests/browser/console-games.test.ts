import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { AdminDraw, AdminGame } from "@mc/shared";
import { personaLogin, type Stack } from "../support/stack";
import { openDesktop, openPhone, SCREENSHOTS, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn as signIn } from "../support/console";

const Q1 = "q1-nguyen-hue";

async function call<T>(stack: Stack, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe("console: the games editor, its preview, QR codes and draw log, and a game made there played in the mini app", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("creates a game with Vietnamese errors next to the fields, edits it, prints its QR, and a shopper plays it from the QR", async () => {
    const token = await stack.adminToken();
    const voucher = await call<{ id: string }>(stack, token, "POST", "/api/admin/voucher-campaigns", {
      name: "Quà khai trương: giảm 15.000đ",
      kind: "amount_off",
      value: 15_000,
      validDaysAfterClaim: 30,
      listed: false,
    });
    const { page, errors, context } = await openDesktop({ browser, expected: (m) => /status of (409|404)/.test(m.text()) });
    const phone = await openPhone({ browser });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/games");
      await page.getByTestId("games-empty").waitFor();

      // ---- create ----
      await page.getByTestId("game-new").click();
      await expect.poll(() => page.url()).toContain("#/games/new");
      await page.getByTestId("game-editor").waitFor();
      // The form starts with a no-prize slice and a points prize (60 / 40): the wheel shows both.
      await expect.poll(() => page.getByTestId("preview-slice").count()).toBe(2);
      expect(await text(page, "prize-1-odds")).toBe("40%");

      // Wrong on purpose: a one-letter name, a new voucher prize with no name and no campaign, an end before the start.
      await page.getByTestId("game-name").fill("V");
      await page.getByTestId("prize-add").click();
      await page.getByTestId("prize-2-kind").selectOption("voucher");
      await page.getByTestId("game-starts").fill("2027-01-10T08:00");
      await page.getByTestId("game-ends").fill("2027-01-09T08:00");
      await page.getByTestId("game-save").click();
      await expect.poll(() => text(page, "game-name-error")).toBe("cần ít nhất 2 ký tự");
      expect(await text(page, "prize-2-label-error")).toBe("không được để trống");
      expect(await text(page, "prize-2-voucher-error")).toBe("giải voucher cần chọn chiến dịch voucher");
      expect(await text(page, "game-ends-error")).toBe("thời điểm kết thúc phải sau thời điểm bắt đầu");
      expect(await text(page, "game-problems")).toBe("Còn 4 chỗ cần sửa (đánh dấu đỏ).");
      // Every weight at 0: the schema's own rule, under the prizes.
      for (const i of [0, 1, 2]) await page.getByTestId(`prize-${i}-weight`).fill("0");
      await expect.poll(() => text(page, "prizes-error")).toBe("tổng tỉ trọng các giải phải lớn hơn 0");
      expect(await page.getByTestId("preview-slice").count()).toBe(0);
      // Nothing was sent.
      expect((await call<{ games: AdminGame[] }>(stack, token, "GET", "/api/admin/games")).games).toEqual([]);

      // Fixed: 50 / 30 / 20, the voucher from the picker with a stock of 5, at Nguyễn Huệ only, until the end of next year.
      await page.getByTestId("game-name").fill("Vòng quay khai trương");
      await page.getByTestId("game-description").fill("Quay là trúng, quà vào ví Zalo!");
      await page.getByTestId("prize-0-weight").fill("50");
      await page.getByTestId("prize-1-weight").fill("30");
      await page.getByTestId("prize-2-label").fill("Giảm 15K");
      await page.getByTestId("prize-2-voucher").selectOption(voucher.id);
      await page.getByTestId("prize-2-weight").fill("20");
      await page.getByTestId("prize-2-stock").fill("5");
      await page.getByTestId("game-starts").fill("");
      await page.getByTestId("game-ends").fill(`${new Date().getFullYear() + 1}-12-31T22:00`);
      await page.getByTestId(`game-store-${Q1}`).check();
      await expect.poll(() => page.getByTestId("game-problems").count()).toBe(0);
      // The preview follows the form: slices as wide as their odds.
      await expect
        .poll(() => page.getByTestId("preview-slice").evaluateAll((els) => els.map((e) => e.getAttribute("data-share"))))
        .toEqual(["0.5000", "0.3000", "0.2000"]);
      expect(await text(page, "prize-2-odds")).toBe("20%");
      // A scratch card previews as a card; back to the wheel.
      await page.getByTestId("game-kind").selectOption("scratch");
      await page.getByTestId("preview-scratch").waitFor();
      expect(await page.getByTestId("preview-wheel").count()).toBe(0);
      await page.getByTestId("game-kind").selectOption("wheel");
      await page.getByTestId("preview-wheel").waitFor();
      await page.getByTestId("game-save").click();
      await expect.poll(() => page.url()).toMatch(/#\/games\/[0-9a-f-]{36}$/);
      const id = page.url().split("/").pop()!;
      await expect.poll(() => text(page, "game-title")).toBe("Vòng quay khai trương");
      const created = await call<AdminGame>(stack, token, "GET", `/api/admin/games/${id}`);
      expect(created).toMatchObject({ kind: "wheel", storeIds: [Q1], playsPerDay: 1, startsAt: null });
      expect(created.prizes.map((p) => [p.label, p.kind, p.weight, p.stock, p.voucherCampaignId])).toEqual([
        ["Chúc bạn may mắn lần sau", "none", 50, null, null],
        ["+10 điểm", "points", 30, null, null],
        ["Giảm 15K", "voucher", 20, 5, voucher.id],
      ]);
      await page.getByTestId("qr-image").waitFor();
      await page.getByTestId("game-title").scrollIntoViewIfNeeded();
      await shot(page, "console-game-editor");

      // ---- edit: the voucher becomes certain (so the shopper below wins it) and its stock 3 ----
      await page.getByTestId("prize-0-weight").fill("0");
      await page.getByTestId("prize-1-weight").fill("0");
      await page.getByTestId("prize-2-weight").fill("100");
      await page.getByTestId("prize-2-stock").fill("3");
      await page.getByTestId("prize-2-label").fill("Voucher giảm 15K");
      await expect.poll(() => page.getByTestId("preview-slice").count()).toBe(1);
      await page.getByTestId("game-save").click();
      await page.getByTestId("game-saved").waitFor();
      const edited = await call<AdminGame>(stack, token, "GET", `/api/admin/games/${id}`);
      // The same prizes (ids kept, so their counters too), new weights.
      expect(edited.prizes.map((p) => [p.id, p.weight, p.stock, p.remaining])).toEqual(
        created.prizes.map((p, i) => [p.id, [0, 0, 100][i], p.stock === null ? null : 3, p.stock === null ? null : 3]),
      );

      // ---- the QR: one sheet for the one store, its PNG downloaded as printed ----
      await expect.poll(() => page.getByTestId("qr-sheet").count()).toBe(1);
      expect(await page.getByTestId("qr-sheet").getAttribute("data-store")).toBe(Q1);
      const url = (await page.getByTestId("qr-sheet").getAttribute("data-url"))!;
      expect(url).toMatch(new RegExp(`^https://zalo\\.me/s/[^/]+/\\?store=${Q1}&campaign=${id}&sig=`));
      const downloading = page.waitForEvent("download");
      await page.getByTestId("qr-png").click();
      const file = await downloading;
      expect(file.suggestedFilename()).toBe(`qr-${Q1}.png`);
      const png = resolve(SCREENSHOTS, "qr-print.png");
      await file.saveAs(png);
      // A PNG (its signature) 1024 px wide (IHDR's width), the print size.
      const bytes = readFileSync(png);
      expect(bytes.subarray(1, 4).toString()).toBe("PNG");
      expect(bytes.readUInt32BE(16)).toBe(1024);

      // ---- the shopper scans it: the mini app opens at the link's query, plays, and gets the voucher ----
      await phone.page.goto(`${stack.webUrl}/${new URL(url).search}`);
      await phone.page.getByTestId("game-wheel").waitFor({ timeout: 15_000 });
      expect(await phone.page.getByTestId("game-store").textContent()).toContain("Nguyễn Huệ");
      await phone.page.getByTestId("game-play").click();
      await phone.page.getByTestId("game-outcome-claimed").waitFor({ timeout: 15_000 });
      expect(await phone.page.getByTestId("game-outcome-title").textContent()).toBe("Voucher giảm 15K");
      expect(await phone.page.getByTestId("game-claimed").textContent()).toContain("Quà đã vào ví");
      // Two more people play (the staff member and the admin persona, through the API) for the log.
      for (const persona of ["staff", "admin"]) {
        const who = await personaLogin(stack, persona);
        const q = Object.fromEntries(new URL(url).searchParams);
        await call(stack, who.token, "POST", "/api/games/play", q);
      }

      // ---- a stale form: the page still thinks nothing was won; the server refuses a stock below 3 next to the field ----
      await page.getByTestId("prize-2-stock").fill("2");
      await page.getByTestId("game-save").click();
      await expect.poll(() => text(page, "prize-2-stock-error")).toBe("không được ít hơn 3 giải đã trúng");
      expect(await page.getByTestId("game-save-error").getAttribute("data-code")).toBe("GAME_PRIZE_STOCK_BELOW_WON");
      expect((await call<AdminGame>(stack, token, "GET", `/api/admin/games/${id}`)).prizes[2]).toMatchObject({ stock: 3, won: 3, remaining: 0 });
      // Reloaded, it knows what was won and says so before sending; the voucher prize's kind is fixed now.
      await page.reload();
      await page.getByTestId("prize-2-won").waitFor();
      expect(await text(page, "prize-2-won")).toBe("đã trúng 3 · còn 0");
      expect(await page.getByTestId("prize-2-kind").isDisabled()).toBe(true);

      // ---- the draw log, filtered on the server ----
      await page.getByTestId("game-open-draws").click();
      await expect.poll(() => page.getByTestId("draw-row").count()).toBe(3);
      expect(await page.getByTestId("draw-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")))).toEqual(["issued", "issued", "issued"]);
      await page.getByTestId("draws-state").selectOption("pending_follow");
      await page.getByTestId("draws-empty").waitFor();
      expect(page.url()).toContain("state=pending_follow");
      await page.getByTestId("draws-state").selectOption("issued");
      await page.getByTestId("draws-store").selectOption(Q1);
      const today = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Ho_Chi_Minh" });
      await page.getByTestId("draws-from").fill(today);
      await expect.poll(() => page.getByTestId("draw-row").count()).toBe(3);
      const log = await call<{ draws: AdminDraw[] }>(stack, token, "GET", `/api/admin/games/${id}/draws?state=issued&from=${today}`);
      expect(log.draws).toHaveLength(3);
      await page.getByTestId("draws-table").click(); // the date picker closes
      await shot(page, "console-draws");

      // ---- the phone width: the editor and the log fit 360 px ----
      await page.setViewportSize({ width: 360, height: 780 });
      await page.goto(`${stack.consoleUrl}/#/games/${id}`);
      await page.getByTestId("prize-2-won").waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await page.getByTestId("prize").first().scrollIntoViewIfNeeded();
      await shot(page, "console-game-editor-phone");
      await page.getByTestId("game-open-draws").click();
      await expect.poll(() => page.getByTestId("draw-row").count()).toBe(3);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

      // A link to a game that is not there says so.
      await page.goto(`${stack.consoleUrl}/#/games/no-such-game`);
      await expect.poll(() => page.getByTestId("game-load-error").getAttribute("data-code")).toBe("GAME_NOT_FOUND");
      expect(await text(page, "game-load-error")).toBe("Trò chơi không còn nữa");

      expect(errors).toEqual([]);
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.close();
      await context.close();
    }
  }, 120_000);
});
