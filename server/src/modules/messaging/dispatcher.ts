import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { decide, nextLocalTime, zaloErrorText, type Channel, type Decision, type PolicyMessage } from "@mc/shared";
import { q, type Awaitable, type Step, type Store, isThenable } from "../../db/store";
import type { ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import type { MessagingRepo } from "./repo";
import { createDispatchRepo, type InFlightRow } from "./dispatch-repo";
import { templateBlocker } from "./queue";

/** How often messages held for an OA reconnect look again. */
const OA_RECHECK_MS = 60_000;

export type DispatcherOptions = {
  batchSize?: number;
  /** A claimed row is ours this long; a crashed dispatcher's rows are picked up after it. */
  leaseMs?: number;
  /** Messages in flight at once (different customers; one person's messages go one by one). */
  concurrency?: number;
  /** Sends per second per channel (Zalo allows about 4,000 requests a minute per app). */
  ratePerSecond?: number;
  /** How long after a crash to wait for a ZNS delivery receipt before sending again. */
  receiptGraceMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  /** After a crash, how long to keep asking the conversation API about a row left in flight before giving up. */
  verifyForMs?: number;
  /** Between two such questions. */
  verifyRetryMs?: number;
  /** Whether Zalo lists template-by-UID messages in the conversation (undocumented; if not, absence proves nothing). */
  conversationListsTemplates?: boolean;
  /** How long a Zalo Cloud Account balance error holds paid sends before one is tried again (an admin's resume is sooner). */
  balanceRecheckMs?: number;
};

/** A -32 is retried in place this many times (the app-wide limiter paused meanwhile) before the row goes back to the queue. */
const RATE_LIMIT_TRIES = 5;

/** Clocks differ between us and Zalo: a message this much older than our attempt may still be it. */
const CLOCK_SKEW_MS = 5 * 60_000;
const CONVERSATION_PAGE = 10; // §5.7's example count
const CONVERSATION_PAGES = 5;

type Row = Record<string, any>;
type Log = { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void };

/**
 * Per-channel token bucket, so a burst never trips Zalo's rate limit (-32). It measures real elapsed time on the
 * monotonic clock only: the injected business clock may be frozen or ahead of the wall clock, and the wall clock
 * may step (NTP); a refill computed across two clocks went hours negative and stalled every send.
 */
function bucket(perSecond: number) {
  let tokens = perSecond;
  let last = performance.now();
  let pausedUntil = 0;
  return {
    async take() {
      for (;;) {
        const t = performance.now();
        if (t < pausedUntil) {
          await new Promise((r) => setTimeout(r, pausedUntil - t));
          continue;
        }
        tokens = Math.min(perSecond, tokens + ((t - last) / 1000) * perSecond);
        last = t;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.ceil(((1 - tokens) / perSecond) * 1000)));
      }
    },
    /** Zalo said slow down: stop this channel for a moment. */
    pause(ms: number) {
      pausedUntil = Math.max(pausedUntil, performance.now() + ms);
    },
  };
}

/**
 * Sends outbox rows. Crash-safe: rows are claimed with a lease; a row decided for sending waits as `ready`
 * (it counts against caps) and becomes `sending` only when its own request goes out, so a crash leaves at
 * most `concurrency` rows whose outcome is not known. A stopped dispatcher's `ready` rows are simply queued
 * again. Its `sending` ZNS rows are resent only if no delivery receipt (matched by tracking_id = row id)
 * arrived within the grace period; its CS and template rows are looked up in the user's OA conversation:
 * found = sent, absent = sent again, and only if Zalo cannot tell, failed OUTCOME_UNKNOWN. The policy is
 * decided again at send time, since another message may have taken the slot meanwhile.
 */
export function createDispatcher(deps: {
  /** The outbox's store: its steps run on SQLite or PostgreSQL (#16). */
  store: Store;
  repo: MessagingRepo;
  zalo: ZaloClient;
  now: () => number;
  log?: Log;
  options?: DispatcherOptions;
  /** An OA message (CS or template by UID) reached a follower's chat: called in the transaction that records it (the inbox). */
  onSent?: (p: { customerId: string; dedupeKey: string | null; msgId: string; text: string | null; templateId: string | null; at: number }) => Awaitable<void>;
  /** A person's row was held, or ended unsent (failed, suppressed, expired): in the same transaction (the inbox shows why). */
  onSettled?: (p: {
    customerId: string;
    dedupeKey: string;
    state: "held" | "failed" | "suppressed" | "expired";
    reason: string;
    at: number;
  }) => Awaitable<void>;
}) {
  const { store, repo, zalo, now } = deps;
  // The hooks are steps of the body that records the outcome (the inbox writes in the same transaction).
  function* settled(row: Row, state: "held" | "failed" | "suppressed" | "expired", reason: string, at: number): Step<void> {
    if (row.customer_id && row.dedupe_key) yield* q(deps.onSettled?.({ customerId: row.customer_id, dedupeKey: row.dedupe_key, state, reason, at }));
  }
  const o = {
    batchSize: 200,
    leaseMs: 60_000,
    concurrency: 32,
    ratePerSecond: 60,
    receiptGraceMs: 120_000,
    maxAttempts: 6,
    pollMs: 500,
    verifyForMs: 10 * 60_000,
    verifyRetryMs: 30_000,
    conversationListsTemplates: false,
    balanceRecheckMs: 30 * 60_000,
    ...deps.options,
  };
  // Every channel shares Zalo's per-app limit (the client's limiter); none may go faster than it alone.
  const channelRate = Math.min(o.ratePerSecond, zalo.limiter?.perSecond ?? o.ratePerSecond);
  // A claimed batch must go out well within its lease, or another dispatcher would take its `ready` rows.
  const batchSize = Math.max(1, Math.min(o.batchSize, Math.floor((channelRate * o.leaseMs) / 2000)));
  const dr = createDispatchRepo(repo);
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const buckets: Record<Channel, ReturnType<typeof bucket>> = {
    cs: bucket(channelRate),
    template_uid: bucket(channelRate),
    zns: bucket(channelRate),
  };
  /** Paid sends wait while the Zalo Cloud Account cannot pay; one template waits out its daily limit. Read from the held rows each tick (so every process agrees). */
  let balanceUntil = 0;
  let templateUntil = new Map<string, number>();
  /** Templates Zalo refused by UID (-249) during this batch: rows already decided for UID go by ZNS without asking. */
  const notByUid = new Set<string>();
  async function readWaits() {
    const waits = await dr.waits();
    const t = now();
    balanceUntil = 0;
    templateUntil = new Map();
    notByUid.clear();
    for (const w of waits) {
      if (w.until === null || w.until <= t) continue;
      if (w.reason === "ZCA_BALANCE") balanceUntil = Math.max(balanceUntil, w.until);
      else if (w.template_id) templateUntil.set(w.template_id, w.until);
    }
  }
  /** Our own count of ZNS sends left today, so concurrent sends stop before Zalo's quota runs out. */
  let znsLeft: number | null = null;
  let znsLeftAt = 0;

  async function recover() {
    const t = now();
    const queued = await dr.requeueReady(t);
    const resent = await dr.recoverZns(t, t - o.receiptGraceMs);
    const rows = await dr.takeUnresolved({ owner, t, until: t + o.leaseMs, n: o.concurrency });
    const outcomes: Record<string, number> = {};
    // One by one: a message found for one row is then known, so a second row cannot claim it too.
    for (const row of rows) {
      const v = await resolve(row);
      outcomes[v] = (outcomes[v] ?? 0) + 1;
    }
    if (queued + resent + rows.length) deps.log?.warn({ queued, resent, ...outcomes }, "recovered messages left by a stopped dispatcher");
  }

  /** Learns from the user's conversation whether a row left in flight reached Zalo. */
  async function resolve(row: InFlightRow): Promise<"found" | "absent" | "unknown" | "later"> {
    const who = row.customer_id ? await dr.contact(row.customer_id) : undefined;
    const seen = who?.zalo_oa_id ? await lookUp(row, who.zalo_oa_id) : { found: null, conclusive: false };
    const t = now();
    const absentProves = row.channel === "cs" || o.conversationListsTemplates;
    return store.tx(function* () {
      let v: "found" | "absent" | "unknown" | "later";
      if (seen.found) {
        v = (yield* q(dr.confirmSent({ id: row.id, owner, msgId: seen.found, t }))) ? "found" : "later";
        if (v === "found" && row.customer_id !== null)
          yield* q(
            deps.onSent?.({ customerId: row.customer_id, dedupeKey: row.dedupe_key, msgId: seen.found, text: row.text, templateId: row.template_id, at: t }),
          );
      } else if (seen.conclusive && absentProves) v = (yield* q(dr.resend({ id: row.id, owner, t }))) ? "absent" : "later";
      else if (seen.conclusive || t >= row.sent_at + o.leaseMs + o.verifyForMs) {
        v = (yield* q(dr.giveUp({ id: row.id, owner, t }))) ? "unknown" : "later";
        if (v === "unknown") yield* settled(row, "failed", "OUTCOME_UNKNOWN", t);
      } else v = (yield* q(dr.checkLater({ id: row.id, owner, t, until: t + o.verifyRetryMs })), "later");
      yield* q(dr.completeBroadcasts([row.broadcast_id], t));
      return v;
    });
  }

  /**
   * Looks for the row's message among the OA's messages to the user since the attempt (minus clock skew)
   * that no other row accounts for. CS: the same text. Template: any such message (an unknown one counts as
   * ours: marking a lost message sent is a loss, resending a delivered one a duplicate). `conclusive` = the
   * conversation was read back past the attempt and nothing was found, so the message never reached Zalo.
   */
  async function lookUp(row: InFlightRow, oaUserId: string): Promise<{ found: string | null; conclusive: boolean }> {
    const since = row.sent_at - CLOCK_SKEW_MS;
    let ambiguous = false;
    try {
      for (let page = 0; page < CONVERSATION_PAGES; page++) {
        const items = await zalo.getConversation({ oaUserId, offset: page * CONVERSATION_PAGE, count: CONVERSATION_PAGE });
        for (const m of items) {
          if (!m.fromOa || !(m.time >= since) || !m.messageId || (await dr.isKnownMsgId(m.messageId))) continue;
          if (row.channel === "template_uid" || m.message === (row.text ?? "")) return { found: m.messageId, conclusive: true };
          // Another text (an operator's reply) is not ours; a media message with another caption may be.
          if (row.image_url || row.cs_attachment || m.type !== "text") ambiguous = true;
        }
        // The order is not documented: only a short page, or a newest-first page that reached back past the
        // attempt, shows there is nothing more to see.
        const newestFirst = items.every((m, i) => i === 0 || items[i - 1]!.time >= m.time);
        if (items.length < CONVERSATION_PAGE || (newestFirst && items[items.length - 1]!.time < since)) return { found: null, conclusive: !ambiguous };
      }
    } catch (err) {
      deps.log?.warn({ id: row.id, err: (err as Error).message }, "could not read the conversation");
    }
    return { found: null, conclusive: false };
  }

  async function refreshQuota() {
    if (znsLeft !== null && now() - znsLeftAt < 60_000) return;
    try {
      const q = await zalo.getZnsQuota();
      znsLeft = q.remaining;
      znsLeftAt = now();
    } catch (err) {
      deps.log?.warn({ err: (err as Error).message }, "could not read the ZNS quota");
    }
  }

  /**
   * The database half (a part of the batch's one body, no network): re-decide with fresh history and take the
   * slot, in claim order, so a person's second message sees the slot their first one took. On PostgreSQL the
   * body holds these people's decide locks, and SERIALIZABLE reruns it if another dispatcher's slot got in first.
   */
  function* decideRow(row: Row): Step<{ decision: Decision; row: Row }> {
    {
      const t = now();
      if (row.customer_id === null) return yield* decideTestSend(row, t);
      const inputs = yield* q(repo.policyInputs(row.customer_id, t));
      const template = row.template_id ? yield* q(repo.template(row.template_id)) : undefined;
      // A template switched off (or no longer approved) since the row was queued is never sent: the row's text
      // still may go (by CS), and a row with nothing else fails with the template's reason.
      const blocked = template ? templateBlocker(template) : null;
      const hasText = !!row.text || !!row.image_url || !!row.cs_attachment;
      if (!inputs || (row.template_id && !template) || (blocked && !hasText)) {
        const reason = !inputs ? "CUSTOMER_GONE" : (blocked ?? "TEMPLATE_UNKNOWN");
        yield* q(dr.toFinal({ id: row.id, owner, state: "failed", reason, notBefore: null, t }));
        yield* settled(row, "failed", reason, t);
        return { decision: { action: "suppress", reason: "NO_CHANNEL" } as Decision, row };
      }
      const msg: PolicyMessage = {
        category: row.category,
        priority: row.priority,
        hasText,
        template: template && !blocked ? { tag: template.tag as 1 | 2 | 3, uid: template.uid, zns: true } : null,
        expiresAt: row.expires_at,
        refused: row.refused ? JSON.parse(row.refused) : [],
      };
      const d = decide(inputs.customer, msg, t, inputs.rules, inputs.history, { zns: znsLeft, uid: null });
      const wait = d.action === "send" && d.channel !== "cs" ? waitFor(row, t) : null;
      if (wait) {
        if (row.expires_at !== null && wait.until >= row.expires_at)
          yield* q(dr.toFinal({ id: row.id, owner, state: "expired", reason: wait.reason, notBefore: null, t }));
        else yield* q(dr.toFinal({ id: row.id, owner, state: "held", reason: wait.reason, notBefore: wait.until, t }));
        return { decision: { action: "hold", until: wait.until, reason: "QUOTA_EXHAUSTED" }, row };
      }
      if (d.action === "send") {
        yield* q(dr.toReady({ id: row.id, owner, channel: d.channel, free: d.free, t, until: t + o.leaseMs }));
        if (d.channel === "zns" && znsLeft !== null) znsLeft--;
      } else if (d.action === "hold") {
        yield* q(dr.toFinal({ id: row.id, owner, state: "held", reason: d.reason, notBefore: d.until, t }));
        yield* settled(row, "held", d.reason, t);
      } else if (d.action === "expire") {
        yield* q(dr.toFinal({ id: row.id, owner, state: "expired", reason: d.reason, notBefore: null, t }));
        yield* settled(row, "expired", d.reason, t);
      } else {
        const reason = d.detail ? `${d.reason}:${d.detail}` : d.reason;
        yield* q(dr.toFinal({ id: row.id, owner, state: "suppressed", reason, notBefore: null, t }));
        yield* settled(row, "suppressed", reason, t);
      }
      return { decision: d, row };
    }
  }

  /** A paid send that must wait: the account cannot pay, or its template is at its daily limit. */
  function waitFor(row: Row, t: number): { until: number; reason: "ZCA_BALANCE" | "TEMPLATE_DAILY_LIMIT" } | null {
    if (balanceUntil > t) return { until: balanceUntil, reason: "ZCA_BALANCE" };
    const tpl = row.template_id ? templateUntil.get(row.template_id) : undefined;
    return tpl !== undefined && tpl > t ? { until: tpl, reason: "TEMPLATE_DAILY_LIMIT" } : null;
  }

  /**
   * The admin's test send (no customer, a bare phone): no one's caps, history or quiet hours apply; it goes
   * by ZNS at once, or fails if its template is gone or it waited past its expiry.
   */
  function* decideTestSend(row: Row, t: number): Step<{ decision: Decision; row: Row }> {
    const template = row.template_id ? yield* q(repo.template(row.template_id)) : undefined;
    const problem =
      !row.to_phone || !template
        ? "TEMPLATE_UNKNOWN"
        : templateBlocker(template)
          ? templateBlocker(template)!
          : row.expires_at !== null && row.expires_at <= t
            ? "EXPIRED"
            : null;
    if (problem) {
      yield* q(dr.toFinal({ id: row.id, owner, state: problem === "EXPIRED" ? "expired" : "failed", reason: problem, notBefore: null, t }));
      return { decision: { action: "suppress", reason: "NO_CHANNEL" }, row };
    }
    yield* q(dr.toReady({ id: row.id, owner, channel: "zns", free: false, t, until: t + o.leaseMs }));
    if (znsLeft !== null) znsLeft--;
    return { decision: { action: "send", channel: "zns", free: false }, row };
  }

  /** Where a decided row goes: its customer's Zalo ids, or a test send's phone. */
  function* recipient(row: Row): Step<{ zalo_oa_id: string | null; phone: string | null }> {
    return row.customer_id === null ? { zalo_oa_id: null, phone: row.to_phone as string } : (yield* q(dr.contact(row.customer_id)))!;
  }

  type Outcome = { row: Row; channel: Channel; msgId?: string; err?: unknown };

  /** The network half: one call to Zalo. Its outcome is written with others in one transaction. */
  async function send(row: Row, channel: Channel, who: { zalo_oa_id: string | null; phone: string | null }): Promise<Outcome> {
    const data = row.template_data ? JSON.parse(row.template_data) : {};
    try {
      let msgId: string;
      if (channel === "cs") {
        // The attachment was fixed when the row was queued (an upload's id, never an upload here): a retry sends it again as is.
        const attachment = row.cs_attachment ? (JSON.parse(row.cs_attachment) as Record<string, unknown>) : null;
        msgId = (await zalo.sendCs({ oaUserId: who.zalo_oa_id!, text: row.text ?? "", imageUrl: row.image_url, attachment })).message_id;
      } else if (channel === "template_uid")
        msgId = (await zalo.sendTemplateByUid({ oaUserId: who.zalo_oa_id!, templateId: row.template_id, data })).message_id;
      else {
        const r = await zalo.sendZns({ phone: who.phone!, templateId: row.template_id, data, trackingId: trackingId(row.id), development: !!row.development });
        msgId = r.msgId;
        if (r.quota) {
          znsLeft = Math.min(znsLeft ?? r.quota.remaining, r.quota.remaining);
          znsLeftAt = now();
        }
      }
      return { row, channel, msgId };
    } catch (err) {
      return { row, channel, err };
    }
  }

  function* record(o: Outcome): Step<void> {
    if (o.msgId !== undefined) {
      yield* q(dr.toSent(o.row.id, o.msgId, now()));
      if (o.row.customer_id !== null && o.channel !== "zns")
        yield* q(
          deps.onSent?.({
            customerId: o.row.customer_id,
            dedupeKey: o.row.dedupe_key ?? null,
            msgId: o.msgId,
            text: o.row.text ?? null,
            templateId: o.row.template_id ?? null,
            at: now(),
          }),
        );
    } else yield* failed(o.row, o.channel, o.err);
  }

  /** Writes a failed send's next state (inside the outcomes' body; its in-memory waits are the same on a rerun). */
  function* failed(row: Row, channel: Channel, err: unknown): Step<void> {
    const t = now();
    const e = err instanceof ZaloError ? err : new ZaloError(0, (err as Error).message, "dispatcher", "transient");
    // A test send answers the admin with Zalo's first word, never a retry they would wait on.
    if (row.customer_id === null) {
      yield* q(dr.toRetry({ id: row.id, state: "failed", reason: zaloErrorText(e.zaloCode) ?? e.message, zaloError: e.zaloCode || null, notBefore: null, t }));
      return;
    }
    // Zalo may have the message already: never send it again blind. The row stays in flight with its lease
    // over, so recovery settles it like one a crash left (the conversation for CS/template, receipts for ZNS).
    if (e.maybeDelivered) {
      yield* q(dr.toUncertain({ id: row.id, t }));
      deps.log?.warn({ id: row.id, endpoint: e.endpoint }, "answer lost after the request reached Zalo");
      return;
    }
    // The OA must be connected again (its refresh token was refused): the message waits for it, it does not fail.
    // Checked again each minute; nothing reaches Zalo meanwhile (the client refuses before sending).
    if (e.kind === "oa_disconnected") {
      yield* q(dr.toRetry({ id: row.id, state: "held", reason: "OA_DISCONNECTED", zaloError: e.zaloCode || null, notBefore: t + OA_RECHECK_MS, t }));
      yield* settled(row, "held", "OA_DISCONNECTED", t);
      return;
    }
    if (e.kind === "quota") {
      if (channel === "zns") znsLeft = 0;
      // Held, not failed: the quota comes back tomorrow (a held promotion may still expire first).
      yield* q(
        dr.toRetry({
          id: row.id,
          state: "held",
          reason: "QUOTA_EXHAUSTED",
          zaloError: e.zaloCode,
          notBefore: nextLocalTime(t, (yield* q(repo.currentRules())).rules.timeZone, "00:00"),
          t,
        }),
      );
      yield* settled(row, "held", "QUOTA_EXHAUSTED", t);
      return;
    }
    // Zalo said slow down (§5.9): never a failure. Already retried in place; back to the queue for a moment,
    // not counted against the row's attempts.
    if (e.kind === "rate_limit") {
      buckets[channel].pause(2000);
      yield* q(dr.toRetry({ id: row.id, state: "queued", reason: "RETRY:rate_limit", zaloError: e.zaloCode, notBefore: t + 2000, t }));
      return;
    }
    // Zalo refused this channel for this person or template: route the row to the next allowed channel (decided
    // again at once without it), or it ends with this reason. Never retried into the same refusal.
    if (e.kind === "cs_window" || e.kind === "not_by_uid") {
      const reason = e.kind === "not_by_uid" ? "TEMPLATE_NOT_UID" : e.zaloCode === -213 ? "NOT_A_FOLLOWER" : "OUTSIDE_CS_WINDOW";
      // By ZNS only from now on.
      if (e.kind === "not_by_uid" && row.template_id && e.zaloCode) {
        yield* q(dr.notByUid(row.template_id));
        notByUid.add(row.template_id);
      }
      yield* q(dr.refuse({ id: row.id, channel, reason, zaloError: e.zaloCode || null, t }));
      return;
    }
    // Waits, not failures: night hours (until Zalo's window opens), the account's balance (until topped up or the
    // next recheck), one template's daily limit (until midnight; the channel goes on for other templates).
    if (e.kind === "night") {
      const rules = (yield* q(repo.currentRules())).rules;
      yield* q(
        dr.toRetry({
          id: row.id,
          state: "held",
          reason: "ZALO_NIGHT",
          zaloError: e.zaloCode,
          notBefore: nextLocalTime(t, rules.timeZone, rules.zalo.promotionHours.start),
          t,
        }),
      );
      yield* settled(row, "held", "ZALO_NIGHT", t);
      return;
    }
    if (e.kind === "balance") {
      balanceUntil = Math.max(balanceUntil, t + o.balanceRecheckMs);
      yield* q(dr.toRetry({ id: row.id, state: "held", reason: "ZCA_BALANCE", zaloError: e.zaloCode || null, notBefore: t + o.balanceRecheckMs, t }));
      yield* settled(row, "held", "ZCA_BALANCE", t);
      deps.log?.warn({ id: row.id, code: e.zaloCode }, "Zalo Cloud Account cannot pay: paid sends held");
      return;
    }
    if (e.kind === "template_limit") {
      const until = nextLocalTime(t, (yield* q(repo.currentRules())).rules.timeZone, "00:00");
      if (row.template_id) templateUntil.set(row.template_id, until);
      yield* q(dr.toRetry({ id: row.id, state: "held", reason: "TEMPLATE_DAILY_LIMIT", zaloError: e.zaloCode || null, notBefore: until, t }));
      yield* settled(row, "held", "TEMPLATE_DAILY_LIMIT", t);
      return;
    }
    const retryable = e.kind === "transient" || e.kind === "token";
    if (retryable && row.attempts + 1 < o.maxAttempts) {
      const backoff = Math.min(300_000, 1000 * 2 ** row.attempts) * (0.8 + Math.random() * 0.4);
      yield* q(dr.toRetry({ id: row.id, state: "queued", reason: `RETRY:${e.kind}`, zaloError: e.zaloCode || null, notBefore: t + Math.round(backoff), t }));
      return;
    }
    const reason = zaloErrorText(e.zaloCode) ?? e.message;
    yield* q(dr.toRetry({ id: row.id, state: "failed", reason, zaloError: e.zaloCode || null, notBefore: null, t }));
    // The inbox is told a code (shown in Vietnamese there), not Zalo's English text.
    yield* settled(row, "failed", e.zaloCode ? `ZALO_ERROR:${e.zaloCode}` : "SEND_FAILED", t);
    deps.log?.warn({ id: row.id, code: e.zaloCode, kind: e.kind }, "message failed");
  }

  /**
   * One batch: finish what a stopped dispatcher left, claim, decide every row in one transaction, send
   * concurrently, and write outcomes in small transactions as they come (a commit costs far more than a row).
   * Returns how many rows it handled.
   */
  async function tick(): Promise<number> {
    await recover();
    await readWaits();
    const t = now();
    // Claimed in a statement of its own (committed at once, so the lease holds against other dispatchers).
    const rows = (await dr.claim({ owner, until: t + o.leaseMs, now: t, n: batchSize })).sort((a, b) => b.priority - a.priority || a.id - b.id);
    if (rows.length === 0) return 0;
    if (rows.some((r) => r.template_id)) await refreshQuota();
    const quotaBefore = znsLeft;
    const customerIds = [...new Set(rows.map((r) => r.customer_id as string | null).filter((id) => id !== null))];
    const toSend = await store.tx(function* () {
      znsLeft = quotaBefore; // PostgreSQL may run this body again: count from the same quota
      // The decisions and slots of these people are ours until commit (another dispatcher may hold other rows of theirs).
      yield* q(dr.lockCustomers(customerIds));
      const decided: { decision: Decision; row: Row }[] = [];
      for (const row of rows) decided.push(yield* decideRow(row));
      const ready: { row: Row; channel: Channel; who: { zalo_oa_id: string | null; phone: string | null } }[] = [];
      for (const d of decided) if (d.decision.action === "send") ready.push({ row: d.row, channel: d.decision.channel, who: yield* recipient(d.row) });
      // A batch may have suppressed or expired a broadcast's last rows.
      yield* q(
        dr.completeBroadcasts(
          rows.map((r) => r.broadcast_id),
          now(),
        ),
      );
      return ready;
    });
    // Answers wait here until the next request goes out: one commit records them and marks the requests
    // about to start in flight (all those that got a token in the same turn of the event loop). So `sending`
    // rows never outnumber the workers: each has at most one unanswered or unrecorded.
    let buffer: Outcome[] = [];
    let starting: { id: number; go: (ok: boolean) => void; fail: (err: unknown) => void }[] = [];
    // On SQLite a write is done when it returns (as before); on PostgreSQL it is a promise, and the tick waits
    // for every one it started before it ends.
    const writing = new Set<Promise<void>>();
    const write = (): void | Promise<void> => {
      const done = buffer;
      const starts = starting;
      buffer = [];
      starting = [];
      const at = now();
      const lost = (err: unknown): never => {
        // The answers are kept for the next write; the requests waiting to start do not go out (still `ready`).
        buffer = done.concat(buffer);
        starts.forEach((st) => st.fail(err));
        throw err;
      };
      const began = (ok: boolean[]) => starts.forEach((st, i) => st.go(ok[i]!));
      let ok: boolean[] | Promise<boolean[]>;
      try {
        ok = store.tx(function* () {
          for (const d of done) yield* record(d);
          yield* q(
            dr.completeBroadcasts(
              done.map((d) => d.row.broadcast_id),
              at,
            ),
          );
          const marked: boolean[] = [];
          for (const st of starts) marked.push(yield* q(dr.markInFlight({ id: st.id, owner, t: at, until: at + o.leaseMs })));
          return marked;
        });
      } catch (err) {
        return lost(err);
      }
      if (!isThenable(ok)) return began(ok);
      const p = ok.then(began, lost);
      writing.add(p);
      p.then(
        () => writing.delete(p),
        () => writing.delete(p),
      );
      return p;
    };
    const flush = () => (buffer.length || starting.length ? write() : undefined);
    const startSoon = (id: number) =>
      new Promise<boolean>((go, fail) => {
        if (starting.push({ id, go, fail }) === 1) setImmediate(() => starting.length && void tryWrite());
      });
    const tryWrite = async () => {
      try {
        await write();
      } catch {
        // Each waiting worker got the error.
      }
    };
    // One person's messages go one by one, in decision order (an order's "confirmed" before its "ready"):
    // a worker takes a whole person at a time.
    const people: (typeof toSend)[] = [];
    const byPerson = new Map<string, typeof toSend>();
    for (const s of toSend) {
      const key = s.row.customer_id ?? `row:${s.row.id}`;
      let theirs = byPerson.get(key);
      if (!theirs) (byPerson.set(key, (theirs = [])), people.push(theirs));
      theirs.push(s);
    }
    let next = 0;
    const worker = async () => {
      while (next < people.length && !stopping) {
        for (const s of people[next++]!) {
          // Stopping: what has not gone out stays `ready`, handed back by `stop` (a person's rest with it).
          if (stopping) break;
          await buckets[s.channel].take();
          if (stopping) break;
          if (!(await startSoon(s.row.id))) continue; // lease lost: someone else has it
          // Await first: `buffer.push(await …)` would push into the array a concurrent write already took.
          // A balance error (or the template's daily limit) met by an earlier send of this batch: hold, don't ask again.
          const waiting =
            s.channel === "cs"
              ? null
              : balanceUntil > now()
                ? "balance"
                : (templateUntil.get(s.row.template_id) ?? 0) > now()
                  ? "template_limit"
                  : s.channel === "template_uid" && notByUid.has(s.row.template_id)
                    ? "not_by_uid"
                    : null;
          let outcome: Outcome = waiting
            ? { row: s.row, channel: s.channel, err: new ZaloError(0, "held without asking again", "dispatcher", waiting) }
            : await send(s.row, s.channel, s.who);
          // Refused, so nothing went out: the same request again once the app-wide limiter lets it (§5.9).
          for (let i = 1; i < RATE_LIMIT_TRIES && outcome.err instanceof ZaloError && outcome.err.kind === "rate_limit"; i++)
            outcome = await send(s.row, s.channel, s.who);
          buffer.push(outcome);
          if (next >= people.length) await flush(); // nothing left to start: record now rather than at the batch's end
        }
      }
    };
    // Every worker finishes before the tick does (a failed one must not let the next tick overlap this one).
    const ended = await Promise.allSettled(Array.from({ length: Math.min(o.concurrency, people.length) }, worker));
    // Answers that could not be written yet (the database busy past its timeout) get a few more tries; any left
    // stay `sending` and are settled by recovery like a crash's (conversation or receipts), never sent blind.
    await Promise.allSettled([...writing]); // a failed one put its answers back in the buffer
    for (let attempt = 0; buffer.length && attempt < 5; attempt++) {
      try {
        await write();
      } catch (err) {
        deps.log?.warn({ err: (err as Error).message, answers: buffer.length }, "could not record answers yet");
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
    const failure = ended.find((e) => e.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
    return rows.length;
  }

  let running = false;
  let stopping = false;
  let loop: Promise<void> | null = null;
  // Between ticks the loop sleeps pollMs, or until woken: on PostgreSQL a NOTIFY of a queued row (LISTEN
  // outbox, a connection of its own); on SQLite the poll alone, as before. A wake during a tick skips the sleep.
  let woken = false;
  let wakeUp: (() => void) | null = null;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const timer = setTimeout((wakeUp = r), ms);
      wakeUp = () => (clearTimeout(timer), r());
    });
  let listener: ReturnType<typeof dr.listen>;

  return {
    owner,
    tick,
    /** Runs batches until nothing is ready (tests and the standalone process). */
    async drain(maxBatches = Infinity) {
      let n = 0;
      while (n++ < maxBatches && (await tick()) > 0);
    },
    /** Something was queued: the next tick starts now rather than after the poll's sleep. */
    wake,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      listener = dr.listen(wake, (err) => deps.log?.warn({ err: err.message }, "outbox listener lost its connection"));
      listener?.ready.catch((err: Error) => deps.log?.warn({ err: err.message }, "outbox listener could not start (polling meanwhile)"));
      loop = (async () => {
        while (running) {
          let handled = 0;
          woken = false;
          try {
            handled = await tick();
          } catch (err) {
            deps.log?.error({ err }, "dispatcher tick failed");
          }
          if (handled === 0 && running && !woken) await sleep(o.pollMs);
          wakeUp = null;
        }
      })();
    },
    /**
     * Graceful stop (SIGTERM): no new sends; those in flight finish and are recorded; then every row this
     * dispatcher claimed and has not sent is handed back, so another dispatcher takes it at once.
     */
    async stop() {
      running = false;
      stopping = true;
      wakeUp?.();
      await Promise.all([loop, listener?.close()]);
      listener = undefined;
      const handedBack = await dr.handBack({ owner, t: now() });
      if (handedBack) deps.log?.info({ handedBack }, "dispatcher handed back its leases");
    },
  };
}

export const trackingId = (id: number) => `mc-${id}`;
export const idFromTrackingId = (t: string) => (/^mc-\d+$/.test(t) ? Number(t.slice(3)) : null);

export type Dispatcher = ReturnType<typeof createDispatcher>;
