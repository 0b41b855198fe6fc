import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { stores } from "../../db/schema";

export type StoreRow = typeof stores.$inferSelect;
export type NewStoreRow = typeof stores.$inferInsert;
/** What an edit may change (the id and creation time never change). */
export type StoreChanges = Partial<Pick<StoreRow, "name" | "address" | "active" | "closedReason" | "timeZone" | "week" | "exceptions" | "lat" | "lng">> & {
  updatedAt: number;
};

/** The stores table: this module is its only writer. Stores are never deleted, only made inactive. */
export function createStoreRepo(db: Db) {
  const existsStmt = db.$client.prepare("select 1 from stores where id = ?").pluck();

  /** False when the id is taken (nothing written). */
  const insert = (row: NewStoreRow) => db.insert(stores).values(row).onConflictDoNothing().run().changes === 1;
  const byId = (id: string): StoreRow | undefined => db.select().from(stores).where(eq(stores.id, id)).get();
  const list = (): StoreRow[] => db.select().from(stores).all();
  /** False when there is no such store. */
  const update = (id: string, changes: StoreChanges) => db.update(stores).set(changes).where(eq(stores.id, id)).run().changes === 1;

  // Hot path (every store-scoped staff action checks it). A store once seen stays known: none is ever deleted.
  const knownStores = new Set<string>();
  function exists(id: string) {
    if (knownStores.has(id)) return true;
    if (existsStmt.get(id) === undefined) return false;
    knownStores.add(id);
    return true;
  }

  return { insert, byId, list, update, exists };
}

export type StoreRepo = ReturnType<typeof createStoreRepo>;
