import { type Store, mapStep } from "../../db/store";

/** The only writer of `carts`. Callers run these inside their own transaction. */
export type CartRow = { id: string; customer_id: string; store_id: string; lines: string; version: number; updated_at: number };
const COLS = "id, customer_id, store_id, lines, version, updated_at";

export function createCartRepo(store: Store) {
  const oneStmt = store.prepare<CartRow>(`select ${COLS} from carts where customer_id = ? and store_id = ?`);
  const mineStmt = store.prepare<CartRow>(`select ${COLS} from carts where customer_id = ? order by updated_at desc`);
  const insertStmt = store.prepare("insert into carts (id, customer_id, store_id, lines, version, updated_at) values (?, ?, ?, ?, 1, ?)");
  // Conditional on the version read in the same transaction: the row's version grows by exactly one per change.
  const updateStmt = store.prepare("update carts set lines = ?, version = version + 1, updated_at = ? where id = ? and version = ?");
  const deleteStmt = store.prepare("delete from carts where customer_id = ? and store_id = ?");
  const forgetStmt = store.prepare("delete from carts where customer_id = ?");
  return {
    one: (customerId: string, storeId: string) => oneStmt.get(customerId, storeId),
    mine: (customerId: string) => mineStmt.all(customerId),
    insert: (p: { id: string; customerId: string; storeId: string; lines: string; now: number }) =>
      mapStep(insertStmt.run(p.id, p.customerId, p.storeId, p.lines, p.now), (r) => r.changes === 1),
    update: (p: { id: string; version: number; lines: string; now: number }) =>
      mapStep(updateStmt.run(p.lines, p.now, p.id, p.version), (r) => r.changes === 1),
    remove: (customerId: string, storeId: string) => mapStep(deleteStmt.run(customerId, storeId), (r) => r.changes === 1),
    forget: (customerId: string) => mapStep(forgetStmt.run(customerId), (r) => r.changes),
  };
}

export type CartRepo = ReturnType<typeof createCartRepo>;
