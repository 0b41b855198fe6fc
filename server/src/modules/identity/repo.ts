import { and, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { customers, staffStores, stores } from "../../db/schema";
import { humanCode } from "../../lib/codes";

export type CustomerRow = typeof customers.$inferSelect;

export function createIdentityRepo(db: Db) {
  const byId = (id: string) => db.select().from(customers).where(eq(customers.id, id)).get();
  const storeIdsOf = (customerId: string) =>
    db.select({ storeId: staffStores.storeId }).from(staffStores).where(eq(staffStores.customerId, customerId)).all().map((r) => r.storeId);

  /** The one way a customer row is born, whoever meets the person first (mini app or OA webhook). */
  function insertCustomer(v: { zaloId: string | null; zaloOaId: string | null; name: string; avatar?: string | null }, now: number): CustomerRow {
    const id = randomUUID();
    db.insert(customers).values({ id, ...v, memberCode: humanCode(8), createdAt: now, updatedAt: now }).run();
    return byId(id)!;
  }

  /**
   * Upserts the person Graph /me vouched for. A follower first seen through a webhook (OA id only) is merged
   * into the same row when the mini app later shows us both ids, so one person never becomes two customers.
   */
  function upsertFromZalo(p: { zaloId: string; name: string; avatar: string | null; oaUserId: string | null; isFollower: boolean | null }, now: number): CustomerRow {
    return tx(db, () => {
      let row = db.select().from(customers).where(eq(customers.zaloId, p.zaloId)).get();
      if (!row && p.oaUserId) {
        const byOa = db.select().from(customers).where(eq(customers.zaloOaId, p.oaUserId)).get();
        if (byOa && !byOa.zaloId) row = byOa;
      }
      const oaIdFree = p.oaUserId ? !db.select({ id: customers.id }).from(customers).where(and(eq(customers.zaloOaId, p.oaUserId))).all().some((r) => r.id !== row?.id) : false;
      if (!row) {
        return insertCustomer({ zaloId: p.zaloId, zaloOaId: oaIdFree ? p.oaUserId : null, name: p.name, avatar: p.avatar }, now);
      }
      db.update(customers)
        .set({
          zaloId: p.zaloId,
          name: p.name,
          avatar: p.avatar ?? row.avatar,
          ...(oaIdFree && !row.zaloOaId ? { zaloOaId: p.oaUserId } : {}),
          updatedAt: now,
        })
        .where(eq(customers.id, row.id))
        .run();
      return byId(row.id)!;
    });
  }

  function setPhone(id: string, phone: string, now: number) {
    db.update(customers).set({ phone, updatedAt: now }).where(eq(customers.id, id)).run();
  }

  function setRole(id: string, role: CustomerRow["role"], storeIds: string[], now: number) {
    tx(db, () => {
      db.update(customers).set({ role, updatedAt: now }).where(eq(customers.id, id)).run();
      db.delete(staffStores).where(eq(staffStores.customerId, id)).run();
      for (const storeId of role === "customer" ? [] : storeIds) db.insert(staffStores).values({ customerId: id, storeId }).run();
    });
  }

  const storeExists = (id: string) => !!db.select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get();

  const byMemberCode = (code: string) => db.select().from(customers).where(eq(customers.memberCode, code)).get();

  return { byId, byMemberCode, insertCustomer, storeIdsOf, upsertFromZalo, setPhone, setRole, storeExists };
}

export type IdentityRepo = ReturnType<typeof createIdentityRepo>;
