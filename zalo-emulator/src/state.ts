import { randomBytes, randomInt } from "node:crypto";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Zalo never states a time zone; we assume Asia/Ho_Chi_Minh (UTC+7, no DST) as §5.6 suggests. */
export const VN_OFFSET_MS = 7 * HOUR;

export const USER_TOKEN_TTL_S = 3600; // §4: Social / Mini App user token ~1 h
export const PHONE_TOKEN_TTL_MS = 2 * 60_000; // §3.2: single use, 2 min
export const OA_TOKEN_TTL_S = 90_000; // §4: 25 h, sent as the string "90000"
export const OA_REFRESH_TTL_MS = 90 * DAY; // §4: 3 months
export const AUTH_CODE_TTL_MS = 10 * 60_000; // §4: authorization code, 10 min, once
export const CS_WINDOW_MS = 7 * DAY; // §5.6

export type Clock = { now(): number; set(ms: number): void; advance(ms: number): void };

/**
 * A settable clock. Frozen clocks only move when told (deterministic tests); running clocks follow
 * real time from wherever they were last set (dev and demos, where tokens should age naturally).
 */
export function createClock(start: number, frozen: boolean): Clock {
  let base = start;
  let realBase = Date.now();
  const now = () => (frozen ? base : base + (Date.now() - realBase));
  return {
    now,
    set(ms) {
      base = ms;
      realBase = Date.now();
    },
    advance(ms) {
      base = now() + ms;
      realBase = Date.now();
    },
  };
}

export type User = {
  appUserId: string;
  oaUserId: string;
  name: string;
  avatar: string;
  phone: string | null; // 84…
  follower: boolean;
  lastInteractionAt: number | null;
  isAdmin: boolean;
  /**
   * Granted scope.userInfo (authorize / getUserInfo, §2.4). Without it a token yields only the id (§1.13):
   * Graph /me leaves out name and picture. The demo personas and users made through the control API have
   * granted it unless told otherwise (`userInfoConsent: false`: a first visit before the consent sheet).
   */
  userInfoConsent: boolean;
};

export type TemplateParam = { name: string; type: string; maxLength: number; require: boolean };
export type TemplateStatus = "ENABLE" | "PENDING_REVIEW" | "REJECT" | "DISABLE" | "DELETE";
export type Template = {
  id: string;
  name: string;
  tag: 1 | 2 | 3;
  status: TemplateStatus;
  params: TemplateParam[];
  /** §5.3: some templates cannot go by UID (-249). */
  uidSupported: boolean;
  /** §7.5 -147: this template's own daily limit (by phone and by UID together); null = none. */
  dailyLimit: number | null;
  /** What one message of it costs the Zalo Cloud Account (VND; §7.3 `price`). */
  price: number;
  createdAt: number;
};

export type MessageRecord = {
  channel: "cs" | "template_uid" | "zns";
  msgId: string;
  recipient: { appUserId: string | null; oaUserId: string | null; phone: string | null };
  templateId: string | null;
  data: unknown; // CS: the `message` object; templates: template_data
  trackingId: string | null;
  mode: "development" | null;
  sentAt: number;
  deliveredAt: number | null;
  seenAt: number | null;
};

/** A user's own message to the OA (§6.2 `user_send_*`), kept for the conversation API (§5.7). */
export type InboundRecord = { msgId: string; oaUserId: string; text: string; at: number };

/** An asset uploaded through `/v2.0/oa/upload/*` (§5.5): only ids issued here are accepted by the CS send. */
export type UploadRecord = { id: string; kind: "image" | "gif" | "file"; bytes: number; name: string; uploadedAt: number; expiresAt: number };
/** §5.5: uploaded assets expire after 7 days (`-100 attachment_id was expired`). */
export const UPLOAD_TTL_MS = 7 * DAY;

export type RequestRecord = {
  at: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  /** The `error` field of our answer (the HTTP status is always 200). */
  error?: number;
};

export type WebhookAttempt = { at: number; status: number | null; error?: string };
export type WebhookDelivery = {
  id: number;
  eventName: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  attempts: WebhookAttempt[];
  delivered: boolean;
  done: boolean;
};

/**
 * An injected failure: Zalo's own `error` (HTTP 200, §1.1), or `httpStatus` (a 5xx from the gateway in front of
 * Zalo, with an HTML body as such gateways send), after an optional delay.
 */
export type Fault = { match: string; error?: number; message?: string; httpStatus?: number; times: number; delayMs?: number; after?: number };

/** Allowed send hours per ZNS tag, [fromHour, toHour) in UTC+7; null = 24/24 (§7.6, configurable). */
export type NightWindows = Record<"1" | "2" | "3", { fromHour: number; toHour: number } | null>;

export type EmulatorConfig = {
  /** The Zalo App ID: OAuth v4 `app_id`, webhooks' `app_id`, appsecret_proof's secret (§1.11). */
  appId: string;
  /** The Mini App ID: Checkout's `appId` and Graph's `miniapp_id` (§1.11); never the Zalo App ID. */
  miniAppId: string;
  appSecret: string;
  oaId: string;
  oaSecretKey: string;
  webhookUrl: string | null;
  dailyQuota: number;
  retrySchedule: number[];
  webhookTimeoutMs: number;
  enforceAppSecretProof: boolean;
  nightWindows: NightWindows;
  /** §7.6: tag 3 per-user caps. Monthly is 4 or 30 depending on the source. */
  promotionDailyPerUser: number;
  promotionMonthlyPerUser: number;
  /** Delay before the ZNS delivery receipt webhook; null = don't send receipts automatically. */
  znsReceiptDelayMs: number | null;
  /** Checkout SDK (§8): the Mini App's private key and the server's callback / notify URLs. */
  checkoutPrivateKey: string;
  checkoutCallbackUrl: string | null;
  checkoutNotifyUrl: string | null;
  /** Whether template-by-UID messages appear in `/v2.0/oa/conversation` (§5.7 says nothing: [UNCONFIRMED]). */
  conversationListsTemplates: boolean;
  /** §5.5: 5,000 uploads a month per OA (the month in UTC+7). */
  uploadMonthlyLimit: number;
  /** The OA's display name (`/v2.0/oa/getoa`). */
  oaName: string;
  /**
   * The OAuth redirect URIs registered in the developer console (§4: another one is `-14003 Invalid redirect uri`).
   * Empty: any http(s) URI is taken (the emulator's default, so a test server on a free port needs no setup).
   */
  oauthRedirectUris: string[];
  /**
   * Zalo's per-app limit on the OA and ZNS APIs (§5.9: 4,000 a minute [THIRD-PARTY]), counted per rolling second
   * in real time (limit / 60 each second); beyond it -32. null = no limit.
   */
  appRequestsPerMinute: number | null;
  /** The Zalo Cloud Account's balance (VND) that pays for template messages; null = never runs out. Empty: -321. */
  zcaBalance: number | null;
};

export type EmulatorState = {
  config: EmulatorConfig;
  users: Map<string, User>; // by appUserId
  userTokens: Map<string, { appUserId: string; expiresAt: number }>;
  phoneTokens: Map<string, { appUserId: string; expiresAt: number; used: boolean }>;
  oaAccessTokens: Map<string, { expiresAt: number }>;
  oaRefreshTokens: Map<string, { expiresAt: number; used: boolean }>;
  /** §4: a consent's code, bound to the PKCE challenge, the app and the redirect_uri it was issued for. */
  authCodes: Map<string, { expiresAt: number; used: boolean; codeChallenge: string; appId: string; redirectUri: string }>;
  oa: { accessToken: string; refreshToken: string; refreshCount: number };
  /** Whether the consent page approves by itself (a test or the demo's "auto-approve" switch); off: an admin clicks. */
  oauthAutoApprove: boolean;
  templates: Map<string, Template>;
  znsSentByDay: Map<string, number>; // VN date → count
  promotionsByUser: Map<string, number>; // `${appUserId}|${VN date or month}` → count (by phone and by UID together)
  templateSentByDay: Map<string, number>; // `${templateId}|${VN date}` → count (§7.5 -147)
  /** Real-time arrival of the OA/ZNS requests of the last second (§5.9). */
  rateWindow: number[];
  messages: MessageRecord[];
  inbound: InboundRecord[];
  requests: RequestRecord[];
  webhooks: WebhookDelivery[];
  faults: Fault[];
  checkoutOrders: Map<string, CheckoutOrder>;
  uploads: Map<string, UploadRecord>;
  uploadsByMonth: Map<string, number>; // VN month → count
  /** OA user ids that were sent a `request_user_info` message: only they can answer with `user_submit_info`. */
  infoRequested: Set<string>;
};

/**
 * A Checkout SDK order made by create-v2 (§8.1); `resultCode` 0 until paid (1) or failed (-1), 2 once a COD/bank
 * order is reported refunded. `chosen` is the method the shopper took in the sheet (COD/BANK after a notify).
 */
export type CheckoutOrder = {
  id: string;
  appUserId: string;
  amount: number;
  desc: string;
  item: string;
  extradata: string;
  method: string;
  transId: string | null;
  resultCode: 0 | 1 | -1 | 2;
  chosen: string | null;
  /** Each accepted updateOrderStatus (§8.4), oldest first. */
  updates: { at: number; resultCode: number }[];
  createdAt: number;
  transTime: number | null;
};

// ---- ids, tokens, dates ----

/** Zalo ids are numeric strings beyond 2^53 (§5.1): 18–19 digits, never starting with 0. */
export function numericId(): string {
  let s = String(randomInt(1, 10));
  const len = randomInt(18, 20);
  while (s.length < len) s += String(randomInt(0, 10));
  return s;
}
/** Message ids look like the doc samples: 20 hex chars. */
export const hexId = () => randomBytes(10).toString("hex");
export const opaqueToken = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

/** YYYY-MM-DD in UTC+7, the key for daily quotas. */
export const vnDay = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
export const vnHour = (ms: number) => new Date(ms + VN_OFFSET_MS).getUTCHours();

/** §7.1: accept 84…, 0…, +84… and the Excel-mangled 9-digit form; normalise to 84…. */
export function normalizePhone(raw: unknown): string | null {
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  let s = String(raw).replace(/[\s.-]/g, "");
  if (s.startsWith("+")) s = s.slice(1);
  if (s.startsWith("0")) s = `84${s.slice(1)}`;
  else if (!s.startsWith("84") && /^[1-9]\d{8}$/.test(s)) s = `84${s}`;
  return /^84\d{8,10}$/.test(s) ? s : null;
}

/** An offline avatar: an SVG of the initials as a data: URI (never a network URL). */
export function initialsAvatar(name: string): string {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(-2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
  let hue = 0;
  for (const ch of name) hue = (hue * 31 + ch.codePointAt(0)!) % 360;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">` +
    `<rect width="120" height="120" fill="hsl(${hue},55%,45%)"/>` +
    `<text x="60" y="60" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="48" fill="#fff">${initials}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}

// ---- seed ----

export type PersonaKey = "shopper" | "staff" | "admin";

/** Demo personas with stable ids, so browser tests and demos can name them. */
export const PERSONAS: Record<PersonaKey, { appUserId: string; oaUserId: string; name: string; phone: string; follower: boolean; isAdmin: boolean }> = {
  shopper: { appUserId: "5521000000000000001", oaUserId: "2468000000000000001", name: "Nguyễn Thu Hà", phone: "84912345678", follower: false, isAdmin: false },
  staff: { appUserId: "5521000000000000002", oaUserId: "2468000000000000002", name: "Trần Minh Khoa", phone: "84987654321", follower: true, isAdmin: false },
  admin: { appUserId: "5521000000000000003", oaUserId: "2468000000000000003", name: "Lê Quốc Bảo", phone: "84901234567", follower: true, isAdmin: true },
};

const p = (name: string, maxLength: number, type = "STRING"): TemplateParam => ({ name, type, maxLength, require: true });

/** Seeded ZNS templates, one per tag (ids look like the §7.1 sample). */
export const SEED_TEMPLATES: Omit<Template, "createdAt" | "dailyLimit" | "price">[] = [
  {
    id: "100001",
    name: "Xác nhận đơn hàng",
    tag: 1,
    status: "ENABLE",
    uidSupported: true,
    params: [p("customer_name", 30), p("order_code", 30), p("amount", 20, "NUMBER")],
  },
  {
    id: "100002",
    name: "Chăm sóc khách hàng",
    tag: 2,
    status: "ENABLE",
    uidSupported: true,
    params: [p("customer_name", 30), p("content", 200)],
  },
  {
    id: "100003",
    name: "Ưu đãi thành viên",
    tag: 3,
    status: "ENABLE",
    uidSupported: false,
    params: [p("customer_name", 30), p("voucher_code", 25), p("expiry_date", 20, "DATE")],
  },
];

export const DEFAULT_NIGHT_WINDOWS: NightWindows = { "1": null, "2": { fromHour: 6, toHour: 22 }, "3": { fromHour: 6, toHour: 22 } };

export function seedState(state: EmulatorState, now: number, initialOa: { accessToken: string; refreshToken: string }) {
  state.users.clear();
  state.userTokens.clear();
  state.phoneTokens.clear();
  state.oaAccessTokens.clear();
  state.oaRefreshTokens.clear();
  state.authCodes.clear();
  state.oauthAutoApprove = false;
  state.templates.clear();
  state.znsSentByDay.clear();
  state.promotionsByUser.clear();
  state.templateSentByDay.clear();
  state.rateWindow.length = 0;
  state.messages.length = 0;
  state.inbound.length = 0;
  state.requests.length = 0;
  state.webhooks.length = 0;
  state.faults.length = 0;
  state.checkoutOrders.clear();
  state.uploads.clear();
  state.uploadsByMonth.clear();
  state.infoRequested.clear();

  for (const persona of Object.values(PERSONAS)) {
    state.users.set(persona.appUserId, {
      ...persona,
      avatar: initialsAvatar(persona.name),
      lastInteractionAt: persona.follower ? now : null,
      userInfoConsent: true,
    });
  }
  for (const t of SEED_TEMPLATES) state.templates.set(t.id, { ...t, params: t.params.map((x) => ({ ...x })), createdAt: now, dailyLimit: null, price: 300 });

  state.oa = { ...initialOa, refreshCount: 0 };
  state.oaAccessTokens.set(initialOa.accessToken, { expiresAt: now + OA_TOKEN_TTL_S * 1000 });
  state.oaRefreshTokens.set(initialOa.refreshToken, { expiresAt: now + OA_REFRESH_TTL_MS, used: false });
}

// ---- shared checks ----

export type TokenCheck = { ok: true; appUserId: string } | { ok: false; reason: "unknown" | "expired" };

export function checkUserToken(state: EmulatorState, now: number, token: unknown): TokenCheck {
  const t = typeof token === "string" ? state.userTokens.get(token) : undefined;
  if (!t) return { ok: false, reason: "unknown" };
  if (t.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, appUserId: t.appUserId };
}

export function checkOaToken(state: EmulatorState, now: number, token: unknown): "ok" | "unknown" | "expired" {
  const t = typeof token === "string" ? state.oaAccessTokens.get(token) : undefined;
  if (!t) return "unknown";
  return t.expiresAt <= now ? "expired" : "ok";
}

export function issueUserToken(state: EmulatorState, now: number, appUserId: string, ttlSeconds = USER_TOKEN_TTL_S) {
  const accessToken = opaqueToken("emu-uat-");
  state.userTokens.set(accessToken, { appUserId, expiresAt: now + ttlSeconds * 1000 });
  return { accessToken, expiresIn: ttlSeconds };
}

export function issuePhoneToken(state: EmulatorState, now: number, appUserId: string) {
  const token = opaqueToken("emu-phone-");
  state.phoneTokens.set(token, { appUserId, expiresAt: now + PHONE_TOKEN_TTL_MS, used: false });
  return { token };
}

export function issueOaPair(state: EmulatorState, now: number) {
  const accessToken = opaqueToken("emu-oat-");
  const refreshToken = opaqueToken("emu-ort-");
  state.oaAccessTokens.set(accessToken, { expiresAt: now + OA_TOKEN_TTL_S * 1000 });
  state.oaRefreshTokens.set(refreshToken, { expiresAt: now + OA_REFRESH_TTL_MS, used: false });
  state.oa.accessToken = accessToken;
  state.oa.refreshToken = refreshToken;
  return { accessToken, refreshToken };
}

// Lookups by OA id and phone, indexed lazily: users may be added or edited anywhere (control API, tests
// seeding `state.users` directly), so an index entry is trusted only after checking it, and rebuilt on a miss.
const byOa = new WeakMap<Map<string, User>, { size: number; oa: Map<string, User>; phone: Map<string, User> }>();
function userIndex(state: EmulatorState, rebuild = false) {
  let idx = byOa.get(state.users);
  if (!idx || rebuild || idx.size !== state.users.size) {
    idx = { size: state.users.size, oa: new Map(), phone: new Map() };
    for (const u of state.users.values()) {
      idx.oa.set(String(u.oaUserId), u);
      if (u.phone) idx.phone.set(u.phone, u);
    }
    byOa.set(state.users, idx);
  }
  return idx;
}

export function userByOaId(state: EmulatorState, oaUserId: unknown): User | undefined {
  if (typeof oaUserId !== "string" && typeof oaUserId !== "number") return undefined;
  const key = String(oaUserId);
  const hit = userIndex(state).oa.get(key);
  if (hit && hit.oaUserId === key && state.users.get(hit.appUserId) === hit) return hit;
  const u = userIndex(state, true).oa.get(key);
  return u && u.oaUserId === key ? u : undefined;
}

export function userByPhone(state: EmulatorState, phone: string): User | undefined {
  const hit = userIndex(state).phone.get(phone);
  if (hit && hit.phone === phone && state.users.get(hit.appUserId) === hit) return hit;
  const u = userIndex(state, true).phone.get(phone);
  return u && u.phone === phone ? u : undefined;
}

export function createUser(state: EmulatorState, input: Partial<User> & { name: string }): User {
  const user: User = {
    appUserId: input.appUserId ?? numericId(),
    oaUserId: input.oaUserId ?? numericId(),
    name: input.name,
    avatar: input.avatar ?? initialsAvatar(input.name),
    phone: input.phone ? normalizePhone(input.phone) : null,
    follower: input.follower ?? false,
    lastInteractionAt: input.lastInteractionAt ?? null,
    isAdmin: input.isAdmin ?? false,
    userInfoConsent: input.userInfoConsent ?? true,
  };
  state.users.set(user.appUserId, user);
  return user;
}
