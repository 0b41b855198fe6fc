import { DEFAULT_AUTO_REPLY_RULES, type AutoReplyIntent, type AutoReplyRuleView } from "@mc/shared";
import type { Db } from "../../db/client";

type RuleRow = { intent: AutoReplyIntent; keywords: string; priority: number; enabled: number; updated_by: string; updated_at: number };
const toView = (r: RuleRow): AutoReplyRuleView => ({
  intent: r.intent,
  keywords: JSON.parse(r.keywords) as string[],
  priority: r.priority,
  enabled: !!r.enabled,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** The only writer of `auto_reply_rules` and `auto_reply_log`. Callers run writes inside their own transaction. */
export function createAutoReplyRepo(db: Db) {
  const c = db.$client;
  const seedStmt = c.prepare(
    "insert or ignore into auto_reply_rules (intent, keywords, priority, enabled, updated_by, updated_at) values (?, ?, ?, ?, 'system', ?)",
  );
  const listStmt = c.prepare("select * from auto_reply_rules order by priority desc, intent");
  const saveStmt = c.prepare("update auto_reply_rules set keywords = ?, priority = ?, enabled = ?, updated_by = ?, updated_at = ? where intent = ?");
  const logStmt = c.prepare(
    "insert or ignore into auto_reply_log (zalo_msg_id, customer_id, intent, handoff, after_hours_notice, at) values (?, ?, ?, ?, ?, ?)",
  );
  // One probe of auto_reply_log_customer_idx: the person's latest notice within the window.
  const lastNoticeStmt = c.prepare("select max(at) from auto_reply_log where customer_id = ? and at >= ? and after_hours_notice = 1").pluck();

  return {
    /** The shipped rules of intents that have none yet (a shop's edits stay). */
    seedDefaults(now: number) {
      for (const r of DEFAULT_AUTO_REPLY_RULES) seedStmt.run(r.intent, JSON.stringify(r.keywords), r.priority, r.enabled ? 1 : 0, now);
    },
    list: () => (listStmt.all() as RuleRow[]).map(toView),
    save(intent: AutoReplyIntent, r: { keywords: string[]; priority: number; enabled: boolean }, by: string, at: number): boolean {
      return saveStmt.run(JSON.stringify(r.keywords), r.priority, r.enabled ? 1 : 0, by, at, intent).changes === 1;
    },
    /** Records a follower message once; false when it was seen before (nothing more to do). */
    log(e: { zaloMsgId: string; customerId: string; intent: AutoReplyIntent | null; handoff: boolean; afterHoursNotice: boolean; at: number }): boolean {
      return logStmt.run(e.zaloMsgId, e.customerId, e.intent, e.handoff ? 1 : 0, e.afterHoursNotice ? 1 : 0, e.at).changes === 1;
    },
    lastNoticeAt: (customerId: string, since: number) => (lastNoticeStmt.get(customerId, since) as number | null) ?? null,
  };
}

export type AutoReplyRepo = ReturnType<typeof createAutoReplyRepo>;
