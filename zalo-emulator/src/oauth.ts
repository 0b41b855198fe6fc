import type { FastifyInstance } from "fastify";
import { header, type Ctx } from "./context";
import { oauthError, ZaloCode } from "./errors";
import { issueOaPair, OA_TOKEN_TTL_S } from "./state";

/** oauth.zaloapp.com (§4). Mounted under /oauth. Success has no `error` field; `expires_in` is a string. */
export function registerOauth(app: FastifyInstance, ctx: Ctx) {
  const { state, clock } = ctx;

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
      if (!ac || ac.used || ac.expiresAt <= now) return oauthError(reply, ZaloCode.OAUTH_INVALID_CODE, "Invalid code", "code is invalid, used or expired");
      ac.used = true;
      const pair = issueOaPair(state, now);
      return reply.send({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(OA_TOKEN_TTL_S) });
    }

    return oauthError(reply, ZaloCode.OAUTH_INVALID_PARAM, "Invalid param", "grant_type must be refresh_token or authorization_code");
  });
}
