import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { adminUsers } from "../../db/schema";

/** The only writer of `admin_users` (console operators). */
export function createAdminRepo(db: Db) {
  return {
    byEmail: (email: string) => db.select().from(adminUsers).where(eq(adminUsers.email, email)).get(),
    /** An operator's id and email (never the password hash). */
    byId: (id: string) => db.select({ id: adminUsers.id, email: adminUsers.email }).from(adminUsers).where(eq(adminUsers.id, id)).get(),
    exists: (id: string) => db.select({ id: adminUsers.id }).from(adminUsers).where(eq(adminUsers.id, id)).get() !== undefined,
    /** An existing email is never overwritten. */
    insert: (p: { id: string; email: string; passwordHash: string; createdAt: number }) => void db.insert(adminUsers).values(p).onConflictDoNothing().run(),
  };
}

export type AdminRepo = ReturnType<typeof createAdminRepo>;
