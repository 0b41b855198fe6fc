import type { OperatorRole } from "@mc/shared";
import { rowReader } from "../../db/rows";
import { adminUsers } from "../../db/schema";
import { q, type Awaitable, type Store, type SyncView, mapStep } from "../../db/store";

export type OperatorRow = typeof adminUsers.$inferSelect;
/** What a request needs to know of its operator: read afresh on every console request (one indexed lookup). */
export type OperatorAuth = { id: string; role: OperatorRole; active: boolean; sessionVersion: number; storeIds: string[] };

/** The only writer of `admin_users` (console operators) and `admin_user_stores` (a store manager's stores). */
export function createAdminRepo(store: Store) {
  const row = rowReader(adminUsers);
  const read = (v: unknown[] | undefined) => row.read(v);
  const authStmt = store.prepare<[OperatorRole, number | boolean, number, string]>(
    {
      sqlite: `select u.role, u.active, u.session_version,
         (select json_group_array(s.store_id) from admin_user_stores s where s.admin_user_id = u.id)
       from admin_users u where u.id = ?`,
      pg: `select u.role, u.active, u.session_version,
         (select coalesce(json_agg(s.store_id), '[]')::text from admin_user_stores s where s.admin_user_id = u.id)
       from admin_users u where u.id = ?`,
    },
    "array",
  );
  const storesStmt = store.prepare<string>("select store_id from admin_user_stores where admin_user_id = ? order by store_id", "pluck");
  const activeOwnersStmt = store.prepare<number>(
    { sqlite: "select count(*) from admin_users where role = 'owner' and active = 1", pg: "select count(*) from admin_users where role = 'owner' and active" },
    "pluck",
  );
  const byEmailStmt = store.prepare(`${row.selectAll} where email = ?`, "array");
  const byIdStmt = store.prepare(`${row.selectAll} where id = ?`, "array");
  const existsStmt = store.prepare("select 1 from admin_users where id = ?", "pluck");
  // In the order they were created (rowid breaks a tie of milliseconds).
  const listStmt = store.prepare(`${row.selectAll} order by created_at, rowid`, "array");
  const insertStmt = store.prepare(
    "insert into admin_users (id, email, password_hash, role, name, created_at) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
  );
  const clearStoresStmt = store.prepare("delete from admin_user_stores where admin_user_id = ?");
  const addStoreStmt = store.prepare("insert into admin_user_stores (admin_user_id, store_id) values (?, ?)");
  const updateStmt = store.prepare("update admin_users set name = ?, role = ?, updated_at = ? where id = ?");
  const activateStmt = store.prepare("update admin_users set active = ?, updated_at = ? where id = ?");
  const deactivateStmt = store.prepare("update admin_users set active = ?, session_version = session_version + 1, updated_at = ? where id = ?");
  const setPasswordStmt = store.prepare("update admin_users set password_hash = ?, session_version = session_version + 1, updated_at = ? where id = ?");

  const auth = (id: string): Awaitable<OperatorAuth | undefined> =>
    mapStep(authStmt.get(id), (r) =>
      r ? { id, role: r[0], active: r[1] === 1 || r[1] === true, sessionVersion: r[2], storeIds: JSON.parse(r[3]) as string[] } : undefined,
    );

  const setStores = (id: string, storeIds: string[]) =>
    store.join(function* () {
      yield* q(clearStoresStmt.run(id));
      for (const storeId of storeIds) yield* q(addStoreStmt.run(id, storeId));
    });

  return {
    byEmail: (email: string): Awaitable<OperatorRow | undefined> => mapStep(byEmailStmt.get(email), read),
    byId: (id: string): Awaitable<OperatorRow | undefined> => mapStep(byIdStmt.get(id), read),
    exists: (id: string): Awaitable<boolean> => mapStep(existsStmt.get(id), (v) => v !== undefined),
    auth,
    storeIdsOf: (id: string) => storesStmt.all(id),
    list: (): Awaitable<OperatorRow[]> => mapStep(listStmt.all(), (vs) => vs.map((v) => read(v)!)),
    /** Active owners: the last one may not be deactivated or demoted. Inside the caller's transaction. */
    activeOwners: () => mapStep(activeOwnersStmt.get(), (n) => n ?? 0),
    /** An existing email is never overwritten: false when the email is taken. */
    insert: (p: { id: string; email: string; passwordHash: string; role?: OperatorRole; name?: string; storeIds?: string[]; createdAt: number }) =>
      store.join(function* () {
        const { changes } = yield* q(insertStmt.run(p.id, p.email, p.passwordHash, p.role ?? "owner", p.name ?? "", p.createdAt));
        if (changes === 1) yield* q(setStores(p.id, p.storeIds ?? []));
        return changes === 1;
      }),
    update: (id: string, p: { name: string; role: OperatorRole; storeIds: string[]; now: number }) =>
      store.join(function* () {
        yield* q(updateStmt.run(p.name, p.role, p.now, id));
        yield* q(setStores(id, p.storeIds));
      }),
    /** Deactivating also ends every live session (reactivating does not bring them back). */
    setActive: (id: string, active: boolean, now: number) => mapStep((active ? activateStmt : deactivateStmt).run(active ? 1 : 0, now, id), () => undefined),
    /** A new password ends every session issued before it. */
    setPassword: (id: string, passwordHash: string, now: number) => mapStep(setPasswordStmt.run(passwordHash, now, id), () => undefined),
  };
}

export type AdminRepo = ReturnType<typeof createAdminRepo>;
/** The admin repo as synchronous SQLite code not ported to the store yet sees it. */
export type AdminRepoSync = SyncView<AdminRepo>;
