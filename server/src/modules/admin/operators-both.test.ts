// Console accounts on both databases: the guarantees that must hold when several requests (or instances) act at once.
import { expect, it } from "vitest";
import { ErrorCode } from "@mc/shared";
import { onBothDatabases } from "../../db/test-stores";
import type { Store } from "../../db/store";
import { createAdminRepo } from "./repo";
import { createAdminService } from "./service";

const NOW = Date.UTC(2026, 10, 20, 3);
const owner = { kind: "operator" as const, id: "root", console: "owner" as const, role: "admin" as const, storeIds: [] as string[] };

function setUp(store: Store) {
  const repo = createAdminRepo(store);
  const admin = createAdminService({ store, repo, storeExists: () => true, issueToken: () => "t", now: () => NOW });
  return { repo, admin };
}

onBothDatabases(
  "operators",
  (store) => {
    it("one email is one account, however many creates race for it", async () => {
      const { admin, repo } = setUp(store());
      const email = `race-${Math.random().toString(36).slice(2)}@shop.vn`;
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => admin.create(owner, { email, name: `N${i}`, role: "marketer", storeIds: [], password: "long enough password" })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      expect(refused.every((r) => (r.reason as { code: string }).code === ErrorCode.OPERATOR_EMAIL_TAKEN)).toBe(true);
      expect((await repo.list()).filter((o) => o.email === email)).toHaveLength(1);
    });

    it("two owners deactivating each other at once leave one active owner", async () => {
      const { admin, repo } = setUp(store());
      const ids: string[] = [];
      for (const n of ["a", "b"]) {
        const o = await admin.create(owner, {
          email: `${n}-${Math.random().toString(36).slice(2)}@shop.vn`,
          name: n,
          role: "owner",
          storeIds: [],
          password: "long enough password",
        });
        ids.push(o.id);
      }
      // Only these two are owners in this test's world: deactivate every other owner first.
      for (const o of await repo.list()) if (o.role === "owner" && !ids.includes(o.id) && o.active) await repo.setActive(o.id, false, NOW);
      const results = await Promise.allSettled(ids.map((id) => admin.setActive(owner, id, false)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as { code: string }).code).toBe(ErrorCode.LAST_OWNER);
      expect(await repo.activeOwners()).toBe(1);
    });

    it("a deactivation or a new password ends the sessions issued before it", async () => {
      const { admin } = setUp(store());
      await store().prepare("insert into stores (id, name, created_at) values ('q1', 'Q1', 0) on conflict do nothing").run();
      const o = await admin.create(owner, {
        email: `s-${Math.random().toString(36).slice(2)}@shop.vn`,
        name: "S",
        role: "store_manager",
        storeIds: ["q1"],
        password: "long enough password",
      });
      expect(await admin.loadOperator({ sub: o.id, sv: 0 })).toMatchObject({ kind: "operator", console: "store_manager", role: "staff", storeIds: ["q1"] });
      await admin.resetPassword(owner, o.id, "another long password");
      expect(await admin.loadOperator({ sub: o.id, sv: 0 })).toBeNull();
      expect(await admin.loadOperator({ sub: o.id, sv: 1 })).not.toBeNull();
      await admin.setActive(owner, o.id, false);
      expect(await admin.loadOperator({ sub: o.id, sv: 1 })).toBeNull();
      expect(await admin.loadOperator({ sub: o.id, sv: 2 })).toBeNull(); // inactive
    });
  },
  { max: 8 },
);
