import type { AuditPage, AuditQuery } from "@mc/shared";
import { normalizeMemberCode } from "../../lib/codes";
import { localDayStart } from "../dashboard/service";
import type { AuditRepo, AuditRow } from "./audit-repo";

const DAY = 86_400_000;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

function parseDetails(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * The console's audit page: who did what, when, to whom, newest first, filtered by actor, action, target and
 * shop-local days, a keyset page at a time. An actor may be named by an operator's email or a customer's
 * member code, a target by a member code (its customer); anything else is taken as the id itself.
 */
export function createAuditLog(deps: { repo: AuditRepo; timeZone: string }) {
  const { repo } = deps;

  function personOrId(v: string): string {
    return repo.customerIdByMemberCode(normalizeMemberCode(v)) ?? v;
  }
  const actorId = (v: string) => (v.includes("@") ? (repo.operatorIdByEmail(v.toLowerCase()) ?? v) : personOrId(v));

  function filterOf(q: AuditQuery) {
    const [at, id] = q.after ? q.after.split(".").map(Number) : [];
    return {
      actorId: q.actor === undefined ? undefined : actorId(q.actor),
      action: q.action,
      targetId: q.target === undefined ? undefined : personOrId(q.target),
      min: q.from === undefined ? undefined : localDayStart(q.from, deps.timeZone),
      max: q.to === undefined ? undefined : localDayStart(nextDay(q.to), deps.timeZone),
      after: at === undefined || id === undefined ? undefined : { at, id },
      limit: q.limit,
    };
  }

  const toEntry = (r: AuditRow) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
    action: r.action,
    targetId: r.target_id,
    targetName: r.target_name,
    storeId: r.store_id,
    details: parseDetails(r.details),
  });

  function page(q: AuditQuery): AuditPage {
    const rows = repo.page(filterOf(q));
    const last = rows.at(-1);
    return { entries: rows.map(toEntry), next: rows.length === q.limit && last ? `${last.at}.${last.id}` : null };
  }

  return { page, plan: (q: AuditQuery) => repo.plan(filterOf(q)), actions: () => ({ actions: repo.actions() }) };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
