import { describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { personaLogin, type Stack } from "../support/stack";
import { openDesktop, shot } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn as signIn } from "../support/console";

/** The live count once it has settled on the current rules (no request pending, nothing typed ahead). */
const settledCount = (page: Page) =>
  page
    .getByTestId("segment-count")
    .evaluate((el) => (el.getAttribute("data-stale") === "0" ? el.textContent : `stale:${el.textContent}`))
    .catch(() => "absent");

describe("console: segments and a broadcast to one", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("builds a rule tree with a live count, saves it as versions, and sends a broadcast to it", async () => {
    // Three people: Khoa (staff, follower, tagged vip), Bảo (admin persona, follower) and Hà (shopper, not a follower, vip).
    const token = await stack.adminToken();
    const put = (path: string, body: unknown) =>
      fetch(`${stack.apiUrl}${path}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const khoa = await personaLogin(stack, "staff");
    const ha = await personaLogin(stack, "shopper");
    expect((await put(`/api/admin/customers/${khoa.customer.id}/tags`, { tags: ["vip"] })).status).toBe(200);
    expect((await put(`/api/admin/customers/${ha.customer.id}/tags`, { tags: ["vip", "văn-phòng"] })).status).toBe(200);

    const { page, errors, blocked, context } = await openDesktop({ browser, expected: () => false });
    try {
      await signIn(page, stack, "#/segments");
      await expect.poll(() => page.getByTestId("segments-page").textContent()).toContain("Chưa có phân khúc nào");
      await page.getByTestId("segment-new").click();
      await expect.poll(() => page.url()).toContain("#/segments/new");

      // An empty "all" group matches everyone: the three people.
      await expect.poll(() => settledCount(page)).toBe("3");
      await page.getByTestId("segment-name").fill("Khách VIP đang quan tâm");

      // Rule 1: tags — invalid until a tag is added (no count meanwhile, save disabled).
      await page.getByTestId("group-add-rule").click();
      await page.getByTestId("group-0-kind").selectOption("tags");
      await expect.poll(() => page.getByTestId("group-0-problem").textContent()).toBe("Thêm ít nhất một nhãn");
      expect(await page.getByTestId("segment-save").isDisabled()).toBe(true);
      await page.getByTestId("group-0-tag-input").fill("VIP");
      await page.getByTestId("group-0-tag-input").press("Enter");
      await expect.poll(() => page.getByTestId("group-0-problem").count()).toBe(0);
      await expect.poll(() => settledCount(page)).toBe("2");
      expect((await page.getByTestId("segment-sample").textContent())!.split("Trần Minh Khoa").length).toBe(2);

      // Rule 2: a NOT group holding "not a follower": VIPs who follow the OA, i.e. Khoa alone.
      await page.getByTestId("group-add-group").click();
      await page.getByTestId("group-1-op").selectOption("none");
      await page.getByTestId("group-1-add-rule").click();
      await page.getByTestId("group-1-0-kind").selectOption("follower");
      await page.getByTestId("group-1-0-follows").selectOption("no");
      await expect.poll(() => settledCount(page)).toBe("1");
      expect(await page.getByTestId("segment-sample").textContent()).toContain("Trần Minh Khoa");
      expect(await page.getByTestId("segment-sample").textContent()).not.toContain("Nguyễn Thu Hà");

      await page.getByTestId("segment-save").click();
      await expect.poll(() => page.getByTestId("segment-version").textContent()).toBe("Phiên bản 1");
      const id = /#\/segments\/(sg[\w-]+)/.exec(page.url())?.[1];
      expect(id).toBeTruthy();

      // An edit is version 2: an OR group adds "points from 0" (everyone), so NOT(not follower) alone decides.
      await page.getByTestId("group-0-remove").click();
      await expect.poll(() => settledCount(page)).toBe("2"); // both followers
      expect(await page.getByTestId("segment-broadcast").isDisabled()).toBe(true); // unsaved changes
      await page.getByTestId("segment-name").fill("Đang quan tâm OA");
      await page.getByTestId("segment-save").click();
      await expect.poll(() => page.getByTestId("segment-version").textContent()).toBe("Phiên bản 2");
      await expect.poll(() => page.getByTestId("segment-history").textContent()).toContain("v1 · Khách VIP đang quan tâm");
      expect(await page.getByTestId("segment-history").textContent()).toContain("v2 · Đang quan tâm OA");

      // Back to version 1's rules (a new version 3), seen in the count before saving.
      await page.getByTestId("segment-restore-1").click();
      await expect.poll(() => settledCount(page)).toBe("1");
      await page.getByTestId("segment-save").click();
      await expect.poll(() => page.getByTestId("segment-version").textContent()).toBe("Phiên bản 3");
      await expect.poll(() => page.getByTestId("segment-name").inputValue()).toBe("Khách VIP đang quan tâm");
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, "console-segment");

      // The list shows it.
      await page.getByTestId("nav-segments").click();
      await expect.poll(() => page.getByTestId(`segment-row-${id}`).textContent()).toContain("v3");
      await page.getByTestId(`segment-row-${id}`).click();
      await expect.poll(() => page.getByTestId("segment-version").textContent()).toBe("Phiên bản 3");

      // «Gửi chiến dịch»: the broadcast form opens with the segment chosen and its count.
      await page.getByTestId("segment-broadcast").click();
      await expect.poll(() => page.url()).toContain(`#/broadcasts?segment=${id}`);
      await expect.poll(() => page.getByTestId("bc-segment").inputValue()).toBe(id);
      expect(await page.getByTestId("bc-audience-segment").getAttribute("aria-pressed")).toBe("true");
      await expect.poll(() => page.getByTestId("bc-segment-count").textContent()).toContain("Khớp 1 người");
      await page.getByTestId("bc-name").fill("Ưu đãi cho khách VIP");
      await page.getByTestId("bc-category-care").click();
      await page.getByTestId("bc-text").fill("Cảm ơn bạn đã là khách VIP của quán!");
      await page.getByTestId("bc-create").click();

      // The draft's preview counts the segment's people: Khoa alone.
      await expect.poll(() => page.getByTestId("pv-audience").textContent(), { timeout: 15_000 }).toBe("1");
      expect(await page.getByTestId("bc-segment-link").textContent()).toBe("phân khúc đã lưu, phiên bản 3");
      const bid = /#\/broadcasts\/([\w-]+)/.exec(page.url())![1];
      const b = (await fetch(`${stack.apiUrl}/api/admin/broadcasts/${bid}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as any;
      expect(b.audience).toMatchObject({ followersOnly: true, segmentId: id, segment: { id, version: 3 } });

      // Delete the segment: gone from the list (the broadcast keeps its recorded rules).
      await page.goto(`${stack.consoleUrl}/#/segments/${id}`);
      await expect.poll(() => page.getByTestId("segment-version").textContent()).toBe("Phiên bản 3");
      page.once("dialog", (d) => void d.accept());
      await page.getByTestId("segment-delete").click();
      await expect.poll(() => page.getByTestId("segments-page").textContent()).toContain("Chưa có phân khúc nào");

      expect(errors).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
