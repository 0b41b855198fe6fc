import type { Db } from "../../db/client";

export type ConnectState = { codeVerifier: string; adminUserId: string };

/** The only writer of `oa_connect_states`: console OAuth connects in progress (single use, expiring). */
export function createConnectRepo(db: Db) {
  const c = db.$client;
  const insert = c.prepare("insert into oa_connect_states (state, code_verifier, admin_user_id, created_at, expires_at) values (?, ?, ?, ?, ?)");
  // Single use across processes: one conditional update takes it, a replay or a second tab gets nothing.
  const take = c.prepare(
    "update oa_connect_states set used_at = ? where state = ? and used_at is null and expires_at > ? returning code_verifier as codeVerifier, admin_user_id as adminUserId",
  );
  const prune = c.prepare("delete from oa_connect_states where expires_at < ?");
  return {
    insert: (p: { state: string; codeVerifier: string; adminUserId: string; now: number; expiresAt: number }) => {
      prune.run(p.now - 24 * 3600_000);
      insert.run(p.state, p.codeVerifier, p.adminUserId, p.now, p.expiresAt);
    },
    take: (state: string, now: number) => take.get(now, state, now) as ConnectState | undefined,
  };
}
export type ConnectRepo = ReturnType<typeof createConnectRepo>;
