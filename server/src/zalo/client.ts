import { createHmac, randomBytes } from "node:crypto";
import type { Config } from "../config";
import type { Awaitable } from "../db/store";
import { orderStatusMac, updateStatusMac } from "./checkout";
import { classify, ZaloError } from "./errors";
import { nodeTransport, TransportError, type HttpAnswer, type HttpInit, type Transport } from "./http";
import { createAppRateLimiter, type AppRateLimiter } from "./rate-limit";

export type OaTokenPair = { accessToken: string; refreshToken: string; expiresAt: number };

/** The shared token row: the pair, its version, whether an OA admin must connect again, and the connected OA. */
export type OaTokenRow = OaTokenPair & {
  version: number;
  source: "env" | "console";
  oaId: string | null;
  oaName: string | null;
  connectedAt: number | null;
  leaseUntil: number | null;
  needsReconnect: boolean;
  reconnectSince: number | null;
  reconnectReason: string | null;
};

/**
 * Where the OA token pair lives, shared by every process. Each write is conditional on the refresh token it
 * replaces; `saveRefreshed` must be durable before the new access token is used (the old refresh token is spent).
 */
export type OaTokenStore = {
  get(): Awaitable<OaTokenRow>;
  /** Takes the right to spend `refreshToken` until `leaseUntil` (wall clock); false if it moved or another process holds it. */
  claimRefresh(refreshToken: string, leaseUntil: number, wallNow: number): Awaitable<boolean>;
  releaseRefresh(refreshToken: string): Awaitable<void>;
  saveRefreshed(oldRefreshToken: string, pair: OaTokenPair): Awaitable<boolean>;
  /** Zalo refused `refreshToken`: the console asks for a reconnect, messages wait. */
  markReconnect(refreshToken: string, reason: string): Awaitable<void>;
  /** A pair from the console's OAuth connect, with the OA it belongs to. */
  connect(p: OaTokenPair & { oaId: string; oaName: string }): Awaitable<void>;
};

export type ZnsTemplateDetail = {
  templateId: string;
  templateName: string;
  status: string;
  params: { name: string; require: boolean; type: string; maxLength: number }[];
  templateTag: unknown;
  price: number | null;
};

/** `name`/`avatar` are null when the person has not granted scope.userInfo: the token then yields only the id (§1.13). */
export type ZaloMe = { id: string; name: string | null; avatar: string | null; oaUserId: string | null; isFollower: boolean | null };

export type ZaloClientDeps = {
  config: Pick<
    Config,
    "ZALO_APP_ID" | "ZALO_MINI_APP_ID" | "ZALO_APP_SECRET" | "ZALO_GRAPH_URL" | "ZALO_OAUTH_URL" | "ZALO_OPENAPI_URL" | "ZALO_BUSINESS_URL" | "ZALO_TIMEOUT_MS"
  > &
    Partial<Pick<Config, "ZALO_PAYMENT_URL" | "ZALO_CHECKOUT_PRIVATE_KEY" | "ZALO_APP_RATE_PER_MINUTE" | "ZALO_CHECKOUT_UPDATE_PATH">>;
  tokens: OaTokenStore;
  now?: () => number;
  /** How requests go out; node:http with keep-alive unless a test injects its own. */
  transport?: Transport;
  /** Zalo's app-wide limit: the cluster's shared schedule (container.ts), else one for this process alone. */
  limiter?: AppRateLimiter;
};

type Envelope<T> = { error?: number; message?: string; data?: T };

// Refresh a little before Zalo's 25 h expiry rather than wait for a -216.
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The only code that speaks HTTP to Zalo. Every REST answer is HTTP 200 with `{error, message, data}`:
 * success is judged by `error` alone (zalo-platform.md §1). Base URLs come from config, so the same code
 * talks to Zalo in production and to the emulator in dev and tests.
 */
export function createZaloClient(deps: ZaloClientDeps) {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const transport = deps.transport ?? nodeTransport;
  let refreshing: Promise<OaTokenPair> | null = null;
  // Zalo's limit is per app across the OA and ZNS APIs (§5.9): every such request waits its turn here.
  const limiter = deps.limiter ?? createAppRateLimiter({ perMinute: config.ZALO_APP_RATE_PER_MINUTE ?? 4000 });
  const appLimited = (url: string) => url.startsWith(config.ZALO_OPENAPI_URL) || url.startsWith(config.ZALO_BUSINESS_URL);

  async function call<T>(endpoint: string, url: string, init: HttpInit): Promise<T> {
    let res: HttpAnswer;
    if (appLimited(url)) await limiter.take();
    try {
      res = await transport(url, init, config.ZALO_TIMEOUT_MS);
    } catch (err) {
      if (!(err instanceof TransportError)) throw new ZaloError(0, `request not sent: ${(err as Error).message}`, endpoint, "request_invalid");
      throw new ZaloError(0, err.timedOut ? "timed out" : `network error: ${err.message}`, endpoint, "transient", err.afterWrite);
    }
    // Zalo itself answers HTTP 200 (§1.1); a 5xx comes from a gateway in front of it (busy, restarting),
    // whatever its body says. It may have passed the request on.
    if (res.status >= 500) throw new ZaloError(0, `HTTP ${res.status} from Zalo's gateway`, endpoint, "transient", true);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      // Something (Zalo or a proxy in front of it) answered after the request arrived.
      throw new ZaloError(0, `HTTP ${res.status} with a body that is not JSON`, endpoint, "transient", true);
    }
    if (typeof body !== "object" || body === null) throw new ZaloError(0, "empty answer", endpoint, "transient");
    return body as T;
  }

  function unwrap<T>(endpoint: string, env: Envelope<T>): T {
    const code = Number(env.error ?? 0);
    if (code === -32) limiter.pause(1000); // Zalo says slow down: the whole app, every channel
    if (code !== 0) throw new ZaloError(code, env.message ?? "unknown error", endpoint);
    return env.data as T;
  }

  const appSecretProof = (token: string) => createHmac("sha256", config.ZALO_APP_SECRET).update(token).digest("hex");

  // ---- user identity (Graph, §3) ----

  /** Verifies a Mini App user token and returns who it belongs to. Never trust an id the client sends. */
  async function getMe(accessToken: string): Promise<ZaloMe> {
    const q = new URLSearchParams({ fields: "id,name,picture,user_id_by_oa,is_follower", miniapp_id: config.ZALO_MINI_APP_ID });
    const body = await call<Record<string, unknown> & Envelope<unknown>>("graph.me", `${config.ZALO_GRAPH_URL}/v2.0/me?${q}`, {
      headers: { access_token: accessToken, appsecret_proof: appSecretProof(accessToken) },
    });
    // /me is flat, the one Graph exception to the envelope; errors still carry a non-zero `error`.
    const code = Number(body.error ?? 0);
    if (code !== 0 || typeof body.id !== "string" || !body.id) {
      // Zalo being busy (-32, its transient codes) is not a bad token: the caller says "retry", not "sign in again".
      const kind = classify(code);
      const busy = kind === "rate_limit" || kind === "transient" || kind === "quota";
      throw new ZaloError(code || 452, String(body.message ?? "no user id"), "graph.me", busy ? kind : "invalid_user_token");
    }
    const picture = body.picture as { data?: { url?: string } } | undefined;
    return {
      id: body.id,
      name: typeof body.name === "string" && body.name.trim() ? body.name.trim() : null,
      avatar: picture?.data?.url ?? null,
      oaUserId: typeof body.user_id_by_oa === "string" && body.user_id_by_oa ? body.user_id_by_oa : null,
      isFollower: typeof body.is_follower === "boolean" ? body.is_follower : null,
    };
  }

  /** Exchanges a single-use phone token (§3.2). The app secret travels only from here. */
  async function exchangePhoneToken(userAccessToken: string, code: string): Promise<string> {
    const env = await call<Envelope<{ number?: string }>>("graph.me.info", `${config.ZALO_GRAPH_URL}/v2.0/me/info`, {
      headers: { access_token: userAccessToken, code, secret_key: config.ZALO_APP_SECRET },
    });
    const data = unwrap("graph.me.info", env);
    if (!data?.number) throw new ZaloError(0, "no number in the answer", "graph.me.info", "permanent");
    return data.number;
  }

  // ---- OA token (OAuth v4, §4) ----

  // How long a process may hold the right to refresh (wall clock: processes share it, the business clock may be frozen).
  const leaseMs = Math.max(5000, config.ZALO_TIMEOUT_MS * 2);
  const disconnected = (reason: string | null) =>
    new ZaloError(0, `the OA must be connected again (${reason ?? "refresh token refused"})`, "oauth.refresh", "oa_disconnected");

  /**
   * Refreshes the pair `seen` holds, once per cluster: in this process concurrent callers share one flight; across
   * processes one claims the row's lease and spends the refresh token (single use at Zalo, §4), the others wait
   * and re-read the rotated row instead of spending the old token.
   */
  async function refreshOaToken(seen?: OaTokenRow): Promise<OaTokenPair> {
    refreshing ??= (async () => {
      try {
        return await refreshShared(seen ?? (await deps.tokens.get()));
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function refreshShared(seen: OaTokenRow): Promise<OaTokenPair> {
    const giveUp = Date.now() + 2 * leaseMs;
    for (;;) {
      const row = await deps.tokens.get();
      if (row.needsReconnect) throw disconnected(row.reconnectReason);
      if (row.refreshToken !== seen.refreshToken) return row; // another process (or a connect, or the env) moved it
      if (await deps.tokens.claimRefresh(row.refreshToken, Date.now() + leaseMs, Date.now())) return spendRefresh(row);
      if (Date.now() > giveUp) throw new ZaloError(0, "another process is still refreshing the OA token", "oauth.refresh", "transient");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function spendRefresh(row: OaTokenRow): Promise<OaTokenPair> {
    let body: Record<string, unknown>;
    try {
      const form = new URLSearchParams({ app_id: config.ZALO_APP_ID, grant_type: "refresh_token", refresh_token: row.refreshToken });
      body = await call<Record<string, unknown>>("oauth.refresh", `${config.ZALO_OAUTH_URL}/v4/oa/access_token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", secret_key: config.ZALO_APP_SECRET },
        body: form.toString(),
      });
    } catch (err) {
      await deps.tokens.releaseRefresh(row.refreshToken);
      throw err;
    }
    if (typeof body.access_token !== "string" || typeof body.refresh_token !== "string") {
      const code = Number(body.error ?? 0);
      const reason = String(body.error_reason ?? body.error_name ?? "refresh failed");
      const kind = classify(code);
      if (kind === "rate_limit" || kind === "transient") {
        await deps.tokens.releaseRefresh(row.refreshToken);
        throw new ZaloError(code, reason, "oauth.refresh", kind);
      }
      // Zalo refused the refresh token itself (spent, revoked, expired) or this app: only an OA admin's consent helps.
      await deps.tokens.markReconnect(row.refreshToken, `${code}: ${reason}`);
      throw new ZaloError(code, reason, "oauth.refresh", "oa_disconnected");
    }
    const pair = { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: now() + Number(body.expires_in ?? 90000) * 1000 };
    // The old refresh token is spent: persist the new pair before anything uses it. Conditional on the token we
    // spent, which only a connect or a new env pair could have moved meanwhile; theirs is then the one to use.
    if (!(await deps.tokens.saveRefreshed(row.refreshToken, pair))) return deps.tokens.get();
    return pair;
  }

  /** Runs an OA call with a valid token; on a token error refreshes once (shared) and retries once. */
  async function withOaToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    let pair: OaTokenPair = await deps.tokens.get();
    const row = pair as OaTokenRow;
    if (row.needsReconnect) throw disconnected(row.reconnectReason);
    if (pair.expiresAt - now() < REFRESH_MARGIN_MS) pair = await refreshOaToken(row);
    try {
      return await fn(pair.accessToken);
    } catch (err) {
      if (!(err instanceof ZaloError) || err.kind !== "token") throw err;
      const latest = await deps.tokens.get();
      const fresh = latest.accessToken !== pair.accessToken ? latest : await refreshOaToken(latest);
      return fn(fresh.accessToken);
    }
  }

  /** The console's connect (§4): a consent's code and its PKCE verifier for a pair. Nothing is stored here. */
  async function exchangeOaCode(code: string, codeVerifier: string): Promise<OaTokenPair> {
    const form = new URLSearchParams({ app_id: config.ZALO_APP_ID, grant_type: "authorization_code", code, code_verifier: codeVerifier });
    const body = await call<Record<string, unknown>>("oauth.code", `${config.ZALO_OAUTH_URL}/v4/oa/access_token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", secret_key: config.ZALO_APP_SECRET },
      body: form.toString(),
    });
    if (typeof body.access_token !== "string" || typeof body.refresh_token !== "string") {
      const code = Number(body.error ?? 0);
      const kind = classify(code);
      throw new ZaloError(
        code,
        String(body.error_reason ?? body.error_name ?? "code exchange failed"),
        "oauth.code",
        kind === "rate_limit" || kind === "transient" ? kind : "permanent",
      );
    }
    return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: now() + Number(body.expires_in ?? 90000) * 1000 };
  }

  /** Which OA a token belongs to (§5.7 `/v2.0/oa/getoa`; the doc names the id `oaid`, some code reads `oa_id`). */
  async function getOaInfo(accessToken: string): Promise<{ oaId: string; name: string }> {
    const d = unwrap<Record<string, unknown> | null>(
      "oa.getoa",
      await call("oa.getoa", `${config.ZALO_OPENAPI_URL}/v2.0/oa/getoa`, { headers: { access_token: accessToken } }),
    );
    const id = d?.oaid ?? d?.oa_id;
    if (id == null) throw new ZaloError(0, "no OA id in the answer", "oa.getoa", "transient");
    return { oaId: String(id), name: typeof d?.name === "string" ? d.name : "" };
  }

  const oaJson = (token: string, body: unknown): HttpInit => ({
    method: "POST",
    headers: { "content-type": "application/json", access_token: token },
    body: JSON.stringify(body),
  });

  // ---- OA v3 (§5) ----

  /**
   * A CS message: text, optionally with one image by URL (a "media" template element, §5.2), or with an
   * attachment as Zalo takes it (an uploaded image's attachment id, a request for user info). Zalo wants at least
   * one of text and attachment, so an empty text goes only when nothing else does.
   */
  function sendCs(p: { oaUserId: string; text: string; imageUrl?: string | null; attachment?: Record<string, unknown> | null }) {
    const attachment =
      p.attachment ?? (p.imageUrl ? { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", url: p.imageUrl }] } } : null);
    const message = attachment ? { ...(p.text ? { text: p.text } : {}), attachment } : { text: p.text };
    return withOaToken(async (t) =>
      unwrap<{ message_id: string; user_id: string }>(
        "oa.message.cs",
        await call("oa.message.cs", `${config.ZALO_OPENAPI_URL}/v3.0/oa/message/cs`, oaJson(t, { recipient: { user_id: p.oaUserId }, message })),
      ),
    );
  }

  /**
   * Uploads a picture for CS messages (§5.5: multipart, field `file`; jpg/png ≤ 1 MB) and returns its
   * `attachment_id` (valid 7 days). A fresh body per try: the token retry sends the same bytes again.
   */
  function uploadImage(p: { bytes: Buffer; filename: string; contentType: string }) {
    return withOaToken(async (t) => {
      const boundary = `----mc${randomBytes(12).toString("hex")}`;
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${p.filename.replace(/["\r\n]/g, "_")}"\r\nContent-Type: ${p.contentType}\r\n\r\n`;
      const body = Buffer.concat([Buffer.from(head, "utf8"), p.bytes, Buffer.from(`\r\n--${boundary}--\r\n`, "utf8")]);
      const data = unwrap<{ attachment_id?: string }>(
        "oa.upload.image",
        await call("oa.upload.image", `${config.ZALO_OPENAPI_URL}/v2.0/oa/upload/image`, {
          method: "POST",
          headers: { "content-type": `multipart/form-data; boundary=${boundary}`, access_token: t },
          body,
        }),
      );
      if (!data?.attachment_id) throw new ZaloError(0, "no attachment_id in the answer", "oa.upload.image", "permanent");
      return { attachmentId: String(data.attachment_id) };
    });
  }

  function sendTemplateByUid(p: { oaUserId: string; templateId: string; data: Record<string, string> }) {
    return withOaToken(async (t) =>
      unwrap<{ message_id: string; user_id: string; sent_time: string }>(
        "oa.message.template",
        await call(
          "oa.message.template",
          `${config.ZALO_OPENAPI_URL}/v3.0/oa/message/template`,
          oaJson(t, { user_id: p.oaUserId, template_id: p.templateId, template_data: p.data }),
        ),
      ),
    );
  }

  function getUserDetail(oaUserId: string) {
    return withOaToken(async (t) => {
      const q = new URLSearchParams({ data: JSON.stringify({ user_id: oaUserId }) });
      return unwrap<{ user_id: string; user_id_by_app?: string; display_name?: string; user_is_follower?: boolean; avatar?: string }>(
        "oa.user.detail",
        await call("oa.user.detail", `${config.ZALO_OPENAPI_URL}/v3.0/oa/user/detail?${q}`, { headers: { access_token: t } }),
      );
    });
  }

  /**
   * One page of the OA's followers (§5.7 `user/getlist` [THIRD-PARTY]): at most 50 a page, offset at most 9951.
   * Only OA-scoped ids come back; `user/detail` gives the rest.
   */
  function getFollowers(p: { offset: number; count: number }) {
    return withOaToken(async (t) => {
      const q = new URLSearchParams({ data: JSON.stringify({ offset: p.offset, count: p.count, is_follower: true }) });
      const d = unwrap<{ total?: unknown; count?: unknown; users?: { user_id?: unknown }[] } | null>(
        "oa.user.getlist",
        await call("oa.user.getlist", `${config.ZALO_OPENAPI_URL}/v3.0/oa/user/getlist?${q}`, { headers: { access_token: t } }),
      );
      const users = Array.isArray(d?.users) ? d.users.map((u) => (u?.user_id == null ? "" : String(u.user_id))).filter(Boolean) : [];
      return { total: Number(d?.total ?? 0) || 0, userIds: users };
    });
  }

  /**
   * One page of a user's conversation with the OA (§5.7: path [SDK-SOURCE], shape [THIRD-PARTY]). Ids and
   * times may arrive as strings or numbers (§5.1); `fromOa` is `src: 0`. The order is not documented.
   */
  function getConversation(p: { oaUserId: string; offset: number; count: number }) {
    return withOaToken(async (t) => {
      const q = new URLSearchParams({ data: JSON.stringify({ user_id: p.oaUserId, offset: p.offset, count: p.count }) });
      const data = unwrap<unknown>(
        "oa.conversation",
        await call("oa.conversation", `${config.ZALO_OPENAPI_URL}/v2.0/oa/conversation?${q}`, { headers: { access_token: t } }),
      );
      if (!Array.isArray(data)) throw new ZaloError(0, "conversation answer is not a list", "oa.conversation", "transient");
      return data.map((m: Record<string, unknown>) => ({
        fromOa: Number(m.src) === 0,
        time: Number(m.time),
        type: typeof m.type === "string" ? m.type : null,
        message: typeof m.message === "string" ? m.message : null,
        messageId: m.message_id == null ? null : String(m.message_id),
        toId: m.to_id == null ? null : String(m.to_id),
      }));
    });
  }

  // ---- ZNS (§7) ----

  function sendZns(p: { phone: string; templateId: string; data: Record<string, string>; trackingId: string; development?: boolean }) {
    return withOaToken(async (t) => {
      const data = unwrap<{ msg_id: string; sent_time: string; quota?: { dailyQuota: string; remainingQuota: string } }>(
        "zns.send",
        await call(
          "zns.send",
          `${config.ZALO_BUSINESS_URL}/message/template`,
          oaJson(t, {
            phone: p.phone,
            template_id: p.templateId,
            template_data: p.data,
            tracking_id: p.trackingId,
            ...(p.development ? { mode: "development" } : {}),
          }),
        ),
      );
      return {
        msgId: data.msg_id,
        sentTime: Number(data.sent_time),
        quota: data.quota ? { daily: Number(data.quota.dailyQuota), remaining: Number(data.quota.remainingQuota) } : null,
      };
    });
  }

  function getZnsQuota() {
    return withOaToken(async (t) => {
      const d = unwrap<{ dailyQuota: number | string; remainingQuota: number | string }>(
        "zns.quota",
        await call("zns.quota", `${config.ZALO_BUSINESS_URL}/message/quota`, { headers: { access_token: t } }),
      );
      return { daily: Number(d.dailyQuota), remaining: Number(d.remainingQuota) };
    });
  }

  /**
   * A template's detail (§7.3 `/template/info/v2`): its name, review status, params and tag as Zalo gives them.
   * `templateTag` is passed on raw (its literals are not documented); prices arrive as strings.
   */
  function getZnsTemplate(templateId: string): Promise<ZnsTemplateDetail> {
    return withOaToken(async (t) => {
      const d = unwrap<Record<string, unknown> | null>(
        "zns.template.info",
        await call("zns.template.info", `${config.ZALO_BUSINESS_URL}/template/info/v2?${new URLSearchParams({ template_id: templateId })}`, {
          headers: { access_token: t },
        }),
      );
      if (!d || typeof d !== "object") throw new ZaloError(0, "no template in the answer", "zns.template.info", "transient");
      const list = Array.isArray(d.listParams) ? (d.listParams as Record<string, unknown>[]) : [];
      const price = d.price == null || d.price === "" ? null : Number(d.price);
      return {
        templateId: String(d.templateId ?? templateId),
        templateName: typeof d.templateName === "string" ? d.templateName : "",
        status: String(d.status ?? ""),
        params: list.map((p) => ({
          name: String(p.name ?? ""),
          require: p.require === undefined ? true : Boolean(p.require),
          type: p.type == null ? "STRING" : String(p.type),
          maxLength: Number(p.maxLength ?? 0),
        })),
        templateTag: d.templateTag ?? null,
        price: price !== null && Number.isFinite(price) ? price : null,
      };
    });
  }

  // ---- Checkout SDK (§8.4) ----

  /**
   * getOrderStatus for a Checkout order id. Its answers use `error` (or `err`, like create-v2) for failures;
   * returnCode is 0 processing, 1 success, -1 failed.
   */
  async function getCheckoutStatus(checkoutOrderId: string) {
    const key = config.ZALO_CHECKOUT_PRIVATE_KEY;
    if (!key) throw new ZaloError(0, "no Checkout private key configured", "checkout.status", "permanent");
    const base = config.ZALO_PAYMENT_URL ?? "https://payment-mini.zalo.me";
    const q = new URLSearchParams({
      orderId: checkoutOrderId,
      appId: config.ZALO_MINI_APP_ID,
      mac: orderStatusMac(key, config.ZALO_MINI_APP_ID, checkoutOrderId),
    });
    const body = await call<Envelope<Record<string, unknown>> & { err?: number; msg?: string }>(
      "checkout.status",
      `${base}/api/transaction/get-status?${q}`,
      {},
    );
    const data = unwrap("checkout.status", { error: body.error ?? body.err, message: body.message ?? body.msg, data: body.data });
    if (!data) throw new ZaloError(0, "no data in the answer", "checkout.status", "transient");
    return {
      returnCode: Number(data.returnCode ?? 0),
      returnMessage: String(data.returnMessage ?? ""),
      isProcessing: Boolean(data.isProcessing),
      transId: data.transId == null ? null : String(data.transId),
      amount: Number(data.amount ?? NaN),
      method: data.method == null ? null : String(data.method),
      extradata: typeof data.extradata === "string" ? data.extradata : data.extradata == null ? null : JSON.stringify(data.extradata),
    };
  }

  /**
   * updateOrderStatus (§8.4): tells Checkout the result of a COD / bank-transfer order (1 paid, -1 failed,
   * 2 refunded). JSON body; answers `{err, msg}` (`error` kept for old clients).
   */
  async function updateCheckoutStatus(checkoutOrderId: string, resultCode: 1 | -1 | 2) {
    const key = config.ZALO_CHECKOUT_PRIVATE_KEY;
    if (!key) throw new ZaloError(0, "no Checkout private key configured", "checkout.update", "permanent");
    const base = config.ZALO_PAYMENT_URL ?? "https://payment-mini.zalo.me";
    const appId = config.ZALO_MINI_APP_ID;
    const body = await call<{ err?: number; error?: number; msg?: string; message?: string }>(
      "checkout.update",
      `${base}${config.ZALO_CHECKOUT_UPDATE_PATH ?? "/api/transaction/update-status"}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ appId, orderId: checkoutOrderId, resultCode, mac: updateStatusMac(key, appId, checkoutOrderId, resultCode) }),
      },
    );
    unwrap("checkout.update", { error: body.err ?? body.error, message: body.msg ?? body.message });
  }

  return {
    /** The app-wide request limiter (§5.9) every OA/ZNS call shares; the dispatcher sizes its channels under it. */
    limiter,
    updateCheckoutStatus,
    getMe,
    exchangePhoneToken,
    refreshOaToken,
    withOaToken,
    exchangeOaCode,
    getOaInfo,
    sendCs,
    uploadImage,
    sendTemplateByUid,
    getUserDetail,
    getFollowers,
    getConversation,
    sendZns,
    getZnsQuota,
    getZnsTemplate,
    getCheckoutStatus,
  };
}

export type ZaloClient = ReturnType<typeof createZaloClient>;
