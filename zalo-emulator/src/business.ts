import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { header, type Ctx } from "./context";
import { ZaloCode, zaloError, zaloOk } from "./errors";
import { checkOaToken, hexId, normalizePhone, userByPhone, vnDay, vnHour, type EmulatorState, type MessageRecord, type Template, type User } from "./state";
import { events } from "./webhooks";

export type Failure = { error: number; message: string };

/**
 * Checks template_data against the template's registered params (§7.1, §7.4): keys must match, required
 * values must be present (-1122), lengths are counted on NFC-normalised text (-1121).
 */
export function validateTemplateData(t: Template, data: unknown): Failure | null {
  if (data === undefined || data === null) return { error: ZaloCode.TEMPLATE_DATA_EMPTY, message: "Template data is empty" };
  if (typeof data !== "object" || Array.isArray(data)) return { error: ZaloCode.TEMPLATE_DATA_INVALID, message: "Template data is invalid" };
  const values = data as Record<string, unknown>;
  const known = new Set(t.params.map((p) => p.name));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) return { error: ZaloCode.TEMPLATE_DATA_INVALID, message: `Template data is invalid: unknown param ${key}` };
  }
  for (const p of t.params) {
    const v = values[p.name];
    if (v === undefined || v === null || v === "") {
      if (p.require) return { error: ZaloCode.PARAM_MISSING, message: `Missing param ${p.name}` };
      continue;
    }
    if (typeof v !== "string" && typeof v !== "number") return { error: ZaloCode.TEMPLATE_DATA_INVALID, message: `Param ${p.name} must be a string` };
    const len = [...String(v).normalize("NFC")].length;
    if (len > p.maxLength) return { error: ZaloCode.PARAM_TOO_LONG, message: `Param ${p.name} exceeds max length ${p.maxLength}` };
    const format = FORMATS[p.type.toUpperCase()];
    if (format && !format.test(String(v))) return { error: ZaloCode.PARAM_FORMAT_INVALID, message: `Param ${p.name} has an invalid ${p.type} format` };
  }
  return null;
}

// §7.4: the layouts Zalo accepts per param type, else -1124. Dates: hh:mm[:ss], hh:mm[:ss] dd/mm/yyyy,
// dd/mm/yyyy, mm/yyyy. The other checks are [INFERRED] from the type names.
const T = "([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?";
const D = "(0[1-9]|[12]\\d|3[01])/(0[1-9]|1[0-2])/\\d{4}";
const FORMATS: Record<string, RegExp> = {
  NUMBER: /^\d+$/,
  DATE: new RegExp(`^(${T}|${T} ${D}|${D}|(0[1-9]|1[0-2])/\\d{4})$`),
  PHONE: /^\+?\d{8,15}$/,
  EMAIL: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  URL: /^https?:\/\/\S+$/i,
  CODE: /^\S+$/,
};

/** Whether a template of this tag may go out at `now` (§7.6: per-tag windows, UTC+7, configurable). */
export function inSendHours(state: EmulatorState, tag: 1 | 2 | 3, now: number): boolean {
  const w = state.config.nightWindows[String(tag) as "1" | "2" | "3"];
  if (!w) return true;
  const h = vnHour(now);
  return w.fromHour <= w.toHour ? h >= w.fromHour && h < w.toHour : h >= w.fromHour || h < w.toHour;
}

export const quotaUsed = (state: EmulatorState, now: number) => state.znsSentByDay.get(vnDay(now)) ?? 0;
export const quotaRemaining = (state: EmulatorState, now: number) => Math.max(0, state.config.dailyQuota - quotaUsed(state, now));
export function countSend(state: EmulatorState, now: number) {
  state.znsSentByDay.set(vnDay(now), quotaUsed(state, now) + 1);
}
/** Per-user promotion counters: one person, whether reached by phone (ZNS) or by UID (§7.6). */
export const promoKeys = (appUserId: string, now: number) => ({ day: `${appUserId}|${vnDay(now)}`, month: `${appUserId}|${vnDay(now).slice(0, 7)}` });

/**
 * The checks every paid template send passes, by phone or by UID: the template's own daily limit (-147), the
 * per-user promotion limits of tag 3 (-1472 a day, -1441 a month), and the Zalo Cloud Account's balance (-321).
 * Development mode uses its own wallet and counts against none of them.
 */
export function templateSendRefusal(state: EmulatorState, t: Template, user: User, now: number, dev: boolean): Failure | null {
  if (dev) return null;
  if (t.dailyLimit !== null && (state.templateSentByDay.get(`${t.id}|${vnDay(now)}`) ?? 0) >= t.dailyLimit)
    return { error: ZaloCode.TEMPLATE_DAILY_LIMIT, message: "Template reached its daily limit" };
  if (t.tag === 3) {
    const pk = promoKeys(user.appUserId, now);
    if ((state.promotionsByUser.get(pk.day) ?? 0) >= state.config.promotionDailyPerUser)
      return { error: ZaloCode.PROMOTION_DAILY_PER_USER, message: "User reached the daily promotion limit" };
    if ((state.promotionsByUser.get(pk.month) ?? 0) >= state.config.promotionMonthlyPerUser)
      return { error: ZaloCode.PROMOTION_MONTHLY_PER_USER, message: "User reached the monthly promotion limit" };
  }
  if (state.config.zcaBalance !== null && state.config.zcaBalance < t.price)
    return { error: ZaloCode.ZCA_OUT_OF_MONEY, message: "Zalo Cloud Account is out of money" };
  return null;
}

/** Counts a paid template send against the limits above and charges the account. */
export function recordTemplateSend(state: EmulatorState, t: Template, user: User, now: number, dev: boolean) {
  if (dev) return;
  const key = `${t.id}|${vnDay(now)}`;
  state.templateSentByDay.set(key, (state.templateSentByDay.get(key) ?? 0) + 1);
  if (t.tag === 3) {
    const pk = promoKeys(user.appUserId, now);
    state.promotionsByUser.set(pk.day, (state.promotionsByUser.get(pk.day) ?? 0) + 1);
    state.promotionsByUser.set(pk.month, (state.promotionsByUser.get(pk.month) ?? 0) + 1);
  }
  if (state.config.zcaBalance !== null) state.config.zcaBalance -= t.price;
}

/** Status number used by /template/all (§7.3): 1 Enable, 2 Pending review, 3 Reject, 4 Disable. */
const STATUS_NUMBER: Record<string, number> = { ENABLE: 1, PENDING_REVIEW: 2, REJECT: 3, DISABLE: 4, DELETE: 5 };
// §7.3 gives no literal for `templateTag`; these names are [UNCONFIRMED].
const TAG_NAME = { 1: "TRANSACTION", 2: "CUSTOMER_CARE", 3: "PROMOTION" } as const;

/** business.openapi.zalo.me (§7). Mounted under /business. An invalid or expired token is -124 here. */
export function registerBusiness(app: FastifyInstance, ctx: Ctx) {
  const { state, clock } = ctx;

  function authed(req: FastifyRequest, reply: FastifyReply): boolean {
    if (checkOaToken(state, clock.now(), header(req.headers, "access_token")) === "ok") return true;
    void zaloError(reply, ZaloCode.ZNS_TOKEN_INVALID, "Access token is invalid");
    return false;
  }

  app.post("/business/message/template", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const now = clock.now();
    if (req.body === undefined || req.body === null) return zaloError(reply, ZaloCode.BODY_EMPTY, "Body is empty");
    if (typeof req.body !== "object") return zaloError(reply, ZaloCode.BODY_NOT_JSON, "Body is not JSON");
    const b = req.body as Record<string, unknown>;

    const phone = normalizePhone(b.phone);
    if (!phone) return zaloError(reply, ZaloCode.PHONE_INVALID, "Phone number is invalid");
    const t = state.templates.get(String(b.template_id ?? ""));
    if (!t || t.status === "DELETE") return zaloError(reply, ZaloCode.TEMPLATE_ID_INVALID, "Template ID is invalid");
    if (t.status !== "ENABLE") return zaloError(reply, ZaloCode.TEMPLATE_NOT_APPROVED, "Template is not approved");
    const bad = validateTemplateData(t, b.template_data);
    if (bad) return zaloError(reply, bad.error, bad.message);
    const trackingId = b.tracking_id === undefined || b.tracking_id === null ? null : String(b.tracking_id);
    if (trackingId !== null && trackingId.length > 48) return zaloError(reply, ZaloCode.PARAMETER_INVALID, "tracking_id exceeds 48 characters");

    const user = userByPhone(state, phone);
    if (!user) return zaloError(reply, ZaloCode.ZALO_ACCOUNT_NOT_EXIST, "Zalo account not existed");
    const dev = b.mode === "development";
    // §7.6: development mode delivers only to app/OA admins, from a separate wallet (no daily quota).
    if (dev && !user.isAdmin) return zaloError(reply, ZaloCode.DEV_MODE_ADMIN_ONLY, "Template in development mode can only be sent to admins");
    if (!inSendHours(state, t.tag, now)) return zaloError(reply, ZaloCode.NIGHT_NOT_ALLOWED, "Cannot send ZNS at night (22:00-06:00)");
    if (!dev && quotaRemaining(state, now) <= 0) return zaloError(reply, ZaloCode.DAILY_QUOTA_EXCEEDED, "OA exceeded the daily ZNS quota");
    const refusal = templateSendRefusal(state, t, user, now, dev);
    if (refusal) return zaloError(reply, refusal.error, refusal.message);

    if (!dev) countSend(state, now);
    recordTemplateSend(state, t, user, now, dev);
    // Zalo is not idempotent on tracking_id: a duplicate is a second message, recorded as such.
    const msg: MessageRecord = {
      channel: "zns",
      msgId: hexId(),
      recipient: { appUserId: user.appUserId, oaUserId: user.oaUserId, phone },
      templateId: t.id,
      data: b.template_data,
      trackingId,
      mode: dev ? "development" : null,
      sentAt: now,
      deliveredAt: null,
      seenAt: null,
    };
    state.messages.push(msg);
    scheduleReceipt(ctx, msg);

    // §7.1: numbers as strings here (but numbers in /message/quota).
    return zaloOk(reply, {
      msg_id: msg.msgId,
      sent_time: String(now),
      sending_mode: "1",
      quota: { dailyQuota: String(state.config.dailyQuota), remainingQuota: String(quotaRemaining(state, now)) },
    });
  });

  app.get("/business/message/quota", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const now = clock.now();
    return zaloOk(reply, {
      dailyQuota: state.config.dailyQuota,
      remainingQuota: quotaRemaining(state, now),
      dailyQuotaPromotion: null,
      remainingQuotaPromotion: null,
      monthlyPromotionQuota: null,
      remainingMonthlyPromotionQuota: null,
      estimatedNextMonthPromotionQuota: null,
    });
  });

  app.get("/business/message/status", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const id = (req.query as Record<string, string | undefined>).message_id;
    const msg = state.messages.find((m) => m.channel === "zns" && m.msgId === id);
    if (!msg) return zaloOk(reply, { delivery_time: null, message: "Message does not exist", status: -1 });
    if (msg.deliveredAt === null) return zaloOk(reply, { delivery_time: null, message: "Message was pushed but not delivered", status: 0 });
    return zaloOk(reply, { delivery_time: String(msg.deliveredAt), message: "Message was delivered", status: 1 });
  });

  app.get("/business/template/info/v2", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const t = state.templates.get(String((req.query as Record<string, unknown>).template_id ?? ""));
    if (!t) return zaloError(reply, ZaloCode.TEMPLATE_ID_INVALID, "Template ID is invalid");
    return zaloOk(reply, {
      templateId: t.id,
      templateName: t.name,
      status: t.status,
      listParams: t.params.map((p) => ({ name: p.name, require: p.require, type: p.type, maxLength: p.maxLength, minLength: 0, acceptNull: !p.require })),
      listButtons: [],
      timeout: 7_200_000,
      previewUrl: `https://account.zalo.cloud/znspreview/${t.id}`,
      templateQuality: "HIGH",
      templateTag: TAG_NAME[t.tag],
      price: String(t.price),
      price_sdt: String(t.price),
      price_uid: String(t.price),
    });
  });

  app.get("/business/template/all", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const q = req.query as Record<string, string | undefined>;
    const offset = Math.max(0, Number(q.offset ?? 0) || 0);
    const limit = Math.min(100, Math.max(1, Number(q.limit ?? 100) || 100));
    let list = [...state.templates.values()].filter((t) => t.status !== "DELETE");
    if (q.status) list = list.filter((t) => STATUS_NUMBER[t.status] === Number(q.status));
    const page = list.slice(offset, offset + limit).map((t) => ({
      templateId: t.id,
      templateName: t.name,
      createdTime: t.createdAt,
      status: STATUS_NUMBER[t.status],
      templateQuality: "HIGH",
    }));
    return zaloOk(reply, page, { metadata: { total: list.length } });
  });
}

/** §7.7: the delivery receipt webhook (ZNS header, tracking_id echoed), sent after the answer. */
function scheduleReceipt(ctx: Ctx, msg: MessageRecord) {
  const delay = ctx.state.config.znsReceiptDelayMs;
  if (delay === null) return;
  ctx.webhooks.later(delay, () => {
    const now = ctx.clock.now();
    msg.deliveredAt = now;
    const { appId, oaId } = ctx.state.config;
    void ctx.webhooks.send(
      events.znsReceived({ appId, oaId, phone: msg.recipient.phone!, msgId: msg.msgId, deliveryTime: now, trackingId: msg.trackingId, now }),
      { "X-ZEvent-Server": "ZNS" },
    );
  });
}
