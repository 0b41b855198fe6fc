import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, memberCodeOf, newShopper, startHarness, type Harness } from "../../test-support";
import { databaseDigest } from "../../http/route-table";

let h: Harness;
let owner: string;
let manager: string; // store manager of q1 and q2
beforeEach(async () => {
  h = await startHarness();
  owner = await h.adminToken();
  for (const [id, name] of [
    ["q1", "Quận 1"],
    ["q2", "Quận 2"],
    ["q3", "Quận 3"],
  ])
    await call("POST", "/api/admin/stores", owner, { id, name });
  manager = await account("minh@shop.vn", "store_manager", ["q1", "q2"]);
});
afterEach(async () => h.close());

async function call(method: "GET" | "POST" | "PUT", url: string, token: string | null, payload?: unknown) {
  const res = await h.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
}
async function account(email: string, role: string, storeIds: string[] = []) {
  expect((await call("POST", "/api/admin/operators", owner, { email, name: email, role, storeIds, password: "a-long-password-1" })).status).toBe(201);
  return (await call("POST", "/api/admin/login", null, { email, password: "a-long-password-1" })).body.token as string;
}
const sql = <T = any>(q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as T[];
const storesOf = async (token: string) => {
  const r = await call("GET", "/api/staff/stores", token);
  return r.status === 200 ? r.body.stores.map((s: any) => s.id) : r.status;
};

describe("staff grants", () => {
  it("an owner makes someone staff by member code (as printed on the card), by Zalo id or by OA follower id; each is audited", async () => {
    const a = await newShopper(h, "Nguyễn Văn An");
    const b = await newShopper(h, "Trần Thị Bình");
    const c = await newShopper(h, "Lê Văn Cường");
    const code = await memberCodeOf(h, a.token);
    expect(code).toMatch(/^MC-\w{4}-\w{4}$/);
    const printed = code.toLowerCase().replaceAll("-", " ");
    const byCode = await call("POST", "/api/admin/staff", owner, { memberCode: printed, storeIds: ["q1"] });
    expect(byCode.status, JSON.stringify(byCode.body)).toBe(200);
    expect(byCode.body.staff).toMatchObject({ customerId: a.customer.id, name: "Nguyễn Văn An", role: "staff", storeIds: ["q1"] });
    expect((await call("POST", "/api/admin/staff", owner, { zaloId: b.appUserId, storeIds: ["q3"] })).body.staff).toMatchObject({
      customerId: b.customer.id,
      storeIds: ["q3"],
    });
    expect(sql("select zalo_oa_id from customers where id = ?", c.customer.id)).toEqual([{ zalo_oa_id: c.oaUserId }]);
    expect((await call("POST", "/api/admin/staff", owner, { zaloOaId: c.oaUserId, storeIds: ["q2", "q1"] })).body.staff.storeIds).toEqual(["q1", "q2"]);

    // Their sessions work at those stores at once, with no new sign-in.
    expect(await storesOf(a.token)).toEqual(["q1"]);
    expect(await storesOf(c.token)).toEqual(["q1", "q2"]);
    const list = (await call("GET", "/api/admin/staff", owner)).body.staff;
    expect(list.map((s: any) => [s.name, s.storeIds])).toEqual([
      ["Lê Văn Cường", ["q1", "q2"]],
      ["Nguyễn Văn An", ["q1"]],
      ["Trần Thị Bình", ["q3"]],
    ]);
    const audits = sql("select actor_kind, action, target_id, details from audit_log where action = 'role.set' order by id");
    expect(audits.map((x) => [x.action, x.target_id, JSON.parse(x.details)])).toEqual([
      ["role.set", a.customer.id, { from: "customer", to: "staff", storeIds: ["q1"], added: ["q1"] }],
      ["role.set", b.customer.id, { from: "customer", to: "staff", storeIds: ["q3"], added: ["q3"] }],
      ["role.set", c.customer.id, { from: "customer", to: "staff", storeIds: ["q1", "q2"], added: ["q1", "q2"] }],
    ]);
    // The person's timeline says so, like a role change.
    const timeline = (await call("GET", `/api/admin/customers/${a.customer.id}/timeline`, owner)).body.items;
    expect(timeline.find((i: any) => i.kind === "admin")).toMatchObject({ title: "Đổi vai trò: Khách hàng → Nhân viên", detail: "Cửa hàng: Quận 1" });
  });

  it("a grant adds stores to those a person has; the same grant again writes nothing", async () => {
    const a = await newShopper(h, "An");
    const code = await memberCodeOf(h, a.token);
    await call("POST", "/api/admin/staff", owner, { memberCode: code, storeIds: ["q1"] });
    expect((await call("POST", "/api/admin/staff", owner, { memberCode: code, storeIds: ["q3"] })).body.staff.storeIds).toEqual(["q1", "q3"]);
    const digest = databaseDigest(h.app.services.db);
    expect((await call("POST", "/api/admin/staff", owner, { memberCode: code, storeIds: ["q3"] })).status).toBe(200);
    expect(databaseDigest(h.app.services.db)).toBe(digest);
  });

  it("refuses unknown people, two ways of naming one, unknown stores and admins, writing nothing", async () => {
    const admin = await h.login("admin");
    await call("PUT", `/api/admin/customers/${admin.customer.id}/role`, owner, { role: "admin" });
    const a = await newShopper(h, "An");
    const digest = databaseDigest(h.app.services.db);
    const cases: [unknown, number, string][] = [
      [{ memberCode: "ZZZZ2345", storeIds: ["q1"] }, 404, "MEMBER_NOT_FOUND"],
      [{ zaloId: "no-such-user", storeIds: ["q1"] }, 404, "MEMBER_NOT_FOUND"],
      [{ memberCode: await memberCodeOf(h, a.token), zaloId: a.appUserId, storeIds: ["q1"] }, 400, "VALIDATION_FAILED"],
      [{ storeIds: ["q1"] }, 400, "VALIDATION_FAILED"],
      [{ zaloId: a.appUserId, storeIds: [] }, 400, "VALIDATION_FAILED"],
      [{ zaloId: a.appUserId, storeIds: ["nowhere"] }, 400, "VALIDATION_FAILED"],
      [{ zaloId: admin.customer.zaloId, storeIds: ["q1"] }, 409, "STAFF_IS_ADMIN"],
    ];
    for (const [body, status, code] of cases) {
      const res = await call("POST", "/api/admin/staff", owner, body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(databaseDigest(h.app.services.db)).toBe(digest);
  });

  it("a revoke takes the stores named, at once; with none left the person is a customer again", async () => {
    const a = await newShopper(h, "An");
    await call("POST", "/api/admin/staff", owner, { zaloId: a.appUserId, storeIds: ["q1", "q3"] });
    const code = await memberCodeOf(h, (await newShopper(h, "Khách")).token);
    const award = (storeId: string) =>
      call("POST", "/api/staff/points/award", a.token, { memberCode: code, storeId, amountVnd: 50_000, receiptId: `R-${storeId}` });
    expect((await award("q1")).status).toBe(200);

    expect((await call("POST", `/api/admin/staff/${a.customer.id}/revoke`, owner, { storeIds: ["q1"] })).body.staff.storeIds).toEqual(["q3"]);
    const refused = await award("q1");
    expect([refused.status, refused.body.code]).toEqual([403, "STORE_FORBIDDEN"]);
    expect(await storesOf(a.token)).toEqual(["q3"]);

    expect((await call("POST", `/api/admin/staff/${a.customer.id}/revoke`, owner, {})).body.staff).toMatchObject({ role: "customer", storeIds: [] });
    expect(await storesOf(a.token)).toBe(403);
    expect(sql("select * from staff_stores where customer_id = ?", a.customer.id)).toEqual([]);
    expect(
      sql("select details from audit_log where action = 'role.set' and target_id = ? order by id", a.customer.id).map((r) => JSON.parse(r.details)),
    ).toEqual([
      { from: "customer", to: "staff", storeIds: ["q1", "q3"], added: ["q1", "q3"] },
      { from: "staff", to: "staff", storeIds: ["q3"], removed: ["q1"] },
      { from: "staff", to: "customer", storeIds: [], removed: ["q3"] },
    ]);
    // Someone who is not staff has nothing to revoke.
    const again = await call("POST", `/api/admin/staff/${a.customer.id}/revoke`, owner, {});
    expect([again.status, again.body.code]).toEqual([404, "CUSTOMER_NOT_FOUND"]);
  });

  it("a store manager grants and revokes at their stores only, and sees only their stores' staff, with only those stores", async () => {
    const a = await newShopper(h, "An");
    const b = await newShopper(h, "Bình");
    await call("POST", "/api/admin/staff", owner, { zaloId: b.appUserId, storeIds: ["q3"] });

    // Another store, even beside one of theirs: refused before anyone is looked up, nothing written.
    const digest = databaseDigest(h.app.services.db);
    for (const storeIds of [["q3"], ["q1", "q3"]]) {
      const res = await call("POST", "/api/admin/staff", manager, { zaloId: a.appUserId, storeIds });
      expect([res.status, res.body.code]).toEqual([403, "STORE_FORBIDDEN"]);
    }
    expect((await call("POST", `/api/admin/staff/${b.customer.id}/revoke`, manager, { storeIds: ["q3"] })).body.code).toBe("STORE_FORBIDDEN");
    // Staff of other stores only do not exist for them.
    expect((await call("POST", `/api/admin/staff/${b.customer.id}/revoke`, manager, {})).body.code).toBe("CUSTOMER_NOT_FOUND");
    expect(databaseDigest(h.app.services.db)).toBe(digest);

    expect((await call("POST", "/api/admin/staff", manager, { zaloId: a.appUserId, storeIds: ["q1"] })).body.staff.storeIds).toEqual(["q1"]);
    await call("POST", "/api/admin/staff", owner, { zaloId: a.appUserId, storeIds: ["q3"] });
    // The manager's view of An: q1 only; B (q3 only) is not in their list.
    expect((await call("GET", "/api/admin/staff", manager)).body.staff).toEqual([expect.objectContaining({ name: "An", storeIds: ["q1"] })]);
    // Their revoke with no stores named takes their stores, never the others'.
    expect((await call("POST", `/api/admin/staff/${a.customer.id}/revoke`, manager, {})).body.staff).toMatchObject({ role: "staff", storeIds: [] });
    expect(await storesOf(a.token)).toEqual(["q3"]);
    const who = sql("select actor_kind, actor_id from audit_log where action = 'role.set' and target_id = ? order by id", a.customer.id);
    expect(who.map((r) => r.actor_kind)).toEqual(["admin", "admin", "admin"]);
  });

  it("a marketer neither lists nor grants staff", async () => {
    const marketer = await account("lan@shop.vn", "marketer");
    const a = await newShopper(h, "An");
    for (const res of [
      await call("GET", "/api/admin/staff", marketer),
      await call("POST", "/api/admin/staff", marketer, { zaloId: a.appUserId, storeIds: ["q1"] }),
      await call("POST", `/api/admin/staff/${a.customer.id}/revoke`, marketer, {}),
    ])
      expect([res.status, res.body.code]).toEqual([403, "FORBIDDEN"]);
  });
});
