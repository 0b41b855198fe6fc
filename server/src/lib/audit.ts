import type Database from "better-sqlite3";
import type { Db } from "../db/client";
import type { Principal } from "../http/auth";

export type Actor = { kind: "admin" | "customer" | "system"; id: string };

export const actorOf = (p: Principal): Actor => ({ kind: p.kind === "operator" ? "admin" : "customer", id: p.id });
export const SYSTEM: Actor = { kind: "system", id: "system" };

// One prepared insert per connection: audit rows are written on hot paths (every award, every redemption).
const inserts = new WeakMap<Database.Database, Database.Statement>();
function insertFor(db: Db) {
  let stmt = inserts.get(db.$client);
  if (!stmt) {
    stmt = db.$client.prepare("insert into audit_log (actor_kind, actor_id, action, target_id, store_id, details, at) values (?, ?, ?, ?, ?, ?, ?)");
    inserts.set(db.$client, stmt);
  }
  return stmt;
}

/** Who did what, where and when. Call inside the transaction of the change it records. */
export function audit(db: Db, e: { actor: Actor; action: string; targetId?: string | null; storeId?: string | null; details?: unknown; at: number }) {
  insertFor(db).run(
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
