import cors from "@fastify/cors";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { registerBusiness } from "./business";
import { registerCheckout } from "./checkout";
import { DEV_DEFAULTS } from "./defaults";
import type { Ctx } from "./context";
import { registerControl } from "./control";
import { ZaloCode } from "./errors";
import { registerGraph } from "./graph";
import { registerOauth } from "./oauth";
import { registerOpenapi } from "./openapi";
import { registerUploads } from "./uploads";
import { createClock, DEFAULT_NIGHT_WINDOWS, seedState, type Clock, type EmulatorState, type RequestRecord } from "./state";
import { createWebhookSender } from "./webhooks";

export { DEV_DEFAULTS } from "./defaults";
export { signWebhook } from "./webhooks";
export { ZaloCode } from "./errors";
export { PERSONAS, SEED_TEMPLATES, normalizePhone } from "./state";
export { checkoutHmac, checkoutMacData } from "./checkout";
export type { CheckoutOrder } from "./state";
export type { UploadRecord } from "./state";
export type { EmulatorState, User, Template, TemplateParam, MessageRecord, RequestRecord, WebhookDelivery, Fault, NightWindows, PersonaKey } from "./state";

export type EmulatorOptions = {
  /** The Zalo App ID (OAuth, webhooks, appsecret_proof). */
  appId: string;
  /** The Mini App ID (Checkout, deep links, Graph miniapp_id), a different number (§1.11). */
  miniAppId: string;
  appSecret: string;
  oaId: string;
  oaSecretKey: string;
  /** The server's /webhooks/zalo. */
  webhookUrl?: string;
  /** Initial OA pair, so the server's env can match. */
  oaAccessToken?: string;
  oaRefreshToken?: string;
  /** Initial clock (epoch ms); default Date.now(). */
  now?: number;
  /** Frozen clocks move only when set/advanced. Default: frozen iff `now` was given. */
  frozenClock?: boolean;
  dailyQuota?: number;
  /** Delays (ms) between webhook attempts after a failure; default [100, 500]. */
  retrySchedule?: number[];
  webhookTimeoutMs?: number;
  enforceAppSecretProof?: boolean;
  /** Delay before the ZNS delivery receipt webhook; null disables receipts. Default 0. */
  znsReceiptDelayMs?: number | null;
  /** Checkout SDK private key (§8.2); default DEV_DEFAULTS.ZALO_CHECKOUT_PRIVATE_KEY. */
  checkoutPrivateKey?: string;
  /** The server's Checkout callback and notify URLs (§8.3). */
  checkoutCallbackUrl?: string;
  checkoutNotifyUrl?: string;
  /** Whether template-by-UID messages appear in the OA conversation API (unconfirmed); default true. */
  conversationListsTemplates?: boolean;
  /** The OA's name, as `/v2.0/oa/getoa` gives it. */
  oaName?: string;
  /** Registered OAuth redirect URIs (§4); default none, meaning any http(s) URI. */
  oauthRedirectUris?: string[];
  /** Zalo's per-app request limit on the OA and ZNS APIs (§5.9); default 4000 a minute; null = none. */
  appRequestsPerMinute?: number | null;
  logger?: boolean;
};

/** Zalo host prefixes this process fakes; everything else (/_emu) is the control API. */
const ZALO_PREFIXES = ["/graph", "/oauth", "/openapi", "/business", "/payment"];
const SECRET_HEADERS = ["access_token", "secret_key", "code", "appsecret_proof"];
const SECRET_FIELDS = ["refresh_token", "code", "code_verifier"];
const redact = (v: unknown) => (typeof v === "string" ? `${v.slice(0, 6)}…` : v);

/**
 * The emulator's identity options from the same environment names the server reads (ZALO_APP_ID, …), so
 * a server and its emulator are always configured from one source.
 */
export function emulatorOptionsFromEnv(
  env: Partial<
    Record<
      | "ZALO_APP_ID"
      | "ZALO_MINI_APP_ID"
      | "ZALO_APP_SECRET"
      | "ZALO_OA_ID"
      | "ZALO_OA_SECRET_KEY"
      | "ZALO_OA_ACCESS_TOKEN"
      | "ZALO_OA_REFRESH_TOKEN"
      | "ZALO_CHECKOUT_PRIVATE_KEY",
      string
    >
  >,
) {
  return {
    appId: env.ZALO_APP_ID!,
    miniAppId: env.ZALO_MINI_APP_ID!,
    appSecret: env.ZALO_APP_SECRET!,
    oaId: env.ZALO_OA_ID!,
    oaSecretKey: env.ZALO_OA_SECRET_KEY!,
    oaAccessToken: env.ZALO_OA_ACCESS_TOKEN,
    oaRefreshToken: env.ZALO_OA_REFRESH_TOKEN,
    checkoutPrivateKey: env.ZALO_CHECKOUT_PRIVATE_KEY,
  };
}

export async function buildEmulator(opts: EmulatorOptions): Promise<{ app: FastifyInstance; state: EmulatorState; clock: Clock }> {
  const startAt = opts.now ?? Date.now();
  const frozen = opts.frozenClock ?? opts.now !== undefined;
  const clock = createClock(startAt, frozen);
  const initialOa = {
    accessToken: opts.oaAccessToken ?? "emu-oat-initial",
    refreshToken: opts.oaRefreshToken ?? "emu-ort-initial",
  };
  const initialConfig = (): EmulatorState["config"] => ({
    appId: opts.appId,
    miniAppId: opts.miniAppId,
    appSecret: opts.appSecret,
    oaId: opts.oaId,
    oaSecretKey: opts.oaSecretKey,
    webhookUrl: opts.webhookUrl ?? null,
    dailyQuota: opts.dailyQuota ?? 500,
    retrySchedule: opts.retrySchedule ?? [100, 500],
    webhookTimeoutMs: opts.webhookTimeoutMs ?? 5000,
    enforceAppSecretProof: opts.enforceAppSecretProof ?? false,
    nightWindows: structuredClone(DEFAULT_NIGHT_WINDOWS),
    promotionDailyPerUser: 1,
    promotionMonthlyPerUser: 4,
    znsReceiptDelayMs: opts.znsReceiptDelayMs === undefined ? 0 : opts.znsReceiptDelayMs,
    checkoutPrivateKey: opts.checkoutPrivateKey ?? DEV_DEFAULTS.ZALO_CHECKOUT_PRIVATE_KEY,
    checkoutCallbackUrl: opts.checkoutCallbackUrl ?? null,
    checkoutNotifyUrl: opts.checkoutNotifyUrl ?? null,
    conversationListsTemplates: opts.conversationListsTemplates ?? true,
    uploadMonthlyLimit: 5000,
    oaName: opts.oaName ?? "Master Channel Coffee",
    oauthRedirectUris: opts.oauthRedirectUris ?? [],
    appRequestsPerMinute: opts.appRequestsPerMinute === undefined ? 4000 : opts.appRequestsPerMinute,
    zcaBalance: null,
  });

  const state: EmulatorState = {
    config: initialConfig(),
    users: new Map(),
    userTokens: new Map(),
    phoneTokens: new Map(),
    oaAccessTokens: new Map(),
    oaRefreshTokens: new Map(),
    authCodes: new Map(),
    oa: { ...initialOa, refreshCount: 0 },
    oauthAutoApprove: false,
    templates: new Map(),
    znsSentByDay: new Map(),
    promotionsByUser: new Map(),
    templateSentByDay: new Map(),
    rateWindow: [],
    messages: [],
    inbound: [],
    requests: [],
    webhooks: [],
    faults: [],
    checkoutOrders: new Map(),
    uploads: new Map(),
    uploadsByMonth: new Map(),
    infoRequested: new Set(),
  };
  const webhooks = createWebhookSender(state, clock);
  const ctx: Ctx = {
    state,
    clock,
    webhooks,
    reset() {
      webhooks.cancelAll();
      clock.set(frozen ? startAt : Date.now());
      state.config = initialConfig();
      seedState(state, clock.now(), initialOa);
    },
  };
  seedState(state, clock.now(), initialOa);

  const app = Fastify({ logger: opts.logger ?? false });
  await app.register(cors, { origin: true, methods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"] });
  await app.register(formbody);

  const isZalo = (url: string) => ZALO_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`));
  const records = new WeakMap<FastifyRequest, RequestRecord>();

  // Record every Zalo-side request with secrets cut to a prefix (even one whose body fails to parse).
  app.addHook("onRequest", async (req) => {
    const path = req.url.split("?")[0]!;
    if (!isZalo(path)) return;
    const headers: Record<string, unknown> = { ...req.headers };
    for (const h of SECRET_HEADERS) if (h in headers) headers[h] = redact(headers[h]);
    const rec: RequestRecord = { at: clock.now(), method: req.method, path, query: { ...(req.query as object) }, headers, body: undefined };
    state.requests.push(rec);
    records.set(req, rec);
  });

  // Then attach the parsed body and apply any injected fault.
  app.addHook("preHandler", async (req, reply) => {
    const rec = records.get(req);
    if (!rec) return;
    const path = rec.path;
    let body = req.body;
    if (body && typeof body === "object" && !Array.isArray(body)) {
      body = { ...(body as object) };
      for (const f of SECRET_FIELDS) if (f in (body as object)) (body as Record<string, unknown>)[f] = redact((body as Record<string, unknown>)[f]);
    }
    rec.body = body;

    // §5.9: one per-app budget across the OA and ZNS APIs, whatever the endpoint; a refused request is not counted.
    const limit = state.config.appRequestsPerMinute;
    if (limit !== null && (path.startsWith("/openapi/") || path.startsWith("/business/"))) {
      const perSecond = Math.max(1, Math.floor(limit / 60));
      const t = Date.now();
      const w = state.rateWindow;
      while (w.length && w[0]! <= t - 1000) w.shift();
      void reply.header("X-RateLimit-Limit", String(perSecond));
      if (w.length >= perSecond) {
        void reply.header("X-RateLimit-Remain", "0");
        return reply.code(200).send({ error: ZaloCode.RATE_LIMIT, message: "App has exceeded the rate limit" });
      }
      w.push(t);
      void reply.header("X-RateLimit-Remain", String(perSecond - w.length));
    }

    const i = state.faults.findIndex((f) => path.startsWith(f.match));
    if (i < 0) return;
    const fault = state.faults[i]!;
    // `after`: that many matching requests pass untouched first (a failure on the second page, say).
    if (fault.after) {
      fault.after--;
      return;
    }
    if (--fault.times <= 0) state.faults.splice(i, 1);
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.httpStatus !== undefined) {
      return reply.code(fault.httpStatus).type("text/html").send(`<html><body><h1>${fault.httpStatus} Service Unavailable</h1></body></html>`);
    }
    if (fault.error === undefined) return;
    const message = fault.message ?? "Injected fault";
    // The OAuth endpoint (§4) and updateOrderStatus (§8.4: `{err, msg}`) have their own failure shapes; every other path uses the envelope (§1.1).
    if (path.startsWith("/oauth")) return reply.code(200).send({ error: fault.error, error_name: "Injected fault", error_reason: message });
    if (path.startsWith("/payment/api/transaction/update-status")) return reply.code(200).send({ err: fault.error, msg: message, error: fault.error });
    return reply.code(200).send({ error: fault.error, message });
  });

  app.addHook("onSend", async (req, _reply, payload) => {
    const rec = records.get(req);
    if (rec && typeof payload === "string") {
      try {
        const e = (JSON.parse(payload) as { error?: unknown }).error;
        rec.error = typeof e === "number" ? e : 0;
      } catch {
        /* not JSON */
      }
    }
    return payload;
  });

  // Zalo hosts answer HTTP 200 even for bad bodies (§1.1); the control API uses plain HTTP statuses.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (!isZalo(req.url)) return reply.code(err.statusCode ?? 500).send({ error: err.message });
    if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return reply.code(200).send({ error: ZaloCode.BODY_EMPTY, message: "Body is empty" });
    if ((err.statusCode ?? 500) < 500) return reply.code(200).send({ error: ZaloCode.BODY_NOT_JSON, message: `Body is invalid: ${err.message}` });
    req.log.error(err);
    return reply.code(200).send({ error: -100, message: "Unknown error, retry later" });
  });
  app.setNotFoundHandler((req, reply) =>
    isZalo(req.url)
      ? reply.code(404).send({ error: ZaloCode.API_NOT_SUPPORTED, message: `Not supported this api: ${req.method} ${req.url.split("?")[0]}` })
      : reply.code(404).send({ error: `no route ${req.method} ${req.url}` }),
  );

  registerGraph(app, ctx);
  registerOauth(app, ctx);
  registerOpenapi(app, ctx);
  registerUploads(app, ctx);
  registerBusiness(app, ctx);
  registerCheckout(app, ctx);
  registerControl(app, ctx);

  app.addHook("onClose", async () => webhooks.cancelAll());
  return { app, state, clock };
}
