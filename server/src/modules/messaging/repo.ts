import { eq } from "drizzle-orm";
import { DEFAULT_PREFS, DEFAULT_WARMING_RULES, WarmingRules, type Category, type Channel, type CustomerPrefs, type PolicyCustomer, type SentFact, type TemplateParam } from "@mc/shared";
import type { Db } from "../../db/client";
import { warmingRules } from "../../db/schema";

export type NewMessage = {
  customerId: string;
  category: Category;
  priority?: number;
  dedupeKey: string;
  source: string;
  text?: string | null;
  imageUrl?: string | null;
  template?: { id: string; data: Record<string, string> } | null;
  expiresAt?: number | null;
  notBefore?: number | null;
  broadcastId?: string | null;
};

const HISTORY_DAYS = 31;
// `ready` = decided and about to go: it has taken its slot under the caps.
const SENT_STATES = "('ready','sending','sent','delivered','seen')";

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
    prefs: { offersPerWeek: prefs.offersPerWeek, pausedUntil: prefs.pausedUntil ? Date.parse(prefs.pausedUntil) : null, mutedCategories: prefs.mutedCategories },
    fatigueUntil: r.fatigue_until,
  };
}

/**
 * "Has a send in the history window" for `customers c` (bind `recentSince(now)`): the people whose own history
 * the policy must see; one probe of `outbox_customer_sent_idx` each.
 */
export const HAS_RECENT_SEND = `exists (select 1 from outbox o where o.customer_id = c.id and o.state in ${SENT_STATES} and o.sent_at >= ?)`;
export const recentSince = (now: number) => now - HISTORY_DAYS * 86_400_000;

const toFact = (h: any): SentFact => ({ category: h.category, channel: h.channel as Channel, sentAt: h.sent_at, znsTag: h.channel === "zns" ? h.tag : null });

/**
 * `timeZone` is the shop's (SHOP_TIME_ZONE): the one value every local-time rule uses, so the rules read
 * from here always carry it, whatever an older stored version says.
 */
export function createMessagingRepo(db: Db, opts: { timeZone?: string } = {}) {
  const timeZone = opts.timeZone ?? DEFAULT_WARMING_RULES.timeZone;
  const c = db.$client;
  const insert = c.prepare(
    `insert into outbox (customer_id, category, priority, dedupe_key, source, text, image_url, template_id, template_data, state, not_before, expires_at, broadcast_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?) on conflict(dedupe_key) where dedupe_key is not null do nothing`,
  );
  const customerRow = c.prepare(`select ${POLICY_COLUMNS} from customers c where c.id = ?`);
  const historyOf = c.prepare(
    `select o.category, o.channel, o.sent_at, t.tag from outbox o left join zns_templates t on t.id = o.template_id
     where o.customer_id = ? and o.state in ${SENT_STATES} and o.sent_at >= ?`,
  );
  const templateRow = c.prepare("select * from zns_templates where id = ?");

  /** Queues one message; the dedupe key makes a second queue of the same cause a no-op. Call inside the cause's transaction. */
  function queue(m: NewMessage, now: number): boolean {
    return (
      insert.run(
        m.customerId,
        m.category,
        m.priority ?? 5,
        m.dedupeKey,
        m.source,
        m.text ?? null,
        m.imageUrl ?? null,
        m.template?.id ?? null,
        m.template ? JSON.stringify(m.template.data) : null,
        m.notBefore ?? null,
        m.expiresAt ?? null,
        m.broadcastId ?? null,
        now,
        now,
      ).changes === 1
    );
  }

  function policyCustomer(customerId: string): PolicyCustomer | null {
    const r = customerRow.get(customerId) as Record<string, any> | undefined;
    return r ? toPolicyCustomer(r) : null;
  }

  const history = (customerId: string, now: number): SentFact[] => (historyOf.all(customerId, now - HISTORY_DAYS * 86_400_000) as any[]).map(toFact);

  /** The sends of the last month of these customers, by customer: one query for a slice of a broadcast preview. */
  const sendsOfStmt = c.prepare(
    `select o.customer_id, o.category, o.channel, o.sent_at, t.tag from outbox o left join zns_templates t on t.id = o.template_id
     where o.customer_id in (select value from json_each(?)) and o.state in ${SENT_STATES} and o.sent_at >= ?`,
  );
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

  // Parsed once per version: the dispatcher asks for every message, and another process may publish a new version.
  const latestVersion = c.prepare("select coalesce(max(version), 0) as v from warming_rules").pluck();
  let cached: { version: number; rules: WarmingRules } = { version: -1, rules: { ...DEFAULT_WARMING_RULES, timeZone } };
  function currentRules(): { version: number; rules: WarmingRules } {
    const v = latestVersion.get() as number;
    if (v === cached.version) return cached;
    const row = v ? db.select().from(warmingRules).where(eq(warmingRules.version, v)).get() : undefined;
    cached = row ? { version: row.version, rules: { ...WarmingRules.parse(JSON.parse(row.rules)), timeZone } } : { version: 0, rules: { ...DEFAULT_WARMING_RULES, timeZone } };
    return cached;
  }

  const template = (id: string) => {
    const t = templateRow.get(id) as Record<string, any> | undefined;
    return t ? { id: t.id as string, name: t.name as string, tag: t.tag as number, uid: !!t.uid, params: JSON.parse(t.params) as TemplateParam[], createdAt: t.created_at as number } : undefined;
  };

  // A row being sent (leased and marked sending) finishes; anything not yet sent never goes. The text and
  // template data of every other row are dropped: they carry the person's name and what we told them.
  const cancelUnsent = db.$client.prepare(
    "update outbox set state = 'cancelled', reason = 'CUSTOMER_ERASED', lease_owner = null, lease_until = null, updated_at = ? where customer_id = ? and state in ('queued','held','ready')",
  );
  const blankContent = db.$client.prepare("update outbox set text = null, image_url = null, template_data = null, updated_at = ? where customer_id = ? and state != 'sending'");
  /** The person's data was erased: cancels what was still to be sent to them. Inside the erasure's transaction. */
  function forgetCustomer(customerId: string, now: number) {
    const cancelled = cancelUnsent.run(now, customerId).changes;
    blankContent.run(now, customerId);
    return { cancelled };
  }

  return { queue, policyCustomer, history, recentSendsOf, currentRules, template, timeZone, forgetCustomer };
}

export type MessagingRepo = ReturnType<typeof createMessagingRepo>;
