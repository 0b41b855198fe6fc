import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../db/client";
import { sqliteStore } from "../../db/store";
import { bearer, followingShoppers, startHarness, TEST_ENV, type Harness } from "../../test-support";
import { oaTokenStore } from "../../zalo/token-store";

let h: Harness;
afterEach(async () => h?.close());

const tokenRow = () => h.app.services.db.$client.prepare("select * from oa_tokens where id = 1").get() as Record<string, any>;

/** Owner presses "Kết nối OA": the consent URL; then Zalo's page (auto-approved) sends the browser back with a code. */
async function consent(admin: string) {
  const start = await h.app.inject({ method: "POST", url: "/api/admin/oa/connect", headers: bearer(admin) });
  expect(start.statusCode).toBe(200);
  const url = new URL(start.json().url);
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location")!);
  return { url, back, query: back.search };
}
const callback = (query: string) => h.app.inject({ method: "GET", url: `/zalo/oa/callback${query}` });

describe("connecting the OA from the console (OAuth v4 + PKCE)", () => {
  it("owner → Zalo's consent page → callback: the code is exchanged with the verifier, the pair stored, the OA named", async () => {
    h = await startHarness();
    const admin = await h.adminToken();
    await h.control("POST", "/_emu/oauth/auto-approve", { on: true });
    const { url, back, query } = await consent(admin);
    expect(url.origin + url.pathname).toBe(`${h.emuUrl}/oauth/v4/oa/permission`);
    expect(url.searchParams.get("app_id")).toBe(TEST_ENV.ZALO_APP_ID);
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("redirect_uri")).toMatch(/\/zalo\/oa\/callback$/);
    expect(back.pathname).toBe("/zalo/oa/callback");
    // The verifier never left the server before the exchange.
    expect(url.search).not.toContain("verifier");

    const done = await callback(query);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ ok: true, oa: { id: TEST_ENV.ZALO_OA_ID, name: "Master Channel Coffee" } });
    const emu = await h.control("GET", "/_emu/oa-token");
    expect(tokenRow()).toMatchObject({ access_token: emu.accessToken, refresh_token: emu.refreshToken, source: "console", oa_name: "Master Channel Coffee" });
    const status = await h.app.inject({ method: "GET", url: "/api/admin/oa", headers: bearer(admin) });
    expect(status.json()).toMatchObject({ oa: { id: TEST_ENV.ZALO_OA_ID, name: "Master Channel Coffee" }, source: "console", reconnect: null });
    // The stored pair is the one the OA API now takes.
    expect((await h.app.services.zalo.getZnsQuota()).daily).toBeGreaterThan(0);

    // The state is single use: the same redirect again is refused and changes nothing.
    const again = await callback(query);
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe("OA_CONNECT_STATE_INVALID");
  });

  it("refuses a forged, expired or someone else's state, and a code with another connect's verifier", async () => {
    h = await startHarness();
    const admin = await h.adminToken();
    await h.control("POST", "/_emu/oauth/auto-approve", { on: true });
    const before = tokenRow();

    const forged = await callback("?code=emu-code-x&oa_id=1&state=made-up");
    expect(forged.json().code).toBe("OA_CONNECT_STATE_INVALID");

    const late = await consent(admin);
    await h.control("POST", "/_emu/clock", { advanceMs: 10 * 60_000 + 1 });
    expect((await callback(late.query)).json().code).toBe("OA_CONNECT_STATE_INVALID");

    // A's code presented with B's state: Zalo checks B's verifier against A's challenge (PKCE) and refuses.
    const a = await consent(admin);
    const b = await consent(admin);
    const mixed = `?code=${a.back.searchParams.get("code")}&oa_id=1&state=${b.back.searchParams.get("state")}`;
    const res = await callback(mixed);
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe("OA_CONNECT_FAILED");
    expect(tokenRow().access_token).toBe(before.access_token);

    // Declined on Zalo's page: no code comes back.
    const declined = await consent(admin);
    const state = declined.back.searchParams.get("state");
    expect((await callback(`?error=access_denied&state=${state}`)).json().code).toBe("OA_CONNECT_DENIED");
  });

  it("with CONSOLE_URL the callback returns the admin to the console's OA page, saying how it went", async () => {
    h = await startHarness({ CONSOLE_URL: "http://console.test" });
    const admin = await h.adminToken();
    await h.control("POST", "/_emu/oauth/auto-approve", { on: true });
    const ok = await callback((await consent(admin)).query);
    expect(ok.statusCode).toBe(302);
    expect(ok.headers.location).toBe(`http://console.test/#/oa?connected=${TEST_ENV.ZALO_OA_ID}`);
    const bad = await callback("?code=x&state=nope");
    expect(bad.headers.location).toBe("http://console.test/#/oa?error=OA_CONNECT_STATE_INVALID");
  });
});

describe("the env's token pair", () => {
  it("a new env pair wins over the stored one; the same env pair keeps the stored, rotated one", async () => {
    const db = sqliteStore(openDb(":memory:"));
    let t = 1_000;
    const now = () => t;
    const first = oaTokenStore(db, { ZALO_OA_ACCESS_TOKEN: "env-a1", ZALO_OA_REFRESH_TOKEN: "env-r1" }, now);
    expect(await first.get()).toMatchObject({ accessToken: "env-a1", refreshToken: "env-r1", source: "env", version: 1 });
    // Rotated by a refresh, then marked dead (the refresh token was refused later).
    expect(await first.saveRefreshed("env-r1", { accessToken: "rot-a2", refreshToken: "rot-r2", expiresAt: 5_000 })).toBe(true);
    expect(await first.saveRefreshed("env-r1", { accessToken: "x", refreshToken: "y", expiresAt: 5_000 })).toBe(false); // conditional
    t = 2_000;
    // Restart with the same env: the rotated pair stays (the env's refresh token is spent by now).
    const same = oaTokenStore(db, { ZALO_OA_ACCESS_TOKEN: "env-a1", ZALO_OA_REFRESH_TOKEN: "env-r1" }, now);
    expect(await same.get()).toMatchObject({ accessToken: "rot-a2", refreshToken: "rot-r2", version: 2 });
    await same.markReconnect("rot-r2", "-14005: refresh_token has been used");
    expect((await same.get()).needsReconnect).toBe(true);
    // The operator re-consented outside the product and put the new pair in the env: it wins, the alert ends.
    const moved = oaTokenStore(db, { ZALO_OA_ACCESS_TOKEN: "env-a3", ZALO_OA_REFRESH_TOKEN: "env-r3" }, now);
    expect(await moved.get()).toMatchObject({ accessToken: "env-a3", refreshToken: "env-r3", source: "env", needsReconnect: false, version: 3 });
    // And a later restart with that same pair keeps what the row has.
    await moved.saveRefreshed("env-r3", { accessToken: "rot-a4", refreshToken: "rot-r4", expiresAt: 9_000 });
    expect((await oaTokenStore(db, { ZALO_OA_ACCESS_TOKEN: "env-a3", ZALO_OA_REFRESH_TOKEN: "env-r3" }, now).get()).refreshToken).toBe("rot-r4");
  });
});

describe("a refresh token Zalo refuses", () => {
  it("is a reconnect alert, and messages wait (held) instead of failing, then go once the OA is connected again", async () => {
    h = await startHarness();
    const admin = await h.adminToken();
    // The follow webhook reaches the API (so the person is a follower inside the CS window), at 10:00 in Vietnam.
    const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
    await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
    await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 3, 0) });
    const rules = (await h.app.inject({ method: "GET", url: "/api/admin/warming-rules", headers: bearer(admin) })).json().rules;
    await h.app.inject({
      method: "PUT",
      url: "/api/admin/warming-rules",
      headers: bearer(admin),
      payload: { rules: { ...rules, quietHours: null, caps: [] } },
    });
    const [p] = await followingShoppers(h, 1);
    // Someone else spent the refresh token (an old deploy with the same env), and the access token expires.
    await h.control("POST", "/_emu/oa-token/spend-refresh");
    await h.control("POST", "/_emu/oa-token/expire");
    h.app.services.messaging.queue({ customerId: p!.customer.id, category: "care", dedupeKey: "wait-for-oa", source: "test", text: "Chào bạn" });
    await h.app.services.dispatcher.drain();
    const row = () => h.app.services.db.$client.prepare("select state, reason from outbox where dedupe_key = 'wait-for-oa'").get() as any;
    expect(row()).toEqual({ state: "held", reason: "OA_DISCONNECTED" });
    const status = (await h.app.inject({ method: "GET", url: "/api/admin/oa", headers: bearer(admin) })).json();
    expect(status.reconnect).toMatchObject({ since: expect.any(String), reason: expect.stringContaining("-14005") });
    const refreshes = (await h.control("GET", "/_emu/oa-token")).refreshCount;

    // Held rows try again a minute later; no refresh is spent while disconnected.
    await h.control("POST", "/_emu/clock", { advanceMs: 61_000 });
    await h.app.services.dispatcher.drain();
    expect(row().state).toBe("held");
    expect((await h.control("GET", "/_emu/oa-token")).refreshCount).toBe(refreshes);

    await h.control("POST", "/_emu/oauth/auto-approve", { on: true });
    expect((await callback((await consent(admin)).query)).statusCode).toBe(200);
    expect((await h.app.inject({ method: "GET", url: "/api/admin/oa", headers: bearer(admin) })).json().reconnect).toBeNull();
    await h.control("POST", "/_emu/clock", { advanceMs: 61_000 });
    await h.app.services.dispatcher.drain();
    expect(row().state).toBe("sent");
  });
});
