import { DEFAULT_AUTO_REPLY_RULES, type AutoReplyIntent, type AutoReplyRuleView } from "@mc/shared";
import { q, type Step, type Store, type SyncView, mapStep } from "../../db/store";

type RuleRow = { intent: AutoReplyIntent; keywords: string; priority: number; enabled: number | boolean; updated_by: string; updated_at: number };
const toView = (r: RuleRow): AutoReplyRuleView => ({
  intent: r.intent,
  keywords: JSON.parse(r.keywords) as string[],
  priority: r.priority,
  enabled: !!r.enabled,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** The only writer of `auto_reply_rules` and `auto_reply_log`. Callers run writes inside their own transaction. */
export function createAutoReplyRepo(store: Store) {
  const seedStmt = store.prepare(
    "insert into auto_reply_rules (intent, keywords, priority, enabled, updated_by, updated_at) values (?, ?, ?, ?, 'system', ?) on conflict do nothing",
  );
  const listStmt = store.prepare<RuleRow>(
    "select intent, keywords, priority, enabled, updated_by, updated_at from auto_reply_rules order by priority desc, intent",
  );
  const saveStmt = store.prepare("update auto_reply_rules set keywords = ?, priority = ?, enabled = ?, updated_by = ?, updated_at = ? where intent = ?");
  // The message's key decides: a redelivery (or a concurrent twin) writes nothing and is told so.
  const logStmt = store.prepare(
    "insert into auto_reply_log (zalo_msg_id, customer_id, intent, handoff, after_hours_notice, at) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
  );
  // One probe of auto_reply_log_customer_idx: the person's latest notice within the window.
  const lastNoticeStmt = store.prepare<number | null>(
    "select max(at) from auto_reply_log where customer_id = ? and at >= ? and after_hours_notice = ?",
    "pluck",
  );

  return {
    /** The shipped rules of intents that have none yet (a shop's edits stay). */
    seedDefaults: (now: number) =>
      store.join(function* (): Step<void> {
        for (const r of DEFAULT_AUTO_REPLY_RULES) yield* q(seedStmt.run(r.intent, JSON.stringify(r.keywords), r.priority, r.enabled ? 1 : 0, now));
      }),
    list: () => mapStep(listStmt.all(), (rows) => rows.map(toView)),
    save: (intent: AutoReplyIntent, r: { keywords: string[]; priority: number; enabled: boolean }, by: string, at: number) =>
      mapStep(saveStmt.run(JSON.stringify(r.keywords), r.priority, r.enabled ? 1 : 0, by, at, intent), (x) => x.changes === 1),
    /** Records a follower message once; false when it was seen before (nothing more to do). */
    log: (e: { zaloMsgId: string; customerId: string; intent: AutoReplyIntent | null; handoff: boolean; afterHoursNotice: boolean; at: number }) =>
      mapStep(logStmt.run(e.zaloMsgId, e.customerId, e.intent, e.handoff ? 1 : 0, e.afterHoursNotice ? 1 : 0, e.at), (x) => x.changes === 1),
    lastNoticeAt: (customerId: string, since: number) => mapStep(lastNoticeStmt.get(customerId, since, 1), (v) => v ?? null),
  };
}

export type AutoReplyRepo = ReturnType<typeof createAutoReplyRepo>;
export type AutoReplyRepoSync = SyncView<AutoReplyRepo>;
