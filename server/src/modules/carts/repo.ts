import type { Db } from "../../db/client";

/** The only writer of `carts`. Callers run these inside their own transaction. */
export type CartRow = { id: string; customer_id: string; store_id: string; lines: string; version: number; updated_at: number };

export function createCartRepo(db: Db) {
  const c = db.$client;
  const oneStmt = c.prepare("select * from carts where customer_id = ? and store_id = ?");
  const mineStmt = c.prepare("select * from carts where customer_id = ? order by updated_at desc");
  const insertStmt = c.prepare(
    "insert into carts (id, customer_id, store_id, lines, version, updated_at) values (@id, @customerId, @storeId, @lines, 1, @now)",
  );
  // Conditional on the version read in the same transaction: the row's version grows by exactly one per change.
  const updateStmt = c.prepare("update carts set lines = @lines, version = version + 1, updated_at = @now where id = @id and version = @version");
  const deleteStmt = c.prepare("delete from carts where customer_id = ? and store_id = ?");
  const forgetStmt = c.prepare("delete from carts where customer_id = ?");
  return {
    one: (customerId: string, storeId: string) => oneStmt.get(customerId, storeId) as CartRow | undefined,
    mine: (customerId: string) => mineStmt.all(customerId) as CartRow[],
    insert: (p: { id: string; customerId: string; storeId: string; lines: string; now: number }) => insertStmt.run(p).changes === 1,
    update: (p: { id: string; version: number; lines: string; now: number }) => updateStmt.run(p).changes === 1,
    remove: (customerId: string, storeId: string) => deleteStmt.run(customerId, storeId).changes === 1,
    forget: (customerId: string) => forgetStmt.run(customerId).changes,
  };
}

export type CartRepo = ReturnType<typeof createCartRepo>;
