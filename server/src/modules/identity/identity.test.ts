import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bearer, startHarness, TEST_ENV, type Harness } from "../../test-support";

let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(async () => h.close());

describe("POST /api/auth/zalo", () => {
  it("verifies the token at Graph /me and upserts the customer", async () => {
    const { accessToken } = await h.control("POST", "/_emu/personas/shopper/login");
    const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.customer).toMatchObject({ name: "Nguyễn Thu Hà", role: "customer", hasPhone: false });
    expect(body.token).toEqual(expect.any(String));
    // With the loyalty /api/me gives: the mini app's home paints its member card without another round trip.
    const me = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(body.token) });
    expect(body.loyalty).toEqual(me.json().loyalty);
    expect(body.loyalty.memberCode).toMatch(/^MC-/);
    // The server asked Zalo instead of trusting the client.
    const reqs = await h.control("GET", "/_emu/requests?path=/graph/v2.0/me");
    expect(reqs).toHaveLength(1);
    expect(reqs[0].headers).toHaveProperty("appsecret_proof");

    // Signing in again is the same customer, not a new one.
    const again = await h.login("shopper");
    expect(again.customer.id).toBe(body.customer.id);
  });

  it("signs the Graph call with a valid appsecret_proof (Zalo refuses a wrong or, when enforced, a missing one)", async () => {
    await h.control("POST", "/_emu/config", { enforceAppSecretProof: true });
    const { accessToken } = await h.control("POST", "/_emu/personas/shopper/login");
    const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
    expect(res.statusCode).toBe(200);
    const [call] = await h.control("GET", "/_emu/requests?path=/graph/v2.0/me");
    expect(call.error ?? 0).toBe(0);
  });

  it("rejects a forged token with 401 ZALO_TOKEN_INVALID", async () => {
    const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken: "forged-token-3368637342326461234" } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: "ZALO_TOKEN_INVALID", requestId: expect.any(String) });
  });

  it("rejects an expired token", async () => {
    const { accessToken } = await h.control("POST", "/_emu/personas/shopper/login");
    await h.control("POST", "/_emu/clock", { advanceMs: 2 * 3600_000 });
    const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("ZALO_TOKEN_INVALID");
  });

  it("rejects a body with a client-sent Zalo id", async () => {
    const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken: "x", zaloId: "123" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
  });

  it("refuses a token with characters no HTTP header carries with 401, without calling Zalo", async () => {
    for (const accessToken of ["😀", "tôi-là-token", "two words", "tab\there"]) {
      const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
      expect.soft(res.statusCode, accessToken).toBe(401);
      expect.soft(res.json().code, accessToken).toBe("ZALO_TOKEN_INVALID");
    }
    expect(await h.control("GET", "/_emu/requests?path=/graph/v2.0/me")).toHaveLength(0);
  });

  it("answers 503 ZALO_BUSY (retry) when Zalo times out", async () => {
    const { accessToken } = await h.control("POST", "/_emu/personas/shopper/login");
    await h.control("POST", "/_emu/faults", { match: "/graph/v2.0/me", error: 0, times: 1, delayMs: 3000 });
    const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("ZALO_BUSY");
  });

  it("a -32 (rate limit) or a gateway 5xx from Zalo is 503 ZALO_BUSY, not an invalid sign-in; the same token then signs in", async () => {
    const { accessToken } = await h.control("POST", "/_emu/personas/shopper/login");
    for (const fault of [{ error: -32, message: "Rate limit exceeded" }, { httpStatus: 502 }, { httpStatus: 503 }, { error: -100 }]) {
      await h.control("POST", "/_emu/faults", { match: "/graph/v2.0/me", times: 1, ...fault });
      const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
      expect.soft(res.statusCode, JSON.stringify(fault)).toBe(503);
      expect.soft(res.json().code, JSON.stringify(fault)).toBe("ZALO_BUSY");
    }
    expect((await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } })).statusCode).toBe(200);
  });

  it("asks Graph /me for the Mini App by its own id, not the Zalo App ID (the emulator refuses a mixed-up id)", async () => {
    const { accessToken } = await h.control("POST", "/_emu/personas/shopper/login");
    expect((await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } })).statusCode).toBe(200);
    const [call] = await h.control("GET", "/_emu/requests?path=/graph/v2.0/me");
    expect(call.query.miniapp_id).toBe(TEST_ENV.ZALO_MINI_APP_ID);
    expect(TEST_ENV.ZALO_MINI_APP_ID).not.toBe(TEST_ENV.ZALO_APP_ID);

    // A server configured with another Mini App's id (here: a wrong number) is refused by Zalo.
    const mixed = await startHarness({ ZALO_MINI_APP_ID: "7777000000000000007" });
    try {
      const { accessToken: t } = await mixed.control("POST", "/_emu/personas/shopper/login");
      const res = await mixed.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken: t } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("ZALO_TOKEN_INVALID");
    } finally {
      await mixed.close();
    }
  });
});

describe("session tokens", () => {
  it("a token already accepted (and remembered) is refused once it expires; a tampered copy never passes", async () => {
    const { customer } = await h.login("shopper");
    const token = h.app.jwt.sign({ sub: customer.id, kind: "customer" }, { expiresIn: 60 });
    expect((await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(token) })).statusCode).toBe(200);
    const [head, body, sig] = token.split(".");
    const tampered = `${head}.${body}.${sig!.slice(0, -2)}${sig!.endsWith("AA") ? "BB" : "AA"}`;
    expect((await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(tampered) })).statusCode).toBe(401);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      const late = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(token) });
      expect(late.statusCode).toBe(401);
      expect(late.json()).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("expired") });
    } finally {
      vi.useRealTimers();
    }
  });
});

/** An HS256 token signed with the server's own secret, with exactly the claims given. */
function handMade(claims: Record<string, unknown>) {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  return `${head}.${createHmac("sha256", TEST_ENV.JWT_SECRET).update(head).digest("base64url")}`;
}

describe("session tokens without an expiry", () => {
  it("refuses a correctly signed token that has no exp, even for a real account", async () => {
    const { customer } = await h.login("shopper");
    const forever = handMade({ sub: customer.id, kind: "customer", iat: Math.floor(Date.now() / 1000) });
    const res = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(forever) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("UNAUTHENTICATED");
    // The same claims with an exp pass: it is the missing expiry that is refused.
    const dated = handMade({ sub: customer.id, kind: "customer", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(dated) })).statusCode).toBe(200);
  });
});

describe("GET /api/me", () => {
  it("needs a session", async () => {
    const res = await h.app.inject({ method: "GET", url: "/api/me" });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("UNAUTHENTICATED");
  });

  it("rejects a token signed with another secret", async () => {
    const { token } = await h.login("shopper");
    const [head, payload] = token.split(".");
    const res = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(`${head}.${payload}.AAAA`) });
    expect(res.statusCode).toBe(401);
  });

  it("returns the signed-in profile", async () => {
    const { token, customer } = await h.login("shopper");
    const res = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json().customer).toMatchObject({ id: customer.id, name: "Nguyễn Thu Hà" });
  });
});

describe("POST /api/me/phone", () => {
  it("exchanges the phone token on the server and stores 84…", async () => {
    const { token, customer, zaloToken } = await h.login("shopper");
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    const res = await h.app.inject({ method: "POST", url: "/api/me/phone", headers: bearer(token), payload: { phoneToken, accessToken: zaloToken } });
    expect(res.statusCode).toBe(200);
    expect(res.json().customer).toMatchObject({ hasPhone: true, phoneMasked: expect.stringMatching(/^84•+\d{4}$/) });
    const row = h.app.services.db.$client.prepare("select phone from customers where id = ?").get(customer.id) as { phone: string };
    expect(row.phone).toMatch(/^84\d{9}$/);
    // The app secret went to Zalo as secret_key, from the server only.
    const reqs = await h.control("GET", "/_emu/requests?path=/graph/v2.0/me/info");
    expect(reqs.length ?? reqs.requests?.length).toBeGreaterThan(0);
  });

  it("refuses a spent phone token with 400 PHONE_TOKEN_INVALID and changes nothing", async () => {
    const { token, zaloToken } = await h.login("shopper");
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    expect(
      (await h.app.inject({ method: "POST", url: "/api/me/phone", headers: bearer(token), payload: { phoneToken, accessToken: zaloToken } })).statusCode,
    ).toBe(200);
    const reuse = await h.app.inject({ method: "POST", url: "/api/me/phone", headers: bearer(token), payload: { phoneToken, accessToken: zaloToken } });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().code).toBe("PHONE_TOKEN_INVALID");
  });

  it("refuses a phone token with non-ASCII characters as an invalid phone token, not Zalo being down", async () => {
    const { token, zaloToken } = await h.login("shopper");
    const res = await h.app.inject({ method: "POST", url: "/api/me/phone", headers: bearer(token), payload: { phoneToken: "😀", accessToken: zaloToken } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("PHONE_TOKEN_INVALID");
    expect(await h.control("GET", "/_emu/requests?path=/graph/v2.0/me/info")).toHaveLength(0);
  });

  it("refuses another person's phone token", async () => {
    const { token, zaloToken } = await h.login("shopper");
    const { token: staffPhoneToken } = await h.control("POST", "/_emu/personas/staff/phone-token");
    const res = await h.app.inject({
      method: "POST",
      url: "/api/me/phone",
      headers: bearer(token),
      payload: { phoneToken: staffPhoneToken, accessToken: zaloToken },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("PHONE_TOKEN_INVALID");
  });

  it("refuses an expired phone token (2 minutes)", async () => {
    const { token, zaloToken } = await h.login("shopper");
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    await h.control("POST", "/_emu/clock", { advanceMs: 3 * 60_000 });
    const res = await h.app.inject({ method: "POST", url: "/api/me/phone", headers: bearer(token), payload: { phoneToken, accessToken: zaloToken } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("PHONE_TOKEN_INVALID");
  });

  const phone = (token: string, body: object) => h.app.inject({ method: "POST", url: "/api/me/phone", headers: bearer(token), payload: body });
  const zaloLogin = async (ttlSeconds?: number) =>
    (await h.control("POST", "/_emu/personas/shopper/login", ttlSeconds ? { ttlSeconds } : {})).accessToken as string;

  it("exchanges with the Zalo token sent beside the phone token, even after the sign-in's token has expired", async () => {
    // Signed in with a token that had ten minutes left (zmp-sdk hands out its cached token until expires_in).
    const old = await zaloLogin(600);
    const { token } = (await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken: old } })).json();
    await h.control("POST", "/_emu/clock", { advanceMs: 15 * 60_000 });
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    const fresh = await zaloLogin();
    const res = await phone(token, { phoneToken, accessToken: fresh });
    expect(res.statusCode).toBe(200);
    expect(res.json().customer.hasPhone).toBe(true);
  });

  it("an expired Zalo token is 401 ZALO_TOKEN_INVALID (sign in again), the phone token stays unspent, and a fresh one then works", async () => {
    const { token } = await h.login("shopper");
    const short = await zaloLogin(60);
    await h.control("POST", "/_emu/clock", { advanceMs: 61_000 });
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    const expired = await phone(token, { phoneToken, accessToken: short });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe("ZALO_TOKEN_INVALID");
    const retry = await phone(token, { phoneToken, accessToken: await zaloLogin() });
    expect(retry.statusCode).toBe(200);
  });

  it("refuses another person's Zalo token with their own phone token: 401, nothing stored", async () => {
    const { token, customer } = await h.login("shopper");
    const staffZalo = (await h.control("POST", "/_emu/personas/staff/login")).accessToken;
    const { token: staffPhoneToken } = await h.control("POST", "/_emu/personas/staff/phone-token");
    const res = await phone(token, { phoneToken: staffPhoneToken, accessToken: staffZalo });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("ZALO_TOKEN_INVALID");
    const row = h.app.services.db.$client.prepare("select phone from customers where id = ?").get(customer.id) as { phone: string | null };
    expect(row.phone).toBeNull();
    expect(await h.control("GET", "/_emu/requests?path=/graph/v2.0/me/info")).toHaveLength(0);
  });

  it("Zalo busy during the exchange (-32, a 5xx) is 503 ZALO_BUSY, and the phone token still works after", async () => {
    const { token, zaloToken } = await h.login("shopper");
    const { token: phoneToken } = await h.control("POST", "/_emu/personas/shopper/phone-token");
    for (const fault of [{ error: -32 }, { httpStatus: 502 }]) {
      await h.control("POST", "/_emu/faults", { match: "/graph/v2.0/me/info", times: 1, ...fault });
      const res = await phone(token, { phoneToken, accessToken: zaloToken });
      expect.soft(res.statusCode, JSON.stringify(fault)).toBe(503);
      expect.soft(res.json().code, JSON.stringify(fault)).toBe("ZALO_BUSY");
    }
    expect((await phone(token, { phoneToken, accessToken: zaloToken })).statusCode).toBe(200);
  });

  it("needs the Zalo access token in the body", async () => {
    const { token } = await h.login("shopper");
    const res = await phone(token, { phoneToken: "abc" });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
  });
});

describe("Zalo's domain-verification file", () => {
  it("is served at /<name>.html from config, exactly as Zalo gave it, without a session", async () => {
    const content = '<meta name="zalo-platform-site-verification" content="AbC123" />';
    const v = await startHarness({ ZALO_DOMAIN_VERIFY_FILE: "zalo_verifierAbC123", ZALO_DOMAIN_VERIFY_CONTENT: content });
    try {
      const res = await v.app.inject({ method: "GET", url: "/zalo_verifierAbC123.html" });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toBe(content);
      expect((await v.app.inject({ method: "GET", url: "/zalo_verifierOther.html" })).statusCode).toBe(404);
    } finally {
      await v.close();
    }
    // Not configured: no such file.
    expect((await h.app.inject({ method: "GET", url: "/zalo_verifierAbC123.html" })).statusCode).toBe(404);
  });
});
