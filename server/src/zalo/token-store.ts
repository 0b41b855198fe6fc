import { createHash } from "node:crypto";
import type { Config } from "../config";
import type { Db } from "../db/client";
import type { OaTokenPair, OaTokenRow, OaTokenStore } from "./client";

const ENV_TTL_MS = 25 * 3600_000; // §4: an access token lives 25 h; the env's pair's age is unknown, so a refresh comes on its first -216

/** Which pair the environment supplied, without keeping the tokens themselves a second time. */
export const envFingerprint = (access: string, refresh: string) => createHash("sha256").update(`${access}\n${refresh}`).digest("hex");

/**
 * The OA token pair lives in one SQLite row, shared by the API and a standalone dispatcher; this file is its
 * only writer. Every write that replaces a pair is conditional on the refresh token it replaces, so two
 * processes can never both move it, and each bumps `version`.
 *
 * The environment seeds it, and moves it: a pair in the env different from the one the env last supplied
 * (an operator re-consented outside the product) wins over the stored one; the same pair keeps the stored,
 * possibly rotated, one (the env's refresh token is spent by then).
 */
export function oaTokenStore(db: Db, config: Pick<Config, "ZALO_OA_ACCESS_TOKEN" | "ZALO_OA_REFRESH_TOKEN">, now: () => number): OaTokenStore {
  const c = db.$client;
  const fp = envFingerprint(config.ZALO_OA_ACCESS_TOKEN, config.ZALO_OA_REFRESH_TOKEN);
  const t = now();
  c.transaction(() => {
    const row = c.prepare("select env_fingerprint as fp from oa_tokens where id = 1").get() as { fp: string | null } | undefined;
    if (!row) {
      c.prepare(
        "insert into oa_tokens (id, access_token, refresh_token, expires_at, updated_at, version, env_fingerprint, source) values (1, ?, ?, ?, ?, 1, ?, 'env')",
      ).run(config.ZALO_OA_ACCESS_TOKEN, config.ZALO_OA_REFRESH_TOKEN, t + ENV_TTL_MS, t, fp);
    } else if (row.fp === null) {
      // A row from before fingerprints: it was seeded from this env and maybe rotated since; keep it.
      c.prepare("update oa_tokens set env_fingerprint = ? where id = 1 and env_fingerprint is null").run(fp);
    } else if (row.fp !== fp) {
      c.prepare(
        `update oa_tokens set access_token = ?, refresh_token = ?, expires_at = ?, updated_at = ?, version = version + 1, env_fingerprint = ?,
           source = 'env', oa_id = null, oa_name = null, connected_at = null, refresh_lease_until = null, reconnect_since = null, reconnect_reason = null
         where id = 1 and env_fingerprint is not ?`,
      ).run(config.ZALO_OA_ACCESS_TOKEN, config.ZALO_OA_REFRESH_TOKEN, t + ENV_TTL_MS, t, fp, fp);
    }
  }).immediate();

  // Read on every Zalo call (another process may have rotated the pair), so prepared once.
  const read = c.prepare(
    `select access_token as accessToken, refresh_token as refreshToken, expires_at as expiresAt, version, source, oa_id as oaId, oa_name as oaName,
       connected_at as connectedAt, refresh_lease_until as leaseUntil, reconnect_since as reconnectSince, reconnect_reason as reconnectReason
     from oa_tokens where id = 1`,
  );
  const claim = c.prepare(
    "update oa_tokens set refresh_lease_until = ? where id = 1 and refresh_token = ? and reconnect_since is null and (refresh_lease_until is null or refresh_lease_until <= ?)",
  );
  const release = c.prepare("update oa_tokens set refresh_lease_until = null where id = 1 and refresh_token = ?");
  const rotate = c.prepare(
    `update oa_tokens set access_token = ?, refresh_token = ?, expires_at = ?, updated_at = ?, version = version + 1, refresh_lease_until = null
     where id = 1 and refresh_token = ?`,
  );
  const markDead = c.prepare(
    "update oa_tokens set reconnect_since = ?, reconnect_reason = ?, refresh_lease_until = null, updated_at = ? where id = 1 and refresh_token = ?",
  );
  const connect = c.prepare(
    `update oa_tokens set access_token = ?, refresh_token = ?, expires_at = ?, updated_at = ?, version = version + 1, source = 'console',
       oa_id = ?, oa_name = ?, connected_at = ?, refresh_lease_until = null, reconnect_since = null, reconnect_reason = null
     where id = 1`,
  );

  return {
    get: () => {
      const r = read.get() as Omit<OaTokenRow, "needsReconnect"> & { reconnectSince: number | null };
      return { ...r, needsReconnect: r.reconnectSince !== null };
    },
    claimRefresh: (refreshToken, leaseUntil, wallNow) => claim.run(leaseUntil, refreshToken, wallNow).changes === 1,
    releaseRefresh: (refreshToken) => void release.run(refreshToken),
    saveRefreshed: (oldRefreshToken, p: OaTokenPair) => rotate.run(p.accessToken, p.refreshToken, p.expiresAt, now(), oldRefreshToken).changes === 1,
    markReconnect: (refreshToken, reason) => void markDead.run(now(), reason.slice(0, 300), now(), refreshToken),
    connect: (p) => void connect.run(p.accessToken, p.refreshToken, p.expiresAt, now(), p.oaId, p.oaName, now()),
  };
}
