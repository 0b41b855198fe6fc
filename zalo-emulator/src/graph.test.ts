import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ZaloCode } from "./errors";
import { APP, emulator } from "./test-helpers";

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => close?.());

async function setup() {
  const emu = await emulator();
  close = () => emu.app.close();
  const login = await emu.call("POST", "/_emu/personas/shopper/login");
  return { ...emu, token: login.body.accessToken as string, login: login.body };
}

describe("graph /v2.0/me", () => {
  it("persona login gives a token that /me accepts, answered flat", async () => {
    const { call, token, login } = await setup();
    expect(login.expiresIn).toBe(3600);
    expect(login.userInfo).toMatchObject({ id: "5521000000000000001", name: "Nguyễn Thu Hà", followedOA: false });
    expect(login.userInfo.avatar).toMatch(/^data:image\/svg\+xml/);
    const proof = createHmac("sha256", APP.appSecret).update(token).digest("hex");
    const res = await call("GET", `/graph/v2.0/me?fields=id,name,picture,user_id_by_oa,is_follower&miniapp_id=${APP.miniAppId}`, {
      headers: { access_token: token, appsecret_proof: proof },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: "5521000000000000001",
      name: "Nguyễn Thu Hà",
      picture: { data: { url: login.userInfo.avatar } },
      user_id_by_oa: login.userInfo.idByOA,
      is_follower: false,
      error: 0,
      message: "Success",
    });
  });

  it("takes the Mini App's id as miniapp_id: the Zalo App ID is refused; without one there is no OA link", async () => {
    const { call, token } = await setup();
    const asked = (q: string) => call("GET", `/graph/v2.0/me?fields=id,name,user_id_by_oa,is_follower${q}`, { headers: { access_token: token } });
    const wrong = await asked(`&miniapp_id=${APP.appId}`);
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ error: ZaloCode.MINIAPP_ID_INVALID, message: "miniapp_id is invalid" });
    const none = await asked("");
    expect(none.body).toMatchObject({ id: "5521000000000000001", error: 0 });
    expect(none.body).not.toHaveProperty("user_id_by_oa");
    expect(none.body).not.toHaveProperty("is_follower");
    expect((await asked(`&miniapp_id=${APP.miniAppId}`)).body).toHaveProperty("user_id_by_oa");
  });

  it("an injected gateway 5xx answers with that HTTP status and an HTML body (not Zalo's envelope)", async () => {
    const { call, app, token } = await setup();
    expect((await call("POST", "/_emu/faults", { body: { match: "/graph/v2.0/me", httpStatus: 404 } })).status).toBe(400);
    await call("POST", "/_emu/faults", { body: { match: "/graph/v2.0/me", httpStatus: 502 } });
    const res = await app.inject({ method: "GET", url: "/graph/v2.0/me", headers: { access_token: token } });
    expect(res.statusCode).toBe(502);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect((await call("GET", "/graph/v2.0/me", { headers: { access_token: token } })).body.error).toBe(0);
  });

  it("answers 452 with HTTP 200 for an unknown token and for one past its hour", async () => {
    const { call, token, clock } = await setup();
    const unknown = await call("GET", "/graph/v2.0/me", { headers: { access_token: "nope" } });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ error: 452, message: "Session key invalid" });
    clock.advance(3600_000 - 1);
    expect((await call("GET", "/graph/v2.0/me", { headers: { access_token: token } })).body.error).toBe(0);
    clock.advance(1);
    expect((await call("GET", "/graph/v2.0/me", { headers: { access_token: token } })).body.error).toBe(452);
  });

  it("rejects a wrong appsecret_proof, and a missing one only when enforced", async () => {
    const { call, token } = await setup();
    const wrong = await call("GET", "/graph/v2.0/me", { headers: { access_token: token, appsecret_proof: "00" } });
    expect(wrong.body.error).toBe(ZaloCode.APPSECRET_PROOF_INVALID);
    await call("POST", "/_emu/config", { body: { enforceAppSecretProof: true } });
    expect((await call("GET", "/graph/v2.0/me", { headers: { access_token: token } })).body.error).toBe(ZaloCode.APPSECRET_PROOF_INVALID);
  });
});

describe("graph /v2.0/me/info (phone token)", () => {
  const headers = (token: string, code: string, secret = APP.appSecret) => ({ access_token: token, code, secret_key: secret });

  it("exchanges a phone token once", async () => {
    const { call, token } = await setup();
    const { token: code } = (await call("POST", "/_emu/personas/shopper/phone-token")).body;
    const ok = await call("GET", "/graph/v2.0/me/info", { headers: headers(token, code) });
    expect(ok.body).toEqual({ data: { number: "84912345678" }, error: 0, message: "Success" });
    const again = await call("GET", "/graph/v2.0/me/info", { headers: headers(token, code) });
    expect(again.status).toBe(200);
    expect(again.body.error).toBe(ZaloCode.PHONE_CODE_INVALID);
  });

  it("refuses an expired code (2 min), another user's code, a wrong secret and a bad user token", async () => {
    const { call, token, clock } = await setup();
    const code = (await call("POST", "/_emu/personas/shopper/phone-token")).body.token;
    expect((await call("GET", "/graph/v2.0/me/info", { headers: headers(token, code, "wrong") })).body).toEqual({
      error: ZaloCode.APP_SECRET_INVALID,
      message: "app secret key invalid",
    });
    expect((await call("GET", "/graph/v2.0/me/info", { headers: headers("bad", code) })).body.error).toBe(452);
    const staffCode = (await call("POST", "/_emu/personas/staff/phone-token")).body.token;
    expect((await call("GET", "/graph/v2.0/me/info", { headers: headers(token, staffCode) })).body.error).toBe(ZaloCode.PHONE_CODE_INVALID);
    clock.advance(2 * 60_000);
    expect((await call("GET", "/graph/v2.0/me/info", { headers: headers(token, code) })).body.error).toBe(ZaloCode.PHONE_CODE_INVALID);
  });

  it("will not mint a phone token for a user without a phone", async () => {
    const { call } = await setup();
    const u = (await call("POST", "/_emu/users", { body: { name: "No Phone" } })).body;
    expect(u.appUserId).toMatch(/^[1-9]\d{17,18}$/);
    expect((await call("POST", `/_emu/users/${u.appUserId}/phone-token`)).status).toBe(409);
  });
});
