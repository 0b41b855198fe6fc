import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditQuery } from "@mc/shared";
import { bearer, memberCodeOf, newShopper, startHarness, TEST_ENV, type Harness } from "../../test-support";
import { createAuditLog } from "./audit-log";
import { createAuditRepo } from "./audit-repo";

let h: Harness;
let owner: string;
let marketer: string;
const ids = {} as { staff: string; shopper: string; shopperCode: string; staffCode: string; marketerId: string };

// Shop-local (Asia/Ho_Chi_Minh, UTC+7) times: 23:30 on the 1st is the 2nd in UTC's eyes only after 17:00 UTC.
const at = (iso: string) => Date.parse(iso);
const setClock = (iso: string) => h.control("POST", "/_emu/clock", { now: at(iso) });

async function call(method: "GET" | "POST" | "PUT", url: string, token: string | null, payload?: unknown) {
  const res = await h.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
}
const page = (q: Record<string, string | number>, token = owner) =>
  call("GET", `/api/admin/audit?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`, token);

beforeAll(async () => {
  h = await startHarness();
  await setClock("2026-03-01T09:00:00+07:00");
  owner = await h.adminToken();
  await call("POST", "/api/admin/stores", owner, { id: "q1", name: "Quận 1" });
  const m = await call("POST", "/api/admin/operators", owner, { email: "lan@shop.vn", name: "Lan", role: "marketer", password: "a-long-password-1" });
  ids.marketerId = m.body.id;
  marketer = (await call("POST", "/api/admin/login", null, { email: "lan@shop.vn", password: "a-long-password-1" })).body.token;
  const staff = await h.login("staff");
  const shopper = await newShopper(h, "Phạm Thu Hà");
  ids.staff = staff.customer.id;
  ids.shopper = shopper.customer.id;
  ids.staffCode = await memberCodeOf(h, staff.token);
  ids.shopperCode = await memberCodeOf(h, shopper.token);

  // Day 1 (1 March, shop time): the owner grants staff; the marketer tags the shopper late in the evening.
  await setClock("2026-03-01T10:00:00+07:00");
  expect((await call("POST", "/api/admin/staff", owner, { memberCode: ids.staffCode, storeIds: ["q1"] })).status).toBe(200);
  await setClock("2026-03-01T23:30:00+07:00");
  expect((await call("PUT", `/api/admin/customers/${ids.shopper}/tags`, marketer, { tags: ["vip"] })).status).toBe(200);
  // Day 2: the staff member awards points 30 times; the marketer adds a campaign.
  await setClock("2026-03-02T08:00:00+07:00");
  for (let i = 0; i < 30; i++) {
    const r = await call("POST", "/api/staff/points/award", staff.token, {
      memberCode: ids.shopperCode,
      storeId: "q1",
      amountVnd: 20_000,
      receiptId: `R-${i}`,
    });
    expect(r.status).toBe(200);
  }
  await setClock("2026-03-02T12:00:00+07:00");
  expect(
    (await call("POST", "/api/admin/voucher-campaigns", marketer, { name: "Giảm 10%", kind: "percent_off", value: 10, validDaysAfterClaim: 30 })).status,
  ).toBe(201);
}, 60_000);
afterAll(async () => h.close());

const actions = (entries: any[]) => entries.map((e) => e.action);

describe("the audit log", () => {
  it("lists everything newest first, naming actors and people", async () => {
    const all = (await page({ limit: 200 })).body;
    expect(all.next).toBeNull();
    expect(actions(all.entries)).toEqual([
      "campaign.create",
      ...Array(30).fill("points.award"),
      "customer.tags",
      "role.set",
      "operator.create",
      "store.create",
    ]);
    expect(all.entries[0]).toMatchObject({ actor: { kind: "admin", id: ids.marketerId, name: "Lan" }, at: "2026-03-02T05:00:00.000Z" });
    expect(all.entries[1]).toMatchObject({ actor: { kind: "customer", id: ids.staff }, targetId: ids.shopper, targetName: "Phạm Thu Hà", storeId: "q1" });
    expect(all.entries.at(-2)).toMatchObject({ actor: { kind: "admin", name: TEST_ENV.ADMIN_EMAIL }, details: { email: "lan@shop.vn", role: "marketer" } });
    const times = all.entries.map((e: any) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("filters by actor (an id, an operator's email, a member code), by action, by target (an id or a member code)", async () => {
    expect(actions((await page({ actor: "LAN@shop.vn" })).body.entries)).toEqual(["campaign.create", "customer.tags"]);
    expect(actions((await page({ actor: ids.marketerId })).body.entries)).toEqual(["campaign.create", "customer.tags"]);
    const byStaff = (await page({ actor: ids.staffCode, limit: 200 })).body.entries;
    expect(byStaff).toHaveLength(30);
    expect(new Set(actions(byStaff))).toEqual(new Set(["points.award"]));
    expect((await page({ action: "role.set" })).body.entries).toEqual([
      expect.objectContaining({ action: "role.set", targetId: ids.staff, details: { from: "customer", to: "staff", storeIds: ["q1"], added: ["q1"] } }),
    ]);
    const toShopper = (await page({ target: ids.shopperCode.toLowerCase(), limit: 200 })).body.entries;
    expect(toShopper).toHaveLength(31);
    expect(actions(toShopper).at(-1)).toBe("customer.tags");
    expect((await page({ target: ids.shopper, action: "customer.tags" })).body.entries).toHaveLength(1);
    expect((await page({ actor: "nobody@shop.vn" })).body.entries).toEqual([]);
  });

  it("filters by shop-local days, both ends included", async () => {
    // 23:30 on the 1st (shop time) is still the 1st.
    expect(actions((await page({ from: "2026-03-01", to: "2026-03-01" })).body.entries)).toEqual([
      "customer.tags",
      "role.set",
      "operator.create",
      "store.create",
    ]);
    expect((await page({ from: "2026-03-02", limit: 200 })).body.entries).toHaveLength(31);
    expect((await page({ to: "2026-02-28" })).body.entries).toEqual([]);
    const bad = await page({ from: "2026-03-02", to: "2026-03-01" });
    expect([bad.status, bad.body.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect((await page({ from: "2026-02-30" })).status).toBe(400);
  });

  it("pages with a keyset: every entry once, in order, whatever the filter; ties on the same millisecond broken by id", async () => {
    const all = (await page({ limit: 200 })).body.entries.map((e: any) => e.id);
    const filters: Record<string, string>[] = [{}, { action: "points.award" }, { target: ids.shopper }, { actor: ids.staff }, { from: "2026-03-02" }];
    for (const q of filters) {
      const seen: number[] = [];
      let after: string | null = null;
      for (let n = 0; n < 20; n++) {
        const res: { entries: { id: number }[]; next: string | null } = (await page({ ...q, limit: 7, ...(after ? { after } : {}) })).body;
        seen.push(...res.entries.map((e) => e.id));
        after = res.next;
        if (!after) break;
      }
      expect(seen).toEqual(all.filter((id: number) => seen.includes(id)));
      expect(new Set(seen).size).toBe(seen.length);
    }
    // The 30 awards share one millisecond: pages of 7 still give each once.
    const awards = [];
    let after: string | null = null;
    do {
      const res: any = (await page({ action: "points.award", limit: 7, ...(after ? { after } : {}) })).body;
      awards.push(...res.entries);
      after = res.next;
    } while (after);
    expect(awards).toHaveLength(30);
    expect(new Set(awards.map((e) => e.at)).size).toBe(1);
    expect((await page({ after: "not-a-cursor" })).status).toBe(400);
  });

  it("each filter reads its own index backwards, with no sort and no scan of the log", () => {
    // The service the route calls, on the app's own database.
    const log = createAuditLog({ repo: createAuditRepo(h.app.services.db), timeZone: h.config.SHOP_TIME_ZONE });
    const plan = (q: Partial<AuditQuery>) => log.plan({ limit: 50, ...q } as AuditQuery);
    const cases: [Partial<AuditQuery>, string][] = [
      [{}, "audit_log_at_idx"],
      [{ from: "2026-03-01", to: "2026-03-02" }, "audit_log_at_idx"],
      [{ after: "1772420400000.5" }, "audit_log_at_idx"],
      [{ actor: ids.staff }, "audit_log_actor_idx"],
      [{ actor: ids.staff, after: "1772420400000.5", from: "2026-03-01" }, "audit_log_actor_idx"],
      [{ action: "points.award" }, "audit_log_action_idx"],
      [{ action: "points.award", after: "1772420400000.5" }, "audit_log_action_idx"],
      [{ target: ids.shopper }, "audit_log_target_idx"],
      [{ target: ids.shopper, to: "2026-03-02" }, "audit_log_target_idx"],
    ];
    for (const [q, index] of cases) {
      const steps = plan(q);
      const main = steps.find((s) => / a\b/.test(s) && /^(SCAN|SEARCH) a\b/.test(s));
      expect(main, `${JSON.stringify(q)}: ${steps.join(" | ")}`).toContain(`USING INDEX ${index}`);
      expect(steps.join(" | "), JSON.stringify(q)).not.toMatch(/TEMP B-TREE/);
      if (Object.keys(q).some((k) => k !== "after" && k !== "from" && k !== "to")) expect(main).toMatch(/^SEARCH/);
    }
  });

  it("is for owners: a marketer and a store manager are refused", async () => {
    await call("POST", "/api/admin/operators", owner, {
      email: "minh@shop.vn",
      name: "Minh",
      role: "store_manager",
      storeIds: ["q1"],
      password: "a-long-password-1",
    });
    const manager = (await call("POST", "/api/admin/login", null, { email: "minh@shop.vn", password: "a-long-password-1" })).body.token;
    for (const token of [marketer, manager]) {
      for (const url of ["/api/admin/audit", "/api/admin/audit/actions"]) {
        const res = await call("GET", url, token);
        expect([res.status, res.body.code]).toEqual([403, "FORBIDDEN"]);
      }
    }
  });

  it("lists the actions the log holds, for the filter", async () => {
    expect((await call("GET", "/api/admin/audit/actions", owner)).body.actions).toEqual(
      expect.arrayContaining(["campaign.create", "customer.tags", "operator.create", "points.award", "role.set"]),
    );
  });
});
