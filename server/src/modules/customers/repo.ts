import { and, eq, isNull, sql } from "drizzle-orm";
import { rowReader } from "../../db/rows";
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { createChangeWatch } from "../../db/change-watch";
import { customers, customerTags, staffStores } from "../../db/schema";
import { forEachRowidSlice, type SliceOptions } from "../../db/chunked";
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
export function createPointsColumns(db: Db) {
  const bump = db.$client
    .prepare(
      `update customers set points_balance = points_balance + ?, points_earned_total = points_earned_total + ?
       where id = ? and points_balance + ? >= 0 returning points_balance, points_earned_total`,
    )
    .raw();
  return (customerId: string, delta: number, earned: number) =>
    bump.get(delta, earned, customerId, delta) as [balance: number, earnedTotal: number] | undefined;
}

/**
 * The customers table and what hangs off a person (tags, the stores a staff member works at): this module
 * is their only writer. Other modules read through here or in their own SQL, and write through these functions.
 */
export function createCustomerRepo(db: Db) {
  const c = db.$client;
  const customerRow = rowReader(customers);
  // Hot path (every signed-in request loads its principal; every award looks up a member): prepared once.
  const byIdStmt = c.prepare(`${customerRow.selectAll} where "id" = ?`).raw();
  const byMemberCodeStmt = c.prepare(`${customerRow.selectAll} where "member_code" = ?`).raw();
  const storeIdsStmt = c.prepare("select store_id from staff_stores where customer_id = ?").pluck();
  const principalStmt = c
    .prepare(
      `select c.role, case when c.role = 'customer' then null else (select json_group_array(s.store_id) from staff_stores s where s.customer_id = c.id) end
     from customers c where c.id = ? and c.erased_at is null`,
    )
    .raw();

  const byId = (id: string): CustomerRow | undefined => customerRow.read(byIdStmt.get(id) as unknown[] | undefined);
  const storeIdsOf = (customerId: string) => storeIdsStmt.all(customerId) as string[];

  // Role and stores of signed-in customers, read on every request. Kept in memory: this process's own role
  // changes and erasures drop the entry (setRole, erase below), and a commit by any other connection (another
  // API process on the same file) drops them all, so a revoked role or an erased person stops at once everywhere.
  // Customers are never deleted, so a cached principal cannot outlive its row; an erased one is dropped here
  // (erase below) and never loaded again, so its sessions stop at once. Bounded by a plain reset.
  type PrincipalRow = Readonly<{ id: string; role: CustomerRow["role"]; storeIds: readonly string[] }>;
  const principals = new Map<string, PrincipalRow>();
  const PRINCIPALS_MAX = 100_000;

  /** Role and stores of a signed-in customer, from one statement on a cache miss. */
  const changedElsewhere = createChangeWatch(db);
  function principalOf(id: string): PrincipalRow | undefined {
    if (changedElsewhere()) principals.clear();
    const hit = principals.get(id);
    if (hit) return hit;
    const r = principalStmt.get(id) as [CustomerRow["role"], string | null] | undefined;
    if (!r) return undefined;
    const p = Object.freeze({ id, role: r[0], storeIds: Object.freeze(r[1] === null ? [] : (JSON.parse(r[1]) as string[])) });
    if (principals.size >= PRINCIPALS_MAX) principals.clear();
    principals.set(id, p);
    return p;
  }

  /** The one way a customer row is born, whoever meets the person first (mini app or OA webhook). */
  function insertCustomer(v: { zaloId: string | null; zaloOaId: string | null; name: string; avatar?: string | null }, now: number): CustomerRow {
    const id = randomUUID();
    db.insert(customers)
      .values({ id, ...v, searchName: nameKey(v.name), memberCode: humanCode(MEMBER_CODE_LENGTH), createdAt: now, updatedAt: now })
      .run();
    return byId(id)!;
  }

  /**
   * Upserts the person Graph /me vouched for. A follower first seen through a webhook (OA id only) is merged
   * into the same row when the mini app later shows us both ids, so one person never becomes two customers.
   */
  function upsertFromZalo(
    p: { zaloId: string; name: string | null; avatar: string | null; oaUserId: string | null; isFollower: boolean | null },
    now: number,
  ): CustomerRow {
    return tx(db, () => {
      let row = db.select().from(customers).where(eq(customers.zaloId, p.zaloId)).get();
      if (!row && p.oaUserId) {
        const byOa = db.select().from(customers).where(eq(customers.zaloOaId, p.oaUserId)).get();
        if (byOa && !byOa.zaloId) row = byOa;
      }
      const oaIdFree = p.oaUserId
        ? !db
            .select({ id: customers.id })
            .from(customers)
            .where(and(eq(customers.zaloOaId, p.oaUserId)))
            .all()
            .some((r) => r.id !== row?.id)
        : false;
      if (!row) {
        return insertCustomer({ zaloId: p.zaloId, zaloOaId: oaIdFree ? p.oaUserId : null, name: p.name ?? UNNAMED, avatar: p.avatar }, now);
      }
      // No name from Zalo (no scope.userInfo consent, §1.13) never replaces one we know.
      const name = p.name ?? row.name;
      db.update(customers)
        .set({
          zaloId: p.zaloId,
          name,
          searchName: nameKey(name),
          avatar: p.avatar ?? row.avatar,
          ...(oaIdFree && !row.zaloOaId ? { zaloOaId: p.oaUserId } : {}),
          updatedAt: now,
        })
        .where(eq(customers.id, row.id))
        .run();
      return byId(row.id)!;
    });
  }

  /**
   * The person behind an OA event: a follower who never opened the mini app still becomes a customer record,
   * ready to be warmed. `user_id_by_app` links the OA-scoped id to someone already known from the mini app.
   * Inside the caller's transaction (the stored event's).
   */
  // Every webhook event from a person runs these (prepared once: building them per event was most of its cost).
  const byOaOrAppStmt = c.prepare(`${customerRow.selectAll} where "zalo_oa_id" = ? or "zalo_id" = ?`).raw();
  const touchStmt = c.prepare(`update customers set last_interaction_at = max(coalesce(last_interaction_at, 0), ?), updated_at = ? where id = ?`);

  function findOrCreateByOaId(oaUserId: string, appUserId: string | undefined, now: number, name?: string): CustomerRow {
    const matches = appUserId
      ? (byOaOrAppStmt.all(oaUserId, appUserId) as unknown[][]).map((r) => customerRow.read(r)!)
      : [byZaloOaId(oaUserId)].filter((r) => r !== undefined);
    const row = matches.find((m) => m.zaloOaId === oaUserId) ?? matches[0];
    if (row) {
      if (!row.zaloOaId) db.update(customers).set({ zaloOaId: oaUserId }).where(eq(customers.id, row.id)).run();
      if (!row.zaloId && appUserId && !matches.some((m) => m.id !== row.id && m.zaloId === appUserId)) {
        db.update(customers).set({ zaloId: appUserId }).where(eq(customers.id, row.id)).run();
      }
      return row;
    }
    return insertCustomer({ zaloId: appUserId ?? null, zaloOaId: oaUserId, name: name?.trim() || "Zalo follower" }, now);
  }

  // The interaction clock only moves forward: a message retried hours late must not shrink the CS window.
  const laterInteraction = (at: number) => sql`max(coalesce(${customers.lastInteractionAt}, 0), ${at})`;

  /** A follow (which also counts as an interaction) or an unfollow, dated by the event. */
  function setFollow(id: string, follow: boolean, at: number, now: number) {
    db.update(customers)
      .set(
        follow
          ? { followsOa: true, followedAt: at, lastInteractionAt: laterInteraction(at), updatedAt: now }
          : { followsOa: false, unfollowedAt: at, updatedAt: now },
      )
      .where(eq(customers.id, id))
      .run();
  }

  /** The person wrote to the OA at `at` (opens the consultation window). */
  const touchInteraction = (id: string, at: number, now: number) => void touchStmt.run(at, now, id);

  /** False when the person is gone: a phone exchange still in flight when their data was erased writes nothing. */
  function setPhone(id: string, phone: string, now: number): boolean {
    return (
      db
        .update(customers)
        .set({ phone, updatedAt: now })
        .where(and(eq(customers.id, id), isNull(customers.erasedAt)))
        .run().changes === 1
    );
  }

  /**
   * What the person shared through Zalo's request-for-info form (`user_submit_info`): the name and phone they
   * gave, and when (their consent). Null fields are left as they were. False when the person is gone.
   */
  function setSharedInfo(id: string, p: { name: string | null; phone: string | null; at: number }, now: number): boolean {
    return (
      db
        .update(customers)
        .set({
          ...(p.name ? { name: p.name, searchName: nameKey(p.name) } : {}),
          ...(p.phone ? { phone: p.phone } : {}),
          infoSharedAt: p.at,
          updatedAt: now,
        })
        .where(and(eq(customers.id, id), isNull(customers.erasedAt)))
        .run().changes === 1
    );
  }

  /**
   * The person's birthday (shared BirthDate), or null; `consentAt` when the shopper gave it themselves with their
   * consent (null: cleared, or set by the shop). False when the person is gone (erased or unknown).
   */
  function setBirthDate(id: string, birthDate: string | null, now: number, consentAt: number | null = null): boolean {
    return (
      db
        .update(customers)
        .set({ birthDate, birthDateConsentAt: birthDate === null ? null : consentAt, updatedAt: now })
        .where(and(eq(customers.id, id), isNull(customers.erasedAt)))
        .run().changes === 1
    );
  }

  // The birthday scan's candidates: one month through customers_birth_month_idx (its own expression), in rowid
  // order within it (the index's last column), so a page is one seek and the next starts where it stopped.
  const birthdaysStmt = c.prepare(
    `select rowid, id from customers where cast(substr(birth_date, -5, 2) as integer) = @month and rowid > @after
       and substr(birth_date, -5) in (select value from json_each(@mmdd)) and erased_at is null order by rowid limit @n`,
  );
  /** A page of the people whose birthday (`MM-DD`, either stored form) is one of `mmdd`, all in one month. */
  const birthdaysPage = (p: { mmdd: string[]; after: number; n: number }) =>
    birthdaysStmt.all({ month: Number(p.mmdd[0]!.slice(0, 2)), mmdd: JSON.stringify(p.mmdd), after: p.after, n: p.n }) as { rowid: number; id: string }[];

  function setRole(id: string, role: CustomerRow["role"], storeIds: string[], now: number) {
    principals.delete(id);
    tx(db, () => {
      db.update(customers).set({ role, updatedAt: now }).where(eq(customers.id, id)).run();
      db.delete(staffStores).where(eq(staffStores.customerId, id)).run();
      for (const storeId of role === "customer" ? [] : storeIds) db.insert(staffStores).values({ customerId: id, storeId }).run();
    });
    principals.delete(id); // again: a request may have cached the old row while the transaction ran
  }

  // Messaging's writes (the lead points messaging here once its split lands): same SQL as it runs today.
  const setFatigueStmt = c.prepare("update customers set fatigue_until = ? where id = ?");
  /** Until when an unfollow blamed on our messages tightens this person's promotions (null: no longer). */
  const setFatigueUntil = (customerId: string, until: number | null) => void setFatigueStmt.run(until, customerId);
  /** The shopper's message preferences, as CustomerPrefs JSON. */
  const setPrefs = (customerId: string, prefsJson: string, now: number) =>
    void db.update(customers).set({ prefs: prefsJson, updatedAt: now }).where(eq(customers.id, customerId)).run();

  /** Replaces a person's tags. Inside the caller's transaction. */
  function setTags(customerId: string, tags: string[]) {
    db.delete(customerTags).where(eq(customerTags.customerId, customerId)).run();
    for (const tag of tags) db.insert(customerTags).values({ customerId, tag }).run();
  }
  const tagsOf = (customerId: string) =>
    db
      .select({ tag: customerTags.tag })
      .from(customerTags)
      .where(eq(customerTags.customerId, customerId))
      .all()
      .map((r) => r.tag);

  /**
   * Anonymises a person on request (their personal data, not their history): names, ids, phone, avatar,
   * preferences, tags and roles go; the row stays so the ledger, vouchers, orders and audit keep pointing at it,
   * with the points totals as they were. The old Zalo ids then match nothing, so signing in with them makes
   * a new customer. A fresh member code: the old card no longer finds the record. Inside the caller's transaction.
   */
  function erase(id: string, now: number): { tagsRemoved: number } | undefined {
    const row = byId(id);
    if (!row || row.erasedAt !== null) return undefined;
    principals.delete(id);
    db.update(customers)
      .set({
        zaloId: null,
        zaloOaId: null,
        phone: null,
        name: ERASED_NAME,
        searchName: "",
        avatar: null,
        role: "customer",
        followsOa: false,
        followedAt: null,
        unfollowedAt: null,
        lastInteractionAt: null,
        prefs: "{}",
        fatigueUntil: null,
        birthDate: null,
        birthDateConsentAt: null,
        infoSharedAt: null,
        memberCode: humanCode(MEMBER_CODE_LENGTH),
        erasedAt: now,
        updatedAt: now,
      })
      .where(eq(customers.id, id))
      .run();
    db.delete(staffStores).where(eq(staffStores.customerId, id)).run();
    const tagsRemoved = db.delete(customerTags).where(eq(customerTags.customerId, id)).run().changes;
    principals.delete(id);
    return { tagsRemoved };
  }

  /**
   * Search keys for rows that have none yet (written before the column existed, or by hand): run at start,
   * in rowid slices with the event loop served between them. Erased people keep none (they are never listed).
   */
  const missingKeysStmt = c.prepare("select id, name from customers where rowid > ? and rowid <= ? and search_name = '' and erased_at is null and name != ''");
  const setKeyStmt = c.prepare("update customers set search_name = ? where id = ? and search_name = ''");
  async function fillSearchKeys(slices?: SliceOptions): Promise<{ filled: number }> {
    let filled = 0;
    // Most starts have nothing to do: one seek on customers_search_name_idx says so.
    if (!c.prepare("select 1 from customers where search_name = '' and erased_at is null and name != '' limit 1").get()) return { filled };
    await forEachRowidSlice(
      c,
      "customers",
      (lo, hi) => {
        const rows = missingKeysStmt.all(lo, hi) as { id: string; name: string }[];
        if (rows.length) tx(db, () => rows.forEach((r) => (filled += setKeyStmt.run(nameKey(r.name), r.id).changes)));
      },
      slices,
    );
    return { filled };
  }

  const byMemberCode = (code: string): CustomerRow | undefined => customerRow.read(byMemberCodeStmt.get(code) as unknown[] | undefined);
  /** Just who a member code belongs to (the counter's award path needs no more). */
  const memberRefStmt = c.prepare("select id, name from customers where member_code = ?");
  const memberRef = (code: string) => memberRefStmt.get(code) as { id: string; name: string } | undefined;

  // A person found by either Zalo id: the app-scoped one (the mini app's) or the OA follower id (OA chat tools').
  const byZaloIdStmt = c.prepare(`${customerRow.selectAll} where "zalo_id" = ?`).raw();
  const byZaloOaIdStmt = c.prepare(`${customerRow.selectAll} where "zalo_oa_id" = ?`).raw();
  const byZaloId = (zaloId: string): CustomerRow | undefined => customerRow.read(byZaloIdStmt.get(zaloId) as unknown[] | undefined);
  const byZaloOaId = (oaId: string): CustomerRow | undefined => customerRow.read(byZaloOaIdStmt.get(oaId) as unknown[] | undefined);

  /** Everyone with a role (staff, Zalo admins) and their stores, through the small partial index on role. */
  const staffStmt = c.prepare(
    `select c.id, c.name, c.avatar, c.member_code as memberCode, c.role,
       (select json_group_array(s.store_id) from (select store_id from staff_stores where customer_id = c.id order by store_id) s) as stores
     from customers c indexed by customers_role_idx where c.role <> 'customer' order by c.name, c.id`,
  );
  const staffList = () =>
    (staffStmt.all() as { id: string; name: string; avatar: string | null; memberCode: string; role: CustomerRow["role"]; stores: string }[]).map(
      ({ stores, ...r }) => ({ ...r, storeIds: JSON.parse(stores) as string[] }),
    );

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
