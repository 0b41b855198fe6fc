import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncRepo } from "../../db/test-sync";
import { tx } from "../../db/client";
import { SYSTEM } from "../../lib/audit";
import { newShopper, startHarness, type Harness } from "../../test-support";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createVoucherRepo } from "../vouchers/repo";
import { createExpiringScan } from "./expiring-scan";
import { createAutomationRepo } from "./repo";
import { sqliteStore } from "../../db/store";
import { createTimerWorker } from "./timers";

const DAY = 86_400_000;
// 10:00 in Vietnam, outside quiet hours.
const T0 = Date.UTC(2026, 10, 23, 3, 0);
let h: Harness;
let admin: string;

beforeAll(async () => {
  h = await startHarness();
  await h.control("POST", "/_emu/clock", { now: T0 });
  admin = await h.adminToken();
  syncRepo(createVoucherRepo, h.app.services.db).insertCampaign({
    id: "k1",
    name: "Giảm 20k",
    kind: "amount_off",
    value: 20_000,
    createdAt: T0,
    updatedAt: T0,
  });
});
afterAll(async () => h.close());

const db = () => h.app.services.db;
const sql = (q: string, ...args: unknown[]) =>
  db()
    .$client.prepare(q)
    .all(...args) as Record<string, unknown>[];
const runsOf = (automationId: string) =>
  sql("select customer_id, occurrence_key, state from automation_runs where automation_id = ? order by id", automationId);
const messagesOf = (automationId: string) => sql("select customer_id, text from outbox where dedupe_key like ? order by id", `auto:${automationId}:%`);

let n = 0;
function lot(customerId: string, delta: number, expiresAt: number | null, kind: "earn" | "spend" = "earn") {
  const repo = syncRepo(createLoyaltyRepo, db());
  tx(db(), () => repo.append({ customerId, kind, delta, reason: "test", sourceKey: `test:${++n}`, actor: SYSTEM, expiresAt, now: T0 - DAY }));
}
function voucher(customerId: string, expiresAt: number, status: "issued" | "redeemed" = "issued") {
  const id = `v${++n}`;
  syncRepo(createVoucherRepo, db()).insertVoucher({
    id,
    campaignId: "k1",
    customerId,
    code: `C${n}`,
    source: "test",
    sourceKey: id,
    issuedAt: T0 - DAY,
    expiresAt,
  });
  if (status === "redeemed") sql("update vouchers set status = 'redeemed', redeemed_at = ? where id = ? returning id", T0, id);
  return id;
}
/** A scan as a restarted process would build it: fresh repos on the same database. */
const freshScan = () =>
  createExpiringScan({
    store: sqliteStore(db()),
    automations: h.app.services.automations,
    loyalty: syncRepo(createLoyaltyRepo, db()),
    vouchers: syncRepo(createVoucherRepo, db()),
    timeZone: "Asia/Ho_Chi_Minh",
    now: () => T0,
  });

async function edit(id: string, change: Record<string, unknown>) {
  const a = (await h.app.inject({ method: "GET", url: `/api/admin/automations/${id}`, headers: { authorization: `Bearer ${admin}` } })).json().automation;
  const { name, enabled, waitHours, segmentId, category, priority, text, imageUrl, templateId, templateParams, expiresHours, withinDays } = a;
  const res = await h.app.inject({
    method: "PUT",
    url: `/api/admin/automations/${id}`,
    headers: { authorization: `Bearer ${admin}` },
    payload: { name, enabled, waitHours, segmentId, category, priority, text, imageUrl, templateId, templateParams, expiresHours, withinDays, ...change },
  });
  expect(res.statusCode).toBe(200);
  return res.json().automation;
}

describe("expiring automations", () => {
  it("the recipes are seeded, care, on, with their windows and vars", async () => {
    const list = (await h.app.inject({ method: "GET", url: "/api/admin/automations", headers: { authorization: `Bearer ${admin}` } })).json().automations;
    const byId = Object.fromEntries(list.map((a: { id: string }) => [a.id, a]));
    expect(byId["points-expiring"]).toMatchObject({
      trigger: "points_expiring",
      enabled: true,
      category: "care",
      withinDays: 7,
      vars: ["name", "points", "date"],
    });
    expect(byId["voucher-expiring"]).toMatchObject({
      trigger: "voucher_expiring",
      enabled: true,
      category: "care",
      withinDays: 3,
      vars: ["name", "voucher", "date"],
    });
  });

  it("points lapsing within 7 days: once per person per lapse date across rescans and a restart; not outside the window or already spent", async () => {
    const a = await newShopper(h, "Khách Điểm");
    const b = await newShopper(h, "Khách Đã Tiêu");
    const c = await newShopper(h, "Khách Xa");
    lot(a.customer.id, 100, T0 + 5 * DAY);
    lot(a.customer.id, 50, T0 + 20 * DAY);
    lot(b.customer.id, 80, T0 + 5 * DAY);
    lot(b.customer.id, -80, null, "spend");
    lot(c.customer.id, 70, T0 + 30 * DAY);

    await h.app.services.expiringScan.run();
    await h.app.services.expiringScan.run();
    await freshScan().run();

    expect(runsOf("points-expiring")).toEqual([{ customer_id: a.customer.id, occurrence_key: `${a.customer.id}:2026-11-28`, state: "queued" }]);
    const sent = messagesOf("points-expiring");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toBe("Chào Khách Điểm, bạn có 100 điểm sẽ hết hạn vào 28/11/2026. Ghé cửa hàng dùng điểm trước ngày đó nhé!");

    // A wider window (edited in the console) finds the far lot too, and still nothing twice.
    await edit("points-expiring", { withinDays: 30 });
    await freshScan().run();
    await freshScan().run();
    expect(runsOf("points-expiring").map((r) => r.occurrence_key)).toEqual([`${a.customer.id}:2026-11-28`, `${c.customer.id}:2026-12-23`]);
  });

  it("an unused voucher expiring within 3 days: once, across rescans and a restart; not later ones, used or already expired ones", async () => {
    const a = await newShopper(h, "Khách Voucher");
    const soon = voucher(a.customer.id, T0 + 2 * DAY);
    voucher(a.customer.id, T0 + 10 * DAY);
    voucher(a.customer.id, T0 + DAY, "redeemed");
    voucher(a.customer.id, T0 - DAY);

    await h.app.services.expiringScan.run();
    await freshScan().run();
    await freshScan().run();

    expect(runsOf("voucher-expiring")).toEqual([{ customer_id: a.customer.id, occurrence_key: soon, state: "queued" }]);
    const sent = messagesOf("voucher-expiring");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toBe('Chào Khách Voucher, voucher "Giảm 20k" của bạn sẽ hết hạn vào 25/11/2026. Đừng bỏ lỡ nhé!');
  });

  it("pages through many vouchers in (expiry, id) order, each once", async () => {
    const a = await newShopper(h, "Khách Nhiều");
    const ids = Array.from({ length: 7 }, () => voucher(a.customer.id, T0 + DAY));
    const scan = createExpiringScan({
      store: sqliteStore(db()),
      automations: h.app.services.automations,
      loyalty: syncRepo(createLoyaltyRepo, db()),
      vouchers: syncRepo(createVoucherRepo, db()),
      timeZone: "Asia/Ho_Chi_Minh",
      now: () => T0,
      pageSize: 3,
    });
    await scan.run();
    const mine = runsOf("voucher-expiring").filter((r) => r.customer_id === a.customer.id);
    expect(mine.map((r) => r.occurrence_key).sort()).toEqual([...ids].sort());
  });

  it("switched off, neither fires", async () => {
    await edit("points-expiring", { enabled: false });
    await edit("voucher-expiring", { enabled: false });
    const d = await newShopper(h, "Khách Tắt");
    lot(d.customer.id, 40, T0 + 2 * DAY);
    voucher(d.customer.id, T0 + DAY);
    await freshScan().run();
    expect(sql("select * from automation_runs where customer_id = ?", d.customer.id)).toEqual([]);
    expect(sql("select * from outbox where customer_id = ? and dedupe_key like 'auto:%expiring%'", d.customer.id)).toEqual([]);

    // On again: the next scan finds them.
    await edit("points-expiring", { enabled: true });
    await edit("voucher-expiring", { enabled: true });
    await freshScan().run();
    expect(sql("select automation_id from automation_runs where customer_id = ? order by automation_id", d.customer.id)).toEqual([
      { automation_id: "points-expiring" },
      { automation_id: "voucher-expiring" },
    ]);
  });
});

describe("the scan's schedule and plans", () => {
  it("runs when the timer worker starts and is awaited by its stop", async () => {
    let runs = 0;
    let finished = false;
    const worker = createTimerWorker({
      store: sqliteStore(db()),
      repo: syncRepo(createAutomationRepo, db()),
      fire: h.app.services.automations.fire,
      now: () => T0,
      scan: async () => {
        runs++;
        await new Promise((r) => setImmediate(r));
        finished = true;
      },
      options: { everyMs: 60_000 },
    });
    worker.start();
    expect(runs).toBe(1);
    await worker.stop();
    expect(finished).toBe(true);
  });

  it("both scans read through an index, not the whole table", () => {
    const plan = (q: string) =>
      sql(`explain query plan ${q}`)
        .map((r) => String(r.detail))
        .join(" | ");
    expect(plan("select distinct customer_id from points_ledger where expires_at > 1 and expires_at <= 2 and delta > 0")).toContain("points_ledger_expiry_idx");
    expect(
      plan(
        "select v.id from vouchers v join voucher_campaigns k on k.id = v.campaign_id where v.status = 'issued' and (v.expires_at, v.id) > (1, 'x') and v.expires_at <= 2 order by v.expires_at, v.id limit 5",
      ),
    ).toContain("vouchers_expiring_idx");
  });
});
