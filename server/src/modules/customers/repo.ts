import { rowReader } from "../../db/rows";
import { randomUUID } from "node:crypto";
import { customers } from "../../db/schema";
import { forEachRowidSlice, type SliceOptions } from "../../db/chunked";
import { q, type Awaitable, type Store, type SyncView, mapStep } from "../../db/store";
import { humanCode, MEMBER_CODE_LENGTH } from "../../lib/codes";
import { nameKey } from "./search-key";

export type CustomerRow = typeof customers.$inferSelect;

/** A person whose name Zalo has not given us (no scope.userInfo consent yet). */
export const UNNAMED = "Khách Zalo";
/** What an erased person is called from then on (the column is required). */
export const ERASED_NAME = "Khách đã xoá dữ liệu";

/**
 * The cached points balance and running earn total: the one write the loyalty ledger makes to a customer,
 * inside its own transaction with the ledger entry (loyalty's append). A function of its own so the ledger's
 * hot path holds just this prepared statement. Undefined when the balance would go below zero: nothing written.
 */
export function createPointsColumns(store: Store) {
  const bump = store.prepare<[balance: number, earnedTotal: number]>(
    `update customers set points_balance = points_balance + ?, points_earned_total = points_earned_total + ?
       where id = ? and points_balance + ? >= 0 returning points_balance, points_earned_total`,
    "array",
  );
  return (customerId: string, delta: number, earned: number) => bump.get(delta, earned, customerId, delta);
}

/** Maps a row step's value arrays to a customer row. */
const readRow = customerRowReader();
function customerRowReader() {
  const r = rowReader(customers);
  return { selectAll: r.selectAll, one: (v: unknown[] | undefined) => r.read(v), many: (vs: unknown[][]) => vs.map((v) => r.read(v)!) };
}

/**
 * The customers table and what hangs off a person (tags, the stores a staff member works at): this module
 * is their only writer. Other modules read through here or in their own SQL, and write through these functions.
 */
export function createCustomerRepo(store: Store) {
  const P = <R extends unknown[] = unknown[]>(sql: string | { sqlite: string; pg: string }) => store.prepare<R>(sql, "array");
  const all = readRow.selectAll;
  // Hot path (every signed-in request loads its principal; every award looks up a member): prepared once.
  const byIdStmt = P(`${all} where "id" = ?`);
  const byMemberCodeStmt = P(`${all} where "member_code" = ?`);
  const storeIdsStmt = store.prepare<string>("select store_id from staff_stores where customer_id = ?", "pluck");
  const principalStmt = P<[CustomerRow["role"], string | null]>({
    sqlite: `select c.role, case when c.role = 'customer' then null else (select json_group_array(s.store_id) from staff_stores s where s.customer_id = c.id) end
     from customers c where c.id = ? and c.erased_at is null`,
    pg: `select c.role, case when c.role = 'customer' then null else (select coalesce(json_agg(s.store_id), '[]')::text from staff_stores s where s.customer_id = c.id) end
     from customers c where c.id = ? and c.erased_at is null`,
  });

  const byId = (id: string): Awaitable<CustomerRow | undefined> => mapStep(byIdStmt.get(id), readRow.one);
  const storeIdsOf = (customerId: string) => storeIdsStmt.all(customerId);

  // Role and stores of signed-in customers, read on every request. Kept in memory: this process's own role
  // changes and erasures drop the entry (setRole, erase below), and a change committed by any other process
  // (another API instance, on the same SQLite file or the same PostgreSQL) drops them all, so a revoked role or an
  // erased person stops at once everywhere. Customers are never deleted, so a cached principal cannot outlive its
  // row; an erased one is dropped here (erase below) and never loaded again, so its sessions stop at once. Bounded
  // by a plain reset.
  type PrincipalRow = Readonly<{ id: string; role: CustomerRow["role"]; storeIds: readonly string[] }>;
  const principals = new Map<string, PrincipalRow>();
  const PRINCIPALS_MAX = 100_000;

  /** Role and stores of a signed-in customer, from one statement on a cache miss. */
  const changedElsewhere = store.watchChanges();
  function principalOf(id: string): Awaitable<PrincipalRow | undefined> {
    if (changedElsewhere()) principals.clear();
    const hit = principals.get(id);
    if (hit) return hit;
    return mapStep(principalStmt.get(id), (r) => {
      if (!r) return undefined;
      const p = Object.freeze({ id, role: r[0], storeIds: Object.freeze(r[1] === null ? [] : (JSON.parse(r[1]) as string[])) });
      if (principals.size >= PRINCIPALS_MAX) principals.clear();
      principals.set(id, p);
      return p;
    });
  }

  const insertStmt = P(
    `insert into customers (id, zalo_id, zalo_oa_id, name, avatar, search_name, member_code, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  /** The one way a customer row is born, whoever meets the person first (mini app or OA webhook). */
  const insertCustomer = (v: { zaloId: string | null; zaloOaId: string | null; name: string; avatar?: string | null }, now: number) =>
    store.join(function* () {
      const id = randomUUID();
      yield* q(insertStmt.run(id, v.zaloId, v.zaloOaId, v.name, v.avatar ?? null, nameKey(v.name), humanCode(MEMBER_CODE_LENGTH), now, now));
      return (yield* q(byId(id)))!;
    });

  const idsByOaIdStmt = store.prepare<string>("select id from customers where zalo_oa_id = ?", "pluck");
  const updateFromZaloStmt = P(
    `update customers set zalo_id = ?, name = ?, search_name = ?, avatar = ?, zalo_oa_id = coalesce(?, zalo_oa_id), updated_at = ? where id = ?`,
  );
  /**
   * Upserts the person Graph /me vouched for. A follower first seen through a webhook (OA id only) is merged
   * into the same row when the mini app later shows us both ids, so one person never becomes two customers.
   */
  const upsertFromZalo = (
    p: { zaloId: string; name: string | null; avatar: string | null; oaUserId: string | null; isFollower: boolean | null },
    now: number,
  ) =>
    store.join(function* () {
      let row = yield* q(byZaloId(p.zaloId));
      if (!row && p.oaUserId) {
        const byOa = yield* q(byZaloOaId(p.oaUserId));
        if (byOa && !byOa.zaloId) row = byOa;
      }
      const oaIdFree = p.oaUserId ? !(yield* q(idsByOaIdStmt.all(p.oaUserId))).some((id) => id !== row?.id) : false;
      if (!row) {
        return yield* q(insertCustomer({ zaloId: p.zaloId, zaloOaId: oaIdFree ? p.oaUserId : null, name: p.name ?? UNNAMED, avatar: p.avatar }, now));
      }
      // No name from Zalo (no scope.userInfo consent, §1.13) never replaces one we know.
      const name = p.name ?? row.name;
      const oaId = oaIdFree && !row.zaloOaId ? p.oaUserId : null;
      yield* q(updateFromZaloStmt.run(p.zaloId, name, nameKey(name), p.avatar ?? row.avatar, oaId, now, row.id));
      return (yield* q(byId(row.id)))!;
    });

  /**
   * The person behind an OA event: a follower who never opened the mini app still becomes a customer record,
   * ready to be warmed. `user_id_by_app` links the OA-scoped id to someone already known from the mini app.
   * Inside the caller's transaction (the stored event's).
   */
  // Every webhook event from a person runs these (prepared once: building them per event was most of its cost).
  const byOaOrAppStmt = P(`${all} where "zalo_oa_id" = ? or "zalo_id" = ?`);
  const touchStmt = P({
    sqlite: `update customers set last_interaction_at = max(coalesce(last_interaction_at, 0), ?), updated_at = ? where id = ?`,
    pg: `update customers set last_interaction_at = greatest(coalesce(last_interaction_at, 0), ?), updated_at = ? where id = ?`,
  });
  const setOaIdStmt = P("update customers set zalo_oa_id = ? where id = ?");
  const setAppIdStmt = P("update customers set zalo_id = ? where id = ?");

  const findOrCreateByOaId = (oaUserId: string, appUserId: string | undefined, now: number, name?: string) =>
    store.join(function* () {
      const matches = appUserId
        ? readRow.many(yield* q(byOaOrAppStmt.all(oaUserId, appUserId)))
        : [yield* q(byZaloOaId(oaUserId))].filter((r) => r !== undefined);
      const row = matches.find((m) => m.zaloOaId === oaUserId) ?? matches[0];
      if (row) {
        if (!row.zaloOaId) yield* q(setOaIdStmt.run(oaUserId, row.id));
        if (!row.zaloId && appUserId && !matches.some((m) => m.id !== row.id && m.zaloId === appUserId)) {
          yield* q(setAppIdStmt.run(appUserId, row.id));
        }
        return row;
      }
      return yield* q(insertCustomer({ zaloId: appUserId ?? null, zaloOaId: oaUserId, name: name?.trim() || "Zalo follower" }, now));
    });

  // The interaction clock only moves forward: a message retried hours late must not shrink the CS window.
  const followStmt = P({
    sqlite: "update customers set follows_oa = 1, followed_at = ?, last_interaction_at = max(coalesce(last_interaction_at, 0), ?), updated_at = ? where id = ?",
    pg: "update customers set follows_oa = true, followed_at = ?, last_interaction_at = greatest(coalesce(last_interaction_at, 0), ?), updated_at = ? where id = ?",
  });
  const unfollowStmt = P({
    sqlite: "update customers set follows_oa = 0, unfollowed_at = ?, updated_at = ? where id = ?",
    pg: "update customers set follows_oa = false, unfollowed_at = ?, updated_at = ? where id = ?",
  });
  /** A follow (which also counts as an interaction) or an unfollow, dated by the event. */
  const setFollow = (id: string, follow: boolean, at: number, now: number) =>
    mapStep(follow ? followStmt.run(at, at, now, id) : unfollowStmt.run(at, now, id), () => undefined);

  /** The person wrote to the OA at `at` (opens the consultation window). */
  const touchInteraction = (id: string, at: number, now: number) => mapStep(touchStmt.run(at, now, id), () => undefined);

  const changed = (r: Awaitable<{ changes: number }>) => mapStep(r, (x) => x.changes === 1);
  const setPhoneStmt = P("update customers set phone = ?, updated_at = ? where id = ? and erased_at is null");
  /** False when the person is gone: a phone exchange still in flight when their data was erased writes nothing. */
  const setPhone = (id: string, phone: string, now: number) => changed(setPhoneStmt.run(phone, now, id));

  const setSharedInfoStmt = P(
    `update customers set name = coalesce(?, name), search_name = coalesce(?, search_name), phone = coalesce(?, phone), info_shared_at = ?, updated_at = ?
     where id = ? and erased_at is null`,
  );
  /**
   * What the person shared through Zalo's request-for-info form (`user_submit_info`): the name and phone they
   * gave, and when (their consent). Null fields are left as they were. False when the person is gone.
   */
  const setSharedInfo = (id: string, p: { name: string | null; phone: string | null; at: number }, now: number) =>
    changed(setSharedInfoStmt.run(p.name || null, p.name ? nameKey(p.name) : null, p.phone || null, p.at, now, id));

  const setBirthDateStmt = P("update customers set birth_date = ?, birth_date_consent_at = ?, updated_at = ? where id = ? and erased_at is null");
  /**
   * The person's birthday (shared BirthDate), or null; `consentAt` when the shopper gave it themselves with their
   * consent (null: cleared, or set by the shop). False when the person is gone (erased or unknown).
   */
  const setBirthDate = (id: string, birthDate: string | null, now: number, consentAt: number | null = null) =>
    changed(setBirthDateStmt.run(birthDate, birthDate === null ? null : consentAt, now, id));

  // The birthday scan's candidates: one month through customers_birth_month_idx (its own expression), in rowid
  // order within it (the index's last column on SQLite), so a page is one seek and the next starts where it stopped.
  const birthdaysStmt = store.prepare<{ rowid: number; id: string }>({
    sqlite: `select rowid, id from customers where cast(substr(birth_date, -5, 2) as integer) = @month and rowid > @after
       and substr(birth_date, -5) in (select value from json_each(@mmdd)) and erased_at is null order by rowid limit @n`,
    pg: `select rowid, id from customers where cast(substr(right(birth_date, 5), 1, 2) as integer) = @month and rowid > @after
       and right(birth_date, 5) in (select json_array_elements_text(@mmdd::json)) and erased_at is null order by rowid limit @n`,
  });
  /** A page of the people whose birthday (`MM-DD`, either stored form) is one of `mmdd`, all in one month. */
  const birthdaysPage = (p: { mmdd: string[]; after: number; n: number }) =>
    birthdaysStmt.all({ month: Number(p.mmdd[0]!.slice(0, 2)), mmdd: JSON.stringify(p.mmdd), after: p.after, n: p.n });

  const setRoleStmt = P("update customers set role = ?, updated_at = ? where id = ?");
  const clearStoresStmt = P("delete from staff_stores where customer_id = ?");
  const addStoreStmt = P("insert into staff_stores (customer_id, store_id) values (?, ?)");
  const setRole = (id: string, role: CustomerRow["role"], storeIds: string[], now: number) => {
    principals.delete(id);
    return mapStep(
      store.join(function* () {
        yield* q(setRoleStmt.run(role, now, id));
        yield* q(clearStoresStmt.run(id));
        for (const storeId of role === "customer" ? [] : storeIds) yield* q(addStoreStmt.run(id, storeId));
        yield* q(store.noteChange());
      }),
      () => void principals.delete(id), // again: a request may have cached the old row while the transaction ran
    );
  };

  // Messaging's writes (the lead points messaging here once its split lands): same SQL as it runs today.
  const setFatigueStmt = P("update customers set fatigue_until = ? where id = ?");
  /** Until when an unfollow blamed on our messages tightens this person's promotions (null: no longer). */
  const setFatigueUntil = (customerId: string, until: number | null) => mapStep(setFatigueStmt.run(until, customerId), () => undefined);
  const setPrefsStmt = P("update customers set prefs = ?, updated_at = ? where id = ?");
  /** The shopper's message preferences, as CustomerPrefs JSON. */
  const setPrefs = (customerId: string, prefsJson: string, now: number) => mapStep(setPrefsStmt.run(prefsJson, now, customerId), () => undefined);

  const clearTagsStmt = P("delete from customer_tags where customer_id = ?");
  const addTagStmt = P("insert into customer_tags (customer_id, tag) values (?, ?)");
  /** Replaces a person's tags. Inside the caller's transaction. */
  const setTags = (customerId: string, tags: string[]) =>
    store.join(function* () {
      yield* q(clearTagsStmt.run(customerId));
      for (const tag of tags) yield* q(addTagStmt.run(customerId, tag));
    });
  const tagsStmt = store.prepare<string>("select tag from customer_tags where customer_id = ?", "pluck");
  const tagsOf = (customerId: string) => tagsStmt.all(customerId);

  const eraseStmt = P({
    sqlite: `update customers set zalo_id = null, zalo_oa_id = null, phone = null, name = ?, search_name = '', avatar = null, role = 'customer',
       follows_oa = 0, followed_at = null, unfollowed_at = null, last_interaction_at = null, prefs = '{}', fatigue_until = null, birth_date = null,
       birth_date_consent_at = null, info_shared_at = null, member_code = ?, erased_at = ?, updated_at = ? where id = ?`,
    pg: `update customers set zalo_id = null, zalo_oa_id = null, phone = null, name = ?, search_name = '', avatar = null, role = 'customer',
       follows_oa = false, followed_at = null, unfollowed_at = null, last_interaction_at = null, prefs = '{}', fatigue_until = null, birth_date = null,
       birth_date_consent_at = null, info_shared_at = null, member_code = ?, erased_at = ?, updated_at = ? where id = ?`,
  });
  /**
   * Anonymises a person on request (their personal data, not their history): names, ids, phone, avatar,
   * preferences, tags and roles go; the row stays so the ledger, vouchers, orders and audit keep pointing at it,
   * with the points totals as they were. The old Zalo ids then match nothing, so signing in with them makes
   * a new customer. A fresh member code: the old card no longer finds the record. Inside the caller's transaction.
   */
  const erase = (id: string, now: number) =>
    store.join(function* (): Generator<unknown, { tagsRemoved: number } | undefined, unknown> {
      const row = yield* q(byId(id));
      if (!row || row.erasedAt !== null) return undefined;
      principals.delete(id);
      yield* q(eraseStmt.run(ERASED_NAME, humanCode(MEMBER_CODE_LENGTH), now, now, id));
      yield* q(clearStoresStmt.run(id));
      const tagsRemoved = (yield* q(clearTagsStmt.run(id))).changes;
      yield* q(store.noteChange());
      principals.delete(id);
      return { tagsRemoved };
    });

  /**
   * Search keys for rows that have none yet (written before the column existed, or by hand): run at start,
   * in rowid slices with the event loop served between them. Erased people keep none (they are never listed).
   */
  const missingKeysStmt = store.prepare<{ id: string; name: string }>(
    "select id, name from customers where rowid > ? and rowid <= ? and search_name = '' and erased_at is null and name != ''",
  );
  const setKeyStmt = P("update customers set search_name = ? where id = ? and search_name = ''");
  const anyMissingStmt = store.prepare("select 1 from customers where search_name = '' and erased_at is null and name != '' limit 1", "pluck");
  async function fillSearchKeys(slices?: SliceOptions): Promise<{ filled: number }> {
    let filled = 0;
    // Most starts have nothing to do: one seek on customers_search_name_idx says so.
    if ((await anyMissingStmt.get()) === undefined) return { filled };
    // SQLite only for now: the slices are synchronous (forEachRowidSlice). PostgreSQL's rows all have keys (its
    // migrations start with the column).
    if (store.dialect !== "sqlite") return { filled };
    const c = store.sqlite.$client;
    await forEachRowidSlice(
      c,
      "customers",
      (lo, hi) => {
        const rows = missingKeysStmt.all(lo, hi) as { id: string; name: string }[];
        if (rows.length)
          store.tx(function* () {
            for (const r of rows) filled += (yield* q(setKeyStmt.run(nameKey(r.name), r.id))).changes;
          });
      },
      slices,
    );
    return { filled };
  }

  const byMemberCode = (code: string): Awaitable<CustomerRow | undefined> => mapStep(byMemberCodeStmt.get(code), readRow.one);
  /** Just who a member code belongs to (the counter's award path needs no more). */
  const memberRefStmt = store.prepare<{ id: string; name: string }>("select id, name from customers where member_code = ?");
  const memberRef = (code: string) => memberRefStmt.get(code);

  // A person found by either Zalo id: the app-scoped one (the mini app's) or the OA follower id (OA chat tools').
  const byZaloIdStmt = P(`${all} where "zalo_id" = ?`);
  const byZaloOaIdStmt = P(`${all} where "zalo_oa_id" = ?`);
  const byZaloId = (zaloId: string): Awaitable<CustomerRow | undefined> => mapStep(byZaloIdStmt.get(zaloId), readRow.one);
  const byZaloOaId = (oaId: string): Awaitable<CustomerRow | undefined> => mapStep(byZaloOaIdStmt.get(oaId), readRow.one);

  /** Everyone with a role (staff, Zalo admins) and their stores, through the small partial index on role. */
  type StaffRow = { id: string; name: string; avatar: string | null; memberCode: string; role: CustomerRow["role"]; stores: string };
  const staffStmt = store.prepare<StaffRow>({
    sqlite: `select c.id, c.name, c.avatar, c.member_code as "memberCode", c.role,
       (select json_group_array(s.store_id) from (select store_id from staff_stores where customer_id = c.id order by store_id) s) as stores
     from customers c indexed by customers_role_idx where c.role <> 'customer' order by c.name, c.id`,
    pg: `select c.id, c.name, c.avatar, c.member_code as "memberCode", c.role,
       (select coalesce(json_agg(s.store_id order by s.store_id), '[]')::text from staff_stores s where s.customer_id = c.id) as stores
     from customers c where c.role <> 'customer' order by c.name, c.id`,
  });
  const staffList = () => mapStep(staffStmt.all(), (rows) => rows.map(({ stores, ...r }) => ({ ...r, storeIds: JSON.parse(stores) as string[] })));

  return {
    byId,
    byMemberCode,
    byZaloId,
    byZaloOaId,
    staffList,
    memberRef,
    storeIdsOf,
    principalOf,
    insertCustomer,
    upsertFromZalo,
    findOrCreateByOaId,
    setFollow,
    touchInteraction,
    setPhone,
    setSharedInfo,
    setBirthDate,
    birthdaysPage,
    setRole,
    setFatigueUntil,
    setPrefs,
    setTags,
    tagsOf,
    erase,
    fillSearchKeys,
  };
}

export type CustomerRepo = ReturnType<typeof createCustomerRepo>;
/** The customer repo as synchronous SQLite code not ported to the store yet sees it (see syncView). */
export type CustomerRepoSync = SyncView<CustomerRepo>;
