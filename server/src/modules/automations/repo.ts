import { CONVERSION_DAYS } from "@mc/shared";
import type { Db } from "../../db/client";

/** The only writer of `automations` and `automation_runs`. Callers run these inside their own transaction. */
export type AutomationRow = {
  id: string;
  name: string;
  trigger: string;
  enabled: number;
  wait_hours: number;
  segment_id: string | null;
  /** JSON AutomationCondition[]. */
  conditions: string;
  category: "transactional" | "care" | "promotion";
  priority: number;
  source: string;
  text: string;
  image_url: string | null;
  template_id: string | null;
  template_params: string;
  expires_hours: number;
  within_days: number | null;
  voucher_campaign_id: string | null;
  updated_by: string | null;
  updated_at: number;
};

export type RunRow = {
  id: number;
  automation_id: string;
  occurrence_key: string;
  customer_id: string;
  vars: string;
  due_at: number;
};

export type RunEnd = { state: "queued" | "skipped" | "cancelled"; reason: string | null };

/** The outbox dedupe keys of one automation are `auto:<id>:…`: a range of the unique dedupe index. */
export const dedupeKeyOf = (automationId: string, occurrenceKey: string) => `auto:${automationId}:${occurrenceKey}`;
const keyRange = (automationId: string) => [`auto:${automationId}:`, `auto:${automationId};`] as const;

export function createAutomationRepo(db: Db) {
  const c = db.$client;
  const byIdStmt = c.prepare("select * from automations where id = ?");
  const listStmt = c.prepare("select * from automations order by rowid");
  const byTriggerStmt = c.prepare("select * from automations where trigger = ? and enabled = 1 order by rowid");
  const updateStmt = c.prepare(
    `update automations set name = @name, enabled = @enabled, wait_hours = @waitHours, segment_id = @segmentId, conditions = @conditions, category = @category,
       priority = @priority, text = @text, image_url = @imageUrl, template_id = @templateId, template_params = @templateParams,
       expires_hours = @expiresHours, within_days = @withinDays, voucher_campaign_id = @voucherCampaignId, updated_by = @updatedBy, updated_at = @updatedAt where id = @id`,
  );
  const insertRun = c.prepare(
    `insert into automation_runs (automation_id, occurrence_key, customer_id, vars, state, reason, due_at, created_at, done_at)
     values (@automationId, @occurrenceKey, @customerId, @vars, @state, @reason, @dueAt, @now, @doneAt)
     on conflict(automation_id, occurrence_key) do nothing`,
  );
  // The timer worker's claim: due waiting rows (through the partial due index) whose lease is free or lapsed.
  const claimStmt = c.prepare(
    `update automation_runs set lease_owner = @owner, lease_until = @until
     where id in (select id from automation_runs where state = 'waiting' and due_at <= @now and (lease_until is null or lease_until < @now)
                  order by due_at limit @n)
     returning id, automation_id, occurrence_key, customer_id, vars, due_at`,
  );
  // Only while this worker still holds the lease: a row another worker took over after ours lapsed is theirs.
  const finishStmt = c.prepare(
    "update automation_runs set state = @state, reason = @reason, done_at = @now, lease_owner = null, lease_until = null where id = @id and lease_owner = @owner and state = 'waiting'",
  );
  const setEndStmt = c.prepare(
    "update automation_runs set state = @state, reason = @reason where automation_id = @automationId and occurrence_key = @occurrenceKey",
  );
  const forgetStmt = c.prepare(
    "update automation_runs set state = 'cancelled', reason = 'CUSTOMER_ERASED', vars = '{}', done_at = ?, lease_owner = null, lease_until = null where customer_id = ? and state = 'waiting'",
  );
  // A person's waiting timers of one trigger's automations whose occurrence starts with a prefix (one cart's
  // versions): automation_runs_customer_idx, then the row.
  const cancelWaitingStmt = c.prepare(
    `update automation_runs set state = 'cancelled', reason = @reason, done_at = @now, lease_owner = null, lease_until = null
     where customer_id = @customerId and state = 'waiting' and occurrence_key >= @lo and occurrence_key < @hi
       and automation_id in (select id from automations where trigger = @trigger)`,
  );
  const holdsStmt = c.prepare("select 1 from automation_runs where id = ? and lease_owner = ? and state = 'waiting'").pluck();
  // Win-back's gap: this person's latest run of one automation (automation_runs_customer_idx: a person has few runs).
  const lastRunStmt = c.prepare("select max(created_at) from automation_runs where customer_id = ? and automation_id = ?").pluck();
  const runExistsStmt = c.prepare("select 1 from automation_runs where automation_id = ? and occurrence_key = ?").pluck();
  const runFigures = c.prepare("select state, reason, count(*) as n from automation_runs where automation_id = ? group by state, reason");
  const outboxFigures = c.prepare("select state, reason, count(*) as n from outbox where dedupe_key >= @lo and dedupe_key < @hi group by state, reason");
  // An order placed within CONVERSION_DAYS after a message that went out (orders_customer_idx per message).
  const conversions = c
    .prepare(
      `select count(*) from outbox o where o.dedupe_key >= @lo and o.dedupe_key < @hi and o.state in ('sent', 'delivered', 'seen')
         and exists (select 1 from orders x where x.customer_id = o.customer_id and x.created_at > o.sent_at and x.created_at <= o.sent_at + @window)`,
    )
    .pluck();

  return {
    byId: (id: string) => byIdStmt.get(id) as AutomationRow | undefined,
    list: () => listStmt.all() as AutomationRow[],
    enabledFor: (trigger: string) => byTriggerStmt.all(trigger) as AutomationRow[],
    update: (p: Record<string, unknown>) => updateStmt.run(p).changes === 1,
    /** False when this occurrence was already recorded (a redelivered event). */
    insertRun: (p: {
      automationId: string;
      occurrenceKey: string;
      customerId: string;
      vars: string;
      state: "waiting" | RunEnd["state"];
      reason: string | null;
      dueAt: number;
      now: number;
    }) => insertRun.run({ ...p, doneAt: p.state === "waiting" ? null : p.now }).changes === 1,
    setEnd: (p: { automationId: string; occurrenceKey: string } & RunEnd) => setEndStmt.run(p).changes === 1,
    claim: (p: { owner: string; until: number; now: number; n: number }) => claimStmt.all(p) as RunRow[],
    finish: (p: { id: number; owner: string; now: number } & RunEnd) => finishStmt.run(p).changes === 1,
    forgetCustomer: (customerId: string, now: number) => forgetStmt.run(now, customerId).changes,
    /** Ends a person's waiting timers of a trigger whose occurrence key starts with `keyPrefix`; how many. */
    cancelWaiting: (p: { trigger: string; customerId: string; keyPrefix: string; reason: string; now: number }) =>
      cancelWaitingStmt.run({ trigger: p.trigger, customerId: p.customerId, lo: p.keyPrefix, hi: `${p.keyPrefix}\uffff`, reason: p.reason, now: p.now })
        .changes,
    /** Whether this worker still holds a waiting run (not cancelled meanwhile, nor taken over after its lease lapsed). */
    holds: (id: number, owner: string) => holdsStmt.get(id, owner) !== undefined,
    /** When this automation last recorded an occurrence for this person (null: never). */
    lastRunAt: (automationId: string, customerId: string) => (lastRunStmt.get(customerId, automationId) as number | null) ?? null,
    runExists: (automationId: string, occurrenceKey: string) => runExistsStmt.get(automationId, occurrenceKey) === 1,
    figures(automationId: string) {
      const [l, h] = keyRange(automationId);
      return {
        runs: runFigures.all(automationId) as { state: string; reason: string | null; n: number }[],
        messages: outboxFigures.all({ lo: l, hi: h }) as { state: string; reason: string | null; n: number }[],
        conversions: conversions.get({ lo: l, hi: h, window: CONVERSION_DAYS * 86_400_000 }) as number,
      };
    },
  };
}

export type AutomationRepo = ReturnType<typeof createAutomationRepo>;
