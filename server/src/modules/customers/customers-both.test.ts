// The customers module's writes on both databases (issue #16), through its services with real concurrency (on
// PostgreSQL a pool of connections and SERIALIZABLE bodies; on SQLite one connection, group commit for notes):
// notes and tags written at once are all kept, and every change leaves its audit row.
import { expect, it } from "vitest";
import { ErrorCode } from "@mc/shared";
import type { Principal } from "../../http/auth";
import type { Store } from "../../db/store";
import { onBothDatabases } from "../../db/test-stores";
import { createStoreRepo } from "../stores/repo";
import { createNotesRepo } from "./notes-repo";
import { createNotesService } from "./notes";
import { createCustomerRepo } from "./repo";
import { createCustomerService } from "./service";
import { createStaffGrants } from "./staff-grants";
import { createCustomerListRepo } from "./list-repo";
import { createCustomerAccess } from "./profile";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createSegmentRepo } from "../segments/repo";
import { createSegmentService } from "../segments/service";
import { DEFAULT_WARMING_RULES } from "@mc/shared";

const NOW = Date.UTC(2026, 10, 20, 3);
const owner = { kind: "operator", id: "op-1", console: "owner", role: "admin", storeIds: [] } as unknown as Principal;

async function setUp(store: Store) {
  const repo = createCustomerRepo(store);
  const stores = createStoreRepo(store);
  const notesRepo = createNotesRepo(store);
  const notes = createNotesService({ store, repo: notesRepo, customers: repo, now: () => NOW });
  const none = () => ({ cancelled: 0, redacted: 0 });
  const customers = createCustomerService({
    store,
    repo,
    stores,
    now: () => NOW,
    timeZone: "Asia/Ho_Chi_Minh",
    forget: { outbox: none, timers: () => 0, webhookEvents: none, notes: notes.forget, sessions: () => {} },
  });
  const storeId = `s-${Math.random().toString(36).slice(2, 8)}`;
  await stores.insert({ id: storeId, name: "Quầy", createdAt: NOW });
  const person = async (name: string) => repo.insertCustomer({ zaloId: `z-${Math.random()}`, zaloOaId: null, name }, NOW);
  const audits = async (action: string, targetId: string) =>
    Number(await store.prepare<number>("select count(*) from audit_log where action = ? and target_id = ?", "pluck").get(action, targetId));
  const grants = createStaffGrants({ store, repo, storeExists: stores.exists, now: () => NOW });
  return { repo, stores, notes, notesRepo, customers, grants, storeId, person, audits };
}

onBothDatabases(
  "customers",
  (store) => {
    it("150 notes added at once about two people are all kept, each audited once", async () => {
      const { notes, notesRepo, person, audits } = await setUp(store());
      const [a, b] = [await person("Lan"), await person("Minh")];
      const written = await Promise.all(Array.from({ length: 150 }, (_, i) => notes.add(owner, i % 3 ? a.id : b.id, `ghi chú ${i}`)));
      expect(new Set(written.map((n) => n.id)).size).toBe(150);
      const ofA = await notesRepo.range({ customerId: a.id, min: 0, max: NOW, n: 500 });
      const ofB = await notesRepo.range({ customerId: b.id, min: 0, max: NOW, n: 500 });
      expect(ofA).toHaveLength(100);
      expect(ofB).toHaveLength(50);
      expect(new Set([...ofA, ...ofB].map((n) => n.text)).size).toBe(150);
      expect((await audits("customer.note", a.id)) + (await audits("customer.note", b.id))).toBe(150);
    });

    it("a note about an unknown or erased person is refused and writes nothing", async () => {
      const { notes, notesRepo, customers, person, audits } = await setUp(store());
      await expect(notes.add(owner, "nobody", "x")).rejects.toMatchObject({ code: ErrorCode.CUSTOMER_NOT_FOUND });
      const p = await person("Hoa");
      await notes.add(owner, p.id, "trước khi xoá");
      if (store().dialect === "sqlite") {
        // Erasure forgets through modules not ported yet (SQLite only for now).
        await customers.erase(owner, p.id, "yêu cầu");
        expect(await notesRepo.range({ customerId: p.id, min: 0, max: NOW, n: 10 })).toEqual([]);
        await expect(notes.add(owner, p.id, "sau")).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
        expect(await audits("customer.note", p.id)).toBe(1);
      }
    });

    it("tags set at once for 20 people are all kept, and each person ends with exactly one of the sets written", async () => {
      const { customers, repo, person, audits } = await setUp(store());
      const people: Awaited<ReturnType<typeof person>>[] = [];
      for (let i = 0; i < 20; i++) people.push(await person(`Khách ${i}`));
      const sets = (i: number) => [`t${i % 4}`, `nhóm-${i % 7}`, "vip"];
      // 100 writes: five per person, each a different set.
      const calls = Array.from({ length: 100 }, (_, i) => ({ who: people[i % 20]!, tags: sets(i) }));
      const results = await Promise.all(calls.map((c) => customers.setTags(owner, c.who.id, [...c.tags, c.tags[0]!])));
      results.forEach((r, i) => expect(r).toEqual(calls[i]!.tags));
      for (const p of people) {
        const got = [...(await repo.tagsOf(p.id))].sort();
        const written = calls.filter((c) => c.who.id === p.id).map((c) => [...c.tags].sort());
        expect(written).toContainEqual(got);
        expect(await audits("customer.tags", p.id)).toBe(5);
      }
    });

    it("grants of different stores to one person at once all stay, one audit row each; revoking at once leaves the rest", async () => {
      const { grants, stores, repo, person, audits } = await setUp(store());
      const p = await person("Quân");
      const ids = Array.from({ length: 12 }, (_, i) => `g${i}-${Math.random().toString(36).slice(2, 6)}`);
      for (const id of ids) await stores.insert({ id, name: id, createdAt: NOW });
      const member = (await repo.byId(p.id))!.memberCode;
      await Promise.all(ids.map((id) => grants.grant(owner, { memberCode: member, storeIds: [id] })));
      expect([...(await repo.storeIdsOf(p.id))].sort()).toEqual([...ids].sort());
      expect(await audits("role.set", p.id)).toBe(12);
      await Promise.all(ids.slice(0, 8).map((id) => grants.revoke(owner, p.id, [id])));
      expect([...(await repo.storeIdsOf(p.id))].sort()).toEqual(ids.slice(8).sort());
      expect((await repo.byId(p.id))!.role).toBe("staff");
      expect(await audits("role.set", p.id)).toBe(20);
    });

    it("staff open only people who visited one of their stores; admins anyone who exists", async () => {
      const { repo, stores, person } = await setUp(store());
      const segments = createSegmentService({
        store: store(),
        repo: createSegmentRepo(store()),
        loyaltyRepo: createLoyaltyRepo(store()),
        policy: () => DEFAULT_WARMING_RULES,
        timeZone: "Asia/Ho_Chi_Minh",
        now: () => NOW,
      });
      const assertCanSee = createCustomerAccess({ customers: repo, segments, listRepo: createCustomerListRepo(store()) });
      const [here, there] = [`h-${Math.random().toString(36).slice(2, 6)}`, `t-${Math.random().toString(36).slice(2, 6)}`];
      for (const id of [here, there]) await stores.insert({ id, name: id, createdAt: NOW });
      const [visitor, elsewhere] = [await person("Ghé"), await person("Nơi khác")];
      const earn = store().prepare(
        "insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, created_at, earned_to_date) values (?, 'earn', 10, 10, 'x', ?, ?, 'system', 'x', ?, 10)",
      );
      await earn.run(visitor.id, `k-${visitor.id}`, here, NOW - 1000);
      await earn.run(elsewhere.id, `k-${elsewhere.id}`, there, NOW - 1000);
      const staff = { kind: "customer", id: "st", role: "staff", storeIds: [here] } as unknown as Principal;
      await expect(assertCanSee(staff, visitor.id)).resolves.toBeUndefined();
      await expect(assertCanSee(staff, elsewhere.id)).rejects.toMatchObject({ code: ErrorCode.CUSTOMER_NOT_FOUND });
      await expect(assertCanSee(owner, elsewhere.id)).resolves.toBeUndefined();
      await expect(assertCanSee({ ...staff, role: "admin" } as Principal, "nobody")).rejects.toMatchObject({ code: ErrorCode.CUSTOMER_NOT_FOUND });
    });

    it("roles and birthdays: validated, written and audited", async () => {
      const { customers, person, storeId, audits } = await setUp(store());
      const p = await person("Thu");
      await expect((async () => customers.setRole(owner, p.id, "staff", []))()).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      await expect((async () => customers.setRole(owner, p.id, "staff", ["nowhere"]))()).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      const staff = await customers.setRole(owner, p.id, "staff", [storeId, storeId]);
      expect([staff.role, staff.storeIds]).toEqual(["staff", [storeId]]);
      expect((await customers.view(p.id)).storeIds).toEqual([storeId]);
      expect(await audits("role.set", p.id)).toBe(1);
      await expect((async () => customers.setMyBirthday(p.id, { birthDate: "1990-05-02", consent: false }))()).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
      });
      const given = await customers.setMyBirthday(p.id, { birthDate: "1990-05-02", consent: true });
      expect(given).toEqual({ birthDate: "1990-05-02", consentAt: new Date(NOW).toISOString() });
      await customers.setBirthDate(owner, p.id, "06-01");
      expect((await customers.myBirthday(p.id)).birthDate).toBe("06-01");
      expect(await audits("customer.birthDate", p.id)).toBe(2);
    });
  },
  { max: 8 },
);
