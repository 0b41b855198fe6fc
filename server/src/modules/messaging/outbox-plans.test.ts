import { describe, expect, it } from "vitest";
import { openDb } from "../../db/client";
import { createMessagingRepo } from "./repo";

// Every outbox index costs each write of the dispatcher, and the planner (no ANALYZE, ever) picks among them by
// shape alone: each statement the messaging repos prepare is explained here, so a new or changed index that
// steals a plan (or a statement left without one) shows.
function explainAll() {
  const db = openDb(":memory:");
  const c = db.$client;
  const sources: string[] = [];
  const prepare = c.prepare.bind(c);
  c.prepare = ((source: string) => (sources.push(source), prepare(source))) as typeof c.prepare;
  createMessagingRepo(db);
  c.prepare = prepare;
  const plans = sources
    .filter((s) => /\boutbox\b/.test(s))
    .map((source) => {
      const names = [...new Set([...source.matchAll(/@(\w+)/g)].map((m) => m[1]!))];
      const args = names.length ? Object.fromEntries(names.map((n) => [n, null])) : Array((source.match(/\?/g) ?? []).length).fill(null);
      const plan = (prepare(`explain query plan ${source}`).all(args as never) as { detail: string }[]).map((p) => p.detail);
      return { sql: source.replace(/\s+/g, " ").trim(), plan };
    });
  c.close();
  return plans;
}

const planOf = (plans: ReturnType<typeof explainAll>, start: string) => {
  const found = plans.filter((p) => p.sql.startsWith(start));
  expect(found.map((p) => p.sql)).toHaveLength(1);
  return found[0]!.plan;
};

describe("outbox query plans", () => {
  const plans = explainAll();

  it("no statement reads the whole outbox", () => {
    expect(plans.length).toBeGreaterThan(30);
    for (const p of plans) expect([p.sql, p.plan.filter((l) => /^SCAN (outbox|o|x)\b/.test(l))]).toEqual([p.sql, []]);
  });

  it("the dispatcher's seeks by state use outbox_ready_idx, its claim outbox_claim_idx, receipts the message id", () => {
    const ready = "SEARCH outbox USING INDEX outbox_ready_idx (state=?)";
    expect(planOf(plans, "update outbox set state = 'queued', lease_owner = null, lease_until = null, sent_at = null, reason = 'RESEND_AFTER_CRASH'")).toEqual([
      ready,
    ]);
    expect(
      planOf(
        plans,
        "update outbox set state = 'queued', channel = null, free = null, sent_at = null, lease_owner = null, lease_until = null, updated_at = @t where state",
      ),
    ).toEqual([ready]);
    // A stopping dispatcher's hand-back of what it claimed and has not sent.
    expect(
      planOf(
        plans,
        "update outbox set state = 'queued', channel = null, free = null, sent_at = null, lease_owner = null, lease_until = null, updated_at = @t where lease_owner",
      ),
    ).toEqual([ready]);
    expect(
      planOf(
        plans,
        "update outbox set lease_owner = @owner, lease_until = @until, updated_at = @t where id in ( select id from outbox where state = 'sending'",
      ),
    ).toContain(ready);
    expect(planOf(plans, "update outbox set not_before = ?, updated_at = ? where state = 'held'")).toEqual([ready]);
    const claim = planOf(plans, "update outbox set lease_owner = @owner, lease_until = @until, updated_at = @now");
    expect(claim.filter((l) => l.includes("outbox_claim_idx"))).toEqual([
      "SEARCH o USING INDEX outbox_claim_idx (broadcast_id=?)",
      "SEARCH o USING INDEX outbox_claim_idx (broadcast_id=?)",
    ]);
    expect(planOf(plans, "update outbox set state = 'seen', seen_at = ?")).toEqual(["SEARCH outbox USING INDEX outbox_zalo_msg_idx (zalo_msg_id=?)"]);
    // The dashboard's event-time indexes serve no messaging statement.
    for (const p of plans) expect([p.sql, p.plan.filter((l) => /outbox_(sent|delivered|seen|ended)_idx/.test(l))]).toEqual([p.sql, []]);
  });
});
