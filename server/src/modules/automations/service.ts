import {
  AUTOMATION_TRIGGERS,
  DAYS_TRIGGERS,
  DEFAULT_WITHIN_DAYS,
  EXPIRING_TRIGGERS,
  ErrorCode,
  TRIGGER_VARS,
  CONDITION_VARS,
  conditionProblems,
  conditionsMet,
  renderAutomationText,
  unknownPlaceholders,
  type Automation,
  type AutomationCondition,
  type AutomationFigures,
  type AutomationInput,
  type AutomationTrigger,
  type AutomationWhatIfInput,
} from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import type { NewMessage } from "../messaging/repo";
import { dedupeKeyOf, type AutomationRepo, type AutomationRow, type RunEnd } from "./repo";
import type { WhatIf } from "./what-if";

const HOUR = 3_600_000;
const fieldIssue = (field: string, message: string, vi: string) => ({ keyword: "custom", instancePath: `/${field}`, message, params: { params: { vi } } });

/** A domain event the owning module emits inside its own transaction (follow, an order's status…). */
export type AutomationEvent = {
  trigger: AutomationTrigger;
  customerId: string;
  /** Identifies this occurrence of the trigger for this person (`order:<id>`, the follower's id…). */
  occurrenceKey: string;
  vars: Record<string, string | number>;
  /** Only this automation (a scan that found the occurrence with this automation's own window). */
  automationId?: string;
};

type Template = { id: string; params: Record<string, string> };

export function createAutomationService(deps: {
  store: Store;
  repo: AutomationRepo;
  /**
   * The messaging queue as a step of the caller's body (validates template params; throws AppError for content
   * that cannot go, before any write).
   */
  queue: (m: NewMessage) => Awaitable<boolean>;
  segments: { contains: (segmentId: string, customerId: string) => Awaitable<boolean | null>; exists: (segmentId: string) => Awaitable<boolean> };
  templateExists: (id: string) => Awaitable<boolean>;
  /** A voucher campaign the birthday may give: its points price (a gift must cost none), or null when unknown. */
  voucherCampaign?: (id: string) => Awaitable<{ costPoints: number } | null>;
  /** A store id a "store is X" rule names must exist. */
  storeExists: (id: string) => Awaitable<boolean>;
  whatIf: WhatIf;
  /** The person's display name now (not stored with a waiting timer: an erasure must not leave it behind). */
  nameOf: (customerId: string) => Awaitable<string | null>;
  /** A template the shop configured outside the automation (ORDER_ZNS_TEMPLATE_ID for the order notices). */
  defaultTemplate?: (a: AutomationRow) => Template | null;
  now: () => number;
}) {
  const { store, repo, now } = deps;

  const conditionsOf = (a: AutomationRow) => JSON.parse(a.conditions) as AutomationCondition[];

  function templateOf(a: AutomationRow): Template | null {
    if (a.template_id) return { id: a.template_id, params: JSON.parse(a.template_params) as Record<string, string> };
    return deps.defaultTemplate?.(a) ?? null;
  }

  /** Sends (queues) one occurrence's message now, or says why not. A step: inside the caller's transaction. */
  const fire = (
    a: AutomationRow | undefined,
    run: { automationId: string; occurrenceKey: string; customerId: string; vars: Record<string, unknown> },
    at: number,
  ): Awaitable<RunEnd> => store.join(() => fireSteps(a, run, at));

  function* fireSteps(
    a: AutomationRow | undefined,
    run: { automationId: string; occurrenceKey: string; customerId: string; vars: Record<string, unknown> },
    at: number,
  ): Step<RunEnd> {
    if (!a || !a.enabled) return { state: "cancelled", reason: "AUTOMATION_OFF" };
    // Rules on the event read its typed facts, with the settings in force when it is due (like the segment).
    if (!conditionsMet(conditionsOf(a), run.vars)) return { state: "skipped", reason: "CONDITION_NOT_MET" };
    if (a.segment_id) {
      const inSegment = yield* q(deps.segments.contains(a.segment_id, run.customerId));
      if (inSegment === null) return { state: "skipped", reason: "SEGMENT_DELETED" };
      if (!inSegment) return { state: "skipped", reason: "NOT_IN_SEGMENT" };
    }
    const vars = { ...(run.vars as Record<string, string>), name: (yield* q(deps.nameOf(run.customerId))) ?? "bạn" };
    const text = renderAutomationText(a.text, vars);
    const base: NewMessage = {
      customerId: run.customerId,
      category: a.category,
      priority: a.priority,
      dedupeKey: dedupeKeyOf(a.id, run.occurrenceKey),
      source: a.source,
      text,
      imageUrl: a.image_url,
      expiresAt: at + a.expires_hours * HOUR,
    };
    const tpl = templateOf(a);
    if (tpl) {
      const data = Object.fromEntries(Object.entries(tpl.params).map(([k, v]) => [k, renderAutomationText(v, vars)]));
      try {
        yield* q(deps.queue({ ...base, template: { id: tpl.id, data } }));
        return { state: "queued", reason: null };
      } catch (err) {
        // A template whose params do not fit (or that was switched off) must not block the cause: the text still goes.
        if (!(err instanceof AppError)) throw err;
      }
    }
    if (!text) return { state: "skipped", reason: "CONTENT_EMPTY" };
    yield* q(deps.queue(base));
    return { state: "queued", reason: null };
  }

  /**
   * The owning modules call this inside the event's own transaction. Each enabled automation of the trigger
   * records the occurrence once (a redelivered event is a no-op) and sends now, or leaves a durable timer. A step:
   * part of the caller's transaction (or one of its own).
   */
  const onEvent = (e: AutomationEvent) =>
    store.join(function* () {
      const at = now();
      for (const a of yield* q(repo.enabledFor(e.trigger))) {
        if (e.automationId && a.id !== e.automationId) continue;
        const run = { automationId: a.id, occurrenceKey: e.occurrenceKey, customerId: e.customerId, vars: JSON.stringify(e.vars), now: at };
        if (a.wait_hours > 0) {
          yield* q(repo.insertRun({ ...run, state: "waiting", reason: null, dueAt: at + a.wait_hours * HOUR }));
          continue;
        }
        // Recorded first, so a redelivered event stops here (on PostgreSQL a concurrent delivery waits on the unique
        // key, then finds it); the outcome is written over it in the same transaction.
        if (!(yield* q(repo.insertRun({ ...run, state: "queued", reason: null, dueAt: at })))) continue;
        const end = yield* fireSteps(a, { ...e, automationId: a.id }, at);
        if (end.state !== "queued") yield* q(repo.setEnd({ automationId: a.id, occurrenceKey: e.occurrenceKey, ...end }));
      }
    });

  async function figuresOf(id: string): Promise<AutomationFigures> {
    const f = await repo.figures(id);
    const out: AutomationFigures = { triggered: 0, waiting: 0, sent: 0, held: 0, pending: 0, suppressed: {}, conversions: f.conversions };
    const add = (reason: string, n: number) => (out.suppressed[reason] = (out.suppressed[reason] ?? 0) + n);
    for (const r of f.runs) {
      out.triggered += r.n;
      if (r.state === "waiting") out.waiting += r.n;
      else if (r.state !== "queued") add(r.reason ?? r.state.toUpperCase(), r.n);
    }
    for (const m of f.messages) {
      if (m.state === "sent" || m.state === "delivered" || m.state === "seen") out.sent += m.n;
      else if (m.state === "held") out.held += m.n;
      else if (m.state === "queued" || m.state === "ready" || m.state === "sending") out.pending += m.n;
      else add(m.reason ?? m.state.toUpperCase(), m.n);
    }
    return out;
  }

  const iso = (ms: number) => (ms ? new Date(ms).toISOString() : null);
  async function view(a: AutomationRow): Promise<Automation> {
    const trigger = a.trigger as AutomationTrigger;
    return {
      id: a.id,
      name: a.name,
      trigger,
      vars: TRIGGER_VARS[trigger] ?? [],
      enabled: !!a.enabled,
      waitHours: a.wait_hours,
      segmentId: a.segment_id,
      conditions: conditionsOf(a),
      conditionVars: CONDITION_VARS[trigger] ?? {},
      category: a.category,
      priority: a.priority,
      text: a.text,
      imageUrl: a.image_url,
      templateId: a.template_id,
      templateParams: JSON.parse(a.template_params) as Record<string, string>,
      expiresHours: a.expires_hours,
      withinDays: a.within_days,
      voucherCampaignId: a.voucher_campaign_id,
      updatedBy: a.updated_by,
      updatedAt: iso(a.updated_at),
      figures: await figuresOf(a.id),
    };
  }

  async function row(id: string) {
    const a = await repo.byId(id);
    if (!a || !(AUTOMATION_TRIGGERS as readonly string[]).includes(a.trigger)) throw new AppError(ErrorCode.AUTOMATION_NOT_FOUND, "Automation not found");
    return a;
  }

  async function checkConditions(trigger: AutomationTrigger, conditions: AutomationCondition[]) {
    const problems = conditionProblems(trigger, conditions);
    const vars = CONDITION_VARS[trigger] ?? {};
    for (const [index, c] of conditions.entries())
      if (vars[c.var]?.type === "store" && typeof c.value === "string" && !(await deps.storeExists(c.value)))
        problems.push({ index, var: c.var, problem: "VALUE_NOT_ALLOWED" });
    if (problems.length)
      throw new AppError(ErrorCode.AUTOMATION_CONDITION_INVALID, `This trigger cannot check ${problems.map((p) => p.var).join(", ")}`, {
        problems,
        known: Object.keys(vars),
      });
  }

  /** The draft's reach over the last 30 days (absent fields are the saved ones); chunked, off the request's critical path. */
  async function whatIf(id: string, draft: AutomationWhatIfInput) {
    const a = await row(id);
    const trigger = a.trigger as AutomationTrigger;
    const settings = deps.whatIf.settingsOf(a);
    if (draft.conditions) await checkConditions(trigger, draft.conditions);
    const segmentId = draft.segmentId === undefined ? settings.segmentId : draft.segmentId;
    if (segmentId && !(await deps.segments.exists(segmentId))) throw new AppError(ErrorCode.AUTOMATION_SEGMENT_NOT_FOUND, "Segment not found");
    return deps.whatIf.count({
      ...settings,
      segmentId,
      conditions: draft.conditions ?? settings.conditions,
      withinDays: draft.withinDays ?? settings.withinDays,
    });
  }

  async function update(actor: Principal, id: string, input: AutomationInput) {
    const a = await row(id);
    const trigger = a.trigger as AutomationTrigger;
    const unknown = [...unknownPlaceholders(trigger, input.text), ...Object.values(input.templateParams).flatMap((v) => unknownPlaceholders(trigger, v))];
    if (unknown.length)
      throw new AppError(ErrorCode.AUTOMATION_PLACEHOLDER_UNKNOWN, `This trigger has no ${unknown.map((k) => `{${k}}`).join(", ")}`, {
        placeholders: [...new Set(unknown)],
        known: TRIGGER_VARS[trigger],
      });
    if (input.segmentId && !(await deps.segments.exists(input.segmentId))) throw new AppError(ErrorCode.AUTOMATION_SEGMENT_NOT_FOUND, "Segment not found");
    if (input.conditions) await checkConditions(trigger, input.conditions);
    if (input.templateId && !(await deps.templateExists(input.templateId)))
      throw new AppError(ErrorCode.TEMPLATE_NOT_FOUND, `ZNS template ${input.templateId} is not registered`);
    if (EXPIRING_TRIGGERS.includes(trigger) && (input.withinDays ?? 0) > 90)
      throw new AppError(ErrorCode.VALIDATION_FAILED, "A reminder goes at most 90 days ahead", [
        fieldIssue("withinDays", "at most 90 days ahead", "nhắc trước tối đa 90 ngày"),
      ]);
    // Only the birthday gives a voucher; an editor that does not send the field keeps the current one.
    const voucherCampaignId = trigger === "birthday" ? (input.voucherCampaignId === undefined ? a.voucher_campaign_id : input.voucherCampaignId) : null;
    if (voucherCampaignId && voucherCampaignId !== a.voucher_campaign_id) {
      const c = (await deps.voucherCampaign?.(voucherCampaignId)) ?? null;
      if (!c) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, "Voucher campaign not found");
      if (c.costPoints > 0)
        throw new AppError(ErrorCode.VALIDATION_FAILED, "A birthday gift cannot cost points", [
          fieldIssue("voucherCampaignId", "the campaign costs points", "quà sinh nhật phải là voucher không tốn điểm"),
        ]);
    }
    const at = now();
    await store.tx(function* () {
      yield* q(
        repo.update({
          id,
          name: input.name,
          enabled: input.enabled ? 1 : 0,
          waitHours: input.waitHours,
          segmentId: input.segmentId,
          conditions: input.conditions ? JSON.stringify(input.conditions) : a.conditions,
          category: input.category,
          priority: input.priority,
          text: input.text,
          imageUrl: input.imageUrl,
          templateId: input.templateId,
          templateParams: JSON.stringify(input.templateParams),
          expiresHours: input.expiresHours,
          // Only the expiring triggers and win-back have a number of days; an editor that does not send one keeps the current one.
          withinDays: DAYS_TRIGGERS.includes(trigger) ? (input.withinDays ?? a.within_days ?? DEFAULT_WITHIN_DAYS[trigger] ?? null) : null,
          voucherCampaignId,
          updatedBy: `${actorOf(actor).kind}:${actor.id}`,
          updatedAt: at,
        }),
      );
      yield* q(
        audit(store, { actor: actorOf(actor), action: "automation.update", targetId: id, details: { enabled: input.enabled, waitHours: input.waitHours }, at }),
      );
    });
    return view(await row(id));
  }

  return {
    onEvent,
    fire,
    /** The enabled automations of a trigger (the expiring scan reads each one's window). */
    enabledFor: (trigger: AutomationTrigger) => repo.enabledFor(trigger),
    lastRunAt: repo.lastRunAt,
    runExists: repo.runExists,
    list: async () => Promise.all((await repo.list()).map(view)),
    get: async (id: string) => view(await row(id)),
    update,
    /**
     * The cause of a person's waiting timers went away (an order placed, the cart emptied or changed): those of the
     * trigger whose occurrence starts with `keyPrefix` end, inside the caller's transaction.
     */
    cancelWaiting: (p: { trigger: AutomationTrigger; customerId: string; keyPrefix: string; reason: string }) => repo.cancelWaiting({ ...p, now: now() }),
    whatIf,
    /** The person's data was erased: their waiting timers end (inside the erasure's transaction). */
    forgetCustomer: (customerId: string, at: number) => repo.forgetCustomer(customerId, at),
  };
}

export type AutomationService = ReturnType<typeof createAutomationService>;
