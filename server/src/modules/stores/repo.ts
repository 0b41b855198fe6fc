import { getTableColumns } from "drizzle-orm";
import { rowReader } from "../../db/rows";
import { stores } from "../../db/schema";
import { type Awaitable, type Store, type SyncView, mapStep } from "../../db/store";

export type StoreRow = typeof stores.$inferSelect;
export type NewStoreRow = typeof stores.$inferInsert;
/** What an edit may change (the id and creation time never change). */
export type StoreChanges = Partial<Pick<StoreRow, "name" | "address" | "active" | "closedReason" | "timeZone" | "week" | "exceptions" | "lat" | "lng">> & {
  updatedAt: number;
};
const columns = getTableColumns(stores);
type Key = keyof typeof columns;
/** A value as the driver binds it: booleans as 1/0 (better-sqlite3 binds no booleans; PostgreSQL reads '1' too). */
const bind = (v: unknown) => (typeof v === "boolean" ? (v ? 1 : 0) : (v ?? null));

/** The stores table: this module is its only writer. Stores are never deleted, only made inactive. */
export function createStoreRepo(store: Store) {
  const row = rowReader(stores);
  const existsStmt = store.prepare("select 1 from stores where id = ?", "pluck");
  const byIdStmt = store.prepare(`${row.selectAll} where id = ?`, "array");
  const listStmt = store.prepare(`${row.selectAll} order by rowid`, "array");

  // An insert names every column it was given (the rest take their defaults), prepared once per shape.
  const inserts = new Map<string, ReturnType<Store["prepare"]>>();
  /** False when the id is taken (nothing written). */
  function insert(r: NewStoreRow): Awaitable<boolean> {
    const keys = (Object.keys(r) as Key[]).filter((k) => r[k] !== undefined && k in columns);
    const shape = keys.join(",");
    let stmt = inserts.get(shape);
    if (!stmt) {
      stmt = store.prepare(
        `insert into stores (${keys.map((k) => `"${columns[k].name}"`).join(", ")}) values (${keys.map(() => "?").join(", ")}) on conflict do nothing`,
      );
      inserts.set(shape, stmt);
    }
    return mapStep(stmt.run(...keys.map((k) => bind(r[k]))), (x) => x.changes === 1);
  }
  const byId = (id: string): Awaitable<StoreRow | undefined> => mapStep(byIdStmt.get(id), (v) => row.read(v as unknown[] | undefined));
  const list = (): Awaitable<StoreRow[]> => mapStep(listStmt.all(), (vs) => (vs as unknown[][]).map((v) => row.read(v)!));
  /** False when there is no such store. */
  function update(id: string, changes: StoreChanges): Awaitable<boolean> {
    const keys = (Object.keys(changes) as Key[]).filter((k) => changes[k as keyof StoreChanges] !== undefined && k in columns);
    const sets = keys.map((k) => `"${columns[k].name}" = ?`).join(", ");
    return mapStep(
      store.prepare(`update stores set ${sets} where id = ?`).run(...keys.map((k) => bind(changes[k as keyof StoreChanges])), id),
      (x) => x.changes === 1,
    );
  }

  // Hot path (every store-scoped staff action checks it). A store once seen stays known: none is ever deleted.
  const knownStores = new Set<string>();
  function exists(id: string): Awaitable<boolean> {
    if (knownStores.has(id)) return true;
    return mapStep(existsStmt.get(id), (hit) => {
      if (hit === undefined) return false;
      knownStores.add(id);
      return true;
    });
  }

  return { insert, byId, list, update, exists };
}

export type StoreRepo = ReturnType<typeof createStoreRepo>;
/** The store repo as synchronous SQLite code not ported to the store yet sees it. */
export type StoreRepoSync = SyncView<StoreRepo>;
