import { randomBytes, randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import {
  DEFAULT_PREFS,
  ErrorCode,
  dayKey,
  decide,
  maxOffersPerWeek,
  validateTemplateData,
  zaloErrorText,
  type Audience,
  type BroadcastInput,
  type Category,
  type Decision,
  type CustomerPrefs,
  type MessageContent,
  type PolicyCustomer,
  type PolicyMessage,
  type SentFact,
  type WarmingRules,
  type ZnsTemplateInput,
} from "@mc/shared";
import type { Db } from "../../db/client";
import { createDispatchRepo } from "./dispatch-repo";
import { tx } from "../../db/client";
import { broadcasts, customers, outbox, warmingRules, znsTemplates } from "../../db/schema";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import { earnedInWindowSql, type LoyaltyRepo } from "../loyalty/repo";
import type { ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import { idFromTrackingId } from "./dispatcher";
import { forEachRowidSlice, rowidEnd, runInSlices, type SliceOptions } from "../../db/chunked";
import type { SegmentService } from "../segments/service";
import { HAS_RECENT_SEND, POLICY_COLUMNS, recentSince, toPolicyCustomer, type MessagingRepo, type NewMessage } from "./repo";

const DAY = 86_400_000;
type SegmentSnapshot = ReturnType<SegmentService["snapshot"]>;
const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

export function createMessagingService(deps: {
  db: Db;
  repo: MessagingRepo;
  loyaltyRepo: Pick<LoyaltyRepo, "currentRules">;
  zalo: Pick<ZaloClient, "getZnsQuota" | "sendZns">;
  now: () => number;
  /** How broadcast previews and plans are sliced (default: sized to a few ms per slice). */
  slices?: SliceOptions;
  /** Saved segments a broadcast audience may name (`audience.segmentId`). */
  segments?: Pick<SegmentService, "snapshot" | "compile">;
}) {
  const { db, repo, now } = deps;
  const c = db.$client;
  const dispatchRepo = createDispatchRepo(db);

  // ---- one way in: every module queues through here, inside its own transaction ----

  /** Validates template params (NFC lengths) before queueing; bad data is a 400, never a failed send later. */
  function checkContent(content: { text?: string | null; template?: { id: string; data: Record<string, string> } | null }) {
    if (!content.template) return content;
    const t = repo.template(content.template.id);
    if (!t) throw new AppError(ErrorCode.TEMPLATE_NOT_FOUND, `ZNS template ${content.template.id} is not registered`);
    const { data, problems } = validateTemplateData(t.params, content.template.data);
    if (problems.length) throw new AppError(ErrorCode.TEMPLATE_DATA_INVALID, problems.map((p) => p.message).join("; "), { problems });
    return { ...content, template: { id: t.id, data } };
  }

  function queue(m: NewMessage): boolean {
    const checked = checkContent(m);
    return repo.queue({ ...m, ...checked }, now());
  }

  // ---- receipts and follow events (called by the OA webhook in its transaction) ----

  const delivered = c.prepare("update outbox set state = 'delivered', delivered_at = ?, updated_at = ? where id = ? and state in ('sending','sent')");
  const deliveredByMsg = c.prepare("update outbox set state = 'delivered', delivered_at = ?, updated_at = ? where zalo_msg_id = ? and state in ('sending','sent')");
  const seenByMsg = c.prepare("update outbox set state = 'seen', seen_at = ?, delivered_at = coalesce(delivered_at, ?), updated_at = ? where zalo_msg_id = ? and state in ('sending','sent','delivered')");

  function applyReceipt(e: Record<string, any>) {
    const t = now();
    const at = Number(e.message?.delivery_time ?? e.timestamp) || t;
    const ids: string[] = [e.message?.msg_id, ...(e.message?.msg_ids ?? [])].filter(Boolean).map(String);
    if (e.event_name === "user_received_message") {
      const own = e.message?.tracking_id ? idFromTrackingId(String(e.message.tracking_id)) : null;
      if (own !== null) delivered.run(at, t, own);
      for (const id of ids) deliveredByMsg.run(at, t, id);
    } else if (e.event_name === "user_seen_message") {
      for (const id of ids) seenByMsg.run(at, at, t, id);
    }
  }

  const lastSentTo = c.prepare("select id, broadcast_id, sent_at from outbox where customer_id = ? and state in ('sent','delivered','seen') and sent_at >= ? order by sent_at desc limit 1");
  const blame = c.prepare("update outbox set unfollow_blamed_at = ? where id = ?");
  const setFatigue = c.prepare("update customers set fatigue_until = ? where id = ?");

  /** An unfollow soon after a message: tighten that person's promotions and count it against the campaign. */
  function onUnfollow(customerId: string, at: number) {
    const { rules } = repo.currentRules();
    const last = lastSentTo.get(customerId, at - rules.fatigue.unfollowWithinHours * 3_600_000) as { id: number; broadcast_id: string | null } | undefined;
    if (!last) return;
    blame.run(at, last.id);
    setFatigue.run(at + rules.fatigue.tightenForDays * DAY, customerId);
    if (last.broadcast_id) checkBreaker(last.broadcast_id);
  }

  function onFollow(customerId: string) {
    const { rules } = repo.currentRules();
    repo.queue({ customerId, category: "care", priority: 6, dedupeKey: `welcome:${customerId}`, source: "welcome", text: rules.welcomeText, expiresAt: now() + DAY }, now());
  }

  // ---- rules ----

  function setRules(actor: Principal, input: WarmingRules, note?: string) {
    // The time zone is the shop's (SHOP_TIME_ZONE), one value for every local-time rule; rules do not pick their own.
    const rules = { ...input, timeZone: repo.timeZone };
    return tx(db, () => {
      const version = db.insert(warmingRules).values({ rules: JSON.stringify(rules), changedBy: `${actorOf(actor).kind}:${actor.id}`, note: note ?? null, createdAt: now() }).returning({ version: warmingRules.version }).get().version;
      audit(db, { actor: actorOf(actor), action: "warming_rules.set", targetId: String(version), details: { note }, at: now() });
      // Messages held by the old rules are decided again now under the new ones (e.g. quiet hours turned off).
      c.prepare(`update outbox set not_before = ?, updated_at = ? where state = 'held' and reason in ('QUIET_HOURS','CAP_REACHED','PROMOTION_HOURS','FATIGUE','CUSTOMER_WEEKLY_LIMIT')`).run(now(), now());
      return { version, rules };
    });
  }

  const ruleHistory = () =>
    db.select().from(warmingRules).orderBy(desc(warmingRules.version)).limit(50).all().map((r) => ({ version: r.version, changedBy: r.changedBy, note: r.note, createdAt: iso(r.createdAt)!, rules: JSON.parse(r.rules) }));

  /**
   * What-if: replays the last 30 days of messages under a draft rule set (each person's messages in order,
   * against the sends the replay itself made) and reports what would have changed.
   */
  function whatIf(input: WarmingRules) {
    const draft = { ...input, timeZone: repo.timeZone };
    const since = now() - 30 * DAY;
    const rows = c
      .prepare(
        `select o.id, o.customer_id, o.category, o.priority, o.text, o.image_url, o.template_id, o.expires_at, o.created_at, o.state, t.tag, t.uid
         from outbox o left join zns_templates t on t.id = o.template_id where o.created_at >= ? order by o.customer_id, o.created_at, o.id`,
      )
      .all(since) as any[];
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
      const msg: PolicyMessage = { category: r.category, priority: r.priority, hasText: !!r.text || !!r.image_url, template: r.template_id ? { tag: r.tag ?? 2, uid: !!r.uid, zns: true } : null, expiresAt: r.expires_at };
      const d = decide(customer, msg, r.created_at, draft, history);
      draftCounts[d.action]++;
      if (d.action !== "send") reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
      if (d.action === "send") history.push({ category: r.category, channel: d.channel, sentAt: r.created_at, znsTag: d.channel === "zns" ? r.tag : null });
      if (wasSent && d.action !== "send") becameBlocked++;
      if (!wasSent && d.action === "send") becameSent++;
    }
    return { messages: rows.length, current, draft: draftCounts, reasons, becameBlocked, becameSent, note: "Phát lại với trạng thái quan tâm OA và lựa chọn hiện tại của từng người; tin bị giữ được tính là chưa gửi tại thời điểm đó." };
  }

  // ---- ZNS templates ----

  function registerTemplate(actor: Principal, t: ZnsTemplateInput) {
    tx(db, () => {
      db.insert(znsTemplates)
        .values({ id: t.id, name: t.name, tag: t.tag, params: JSON.stringify(t.params), uid: t.uid, createdAt: now() })
        .onConflictDoUpdate({ target: znsTemplates.id, set: { name: t.name, tag: t.tag, params: JSON.stringify(t.params), uid: t.uid } })
        .run();
      audit(db, { actor: actorOf(actor), action: "zns_template.register", targetId: t.id, at: now() });
    });
    return repo.template(t.id)!;
  }

  const templates = () => db.select().from(znsTemplates).all().map((t) => ({ ...t, params: JSON.parse(t.params), createdAt: iso(t.createdAt)! }));

  async function quota() {
    try {
      return await deps.zalo.getZnsQuota();
    } catch (err) {
      throw new AppError(ErrorCode.ZALO_UNAVAILABLE, `Could not read the quota: ${(err as Error).message}`);
    }
  }

  /** A test send to one phone, straight away (admin only): shows Zalo's answer in words. */
  async function testSend(actor: Principal, p: { phone: string; templateId: string; data: Record<string, string> }) {
    const checked = checkContent({ template: { id: p.templateId, data: p.data } });
    audit(db, { actor: actorOf(actor), action: "zns.test_send", targetId: p.templateId, details: { phone: `${p.phone.slice(0, 4)}…` }, at: now() });
    try {
      const r = await deps.zalo.sendZns({ phone: p.phone, templateId: p.templateId, data: checked.template!.data, trackingId: `test-${randomUUID().slice(0, 8)}` });
      return { ok: true, msgId: r.msgId, quota: r.quota, error: null };
    } catch (err) {
      if (err instanceof ZaloError) return { ok: false, msgId: null, quota: null, error: { code: err.zaloCode, reason: zaloErrorText(err.zaloCode) ?? err.message } };
      throw err;
    }
  }

  // ---- customer preferences ----

  const prefsOf = (customerId: string): CustomerPrefs => {
    const row = db.select({ prefs: customers.prefs }).from(customers).where(eq(customers.id, customerId)).get();
    return { ...DEFAULT_PREFS, ...JSON.parse(row?.prefs || "{}") };
  };

  function prefsView(customerId: string) {
    const prefs = prefsOf(customerId);
    const { rules } = repo.currentRules();
    return { prefs, maxOffersPerWeek: maxOffersPerWeek(rules, { ...prefs, pausedUntil: prefs.pausedUntil ? Date.parse(prefs.pausedUntil) : null }, now()) };
  }

  function setPrefs(customerId: string, prefs: CustomerPrefs) {
    db.update(customers).set({ prefs: JSON.stringify(prefs), updatedAt: now() }).where(eq(customers.id, customerId)).run();
    return prefsView(customerId);
  }

  // ---- broadcasts ----

  /** The audience as one SQL condition over `customers c` (set-based: no per-person loop). */
  function audienceSql(a: Audience & { segment?: SegmentSnapshot }): { where: string; params: unknown[] } {
    const parts: string[] = ["c.zalo_oa_id is not null or c.phone is not null"];
    const params: unknown[] = [];
    if (a.followersOnly) parts.push("c.follows_oa = 1");
    // A saved segment's rules as recorded when the broadcast was created (what was previewed is what is planned).
    if (a.segment) {
      const s = deps.segments!.compile(a.segment.rules);
      (parts.push(s.where), params.push(...s.params));
    }
    if (a.pointsMin !== undefined) (parts.push("c.points_balance >= ?"), params.push(a.pointsMin));
    if (a.pointsMax !== undefined) (parts.push("c.points_balance <= ?"), params.push(a.pointsMax));
    if (a.storeIds?.length) {
      parts.push(`exists (select 1 from points_ledger l where l.customer_id = c.id and l.store_id in (${a.storeIds.map(() => "?").join(",")}))`);
      params.push(...a.storeIds);
    }
    const lastVisit = "(select max(l.created_at) from points_ledger l where l.customer_id = c.id)";
    if (a.lastVisitMinDays !== undefined) (parts.push(`coalesce(${lastVisit}, 0) <= ?`), params.push(now() - a.lastVisitMinDays * DAY));
    if (a.lastVisitMaxDays !== undefined) (parts.push(`${lastVisit} >= ?`), params.push(now() - a.lastVisitMaxDays * DAY));
    const lastOrder = "(select max(o.completed_at) from orders o where o.customer_id = c.id and o.status = 'completed')";
    if (a.lastOrderMinDays !== undefined) (parts.push(`coalesce(${lastOrder}, 0) <= ?`), params.push(now() - a.lastOrderMinDays * DAY));
    if (a.lastOrderMaxDays !== undefined) (parts.push(`${lastOrder} >= ?`), params.push(now() - a.lastOrderMaxDays * DAY));
    if (a.gamePlayers) parts.push("exists (select 1 from game_draws d where d.customer_id = c.id)");
    if (a.tags?.length) {
      parts.push(`exists (select 1 from customer_tags t where t.customer_id = c.id and t.tag in (${a.tags.map(() => "?").join(",")}))`);
      params.push(...a.tags);
    }
    if (a.tiers?.length) {
      // Tiers are ranges of points earned in the rolling window.
      const { rules } = deps.loyaltyRepo.currentRules();
      const ranges = a.tiers.map((key) => {
        const i = rules.tiers.findIndex((t) => t.key === key);
        if (i < 0) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown tier ${key}`);
        return [rules.tiers[i]!.threshold, rules.tiers[i + 1]?.threshold ?? Number.MAX_SAFE_INTEGER] as const;
      });
      const earned = earnedInWindowSql("c");
      parts.push(`(${ranges.map(() => `(${earned} >= ? and ${earned} < ?)`).join(" or ")})`);
      const since = now() - rules.tierWindowDays * DAY;
      for (const [lo, hi] of ranges) params.push(since, lo, since, hi);
    }
    return { where: parts.map((p) => `(${p})`).join(" and "), params };
  }

  function createBroadcast(actor: Principal, input: BroadcastInput) {
    checkContent({ text: input.content.text, template: input.content.template });
    const { segmentId } = input.audience;
    if (segmentId !== undefined && !deps.segments) throw new AppError(ErrorCode.VALIDATION_FAILED, "Saved segments are not available here");
    const audience = segmentId === undefined ? input.audience : { ...input.audience, segment: deps.segments!.snapshot(segmentId) };
    audienceSql(audience); // validates tiers now
    // Short ids: every outbox row of a million-recipient broadcast carries this id, and so does its index.
    const id = `b${randomBytes(9).toString("base64url")}`;
    tx(db, () => {
      db.insert(broadcasts)
        .values({
          id,
          name: input.name,
          category: input.category,
          text: input.content.text ?? null,
          imageUrl: input.content.imageUrl ?? null,
          templateId: input.content.template?.id ?? null,
          templateData: input.content.template ? JSON.stringify(input.content.template.data) : null,
          audience: JSON.stringify(audience),
          state: "draft",
          scheduledAt: input.scheduledAt ? Date.parse(input.scheduledAt) : null,
          expiresAt: input.expiresAt ? Date.parse(input.expiresAt) : null,
          breakerRate: input.breakerRate,
          breakerMinSent: input.breakerMinSent,
          createdBy: `${actorOf(actor).kind}:${actor.id}`,
          createdAt: now(),
        })
        .run();
      audit(db, { actor: actorOf(actor), action: "broadcast.create", targetId: id, at: now() });
    });
    return broadcastView(id);
  }

  const broadcastRow = (id: string) => {
    const b = db.select().from(broadcasts).where(eq(broadcasts.id, id)).get();
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
    const { where, params } = audienceSql(JSON.parse(b.audience));
    const { rules } = repo.currentRules();
    const t = repo.template(b.templateId ?? "");
    const msg: PolicyMessage = { category: b.category as Category, priority: 3, hasText: !!b.text || !!b.imageUrl, template: t ? { tag: t.tag as 1 | 2 | 3, uid: t.uid, zns: true } : null, expiresAt: b.expiresAt };
    const out = { audience: 0, send: 0, hold: 0, suppress: 0, expire: 0, reasons: {} as Record<string, number>, channels: { cs: 0, template_uid: 0, zns: 0 }, freeCs: 0, quotaNeeded: 0 };
    const count = (d: Decision, n: number) => {
      out.audience += n;
      out[d.action] += n;
      if (d.action === "send") {
        out.channels[d.channel] += n;
        if (d.free) out.freeCs += n;
        if (d.channel === "zns" || d.channel === "template_uid") out.quotaNeeded += n;
      } else out.reasons[d.reason] = (out.reasons[d.reason] ?? 0) + n;
    };
    const at = now();
    const freeMs = rules.zalo.csFreeHours * 3_600_000;
    const windowMs = rules.zalo.csWindowDays * DAY;
    // `hid` is the id of someone with recent sends (a group of one, with their own columns), null otherwise.
    const slice = c.prepare(
      `select case when ${HAS_RECENT_SEND} then c.id end as hid,
         c.follows_oa as f, c.unfollowed_at is not null as u, c.zalo_oa_id is not null as o, c.phone is not null as p,
         case when c.last_interaction_at is null then 0 when ? - c.last_interaction_at <= ? then 2 when ? - c.last_interaction_at <= ? then 1 else 0 end as w,
         c.prefs as prefs, coalesce(c.fatigue_until, 0) > ? as tired, count(*) as n
       from customers c where c.rowid > ? and c.rowid <= ? and (${where})
       group by 1, 2, 3, 4, 5, 6, 7, 8`,
    );
    const withHistory = c.prepare(`select ${POLICY_COLUMNS} from customers c where c.id in (select value from json_each(?))`);
    await forEachRowidSlice(
      c,
      "customers",
      (lo, hi) => {
        const groups = slice.all(recentSince(at), at, freeMs, at, windowMs, at, lo, hi, ...params) as Record<string, any>[];
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
          for (const row of withHistory.all(JSON.stringify(ids)) as Record<string, any>[]) count(decide(toPolicyCustomer(row), msg, at, rules, sends.get(row.id) ?? []), 1);
        }
      },
      deps.slices,
    );
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
      const t = now();
      db.update(broadcasts).set({ state: "planning", plannedThrough: 0, recipients: 0, startedAt: t }).where(eq(broadcasts.id, id)).run();
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
    const { where, params } = audienceSql(JSON.parse(b.audience));
    const insert = c.prepare(
      `insert into outbox (customer_id, category, priority, dedupe_key, source, text, image_url, template_id, template_data, state, not_before, expires_at, broadcast_id, created_at, updated_at)
       select c.id, ?, 3, null, 'broadcast', ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ? from customers c where c.rowid > ? and c.rowid <= ? and (${where})`,
    );
    const progress = c.prepare("select state, coalesce(planned_through, 0) as after, recipients from broadcasts where id = ?");
    const advance = c.prepare("update broadcasts set planned_through = ?, recipients = recipients + ?, state = ? where id = ?");
    const end = rowidEnd(c, "customers");
    await runInSlices(
      (rows) =>
        tx(db, () => {
          const p = progress.get(id) as { state: string; after: number; recipients: number } | undefined;
          if (!p || p.state !== "planning") return { done: true };
          const hi = p.after + rows;
          const t = now();
          const inserted = insert.run(b.category, b.text, b.imageUrl, b.templateId, b.templateData, b.scheduledAt, b.expiresAt, id, t, t, p.after, hi, ...params).changes;
          const done = hi >= end();
          advance.run(hi, inserted, done ? "running" : "planning", id);
          if (done) audit(db, { actor: { kind: "system", id: "planner" }, action: "broadcast.planned", targetId: id, details: { recipients: p.recipients + inserted }, at: t });
          return { done };
        }),
      deps.slices,
    );
  }

  /** After a restart: finishes every plan, and every cancellation, a stopped process left half-done. */
  async function resumePlans() {
    const ids = db.select({ id: broadcasts.id }).from(broadcasts).where(eq(broadcasts.state, "planning")).all();
    for (const { id } of ids) await plan(id);
    const cancelled = c.prepare("select b.id from broadcasts b where b.state = 'cancelled' and exists (select 1 from outbox o where o.broadcast_id = b.id and o.state in ('queued','held'))").pluck().all() as string[];
    for (const id of cancelled) await cancelRows(id);
    return { resumed: ids.length };
  }

  async function setState(actor: Principal, id: string, action: "pause" | "resume" | "cancel") {
    const next = tx(db, () => {
      const b = broadcastRow(id);
      // A plan in progress can be cancelled (it stops at its next slice), not paused: pause/resume is for sending.
      const allowed: Record<string, string[]> = { pause: ["running"], resume: ["paused", "tripped"], cancel: ["draft", "planning", "running", "paused", "tripped"] };
      if (!allowed[action]!.includes(b.state)) throw new AppError(ErrorCode.CONFLICT, `Cannot ${action} a ${b.state} broadcast`);
      const next = action === "pause" ? "paused" : action === "resume" ? "running" : "cancelled";
      db.update(broadcasts).set({ state: next, ...(next === "cancelled" ? { finishedAt: now() } : {}) }).where(eq(broadcasts.id, id)).run();
      // Its last rows may have finished while it was paused: nothing will be claimed, so complete it here.
      if (next === "running") dispatchRepo.completeBroadcasts([id], now());
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
    const span = broadcastSpan.get({ id }) as { lo: number | null; hi: number | null };
    if (span.lo === null || span.hi === null) return;
    let after = span.lo - 1;
    await runInSlices((rows) => {
      tx(db, () => cancelSlice.run(now(), id, after, after + rows));
      after += rows;
      return { done: after >= span.hi! };
    }, deps.slices);
  }
  const cancelSlice = c.prepare("update outbox set state = 'cancelled', reason = 'BROADCAST_CANCELLED', updated_at = ? where broadcast_id = ? and state in ('queued','held') and id > ? and id <= ?");

  /** The circuit breaker: a broadcast whose unfollow rate crosses its threshold stops itself. */
  function checkBreaker(id: string) {
    const b = db.select().from(broadcasts).where(eq(broadcasts.id, id)).get();
    if (!b || b.state !== "running") return;
    const s = c.prepare("select count(*) filter (where sent_at is not null) as sent, count(unfollow_blamed_at) as unfollows from outbox where broadcast_id = ?").get(id) as { sent: number; unfollows: number };
    if (s.sent >= b.breakerMinSent && s.unfollows / s.sent >= b.breakerRate) {
      db.update(broadcasts).set({ state: "tripped" }).where(eq(broadcasts.id, id)).run();
      audit(db, { actor: { kind: "system", id: "breaker" }, action: "broadcast.tripped", targetId: id, details: s, at: now() });
    }
  }

  /**
   * The view with its per-state counts taken in slices of the broadcast's outbox id range, the event loop
   * served between them (at a million rows one count holds it for ~50 ms; the console polls every 2 s).
   * Each row is counted once, in the state it has when its slice is counted.
   */
  async function broadcastViewSliced(id: string) {
    const span = broadcastSpan.get({ id }) as { lo: number | null; hi: number | null };
    const states: Record<string, number> = {};
    if (span.lo !== null && span.hi !== null) {
      let after = span.lo - 1;
      await runInSlices((rows) => {
        for (const r of sliceStates.all(id, after, after + rows) as { state: string; n: number }[]) states[r.state] = (states[r.state] ?? 0) + r.n;
        after += rows;
        return { done: after >= span.hi! };
      }, { maxRows: 1_000_000, ...deps.slices });
    }
    return broadcastView(id, states);
  }
  // Every state spelled out, so each slice is one seek per state into `outbox_broadcast_idx` (broadcast, state, rowid).
  const STATES = outbox.state.enumValues.map((v) => `'${v}'`).join(",");
  const sliceStates = c.prepare(`select state, count(*) as n from outbox where broadcast_id = ? and state in (${STATES}) and id > ? and id <= ? group by state`);
  const broadcastSpan = c.prepare(
    `select min(lo) as lo, max(hi) as hi from (${outbox.state.enumValues
      .map((v) => `select (select min(id) from outbox where broadcast_id = @id and state = '${v}') as lo, (select max(id) from outbox where broadcast_id = @id and state = '${v}') as hi`)
      .join(" union all ")})`,
  );

  /** Reads only: a broadcast is marked done by whoever finalises its last row (see dispatch-repo). */
  function broadcastView(id: string, counted?: Record<string, number>) {
    const b = broadcastRow(id);
    const states = counted ?? Object.fromEntries((c.prepare("select state, count(*) as n from outbox where broadcast_id = ? group by state").all(id) as any[]).map((r) => [r.state, r.n]));
    // A crash left these in flight and Zalo could not say whether they arrived: not failures, not sends.
    const unknown = (c.prepare("select count(*) as n from outbox where broadcast_id = ? and state = 'failed' and reason = 'OUTCOME_UNKNOWN'").get(id) as any).n as number;
    const failed = (
      c.prepare("select zalo_error as code, count(*) as n from outbox where broadcast_id = ? and state = 'failed' and reason is not 'OUTCOME_UNKNOWN' group by zalo_error").all(id) as any[]
    ).map((r) => ({ code: r.code, reason: zaloErrorText(r.code), count: r.n }));
    const reasons = Object.fromEntries((c.prepare("select reason, count(*) as n from outbox where broadcast_id = ? and state in ('held','suppressed','expired') group by reason").all(id) as any[]).map((r) => [r.reason, r.n]));
    const unfollows = (c.prepare("select count(*) as n from outbox where broadcast_id = ? and unfollow_blamed_at is not null").get(id) as any).n;
    const sent = (states.sent ?? 0) + (states.delivered ?? 0) + (states.seen ?? 0);
    return {
      id: b.id,
      name: b.name,
      category: b.category,
      state: b.state,
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
      failedByCode: failed,
      unfollows,
      unfollowRate: sent ? unfollows / sent : 0,
    };
  }

  async function listBroadcasts() {
    const out = [];
    for (const b of db.select({ id: broadcasts.id }).from(broadcasts).orderBy(desc(broadcasts.createdAt)).all()) out.push(await broadcastViewSliced(b.id));
    return out;
  }

  // ---- keep-warm floor ----

  /**
   * Daily: followers we have not contacted for `silentDays` get one useful message, through the same
   * policy as everything else: their expiring points first, then a voucher about to lapse, then an offer.
   */
  async function proposeFloor() {
    const { rules } = repo.currentRules();
    if (!rules.floor.enabled) return { queued: 0 };
    const t = now();
    const day = dayKey(t, rules.timeZone); // the shop's day, not UTC's: one floor message per local day
    const MAX_PER_RUN = 50_000;
    // In slices of the customers (each its own transaction; the dedupe key makes a rerun a no-op).
    const silentIn = c.prepare(
      `select c.id, c.name, c.points_balance from customers c where c.rowid > @lo and c.rowid <= @hi and c.follows_oa = 1
         and not exists (select 1 from outbox o where o.customer_id = c.id and (o.sent_at >= @since or o.state in ('queued','held','sending')))`,
    );
    const voucherSoon = c.prepare(
      "select v.id, vc.name, v.expires_at from vouchers v join voucher_campaigns vc on vc.id = v.campaign_id where v.customer_id = ? and v.status = 'issued' and v.expires_at > ? order by v.expires_at limit 1",
    );
    const offer = c.prepare("select name from voucher_campaigns where active = 1 and listed = 1 and (valid_to is null or valid_to > ?) order by created_at desc limit 1").get(t) as { name: string } | undefined;
    let queued = 0;
    let seen = 0;
    await forEachRowidSlice(
      c,
      "customers",
      (lo, hi) => {
        const silent = silentIn.all({ lo, hi, since: t - rules.floor.silentDays * DAY }) as { id: string; name: string; points_balance: number }[];
        tx(db, () => {
          for (const s of silent) {
            if (seen++ >= MAX_PER_RUN) return;
            const v = voucherSoon.get(s.id, t) as { name: string; expires_at: number } | undefined;
            let content: string | null = null;
            if (s.points_balance > 0) content = `Bạn đang có ${s.points_balance} điểm thưởng. Ghé cửa hàng để dùng điểm nhé!`;
            else if (v) content = `Voucher "${v.name}" của bạn sẽ hết hạn ngày ${new Date(v.expires_at).toLocaleDateString("vi-VN", { timeZone: rules.timeZone })}.`;
            else if (offer) content = `Ưu đãi mới: ${offer.name}. Mở mini app để nhận ngay!`;
            if (!content) continue;
            const template = rules.floor.templateId ? { id: rules.floor.templateId, data: { customer_name: s.name.slice(0, 30), content: content.slice(0, 90) } } : null;
            if (repo.queue({ customerId: s.id, category: "care", priority: 2, dedupeKey: `floor:${s.id}:${day}`, source: "floor", text: content, template, expiresAt: t + 2 * DAY }, t)) queued++;
          }
        });
        return seen < MAX_PER_RUN;
      },
      deps.slices,
    );
    return { queued };
  }

  return {
    queue,
    checkContent,
    applyReceipt,
    onUnfollow,
    onFollow,
    rules: () => repo.currentRules(),
    setRules,
    ruleHistory,
    whatIf,
    registerTemplate,
    templates,
    quota,
    testSend,
    prefsView,
    setPrefs,
    createBroadcast,
    preview,
    start,
    resumePlans,
    setState,
    broadcastView,
    broadcastViewSliced,
    listBroadcasts,
    proposeFloor,
  };
}

export type MessagingService = ReturnType<typeof createMessagingService>;
