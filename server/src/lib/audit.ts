import type { Db } from "../db/client";
import { sqliteStore, type Awaitable, type Statement, type Store } from "../db/store";
import type { Principal } from "../http/auth";

export type Actor = { kind: "admin" | "customer" | "system"; id: string };

export const actorOf = (p: Principal): Actor => ({ kind: p.kind === "operator" ? "admin" : "customer", id: p.id });
export const SYSTEM: Actor = { kind: "system", id: "system" };

/** A store, or the SQLite handle of code not ported to the store yet (the same store behind it). */
const storeOf = (db: Db | Store): Store => ("groupCommit" in db ? db : sqliteStore(db));

// One prepared insert per store: audit rows are written on hot paths (every award, every redemption).
const inserts = new WeakMap<Store, Statement<unknown>>();
function insertFor(store: Store) {
  let stmt = inserts.get(store);
  if (!stmt) {
    stmt = store.prepare("insert into audit_log (actor_kind, actor_id, action, target_id, store_id, details, at) values (?, ?, ?, ?, ?, ?, ?)");
    inserts.set(store, stmt);
  }
  return stmt;
}

/** Who did what, where and when. A step of the transaction of the change it records (`yield* q(audit(store, …))`). */
export function audit(
  db: Db | Store,
  e: { actor: Actor; action: string; targetId?: string | null; storeId?: string | null; details?: unknown; at: number },
): Awaitable<unknown> {
  return insertFor(storeOf(db)).run(
    e.actor.kind,
    e.actor.id,
    e.action,
    e.targetId ?? null,
    e.storeId ?? null,
    e.details === undefined ? null : JSON.stringify(e.details),
    e.at,
  );
}

/** A person's data was erased: the tag lists once recorded about them go from the audit details (the rows, and so the counts, stay). */
export function forgetTagDetails(db: Db, customerId: string) {
  db.$client.prepare("update audit_log set details = null where action = 'customer.tags' and target_id = ?").run(customerId);
}
