import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";

let h: Harness;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
beforeEach(async () => {
  h = await startHarness();
  ctx = await withStoreAndStaff(h);
});
afterEach(async () => h.close());

const DAY = 86_400_000;
const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];
const api = (method: string, url: string, payload?: unknown, token = ctx.admin) =>
  h.app.inject({ method: method as any, url, headers: bearer(token), payload: payload as any });
const BASE = { name: "Giảm 20K", kind: "amount_off", value: 20_000, validDaysAfterClaim: 30 };
const campaigns = async () => (await api("GET", "/api/admin/voucher-campaigns")).json().campaigns as any[];

async function redeem(token: string, voucherId: string, storeId: string) {
  const qr = (await api("GET", `/api/me/vouchers/${voucherId}/qr`, undefined, token)).json();
  const r = await api("POST", "/api/staff/vouchers/redeem", { qr: qr.payload, storeId });
  expect(r.statusCode, r.body).toBe(200);
}

describe("campaign counts", () => {
  it("issued, redeemed, expired unused, and redemptions per store, per campaign", async () => {
    const a = (await api("POST", "/api/admin/voucher-campaigns", { ...BASE, perCustomerLimit: 3 })).json();
    const short = (await api("POST", "/api/admin/voucher-campaigns", { ...BASE, name: "Hết hạn sau 1 ngày", validDaysAfterClaim: 1 })).json();
    const idle = (await api("POST", "/api/admin/voucher-campaigns", { ...BASE, name: "Chưa ai nhận" })).json();
    const people = [await newShopper(h, "An"), await newShopper(h, "Bình")];
    const claimed: { token: string; id: string }[] = [];
    for (const p of people)
      for (let i = 0; i < 3; i++)
        claimed.push({ token: p.token, id: (await api("POST", `/api/vouchers/campaigns/${a.id}/claim`, {}, p.token)).json().voucher.id });
    for (const p of people) await api("POST", `/api/vouchers/campaigns/${short.id}/claim`, {}, p.token);
    // Three redeemed at Quận 1, one at Quận 3.
    await redeem(claimed[0]!.token, claimed[0]!.id, "q1");
    await redeem(claimed[1]!.token, claimed[1]!.id, "q1");
    await redeem(claimed[3]!.token, claimed[3]!.id, "q1");
    await redeem(claimed[4]!.token, claimed[4]!.id, "q3");
    // Two days on: the one-day vouchers expired unused; the 30-day ones did not.
    await h.control("POST", "/_emu/clock", { advanceMs: 2 * DAY });

    const byId = new Map((await campaigns()).map((c) => [c.id, c.stats]));
    expect(byId.get(a.id)).toEqual({
      issued: 6,
      redeemed: 4,
      expired: 0,
      byStore: [
        { storeId: "q1", storeName: "Quận 1", redeemed: 3 },
        { storeId: "q3", storeName: "Quận 3", redeemed: 1 },
      ],
    });
    expect(byId.get(short.id)).toEqual({ issued: 2, redeemed: 0, expired: 2, byStore: [] });
    expect(byId.get(idle.id)).toEqual({ issued: 0, redeemed: 0, expired: 0, byStore: [] });
  });

  it("the counts read one covering index in its order: no table scan, no temporary b-tree", () => {
    const plan = sql(
      `explain query plan select campaign_id, status, redeemed_store_id, count(*), sum(expires_at <= 0)
       from vouchers indexed by vouchers_campaign_status_idx group by campaign_id, status, redeemed_store_id`,
    )
      .map((r) => r.detail)
      .join("\n");
    expect(plan).toContain("USING COVERING INDEX vouchers_campaign_status_idx");
    expect(plan).not.toContain("TEMP B-TREE");
  });
});

describe("deactivate and reactivate", () => {
  it("a deactivated campaign leaves the catalogue and cannot be claimed; reactivated it returns; vouchers already issued still redeem", async () => {
    const c = (await api("POST", "/api/admin/voucher-campaigns", { ...BASE, perCustomerLimit: 2 })).json();
    const shopper = await h.login("shopper");
    const catalogue = async () => ((await api("GET", "/api/vouchers/catalogue", undefined, shopper.token)).json().items as any[]).map((i) => i.id);
    const first = (await api("POST", `/api/vouchers/campaigns/${c.id}/claim`, {}, shopper.token)).json().voucher;
    expect(await catalogue()).toEqual([c.id]);

    const off = await api("PUT", `/api/admin/voucher-campaigns/${c.id}/active`, { active: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: c.id, active: false });
    expect(await catalogue()).toEqual([]);
    const refused = await api("POST", `/api/vouchers/campaigns/${c.id}/claim`, {}, shopper.token);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("CAMPAIGN_NOT_ACTIVE");
    await redeem(shopper.token, first.id, "q1");

    expect((await api("PUT", `/api/admin/voucher-campaigns/${c.id}/active`, { active: true })).json().active).toBe(true);
    expect(await catalogue()).toEqual([c.id]);
    expect((await api("POST", `/api/vouchers/campaigns/${c.id}/claim`, {}, shopper.token)).statusCode).toBe(200);
    expect(sql("select action from audit_log where target_id = ? and action like 'campaign.%' order by id", c.id).map((r) => r.action)).toEqual([
      "campaign.create",
      "campaign.deactivate",
      "campaign.reactivate",
    ]);
  });

  it("an edit is all or nothing and validated by the shared schema; unknown campaigns are 404", async () => {
    const c = (await api("POST", "/api/admin/voucher-campaigns", { ...BASE, stock: 5 })).json();
    const shopper = await h.login("shopper");
    await api("POST", `/api/vouchers/campaigns/${c.id}/claim`, {}, shopper.token);
    const edited = await api("PUT", `/api/admin/voucher-campaigns/${c.id}`, { ...BASE, name: "Giảm 25K", value: 25_000, stock: 10 });
    expect(edited.json()).toMatchObject({ name: "Giảm 25K", value: 25_000, stock: 10, issued: 1 });
    const bad = await api("PUT", `/api/admin/voucher-campaigns/${c.id}`, { ...BASE, name: "Sai", kind: "percent_off", value: 150 });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().details)).toContain("phần trăm giảm phải từ 1 đến 100");
    const belowIssued = await api("PUT", `/api/admin/voucher-campaigns/${c.id}`, { ...BASE, name: "Kho 0", stock: 0 });
    expect(belowIssued.statusCode).toBe(400);
    expect((await campaigns())[0]).toMatchObject({ name: "Giảm 25K", stock: 10 });
    expect((await api("PUT", "/api/admin/voucher-campaigns/nope/active", { active: false })).json().code).toBe("CAMPAIGN_NOT_FOUND");
    expect((await api("PUT", `/api/admin/voucher-campaigns/${c.id}/active`, { active: "no" })).statusCode).toBe(400);
  });
});
