// The voucher guarantees on both databases, through the service with real concurrency (on PostgreSQL, a pool of
// connections and SERIALIZABLE transactions run again on conflicts; on SQLite, one connection and group commit).
import { expect, it } from "vitest";
import { CampaignInput, ErrorCode } from "@mc/shared";
import { onBothDatabases } from "../../db/test-stores";
import type { Store } from "../../db/store";
import { SYSTEM } from "../../lib/audit";
import { createSigner } from "../../lib/signed-token";
import { createCustomerRepo } from "../customers/repo";
import { createIdentityRepo } from "../identity/repo";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createStoreRepo } from "../stores/repo";
import { createVoucherRepo, type NewCampaign } from "./repo";
import { createVoucherTimelineRepo } from "./timeline-repo";
import { createVoucherService } from "./service";

const NOW = Date.UTC(2026, 10, 20, 3);
const rnd = () => Math.random().toString(36).slice(2, 10);

async function setUp(store: Store) {
  const customers = createCustomerRepo(store);
  const stores = createStoreRepo(store);
  const loyaltyRepo = createLoyaltyRepo(store);
  const repo = createVoucherRepo(store);
  const vouchers = createVoucherService({
    store,
    repo,
    loyaltyRepo,
    identityRepo: createIdentityRepo(customers, stores),
    operatorExists: () => false,
    qrSigner: createSigner("test-secret", "voucher-qr"),
    now: () => NOW,
  });
  const storeId = `s-${rnd()}`;
  await stores.insert({ id: storeId, name: "Quầy", createdAt: NOW });
  const staff = { kind: "customer" as const, id: `staff-${rnd()}`, role: "staff" as const, storeIds: [storeId] };
  const shopper = (name = "Lan") => customers.insertCustomer({ zaloId: `z-${rnd()}`, zaloOaId: null, name }, NOW);
  const campaign = async (c: Partial<NewCampaign> = {}) => {
    const id = `k-${rnd()}`;
    await repo.insertCampaign({ id, name: `Giảm ${id}`, kind: "amount_off", value: 20_000, validDaysAfterClaim: 30, createdAt: NOW, updatedAt: NOW, ...c });
    return id;
  };
  const one = <T>(sql: string, ...p: unknown[]) => store.prepare<T>(sql, "pluck").get(...p) as Promise<T> | T;
  return { customers, loyaltyRepo, repo, vouchers, storeId, staff, shopper, campaign, one };
}

const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === "rejected" ? (r.reason as { code?: string }).code : "ok");
const tally = (rs: PromiseSettledResult<unknown>[]) => rs.reduce<Record<string, number>>((m, r) => ((m[codeOf(r)!] = (m[codeOf(r)!] ?? 0) + 1), m), {});

onBothDatabases(
  "vouchers",
  (store) => {
    it("200 concurrent redemptions of one voucher (QR, typed code and member card): exactly one succeeds, every other is VOUCHER_ALREADY_REDEEMED", async () => {
      const { vouchers, staff, storeId, shopper, campaign, one } = await setUp(store());
      const member = await shopper();
      const { voucher } = await vouchers.issue({ campaignId: await campaign(), customerId: member.id, source: "claim", sourceKey: null, actor: SYSTEM });
      const qr = await vouchers.qr(member.id, voucher.id);
      const inputs = [{ qr: qr.payload }, { code: qr.code }, { memberCode: member.memberCode, voucherId: voucher.id }];
      const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => vouchers.redeem(staff, { ...inputs[i % 3]!, storeId })));
      expect(tally(results)).toEqual({ ok: 1, [ErrorCode.VOUCHER_ALREADY_REDEEMED]: 199 });
      const won = results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<{ voucher: { status: string } }>;
      expect(won.value.voucher.status).toBe("used");
      // The refusals say where it was used; the one redemption is audited once.
      const refusal = (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as { details: { storeId: string } };
      expect(refusal.details.storeId).toBe(storeId);
      expect(await one("select status from vouchers where id = ?", voucher.id)).toBe("redeemed");
      expect(await one("select count(*) from audit_log where action = 'voucher.redeem' and target_id = ?", voucher.id)).toBe(1);
    });

    it("a campaign with 25 vouchers of stock issues exactly 25 of 200 concurrent claims; the rest are CAMPAIGN_OUT_OF_STOCK", async () => {
      const { vouchers, shopper, campaign, one } = await setUp(store());
      const k = await campaign({ stock: 25, perCustomerLimit: 5 });
      const people = await Promise.all(Array.from({ length: 40 }, (_, i) => shopper(`Khách ${i}`)));
      const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => vouchers.claim(people[i % 40]!.id, k)));
      expect(tally(results)).toEqual({ ok: 25, [ErrorCode.CAMPAIGN_OUT_OF_STOCK]: 175 });
      expect(await one("select issued from voucher_campaigns where id = ?", k)).toBe(25);
      expect(await one("select count(*) from vouchers where campaign_id = ?", k)).toBe(25);
      // Nobody passed the per-customer limit on the way.
      expect(
        await one("select coalesce(max(n), 0) from (select count(*) as n from vouchers where campaign_id = ? group by customer_id) t", k),
      ).toBeLessThanOrEqual(5);
    });

    it("50 concurrent claims by one shopper stop at the per-customer limit", async () => {
      const { vouchers, shopper, campaign, one } = await setUp(store());
      const k = await campaign({ perCustomerLimit: 3 });
      const member = await shopper();
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => vouchers.claim(member.id, k)));
      expect(tally(results)).toEqual({ ok: 3, [ErrorCode.CAMPAIGN_LIMIT_REACHED]: 47 });
      expect(await one("select count(*) from vouchers where campaign_id = ? and customer_id = ?", k, member.id)).toBe(3);
      expect(await one("select issued from voucher_campaigns where id = ?", k)).toBe(3);
    });

    it("points for vouchers: 50 concurrent exchanges never spend more than the balance, one spend entry per voucher", async () => {
      const { vouchers, loyaltyRepo, customers, shopper, campaign, one } = await setUp(store());
      const member = await shopper();
      await loyaltyRepo.append({ customerId: member.id, kind: "adjust", delta: 100, reason: "Tặng", sourceKey: `seed:${member.id}`, actor: SYSTEM, now: NOW });
      const k = await campaign({ costPoints: 30, perCustomerLimit: 100 });
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => vouchers.claim(member.id, k)));
      expect(tally(results)).toEqual({ ok: 3, [ErrorCode.INSUFFICIENT_POINTS]: 47 });
      expect((await customers.byId(member.id))!.pointsBalance).toBe(10);
      expect(await one("select count(*) from vouchers where customer_id = ?", member.id)).toBe(3);
      expect(await one("select count(*) from points_ledger where customer_id = ? and kind = 'spend' and delta = -30", member.id)).toBe(3);
      expect(await one("select sum(delta) from points_ledger where customer_id = ?", member.id)).toBe(10);
      expect(await one("select issued from voucher_campaigns where id = ?", k)).toBe(3);
      // Every refused exchange wrote nothing: the ledger's running balances are 70, 40, 10 once each.
      expect(
        await store()
          .prepare<number>("select balance_after from points_ledger where customer_id = ? and kind = 'spend' order by balance_after desc", "pluck")
          .all(member.id),
      ).toEqual([70, 40, 10]);
    });

    it("one exchange retried 30 times at once (the same request id) issues one voucher and spends once", async () => {
      const { vouchers, loyaltyRepo, customers, shopper, campaign, one } = await setUp(store());
      const member = await shopper();
      await loyaltyRepo.append({ customerId: member.id, kind: "adjust", delta: 100, reason: "Tặng", sourceKey: `seed:${member.id}`, actor: SYSTEM, now: NOW });
      const k = await campaign({ costPoints: 30, perCustomerLimit: 100 });
      const results = await Promise.allSettled(Array.from({ length: 30 }, () => vouchers.claim(member.id, k, "req-00000001")));
      expect(tally(results)).toEqual({ ok: 30 });
      const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ voucher: { id: string } }>).value.voucher.id));
      expect(ids.size).toBe(1);
      expect((await customers.byId(member.id))!.pointsBalance).toBe(70);
      expect(await one("select count(*) from points_ledger where customer_id = ? and kind = 'spend'", member.id)).toBe(1);
      expect(await one("select issued from voucher_campaigns where id = ?", k)).toBe(1);
    });

    it("the reads where the dialects differ: campaign stats, catalogue, counter lookups, the expiring scan's pages, the timeline", async () => {
      const { vouchers, repo, staff, storeId, shopper, campaign } = await setUp(store());
      const operator = { kind: "operator" as const, id: "owner-1", console: "owner" as const, role: "admin" as const, storeIds: [] };
      const member = await shopper();
      const k = await campaign({ perCustomerLimit: 5, storeIds: JSON.stringify([storeId]) });
      const issued: { id: string }[] = [];
      for (let i = 0; i < 3; i++)
        issued.push((await vouchers.issue({ campaignId: k, customerId: member.id, source: "claim", sourceKey: null, actor: SYSTEM })).voucher);
      expect((await vouchers.ofMember(staff, { memberCode: member.memberCode, storeId })).vouchers).toHaveLength(3);
      await vouchers.redeem(staff, { memberCode: member.memberCode, voucherId: issued[0]!.id, storeId });
      const inspected = await vouchers.inspect(staff, { memberCode: member.memberCode, voucherId: issued[0]!.id, storeId });
      expect(inspected).toMatchObject({ validHere: true, voucher: { status: "used" }, owner: { id: member.id } });

      const stats = (await vouchers.listCampaigns()).find((c) => c.id === k)!.stats;
      expect(stats).toEqual({ issued: 3, redeemed: 1, expired: 0, byStore: [{ storeId, storeName: "Quầy", redeemed: 1 }] });
      // 31 days on, the two unused ones count as expired.
      expect((await repo.campaignCounts(NOW + 31 * 86_400_000)).get(k)).toMatchObject({ redeemed: 1, expired: 2 });
      expect((await vouchers.catalogue(member.id)).find((c) => c.id === k)).toMatchObject({ claimedByMe: 3, claimable: true, blockedBy: null });
      expect((await vouchers.mine(member.id, "active")).map((v) => v.id).sort()).toEqual([issued[1]!.id, issued[2]!.id].sort());

      const off = await vouchers.setCampaignActive(operator, k, false);
      expect(off.active).toBe(false);
      expect((await vouchers.catalogue(member.id)).some((c) => c.id === k)).toBe(false);
      await expect(vouchers.claim(member.id, k)).rejects.toMatchObject({ code: ErrorCode.CAMPAIGN_NOT_ACTIVE });

      // The admin's create and edit: every column through the one insert and update, audited; stock never below issued.
      const input = CampaignInput.parse({
        name: "Đổi điểm",
        kind: "percent_off",
        value: 10,
        validDaysAfterClaim: 7,
        maxDiscountVnd: 30_000,
        stock: 50,
        requiresFollow: true,
        storeIds: [storeId, storeId],
      });
      const made = await vouchers.createCampaign(operator, input);
      expect(made).toMatchObject({
        kind: "percent_off",
        value: 10,
        maxDiscountVnd: 30_000,
        stock: 50,
        remaining: 50,
        requiresFollow: true,
        listed: true,
        active: true,
        storeIds: [storeId],
      });
      const edited = await vouchers.updateCampaign(operator, made.id, { ...input, stock: 5, requiresFollow: false, listed: false, costPoints: 7 });
      expect(edited).toMatchObject({ stock: 5, requiresFollow: false, listed: false, costPoints: 7, active: true });
      await expect(vouchers.updateCampaign(operator, k, { ...input, stock: 2 })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      await expect(vouchers.updateCampaign(operator, "nope", input)).rejects.toMatchObject({ code: ErrorCode.CAMPAIGN_NOT_FOUND });

      // The expiring scan pages through (expires_at, id) without repeating or skipping one.
      const seen: string[] = [];
      let after: { at: number; id: string } | null = null;
      for (;;) {
        const page = await repo.expiringPage({ from: NOW, to: NOW + 31 * 86_400_000, after, n: 1 });
        if (!page.length) break;
        seen.push(...page.map((r) => r.id));
        after = { at: page[page.length - 1]!.expiresAt, id: page[page.length - 1]!.id };
      }
      expect(seen.filter((id) => issued.some((v) => v.id === id)).sort()).toEqual([issued[1]!.id, issued[2]!.id].sort());

      const timeline = createVoucherTimelineRepo(store());
      const all = await timeline.range({ customerId: member.id, stores: null, min: 0, max: Number.MAX_SAFE_INTEGER, n: 10 });
      expect(all).toHaveLength(3);
      const here = await timeline.range({ customerId: member.id, stores: JSON.stringify([storeId]), min: 0, max: Number.MAX_SAFE_INTEGER, n: 10 });
      expect(here.map((r) => [r.id, r.store_name, r.campaign_name])).toEqual([[issued[0]!.id, "Quầy", `Giảm ${k}`]]);
      expect(await timeline.range({ customerId: member.id, stores: JSON.stringify(["elsewhere"]), min: 0, max: Number.MAX_SAFE_INTEGER, n: 10 })).toEqual([]);
      expect(await timeline.straddling({ customerId: member.id, stores: null, at: NOW + 1 })).toHaveLength(3);
    });
  },
  { max: 8 },
);
