import { syncStep } from "../../db/store";
import { randomBytes } from "node:crypto";
import { ErrorCode, decide, zaloErrorText, type Audience, type BroadcastInput, type Category, type Decision, type PolicyMessage } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { forEachRowidSlice, rowidEnd, runInSlices, type SliceOptions } from "../../db/chunked";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import type { LoyaltyRepoSync } from "../loyalty/repo";
import { audienceSql, type TierRange } from "./broadcasts-repo";
import type { MessageContent } from "./queue";
import { recentSince, toPolicyCustomer, type MessagingRepo } from "./repo";
import type { SegmentServiceSync } from "../segments/service";

type SegmentSnapshot = ReturnType<SegmentServiceSync["snapshot"]>;

const DAY = 86_400_000;
const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** Broadcasts: create, preview, plan (resumably), pause/resume/cancel, the circuit breaker, and their views. */
export function createBroadcasts(deps: {
  db: Db;
  repo: Pick<MessagingRepo, "broadcasts" | "outbox" | "currentRules" | "template" | "recentSendsOf" | "policyRows">;
  loyaltyRepo: Pick<LoyaltyRepoSync, "currentRules">;
  checkContent: <C extends MessageContent>(content: C) => C;
  now: () => number;
  /** How broadcast previews and plans are sliced (default: sized to a few ms per slice). */
  slices?: SliceOptions;
  /** Saved segments a broadcast audience may name (`audience.segmentId`). */
  segments?: Pick<SegmentServiceSync, "snapshot" | "compile">;
}) {
  const { db, repo, now } = deps;
  const c = db.$client;
  const store = repo.broadcasts;
  const outbox = repo.outbox;

  /** The audience's SQL condition; an unknown tier is a 400. */
  function audienceOf(a: Audience & { segment?: SegmentSnapshot }) {
    const base = filtersOf(a);
    if (!a.segment) return base;
    // A saved segment's rules as recorded when the broadcast was created (what was previewed is what is planned).
    const s = deps.segments!.compile(a.segment.rules);
    return { where: `${base.where} and (${s.where})`, params: [...base.params, ...s.params] };
  }

  function filtersOf(a: Audience) {
    if (!a.tiers?.length) return audienceSql(a, now());
    // Tiers are ranges of points earned in the rolling window.
    const { rules } = deps.loyaltyRepo.currentRules();
    const ranges: TierRange[] = a.tiers.map((key) => {
      const i = rules.tiers.findIndex((t) => t.key === key);
      if (i < 0) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown tier ${key}`);
      return { lo: rules.tiers[i]!.threshold, hi: rules.tiers[i + 1]?.threshold ?? Number.MAX_SAFE_INTEGER };
    });
    return audienceSql(a, now(), { ranges, since: now() - rules.tierWindowDays * DAY });
  }

  function createBroadcast(actor: Principal, input: BroadcastInput) {
    // A time already past would send at once, which is not what scheduling it meant.
    if (input.scheduledAt !== null && Date.parse(input.scheduledAt) <= now())
      throw new AppError(ErrorCode.SCHEDULE_IN_PAST, "scheduledAt is in the past", { scheduledAt: input.scheduledAt });
    deps.checkContent({ text: input.content.text, template: input.content.template });
    const { segmentId } = input.audience;
    if (segmentId !== undefined && !deps.segments) throw new AppError(ErrorCode.VALIDATION_FAILED, "Saved segments are not available here");
    const audience = segmentId === undefined ? input.audience : { ...input.audience, segment: deps.segments!.snapshot(segmentId) };
    audienceOf(audience); // validates tiers now
    // Short ids: every outbox row of a million-recipient broadcast carries this id, and so does its index.
    const id = `b${randomBytes(9).toString("base64url")}`;
    tx(db, () => {
      store.create(id, { ...input, audience }, `${actorOf(actor).kind}:${actor.id}`, now());
      audit(db, { actor: actorOf(actor), action: "broadcast.create", targetId: id, at: now() });
    });
    return broadcastView(id);
  }

  const broadcastRow = (id: string) => {
    const b = store.row(id);
    if (!b) throw new AppError(ErrorCode.NOT_FOUND, "Broadcast not found");
    return b;
  };

  /**
   * How many would be sent now, held, suppressed (by reason), and the quota it would spend. Set-based and
   * sliced: each slice of the customers' rowid range is one grouped query (people with recent sends one by
   * one against their own history, everyone else grouped by the few facts the policy reads and decided once
   * per group), with the event loop served between slices. Counts add up across slices exactly as one
   * query over everyone would; the slices are not one snapshot (a preview is an estimate, and every message
   * is decided again at send time).
   */
  async function preview(id: string) {
    const b = broadcastRow(id);
    const { where, params } = audienceOf(JSON.parse(b.audience));
    const { rules } = repo.currentRules();
    const t = repo.template(b.templateId ?? "");
    const msg: PolicyMessage = {
      category: b.category as Category,
      priority: 3,
      hasText: !!b.text || !!b.imageUrl,
      template: t ? { tag: t.tag as 1 | 2 | 3, uid: t.uid, zns: true } : null,
      expiresAt: b.expiresAt,
    };
    const out = {
      audience: 0,
      send: 0,
      hold: 0,
      suppress: 0,
      expire: 0,
      reasons: {} as Record<string, number>,
      /** Per hold reason, the earliest time its messages may go. */
      holdUntil: {} as Record<string, string>,
      channels: { cs: 0, template_uid: 0, zns: 0 },
      freeCs: 0,
      quotaNeeded: 0,
    };
    const holdUntil: Record<string, number> = {};
    const count = (d: Decision, n: number) => {
      out.audience += n;
      out[d.action] += n;
      if (d.action === "send") {
        out.channels[d.channel] += n;
        if (d.free) out.freeCs += n;
        if (d.channel === "zns" || d.channel === "template_uid") out.quotaNeeded += n;
      } else out.reasons[d.reason] = (out.reasons[d.reason] ?? 0) + n;
      if (d.action === "hold") holdUntil[d.reason] = Math.min(holdUntil[d.reason] ?? Infinity, d.until);
    };
    const at = now();
    const freeMs = rules.zalo.csFreeHours * 3_600_000;
    const windowMs = rules.zalo.csWindowDays * DAY;
    const slice = store.previewSlice(where);
    await forEachRowidSlice(
      c,
      "customers",
      (lo, hi) => {
        const groups = slice({ recentSince: recentSince(at), at, freeMs, windowMs, lo, hi, params });
        const ids: string[] = [];
        for (const g of groups) {
          if (g.hid !== null) {
            ids.push(g.hid);
            continue;
          }
          const representative = toPolicyCustomer({
            follows_oa: g.f,
            unfollowed_at: g.u ? at : null,
            zalo_oa_id: g.o ? "oa" : null,
            phone: g.p ? "84" : null,
            last_interaction_at: g.w === 2 ? at : g.w === 1 ? at - freeMs - 1 : null,
            prefs: g.prefs,
            fatigue_until: g.tired ? at + 1 : null,
          });
          count(decide(representative, msg, at, rules, []), g.n);
        }
        if (ids.length) {
          const sends = repo.recentSendsOf(ids, at);
          for (const row of repo.policyRows(ids)) count(decide(toPolicyCustomer(row), msg, at, rules, sends.get(row.id) ?? []), 1);
        }
      },
      deps.slices,
    );
    for (const [reason, until] of Object.entries(holdUntil)) out.holdUntil[reason] = iso(until)!;
    return out;
  }

  /**
   * Starts (or schedules) a broadcast: snapshots the audience into the outbox, slice by slice (see `plan`),
   * and answers once every row is written. The dispatcher sends nothing of it before then.
   */
  async function start(actor: Principal, id: string) {
    tx(db, () => {
      const b = broadcastRow(id);
      if (b.state !== "draft") throw new AppError(ErrorCode.CONFLICT, `Broadcast is ${b.state}`);
      // Its template may have been switched off (or lost Zalo's approval) since the draft was saved.
      if (b.templateId) deps.checkContent({ template: { id: b.templateId, data: JSON.parse(b.templateData ?? "{}") } });
      const t = now();
      store.startPlanning(id, t);
      audit(db, { actor: actorOf(actor), action: "broadcast.start", targetId: id, at: t });
    });
    await plan(id);
    return broadcastViewSliced(id);
  }

  /**
   * Writes the outbox rows of a `planning` broadcast, one slice of the customers' rowid range per short
   * transaction, with the event loop served between slices. Each slice's rows and the progress mark
   * (`planned_through`) commit together, and each slice reads the mark inside its own IMMEDIATE
   * transaction: a crash loses only the slice in flight, a restart (`resumePlans`) carries on from the mark,
   * and two planners of the same broadcast (a restart racing a slow one, two processes) never write a
   * customer twice. The last slice sets `running`: the dispatcher claims only running broadcasts, so nothing
   * goes out, and the breaker, pause and completion never see a half-written audience. A cancel stops it
   * at the next slice.
   */
  async function plan(id: string) {
    const b = broadcastRow(id);
    if (b.state !== "planning") return;
    const { where, params } = audienceOf(JSON.parse(b.audience));
    const insert = outbox.audienceInsert(where);
    const end = rowidEnd(c, "customers");
    await runInSlices(
      (rows) =>
        tx(db, () => {
          const p = store.planProgress(id);
          if (!p || p.state !== "planning") return { done: true };
          const hi = p.after + rows;
          const t = now();
          const inserted = insert(b, { lo: p.after, hi, params }, t);
          const done = hi >= end();
          store.advancePlan(id, hi, inserted, done ? "running" : "planning");
          if (done) store.completeBroadcasts([id], t); // an audience of no one is done at once
          if (done)
            audit(db, {
              actor: { kind: "system", id: "planner" },
              action: "broadcast.planned",
              targetId: id,
              details: { recipients: p.recipients + inserted },
              at: t,
            });
          return { done };
        }),
      deps.slices,
    );
  }

  /** After a restart: finishes every plan, and every cancellation, a stopped process left half-done. */
  async function resumePlans() {
    const ids = store.planningIds();
    for (const id of ids) await plan(id);
    for (const id of store.cancelledWithUnsent()) await cancelRows(id);
    return { resumed: ids.length };
  }

  async function setState(actor: Principal, id: string, action: "pause" | "resume" | "cancel") {
    const next = tx(db, () => {
      const b = broadcastRow(id);
      // A plan in progress can be cancelled (it stops at its next slice), not paused: pause/resume is for sending.
      const allowed: Record<string, string[]> = {
        pause: ["running"],
        resume: ["paused", "tripped"],
        cancel: ["draft", "planning", "running", "paused", "tripped"],
      };
      if (!allowed[action]!.includes(b.state)) throw new AppError(ErrorCode.CONFLICT, `Cannot ${action} a ${b.state} broadcast`);
      const next = action === "pause" ? "paused" : action === "resume" ? "running" : "cancelled";
      store.setState(id, next, now());
      // Its last rows may have finished while it was paused: nothing will be claimed, so complete it here.
      if (next === "running") store.completeBroadcasts([id], now());
      audit(db, { actor: actorOf(actor), action: `broadcast.${action}`, targetId: id, at: now() });
      return next;
    });
    if (next === "cancelled") await cancelRows(id);
    return broadcastViewSliced(id);
  }

  /**
   * A cancelled broadcast's unsent rows become `cancelled`, in slices of its outbox id range (a million in
   * one statement held the event loop for seconds). Nothing of it is claimed meanwhile (the dispatcher
   * claims only running broadcasts); a crash midway is finished by `resumePlans`.
   */
  async function cancelRows(id: string) {
    const span = syncStep(outbox.broadcastSpan(id));
    if (span.lo === null || span.hi === null) return;
    let after = span.lo - 1;
    await runInSlices((rows) => {
      tx(db, () => syncStep(outbox.cancelBroadcastSlice(id, after, after + rows, now())));
      after += rows;
      return { done: after >= span.hi! };
    }, deps.slices);
  }

  /** The circuit breaker: a broadcast whose unfollow rate crosses its threshold stops itself. */
  function checkBreaker(id: string) {
    const b = store.row(id);
    if (!b || b.state !== "running") return;
    const s = syncStep(outbox.breakerStats(id));
    if (s.sent >= b.breakerMinSent && s.unfollows / s.sent >= b.breakerRate) {
      store.setState(id, "tripped", now());
      audit(db, { actor: { kind: "system", id: "breaker" }, action: "broadcast.tripped", targetId: id, details: s, at: now() });
    }
  }

  /**
   * The view with its per-state counts taken in slices of the broadcast's outbox id range, the event loop
   * served between them (at a million rows one count holds it for ~50 ms; the console polls every 2 s).
   * Each row is counted once, in the state it has when its slice is counted.
   */
  async function broadcastViewSliced(id: string) {
    const span = syncStep(outbox.broadcastSpan(id));
    const states: Record<string, number> = {};
    if (span.lo !== null && span.hi !== null) {
      let after = span.lo - 1;
      await runInSlices(
        (rows) => {
          for (const r of syncStep(outbox.broadcastStatesIn(id, after, after + rows))) states[r.state] = (states[r.state] ?? 0) + r.n;
          after += rows;
          return { done: after >= span.hi! };
        },
        { maxRows: 1_000_000, ...deps.slices },
      );
    }
    return broadcastView(id, states);
  }

  /** Reads only: a broadcast is marked done by whoever finalises its last row (see broadcasts-repo). */
  function broadcastView(id: string, counted?: Record<string, number>) {
    const b = broadcastRow(id);
    const states = counted ?? syncStep(outbox.broadcastStates(id));
    // A crash left these in flight and Zalo could not say whether they arrived: not failures, not sends.
    const unknown = syncStep(outbox.broadcastUnknown(id));
    const failed = syncStep(outbox.broadcastFailedByCode(id)).map((r) => ({ code: r.code, reason: zaloErrorText(r.code), count: r.n }));
    const reasons = syncStep(outbox.broadcastReasons(id));
    const unfollows = syncStep(outbox.broadcastUnfollows(id));
    const heldUntil = Object.fromEntries(Object.entries(syncStep(outbox.broadcastHeldUntil(id))).map(([r, t]) => [r, iso(t)!]));
    const sent = (states.sent ?? 0) + (states.delivered ?? 0) + (states.seen ?? 0);
    return {
      id: b.id,
      name: b.name,
      category: b.category,
      // Planned and waiting for its time: nothing goes before then (every row's not_before), so it is not "sending" yet.
      state: b.state === "running" && b.scheduledAt !== null && b.scheduledAt > now() ? "scheduled" : b.state,
      content: { text: b.text, imageUrl: b.imageUrl, template: b.templateId ? { id: b.templateId, data: JSON.parse(b.templateData ?? "{}") } : null },
      audience: JSON.parse(b.audience),
      expiresAt: iso(b.expiresAt),
      breaker: { rate: b.breakerRate, minSent: b.breakerMinSent },
      recipients: b.recipients,
      scheduledAt: iso(b.scheduledAt),
      startedAt: iso(b.startedAt),
      finishedAt: iso(b.finishedAt),
      counts: {
        // `ready` rows are decided and waiting for their turn: still queued as far as the shop is concerned.
        queued: (states.queued ?? 0) + (states.ready ?? 0),
        held: states.held ?? 0,
        sending: states.sending ?? 0,
        sent,
        delivered: (states.delivered ?? 0) + (states.seen ?? 0),
        seen: states.seen ?? 0,
        suppressed: states.suppressed ?? 0,
        failed: (states.failed ?? 0) - unknown,
        unknown,
        expired: states.expired ?? 0,
        cancelled: states.cancelled ?? 0,
      },
      reasons,
      /** Per hold reason, when its held messages may go next. */
      heldUntil,
      failedByCode: failed,
      unfollows,
      unfollowRate: sent ? unfollows / sent : 0,
    };
  }

  async function listBroadcasts() {
    const out = [];
    for (const id of store.ids()) out.push(await broadcastViewSliced(id));
    return out;
  }

  return { createBroadcast, preview, start, resumePlans, setState, checkBreaker, broadcastView, broadcastViewSliced, listBroadcasts };
}
