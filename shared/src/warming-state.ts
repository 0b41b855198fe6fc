import type { CategoryState, PolicyLayer, WarmingCap, WarmingReason, WarmingState } from "./crm";
import {
  capFreesAt,
  channelOptions,
  decide,
  inLocalWindow,
  isPromotionClass,
  isTemplatePromotion,
  nextLocalTime,
  REASON_RANK,
  type CapRule,
  type Category,
  type Channel,
  type PolicyCustomer,
  type PolicyMessage,
  type Quota,
  type Reason,
  type SentFact,
  type WarmingRules,
} from "./messaging";
import { reasonClause, reasonLabel } from "./reason-words";
import { localParts } from "./local-time";

/**
 * A person's warming state (issue #12): for each category, whether a message may go now and by which
 * channel, every block standing layer by layer, and the earliest time one may go. Built on `decide` itself:
 * the blocks mirror its layers (the first is the one decide names), and the earliest time is found by
 * stepping decide forward, from one block's end to the next, until it says send.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NO_QUOTA: Quota = { zns: null, uid: null };
export const WARMING_CATEGORIES: Category[] = ["transactional", "care", "promotion"];
/** Each category's own ZNS template tag (Zalo's tags: 1 transaction, 2 customer care, 3 promotion). */
export const CATEGORY_TAG: Record<Category, 1 | 2 | 3> = { transactional: 1, care: 2, promotion: 3 };

export type WarmingInputs = {
  customer: PolicyCustomer;
  history: SentFact[];
  /** Zalo's daily quota as read now (null fields: unknown, not limiting). */
  quota?: Quota;
  rules: WarmingRules;
  now: number;
  /** The message each category is judged by (default: `probeMessage(category)`). */
  probes?: Partial<Record<Category, PolicyMessage>>;
};

/**
 * The message a category is judged by: free text, plus a template (by default one of the category's own
 * tag, sendable by UID and by ZNS, so every channel the policy knows is tried; null = text only).
 */
export function probeMessage(category: Category, template?: PolicyMessage["template"]): PolicyMessage {
  return {
    category,
    priority: 5,
    hasText: true,
    template: template === undefined ? { tag: CATEGORY_TAG[category], uid: true, zns: true } : template,
    expiresAt: null,
  };
}

/** Zalo's quotas are daily: the one read at `now` holds until the shop's next midnight, then counts as renewed. */
export function quotaAt(quota: Quota, now: number, timeZone: string, t: number): Quota {
  return t < nextLocalTime(now + 1, timeZone, "00:00") ? quota : NO_QUOTA;
}

export const LAYER_OF: Record<Reason, PolicyLayer> = {
  EXPIRED: "consent",
  UNFOLLOWED: "consent",
  NO_CHANNEL: "zalo",
  OUTSIDE_CS_WINDOW: "zalo",
  NOT_A_FOLLOWER: "zalo",
  NO_PHONE: "zalo",
  PROMOTION_HOURS: "zalo",
  ZNS_USER_PROMOTION_LIMIT: "zalo",
  CS_PROMOTION_OFF: "zalo",
  TEMPLATE_NOT_UID: "zalo",
  QUOTA_EXHAUSTED: "zalo",
  PAUSED_BY_CUSTOMER: "preferences",
  MUTED_BY_CUSTOMER: "preferences",
  CUSTOMER_WEEKLY_LIMIT: "preferences",
  QUIET_HOURS: "quiet_hours",
  CAP_REACHED: "caps",
  FATIGUE: "fatigue",
};

/** One block standing at an instant: `until` is when it passes by itself (null: it lasts). */
export type Block = { layer: PolicyLayer; code: Reason; until: number | null; cap?: CapRule };

/** When Zalo's per-user ZNS promotion limits let one more through (null: never, a limit of 0). */
function znsPromotionFreesAt(history: SentFact[], t: number, rules: WarmingRules): number | null {
  const { znsPromotionPerUserPerDay: perDay, znsPromotionPerUserPerMonth: perMonth } = rules.zalo;
  if (perDay === 0 || perMonth === 0) return null;
  const promos = history.filter(isTemplatePromotion).map((h) => h.sentAt);
  const frees = [capFreesAt(promos, perDay, DAY, t), capFreesAt(promos, perMonth, 30 * DAY, t)].filter((x): x is number => x !== null);
  return frees.length ? Math.max(...frees) : t;
}

/** The history a cap counts: only the categories it names ("any" = care and promotion), on its channel. */
const countedBy = (cap: Pick<CapRule, "category" | "channel">, history: SentFact[]) =>
  history
    .filter(
      (h) => h.category !== "transactional" && (cap.category === "any" || h.category === cap.category) && (cap.channel === "any" || h.channel === cap.channel),
    )
    .map((h) => h.sentAt);
const promotionsIn = (history: SentFact[]) => history.filter((h) => h.category === "promotion").map((h) => h.sentAt);

/**
 * Every block standing at `t`, layer by layer in decide's order, each checked on its own (decide stops at the
 * first). Keep in step with `decide`: the property test checks the first block is the reason decide names.
 */
export function blocksAt(c: PolicyCustomer, m: PolicyMessage, t: number, rules: WarmingRules, history: SentFact[], quota: Quota = NO_QUOTA): Block[] {
  const out: Block[] = [];
  const tz = rules.timeZone;
  const transactional = m.category === "transactional";

  // 1. consent
  if (!transactional && c.everUnfollowed && !c.followsOa) out.push({ layer: "consent", code: "UNFOLLOWED", until: null });

  // 2. Zalo's rules: a channel that can carry it, and promotion hours
  const options = channelOptions(c, m, t, rules, history, quota);
  const usable = options.find((o) => o.ok);
  if (!usable) {
    if (options.length === 0) out.push({ layer: "zalo", code: "NO_CHANNEL", until: null });
    for (const reason of REASON_RANK) {
      if (!options.some((o) => o.reason === reason)) continue;
      const until =
        reason === "QUOTA_EXHAUSTED" ? nextLocalTime(t, tz, "00:00") : reason === "ZNS_USER_PROMOTION_LIMIT" ? znsPromotionFreesAt(history, t, rules) : null;
      out.push({ layer: "zalo", code: reason, until });
    }
  }
  if (isPromotionClass(m) && !inLocalWindow(t, tz, rules.zalo.promotionHours))
    out.push({ layer: "zalo", code: "PROMOTION_HOURS", until: nextLocalTime(t, tz, rules.zalo.promotionHours.start) });

  // 3. the shopper's preferences
  if (!transactional) {
    if (c.prefs.mutedCategories.includes(m.category)) out.push({ layer: "preferences", code: "MUTED_BY_CUSTOMER", until: null });
    if (m.category === "promotion" && c.prefs.pausedUntil !== null && t < c.prefs.pausedUntil)
      out.push({ layer: "preferences", code: "PAUSED_BY_CUSTOMER", until: c.prefs.pausedUntil });
    if (m.category === "promotion" && c.prefs.offersPerWeek !== null) {
      const frees = c.prefs.offersPerWeek === 0 ? null : capFreesAt(promotionsIn(history), c.prefs.offersPerWeek, 7 * DAY, t);
      if (c.prefs.offersPerWeek === 0 || frees !== null) out.push({ layer: "preferences", code: "CUSTOMER_WEEKLY_LIMIT", until: frees });
    }
  }

  // 4. quiet hours
  if (!transactional && rules.quietHours && inLocalWindow(t, tz, rules.quietHours))
    out.push({ layer: "quiet_hours", code: "QUIET_HOURS", until: nextLocalTime(t, tz, rules.quietHours.end) });

  // 5. the shop's caps (a cap on one channel applies to the channel the message would take)
  if (!transactional) {
    for (const cap of rules.caps) {
      if (cap.category !== "any" && cap.category !== m.category) continue;
      if (cap.channel !== "any" && cap.channel !== usable?.channel) continue;
      const frees = capFreesAt(countedBy(cap, history), cap.max, cap.windowHours * HOUR, t);
      if (frees !== null) out.push({ layer: "caps", code: "CAP_REACHED", until: frees, cap });
    }
  }

  // 6. fatigue
  if (m.category === "promotion" && c.fatigueUntil !== null && t < c.fatigueUntil) {
    if (rules.fatigue.maxPromotions === 0) out.push({ layer: "fatigue", code: "FATIGUE", until: c.fatigueUntil });
    else {
      const frees = capFreesAt(promotionsIn(history), rules.fatigue.maxPromotions, rules.fatigue.windowHours * HOUR, t);
      if (frees !== null) out.push({ layer: "fatigue", code: "FATIGUE", until: Math.min(frees, c.fatigueUntil) });
    }
  }
  return out;
}

/**
 * When the channel a message would take can change (a cap on one channel may then stop applying): the CS
 * window closing, a ZNS promotion leaving Zalo's per-user windows, the quota renewing.
 */
function channelChangeAfter(c: PolicyCustomer, t: number, rules: WarmingRules, history: SentFact[], renew: number): number {
  const at = [renew];
  if (c.lastInteractionAt !== null) at.push(c.lastInteractionAt + rules.zalo.csWindowDays * DAY + 1);
  for (const h of history) if (h.channel === "zns" && h.znsTag === 3) at.push(h.sentAt + DAY, h.sentAt + 30 * DAY);
  return Math.min(...at.filter((x) => x > t), Infinity);
}

export type Earliest = { at: number | null; stoppedBy: { code: Reason; at: number } | null };

/**
 * The earliest instant ≥ now at which decide says send, or null when a lasting block stands first
 * (`stoppedBy`: which, from when). Steps from one block's end to the next: every jump keeps "blocked on
 * [t, next)" true, so the first send found is the earliest, and decide says no just before it. A block whose
 * end depends on the channel (a cap on one channel) steps no further than the next change of channel.
 */
export function earliestSend(c: PolicyCustomer, m: PolicyMessage, now: number, rules: WarmingRules, history: SentFact[], quota: Quota = NO_QUOTA): Earliest {
  const renew = nextLocalTime(now + 1, rules.timeZone, "00:00");
  const channelCaps = rules.caps.some((cap) => cap.channel !== "any");
  let t = now;
  for (let i = 0; i < 1000; i++) {
    const d = decide(c, m, t, rules, history, t < renew ? quota : NO_QUOTA);
    if (d.action === "send") return { at: t, stoppedBy: null };
    if (d.action === "expire") return { at: null, stoppedBy: { code: d.reason, at: t } };
    let next: number | null;
    if (d.action === "hold") next = d.reason === "CAP_REACHED" && channelCaps ? Math.min(d.until, channelChangeAfter(c, t, rules, history, renew)) : d.until;
    // Time-bound refusals: the pause, fatigue with no promotion allowed, Zalo's per-user ZNS promotion limits.
    else if (d.reason === "PAUSED_BY_CUSTOMER") next = c.prefs.pausedUntil;
    else if (d.reason === "FATIGUE") next = c.fatigueUntil;
    else if (d.reason === "ZNS_USER_PROMOTION_LIMIT") next = znsPromotionFreesAt(history, t, rules);
    else next = null; // unfollowed, muted, no channel, no offers wanted: nothing passes by itself
    if (next === null) return { at: null, stoppedBy: { code: d.reason, at: t } };
    t = Math.max(next, t + 1);
  }
  return { at: null, stoppedBy: null };
}

// ---- words ----

/** "08:00 ngày 3/12" in the shop's time zone (with the year when it is not the year of `now`). */
export function formatShopTime(at: number, tz: string, now: number = at): string {
  const p = localParts(at, tz);
  const year = p.year !== localParts(now, tz).year ? `/${p.year}` : "";
  return `${p.hour!.padStart(2, "0")}:${p.minute!.padStart(2, "0")} ngày ${Number(p.day)}/${Number(p.month)}${year}`;
}

export const CHANNEL_WORDS: Record<Channel, string> = { cs: "tin tư vấn (CS)", template_uid: "tin mẫu qua Zalo (UID)", zns: "ZNS qua số điện thoại" };
const CATEGORY_WORDS: Record<CapRule["category"], string> = { care: "Tin chăm sóc", promotion: "Ưu đãi", any: "Tin chăm sóc và ưu đãi" };
const windowWords = (hours: number) => (hours % 24 === 0 ? `${hours / 24} ngày` : `${hours} giờ`);

function capLabel(cap: CapRule) {
  const channel = cap.channel === "any" ? "" : ` qua ${CHANNEL_WORDS[cap.channel]}`;
  return `${CATEGORY_WORDS[cap.category]}${channel}: tối đa ${cap.max} tin / ${windowWords(cap.windowHours)}`;
}

function reasonOf(b: Block, tz: string, now: number): WarmingReason {
  const what = b.cap ? `${reasonLabel(b.code)} (${capLabel(b.cap).toLowerCase()})` : reasonLabel(b.code);
  return {
    layer: b.layer,
    code: b.code,
    text: b.until === null ? what : `${what} — đến ${formatShopTime(b.until, tz, now)}`,
    until: b.until === null ? null : new Date(b.until).toISOString(),
  };
}

const clauses = (codes: string[]) => [...new Set(codes)].map(reasonClause).join(", ");

// ---- the state ----

/** A category's state, and the lasting block that only starts later, if one does (for the summary). */
function categoryState(input: WarmingInputs, category: Category): { state: CategoryState; later: { code: Reason; from: number } | null } {
  const { customer: c, history, rules, now } = input;
  const quota = input.quota ?? NO_QUOTA;
  const m = input.probes?.[category] ?? probeMessage(category);
  const tz = rules.timeZone;
  const d = decide(c, m, now, rules, history, quota);
  const blocks = d.action === "send" ? [] : blocksAt(c, m, now, rules, history, quota);
  const reasons = blocks.map((b) => reasonOf(b, tz, now));
  const next = d.action === "send" ? { at: now, stoppedBy: null } : earliestSend(c, m, now, rules, history, quota);
  // A lasting block that only starts later (the CS window closes while a promotion waits for the morning).
  // Only the CS window can close by itself; its closing time is known, whenever the stepping came upon it.
  const stop = next.stoppedBy;
  let later: { code: Reason; from: number } | null = null;
  if (stop && stop.at > now && !blocks.some((b) => b.code === stop.code)) {
    const from =
      stop.code === "OUTSIDE_CS_WINDOW" && c.lastInteractionAt !== null ? Math.max(now, c.lastInteractionAt + rules.zalo.csWindowDays * DAY + 1) : stop.at;
    later = { code: stop.code, from };
    reasons.push({ layer: LAYER_OF[stop.code], code: stop.code, text: `${reasonLabel(stop.code)} — từ ${formatShopTime(from, tz, now)}`, until: null });
  }
  const state: CategoryState = {
    category,
    allowedNow: d.action === "send",
    channel: d.action === "send" ? d.channel : null,
    free: d.action === "send" && d.free,
    nextAllowedAt: d.action === "send" || next.at === null ? null : new Date(next.at).toISOString(),
    reasons,
  };
  return { state, later };
}

function capsOf(input: WarmingInputs): WarmingCap[] {
  const { customer: c, history, rules, now } = input;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const used = (sent: number[], windowHours: number) => sent.filter((t) => now - t < windowHours * HOUR).length;
  const out: WarmingCap[] = rules.caps.map((cap) => {
    const sent = countedBy(cap, history);
    return {
      label: capLabel(cap),
      source: "shop",
      category: cap.category,
      channel: cap.channel,
      windowHours: cap.windowHours,
      used: used(sent, cap.windowHours),
      max: cap.max,
      resetsAt: iso(capFreesAt(sent, cap.max, cap.windowHours * HOUR, now)),
    };
  });
  const perWeek = c.prefs.offersPerWeek;
  if (perWeek !== null) {
    const sent = promotionsIn(history);
    out.push({
      label: `Khách chọn: tối đa ${perWeek} ưu đãi / 7 ngày`,
      source: "customer",
      category: "promotion",
      channel: "any",
      windowHours: 7 * 24,
      used: used(sent, 7 * 24),
      max: perWeek,
      resetsAt: perWeek === 0 ? null : iso(capFreesAt(sent, perWeek, 7 * DAY, now)),
    });
  }
  if (c.fatigueUntil !== null && now < c.fatigueUntil) {
    const f = rules.fatigue;
    const sent = promotionsIn(history);
    const frees = f.maxPromotions === 0 ? c.fatigueUntil : capFreesAt(sent, f.maxPromotions, f.windowHours * HOUR, now);
    out.push({
      label: `Sau khi bỏ quan tâm: tối đa ${f.maxPromotions} ưu đãi / ${windowWords(f.windowHours)} (đến ${formatShopTime(c.fatigueUntil, rules.timeZone, now)})`,
      source: "fatigue",
      category: "promotion",
      channel: "any",
      windowHours: f.windowHours,
      used: used(sent, f.windowHours),
      max: f.maxPromotions,
      resetsAt: iso(frees === null ? null : Math.min(frees, c.fatigueUntil)),
    });
  }
  return out;
}

function summaryOf(states: ReturnType<typeof categoryState>[], tz: string, now: number): string {
  const of = (k: Category) => states.find((s) => s.state.category === k)!;
  const transactional = of("transactional").state;
  const { state: promotion, later } = of("promotion");
  const lasting = (s: CategoryState) =>
    clauses((s.reasons.some((r) => r.until === null) ? s.reasons.filter((r) => r.until === null) : s.reasons).map((r) => r.code));
  if (!transactional.allowedNow && transactional.nextAllowedAt === null) return `Không gửi được tin nào cho khách này (${lasting(transactional)}).`;
  if (promotion.allowedNow) return `Có thể nhận ưu đãi ngay bây giờ (qua ${CHANNEL_WORDS[promotion.channel!]}${promotion.free ? ", miễn phí" : ""}).`;
  if (promotion.nextAllowedAt !== null) {
    const timed = promotion.reasons.filter((r) => r.until !== null);
    return `Có thể nhận ưu đãi từ ${formatShopTime(Date.parse(promotion.nextAllowedAt), tz, now)} (${clauses((timed.length ? timed : promotion.reasons).map((r) => r.code))}).`;
  }
  const still = transactional.allowedNow ? `; tin giao dịch vẫn gửi được qua ${CHANNEL_WORDS[transactional.channel!]}` : "";
  // Blocked for now, and for good from a later time on (the CS window closes before the blocks pass).
  const why = later
    ? `${clauses(promotion.reasons.filter((r) => r.code !== later.code).map((r) => r.code))}; từ ${formatShopTime(later.from, tz, now)}: ${reasonClause(later.code)}`
    : lasting(promotion);
  return `Không nhận được ưu đãi (${why})${still}.`;
}

/** The warming state of one person from the inputs `decide` takes (see the file's head). */
export function warmingState(input: WarmingInputs): WarmingState {
  const { customer: c, rules, now } = input;
  const states = WARMING_CATEGORIES.map((k) => categoryState(input, k));
  return {
    at: new Date(now).toISOString(),
    timeZone: rules.timeZone,
    categories: states.map((s) => s.state),
    caps: capsOf(input),
    fatigueUntil: c.fatigueUntil !== null && now < c.fatigueUntil ? new Date(c.fatigueUntil).toISOString() : null,
    summary: summaryOf(states, rules.timeZone, now),
  };
}
