import type { Db } from "../db/client";
import { PERSON_ACTIONS_SQL } from "../db/schema";

/**
 * Reads of `audit_log` (its one writer is lib/audit.ts), and the SQL that names whoever an actor id is: a
 * customer (staff, a mini-app admin) by name, a console operator by name or email.
 */

/** The name behind an actor id column (an operator's name, or their email when they have none), or null (`system`, or someone gone). */
export const actorNameSql = (col: string) =>
  `coalesce((select name from customers where id = ${col}), (select coalesce(nullif(name, ''), email) from admin_users where id = ${col}))`;

export type PersonActionRow = {
  id: number;
  actor_kind: string;
  actor_id: string;
  actor_name: string | null;
  action: string;
  store_id: string | null;
  details: string | null;
  at: number;
  /** The person's previous `customer.tags` details, for tag changes (null when none, or forgotten). */
  previous_tags: string | null;
  /** For a role change: the names of the stores it granted. */
  store_names: string | null;
};

/**
 * The console's acts on a person, by time, through the partial index audit_log_person_idx: the query repeats
 * its `action in (…)` list exactly, or SQLite would not use it (and would scan the whole log). A points
 * adjustment is left out: its ledger entry is already in the timeline, with the reason and the operator.
 */
export function createPersonAuditRepo(db: Db) {
  const range = db.$client.prepare(
    `select id, actor_kind, actor_id, ${actorNameSql("audit_log.actor_id")} as actor_name, action, store_id, details, at,
       case when action = 'customer.tags' then (
         select p.details from audit_log p indexed by audit_log_person_idx
         where p.target_id = audit_log.target_id and p.action in ${PERSON_ACTIONS_SQL} and p.action = 'customer.tags'
           and p.at <= audit_log.at and (p.at < audit_log.at or p.id < audit_log.id)
         order by p.at desc, p.id desc limit 1
       ) end as previous_tags,
       case when action = 'role.set' and json_valid(details) then (
         select group_concat(s.name, ', ') from json_each(details, '$.storeIds') j join stores s on s.id = j.value
       ) end as store_names
     from audit_log indexed by audit_log_person_idx
     where target_id = @customerId and action in ${PERSON_ACTIONS_SQL} and action <> 'points.adjust' and at between @min and @max
       and (@stores is null or store_id in (select value from json_each(@stores)))
     order by at desc limit @n`,
  );
  return {
    range: (p: { customerId: string; min: number; max: number; n: number; stores: string | null }) => range.all(p) as PersonActionRow[],
  };
}
