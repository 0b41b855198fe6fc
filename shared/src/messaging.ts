import { z } from "zod";
import { tzOffsetMinutes } from "./local-time";

/**
 * The warming engine's send policy (design.md §4): one pure `decide` used for broadcast previews and again
 * at send time. Layers, first failure wins and names the reason:
 * 1 consent → 2 Zalo's rules → 3 the customer's preferences → 4 quiet hours → 5 the business's caps → 6 fatigue.
 */

export const Category = z.enum(["transactional", "care", "promotion"]);
export type Category = z.infer<typeof Category>;
export const Channel = z.enum(["cs", "template_uid", "zns"]);
export type Channel = z.infer<typeof Channel>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM");

export const CapRule = z
  .object({
    /** "any" = care and promotion together; transactional messages are never counted. */
    category: z.enum(["care", "promotion", "any"]),
    channel: z.enum(["cs", "template_uid", "zns", "any"]).default("any"),
    max: z.number().int().min(1).max(1000),
    windowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90),
  })
  .strict();
export type CapRule = z.infer<typeof CapRule>;

export const WarmingRules = z
  .object({
    /** The shop's time zone: the server always fills in its SHOP_TIME_ZONE here; a value sent is ignored. */
    timeZone: z.string().min(1).default("Asia/Ho_Chi_Minh"),
    /** Local time window in which care and promotion messages are held (never dropped). null = none. */
    quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable(),
    /** Empty = no cap. A cap counts only the categories it names ("any" = care and promotion): transactional messages never count and are never capped. */
    caps: z.array(CapRule).max(20),
    floor: z
      .object({
        enabled: z.boolean(),
        silentDays: z.number().int().min(1).max(180),
        /** A tag-2 template with params customer_name and content, for followers outside the CS window. */
        templateId: z.string().min(1).max(64).nullable().default(null),
      })
      .strict(),
    /** Sent by CS when someone follows the OA (following opens the free window). */
    welcomeText: z.string().trim().min(1).max(2000).default("Cảm ơn bạn đã quan tâm! Mở mini app để xem ưu đãi dành riêng cho bạn."),
    fatigue: z
      .object({
        /** An unfollow this soon after a message is blamed on it. */
        unfollowWithinHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 14),
        /** For this long after, the person gets at most `maxPromotions` per `windowHours`. */
        tightenForDays: z.number().int().min(1).max(365),
        maxPromotions: z.number().int().min(0).max(100),
        windowHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90),
      })
      .strict(),
    zalo: z
      .object({
        csWindowDays: z.number().min(1).max(7).default(7),
        csFreeHours: z.number().min(0).max(48).default(48),
        /** Zalo only takes promotion-class sends in these local hours (§5.6): 06:00–22:00. */
        promotionHours: z.object({ start: hhmm, end: hhmm }).strict().default({ start: "06:00", end: "22:00" }),
        znsPromotionPerUserPerDay: z.number().int().min(0).default(1),
        znsPromotionPerUserPerMonth: z.number().int().min(0).default(4),
        /**
         * Promotions by CS (free text in the consultation window): off by default. CS is Zalo's consultation
         * channel; promotions belong in tag-3 templates (§5.6, §7.6), which Zalo prices and caps per user.
         */
        promotionsByCs: z.boolean().default(false),
      })
      .strict(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.quietHours && r.quietHours.start === r.quietHours.end)
      ctx.addIssue({
        code: "custom",
        path: ["quietHours"],
        message: "quiet hours cannot start and end at the same time (that would hold every message)",
        params: { vi: "giờ yên lặng không được bắt đầu và kết thúc cùng lúc (sẽ giữ lại mọi tin)" },
      });
    const p = r.zalo.promotionHours;
    if (p.start === p.end)
      ctx.addIssue({
        code: "custom",
        path: ["zalo", "promotionHours"],
        message: "promotion hours cannot be empty",
        params: { vi: "khung giờ khuyến mãi không được để trống" },
      });
    if (r.quietHours && coversWholeDay(r.quietHours, p))
      ctx.addIssue({
        code: "custom",
        path: ["quietHours"],
        message: "quiet hours would leave no time in Zalo's promotion hours: no promotion could ever be sent",
        params: { vi: "giờ yên lặng phủ kín khung giờ khuyến mãi của Zalo: sẽ không có tin khuyến mãi nào gửi được" },
      });
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: r.timeZone });
    } catch {
      ctx.addIssue({ code: "custom", path: ["timeZone"], message: "unknown time zone", params: { vi: "múi giờ không tồn tại" } });
    }
  });
export type WarmingRules = z.infer<typeof WarmingRules>;

export const DEFAULT_WARMING_RULES: WarmingRules = {
  timeZone: "Asia/Ho_Chi_Minh",
  quietHours: { start: "21:30", end: "08:00" },
  caps: [
    { category: "promotion", channel: "any", max: 2, windowHours: 24 * 7 },
    { category: "any", channel: "any", max: 1, windowHours: 20 },
  ],
  floor: { enabled: true, silentDays: 14, templateId: null },
  welcomeText: "Cảm ơn bạn đã quan tâm! Mở mini app để xem ưu đãi dành riêng cho bạn.",
  fatigue: { unfollowWithinHours: 48, tightenForDays: 30, maxPromotions: 1, windowHours: 24 * 14 },
  zalo: {
    csWindowDays: 7,
    csFreeHours: 48,
    promotionHours: { start: "06:00", end: "22:00" },
    znsPromotionPerUserPerDay: 1,
    znsPromotionPerUserPerMonth: 4,
    promotionsByCs: false,
  },
};

export const CustomerPrefs = z
  .object({
    /** At most this many offers (promotions) a week; null = the shop's own caps only. */
    offersPerWeek: z.number().int().min(0).max(14).nullable(),
    pausedUntil: z.string().datetime({ offset: true }).nullable(),
    /** Transactional messages (orders, vouchers you own) cannot be muted. */
    mutedCategories: z.array(z.enum(["care", "promotion"])).max(2),
  })
  .strict();
export type CustomerPrefs = z.infer<typeof CustomerPrefs>;
export const DEFAULT_PREFS: CustomerPrefs = { offersPerWeek: null, pausedUntil: null, mutedCategories: [] };

export type PolicyCustomer = {
  followsOa: boolean;
  everUnfollowed: boolean;
  oaUserId: string | null;
  phone: string | null;
  lastInteractionAt: number | null;
  prefs: { offersPerWeek: number | null; pausedUntil: number | null; mutedCategories: string[] };
  /** Until when an unfollow blamed on our messages tightens this person's promotions. */
  fatigueUntil: number | null;
};

export type PolicyMessage = {
  category: Category;
  priority: number;
  /** Free text can go by CS; a template by UID or ZNS. A message may carry both. */
  hasText: boolean;
  template: { tag: 1 | 2 | 3; uid: boolean; zns: boolean } | null;
  expiresAt: number | null;
  /** Channels Zalo already refused for this very message (-230/-213 on CS, -249 by UID): never tried again. */
  refused?: { channel: Channel; reason: Reason }[];
};

/** `znsTag`: the template's tag on a template send (by UID or ZNS), else null. */
export type SentFact = { category: Category; channel: Channel; sentAt: number; znsTag?: number | null };

export type Quota = { zns: number | null; uid: number | null };

export type Reason =
  | "UNFOLLOWED"
  | "NO_CHANNEL"
  | "OUTSIDE_CS_WINDOW"
  | "NOT_A_FOLLOWER"
  | "NO_PHONE"
  | "PROMOTION_HOURS"
  | "ZNS_USER_PROMOTION_LIMIT"
  | "CS_PROMOTION_OFF"
  | "TEMPLATE_NOT_UID"
  | "QUOTA_EXHAUSTED"
  | "PAUSED_BY_CUSTOMER"
  | "MUTED_BY_CUSTOMER"
  | "CUSTOMER_WEEKLY_LIMIT"
  | "QUIET_HOURS"
  | "CAP_REACHED"
  | "FATIGUE"
  | "EXPIRED";

export type Decision =
  | { action: "send"; channel: Channel; free: boolean }
  | { action: "hold"; until: number; reason: Reason }
  | { action: "suppress"; reason: Reason; detail?: string }
  | { action: "expire"; reason: Reason };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---- local time (the shop's time zone) ----

const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

/** Is local time inside [start, end)? Windows may cross midnight (21:30 → 08:00). */
export function inLocalWindow(at: number, tz: string, w: { start: string; end: string }): boolean {
  const local = (((Math.floor(at / 60_000) + tzOffsetMinutes(tz, at)) % 1440) + 1440) % 1440;
  const s = minutesOf(w.start);
  const e = minutesOf(w.end);
  return s < e ? local >= s && local < e : local >= s || local < e;
}

/** The next instant (≥ at) when local time is `hm`. */
export function nextLocalTime(at: number, tz: string, hm: string): number {
  const off = tzOffsetMinutes(tz, at);
  const localMin = Math.floor(at / 60_000) + off;
  const dayStart = Math.floor(localMin / 1440) * 1440;
  let target = dayStart + minutesOf(hm);
  if (target * 60_000 - off * 60_000 < at) target += 1440;
  return (target - off) * 60_000;
}

function coversWholeDay(quiet: { start: string; end: string }, promo: { start: string; end: string }) {
  // Sample each minute of the promotion window; if all are quiet, promotions can never go.
  const tz = "UTC";
  for (let m = 0; m < 1440; m += 15) {
    const at = m * 60_000;
    if (inLocalWindow(at, tz, promo) && !inLocalWindow(at, tz, quiet)) return false;
  }
  return true;
}

// ---- the policy ----

/** Which channel reason decide names when none can carry a message (the one closest to sending first). */
export const REASON_RANK: Reason[] = [
  "QUOTA_EXHAUSTED",
  "ZNS_USER_PROMOTION_LIMIT",
  "OUTSIDE_CS_WINDOW",
  "CS_PROMOTION_OFF",
  "NOT_A_FOLLOWER",
  "TEMPLATE_NOT_UID",
  "NO_PHONE",
];

export const isPromotionClass = (m: PolicyMessage) => m.category === "promotion" || m.template?.tag === 3;

/** Channels in cost order: CS inside the free window, CS, template by UID, ZNS by phone (exported for the warming state). */
export function channelOptions(c: PolicyCustomer, m: PolicyMessage, now: number, rules: WarmingRules, history: SentFact[], quota: Quota) {
  const out: { channel: Channel; free: boolean; ok: boolean; reason?: Reason }[] = [];
  const sinceInteraction = c.lastInteractionAt === null ? Infinity : now - c.lastInteractionAt;
  const refused = (ch: Channel) => m.refused?.find((r) => r.channel === ch);
  const promotion = isPromotionClass(m);
  if (m.hasText) {
    const no = refused("cs");
    if (no) out.push({ channel: "cs", free: false, ok: false, reason: no.reason });
    else if (!c.oaUserId) out.push({ channel: "cs", free: false, ok: false, reason: "NOT_A_FOLLOWER" });
    else if (sinceInteraction > rules.zalo.csWindowDays * DAY) out.push({ channel: "cs", free: false, ok: false, reason: "OUTSIDE_CS_WINDOW" });
    // CS is Zalo's consultation channel: a promotion goes by its template unless the shop switched this on.
    else if (promotion && !rules.zalo.promotionsByCs) out.push({ channel: "cs", free: false, ok: false, reason: "CS_PROMOTION_OFF" });
    else out.push({ channel: "cs", free: sinceInteraction <= rules.zalo.csFreeHours * HOUR, ok: true });
  }
  // Zalo's per-user promotion limits count tag-3 templates on both template channels (§7.6).
  const promoLimited = m.template?.tag === 3 && !templatePromotionAllowed(history, now, rules);
  if (m.template?.uid) {
    const no = refused("template_uid");
    if (no) out.push({ channel: "template_uid", free: false, ok: false, reason: no.reason });
    else if (!c.oaUserId || !c.followsOa) out.push({ channel: "template_uid", free: false, ok: false, reason: "NOT_A_FOLLOWER" });
    else if (quota.uid !== null && quota.uid <= 0) out.push({ channel: "template_uid", free: false, ok: false, reason: "QUOTA_EXHAUSTED" });
    else if (promoLimited) out.push({ channel: "template_uid", free: false, ok: false, reason: "ZNS_USER_PROMOTION_LIMIT" });
    else out.push({ channel: "template_uid", free: false, ok: true });
  }
  if (m.template?.zns) {
    const no = refused("zns");
    if (no) out.push({ channel: "zns", free: false, ok: false, reason: no.reason });
    else if (!c.phone) out.push({ channel: "zns", free: false, ok: false, reason: "NO_PHONE" });
    else if (quota.zns !== null && quota.zns <= 0) out.push({ channel: "zns", free: false, ok: false, reason: "QUOTA_EXHAUSTED" });
    else if (promoLimited) out.push({ channel: "zns", free: false, ok: false, reason: "ZNS_USER_PROMOTION_LIMIT" });
    else out.push({ channel: "zns", free: false, ok: true });
  }
  // Free first, then in the order above (already cheapest first).
  return out.sort((a, b) => Number(b.ok && b.free) - Number(a.ok && a.free));
}

/** Tag-3 template sends (by UID or ZNS) count against Zalo's per-user promotion limits (§7.6). */
export const isTemplatePromotion = (h: SentFact) => (h.channel === "zns" || h.channel === "template_uid") && h.znsTag === 3;

function templatePromotionAllowed(history: SentFact[], now: number, rules: WarmingRules) {
  const promos = history.filter(isTemplatePromotion);
  const today = promos.filter((h) => now - h.sentAt < DAY).length;
  const month = promos.filter((h) => now - h.sentAt < 30 * DAY).length;
  return today < rules.zalo.znsPromotionPerUserPerDay && month < rules.zalo.znsPromotionPerUserPerMonth;
}

/**
 * When a rolling-window cap of `max` per `windowMs` frees a slot again (the oldest counted send leaving
 * the window), or null when it is not full.
 */
export function capFreesAt(sent: number[], max: number, windowMs: number, now: number): number | null {
  const inWindow = sent.filter((t) => now - t < windowMs).sort((a, b) => a - b);
  if (inWindow.length < max) return null;
  return inWindow[inWindow.length - max]! + windowMs;
}

/** Hold until `until` if the message is still worth sending then; otherwise it expires. */
function holdOrExpire(m: PolicyMessage, until: number, reason: Reason): Decision {
  if (m.expiresAt !== null && until >= m.expiresAt) return { action: "expire", reason };
  return { action: "hold", until, reason };
}

export function decide(
  c: PolicyCustomer,
  m: PolicyMessage,
  now: number,
  rules: WarmingRules,
  history: SentFact[],
  quota: Quota = { zns: null, uid: null },
): Decision {
  if (m.expiresAt !== null && now >= m.expiresAt) return { action: "expire", reason: "EXPIRED" };
  const transactional = m.category === "transactional";

  // 1. consent
  if (!transactional && c.everUnfollowed && !c.followsOa) return { action: "suppress", reason: "UNFOLLOWED" };

  // 2. Zalo's rules: which channel can carry it at all, and when
  const options = channelOptions(c, m, now, rules, history, quota);
  const usable = options.find((o) => o.ok);
  if (!usable) {
    // Name the reason closest to sending: a full quota or a Zalo limit says more than "no phone".
    const reason = options.length === 0 ? "NO_CHANNEL" : REASON_RANK.find((r) => options.some((o) => o.reason === r))!;
    if (reason === "QUOTA_EXHAUSTED") return holdOrExpire(m, nextLocalTime(now, rules.timeZone, "00:00"), reason);
    return { action: "suppress", reason, detail: options.map((o) => `${o.channel}:${o.reason}`).join(",") || undefined };
  }
  if (isPromotionClass(m) && !inLocalWindow(now, rules.timeZone, rules.zalo.promotionHours)) {
    return holdOrExpire(m, nextLocalTime(now, rules.timeZone, rules.zalo.promotionHours.start), "PROMOTION_HOURS");
  }

  // 3. the customer's preferences
  if (!transactional) {
    if (c.prefs.mutedCategories.includes(m.category)) return { action: "suppress", reason: "MUTED_BY_CUSTOMER" };
    if (m.category === "promotion" && c.prefs.pausedUntil !== null && now < c.prefs.pausedUntil) return { action: "suppress", reason: "PAUSED_BY_CUSTOMER" };
    if (m.category === "promotion" && c.prefs.offersPerWeek !== null) {
      if (c.prefs.offersPerWeek === 0) return { action: "suppress", reason: "CUSTOMER_WEEKLY_LIMIT" };
      const frees = capFreesAt(
        history.filter((h) => h.category === "promotion").map((h) => h.sentAt),
        c.prefs.offersPerWeek,
        7 * DAY,
        now,
      );
      if (frees !== null) return holdOrExpire(m, frees, "CUSTOMER_WEEKLY_LIMIT");
    }
  }

  // 4. quiet hours: hold, don't drop
  if (!transactional && rules.quietHours && inLocalWindow(now, rules.timeZone, rules.quietHours)) {
    return holdOrExpire(m, nextLocalTime(now, rules.timeZone, rules.quietHours.end), "QUIET_HOURS");
  }

  // 5. the business's caps: transactional messages are never capped and use up no slot (an order
  // confirmation must not hold the next broadcast)
  if (!transactional) {
    let latest: number | null = null;
    for (const cap of rules.caps) {
      if (cap.category !== "any" && cap.category !== m.category) continue;
      if (cap.channel !== "any" && cap.channel !== usable.channel) continue;
      // A cap counts only what it names; "any" names every capped category, never transactional.
      const counted = history.filter(
        (h) =>
          h.category !== "transactional" && (cap.category === "any" || h.category === cap.category) && (cap.channel === "any" || h.channel === cap.channel),
      );
      const frees = capFreesAt(
        counted.map((h) => h.sentAt),
        cap.max,
        cap.windowHours * HOUR,
        now,
      );
      if (frees !== null) latest = Math.max(latest ?? 0, frees);
    }
    if (latest !== null) return holdOrExpire(m, latest, "CAP_REACHED");
  }

  // 6. fatigue: an unfollow blamed on our messages tightens promotions for a while
  if (m.category === "promotion" && c.fatigueUntil !== null && now < c.fatigueUntil) {
    if (rules.fatigue.maxPromotions === 0) return { action: "suppress", reason: "FATIGUE" };
    const frees = capFreesAt(
      history.filter((h) => h.category === "promotion").map((h) => h.sentAt),
      rules.fatigue.maxPromotions,
      rules.fatigue.windowHours * HOUR,
      now,
    );
    if (frees !== null) return holdOrExpire(m, Math.min(frees, c.fatigueUntil), "FATIGUE");
  }

  return { action: "send", channel: usable.channel, free: usable.free };
}

/**
 * Several messages competing for one person's slots: highest priority first (then oldest), each decided
 * against the history including the ones before it. The dispatcher claims in the same order.
 */
export function allocate<M extends PolicyMessage & { id: string | number }>(
  c: PolicyCustomer,
  messages: M[],
  now: number,
  rules: WarmingRules,
  history: SentFact[],
  quota?: Quota,
) {
  const ordered = [...messages].sort((a, b) => b.priority - a.priority || String(a.id).localeCompare(String(b.id), undefined, { numeric: true }));
  const h = [...history];
  return ordered.map((m) => {
    const d = decide(c, m, now, rules, h, quota);
    if (d.action === "send") h.push({ category: m.category, channel: d.channel, sentAt: now, znsTag: d.channel !== "cs" ? (m.template?.tag ?? null) : null });
    return { message: m, decision: d };
  });
}

/** "You will get at most N offers a week": the tightest of the customer's own limit and the shop's caps. */
export function maxOffersPerWeek(
  rules: WarmingRules,
  prefs: { offersPerWeek: number | null; mutedCategories: string[]; pausedUntil: number | null },
  now: number,
): number | null {
  if (prefs.mutedCategories.includes("promotion")) return 0;
  if (prefs.pausedUntil !== null && prefs.pausedUntil > now + 7 * DAY) return 0;
  let n = prefs.offersPerWeek ?? Infinity;
  for (const cap of rules.caps) {
    if (cap.category === "care") continue;
    n = Math.min(n, Math.ceil((7 * 24) / cap.windowHours) * cap.max);
  }
  return Number.isFinite(n) ? n : null; // null: no limit at all
}

// ---- ZNS templates (§7.4): params checked before a message is queued ----

export const TemplateParam = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      // Said in Vietnamese (as the stores' schema does): the console shows it by the param's name.
      .regex(/^[a-zA-Z0-9_]+$/, { message: "chỉ gồm chữ không dấu, số và dấu _" }),
    type: z.enum(["STRING", "NUMBER", "DATE", "PHONE", "EMAIL", "URL", "TRANSACTION", "CODE"]).default("STRING"),
    maxLength: z.number().int().min(1).max(2000),
    require: z.boolean().default(true),
  })
  .strict();
export type TemplateParam = z.infer<typeof TemplateParam>;

export const ZnsTemplateInput = z
  .object({
    id: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(120),
    tag: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    params: z.array(TemplateParam).max(30),
    uid: z.boolean().default(true),
  })
  .strict();
export type ZnsTemplateInput = z.infer<typeof ZnsTemplateInput>;

const ZnsTag = z.union([z.literal(1), z.literal(2), z.literal(3)]);
/** Zalo's review status of a template (§7.3); only ENABLE can be sent. */
export const ZnsTemplateStatus = z.enum(["ENABLE", "PENDING_REVIEW", "REJECT", "DISABLE", "DELETE"]);
export type ZnsTemplateStatus = z.infer<typeof ZnsTemplateStatus>;

/** Import by id: the server reads the template's detail from Zalo (params, tag, status, price). */
export const ZnsTemplateImport = z
  .object({
    templateId: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .refine((v) => /^[A-Za-z0-9_-]+$/.test(v), { message: "a Zalo template id is letters and digits", params: { vi: "mã mẫu chỉ gồm chữ và số" } }),
    /** The shop's own name for it; Zalo's name when left out. */
    label: z.string().trim().min(1).max(120).optional(),
    /** Only when Zalo's tag cannot be read (TEMPLATE_TAG_UNKNOWN). */
    tag: ZnsTag.optional(),
    uid: z.boolean().default(true),
  })
  .strict();
export type ZnsTemplateImport = z.infer<typeof ZnsTemplateImport>;

/** The local label, and switching the template off or on here (Zalo's status is read, never written). */
export const ZnsTemplatePatch = z
  .object({ label: z.string().trim().min(1).max(120).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((p) => p.label !== undefined || p.disabled !== undefined, {
    message: "send a label or disabled",
    params: { vi: "cần đổi tên hoặc bật/tắt mẫu" },
  });
export type ZnsTemplatePatch = z.infer<typeof ZnsTemplatePatch>;

export const ZnsTemplateView = z.object({
  id: z.string(),
  /** The shop's label. */
  name: z.string(),
  zaloName: z.string().nullable(),
  tag: z.number(),
  uid: z.boolean(),
  params: z.array(TemplateParam),
  zaloStatus: ZnsTemplateStatus,
  disabled: z.boolean(),
  /** ENABLE at Zalo and not switched off here. */
  usable: z.boolean(),
  priceVnd: z.number().nullable(),
  syncedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ZnsTemplateView = z.infer<typeof ZnsTemplateView>;

export type TemplateProblem = { param: string; code: "MISSING" | "TOO_LONG" | "UNKNOWN" | "BAD_FORMAT"; message: string };

/** Zalo's date layouts for a time/date param (§7.4): hh:mm[:ss], optionally before dd/mm/yyyy; dd/mm/yyyy; mm/yyyy. */
const CLOCK_TIME = "([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?";
const CAL_DAY = "(0[1-9]|[12]\\d|3[01])/(0[1-9]|1[0-2])/\\d{4}";
const DATE_RE = new RegExp(`^(${CLOCK_TIME}|${CLOCK_TIME} ${CAL_DAY}|${CAL_DAY}|(0[1-9]|1[0-2])/\\d{4})$`);

/**
 * What Zalo answers -1124 for, per param type (§7.4). NUMBER: a positive integer (currency, quantity); PHONE: a
 * phone number, digits with an optional leading +; CODE: one token (a voucher or order code) with no spaces;
 * EMAIL and URL: their usual forms (URL: http or https). The exact checks Zalo runs are [INFERRED] from the type
 * table; STRING and TRANSACTION are free text.
 */
export function formatProblem(type: TemplateParam["type"], v: string): string | null {
  switch (type) {
    case "NUMBER":
      return /^\d+$/.test(v) ? null : "must be digits only";
    case "DATE":
      return DATE_RE.test(v) ? null : "must be a date such as 25/12/2026, 12/2026 or 18:30 25/12/2026";
    case "PHONE":
      return /^\+?\d{8,15}$/.test(v) ? null : "must be a phone number (digits only)";
    case "EMAIL":
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : "must be an email address";
    case "URL":
      return /^https?:\/\/[^\s/]+\.[^\s]+$/i.test(v) ? null : "must be a link starting with https://";
    case "CODE":
      return /^[A-Za-z0-9_\-.#/]+$/.test(v) ? null : "must be one code without spaces or accents";
    default:
      return null;
  }
}

/** Checks template data the way Zalo will (-1122 missing, -1121 too long, -1124 format), lengths in NFC. */
export function validateTemplateData(params: TemplateParam[], data: Record<string, string>): { data: Record<string, string>; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const out: Record<string, string> = {};
  const known = new Set(params.map((p) => p.name));
  for (const key of Object.keys(data))
    if (!known.has(key)) problems.push({ param: key, code: "UNKNOWN", message: `${key} is not a parameter of this template` });
  for (const p of params) {
    const raw = data[p.name];
    if (raw === undefined || raw === "") {
      if (p.require) problems.push({ param: p.name, code: "MISSING", message: `${p.name} is required` });
      continue;
    }
    const v = String(raw).normalize("NFC");
    if ([...v].length > p.maxLength) problems.push({ param: p.name, code: "TOO_LONG", message: `${p.name} is longer than ${p.maxLength} characters` });
    const bad = formatProblem(p.type, v);
    if (bad) problems.push({ param: p.name, code: "BAD_FORMAT", message: `${p.name} ${bad}` });
    out[p.name] = v;
  }
  return { data: out, problems };
}

/** Zalo's ZNS/OA error codes → a reason an admin can read (§5.8, §7.5). */
export const ZALO_ERROR_TEXT: Record<number, string> = {
  [-32]: "Zalo rate limit reached",
  [-108]: "Phone number invalid",
  [-109]: "Template id invalid",
  [-111]: "Template data empty",
  [-112]: "Template data invalid",
  [-114]: "Recipient inactive, refused, or on an old Zalo app",
  [-115]: "Out of ZNS quota or balance",
  [-117]: "No permission for this template",
  [-118]: "This phone number has no Zalo account",
  [-119]: "This account cannot receive messages",
  [-124]: "OA access token invalid",
  [-131]: "Template not approved",
  [-133]: "Cannot send this template at night",
  [-137]: "Zalo Cloud Account could not be charged",
  [-147]: "This template reached its daily limit",
  [-139]: "Recipient refused this kind of message",
  [-141]: "Recipient refused messages from this OA",
  [-144]: "Daily ZNS quota exhausted",
  [-1121]: "A parameter is too long",
  [-1122]: "A parameter is missing",
  [-1124]: "A parameter has the wrong format",
  [-1441]: "Monthly promotion quota exhausted",
  [-1472]: "Recipient already got a promotion today",
  [-201]: "A field is invalid",
  [-213]: "Recipient does not follow the OA",
  [-216]: "OA access token invalid",
  [-220]: "OA access token expired",
  [-227]: "Recipient inactive on Zalo for over 45 days",
  [-230]: "Recipient has not interacted with the OA in 7 days",
  [-234]: "Cannot send promotions at night",
  [-244]: "Recipient restricted this message type",
  [-249]: "This template cannot be sent by user id",
  [-320]: "The app must be connected to a Zalo Cloud Account",
  [-321]: "Zalo Cloud Account is out of money",
};
export const zaloErrorText = (code: number | null | undefined) => (code == null ? null : (ZALO_ERROR_TEXT[code] ?? `Zalo error ${code}`));

// ---- bodies of the messaging API ----

export const MessageContent = z
  .object({
    text: z.string().trim().min(1).max(2000).optional(),
    /** An image sent with the text by CS (OA "media" message, §5.2); https only. */
    imageUrl: z.string().url().startsWith("https://").max(500).optional(),
    template: z
      .object({ id: z.string().min(1).max(64), data: z.record(z.string(), z.string().max(2000)) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => c.text || c.imageUrl || c.template, {
    message: "give a text, an image, a template, or several",
    params: { vi: "cần có nội dung: chữ, ảnh, mẫu tin, hoặc nhiều thứ cùng lúc" },
  });
export type MessageContent = z.infer<typeof MessageContent>;

export const Audience = z
  .object({
    /** Followers only (default) or everyone we can reach (ZNS by phone included). */
    followersOnly: z.boolean().default(true),
    tiers: z.array(z.string().min(1).max(20)).max(10).optional(),
    storeIds: z.array(z.string().min(1).max(64)).max(100).optional(),
    pointsMin: z.number().int().min(0).optional(),
    pointsMax: z.number().int().min(0).optional(),
    /** Last visit (any ledger entry) at least / at most this many days ago. */
    lastVisitMinDays: z.number().int().min(0).max(3650).optional(),
    lastVisitMaxDays: z.number().int().min(0).max(3650).optional(),
    /** Last completed order at least / at most this many days ago. */
    lastOrderMinDays: z.number().int().min(0).max(3650).optional(),
    lastOrderMaxDays: z.number().int().min(0).max(3650).optional(),
    gamePlayers: z.boolean().optional(),
    /** People carrying any of these tags. */
    tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20).optional(),
    /** A saved segment instead of the filters above (followersOnly still applies): its rules as of the broadcast's creation. */
    segmentId: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((a) => a.segmentId === undefined || Object.keys(a).every((k) => k === "segmentId" || k === "followersOnly"), {
    message: "use a saved segment or inline filters, not both",
    path: ["segmentId"],
    params: { vi: "chọn một phân khúc đã lưu hoặc lọc trực tiếp, không dùng cả hai" },
  });
export type Audience = z.infer<typeof Audience>;

export const BroadcastInput = z
  .object({
    name: z.string().trim().min(2).max(120),
    category: z.enum(["care", "promotion"]),
    content: MessageContent,
    audience: Audience,
    scheduledAt: z.string().datetime({ offset: true }).nullable().default(null),
    /** A held promotion older than this is dropped rather than sent late. */
    expiresAt: z.string().datetime({ offset: true }).nullable().default(null),
    breakerRate: z.number().min(0.001).max(1).default(0.02),
    breakerMinSent: z.number().int().min(10).max(1_000_000).default(200),
  })
  .strict();
export type BroadcastInput = z.infer<typeof BroadcastInput>;
