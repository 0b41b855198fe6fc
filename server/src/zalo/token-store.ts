import { createHash } from "node:crypto";
import type { Config } from "../config";
import { q, type Awaitable, type Store } from "../db/store";
import type { OaTokenPair, OaTokenRow, OaTokenStore } from "./client";

const ENV_TTL_MS = 25 * 3600_000; // §4: an access token lives 25 h; the env's pair's age is unknown, so a refresh comes on its first -216

/** Which pair the environment supplied, without keeping the tokens themselves a second time. */
export const envFingerprint = (access: string, refresh: string) => createHash("sha256").update(`${access}\n${refresh}`).digest("hex");

const isPromise = (v: unknown): v is Promise<unknown> => v instanceof Promise;

/**
 * The OA token pair lives in one row, shared by every process on the database (the API, standalone
 * dispatchers); this file is its only writer. Every write that replaces a pair is conditional on the refresh
 * token it replaces, so two processes can never both move it, and each bumps `version`.
 *
 * Refreshing once per cluster is the row's lease: `claimRefresh` is one conditional update, which on SQLite
 * runs under the file's write lock and on PostgreSQL re-checks its condition on the row as the winner committed
 * it (READ COMMITTED), so one claimer wins and the others see the lease and re-read. A lease rather than
 * pg_advisory_xact_lock: the refresh is a network call, and no transaction stays open across one.
 *
 * The environment seeds it, and moves it: a pair in the env different from the one the env last supplied
 * (an operator re-consented outside the product) wins over the stored one; the same pair keeps the stored,
 * possibly rotated, one (the env's refresh token is spent by then).
 */
export function oaTokenStore(store: Store, config: Pick<Config, "ZALO_OA_ACCESS_TOKEN" | "ZALO_OA_REFRESH_TOKEN">, now: () => number): OaTokenStore {
  const fp = envFingerprint(config.ZALO_OA_ACCESS_TOKEN, config.ZALO_OA_REFRESH_TOKEN);
  const fingerprint = store.prepare<string | null>("select env_fingerprint from oa_tokens where id = 1", "pluck");
  // `on conflict do nothing`: two processes starting on an empty database both try the first row.
  const seed = store.prepare(
    `insert into oa_tokens (id, access_token, refresh_token, expires_at, updated_at, version, env_fingerprint, source) values (1, ?, ?, ?, ?, 1, ?, 'env')
     on conflict (id) do nothing`,
  );
  const adoptFingerprint = store.prepare("update oa_tokens set env_fingerprint = ? where id = 1 and env_fingerprint is null");
  const fromEnv = store.prepare(
    `update oa_tokens set access_token = ?, refresh_token = ?, expires_at = ?, updated_at = ?, version = version + 1, env_fingerprint = ?,
       source = 'env', oa_id = null, oa_name = null, connected_at = null, refresh_lease_until = null, reconnect_since = null, reconnect_reason = null
     where id = 1 and (env_fingerprint is null or env_fingerprint <> ?)`,
  );
  const t = now();
  const seeded = store.tx(function* () {
    const row = yield* q(fingerprint.all());
    if (!row.length) {
      yield* q(seed.run(config.ZALO_OA_ACCESS_TOKEN, config.ZALO_OA_REFRESH_TOKEN, t + ENV_TTL_MS, t, fp));
    } else if (row[0] === null) {
      // A row from before fingerprints: it was seeded from this env and maybe rotated since; keep it.
      yield* q(adoptFingerprint.run(fp));
    } else if (row[0] !== fp) {
      yield* q(fromEnv.run(config.ZALO_OA_ACCESS_TOKEN, config.ZALO_OA_REFRESH_TOKEN, t + ENV_TTL_MS, t, fp, fp));
    }
  });
  // On PostgreSQL the seed is a promise: every call waits for it, and sees its failure (on SQLite it has run
  // already). Marked handled here: a failed seed is every call's error, not an unhandled rejection at start.
  if (isPromise(seeded)) seeded.catch(() => {});
  const after = <T>(f: () => Awaitable<T>): Awaitable<T> => (isPromise(seeded) ? seeded.then(f) : f());

  // Read on every Zalo call (another process may have rotated the pair), so prepared once.
  const read = store.prepare<Omit<OaTokenRow, "needsReconnect">>(
    `select access_token as "accessToken", refresh_token as "refreshToken", expires_at as "expiresAt", version, source, oa_id as "oaId", oa_name as "oaName",
       connected_at as "connectedAt", refresh_lease_until as "leaseUntil", reconnect_since as "reconnectSince", reconnect_reason as "reconnectReason"
     from oa_tokens where id = 1`,
  );
  const claim = store.prepare(
    "update oa_tokens set refresh_lease_until = ? where id = 1 and refresh_token = ? and reconnect_since is null and (refresh_lease_until is null or refresh_lease_until <= ?)",
  );
  const release = store.prepare("update oa_tokens set refresh_lease_until = null where id = 1 and refresh_token = ?");
  const rotate = store.prepare(
    `update oa_tokens set access_token = ?, refresh_token = ?, expires_at = ?, updated_at = ?, version = version + 1, refresh_lease_until = null
     where id = 1 and refresh_token = ?`,
  );
  const markDead = store.prepare(
    "update oa_tokens set reconnect_since = ?, reconnect_reason = ?, refresh_lease_until = null, updated_at = ? where id = 1 and refresh_token = ?",
  );
  const connect = store.prepare(
    `update oa_tokens set access_token = ?, refresh_token = ?, expires_at = ?, updated_at = ?, version = version + 1, source = 'console',
       oa_id = ?, oa_name = ?, connected_at = ?, refresh_lease_until = null, reconnect_since = null, reconnect_reason = null
     where id = 1`,
  );
  const map = <A, B>(v: Awaitable<A>, f: (a: A) => B): Awaitable<B> => (isPromise(v) ? v.then(f) : f(v as A));
  const toRow = (r: Omit<OaTokenRow, "needsReconnect"> | undefined): OaTokenRow => {
    if (!r) throw new Error("oa_tokens has no row: the store seeds it at start");
    return { ...r, needsReconnect: r.reconnectSince !== null };
  };

  return {
    get: () => after(() => map(read.get(), toRow)),
    claimRefresh: (refreshToken, leaseUntil, wallNow) => after(() => map(claim.run(leaseUntil, refreshToken, wallNow), (r) => r.changes === 1)),
    releaseRefresh: (refreshToken) => after(() => map(release.run(refreshToken), () => undefined)),
    saveRefreshed: (oldRefreshToken, p: OaTokenPair) =>
      after(() => map(rotate.run(p.accessToken, p.refreshToken, p.expiresAt, now(), oldRefreshToken), (r) => r.changes === 1)),
    markReconnect: (refreshToken, reason) => after(() => map(markDead.run(now(), reason.slice(0, 300), now(), refreshToken), () => undefined)),
    connect: (p) => after(() => map(connect.run(p.accessToken, p.refreshToken, p.expiresAt, now(), p.oaId, p.oaName, now()), () => undefined)),
  };
}
