import { CONVERSION_DAYS } from "@mc/shared";
import { mapStep } from "../../db/store";
import { q, type Awaitable, type RunResult, type Store, type SyncView } from "../../db/store";

/** The only writer of `automations` and `automation_runs`. Callers run these inside their own transaction. */
export type AutomationRow = {
  id: string;
  name: string;
  trigger: string;
  /** 1/0 on SQLite, a boolean on PostgreSQL: read it as truthy. */
  enabled: number | boolean;
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

export function createAutomationRepo(store: Store) {
  const P = store.prepare.bind(store);
  const byIdStmt = P<AutomationRow>("select * from automations where id = ?");
  const listStmt = P<AutomationRow>("select * from automations order by rowid");
  const byTriggerStmt = P<AutomationRow>("select * from automations where trigger = ? and enabled = ? order by rowid");
  const updateStmt = P(
    `update automations set name = @name, enabled = @enabled, wait_hours = @waitHours, segment_id = @segmentId, conditions = @conditions, category = @category,
       priority = @priority, text = @text, image_url = @imageUrl, template_id = @templateId, template_params = @templateParams,
       expires_hours = @expiresHours, within_days = @withinDays, voucher_campaign_id = @voucherCampaignId, updated_by = @updatedBy, updated_at = @updatedAt where id = @id`,
  );
  const insertRun = P(
    `insert into automation_runs (automation_id, occurrence_key, customer_id, vars, state, reason, due_at, created_at, done_at)
     values (@automationId, @occurrenceKey, @customerId, @vars, @state, @reason, @dueAt, @now, @doneAt)
     on conflict(automation_id, occurrence_key) do nothing`,
  );
  // The timer worker's claim: due waiting rows (through the partial due index) whose lease is free or lapsed. On
  // PostgreSQL, several workers claim at once: each skips the rows another claim holds locked (FOR UPDATE SKIP
  // LOCKED) rather than waiting on them or taking them twice, and a row another claim leased and committed
  // meanwhile is re-read at its new version (READ COMMITTED: the claim runs as a statement of its own).
  const due = "state = 'waiting' and due_at <= @now and (lease_until is null or lease_until < @now)";
  const claimStmt = P<RunRow>({
    sqlite: `update automation_runs set lease_owner = @owner, lease_until = @until
     where id in (select id from automation_runs where ${due} order by due_at limit @n)
     returning id, automation_id, occurrence_key, customer_id, vars, due_at`,
    pg: `update automation_runs set lease_owner = @owner, lease_until = @until
     where id = any (array(select id from automation_runs where ${due} order by due_at limit @n for update skip locked))
     returning id, automation_id, occurrence_key, customer_id, vars, due_at`,
  });
  // Only while this worker still holds the lease: a row another worker took over after ours lapsed is theirs.
  const finishStmt = P(
    "update automation_runs set state = @state, reason = @reason, done_at = @now, lease_owner = null, lease_until = null where id = @id and lease_owner = @owner and state = 'waiting'",
  );
  const setEndStmt = P("update automation_runs set state = @state, reason = @reason where automation_id = @automationId and occurrence_key = @occurrenceKey");
  const forgetStmt = P(
    "update automation_runs set state = 'cancelled', reason = 'CUSTOMER_ERASED', vars = '{}', done_at = ?, lease_owner = null, lease_until = null where customer_id = ? and state = 'waiting'",
  );
  // A person's waiting timers of one trigger's automations whose occurrence starts with a prefix (one cart's
  // versions): automation_runs_customer_idx, then the row. (PostgreSQL sorts text as bytes: LC_COLLATE C.)
  const cancelWaitingStmt = P(
    `update automation_runs set state = 'cancelled', reason = @reason, done_at = @now, lease_owner = null, lease_until = null
     where customer_id = @customerId and state = 'waiting' and occurrence_key >= @lo and occurrence_key < @hi
       and automation_id in (select id from automations where trigger = @trigger)`,
  );
  // On PostgreSQL it also locks the run until the fire's transaction ends: a cancel (an order placed, the cart
  // changed) waits for it and then finds the run ended, as on SQLite, where the two cannot interleave.
  const holdsSql = "select 1 from automation_runs where id = ? and lease_owner = ? and state = 'waiting'";
  const holdsStmt = P({ sqlite: holdsSql, pg: `${holdsSql} for update` }, "pluck");
  // Win-back's gap: this person's latest run of one automation (automation_runs_customer_idx: a person has few runs).
  const lastRunStmt = P<number | null>("select max(created_at) from automation_runs where customer_id = ? and automation_id = ?", "pluck");
  const runExistsStmt = P("select 1 from automation_runs where automation_id = ? and occurrence_key = ?", "pluck");
  type Figure = { state: string; reason: string | null; n: number };
  const runFigures = P<Figure>("select state, reason, count(*) as n from automation_runs where automation_id = ? group by state, reason");
  const outboxFigures = P<Figure>("select state, reason, count(*) as n from outbox where dedupe_key >= @lo and dedupe_key < @hi group by state, reason");
  // An order placed within CONVERSION_DAYS after a message that went out (orders_customer_idx per message).
  const conversions = P<number>(
    `select count(*) from outbox o where o.dedupe_key >= @lo and o.dedupe_key < @hi and o.state in ('sent', 'delivered', 'seen')
       and exists (select 1 from orders x where x.customer_id = o.customer_id and x.created_at > o.sent_at and x.created_at <= o.sent_at + @window)`,
    "pluck",
  );
  const changed = (r: Awaitable<RunResult>) => mapStep(r, (x) => x.changes);

  return {
    byId: (id: string) => byIdStmt.get(id),
    list: () => listStmt.all(),
    enabledFor: (trigger: string) => byTriggerStmt.all(trigger, 1),
    /** `enabled` as 1/0. */
    update: (p: Record<string, unknown>) => mapStep(updateStmt.run(p), (r) => r.changes === 1),
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
    }) => mapStep(insertRun.run({ ...p, doneAt: p.state === "waiting" ? null : p.now }), (r) => r.changes === 1),
    setEnd: (p: { automationId: string; occurrenceKey: string } & RunEnd) =>
      mapStep(setEndStmt.run({ state: p.state, reason: p.reason, automationId: p.automationId, occurrenceKey: p.occurrenceKey }), (r) => r.changes === 1),
    /** A statement of its own (not inside a transaction body): see the PostgreSQL text. */
    claim: (p: { owner: string; until: number; now: number; n: number }) => claimStmt.all(p),
    finish: (p: { id: number; owner: string; now: number } & RunEnd) =>
      mapStep(finishStmt.run({ state: p.state, reason: p.reason, now: p.now, id: p.id, owner: p.owner }), (r) => r.changes === 1),
    forgetCustomer: (customerId: string, now: number) => changed(forgetStmt.run(now, customerId)),
    /** Ends a person's waiting timers of a trigger whose occurrence key starts with `keyPrefix`; how many. */
    cancelWaiting: (p: { trigger: string; customerId: string; keyPrefix: string; reason: string; now: number }) =>
      changed(
        cancelWaitingStmt.run({ trigger: p.trigger, customerId: p.customerId, lo: p.keyPrefix, hi: `${p.keyPrefix}\uffff`, reason: p.reason, now: p.now }),
      ),
    /** Whether this worker still holds a waiting run (not cancelled meanwhile, nor taken over after its lease lapsed). */
    holds: (id: number, owner: string) => mapStep(holdsStmt.get(id, owner), (v) => v !== undefined),
    /** When this automation last recorded an occurrence for this person (null: never). */
    lastRunAt: (automationId: string, customerId: string) => mapStep(lastRunStmt.get(customerId, automationId), (v) => v ?? null),
    runExists: (automationId: string, occurrenceKey: string) => mapStep(runExistsStmt.get(automationId, occurrenceKey), (v) => v !== undefined),
    figures(automationId: string) {
      const [l, h] = keyRange(automationId);
      return store.read(function* () {
        return {
          runs: yield* q(runFigures.all(automationId)),
          messages: yield* q(outboxFigures.all({ lo: l, hi: h })),
          conversions: (yield* q(conversions.get({ lo: l, hi: h, window: CONVERSION_DAYS * 86_400_000 })))!,
        };
      });
    },
  };
}

export type AutomationRepo = ReturnType<typeof createAutomationRepo>;
/** The repo as synchronous SQLite code not ported yet sees it (tests). */
export type AutomationRepoSync = SyncView<AutomationRepo>;
