import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startHarness, TEST_ENV, type Harness } from "../../test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const signed = (payload: Record<string, unknown>) => {
  const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return `${head}.${createHmac("sha256", TEST_ENV.JWT_SECRET).update(head).digest("base64url")}`;
};
const meWith = (token: string) => h.app.inject({ method: "GET", url: "/api/admin/me", headers: bearer(token) });

describe("GET /api/admin/me: the console checks its stored session", () => {
  it("names the operator a good token belongs to", async () => {
    const login = await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } });
    const { token, admin } = login.json();
    const res = await meWith(token);
    expect([res.statusCode, res.json()]).toEqual([200, { admin: { id: admin.id, email: TEST_ENV.ADMIN_EMAIL, name: "", role: "owner", storeIds: [] } }]);
  });

  it("refuses an expired token with UNAUTHENTICATED, which sends the console back to sign-in", async () => {
    const { admin } = (
      await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } })
    ).json();
    const now = Math.floor(Date.now() / 1000);
    const res = await meWith(signed({ sub: admin.id, kind: "operator", iat: now - 7200, exp: now - 60 }));
    expect([res.statusCode, res.json().code]).toEqual([401, "UNAUTHENTICATED"]);
    expect(res.json().message).toMatch(/expired/);
  });

  it("answers an admin signed in with Zalo without an email (not a console account)", async () => {
    const admin = await h.adminToken();
    const boss = await h.login("admin");
    await h.app.inject({ method: "PUT", url: `/api/admin/customers/${boss.customer.id}/role`, headers: bearer(admin), payload: { role: "admin" } });
    const res = await meWith(boss.token);
    // ... who may do what an owner does.
    expect([res.statusCode, res.json()]).toEqual([200, { admin: { id: boss.customer.id, email: null, name: "", role: "owner", storeIds: [] } }]);
  });
});
