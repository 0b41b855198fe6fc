import { createHash, randomBytes } from "node:crypto";
import { ErrorCode } from "@mc/shared";
import type { Config } from "../../config";
import type { Awaitable } from "../../db/store";
import { AppError } from "../../errors";
import type { OaTokenStore, ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import type { ConnectRepo } from "./connect-repo";

const STATE_TTL_MS = 10 * 60_000; // as long as Zalo's code lives (§4)

/** PKCE S256 (RFC 7636), as Zalo's OAuth v4 takes it (§4). */
export const pkceChallenge = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

export type OaConnectStatus = {
  /** The OA the stored pair belongs to, as Zalo named it at the console's connect (null: the env's pair). */
  oa: { id: string; name: string } | null;
  source: "env" | "console";
  configuredOaId: string;
  connectedAt: string | null;
  expiresAt: string;
  /** Zalo refused the refresh token: an OA admin must connect again; messages wait meanwhile. */
  reconnect: { since: string; reason: string | null } | null;
  redirectUri: string;
};

/**
 * The console's "Kết nối OA" (OAuth v4 with PKCE, §4): `start` makes a single-use, ten-minute state bound to
 * the owner who asked and the verifier only the server keeps; Zalo's consent page sends the admin back to
 * `GET /zalo/oa/callback` with a code, which `finish` exchanges with the verifier, names the OA, and stores.
 */
export function createOaConnect(deps: {
  repo: ConnectRepo;
  tokens: OaTokenStore;
  zalo: Pick<ZaloClient, "exchangeOaCode" | "getOaInfo">;
  /** Whether the account that started a connect may still connect the OA (an owner, active). */
  mayConnect: (adminUserId: string) => Awaitable<boolean>;
  config: Pick<Config, "ZALO_APP_ID" | "ZALO_OAUTH_URL" | "ZALO_OA_ID"> & { redirectUri: string };
  now: () => number;
}) {
  const { config, now } = deps;

  async function start(adminUserId: string): Promise<{ url: string }> {
    const codeVerifier = randomBytes(32).toString("base64url");
    const state = randomBytes(24).toString("base64url");
    await deps.repo.insert({ state, codeVerifier, adminUserId, now: now(), expiresAt: now() + STATE_TTL_MS });
    const q = new URLSearchParams({ app_id: config.ZALO_APP_ID, redirect_uri: config.redirectUri, code_challenge: pkceChallenge(codeVerifier), state });
    return { url: `${config.ZALO_OAUTH_URL}/v4/oa/permission?${q}` };
  }

  async function finish(p: { code?: string; state?: string; error?: string }): Promise<{ oaId: string; name: string }> {
    if (!p.state) throw new AppError(ErrorCode.OA_CONNECT_STATE_INVALID, "no state");
    const taken = await deps.repo.take(p.state, now());
    if (!taken || !(await deps.mayConnect(taken.adminUserId))) throw new AppError(ErrorCode.OA_CONNECT_STATE_INVALID, "unknown, used or expired state");
    if (p.error || !p.code) throw new AppError(ErrorCode.OA_CONNECT_DENIED, `consent not given (${p.error ?? "no code"})`);
    try {
      const pair = await deps.zalo.exchangeOaCode(p.code, taken.codeVerifier);
      const oa = await deps.zalo.getOaInfo(pair.accessToken);
      await deps.tokens.connect({ ...pair, oaId: oa.oaId, oaName: oa.name });
      return oa;
    } catch (err) {
      if (err instanceof ZaloError && (err.kind === "transient" || err.kind === "rate_limit")) throw new AppError(ErrorCode.ZALO_BUSY, err.message);
      if (err instanceof ZaloError) throw new AppError(ErrorCode.OA_CONNECT_FAILED, err.message, { zaloError: err.zaloCode });
      throw err;
    }
  }

  async function status(): Promise<OaConnectStatus> {
    const r = await deps.tokens.get();
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      oa: r.oaId ? { id: r.oaId, name: r.oaName ?? "" } : null,
      source: r.source,
      configuredOaId: config.ZALO_OA_ID,
      connectedAt: iso(r.connectedAt),
      expiresAt: new Date(r.expiresAt).toISOString(),
      reconnect: r.needsReconnect ? { since: iso(r.reconnectSince)!, reason: r.reconnectReason } : null,
      redirectUri: config.redirectUri,
    };
  }

  return { start, finish, status };
}
export type OaConnect = ReturnType<typeof createOaConnect>;
