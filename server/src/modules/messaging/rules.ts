import { syncStep } from "../../db/store";
import { decide, type PolicyCustomer, type PolicyMessage, type SentFact, type WarmingRules } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import type { MessagingRepo } from "./repo";

const DAY = 86_400_000;

/** The warming rules: versions, their history, and the what-if replay of a draft. */
export function createRules(deps: {
  db: Db;
  repo: Pick<MessagingRepo, "rules" | "outbox" | "timeZone" | "policyCustomer" | "currentRules">;
  now: () => number;
}) {
  const { db, repo, now } = deps;

  function setRules(actor: Principal, input: WarmingRules, note?: string) {
    // The time zone is the shop's (SHOP_TIME_ZONE), one value for every local-time rule; rules do not pick their own.
    const rules = { ...input, timeZone: repo.timeZone };
    return tx(db, () => {
      const version = repo.rules.addVersion(rules, `${actorOf(actor).kind}:${actor.id}`, note ?? null, now());
      audit(db, { actor: actorOf(actor), action: "warming_rules.set", targetId: String(version), details: { note }, at: now() });
      // Messages held by the old rules are decided again now under the new ones (e.g. quiet hours turned off).
      syncStep(repo.outbox.redecideHeld(now()));
      return { version, rules };
    });
  }

  const ruleHistory = () =>
    repo.rules
      .history()
      .map((r) => ({ version: r.version, changedBy: r.changedBy, note: r.note, createdAt: new Date(r.createdAt).toISOString(), rules: JSON.parse(r.rules) }));

  /**
   * What-if: replays the last 30 days of messages under a draft rule set (each person's messages in order,
   * against the sends the replay itself made) and reports what would have changed.
   */
  function whatIf(input: WarmingRules) {
    const draft = { ...input, timeZone: repo.timeZone };
    const rows = syncStep(repo.outbox.replaySince(now() - 30 * DAY));
    const current = { send: 0, notSent: 0 };
    const draftCounts = { send: 0, hold: 0, suppress: 0, expire: 0 };
    const reasons: Record<string, number> = {};
    let becameBlocked = 0;
    let becameSent = 0;
    let history: SentFact[] = [];
    let customer: PolicyCustomer | null = null;
    let who = "";
    for (const r of rows) {
      if (r.customer_id !== who) {
        who = r.customer_id;
        customer = repo.policyCustomer(who);
        history = [];
      }
      if (!customer) continue;
      const wasSent = ["ready", "sending", "sent", "delivered", "seen"].includes(r.state);
      wasSent ? current.send++ : current.notSent++;
      const msg: PolicyMessage = {
        category: r.category,
        priority: r.priority,
        hasText: !!r.text || !!r.image_url || !!r.cs_attachment,
        template: r.template_id ? { tag: r.tag ?? 2, uid: !!r.uid, zns: true } : null,
        expiresAt: r.expires_at,
      };
      const d = decide(customer, msg, r.created_at, draft, history);
      draftCounts[d.action]++;
      if (d.action !== "send") reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
      if (d.action === "send") history.push({ category: r.category, channel: d.channel, sentAt: r.created_at, znsTag: d.channel !== "cs" ? r.tag : null });
      if (wasSent && d.action !== "send") becameBlocked++;
      if (!wasSent && d.action === "send") becameSent++;
    }
    return {
      messages: rows.length,
      current,
      draft: draftCounts,
      reasons,
      becameBlocked,
      becameSent,
      note: "Phát lại với trạng thái quan tâm OA và lựa chọn hiện tại của từng người; tin bị giữ được tính là chưa gửi tại thời điểm đó.",
    };
  }

  return { rules: () => repo.currentRules(), setRules, ruleHistory, whatIf };
}
