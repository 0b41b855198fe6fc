import { describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { type Stack } from "../support/stack";
import { openDesktop, openPhone, realErrors, SCREENSHOTS } from "../support/browser";
import { withConsoleStack } from "../support/suite";
import { consoleSignIn as signIn } from "../support/console";

const DAY = 86_400_000;
const CHARTS = ["followers", "messages", "cost", "unfollows", "redemptions", "games", "points"];

/** Today in Vietnam (the browser's time zone here), `back` days ago, as the console's presets count. */
const vnDay = (back = 0) => new Date(Date.now() + 7 * 3600_000 - back * DAY).toISOString().slice(0, 10);

/**
 * A month of history, written straight into the tables (the API and server tests drive the real flows; this
 * gives the charts something to draw): follows, messages with their outcomes, broadcasts with unfollows,
 * redemptions at both stores, QR plays and points. Deterministic.
 */
async function seedMonth(stack: Stack) {
  const token = await stack.adminToken();
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.json() as Promise<any>);
  const campaign = await call("POST", "/api/admin/voucher-campaigns", { name: "Giảm 20K", kind: "amount_off", value: 20_000, validDaysAfterClaim: 30 });
  const game = await call("POST", "/api/admin/games", {
    name: "Vòng quay",
    kind: "wheel",
    storeIds: [],
    playsPerDay: 1,
    prizes: [
      { label: "Chúc may mắn", kind: "none", weight: 1 },
      { label: "Hẹn gặp lại", kind: "none", weight: 1 },
    ],
  });
  const db = stack.app.services.db.$client;
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const id = `seed-${i}`;
    db.prepare("insert into customers (id, name, member_code, created_at, updated_at) values (?, ?, ?, ?, ?)").run(id, `Khách ${i}`, `SEED${1000 + i}`, 0, 0);
    ids.push(id);
  }
  let r = 7;
  const rnd = (n: number) => ((r = (r * 48271) % 2147483647), r % n);
  const stores = ["q1-nguyen-hue", "q3-vo-van-tan"];
  const prize = game.prizes[0].id as string;
  const broadcasts = [
    { id: "seed-b1", name: "Khai trương chi nhánh Võ Văn Tần", back: 24 },
    { id: "seed-b2", name: "Cuối tuần: giảm 20% cà phê sữa", back: 15 },
    { id: "seed-b3", name: "Món mới: trà vải", back: 5 },
  ];
  const outbox = db.prepare(
    "insert into outbox (customer_id, category, source, text, state, reason, channel, free, broadcast_id, unfollow_blamed_at, created_at, updated_at, sent_at, delivered_at, seen_at) values (?, ?, ?, 'x', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const follow = db.prepare("insert into follow_events (customer_id, kind, source, at, received_at) values (?, ?, 'oa_profile', ?, ?)");
  const voucher = db.prepare(
    "insert into vouchers (id, campaign_id, customer_id, code, status, source, issued_at, expires_at, redeemed_at, redeemed_store_id) values (?, ?, ?, ?, 'redeemed', 'claim', ?, ?, ?, ?)",
  );
  const ledger = db.prepare(
    "insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, created_at) values (?, ?, ?, 0, 'seed', ?, ?, 'system', 'seed', ?)",
  );
  const draw = db.prepare(
    "insert into game_draws (id, campaign_id, customer_id, store_id, day, drawn_prize_id, prize_id, win, state, created_at) values (?, ?, ?, ?, ?, ?, ?, 0, 'none', ?)",
  );
  let n = 0;
  db.transaction(() => {
    for (const b of broadcasts) {
      const at = Date.now() - b.back * DAY;
      db.prepare(
        "insert into broadcasts (id, name, category, text, audience, state, recipients, created_by, created_at, started_at, finished_at) values (?, ?, 'promotion', 'x', '{}', 'done', 0, 'seed', ?, ?, ?)",
      ).run(b.id, b.name, at, at, at + 3600_000);
    }
    for (let back = 29; back >= 0; back--) {
      const base = Date.now() - back * DAY - 8 * 3600_000;
      const t = () => base + rnd(8 * 3600_000);
      for (let k = 2 + rnd(6); k > 0; k--) follow.run(ids[rnd(40)], "follow", t(), t());
      for (let k = rnd(3); k > 0; k--) follow.run(ids[rnd(40)], "unfollow", t(), t());
      const b = broadcasts.find((x) => x.back === back);
      for (let k = (b ? 60 : 8) + rnd(10); k > 0; k--) {
        const roll = rnd(100);
        const [state, reason] =
          roll < 30
            ? ["seen", null]
            : roll < 60
              ? ["delivered", null]
              : roll < 75
                ? ["sent", null]
                : roll < 82
                  ? ["held", "QUIET_HOURS"]
                  : roll < 90
                    ? ["suppressed", "NOT_A_FOLLOWER"]
                    : roll < 95
                      ? ["suppressed", "CAP_REACHED"]
                      : ["failed", "ZALO_ERROR"];
        const went = ["seen", "delivered", "sent"].includes(state!);
        const channel = went ? (rnd(10) < 7 ? "cs" : rnd(2) ? "template_uid" : "zns") : null;
        const at = t();
        outbox.run(
          ids[rnd(40)],
          b ? "promotion" : "care",
          b ? "broadcast" : "welcome",
          state,
          reason,
          channel,
          channel === "cs" ? (rnd(10) < 8 ? 1 : 0) : channel ? 0 : null,
          b?.id ?? null,
          b && went && rnd(40) === 0 ? at + 600_000 : null,
          at,
          at,
          went ? at : null,
          // The receipts a minute and twenty minutes on (the dashboard counts each on its own day).
          state === "delivered" || state === "seen" ? at + 60_000 : null,
          state === "seen" ? at + 20 * 60_000 : null,
        );
      }
      for (let k = rnd(7); k > 0; k--) {
        const at = t();
        n++;
        voucher.run(`seed-v${n}`, campaign.id, ids[rnd(40)], `SEEDV${n}`, at - DAY, at + 30 * DAY, at, stores[rnd(3) === 0 ? 1 : 0]);
      }
      for (let k = 3 + rnd(5); k > 0; k--) {
        n++;
        const kind = rnd(10) < 6 ? "earn" : rnd(5) ? "spend" : "expire";
        ledger.run(ids[rnd(40)], kind, (kind === "earn" ? 1 : -1) * (5 + rnd(40)), `seed:${n}`, stores[rnd(2)], t());
      }
      for (let k = rnd(6); k > 0; k--) {
        n++;
        const at = t();
        draw.run(`seed-d${n}`, game.id, ids[rnd(40)], stores[rnd(2)], new Date(at + 7 * 3600_000).toISOString().slice(0, 10), prize, prize, at);
      }
    }
  })();
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const allReady = (page: Page) =>
  expect.poll(() => Promise.all(CHARTS.map((c) => page.getByTestId(`chart-${c}`).getAttribute("data-state"))), { timeout: 15_000 }).not.toContain("loading");

describe("admin console: dashboard", () => {
  let stack: Stack;
  let browser: Browser;
  withConsoleStack((s, b) => {
    stack = s;
    browser = b;
  });

  it("draws every chart for a month, changes the range (loading, then the new figures), and shows empty states", async () => {
    await seedMonth(stack);
    const { page, errors, close } = await openDesktop({ browser, expected: () => false });
    try {
      await signIn(page, stack);
      const asked: string[] = [];
      page.on("request", (req) => req.url().includes("/api/admin/dashboard") && asked.push(new URL(req.url()).search));
      await page.getByTestId("nav-dashboard").click();
      await allReady(page);
      expect(asked).toEqual([`?from=${vnDay(29)}&to=${vnDay(0)}`]);
      for (const c of CHARTS) expect(await page.getByTestId(`chart-${c}`).getAttribute("data-state"), c).toBe("ready");
      // The figures are the API's: the totals match its series.
      const token = await page.evaluate(() => localStorage.getItem("mc.console.token"));
      const api = await (await fetch(`${stack.apiUrl}/api/admin/dashboard${asked[0]}`, { headers: { authorization: `Bearer ${token}` } })).json();
      const sent = api.messages.reduce((a: number, m: any) => a + m.sent, 0);
      expect(sent).toBeGreaterThan(100);
      expect(await page.getByTestId("total-sent").textContent()).toBe(sent.toLocaleString("vi-VN"));
      expect(await page.getByTestId("unfollow-bars").locator("li").count()).toBe(3);
      expect(await page.getByTestId("game-bars").locator("li").count()).toBe(2);
      expect(await page.getByTestId("message-reasons").textContent()).toContain("Trong giờ yên lặng");
      expect(await page.locator("#root canvas, .d-canvas canvas").count()).toBeGreaterThanOrEqual(5);
      await page
        .getByTestId("chart-messages")
        .locator(".u-over")
        .hover({ position: { x: 200, y: 80 } });
      await screenshot(page, "console-dashboard");

      // A slow answer: every chart shows its loading state until the 7 days arrive.
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      await page.route("**/api/admin/dashboard**", async (route) => {
        await held;
        await route.continue();
      });
      await page.getByTestId("range-7").click();
      await expect.poll(() => page.getByTestId("chart-points").getAttribute("data-state")).toBe("loading");
      expect(await page.getByTestId("chart-followers-loading").isVisible()).toBe(true);
      release();
      await allReady(page);
      await page.unroute("**/api/admin/dashboard**");
      expect(asked.at(-1)).toBe(`?from=${vnDay(6)}&to=${vnDay(0)}`);
      expect(await page.getByTestId("dash-range").textContent()).toContain("7 ngày");

      // A custom range: refused in the page when backwards, then a month with nothing in it.
      await page.getByTestId("range-custom").click();
      await page.getByTestId("range-from").fill("2020-02-01");
      await page.getByTestId("range-to").fill("2020-01-01");
      await page.getByTestId("range-apply").click();
      expect(await page.getByTestId("range-error").textContent()).toContain("Ngày bắt đầu phải trước");
      await page.getByTestId("range-to").fill("2020-02-29");
      await page.getByTestId("range-apply").click();
      await allReady(page);
      expect(asked.at(-1)).toBe("?from=2020-02-01&to=2020-02-29");
      for (const c of CHARTS) expect(await page.getByTestId(`chart-${c}-empty`).textContent(), c).toBe("Chưa có dữ liệu trong khoảng này");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  });

  it("reads on a 360 px phone: one column, the nav on top, charts as wide as the screen", async () => {
    const { page, errors, close } = await openPhone({ browser });
    try {
      await page.setViewportSize({ width: 360, height: 780 });
      await signIn(page, stack);
      await page.goto(`${stack.consoleUrl}/#/dashboard`);
      await allReady(page);
      await page.getByTestId("range-90").click();
      await allReady(page);
      expect(await page.getByTestId("dash-range").textContent()).toContain("90 ngày");
      await screenshot(page, "console-dashboard-phone");
      // Nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      const box = await page.getByTestId("chart-followers").locator("canvas").first().boundingBox();
      expect(box!.width).toBeGreaterThan(280);
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await close();
    }
  });
});
