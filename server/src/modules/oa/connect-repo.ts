import { q, type Store } from "../../db/store";

export type ConnectState = { codeVerifier: string; adminUserId: string };

/** The only writer of `oa_connect_states`: console OAuth connects in progress (single use, expiring). */
export function createConnectRepo(store: Store) {
  const insertStmt = store.prepare("insert into oa_connect_states (state, code_verifier, admin_user_id, created_at, expires_at) values (?, ?, ?, ?, ?)");
  // Single use across processes: one conditional update takes it, a replay or a second tab gets nothing.
  const takeStmt = store.prepare<ConnectState>(
    `update oa_connect_states set used_at = ? where state = ? and used_at is null and expires_at > ? returning code_verifier as "codeVerifier", admin_user_id as "adminUserId"`,
  );
  const prune = store.prepare("delete from oa_connect_states where expires_at < ?");
  return {
    insert: (p: { state: string; codeVerifier: string; adminUserId: string; now: number; expiresAt: number }) =>
      store.join(function* () {
        yield* q(prune.run(p.now - 24 * 3600_000));
        yield* q(insertStmt.run(p.state, p.codeVerifier, p.adminUserId, p.now, p.expiresAt));
      }),
    take: (state: string, now: number) => takeStmt.get(now, state, now),
  };
}
export type ConnectRepo = ReturnType<typeof createConnectRepo>;
