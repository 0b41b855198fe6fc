import { afterEach, describe, expect, it } from "vitest";
import { startHarness, TEST_ENV, type Harness } from "../test-support";

let h: Harness | undefined;
afterEach(async () => h?.close());

const spoofed = (n: number) => ({ "x-forwarded-for": `10.0.${n >> 8}.${n & 255}` });
const wrongLogin = (n: number) => ({
  method: "POST" as const,
  url: "/api/admin/login",
  headers: spoofed(n),
  payload: { email: `nobody${n}@shop.vn`, password: "wrong-wrong" },
});

describe("per-IP limits and X-Forwarded-For", () => {
  it("by default a client cannot pick its own rate-limit bucket with X-Forwarded-For", async () => {
    h = await startHarness({ AUTH_RATE_LIMIT_PER_MINUTE: "10" });
    const codes: number[] = [];
    for (let n = 0; n < 100; n++) codes.push((await h.app.inject(wrongLogin(n))).statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(10);
    expect(codes.filter((c) => c === 429)).toHaveLength(90);
  });

  it("junk Zalo tokens from 'different' addresses do not each become a Graph call", async () => {
    h = await startHarness({ AUTH_RATE_LIMIT_PER_MINUTE: "10" });
    for (let n = 0; n < 60; n++) await h.app.inject({ method: "POST", url: "/api/auth/zalo", headers: spoofed(n), payload: { accessToken: `junk-${n}` } });
    expect(await h.control("GET", "/_emu/requests?path=/graph/v2.0/me")).toHaveLength(10);
  });

  it.each(["127.0.0.1", "1"])("a configured proxy (TRUST_PROXY=%s) is believed: its X-Forwarded-For names the client", async (trust) => {
    // inject() connects from 127.0.0.1, playing the reverse proxy here.
    h = await startHarness({ AUTH_RATE_LIMIT_PER_MINUTE: "10", TRUST_PROXY: trust });
    const codes: number[] = [];
    for (let n = 0; n < 30; n++) codes.push((await h.app.inject(wrongLogin(n))).statusCode);
    expect(codes.every((c) => c === 401)).toBe(true);
    // ... and one client behind it is still limited.
    const same: number[] = [];
    for (let n = 0; n < 12; n++) same.push((await h.app.inject(wrongLogin(7))).statusCode);
    expect(same.filter((c) => c === 429).length).toBeGreaterThan(0);
  });
});

describe("console sign-in backoff per account", () => {
  it("locks the account after repeated wrong passwords from any number of addresses, then lets the owner back in", async () => {
    h = await startHarness({ TRUST_PROXY: "127.0.0.1" });
    const attempt = (n: number, password: string) =>
      h!.app.inject({ method: "POST", url: "/api/admin/login", headers: spoofed(n), payload: { email: TEST_ENV.ADMIN_EMAIL, password } });
    const codes: number[] = [];
    for (let n = 0; n < 100; n++) codes.push((await attempt(n, `guess-${n}-guess`)).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5).every((c) => c === 429)).toBe(true);

    const locked = await attempt(500, TEST_ENV.ADMIN_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: "ADMIN_LOGIN_LOCKED", details: { retryAfterSeconds: 60 } });

    await h.control("POST", "/_emu/clock", { advanceMs: 61_000 });
    expect((await attempt(501, TEST_ENV.ADMIN_PASSWORD)).statusCode).toBe(200);
    // The success cleared the count.
    expect((await attempt(502, "wrong-again-1")).statusCode).toBe(401);
  });

  it("an unknown email locks the same way, so the answer tells nothing about which accounts exist", async () => {
    h = await startHarness();
    const codes: string[] = [];
    for (let n = 0; n < 7; n++) {
      const res = await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: "ghost@shop.vn", password: "wrong-wrong" } });
      codes.push(res.json().code);
    }
    expect(codes).toEqual([...Array(5).fill("ADMIN_LOGIN_FAILED"), "ADMIN_LOGIN_LOCKED", "ADMIN_LOGIN_LOCKED"]);
  });
});
