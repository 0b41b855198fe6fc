import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { AdminStore, PublicStore } from "@mc/shared";
import { type Stack } from "../support/stack";
import { openDesktop, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn as signIn } from "../support/console";

const Q1 = "q1-nguyen-hue";

const get = async <T>(stack: Stack, path: string, token?: string) =>
  (await (await fetch(`${stack.apiUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).json()) as T;
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe("console: a store's opening hours, exceptions and closing", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("edits the week and a holiday with Vietnamese errors next to the fields, saves all at once, then closes the store", async () => {
    const token = await stack.adminToken();
    // A holiday a month ahead (the test runs on any day).
    const holiday = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const { page, errors, context } = await openDesktop({ browser, expected: (m) => /status of 400/.test(m.text()) });
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await signIn(page, stack, "#/stores");
      await expect.poll(() => page.getByTestId("store-row").count()).toBe(2);
      // Stores nobody has set hours for are open all day.
      expect(await page.getByTestId("store-row").first().textContent()).toContain("Hôm nay: Cả ngày");
      await shot(page, "console-stores");

      await page.locator(`[data-testid="store-row"][data-id="${Q1}"]`).click();
      await expect.poll(() => text(page, "store-title")).toBe("Cà Phê Sài Gòn · Nguyễn Huệ");
      expect(page.url()).toContain(`#/stores/${Q1}`);

      // Monday 07:00–07:00: refused before anything is sent, next to the field.
      await page.getByTestId("day-mon-0-open").fill("07:00");
      await page.getByTestId("day-mon-0-close").fill("07:00");
      await page.getByTestId("store-save").click();
      await expect.poll(() => text(page, "day-mon-0-error")).toBe("Giờ đóng cửa phải khác giờ mở cửa");
      expect(await text(page, "store-problems")).toBe("Còn 1 chỗ cần sửa (đánh dấu đỏ).");
      // Fixed, and given to the whole week; then Tuesday gets an afternoon that overlaps.
      await page.getByTestId("day-mon-0-close").fill("22:00");
      await page.getByTestId("store-copy-monday").click();
      await page.getByTestId("day-tue-add").click();
      await page.getByTestId("day-tue-1-open").fill("13:00");
      await page.getByTestId("day-tue-1-close").fill("23:00");
      await expect.poll(() => text(page, "day-tue-1-error")).toBe("Trùng với khung giờ 07:00–22:00");
      await page.getByTestId("day-tue-1-remove").click();
      // Sunday closed.
      await page.getByTestId("day-sun-0-remove").click();
      expect(await text(page, "day-sun")).toContain("Nghỉ");

      // A holiday, closed all day, and a zone that does not exist.
      await page.getByTestId("exception-add").click();
      await page.getByTestId("exception-0-date").fill(holiday);
      await page.getByTestId("exception-0-note").fill("Nghỉ lễ");
      await page.getByTestId("store-tz").fill("Asia/Sai_Gon");
      await expect.poll(() => text(page, "store-tz-error")).toBe("Múi giờ không hợp lệ (ví dụ Asia/Ho_Chi_Minh)");
      await page.getByTestId("store-title").scrollIntoViewIfNeeded();
      await shot(page, "console-store-editor");
      await page.setViewportSize({ width: 360, height: 780 });
      await page.getByTestId("store-tz").scrollIntoViewIfNeeded();
      await shot(page, "console-store-editor-360");
      await page.setViewportSize({ width: 1280, height: 900 });
      // Nothing was saved meanwhile.
      expect((await get<AdminStore>(stack, `/api/admin/stores/${Q1}`, token)).week.mon).toEqual([{ open: "00:00", close: "24:00" }]);

      await page.getByTestId("store-tz").fill("Asia/Ho_Chi_Minh");
      await page.getByTestId("store-save").click();
      await expect.poll(() => text(page, "store-saved")).toBe("Đã lưu.");
      const saved = await get<AdminStore>(stack, `/api/admin/stores/${Q1}`, token);
      expect(saved.week).toEqual({
        mon: [{ open: "07:00", close: "22:00" }],
        tue: [{ open: "07:00", close: "22:00" }],
        wed: [{ open: "07:00", close: "22:00" }],
        thu: [{ open: "07:00", close: "22:00" }],
        fri: [{ open: "07:00", close: "22:00" }],
        sat: [{ open: "07:00", close: "22:00" }],
        sun: [],
      });
      expect(saved.exceptions).toEqual([{ date: holiday, intervals: [], note: "Nghỉ lễ" }]);

      // Closed, with a reason: gone from the shopper's store list.
      await page.getByTestId("store-active").uncheck();
      await page.getByTestId("store-reason").fill("Sửa chữa mặt bằng");
      await page.getByTestId("store-save").click();
      await expect.poll(() => text(page, "store-status")).toContain("Tạm đóng cửa");
      const list = await get<{ stores: PublicStore[] }>(stack, "/api/stores");
      expect(list.stores.map((s) => s.id)).toEqual(["q3-vo-van-tan"]);
      await page.getByTestId("nav-stores").click();
      await expect.poll(() => page.locator(`[data-testid="store-row"][data-id="${Q1}"]`).textContent()).toContain("Sửa chữa mặt bằng");
      await page.setViewportSize({ width: 360, height: 780 });
      await shot(page, "console-stores-360");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
