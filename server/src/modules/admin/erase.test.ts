import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syncRepo } from "../../db/test-sync";
import { bearer, memberCodeOf, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { openDb, tx } from "../../db/client";
import { createCustomerRepo, ERASED_NAME } from "../customers/repo";
import { createIdentityService } from "../identity/service";

let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(async () => h.close());

const sql = <T = any>(q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as T[];
const one = <T = any>(q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).get(...args) as T;
const api = async (method: "GET" | "POST" | "PUT", url: string, token: string | null, payload?: unknown) => {
  const res = await h.app.inject({ method, url, headers: token ? bearer(token) : {}, payload: payload as any });
  return { status: res.statusCode, body: res.json() as any };
};

/**
 * Every column of `customers` and every table that points at a customer, sorted into what an erasure
 * clears and what the business keeps. A new column or table (a birthday, notes…) fails here until someone
 * decides which it is, and the erasure learns to clear it.
 */
const CUSTOMER_COLUMNS = {
  erased: [
    "zalo_id",
    "zalo_oa_id",
    "phone",
    "name",
    "avatar",
    "prefs",
    "role",
    "follows_oa",
    "followed_at",
    "unfollowed_at",
    "last_interaction_at",
    "fatigue_until",
    "member_code",
    "birth_date",
    // When they agreed the shop keeps their birthday: goes with the birthday.
    "birth_date_consent_at",
    // When they shared their name and phone through Zalo's request-for-info card: goes with them.
    "info_shared_at",
    // The name's search key (the CRM's list), and with it the name's words in customers_fts.
    "search_name",
  ],
  kept: ["id", "points_balance", "points_earned_total", "erased_at", "created_at", "updated_at"],
};
const CUSTOMER_TABLES = {
  // The shop's notes about the person are personal data: deleted.
  cleared: ["customer_tags", "staff_stores", "customer_notes", "carts"],
  // Kept: money-like history (ledger, vouchers, orders, draws) the business must keep; messages are cancelled
  // and their contents blanked (see the test), the rows stay for the send counts; follow history (times and
  // the webhook's source only) stays for the follows-per-day counts, keyed by the now anonymous id.
  // The OA conversation row stays (status, counts) with its preview blanked; its messages are deleted (inbox.test.ts).
  // Order ratings keep their stars for the stores' figures; the comments are cleared (ratings.test.ts).
  kept: ["points_ledger", "vouchers", "game_draws", "outbox", "orders", "follow_events", "conversations", "order_ratings"],
};

describe("erasing a customer's personal data", () => {
  it("knows every customer column and every table that points at a customer", () => {
    const columns = sql<{ name: string }>("select name from pragma_table_info('customers')").map((c) => c.name);
    expect(columns.sort()).toEqual([...CUSTOMER_COLUMNS.erased, ...CUSTOMER_COLUMNS.kept].sort());
    const tables = sql<{ name: string }>("select name from sqlite_master where type = 'table'")
      .map((t) => t.name)
      .filter((t) => sql<{ table: string }>(`select "table" from pragma_foreign_key_list('${t}')`).some((fk) => fk.table === "customers"));
    expect(tables.sort()).toEqual([...CUSTOMER_TABLES.cleared, ...CUSTOMER_TABLES.kept].sort());
  });

  it("anonymises the person, keeps points and audit totals, cancels their messages and audits the erasure", async () => {
    const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
    await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
    const { admin, staff, storeId } = await withStoreAndStaff(h);
    const { token, customer, zaloToken } = await h.login("shopper");
    const id = customer.id as string;
    // Everything personal we can hold: phone, follower id (follow webhook → welcome message queued), tags, prefs.
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    expect((await api("POST", "/api/me/phone", token, { phoneToken, accessToken: zaloToken })).status).toBe(200);
    expect((await h.control("POST", "/_emu/personas/shopper/follow")).delivered).toBe(true);
    expect((await api("PUT", `/api/admin/customers/${id}/tags`, admin, { tags: ["vip", "văn-phòng"] })).status).toBe(200);
    expect((await api("PUT", "/api/me/message-prefs", token, { offersPerWeek: 1, pausedUntil: null, mutedCategories: ["promotion"] })).status).toBe(200);
    // History that must survive: points earned at the counter and by hand, a voucher, the audit rows.
    const code = await memberCodeOf(h, token);
    expect((await api("POST", "/api/staff/points/award", staff.token, { memberCode: code, storeId, amountVnd: 120_000, receiptId: "R-1" })).status).toBe(200);
    expect(
      (await api("POST", `/api/admin/customers/${id}/points/adjust`, admin, { delta: 50, reason: "Quà sinh nhật", idempotencyKey: "bday-1" })).status,
    ).toBe(200);

    // The birthday the shopper gave in the mini app, with their consent.
    expect((await api("PUT", "/api/me/birthday", token, { birthDate: "1990-05-01", consent: true })).status).toBe(200);
    const before = one("select * from customers where id = ?", id);
    expect(before.birth_date_consent_at).toBeTypeOf("number");
    expect(before.phone).toMatch(/^84/);
    expect(before.zalo_oa_id).toBeTruthy();
    const ids = [before.zalo_id, before.zalo_oa_id] as string[];
    const ledger = one("select count(*) as n, sum(delta) as total from points_ledger where customer_id = ?", id);
    const audits = sql("select action, count(*) as n from audit_log group by action order by action");
    const events = one("select count(*) as n from webhook_events").n;
    expect(sql("select state from outbox where customer_id = ?", id)).toEqual([{ state: "queued" }]);
    expect(events).toBeGreaterThan(0);

    const res = await api("POST", `/api/admin/customers/${id}/erase`, admin, { reason: "Khách yêu cầu xoá dữ liệu (phiếu #12)" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      tagsRemoved: 2,
      messagesCancelled: 1,
      customer: { id, name: ERASED_NAME, hasPhone: false, avatar: null, zaloOaId: null },
    });
    expect(res.body.webhookEventsRedacted).toBeGreaterThan(0);

    // Gone: name, phone, both Zalo ids, avatar, tags, preferences, the member code on the old card.
    const after = one("select * from customers where id = ?", id);
    expect(after).toMatchObject({
      name: ERASED_NAME,
      phone: null,
      zalo_id: null,
      zalo_oa_id: null,
      avatar: null,
      prefs: "{}",
      follows_oa: 0,
      role: "customer",
      birth_date: null,
      birth_date_consent_at: null,
      search_name: "",
    });
    expect(after.erased_at).toBeTypeOf("number");
    expect(after.member_code).not.toBe(before.member_code);
    expect(sql("select * from customer_tags where customer_id = ?", id)).toEqual([]);
    for (const column of ["zalo_id", "zalo_oa_id", "phone", "name", "member_code", "prefs"]) expect.soft(after[column], column).not.toEqual(before[column]);
    // Nothing stored anywhere names them any more: not their Zalo ids, phone or name.
    const tables = sql<{ name: string }>("select name from sqlite_master where type = 'table' and name not like '\\_\\_%' escape '\\'").map((t) => t.name);
    for (const t of tables) {
      const dump = JSON.stringify(sql(`select * from "${t}"`));
      for (const secret of [...ids, before.phone, before.name]) expect.soft(dump.includes(secret), `${t} still holds ${secret}`).toBe(false);
    }
    // Kept: the points totals and the ledger, every audit row (plus one for the erasure), the events' count.
    expect(after.points_balance).toBe(before.points_balance);
    expect(after.points_earned_total).toBe(before.points_earned_total);
    expect(one("select count(*) as n, sum(delta) as total from points_ledger where customer_id = ?", id)).toEqual(ledger);
    const auditsAfter = sql("select action, count(*) as n from audit_log group by action order by action");
    expect(auditsAfter).toEqual([...audits, { action: "customer.erase", n: 1 }].sort((a, b) => (a.action < b.action ? -1 : 1)));
    expect(one("select actor_kind, details from audit_log where action = 'customer.erase' and target_id = ?", id)).toEqual({
      actor_kind: "admin",
      details: JSON.stringify({
        reason: "Khách yêu cầu xoá dữ liệu (phiếu #12)",
        tagsRemoved: 2,
        messagesCancelled: 1,
        webhookEventsRedacted: res.body.webhookEventsRedacted,
      }),
    });
    expect(one("select count(*) as n from webhook_events").n).toBe(events);
    // Their message never goes, and what it said is gone.
    expect(sql("select state, reason, text from outbox where customer_id = ?", id)).toEqual([{ state: "cancelled", reason: "CUSTOMER_ERASED", text: null }]);
    await h.app.services.dispatcher.drain();
    expect(sql("select state from outbox where customer_id = ?", id)).toEqual([{ state: "cancelled" }]);

    // Their session stops at once; their Zalo ids sign in to a new, empty record; the old card finds no one.
    expect((await api("GET", "/api/me", token)).status).toBe(401);
    const again = await h.login("shopper");
    expect(again.customer.id).not.toBe(id);
    expect((await api("GET", "/api/me", again.token)).body.loyalty.balance).toBe(0);
    expect((await api("GET", `/api/staff/members/${code}`, staff.token)).status).toBe(404);
    expect(one("select count(*) as n from customers where zalo_id = ?", before.zalo_id).n).toBe(1);
  });

  it("an erased customer is erased once; an unknown one is 404", async () => {
    const admin = await h.adminToken();
    const { customer } = await h.login("shopper");
    expect((await api("POST", `/api/admin/customers/${customer.id}/erase`, admin, { reason: "yêu cầu" })).status).toBe(200);
    const twice = await api("POST", `/api/admin/customers/${customer.id}/erase`, admin, { reason: "yêu cầu" });
    expect([twice.status, twice.body.code]).toEqual([409, "CONFLICT"]);
    const unknown = await api("POST", "/api/admin/customers/nobody/erase", admin, { reason: "yêu cầu" });
    expect([unknown.status, unknown.body.code]).toEqual([404, "CUSTOMER_NOT_FOUND"]);
    expect(one("select count(*) as n from audit_log where action = 'customer.erase'").n).toBe(1);
  });

  it("a staff member erased loses staff access at once", async () => {
    const { admin, staff } = await withStoreAndStaff(h);
    expect((await api("GET", "/api/staff/stores", staff.token)).status).toBe(200);
    expect((await api("POST", `/api/admin/customers/${staff.customer.id}/erase`, admin, { reason: "nghỉ việc, yêu cầu xoá" })).status).toBe(200);
    expect((await api("GET", "/api/staff/stores", staff.token)).status).toBe(401);
    expect(sql("select * from staff_stores where customer_id = ?", staff.customer.id)).toEqual([]);
  });
});

describe("erasure racing a phone share", () => {
  it("a phone number that Zalo hands back after the erasure is not written to the erased record", async () => {
    const db = openDb(":memory:");
    const repo = syncRepo(createCustomerRepo, db);
    let answer!: (phone: string) => void;
    const zalo = {
      getMe: async () => ({ id: "app-user-1", name: "Lan", avatar: null, oaUserId: null, isFollower: null }),
      // Zalo answers the phone exchange only when the test says so: the erasure happens meanwhile.
      exchangePhoneToken: () => new Promise<string>((resolve) => (answer = resolve)),
    };
    const identity = createIdentityService({ customers: repo, zalo: zalo as never, issueToken: () => "t", now: Date.now });
    const { customer } = await identity.loginWithZalo("zalo-token");
    const sharing = identity.sharePhone(customer.id, { phoneToken: "phone-token", accessToken: "zalo-token" });
    await new Promise((r) => setImmediate(r));
    tx(db, () => repo.erase(customer.id, Date.now()));
    answer("0912345678");
    await expect(sharing).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(db.$client.prepare("select phone, name from customers where id = ?").get(customer.id)).toEqual({ phone: null, name: ERASED_NAME });
    db.$client.close();
  });
});
