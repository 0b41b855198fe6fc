import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, startHarness, TEST_ENV, type Harness } from "../../test-support";

let h: Harness;
let owner: string;
beforeEach(async () => {
  h = await startHarness();
  owner = await h.adminToken();
  for (const [id, name] of [
    ["q1", "Quận 1"],
    ["q3", "Quận 3"],
  ])
    await call("POST", "/api/admin/stores", owner, { id, name });
});
afterEach(async () => h.close());

async function call(method: "GET" | "POST" | "PUT", url: string, token: string | null, payload?: unknown) {
  const res = await h.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
}
const login = (email: string, password: string) => call("POST", "/api/admin/login", null, { email, password });
const sql = <T = any>(q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as T[];

async function createAccount(body: Record<string, unknown>) {
  const res = await call("POST", "/api/admin/operators", owner, { password: "a-long-password-1", storeIds: [], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; email: string };
}

describe("console accounts", () => {
  it("the bootstrap admin is an owner, and the sign-in answer carries the role (GET /api/admin/me too)", async () => {
    const res = await login(TEST_ENV.ADMIN_EMAIL, TEST_ENV.ADMIN_PASSWORD);
    expect(res.body.admin).toEqual({ id: expect.any(String), email: TEST_ENV.ADMIN_EMAIL, name: "", role: "owner", storeIds: [] });
    expect((await call("GET", "/api/admin/me", res.body.token)).body.admin).toEqual(res.body.admin);
  });

  it("an owner creates a marketer and a store manager with their own passwords, hashed; each signs in with their role", async () => {
    const m = await createAccount({ email: "Lan@Shop.vn", name: "Lan", role: "marketer" });
    const s = await createAccount({ email: "minh@shop.vn", name: "Minh", role: "store_manager", storeIds: ["q3", "q1", "q1"] });
    expect(m.email).toBe("lan@shop.vn");
    const list = (await call("GET", "/api/admin/operators", owner)).body.operators;
    expect(list.map((o: any) => [o.email, o.role, o.storeIds, o.active])).toEqual([
      [TEST_ENV.ADMIN_EMAIL, "owner", [], true],
      ["lan@shop.vn", "marketer", [], true],
      ["minh@shop.vn", "store_manager", ["q1", "q3"], true],
    ]);
    expect((await login("lan@shop.vn", "a-long-password-1")).body.admin).toMatchObject({ id: m.id, name: "Lan", role: "marketer" });
    expect((await login("minh@shop.vn", "a-long-password-1")).body.admin).toMatchObject({ id: s.id, role: "store_manager", storeIds: ["q1", "q3"] });
    for (const row of sql<{ password_hash: string }>("select password_hash from admin_users")) {
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain("a-long-password-1");
    }
    // Audited, without the password.
    const audits = sql("select actor_kind, action, target_id, details from audit_log where action = 'operator.create' order by id");
    expect(audits.map((a) => [a.action, a.target_id])).toEqual([
      ["operator.create", m.id],
      ["operator.create", s.id],
    ]);
    expect(JSON.parse(audits[1].details)).toEqual({ email: "minh@shop.vn", name: "Minh", role: "store_manager", storeIds: ["q1", "q3"] });
    expect(JSON.stringify(audits)).not.toContain("a-long-password-1");
  });

  it("refuses a taken email, a store manager without a store, stores for other roles, unknown stores and short passwords, writing nothing", async () => {
    await createAccount({ email: "lan@shop.vn", name: "Lan", role: "marketer" });
    const before = sql("select count(*) as n from admin_users")[0].n;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ email: "LAN@shop.vn", name: "Lan 2", role: "marketer" }, 409, "OPERATOR_EMAIL_TAKEN"],
      [{ email: TEST_ENV.ADMIN_EMAIL, name: "Chủ", role: "owner" }, 409, "OPERATOR_EMAIL_TAKEN"],
      [{ email: "a@shop.vn", name: "A", role: "store_manager" }, 400, "VALIDATION_FAILED"],
      [{ email: "b@shop.vn", name: "B", role: "marketer", storeIds: ["q1"] }, 400, "VALIDATION_FAILED"],
      [{ email: "c@shop.vn", name: "C", role: "store_manager", storeIds: ["nowhere"] }, 400, "VALIDATION_FAILED"],
      [{ email: "d@shop.vn", name: "D", role: "marketer", password: "short" }, 400, "VALIDATION_FAILED"],
      [{ email: "e@shop.vn", name: "E", role: "superuser" }, 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code] of cases) {
      const res = await call("POST", "/api/admin/operators", owner, { password: "a-long-password-1", ...body });
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(sql("select count(*) as n from admin_users")[0].n).toBe(before);
  });

  it("a role or store change applies on the account's very next request, with the same session", async () => {
    const s = await createAccount({ email: "minh@shop.vn", name: "Minh", role: "store_manager", storeIds: ["q1"] });
    const token = (await login("minh@shop.vn", "a-long-password-1")).body.token;
    const mine = async () => (await call("GET", "/api/staff/stores", token)).body.stores?.map((x: any) => x.id);
    expect(await mine()).toEqual(["q1"]);
    expect((await call("GET", "/api/admin/customers", token)).status).toBe(403);

    expect((await call("PUT", `/api/admin/operators/${s.id}`, owner, { name: "Minh", role: "store_manager", storeIds: ["q3"] })).status).toBe(200);
    expect(await mine()).toEqual(["q3"]);
    expect((await call("PUT", `/api/admin/operators/${s.id}`, owner, { name: "Minh Trần", role: "marketer" })).body).toMatchObject({
      name: "Minh Trần",
      role: "marketer",
      storeIds: [],
    });
    expect((await call("GET", "/api/admin/customers", token)).status).toBe(200);
    expect((await call("GET", "/api/staff/stores", token)).status).toBe(403); // marketers work no counter
    expect((await call("GET", "/api/admin/me", token)).body.admin).toMatchObject({ name: "Minh Trần", role: "marketer" });
    const update = sql("select details from audit_log where action = 'operator.update' order by id").map((r) => JSON.parse(r.details));
    expect(update.at(-1)).toEqual({
      from: { name: "Minh", role: "store_manager", storeIds: ["q3"] },
      to: { name: "Minh Trần", role: "marketer", storeIds: [] },
    });
  });

  it("a deactivated account cannot sign in and its live sessions stop at once; reactivated, it signs in again but old sessions stay dead", async () => {
    const m = await createAccount({ email: "lan@shop.vn", name: "Lan", role: "marketer" });
    const token = (await login("lan@shop.vn", "a-long-password-1")).body.token;
    expect((await call("GET", "/api/admin/segments", token)).status).toBe(200);

    expect((await call("POST", `/api/admin/operators/${m.id}/deactivate`, owner)).body).toMatchObject({ active: false });
    const stopped = await call("GET", "/api/admin/segments", token);
    expect([stopped.status, stopped.body.code]).toEqual([401, "UNAUTHENTICATED"]);
    const refused = await login("lan@shop.vn", "a-long-password-1");
    expect([refused.status, refused.body.code]).toEqual([403, "ADMIN_ACCOUNT_DISABLED"]);
    // A wrong password still says only that: the account's state is for whoever knows the password.
    expect((await login("lan@shop.vn", "wrong-password-00")).body.code).toBe("ADMIN_LOGIN_FAILED");

    expect((await call("POST", `/api/admin/operators/${m.id}/reactivate`, owner)).body).toMatchObject({ active: true });
    expect((await call("GET", "/api/admin/segments", token)).status).toBe(401);
    const again = await login("lan@shop.vn", "a-long-password-1");
    expect((await call("GET", "/api/admin/segments", again.body.token)).status).toBe(200);
    // Deactivating twice records once.
    await call("POST", `/api/admin/operators/${m.id}/deactivate`, owner);
    await call("POST", `/api/admin/operators/${m.id}/deactivate`, owner);
    expect(sql("select action from audit_log where target_id = ? and action like 'operator.%' order by id", m.id).map((r) => r.action)).toEqual([
      "operator.create",
      "operator.deactivate",
      "operator.reactivate",
      "operator.deactivate",
    ]);
  });

  it("an owner resets a password: the old one and every session from before stop; the new one signs in", async () => {
    const m = await createAccount({ email: "lan@shop.vn", name: "Lan", role: "marketer" });
    const old = (await login("lan@shop.vn", "a-long-password-1")).body.token;
    const reset = await call("POST", `/api/admin/operators/${m.id}/password`, owner, { password: "the-new-password-2" });
    expect(reset.status).toBe(200);
    expect((await call("GET", "/api/admin/me", old)).status).toBe(401);
    expect((await login("lan@shop.vn", "a-long-password-1")).status).toBe(401);
    expect((await login("lan@shop.vn", "the-new-password-2")).status).toBe(200);
    expect(sql("select action, actor_kind from audit_log where target_id = ? and action = 'operator.password_reset'", m.id)).toHaveLength(1);
  });

  it("anyone signed in changes their own password with the current one; other sessions end, the answer's token works", async () => {
    await createAccount({ email: "minh@shop.vn", name: "Minh", role: "store_manager", storeIds: ["q1"] });
    const a = (await login("minh@shop.vn", "a-long-password-1")).body.token;
    const b = (await login("minh@shop.vn", "a-long-password-1")).body.token;
    const wrong = await call("PUT", "/api/admin/me/password", a, { currentPassword: "not-it-at-all", newPassword: "mine-only-now-3" });
    expect([wrong.status, wrong.body.code]).toEqual([400, "PASSWORD_INCORRECT"]);
    expect((await call("GET", "/api/admin/me", a)).status).toBe(200); // a refused change ends nothing
    const ok = await call("PUT", "/api/admin/me/password", a, { currentPassword: "a-long-password-1", newPassword: "mine-only-now-3" });
    expect(ok.status).toBe(200);
    expect(ok.body.admin).toMatchObject({ email: "minh@shop.vn", role: "store_manager" });
    expect((await call("GET", "/api/admin/me", ok.body.token)).status).toBe(200);
    expect((await call("GET", "/api/admin/me", a)).status).toBe(401);
    expect((await call("GET", "/api/admin/me", b)).status).toBe(401);
    expect((await login("minh@shop.vn", "mine-only-now-3")).status).toBe(200);
  });

  it("the last active owner can be neither deactivated nor demoted (LAST_OWNER); with a second owner, either can", async () => {
    const me = (await call("GET", "/api/admin/me", owner)).body.admin;
    for (const [method, url, body] of [
      ["POST", `/api/admin/operators/${me.id}/deactivate`, undefined],
      ["PUT", `/api/admin/operators/${me.id}`, { name: "Chủ", role: "marketer" }],
    ] as const) {
      const res = await call(method, url, owner, body);
      expect([res.status, res.body.code]).toEqual([409, "LAST_OWNER"]);
    }
    // A deactivated owner does not count.
    const second = await createAccount({ email: "co-owner@shop.vn", name: "Hà", role: "owner" });
    await call("POST", `/api/admin/operators/${second.id}/deactivate`, owner);
    expect((await call("POST", `/api/admin/operators/${me.id}/deactivate`, owner)).body.code).toBe("LAST_OWNER");
    await call("POST", `/api/admin/operators/${second.id}/reactivate`, owner);
    expect((await call("PUT", `/api/admin/operators/${me.id}`, owner, { name: "Chủ", role: "marketer" })).status).toBe(200);
    // Now the co-owner is the last one.
    const coOwner = (await login("co-owner@shop.vn", "a-long-password-1")).body.token;
    expect((await call("POST", `/api/admin/operators/${second.id}/deactivate`, coOwner)).body.code).toBe("LAST_OWNER");
    expect(sql("select count(*) as n from admin_users where role = 'owner' and active = 1")[0].n).toBe(1);
  });

  it("only owners manage accounts: a marketer and a store manager are refused and nothing changes", async () => {
    const m = await createAccount({ email: "lan@shop.vn", name: "Lan", role: "marketer" });
    await createAccount({ email: "minh@shop.vn", name: "Minh", role: "store_manager", storeIds: ["q1"] });
    for (const email of ["lan@shop.vn", "minh@shop.vn"]) {
      const token = (await login(email, "a-long-password-1")).body.token;
      const tries = [
        await call("GET", "/api/admin/operators", token),
        await call("POST", "/api/admin/operators", token, { email: "x@shop.vn", name: "X", role: "owner", password: "a-long-password-1" }),
        await call("PUT", `/api/admin/operators/${m.id}`, token, { name: "Lan", role: "owner" }),
        await call("POST", `/api/admin/operators/${m.id}/password`, token, { password: "taken-over-1234" }),
      ];
      for (const t of tries) expect([t.status, t.body.code]).toEqual([403, "FORBIDDEN"]);
    }
    expect(sql("select role from admin_users where id = ?", m.id)).toEqual([{ role: "marketer" }]);
    expect(sql("select count(*) as n from admin_users")[0].n).toBe(3);
  });
});
