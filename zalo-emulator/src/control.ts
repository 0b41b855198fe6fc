import type { FastifyInstance, FastifyReply } from "fastify";
import type { Ctx } from "./context";
import { quotaRemaining } from "./business";
import {
  AUTH_CODE_TTL_MS,
  createUser,
  hexId,
  issuePhoneToken,
  issueUserToken,
  normalizePhone,
  opaqueToken,
  PERSONAS,
  type PersonaKey,
  type Template,
  type TemplateParam,
  type User,
} from "./state";
import { events } from "./webhooks";

// §7.4: default max length per numeric param type.
const TYPE_MAX: Record<string, number> = {
  "1": 30,
  "2": 15,
  "3": 200,
  "4": 30,
  "5": 30,
  "6": 30,
  "7": 50,
  "8": 5,
  "9": 200,
  "10": 20,
  "11": 20,
  "12": 10,
  "13": 200,
  "14": 12,
  "15": 90,
};

type Body = Record<string, unknown>;
const bad = (reply: FastifyReply, message: string, code = 400) => reply.code(code).send({ error: message });
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The emulator's own JSON API for tests, the demo launcher and the mini app's browser adapter. */
export function registerControl(app: FastifyInstance, ctx: Ctx) {
  const { state, clock, webhooks } = ctx;

  const publicUser = (u: User) => ({ ...u });
  const publicConfig = () => {
    const { appSecret: _a, oaSecretKey: _o, checkoutPrivateKey: _c, ...rest } = state.config;
    return rest;
  };

  app.post("/_emu/reset", async () => {
    ctx.reset();
    return { ok: true, now: clock.now() };
  });

  app.get("/_emu/state", async () => {
    const now = clock.now();
    return {
      now,
      config: publicConfig(),
      users: state.users.size,
      templates: state.templates.size,
      messages: state.messages.length,
      requests: state.requests.length,
      webhooks: state.webhooks.length,
      faults: state.faults,
      oa: { refreshCount: state.oa.refreshCount },
      zns: { dailyQuota: state.config.dailyQuota, remainingQuota: quotaRemaining(state, now) },
    };
  });

  // ---- clock ----
  app.get("/_emu/clock", async () => ({ now: clock.now() }));
  app.post("/_emu/clock", async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    if (b.now !== undefined && !isNum(b.now)) return bad(reply, "now must be epoch ms");
    if (b.advanceMs !== undefined && !isNum(b.advanceMs)) return bad(reply, "advanceMs must be a number");
    if (isNum(b.now)) clock.set(b.now);
    if (isNum(b.advanceMs)) clock.advance(b.advanceMs);
    return { now: clock.now() };
  });

  // ---- config ----
  app.get("/_emu/config", async () => publicConfig());
  app.post("/_emu/config", async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    const c = state.config;
    if (b.webhookUrl !== undefined) c.webhookUrl = typeof b.webhookUrl === "string" && b.webhookUrl ? b.webhookUrl : null;
    for (const k of ["checkoutCallbackUrl", "checkoutNotifyUrl"] as const) if (b[k] !== undefined) c[k] = typeof b[k] === "string" && b[k] ? b[k] : null;
    if (b.dailyQuota !== undefined) {
      if (!isNum(b.dailyQuota) || b.dailyQuota < 0) return bad(reply, "dailyQuota must be a number ≥ 0");
      c.dailyQuota = b.dailyQuota;
    }
    if (b.retrySchedule !== undefined) {
      if (!Array.isArray(b.retrySchedule) || !b.retrySchedule.every(isNum)) return bad(reply, "retrySchedule must be number[] (ms)");
      c.retrySchedule = b.retrySchedule;
    }
    if (b.enforceAppSecretProof !== undefined) c.enforceAppSecretProof = Boolean(b.enforceAppSecretProof);
    if (b.nightWindows !== undefined) c.nightWindows = { ...c.nightWindows, ...(b.nightWindows as object) };
    for (const k of ["promotionDailyPerUser", "promotionMonthlyPerUser", "webhookTimeoutMs"] as const) {
      if (b[k] !== undefined) {
        if (!isNum(b[k])) return bad(reply, `${k} must be a number`);
        c[k] = b[k];
      }
    }
    // The developer console's registered OAuth redirect URIs (§4); empty = any http(s) URI.
    if (b.oauthRedirectUris !== undefined) {
      if (!Array.isArray(b.oauthRedirectUris) || !b.oauthRedirectUris.every((u) => typeof u === "string"))
        return bad(reply, "oauthRedirectUris must be string[]");
      c.oauthRedirectUris = b.oauthRedirectUris as string[];
    }
    if (b.conversationListsTemplates !== undefined) c.conversationListsTemplates = Boolean(b.conversationListsTemplates);
    if (b.uploadMonthlyLimit !== undefined) {
      if (!isNum(b.uploadMonthlyLimit) || b.uploadMonthlyLimit < 0) return bad(reply, "uploadMonthlyLimit must be a number ≥ 0");
      c.uploadMonthlyLimit = b.uploadMonthlyLimit;
    }
    if (b.znsReceiptDelayMs !== undefined) c.znsReceiptDelayMs = isNum(b.znsReceiptDelayMs) ? b.znsReceiptDelayMs : null;
    // null = no limit / a bottomless account.
    for (const k of ["appRequestsPerMinute", "zcaBalance"] as const) {
      if (b[k] === undefined) continue;
      if (b[k] !== null && (!isNum(b[k]) || (b[k] as number) < 0)) return bad(reply, `${k} must be a number ≥ 0 or null`);
      c[k] = b[k] as number | null;
    }
    return publicConfig();
  });

  // ---- users ----
  app.get("/_emu/users", async () => [...state.users.values()].map(publicUser));

  app.post("/_emu/users", async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    if (typeof b.name !== "string" || !b.name) return bad(reply, "name is required");
    if (b.appUserId !== undefined && state.users.has(String(b.appUserId))) return bad(reply, "appUserId already exists", 409);
    if (b.phone !== undefined && b.phone !== null && !normalizePhone(b.phone)) return bad(reply, "phone is invalid");
    const u = createUser(state, {
      name: b.name,
      appUserId: b.appUserId !== undefined ? String(b.appUserId) : undefined,
      oaUserId: b.oaUserId !== undefined ? String(b.oaUserId) : undefined,
      avatar: typeof b.avatar === "string" ? b.avatar : undefined,
      phone: typeof b.phone === "string" ? b.phone : undefined,
      follower: b.follower === undefined ? undefined : Boolean(b.follower),
      lastInteractionAt: isNum(b.lastInteractionAt) ? b.lastInteractionAt : undefined,
      isAdmin: b.isAdmin === undefined ? undefined : Boolean(b.isAdmin),
      userInfoConsent: b.userInfoConsent === undefined ? undefined : Boolean(b.userInfoConsent),
    });
    return reply.code(201).send(publicUser(u));
  });

  const findUser = (id: string, reply: FastifyReply): User | null => {
    const u = state.users.get(id);
    if (!u) void bad(reply, `no user ${id}`, 404);
    return u ?? null;
  };

  app.get<{ Params: { appUserId: string } }>("/_emu/users/:appUserId", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    return u ? publicUser(u) : reply;
  });

  app.patch<{ Params: { appUserId: string } }>("/_emu/users/:appUserId", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    if (!u) return reply;
    const b = (req.body ?? {}) as Body;
    if (typeof b.name === "string") u.name = b.name;
    if (typeof b.avatar === "string") u.avatar = b.avatar;
    if (typeof b.oaUserId === "string") u.oaUserId = b.oaUserId;
    if (b.phone !== undefined) {
      const phone = b.phone === null ? null : normalizePhone(b.phone);
      if (b.phone !== null && !phone) return bad(reply, "phone is invalid");
      u.phone = phone;
    }
    if (b.follower !== undefined) u.follower = Boolean(b.follower);
    if (b.lastInteractionAt !== undefined) u.lastInteractionAt = isNum(b.lastInteractionAt) ? b.lastInteractionAt : null;
    if (b.isAdmin !== undefined) u.isAdmin = Boolean(b.isAdmin);
    if (b.userInfoConsent !== undefined) u.userInfoConsent = Boolean(b.userInfoConsent);
    return publicUser(u);
  });

  app.post<{ Params: { appUserId: string } }>("/_emu/users/:appUserId/token", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    if (!u) return reply;
    const b = (req.body ?? {}) as Body;
    return issueUserToken(state, clock.now(), u.appUserId, isNum(b.ttlSeconds) ? b.ttlSeconds : undefined);
  });

  const phoneToken = (u: User, reply: FastifyReply) =>
    u.phone ? issuePhoneToken(state, clock.now(), u.appUserId) : bad(reply, "user has no phone number", 409);

  app.post<{ Params: { appUserId: string } }>("/_emu/users/:appUserId/phone-token", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    return u ? phoneToken(u, reply) : reply;
  });

  // A follow counts as an interaction (§5.6); each action also delivers its signed webhook (§6.2).
  async function follow(u: User, name: "follow" | "unfollow") {
    const now = clock.now();
    // followOA for a current follower (or unfollowOA for someone not following) changes nothing, so Zalo has
    // nothing to announce: no webhook (§1.12, [INFERRED]). The product must learn such a follow another way.
    if (u.follower === (name === "follow")) return { delivered: false, unchanged: true, user: publicUser(u) };
    u.follower = name === "follow";
    if (name === "follow") u.lastInteractionAt = now;
    const { appId, oaId } = state.config;
    const outcome = await webhooks.send(events.follow({ appId, oaId, appUserId: u.appUserId, oaUserId: u.oaUserId, now }, name));
    return { ...outcome, user: publicUser(u) };
  }

  for (const name of ["follow", "unfollow"] as const) {
    app.post<{ Params: { appUserId: string } }>(`/_emu/users/:appUserId/${name}`, async (req, reply) => {
      const u = findUser(req.params.appUserId, reply);
      return u ? follow(u, name) : reply;
    });
  }

  // An interaction Zalo counts but sends no webhook for (§5.6: tapping the OA's chat or call button, accepting an
  // OA call): only Zalo knows, so the CS window opens here without the product hearing of it.
  app.post<{ Params: { appUserId: string } }>("/_emu/users/:appUserId/interact", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    if (!u) return reply;
    const b = (req.body ?? {}) as Body;
    const kinds = ["chat_button", "call_button", "call_accepted", "menu_query"];
    if (b.kind !== undefined && !kinds.includes(String(b.kind))) return bad(reply, `kind must be one of ${kinds.join(", ")}`);
    u.lastInteractionAt = clock.now();
    return { user: publicUser(u) };
  });

  app.post<{ Params: { appUserId: string } }>("/_emu/users/:appUserId/send-text", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    if (!u) return reply;
    const b = (req.body ?? {}) as Body;
    if (typeof b.text !== "string" || !b.text) return bad(reply, "text is required");
    const now = clock.now();
    u.lastInteractionAt = now;
    const msgId = hexId();
    state.inbound.push({ msgId, oaUserId: u.oaUserId, text: b.text, at: now });
    const { appId, oaId } = state.config;
    const outcome = await webhooks.send(events.userSendText({ appId, oaId, appUserId: u.appUserId, oaUserId: u.oaUserId, now, msgId, text: b.text }));
    return { ...outcome, msgId, user: publicUser(u) };
  });

  // A follower sends a picture, sticker, link, location or file (§6.2 media events); `payload` as Zalo's attachment.
  const MEDIA = ["image", "gif", "sticker", "link", "location", "file", "audio", "video"] as const;
  app.post<{ Params: { appUserId: string } }>("/_emu/users/:appUserId/send-media", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    if (!u) return reply;
    const b = (req.body ?? {}) as Body;
    const kind = MEDIA.find((k) => k === b.kind);
    if (!kind) return bad(reply, `kind must be one of ${MEDIA.join(", ")}`);
    const payload = b.payload && typeof b.payload === "object" ? (b.payload as Record<string, unknown>) : {};
    const now = clock.now();
    u.lastInteractionAt = now;
    const msgId = hexId();
    const text = typeof b.text === "string" ? b.text : undefined;
    state.inbound.push({ msgId, oaUserId: u.oaUserId, text: text ?? "", at: now });
    const { appId, oaId } = state.config;
    const outcome = await webhooks.send(events.userSendMedia({ appId, oaId, appUserId: u.appUserId, oaUserId: u.oaUserId, now, msgId, kind, payload, text }));
    return { ...outcome, msgId, user: publicUser(u) };
  });

  // The follower answers the OA's request for user info (§5.2 `request_user_info` → §6.2 `user_submit_info`): only
  // someone who was sent that request can. Their Zalo name and phone are what the form is pre-filled with.
  app.post<{ Params: { appUserId: string } }>("/_emu/users/:appUserId/submit-info", async (req, reply) => {
    const u = findUser(req.params.appUserId, reply);
    if (!u) return reply;
    if (!state.infoRequested.has(u.oaUserId)) return bad(reply, "the OA has not asked this user for their info", 409);
    const b = (req.body ?? {}) as Body;
    const s = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : undefined);
    const phone = s("phone") === undefined ? u.phone : normalizePhone(s("phone"));
    if (!phone) return bad(reply, "phone is invalid");
    const info = { name: s("name") ?? u.name, phone, address: s("address"), city: s("city"), district: s("district"), ward: s("ward") };
    const now = clock.now();
    u.lastInteractionAt = now;
    const { appId, oaId } = state.config;
    const outcome = await webhooks.send(events.userSubmitInfo({ appId, oaId, oaUserId: u.oaUserId, now, info, nested: b.shape === "nested" }));
    return { ...outcome, user: publicUser(u) };
  });

  // ---- personas (the mini app's browser adapter) ----
  const persona = (key: string, reply: FastifyReply): User | null => {
    const p = PERSONAS[key as PersonaKey];
    const u = p ? state.users.get(p.appUserId) : undefined;
    if (!u) void bad(reply, `no persona ${key}`, 404);
    return u ?? null;
  };

  app.get("/_emu/personas", async () =>
    (Object.keys(PERSONAS) as PersonaKey[]).flatMap((key) => {
      const u = state.users.get(PERSONAS[key].appUserId);
      return u ? [{ key, appUserId: u.appUserId, name: u.name, avatar: u.avatar }] : [];
    }),
  );

  // Stand-in for zmp-sdk getAccessToken() + getUserInfo() (§2.4).
  app.post<{ Params: { key: string } }>("/_emu/personas/:key/login", async (req, reply) => {
    const u = persona(req.params.key, reply);
    if (!u) return reply;
    const b = (req.body ?? {}) as Body;
    const t = issueUserToken(state, clock.now(), u.appUserId, isNum(b.ttlSeconds) ? b.ttlSeconds : undefined);
    // getUserInfo without consent gives the id only (§1.13).
    const named = u.userInfoConsent ? { name: u.name, avatar: u.avatar } : { name: "", avatar: "" };
    return { ...t, userInfo: { id: u.appUserId, ...named, idByOA: u.oaUserId, followedOA: u.follower } };
  });

  // Stand-in for authorize({scopes:["scope.userInfo"]}) (§2.4): `granted: false` is the shopper refusing (-201).
  app.post<{ Params: { key: string } }>("/_emu/personas/:key/authorize", async (req, reply) => {
    const u = persona(req.params.key, reply);
    if (!u) return reply;
    const b = (req.body ?? {}) as Body;
    if (b.granted !== false) u.userInfoConsent = true;
    return { "scope.userInfo": u.userInfoConsent };
  });

  app.post<{ Params: { key: string } }>("/_emu/personas/:key/phone-token", async (req, reply) => {
    const u = persona(req.params.key, reply);
    return u ? phoneToken(u, reply) : reply;
  });

  for (const name of ["follow", "unfollow"] as const) {
    app.post<{ Params: { key: string } }>(`/_emu/personas/:key/${name}`, async (req, reply) => {
      const u = persona(req.params.key, reply);
      return u ? follow(u, name) : reply;
    });
  }

  // ---- records ----
  app.get("/_emu/requests", async (req) => {
    const prefix = (req.query as Record<string, string | undefined>).path;
    return prefix ? state.requests.filter((r) => r.path.startsWith(prefix)) : state.requests;
  });
  app.delete("/_emu/requests", async () => {
    state.requests.length = 0;
    return { ok: true };
  });

  app.get("/_emu/messages", async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return state.messages.filter(
      (m) => (!q.channel || m.channel === q.channel) && (!q.trackingId || m.trackingId === q.trackingId) && (!q.phone || m.recipient.phone === q.phone),
    );
  });

  // Simulates an OA message (CS or template by UID) reaching the user's phone: `user_received_message` (§6.2).
  app.post<{ Params: { msgId: string } }>("/_emu/messages/:msgId/received", async (req, reply) => {
    const m = state.messages.find((x) => x.msgId === req.params.msgId);
    if (!m || m.channel === "zns" || !m.recipient.oaUserId) return bad(reply, "no such OA message", 404);
    const now = clock.now();
    m.deliveredAt ??= now;
    const { appId, oaId } = state.config;
    return webhooks.send(events.oaReceived({ appId, oaId, appUserId: m.recipient.appUserId, oaUserId: m.recipient.oaUserId, msgId: m.msgId, now }));
  });

  // Simulates the user opening a message: `user_seen_message` (§6.2).
  app.post<{ Params: { msgId: string } }>("/_emu/messages/:msgId/seen", async (req, reply) => {
    const m = state.messages.find((x) => x.msgId === req.params.msgId);
    if (!m) return bad(reply, "no such message", 404);
    const now = clock.now();
    m.seenAt = now;
    m.deliveredAt ??= now;
    const { appId, oaId } = state.config;
    const recipientId = m.channel === "zns" ? m.recipient.phone! : m.recipient.oaUserId!;
    return webhooks.send(
      events.userSeen({ appId, oaId, appUserId: m.recipient.appUserId, recipientId, msgId: m.msgId, now }),
      m.channel === "zns" ? { "X-ZEvent-Server": "ZNS" } : {},
    );
  });

  app.get("/_emu/webhooks", async () => state.webhooks.map((d) => ({ ...d, payload: JSON.parse(d.body) as unknown })));

  // ---- faults ----
  app.get("/_emu/faults", async () => state.faults);
  app.post("/_emu/faults", async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    if (typeof b.match !== "string" || !b.match.startsWith("/")) return bad(reply, "match must be a path prefix like /business/message/template");
    if (b.error === undefined && b.delayMs === undefined && b.httpStatus === undefined) return bad(reply, "give error, httpStatus and/or delayMs");
    if (b.error !== undefined && !isNum(b.error)) return bad(reply, "error must be a number");
    if (b.httpStatus !== undefined && (!isNum(b.httpStatus) || b.httpStatus < 500 || b.httpStatus > 599)) return bad(reply, "httpStatus must be a 5xx");
    const fault = {
      match: b.match,
      ...(isNum(b.error) ? { error: b.error } : {}),
      ...(typeof b.message === "string" ? { message: b.message } : {}),
      ...(isNum(b.httpStatus) ? { httpStatus: b.httpStatus } : {}),
      times: isNum(b.times) ? b.times : 1,
      ...(isNum(b.delayMs) ? { delayMs: b.delayMs } : {}),
      ...(isNum(b.after) && b.after > 0 ? { after: b.after } : {}),
    };
    state.faults.push(fault);
    return reply.code(201).send(fault);
  });
  app.delete("/_emu/faults", async () => {
    state.faults.length = 0;
    return { ok: true };
  });

  // ---- ZNS templates ----
  app.get("/_emu/templates", async () => [...state.templates.values()]);
  app.post("/_emu/templates", async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    if (typeof b.name !== "string" || !b.name) return bad(reply, "name is required");
    const tag = Number(b.tag ?? 1);
    if (tag !== 1 && tag !== 2 && tag !== 3) return bad(reply, "tag must be 1, 2 or 3");
    if (!Array.isArray(b.params)) return bad(reply, "params must be an array");
    const params: TemplateParam[] = [];
    for (const p of b.params as Body[]) {
      if (typeof p?.name !== "string" || !p.name) return bad(reply, "each param needs a name");
      const type = p.type === undefined ? "STRING" : String(p.type);
      params.push({
        name: p.name,
        type,
        maxLength: isNum(p.maxLength) ? p.maxLength : (TYPE_MAX[type] ?? 200),
        require: p.require === undefined ? true : Boolean(p.require),
      });
    }
    const status = (b.status ?? "ENABLE") as Template["status"];
    if (!["ENABLE", "PENDING_REVIEW", "REJECT", "DISABLE", "DELETE"].includes(status)) return bad(reply, "bad status");
    const id = b.id !== undefined ? String(b.id) : hexId(); // like the §7.1 sample id
    const t: Template = {
      id,
      name: b.name,
      tag,
      status,
      params,
      uidSupported: b.uidSupported === undefined ? true : Boolean(b.uidSupported),
      dailyLimit: isNum(b.dailyLimit) ? b.dailyLimit : null,
      price: isNum(b.price) ? b.price : 300,
      createdAt: clock.now(),
    };
    state.templates.set(id, t);
    return reply.code(201).send(t);
  });

  // Zalo's review moves a template to another status and says so by webhook (§7.7 change_template_status).
  app.post<{ Params: { id: string } }>("/_emu/templates/:id/status", async (req, reply) => {
    const t = state.templates.get(req.params.id);
    if (!t) return bad(reply, `no template ${req.params.id}`, 404);
    const b = (req.body ?? {}) as Body;
    const next = String(b.status ?? "") as Template["status"];
    if (!["ENABLE", "PENDING_REVIEW", "REJECT", "DISABLE", "DELETE"].includes(next)) return bad(reply, "bad status");
    const prev = t.status;
    t.status = next;
    const { appId, oaId } = state.config;
    const reason = typeof b.reason === "string" ? b.reason : "";
    const outcome = await webhooks.send(events.templateStatus({ appId, oaId, templateId: t.id, prev, next, reason, now: clock.now() }), {
      "X-ZEvent-Server": "ZNS",
    });
    return { ...outcome, template: t };
  });

  // Zalo moves the OA up or down its quota ladder (§7.6) and says so by webhook (§7.7 change_oa_daily_quota).
  app.post("/_emu/zns/quota", async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    if (!isNum(b.dailyQuota) || b.dailyQuota < 0) return bad(reply, "dailyQuota must be a number");
    const prev = state.config.dailyQuota;
    state.config.dailyQuota = b.dailyQuota;
    const outcome = await webhooks.send(events.quotaChange({ oaId: state.config.oaId, prev, next: b.dailyQuota, now: clock.now() }), {
      "X-ZEvent-Server": "ZNS",
    });
    return { ...outcome, dailyQuota: state.config.dailyQuota };
  });

  // ---- OA token ----
  app.get("/_emu/oa-token", async () => ({ accessToken: state.oa.accessToken, refreshToken: state.oa.refreshToken, refreshCount: state.oa.refreshCount }));
  app.post("/_emu/oa-token/expire", async () => {
    const t = state.oaAccessTokens.get(state.oa.accessToken);
    if (t) t.expiresAt = Math.min(t.expiresAt, clock.now() - 1);
    return { ok: true, accessToken: state.oa.accessToken };
  });
  // What an OA admin's consent would hand to the redirect_uri (§4): a 10-minute, single-use code, bound to
  // the PKCE challenge the consent was asked with (the exchange checks the verifier against it).
  app.post("/_emu/oa-token/auth-code", async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    if (typeof b.codeChallenge !== "string" || !b.codeChallenge) return bad(reply, "codeChallenge (S256 of the code_verifier) is required");
    const code = opaqueToken("emu-code-");
    state.authCodes.set(code, {
      expiresAt: clock.now() + AUTH_CODE_TTL_MS,
      used: false,
      codeChallenge: b.codeChallenge,
      appId: state.config.appId,
      redirectUri: typeof b.redirectUri === "string" ? b.redirectUri : "",
    });
    return { code, oaId: state.config.oaId };
  });
  // The consent page approves by itself (tests, the demo) or waits for a click (default).
  app.post("/_emu/oauth/auto-approve", async (req) => {
    state.oauthAutoApprove = Boolean(((req.body ?? {}) as Body).on);
    return { autoApprove: state.oauthAutoApprove };
  });
  // Someone else spent the current refresh token (an old deploy, a script): the next refresh with it fails as on Zalo.
  app.post("/_emu/oa-token/spend-refresh", async () => {
    const rt = state.oaRefreshTokens.get(state.oa.refreshToken);
    if (rt) rt.used = true;
    return { ok: true };
  });
}
