import type Database from "better-sqlite3";
import type { Db } from "../../db/client";
import { actorNameSql } from "../../lib/audit-repo";

export type AuditFilter = {
  actorId?: string;
  action?: string;
  targetId?: string;
  /** at >= min, at < max */
  min?: number;
  max?: number;
  /** The last entry of the previous page (newest first): only older ones. */
  after?: { at: number; id: number };
  limit: number;
};

export type AuditRow = {
  id: number;
  actor_kind: "admin" | "customer" | "system";
  actor_id: string;
  actor_name: string | null;
  action: string;
  target_id: string | null;
  target_name: string | null;
  store_id: string | null;
  details: string | null;
  at: number;
};

/**
 * The console's reads of `audit_log` (its one writer is lib/audit.ts). Each filter has its index ending in
 * `at` (schema.ts), so a page is a backwards range read of one index, `limit` rows, no sort: the keyset is
 * (at, id), and `at <= ?` bounds the range while the tie on `at` is settled by the id.
 */
export function createAuditRepo(db: Db) {
  const c = db.$client;
  const statements = new Map<string, Database.Statement>();

  function build(f: AuditFilter): { sql: string; args: Record<string, unknown> } {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: f.limit };
    const eq = (col: string, name: string, v: string | undefined) => {
      if (v === undefined) return;
      where.push(`a.${col} = @${name}`);
      args[name] = v;
    };
    eq("actor_id", "actor", f.actorId);
    eq("action", "action", f.action);
    eq("target_id", "target", f.targetId);
    if (f.min !== undefined) {
      where.push("a.at >= @min");
      args.min = f.min;
    }
    if (f.max !== undefined) {
      where.push("a.at < @max");
      args.max = f.max;
    }
    if (f.after) {
      where.push("a.at <= @afterAt and (a.at < @afterAt or a.id < @afterId)");
      args.afterAt = f.after.at;
      args.afterId = f.after.id;
    }
    const sql = `select a.id, a.actor_kind, a.actor_id,
         ${actorNameSql("a.actor_id")} as actor_name,
         a.action, a.target_id, (select name from customers where id = a.target_id) as target_name, a.store_id, a.details, a.at
       from audit_log a ${where.length ? `where ${where.join(" and ")}` : ""}
       order by a.at desc, a.id desc limit @limit`;
    return { sql, args };
  }

  function page(f: AuditFilter): AuditRow[] {
    const { sql, args } = build(f);
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = c.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt.all(args) as AuditRow[];
  }

  /** How SQLite reads a page: the tests prove each filter is one index range, with no sort. */
  function plan(f: AuditFilter): string[] {
    const { sql, args } = build(f);
    return (c.prepare(`explain query plan ${sql}`).all(args) as { detail: string }[]).map((r) => r.detail);
  }

  // Every distinct action, one index seek each (a skip-scan over audit_log_action_idx), never a scan of the log.
  const actionsStmt = c.prepare(
    `with recursive a(action) as (
       select (select min(action) from audit_log)
       union all
       select (select min(action) from audit_log where action > a.action) from a where a.action is not null
     ) select action from a where action is not null`,
  );
  const actions = () => actionsStmt.pluck().all() as string[];

  const operatorIdByEmail = c.prepare("select id from admin_users where email = ?").pluck();
  const customerIdByMemberCode = c.prepare("select id from customers where member_code = ?").pluck();

  return {
    page,
    plan,
    actions,
    operatorIdByEmail: (email: string) => operatorIdByEmail.get(email) as string | undefined,
    customerIdByMemberCode: (code: string) => customerIdByMemberCode.get(code) as string | undefined,
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
