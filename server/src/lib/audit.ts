import type { Db } from "../db/client";
import { auditLog } from "../db/schema";
import type { Principal } from "../http/auth";

export type Actor = { kind: "admin" | "customer" | "system"; id: string };

export const actorOf = (p: Principal): Actor => ({ kind: p.kind === "operator" ? "admin" : "customer", id: p.id });
export const SYSTEM: Actor = { kind: "system", id: "system" };

/** Who did what, where and when. Call inside the transaction of the change it records. */
export function audit(db: Db, e: { actor: Actor; action: string; targetId?: string | null; storeId?: string | null; details?: unknown; at: number }) {
  db.insert(auditLog)
    .values({ actorKind: e.actor.kind, actorId: e.actor.id, action: e.action, targetId: e.targetId ?? null, storeId: e.storeId ?? null, details: e.details === undefined ? null : JSON.stringify(e.details), at: e.at })
    .run();
}
