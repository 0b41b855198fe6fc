import type { Db } from "../db/client";

/** The audit action that marks a database as holding the demo history (written once, when it is complete). */
export const HISTORY_MARK = "demo.history";

/**
 * What the demo history generator reads. Reads only: every row it makes goes through the owning module's
 * service, like any other caller.
 */
export function createDemoRepo(db: Db) {
  const c = db.$client;
  const mark = c.prepare(`select details from audit_log where action = '${HISTORY_MARK}' limit 1`).pluck();
  const customerCount = c.prepare("select count(*) from customers").pluck();
  const firstOperator = c.prepare("select id from admin_users order by created_at, id limit 1").pluck();
  const due = c
    .prepare("select 1 from outbox where state in ('queued', 'held') and coalesce(not_before, 0) <= ? and (lease_until is null or lease_until < ?) limit 1")
    .pluck();
  const sentAt = c.prepare("select id, zalo_msg_id as msgId, customer_id as customerId, category from outbox where state = 'sent' and sent_at = ? order by id");
  const oaIdOf = c.prepare("select zalo_oa_id from customers where id = ?").pluck();
  const account = c.prepare(
    "select zalo_id as zaloId, zalo_oa_id as zaloOaId, name, phone, follows_oa as followsOa, last_interaction_at as lastInteractionAt from customers where zalo_id = ?",
  );
  const counts = c.prepare(`
    select 'customers' as k, count(*) as n from customers
    union all select 'customers.phone', count(*) from customers where phone is not null
    union all select 'customers.birthDate', count(*) from customers where birth_date is not null
    union all select 'customers.follower', count(*) from customers where follows_oa = 1
    union all select 'customers.unfollowed', count(*) from customers where unfollowed_at is not null and follows_oa = 0
    union all select 'webhook.' || event_name, count(*) from webhook_events group by event_name
    union all select 'orders.' || status, count(*) from orders group by status
    union all select 'ledger.' || kind, count(*) from points_ledger group by kind
    union all select 'vouchers.' || status, count(*) from vouchers group by status
    union all select 'draws.' || state, count(*) from game_draws group by state
    union all select 'outbox.' || state, count(*) from outbox group by state
    union all select 'broadcasts.' || state, count(*) from broadcasts group by state`);

  return {
    /** The marker's details when the history is already there. */
    historyMark: () => mark.get() as string | null | undefined,
    customerCount: () => customerCount.get() as number,
    /** The console operator the shop's own actions are recorded under (the bootstrap admin). */
    firstOperatorId: () => firstOperator.get() as string | undefined,
    /** Whether the dispatcher would find anything to do at `t` (so an idle half hour costs no request). */
    anythingDue: (t: number) => due.get(t, t) !== undefined,
    /** The messages the dispatcher sent at `t` (its clock stands still while it drains). */
    sentAt: (t: number) => sentAt.all(t) as { id: number; msgId: string; customerId: string; category: string }[],
    oaIdOf: (customerId: string) => oaIdOf.get(customerId) as string | null,
    /** The Zalo side of these people as the database knows it (the ones still there, not erased). */
    zaloAccounts: (zaloIds: string[]) =>
      zaloIds.flatMap(
        (id) =>
          (account.get(id) as
            { zaloId: string; zaloOaId: string | null; name: string; phone: string | null; followsOa: number; lastInteractionAt: number | null } | undefined) ??
          [],
      ),
    /** Rows per kind and state: what the generator reports and its test checks. */
    counts: () => Object.fromEntries((counts.all() as { k: string; n: number }[]).map((r) => [r.k, r.n])) as Record<string, number>,
  };
}

export type DemoRepo = ReturnType<typeof createDemoRepo>;
