import { eq, sql } from "drizzle-orm";
import type { OperatorRole } from "@mc/shared";
import type { Db } from "../../db/client";
import { adminUsers, adminUserStores } from "../../db/schema";

export type OperatorRow = typeof adminUsers.$inferSelect;
/** What a request needs to know of its operator: read afresh on every console request (one indexed lookup). */
export type OperatorAuth = { id: string; role: OperatorRole; active: boolean; sessionVersion: number; storeIds: string[] };

/** The only writer of `admin_users` (console operators) and `admin_user_stores` (a store manager's stores). */
export function createAdminRepo(db: Db) {
  const c = db.$client;
  const authStmt = c
    .prepare(
      `select u.role, u.active, u.session_version,
         (select json_group_array(s.store_id) from admin_user_stores s where s.admin_user_id = u.id)
       from admin_users u where u.id = ?`,
    )
    .raw();
  const storesStmt = c.prepare("select store_id from admin_user_stores where admin_user_id = ? order by store_id").pluck();
  const activeOwnersStmt = c.prepare("select count(*) from admin_users where role = 'owner' and active = 1").pluck();

  function auth(id: string): OperatorAuth | undefined {
    const r = authStmt.get(id) as [OperatorRole, number, number, string] | undefined;
    if (!r) return undefined;
    return { id, role: r[0], active: r[1] === 1, sessionVersion: r[2], storeIds: JSON.parse(r[3]) as string[] };
  }

  function setStores(id: string, storeIds: string[]) {
    db.delete(adminUserStores).where(eq(adminUserStores.adminUserId, id)).run();
    for (const storeId of storeIds) db.insert(adminUserStores).values({ adminUserId: id, storeId }).run();
  }

  return {
    byEmail: (email: string) => db.select().from(adminUsers).where(eq(adminUsers.email, email)).get(),
    byId: (id: string) => db.select().from(adminUsers).where(eq(adminUsers.id, id)).get(),
    exists: (id: string) => db.select({ id: adminUsers.id }).from(adminUsers).where(eq(adminUsers.id, id)).get() !== undefined,
    auth,
    storeIdsOf: (id: string) => storesStmt.all(id) as string[],
    /** In the order they were created (rowid breaks a tie of milliseconds). */
    list: () =>
      db
        .select()
        .from(adminUsers)
        .orderBy(adminUsers.createdAt, sql`rowid`)
        .all(),
    /** Active owners: the last one may not be deactivated or demoted. Inside the caller's transaction. */
    activeOwners: () => activeOwnersStmt.get() as number,
    /** An existing email is never overwritten: false when the email is taken. */
    insert: (p: { id: string; email: string; passwordHash: string; role?: OperatorRole; name?: string; storeIds?: string[]; createdAt: number }) => {
      const { storeIds = [], ...row } = p;
      const inserted = db.insert(adminUsers).values(row).onConflictDoNothing().run().changes === 1;
      if (inserted) setStores(p.id, storeIds);
      return inserted;
    },
    update: (id: string, p: { name: string; role: OperatorRole; storeIds: string[]; now: number }) => {
      db.update(adminUsers).set({ name: p.name, role: p.role, updatedAt: p.now }).where(eq(adminUsers.id, id)).run();
      setStores(id, p.storeIds);
    },
    /** Deactivating also ends every live session (reactivating does not bring them back). */
    setActive: (id: string, active: boolean, now: number) =>
      void db
        .update(adminUsers)
        .set(active ? { active, updatedAt: now } : { active, sessionVersion: sql`${adminUsers.sessionVersion} + 1`, updatedAt: now })
        .where(eq(adminUsers.id, id))
        .run(),
    /** A new password ends every session issued before it. */
    setPassword: (id: string, passwordHash: string, now: number) =>
      void db
        .update(adminUsers)
        .set({ passwordHash, sessionVersion: sql`${adminUsers.sessionVersion} + 1`, updatedAt: now })
        .where(eq(adminUsers.id, id))
        .run(),
  };
}

export type AdminRepo = ReturnType<typeof createAdminRepo>;
