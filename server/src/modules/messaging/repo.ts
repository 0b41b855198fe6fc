import { DEFAULT_PREFS, DEFAULT_WARMING_RULES, type Channel, type CustomerPrefs, type PolicyCustomer, type SentFact } from "@mc/shared";
import type { Db } from "../../db/client";
import { sqliteStore, syncStep } from "../../db/store";
import { createBroadcastsRepo } from "./broadcasts-repo";
import { createOutboxRepo, HISTORY_DAYS, SENT_STATES } from "./outbox-repo";
import { createRulesRepo } from "./rules-repo";
import { createTemplatesRepo } from "./templates-repo";

export type { NewMessage } from "./outbox-repo";
export { HAS_RECENT_SEND, recentSince } from "./outbox-repo";

/** The customer columns the policy reads; select them for bulk work (`from customers c`). */
export const POLICY_COLUMNS = "c.id, c.follows_oa, c.unfollowed_at, c.zalo_oa_id, c.phone, c.last_interaction_at, c.prefs, c.fatigue_until";

export function toPolicyCustomer(r: Record<string, any>): PolicyCustomer {
  const prefs: CustomerPrefs = !r.prefs || r.prefs === "{}" ? DEFAULT_PREFS : { ...DEFAULT_PREFS, ...JSON.parse(r.prefs) };
  return {
    followsOa: !!r.follows_oa,
    everUnfollowed: r.unfollowed_at !== null,
    oaUserId: r.zalo_oa_id,
    phone: r.phone,
    lastInteractionAt: r.last_interaction_at,
    prefs: {
      offersPerWeek: prefs.offersPerWeek,
      pausedUntil: prefs.pausedUntil ? Date.parse(prefs.pausedUntil) : null,
      mutedCategories: prefs.mutedCategories,
    },
    fatigueUntil: r.fatigue_until,
  };
}

const toFact = (h: any): SentFact => ({ category: h.category, channel: h.channel as Channel, sentAt: h.sent_at, znsTag: h.channel !== "cs" ? h.tag : null });

/**
 * The messaging module's data: what the policy reads about customers and their sends, plus the repo of
 * each table the module owns (each the only writer of its table). Other modules reach the outbox only
 * through `queue` and `forgetCustomer` (or the messaging service).
 *
 * `timeZone` is the shop's (SHOP_TIME_ZONE): the one value every local-time rule uses.
 */
export function createMessagingRepo(db: Db, opts: { timeZone?: string } = {}) {
  const timeZone = opts.timeZone ?? DEFAULT_WARMING_RULES.timeZone;
  const c = db.$client;
  // The outbox is on the Store (both databases, #16); the rest of this repo is SQLite's still.
  const outbox = createOutboxRepo(sqliteStore(db));
  const rules = createRulesRepo(db, timeZone);
  const templates = createTemplatesRepo(db);
  const broadcasts = createBroadcastsRepo(db);

  const customerRow = c.prepare(`select ${POLICY_COLUMNS} from customers c where c.id = ?`);
  const customerRows = c.prepare(`select ${POLICY_COLUMNS} from customers c where c.id in (select value from json_each(?))`);
  const contactRow = c.prepare("select zalo_oa_id, phone from customers where id = ?");
  const prefsRow = c.prepare("select prefs from customers where id = ?").pluck();
  /** The sends of the last month of these customers, by customer: one query for a slice of a broadcast preview. */
  const sendsOfStmt = c.prepare(
    `select o.customer_id, o.category, o.channel, o.sent_at, t.tag from outbox o left join zns_templates t on t.id = o.template_id
     where o.customer_id in (select value from json_each(?)) and o.state in ${SENT_STATES} and o.sent_at >= ?`,
  );

  function policyCustomer(customerId: string): PolicyCustomer | null {
    const r = customerRow.get(customerId) as Record<string, any> | undefined;
    return r ? toPolicyCustomer(r) : null;
  }

  const history = (customerId: string, now: number): SentFact[] => syncStep(outbox.history(customerId, now - HISTORY_DAYS * 86_400_000)).map(toFact);

  function recentSendsOf(customerIds: string[], now: number): Map<string, SentFact[]> {
    const out = new Map<string, SentFact[]>();
    if (customerIds.length === 0) return out;
    for (const h of sendsOfStmt.iterate(JSON.stringify(customerIds), now - HISTORY_DAYS * 86_400_000) as Iterable<any>) {
      const list = out.get(h.customer_id);
      if (list) list.push(toFact(h));
      else out.set(h.customer_id, [toFact(h)]);
    }
    return out;
  }

  /**
   * Everything `decide` reads about one person at `now` but the quota: who they are, what they were sent, and
   * the rules in force. The dispatcher decides each row from it, and the warming state says the same.
   */
  function policyInputs(customerId: string, now: number) {
    const customer = policyCustomer(customerId);
    if (!customer) return null;
    return { customer, history: history(customerId, now), rules: rules.currentRules().rules };
  }

  return {
    /** Queues one message (see outbox-repo); call inside the cause's transaction. */
    queue: outbox.queue,
    /** The person's data was erased: cancels what was still to be sent to them. Inside the erasure's transaction. */
    /** The person's data was erased: their unsent messages are cancelled, and a broadcast left with nothing to send is done. */
    forgetCustomer(customerId: string, now: number) {
      const { cancelled, broadcastIds } = syncStep(outbox.forgetCustomer(customerId, now));
      broadcasts.completeBroadcasts(broadcastIds, now);
      return { cancelled };
    },
    policyCustomer,
    policyInputs,
    /** Policy rows of several customers by id (the people with their own history in a preview slice). */
    policyRows: (customerIds: string[]) => customerRows.all(JSON.stringify(customerIds)) as Record<string, any>[],
    contact: (customerId: string) => contactRow.get(customerId) as { zalo_oa_id: string | null; phone: string | null } | undefined,
    /** The stored preferences JSON (null for no such customer). */
    prefsJson: (customerId: string) => (prefsRow.get(customerId) as string | null | undefined) ?? null,
    history,
    recentSendsOf,
    currentRules: rules.currentRules,
    template: templates.get,
    timeZone,
    outbox,
    rules,
    templates,
    broadcasts,
  };
}

export type MessagingRepo = ReturnType<typeof createMessagingRepo>;
