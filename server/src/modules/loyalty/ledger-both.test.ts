// The ledger's guarantees on both databases, through the service with real concurrency (on PostgreSQL, a pool of
// connections and SERIALIZABLE transactions; on SQLite, one connection and group commit).
import { expect, it } from "vitest";
import { ErrorCode } from "@mc/shared";
import { onBothDatabases } from "../../db/test-stores";
import type { Store } from "../../db/store";
import { createCustomerRepo } from "../customers/repo";
import { createIdentityRepo } from "../identity/repo";
import { createStoreRepo } from "../stores/repo";
import { createLoyaltyRepo } from "./repo";
import { createLoyaltyService } from "./service";

const NOW = Date.UTC(2026, 10, 20, 3);

async function setUp(store: Store) {
  const customers = createCustomerRepo(store);
  const stores = createStoreRepo(store);
  const repo = createLoyaltyRepo(store);
  const loyalty = createLoyaltyService({ store, repo, identityRepo: createIdentityRepo(customers, stores), now: () => NOW });
  const storeId = `s-${Math.random().toString(36).slice(2, 8)}`;
  await stores.insert({ id: storeId, name: "Quầy", createdAt: NOW });
  const member = await customers.insertCustomer({ zaloId: `z-${Math.random()}`, zaloOaId: null, name: "Lan" }, NOW);
  const actor = { kind: "customer" as const, id: "staff-1", role: "staff" as const, storeIds: [storeId] };
  const ledger = (id: string) =>
    store.prepare<{ n: number; sum: number }>(`select count(*) as n, coalesce(sum(delta), 0) as sum from points_ledger where customer_id = ?`).get(id);
  return { customers, loyalty, repo, storeId, member, actor, ledger };
}

onBothDatabases(
  "ledger",
  (store) => {
    it("200 concurrent awards of one receipt earn once, and the balance is that award", async () => {
      const { loyalty, storeId, member, actor, ledger, customers } = await setUp(store());
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, () => loyalty.award({ actor, memberCode: member.memberCode, storeId, amountVnd: 120_000, receiptId: "hd-0001" })),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const values = results.map((r) => (r as PromiseFulfilledResult<{ duplicate: boolean; points: number }>).value);
      expect(values.filter((v) => !v.duplicate)).toHaveLength(1);
      const { n, sum } = (await ledger(member.id))!;
      expect(n).toBe(1);
      expect(sum).toBe(values[0]!.points);
      expect((await customers.byId(member.id))!.pointsBalance).toBe(sum);
    });

    it("concurrent awards of different receipts for one member all count, with a balance equal to the ledger's sum", async () => {
      const { loyalty, storeId, member, actor, ledger, customers } = await setUp(store());
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => loyalty.award({ actor, memberCode: member.memberCode, storeId, amountVnd: 50_000, receiptId: `r-${i}` })),
      );
      expect(results.every((r) => !r.duplicate)).toBe(true);
      const { n, sum } = (await ledger(member.id))!;
      expect(n).toBe(60);
      expect((await customers.byId(member.id))!.pointsBalance).toBe(sum);
      // The running balances the entries carry are 60 distinct steps: no two awards saw the same balance.
      expect(new Set(results.map((r) => r.balance)).size).toBe(60);
    });

    it("concurrent deductions never take the balance below zero, and each refused one writes nothing", async () => {
      const { loyalty, member, ledger, customers } = await setUp(store());
      const admin = { kind: "operator" as const, id: "owner-1", console: "owner" as const, role: "admin" as const, storeIds: [] };
      await loyalty.adjust({ actor: admin as never, customerId: member.id, delta: 100, reason: "Tặng", idempotencyKey: "seed" });
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          loyalty.adjust({ actor: admin as never, customerId: member.id, delta: -10, reason: "Đổi", idempotencyKey: `d-${i}` }),
        ),
      );
      const refused = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      expect(results.length - refused.length).toBe(10);
      expect(refused.every((r) => (r.reason as { code: string }).code === ErrorCode.INSUFFICIENT_POINTS)).toBe(true);
      expect((await customers.byId(member.id))!.pointsBalance).toBe(0);
      expect(await ledger(member.id)).toEqual({ n: 11, sum: 0 });
    });
  },
  { max: 8 },
);
