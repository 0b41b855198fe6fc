import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { header, type Ctx } from "./context";
import { ZaloCode, zaloError, zaloOk } from "./errors";
import { countSend, inSendHours, quotaRemaining, promoKeys, recordTemplateSend, templateSendRefusal, validateTemplateData } from "./business";
import { csAttachmentProblem } from "./uploads";
import { checkOaToken, CS_WINDOW_MS, hexId, userByOaId, VN_OFFSET_MS, type User } from "./state";

const CS_TEXT_MAX = 2000; // §5.2

/** openapi.zalo.me (§5). Mounted under /openapi. */
export function registerOpenapi(app: FastifyInstance, ctx: Ctx) {
  const { state, clock } = ctx;

  // §4: -216 for an unknown token, -220 once it has expired.
  function authed(req: FastifyRequest, reply: FastifyReply): boolean {
    const r = checkOaToken(state, clock.now(), header(req.headers, "access_token"));
    if (r === "ok") return true;
    if (r === "expired") void zaloError(reply, ZaloCode.OA_TOKEN_EXPIRED, "access_token is expired or removed");
    else void zaloError(reply, ZaloCode.OA_TOKEN_INVALID, "Access token is invalid");
    return false;
  }

  // §5.6: CS reaches only users who interacted within 7 days; one who never followed nor interacted: -213.
  function csReachable(u: User, now: number): { error: number; message: string } | null {
    if (u.lastInteractionAt === null) {
      return u.follower
        ? { error: ZaloCode.NO_INTERACTION_7D, message: "User has not interacted with the OA in the last 7 days" }
        : { error: ZaloCode.USER_NOT_FOLLOWER, message: "User has not followed the OA" };
    }
    if (now - u.lastInteractionAt >= CS_WINDOW_MS)
      return { error: ZaloCode.NO_INTERACTION_7D, message: "User has not interacted with the OA in the last 7 days" };
    return null;
  }

  app.post("/openapi/v3.0/oa/message/cs", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const now = clock.now();
    const b = (req.body ?? {}) as { recipient?: { user_id?: unknown }; message?: { text?: unknown; attachment?: unknown } };
    const user = userByOaId(state, b.recipient?.user_id);
    if (!user) return zaloError(reply, ZaloCode.FIELD_INVALID, "user_id is invalid!");
    const m = b.message;
    if (!m || typeof m !== "object" || (m.text === undefined && m.attachment === undefined))
      return zaloError(reply, ZaloCode.FIELD_INVALID, "message is invalid!");
    if (m.text !== undefined && (typeof m.text !== "string" || [...m.text].length > CS_TEXT_MAX)) {
      return zaloError(reply, ZaloCode.FIELD_INVALID, `text is invalid! (at most ${CS_TEXT_MAX} characters)`);
    }
    if (m.attachment !== undefined) {
      const bad = csAttachmentProblem(state, now, m.attachment);
      if (bad) return zaloError(reply, bad.error, bad.message);
    }
    const blocked = csReachable(user, now);
    if (blocked) return zaloError(reply, blocked.error, blocked.message);
    // §6.2: the answer to a request for user info comes back as `user_submit_info` (the control API plays it).
    if ((m.attachment as { payload?: { template_type?: unknown } } | undefined)?.payload?.template_type === "request_user_info")
      state.infoRequested.add(user.oaUserId);
    const msgId = hexId();
    state.messages.push({
      channel: "cs",
      msgId,
      recipient: { appUserId: user.appUserId, oaUserId: user.oaUserId, phone: user.phone },
      templateId: null,
      data: m,
      trackingId: null,
      mode: null,
      sentAt: now,
      deliveredAt: null,
      seenAt: null,
    });
    return zaloOk(reply, { message_id: msgId, user_id: user.oaUserId });
  });

  // §5.3: template by UID. No tracking_id on this channel.
  app.post("/openapi/v3.0/oa/message/template", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const now = clock.now();
    const b = (req.body ?? {}) as Record<string, unknown>;
    const user = userByOaId(state, b.user_id);
    if (!user) return zaloError(reply, ZaloCode.FIELD_INVALID, "user_id is invalid!");
    const t = state.templates.get(String(b.template_id ?? ""));
    if (!t || t.status === "DELETE") return zaloError(reply, ZaloCode.TEMPLATE_ID_INVALID, "Template ID is invalid");
    if (t.status !== "ENABLE") return zaloError(reply, ZaloCode.TEMPLATE_NOT_APPROVED, "Template is not approved");
    if (!t.uidSupported) return zaloError(reply, ZaloCode.TEMPLATE_NOT_UID, "Template does not support send via UID");
    const bad = validateTemplateData(t, b.template_data);
    if (bad) return zaloError(reply, bad.error, bad.message);
    if (!user.follower && user.lastInteractionAt === null) return zaloError(reply, ZaloCode.USER_NOT_FOLLOWER, "User has not followed the OA");
    // §5.6: UID tag 1/2 are accepted 24/24; promotional sends only in the day window (-234).
    if (t.tag === 3 && !inSendHours(state, 3, now)) return zaloError(reply, ZaloCode.NIGHT_NOT_ALLOWED_OA, "Cannot send at night (22:00-06:00)");
    if (quotaRemaining(state, now) <= 0) return zaloError(reply, ZaloCode.DAILY_QUOTA_EXCEEDED, "Out of quota");
    // §7.6: per-user promotion limits, the template's daily limit and the account's balance apply by UID too.
    const refusal = templateSendRefusal(state, t, user, now, false);
    if (refusal) return zaloError(reply, refusal.error, refusal.message);
    countSend(state, now);
    recordTemplateSend(state, t, user, now, false);
    const msgId = hexId();
    state.messages.push({
      channel: "template_uid",
      msgId,
      recipient: { appUserId: user.appUserId, oaUserId: user.oaUserId, phone: user.phone },
      templateId: t.id,
      data: b.template_data,
      trackingId: null,
      mode: null,
      sentAt: now,
      deliveredAt: null,
      seenAt: null,
    });
    return zaloOk(reply, {
      message_id: msgId,
      user_id: user.oaUserId,
      sent_time: String(now),
      quota: { quota_type: "reward_quota", remain: quotaRemaining(state, now) },
    });
  });

  // §5.1: GET parameters travel as one JSON-encoded `data` query parameter.
  function dataParam(req: FastifyRequest): Record<string, unknown> | null {
    const raw = (req.query as Record<string, unknown>).data;
    if (typeof raw !== "string") return null;
    try {
      const v = JSON.parse(raw);
      return v && typeof v === "object" ? v : null;
    } catch {
      return null;
    }
  }

  // §5.7 legacy v2 [SDK-SOURCE]: the OA's own profile. The doc names the id field `oaid`.
  app.get("/openapi/v2.0/oa/getoa", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    return zaloOk(reply, {
      oaid: state.config.oaId,
      name: state.config.oaName,
      description: "",
      is_verified: true,
      num_follower: [...state.users.values()].filter((u) => u.follower).length,
      package_name: "Gói Nâng cao",
      linked_ZCA: true,
    });
  });

  app.get("/openapi/v3.0/oa/user/detail", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const data = dataParam(req);
    if (!data) return zaloError(reply, ZaloCode.FIELD_INVALID, "data is invalid!");
    const user = userByOaId(state, data.user_id);
    if (!user) return zaloError(reply, ZaloCode.FIELD_INVALID, "user_id is invalid!");
    return zaloOk(reply, {
      user_id: user.oaUserId,
      user_id_by_app: user.appUserId,
      display_name: user.name,
      user_alias: "",
      is_sensitive: false,
      user_last_interaction_date: user.lastInteractionAt === null ? "" : ddmmyyyy(user.lastInteractionAt),
      user_is_follower: user.follower,
      avatar: user.avatar,
      avatars: { "120": user.avatar, "240": user.avatar },
      tags_and_notes_info: { tag_names: [], notes: [] },
    });
  });

  // §5.7 [THIRD-PARTY]: the follower list, at most 50 a page, offset at most 9951. Followers in a stable order
  // (oldest first, the order is not documented); `total` counts them all, `count` is this page's size.
  app.get("/openapi/v3.0/oa/user/getlist", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const data = dataParam(req);
    if (!data) return zaloError(reply, ZaloCode.FIELD_INVALID, "data is invalid!");
    const offset = Number(data.offset ?? 0);
    const count = Number(data.count ?? 50);
    if (!Number.isInteger(offset) || offset < 0 || offset > 9951) return zaloError(reply, ZaloCode.PARAM_EXCEEDS_LIMIT, "offset is invalid!");
    if (!Number.isInteger(count) || count < 1 || count > 50) return zaloError(reply, ZaloCode.PARAM_EXCEEDS_LIMIT, "count is invalid!");
    const followers = [...state.users.values()].filter((u) => u.follower);
    const users = followers.slice(offset, offset + count).map((u) => ({ user_id: u.oaUserId }));
    return zaloOk(reply, { total: followers.length, count: users.length, offset, users });
  });

  // §5.7 (paths [SDK-SOURCE], shape [THIRD-PARTY]): one user's conversation with the OA, both ways,
  // newest first (the order is not documented). Page size: the doc's example uses 10; we serve at most 10.
  app.get("/openapi/v2.0/oa/conversation", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const data = dataParam(req);
    if (!data) return zaloError(reply, ZaloCode.FIELD_INVALID, "data is invalid!");
    const user = userByOaId(state, data.user_id);
    if (!user) return zaloError(reply, ZaloCode.FIELD_INVALID, "user_id is invalid!");
    const offset = Number(data.offset ?? 0);
    const count = Number(data.count ?? 10);
    if (!Number.isInteger(offset) || offset < 0) return zaloError(reply, ZaloCode.FIELD_INVALID, "offset is invalid!");
    if (!Number.isInteger(count) || count < 1) return zaloError(reply, ZaloCode.FIELD_INVALID, "count is invalid!");
    const { oaId, conversationListsTemplates } = state.config;
    const items: { src: 0 | 1; time: number; type: string; message: string; message_id: string; from_id: string; to_id: string }[] = [];
    // Inbound first, then OA messages: after the reverse below, an OA reply sorts before the user message it answers.
    for (const m of state.inbound) {
      if (m.oaUserId === user.oaUserId)
        items.push({ src: 1, time: m.at, type: "text", message: m.text, message_id: m.msgId, from_id: user.oaUserId, to_id: oaId });
    }
    for (const m of state.messages) {
      if (m.recipient.oaUserId !== user.oaUserId || m.channel === "zns" || (m.channel === "template_uid" && !conversationListsTemplates)) continue;
      const body = (m.data ?? {}) as { text?: unknown; attachment?: unknown };
      const type = m.channel === "template_uid" ? "template" : body.attachment ? "photo" : "text";
      const message = m.channel === "template_uid" ? "" : typeof body.text === "string" ? body.text : "";
      items.push({ src: 0, time: m.sentAt, type, message, message_id: m.msgId, from_id: oaId, to_id: user.oaUserId });
    }
    // Newest first; equal times (a frozen clock) keep the later message first.
    items.reverse().sort((a, b) => b.time - a.time);
    return zaloOk(reply, items.slice(offset, offset + Math.min(count, 10)));
  });

  // §5.5 (current form).
  app.post("/openapi/v3.0/oa/quota/message", async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const now = clock.now();
    const b = (req.body ?? {}) as Record<string, unknown>;
    const user = userByOaId(state, b.user_id);
    if (!user) return zaloError(reply, ZaloCode.FIELD_INVALID, "user_id is invalid!");
    const inWindow = user.lastInteractionAt !== null && now - user.lastInteractionAt < CS_WINDOW_MS;
    const { dailyTotal, monthlyTotal } = { dailyTotal: state.config.promotionDailyPerUser, monthlyTotal: state.config.promotionMonthlyPerUser };
    const pk = promoKeys(user.appUserId, now);
    const usedDay = state.promotionsByUser.get(pk.day) ?? 0;
    const usedMonth = state.promotionsByUser.get(pk.month) ?? 0;
    return zaloOk(reply, {
      last_interaction: user.lastInteractionAt === null ? "" : String(user.lastInteractionAt),
      // "8 free per 48 h" is gone since 2026-01-01 (§5.6); we show 8/8 inside the window, 0 outside. [UNCONFIRMED]
      cs_reply: { remain: inWindow ? 8 : 0, total: 8 },
      promotion: {
        daily_remain: Math.max(0, dailyTotal - usedDay),
        daily_total: dailyTotal,
        monthly_remain: Math.max(0, monthlyTotal - usedMonth),
        monthly_total: monthlyTotal,
      },
    });
  });

  // §1.8, §5.4: discontinued 2026-03-01.
  for (const kind of ["transaction", "promotion"]) {
    app.post(`/openapi/v3.0/oa/message/${kind}`, async (req, reply) => {
      if (!authed(req, reply)) return reply;
      return zaloError(reply, ZaloCode.API_NOT_SUPPORTED, `Not supported this api: /v3.0/oa/message/${kind} was discontinued on 2026-03-01`);
    });
  }
}

function ddmmyyyy(ms: number) {
  const d = new Date(ms + VN_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}
