import { describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO_ADMIN, type Stack } from "../support/stack";
import { openDesktop, realErrors } from "../support/browser";
import { withConsoleStack } from "../support/suite";

describe("broadcast page: outcomes a crash left unknown", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("shows them apart from failures, in Vietnamese, with what they mean", async () => {
    const token = await stack.adminToken();
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json() as Promise<any>);
    // No caps or quiet hours: the followers' welcome messages would hold the broadcast for a day.
    const { rules } = await call("GET", "/api/admin/warming-rules");
    await call("PUT", "/api/admin/warming-rules", { rules: { ...rules, caps: [], quietHours: null } });
    const b = await call("POST", "/api/admin/broadcasts", {
      name: "Hỏi thăm",
      category: "care",
      content: { text: "Cảm ơn bạn!" },
      audience: { followersOnly: true },
    });
    expect((await call("POST", `/api/admin/broadcasts/${b.id}/start`)).recipients).toBe(2);
    await expect.poll(async () => (await call("GET", `/api/admin/broadcasts/${b.id}`)).state, { timeout: 15_000 }).toBe("done");
    // What crash recovery writes when Zalo's conversation API cannot tell (the path itself is tested in the server).
    stack.app.services.db.$client
      .prepare("update outbox set state = 'failed', reason = 'OUTCOME_UNKNOWN' where id = (select min(id) from outbox where broadcast_id = ?)")
      .run(b.id);
    expect((await call("GET", `/api/admin/broadcasts/${b.id}`)).counts).toMatchObject({ sent: 1, failed: 0, unknown: 1 });

    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await page.goto(`${stack.consoleUrl}/`);
      await page.getByTestId("login-email").fill(DEMO_ADMIN.email);
      await page.getByTestId("login-password").fill(DEMO_ADMIN.password);
      await page.getByTestId("login-submit").click();
      await expect.poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 15_000 }).toBe(DEMO_ADMIN.email);
      await page.goto(`${stack.consoleUrl}/#/broadcasts/${b.id}`);
      await expect.poll(() => page.getByTestId("count-unknown").textContent(), { timeout: 15_000 }).toBe("1");
      expect(await page.getByTestId("count-failed").textContent()).toBe("0");
      expect(await page.getByTestId("count-sent").textContent()).toBe("1");
      expect(await page.getByText("Không rõ kết quả").count()).toBeGreaterThan(0);
      expect(await page.getByTestId("bc-unknown-hint").textContent()).toContain("không được gửi lại");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);
});
