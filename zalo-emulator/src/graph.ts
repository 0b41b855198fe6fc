import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { header, type Ctx } from "./context";
import { ZaloCode, zaloError, zaloOk } from "./errors";
import { checkUserToken } from "./state";

const proofOf = (secret: string, token: string) => createHmac("sha256", secret).update(token).digest("hex");

function sameHex(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** graph.zalo.me (§3). Mounted under /graph. */
export function registerGraph(app: FastifyInstance, ctx: Ctx) {
  const { state, clock } = ctx;

  // §3.1: /me answers flat (no `data` wrapper), the one exception to the envelope.
  app.get("/graph/v2.0/me", async (req, reply) => {
    const token = header(req.headers, "access_token");
    const check = checkUserToken(state, clock.now(), token);
    if (!check.ok) return zaloError(reply, ZaloCode.SESSION_KEY_INVALID, "Session key invalid");

    // §3.1: accept with or without appsecret_proof; a wrong one always fails, a missing one only when enforced.
    const proof = header(req.headers, "appsecret_proof");
    if (proof !== undefined ? !sameHex(proof, proofOf(state.config.appSecret, token!)) : state.config.enforceAppSecretProof) {
      return zaloError(reply, ZaloCode.APPSECRET_PROOF_INVALID, "Invalid appsecret_proof");
    }

    const user = state.users.get(check.appUserId);
    if (!user) return zaloError(reply, ZaloCode.SESSION_KEY_INVALID, "Session key invalid");

    const q = req.query as Record<string, string | undefined>;
    // §1.11/§2.4: `miniapp_id` names the Mini App (not the Zalo App). A wrong one is refused; without one there
    // is no Mini App, so no OA link: `user_id_by_oa` and `is_follower` come only with the right id.
    if (q.miniapp_id !== undefined && q.miniapp_id !== state.config.miniAppId) {
      return zaloError(reply, ZaloCode.MINIAPP_ID_INVALID, "miniapp_id is invalid");
    }
    const linked = q.miniapp_id !== undefined;
    // `picture[.type(normal)]` and `picture.type(large)` both ask for the picture.
    const fields = new Set((q.fields ?? "id,name,picture").split(",").map((f) => f.trim().replace(/\..*$/, "")));
    const out: Record<string, unknown> = { id: user.appUserId };
    // §1.13: without scope.userInfo the token yields only the id. Whether Zalo omits the fields or sends them
    // empty is [INFERRED]; we omit them.
    if (user.userInfoConsent && fields.has("name")) out.name = user.name;
    if (user.userInfoConsent && fields.has("picture")) out.picture = { data: { url: user.avatar } };
    if (linked && fields.has("user_id_by_oa")) out.user_id_by_oa = user.oaUserId;
    if (linked && fields.has("is_follower")) out.is_follower = user.follower;
    if (fields.has("is_sensitive")) out.is_sensitive = false;
    return reply.send({ ...out, error: 0, message: "Success" });
  });

  // §3.2: phone-token exchange. Note the raw `secret_key` here (not appsecret_proof).
  app.get("/graph/v2.0/me/info", async (req, reply) => {
    const now = clock.now();
    const check = checkUserToken(state, now, header(req.headers, "access_token"));
    if (!check.ok) return zaloError(reply, ZaloCode.SESSION_KEY_INVALID, "Session key invalid");
    if (header(req.headers, "secret_key") !== state.config.appSecret) {
      return zaloError(reply, ZaloCode.APP_SECRET_INVALID, "app secret key invalid");
    }
    const code = header(req.headers, "code");
    const pt = code ? state.phoneTokens.get(code) : undefined;
    if (!pt || pt.appUserId !== check.appUserId) return zaloError(reply, ZaloCode.PHONE_CODE_INVALID, "code is invalid");
    if (pt.used) return zaloError(reply, ZaloCode.PHONE_CODE_INVALID, "code is invalid: already used");
    if (pt.expiresAt <= now) return zaloError(reply, ZaloCode.PHONE_CODE_INVALID, "code is invalid: expired");
    const user = state.users.get(check.appUserId);
    if (!user?.phone) return zaloError(reply, ZaloCode.PHONE_CODE_INVALID, "code is invalid");
    pt.used = true;
    return zaloOk(reply, { number: user.phone });
  });
}
