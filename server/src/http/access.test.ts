import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../app";
import { loadConfig } from "../config";
import { bearer, startHarness, TEST_ENV, type Harness } from "../test-support";

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

type RouteInfo = { method: string; url: string; access: string };

describe("access control", () => {
  it("refuses to start when a route does not declare who may call it", async () => {
    const config = loadConfig(TEST_ENV);
    const app = await buildApp({ config, logger: false });
    expect(() => app.get("/api/oops", async () => ({}))).toThrow(/does not declare who may call it/);
    await app.close().catch(() => {});
  });

  it("every non-public route refuses anonymous callers with 401", async () => {
    const routes = listRoutes(h.app);
    const guarded = routes.filter((r) => !["public", "webhook"].includes(r.access));
    expect(guarded.length).toBeGreaterThan(3);
    for (const r of guarded) {
      const res = await h.app.inject({ method: r.method as any, url: r.url.replace(/:(\w+)/g, "x"), payload: r.method === "GET" ? undefined : {} });
      expect.soft(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
  });

  it("a customer cannot reach staff or admin routes (403)", async () => {
    const { token } = await h.login("shopper");
    for (const r of listRoutes(h.app).filter((r) => r.access === "staff" || r.access === "admin")) {
      const res = await h.app.inject({
        method: r.method as any,
        url: r.url.replace(/:(\w+)/g, "x"),
        headers: bearer(token),
        payload: r.method === "GET" ? undefined : {},
      });
      expect.soft(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect.soft(res.json().code).toBe("FORBIDDEN");
    }
  });

  it("a console operator's token is refused on every shopper route with 403 CUSTOMER_ONLY", async () => {
    const operator = await h.adminToken();
    const shopperRoutes = listRoutes(h.app).filter((r) => r.access === "customer");
    for (const url of ["/api/vouchers/catalogue", "/api/vouchers/campaigns/:id/claim", "/api/games/play", "/api/orders"]) {
      expect(shopperRoutes.map((r) => r.url)).toContain(url);
    }
    for (const r of shopperRoutes) {
      const res = await h.app.inject({
        method: r.method as any,
        url: r.url.replace(/:(\w+)/g, "x"),
        headers: bearer(operator),
        payload: r.method === "GET" ? undefined : {},
      });
      expect.soft(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect.soft(res.json().code, `${r.method} ${r.url}`).toBe("CUSTOMER_ONLY");
    }
    // ... while a shopper, and an admin persona signed in with Zalo, still get in.
    const shopper = await h.login("shopper");
    expect((await h.app.inject({ method: "GET", url: "/api/vouchers/catalogue", headers: bearer(shopper.token) })).statusCode).toBe(200);
    expect((await h.app.inject({ method: "GET", url: "/api/admin/stores", headers: bearer(operator) })).statusCode).toBe(200);
  });

  it("staff reach staff routes but not admin routes", async () => {
    const admin = await h.adminToken();
    const store = await h.app.inject({ method: "POST", url: "/api/admin/stores", headers: bearer(admin), payload: { id: "q1", name: "Quận 1" } });
    expect(store.statusCode).toBe(201);
    const staff = await h.login("staff");
    const grant = await h.app.inject({
      method: "PUT",
      url: `/api/admin/customers/${staff.customer.id}/role`,
      headers: bearer(admin),
      payload: { role: "staff", storeIds: ["q1"] },
    });
    expect(grant.statusCode).toBe(200);
    expect(grant.json().customer).toMatchObject({ role: "staff", storeIds: ["q1"] });

    const mine = await h.app.inject({ method: "GET", url: "/api/staff/stores", headers: bearer(staff.token) });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().stores.map((s: any) => s.id)).toEqual(["q1"]);
    const adminOnly = await h.app.inject({ method: "GET", url: "/api/admin/stores", headers: bearer(staff.token) });
    expect(adminOnly.statusCode).toBe(403);

    // Revoking takes effect on the very next request, even with the same session token.
    const revoke = await h.app.inject({
      method: "PUT",
      url: `/api/admin/customers/${staff.customer.id}/role`,
      headers: bearer(admin),
      payload: { role: "customer" },
    });
    expect(revoke.statusCode).toBe(200);
    expect((await h.app.inject({ method: "GET", url: "/api/staff/stores", headers: bearer(staff.token) })).statusCode).toBe(403);

    // The grant and the revoke are audited.
    const audit = h.app.services.db.$client.prepare("select action, actor_kind from audit_log where target_id = ? order by id").all(staff.customer.id);
    expect(audit).toEqual([
      { action: "role.set", actor_kind: "admin" },
      { action: "role.set", actor_kind: "admin" },
    ]);
  });

  it("staff must be given a known store", async () => {
    const admin = await h.adminToken();
    const staff = await h.login("staff");
    const none = await h.app.inject({
      method: "PUT",
      url: `/api/admin/customers/${staff.customer.id}/role`,
      headers: bearer(admin),
      payload: { role: "staff" },
    });
    expect(none.statusCode).toBe(400);
    const unknown = await h.app.inject({
      method: "PUT",
      url: `/api/admin/customers/${staff.customer.id}/role`,
      headers: bearer(admin),
      payload: { role: "staff", storeIds: ["nowhere"] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain("nowhere");
  });

  it("admin login: right password works, wrong password and unknown email get the same 401", async () => {
    const ok = await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } });
    expect(ok.statusCode).toBe(200);
    const wrong = await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: TEST_ENV.ADMIN_EMAIL, password: "nope-nope-nope" } });
    const unknown = await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: "who@shop.vn", password: "nope-nope-nope" } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe("ADMIN_LOGIN_FAILED");
    expect(unknown.json().message).toBe(wrong.json().message);
    // The hash is scrypt, never the password.
    const row = h.app.services.db.$client.prepare("select password_hash from admin_users").get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(TEST_ENV.ADMIN_PASSWORD);
  });

  it("an admin persona in the mini app is an admin once granted", async () => {
    const admin = await h.adminToken();
    const person = await h.login("admin");
    await h.app.inject({ method: "PUT", url: `/api/admin/customers/${person.customer.id}/role`, headers: bearer(admin), payload: { role: "admin" } });
    const res = await h.app.inject({ method: "GET", url: "/api/admin/stores", headers: bearer(person.token) });
    expect(res.statusCode).toBe(200);
  });
});

/** Routes with their declared access, read from the running app. */
function listRoutes(app: FastifyInstance): RouteInfo[] {
  return (app as unknown as { mcRoutes: RouteInfo[] }).mcRoutes.filter((r) => r.method !== "HEAD" && r.method !== "OPTIONS");
}
