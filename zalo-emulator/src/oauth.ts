import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { header, type Ctx } from "./context";
import { oauthError, ZaloCode } from "./errors";
import { AUTH_CODE_TTL_MS, issueOaPair, OA_TOKEN_TTL_S, opaqueToken } from "./state";

/** PKCE S256 (RFC 7636): base64url(sha256(verifier)), no padding. */
export const pkceChallenge = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** oauth.zaloapp.com (§4). Mounted under /oauth. Success has no `error` field; `expires_in` is a string. */
export function registerOauth(app: FastifyInstance, ctx: Ctx) {
  const { state, clock } = ctx;

  type Ask = { app_id?: string; redirect_uri?: string; code_challenge?: string; state?: string };

  /** What Zalo's consent page refuses before showing anything (§4): the app, the redirect_uri, the challenge. */
  function refusal(q: Ask): { code: number; reason: string } | null {
    if (q.app_id !== state.config.appId) return { code: ZaloCode.OAUTH_INVALID_APP_ID, reason: "Invalid appId" };
    let uri: URL | null = null;
    try {
      uri = q.redirect_uri ? new URL(q.redirect_uri) : null;
    } catch {
      uri = null;
    }
    const registered = state.config.oauthRedirectUris;
    if (!uri || !/^https?:$/.test(uri.protocol) || (registered.length > 0 && !registered.includes(q.redirect_uri!))) {
      return { code: ZaloCode.OAUTH_INVALID_REDIRECT_URI, reason: "Invalid redirect uri" };
    }
    // S256 challenges are 43 base64url characters; the flow is PKCE-only (§4 has no plain method).
    if (!q.code_challenge || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge)) return { code: ZaloCode.OAUTH_INVALID_PARAM, reason: "Invalid code_challenge" };
    return null;
  }

  function errorPage(reply: FastifyReply, r: { code: number; reason: string }) {
    return reply
      .code(200)
      .type("text/html; charset=utf-8")
      .send(`<!doctype html><meta charset="utf-8"><title>Zalo</title><h1>Lỗi ${r.code}</h1><p id="error">${esc(r.reason)}</p>`);
  }

  /** The admin said yes: a 10-minute single-use code bound to the challenge, back to the redirect_uri with the OA id. */
  function approve(reply: FastifyReply, q: Ask) {
    const code = opaqueToken("emu-code-");
    state.authCodes.set(code, {
      expiresAt: clock.now() + AUTH_CODE_TTL_MS,
      used: false,
      codeChallenge: q.code_challenge!,
      appId: q.app_id!,
      redirectUri: q.redirect_uri!,
    });
    const to = new URL(q.redirect_uri!);
    to.searchParams.set("code", code);
    to.searchParams.set("oa_id", state.config.oaId);
    if (q.state !== undefined) to.searchParams.set("state", q.state);
    return reply.redirect(to.toString(), 302);
  }

  // The consent page an OA admin sees (§4 "Authorize"): the OA, the app asking, allow or deny.
  app.get("/oauth/v4/oa/permission", async (req, reply) => {
    const q = req.query as Ask;
    const r = refusal(q);
    if (r) return errorPage(reply, r);
    if (state.oauthAutoApprove) return approve(reply, q);
    const hidden = (["app_id", "redirect_uri", "code_challenge", "state"] as const)
      .filter((k) => q[k] !== undefined)
      .map((k) => `<input type="hidden" name="${k}" value="${esc(String(q[k]))}">`)
      .join("");
    return reply.code(200).type("text/html; charset=utf-8").send(`<!doctype html><html lang="vi"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Zalo – Cấp quyền cho ứng dụng</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
.card{border:1px solid #ddd;border-radius:12px;padding:1.25rem}button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:0;margin-right:.5rem}
.ok{background:#0068ff;color:#fff}.no{background:#eee}</style>
<div class="card"><p><strong>Zalo (trình giả lập)</strong></p>
<h1 style="font-size:1.2rem">Cho phép ứng dụng quản lý Official Account</h1>
<p>Official Account: <strong id="oa-name">${esc(state.config.oaName)}</strong> (${esc(state.config.oaId)})</p>
<p>Ứng dụng ${esc(state.config.appId)} muốn gửi tin và đọc thông tin người quan tâm thay mặt OA.</p>
<form method="post" action="permission/approve">${hidden}<button class="ok" type="submit" name="decision" value="allow">Cho phép</button>
<button class="no" type="submit" name="decision" value="deny">Từ chối</button></form></div></html>`);
  });

  app.post("/oauth/v4/oa/permission/approve", async (req, reply) => {
    const q = (req.body ?? {}) as Ask & { decision?: string };
    const r = refusal(q);
    if (r) return errorPage(reply, r);
    if (q.decision !== "allow") {
      // Denied: back to the app without a code [UNCONFIRMED: Zalo's exact parameters for a refusal].
      const to = new URL(q.redirect_uri!);
      to.searchParams.set("error", "access_denied");
      if (q.state !== undefined) to.searchParams.set("state", q.state);
      return reply.redirect(to.toString(), 302);
    }
    return approve(reply, q);
  });

  app.post("/oauth/v4/oa/access_token", async (req, reply) => {
    const now = clock.now();
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (body.app_id !== state.config.appId) return oauthError(reply, ZaloCode.OAUTH_INVALID_APP_ID, "Invalid appId", "app_id is invalid or not activated");
    if (header(req.headers, "secret_key") !== state.config.appSecret) {
      return oauthError(reply, ZaloCode.OAUTH_INVALID_SECRET, "Invalid secret key", "secret_key is invalid");
    }

    if (body.grant_type === "refresh_token") {
      const rt = body.refresh_token ? state.oaRefreshTokens.get(body.refresh_token) : undefined;
      // §4: single use and rotating; a spent or expired refresh token is dead.
      if (!rt || rt.used || rt.expiresAt <= now) {
        return oauthError(
          reply,
          ZaloCode.OAUTH_INVALID_REFRESH_TOKEN,
          "Invalid refresh token",
          !rt ? "refresh_token is invalid" : rt.used ? "refresh_token has been used" : "refresh_token is expired",
        );
      }
      rt.used = true;
      state.oa.refreshCount++;
      const pair = issueOaPair(state, now);
      return reply.send({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(OA_TOKEN_TTL_S) });
    }

    if (body.grant_type === "authorization_code") {
      const ac = body.code ? state.authCodes.get(body.code) : undefined;
      if (!ac || ac.used || ac.expiresAt <= now || ac.appId !== body.app_id) {
        return oauthError(reply, ZaloCode.OAUTH_INVALID_CODE, "Invalid code", "code is invalid, used or expired");
      }
      // PKCE (§4): the verifier must hash to the challenge the consent was asked with. A code is spent by any try.
      ac.used = true;
      const got = Buffer.from(pkceChallenge(body.code_verifier ?? ""));
      const want = Buffer.from(ac.codeChallenge);
      if (!body.code_verifier || got.length !== want.length || !timingSafeEqual(got, want)) {
        return oauthError(reply, ZaloCode.OAUTH_INVALID_CODE_VERIFIER, "Invalid code verifier", "code_verifier does not match code_challenge");
      }
      const pair = issueOaPair(state, now);
      return reply.send({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(OA_TOKEN_TTL_S) });
    }

    return oauthError(reply, ZaloCode.OAUTH_INVALID_PARAM, "Invalid param", "grant_type must be refresh_token or authorization_code");
  });
}
