import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { webhookMac } from "../../zalo/signature";
import { bearer, startHarness, TEST_ENV, type Harness } from "../../test-support";

let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(async () => h.close());

const count = (table: string) => (h.app.services.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

function signed(event: Record<string, unknown>, secret: string = TEST_ENV.ZALO_OA_SECRET_KEY) {
  const raw = JSON.stringify(event);
  const mac = webhookMac(String(event.app_id), raw, String(event.timestamp), secret);
  return { raw, headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` } };
}

const followEvent = (oaId = "2468000000000000001", appUserId?: string) => ({
  app_id: TEST_ENV.ZALO_APP_ID,
  oa_id: TEST_ENV.ZALO_OA_ID,
  ...(appUserId ? { user_id_by_app: appUserId } : {}),
  event_name: "follow",
  follower: { id: oaId },
  source: "oa_profile",
  timestamp: "1760000000000",
});

describe("POST /webhooks/zalo", () => {
  it("accepts a good signature, stores the event and creates the follower", async () => {
    const { raw, headers } = signed(followEvent());
    const res = await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, duplicate: false });
    expect(count("webhook_events")).toBe(1);
    const row = h.app.services.db.$client.prepare("select follows_oa, zalo_oa_id from customers").get();
    expect(row).toEqual({ follows_oa: 1, zalo_oa_id: "2468000000000000001" });
  });

  it("rejects a bad signature with 401 and stores nothing", async () => {
    const { raw, headers } = signed(followEvent(), "wrong-secret");
    const res = await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("WEBHOOK_SIGNATURE_INVALID");
    expect(count("webhook_events")).toBe(0);
    expect(count("customers")).toBe(0);
  });

  it("rejects a missing signature with 401 and stores nothing", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/webhooks/zalo",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(followEvent()),
    });
    expect(res.statusCode).toBe(401);
    expect(count("webhook_events")).toBe(0);
  });

  it("rejects a body re-serialised after signing (the MAC covers the raw bytes)", async () => {
    const { raw, headers } = signed(followEvent());
    const res = await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: JSON.stringify(JSON.parse(raw), null, 2) });
    expect(res.statusCode).toBe(401);
  });

  it("stores an identical event delivered 3 times once", async () => {
    const { raw, headers } = signed(followEvent());
    const results = await Promise.all([1, 2, 3].map(() => h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw })));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(results.filter((r) => r.json().duplicate === false)).toHaveLength(1);
    expect(count("webhook_events")).toBe(1);
    expect(count("customers")).toBe(1);
  });

  it("a follow Zalo retries after the follower's data was erased stays a duplicate: it brings no one back", async () => {
    const { raw, headers } = signed(followEvent());
    expect((await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw })).json()).toEqual({ ok: true, duplicate: false });
    const id = (h.app.services.db.$client.prepare("select id from customers").get() as { id: string }).id;
    const admin = (
      await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } })
    ).json().token;
    expect(
      (await h.app.inject({ method: "POST", url: `/api/admin/customers/${id}/erase`, headers: bearer(admin), payload: { reason: "Khách yêu cầu" } }))
        .statusCode,
    ).toBe(200);
    // The stored event names no one any more, yet Zalo's late retry of it is still known.
    expect(JSON.stringify(h.app.services.db.$client.prepare("select * from webhook_events").all())).not.toContain("2468000000000000001");
    expect((await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw })).json()).toEqual({ ok: true, duplicate: true });
    expect(h.app.services.db.$client.prepare("select count(*) as n from customers where zalo_oa_id is not null").get()).toEqual({ n: 0 });
  });

  it("links the follower to the mini-app customer through user_id_by_app", async () => {
    const { customer, token } = await h.login("shopper");
    // Graph /me already told us the OA-scoped id; the webhook's follower.id is the same person.
    const oaId = customer.zaloOaId ?? "5550000000000000001";
    const { raw, headers } = signed(followEvent(oaId, customer.zaloId));
    expect((await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw })).statusCode).toBe(200);
    expect(count("customers")).toBe(1);
    const me = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(token) });
    expect(me.json().customer).toMatchObject({ followsOa: true, zaloOaId: oaId });
  });

  it("takes the emulator's real signed follow webhook end to end", async () => {
    const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
    await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
    const { token } = await h.login("shopper");
    const out = await h.control("POST", "/_emu/personas/shopper/follow");
    expect(out.delivered).toBe(true);
    const me = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(token) });
    expect(me.json().customer.followsOa).toBe(true);
  });

  it("links a follower seen first through a webhook when the person later opens the mini app", async () => {
    const personas = await h.control("GET", "/_emu/personas");
    const shopper = personas.find((p: any) => p.key === "shopper");
    // A real follow: Zalo knows it too, so Graph /me at the sign-in agrees with the webhook.
    const user = await h.control("PATCH", `/_emu/users/${shopper.appUserId}`, { follower: true });
    const { raw, headers } = signed(followEvent(user.oaUserId, shopper.appUserId));
    await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw });
    const { customer } = await h.login("shopper");
    expect(count("customers")).toBe(1);
    expect(customer).toMatchObject({ followsOa: true, zaloOaId: user.oaUserId, zaloId: shopper.appUserId });
  });

  it("records the last interaction on user_send_text", async () => {
    const ev = {
      app_id: TEST_ENV.ZALO_APP_ID,
      user_id_by_app: "777",
      event_name: "user_send_text",
      sender: { id: "2468000000000000009" },
      recipient: { id: TEST_ENV.ZALO_OA_ID },
      message: { msg_id: "m-1", text: "hi" },
      timestamp: "1760000000123",
    };
    const { raw, headers } = signed(ev);
    expect((await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw })).statusCode).toBe(200);
    const row = h.app.services.db.$client.prepare("select last_interaction_at, follows_oa from customers").get();
    expect(row).toEqual({ last_interaction_at: 1760000000123, follows_oa: 0 });
  });

  it("unfollow clears the follow flag", async () => {
    const f = signed(followEvent());
    await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers: f.headers, payload: f.raw });
    const u = signed({ ...followEvent(), event_name: "unfollow", timestamp: "1760000009999" });
    await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers: u.headers, payload: u.raw });
    expect(h.app.services.db.$client.prepare("select follows_oa, unfollowed_at from customers").get()).toEqual({ follows_oa: 0, unfollowed_at: 1760000009999 });
  });

  describe("membership events are applied by their own timestamp", () => {
    const post = async (event: Record<string, unknown>) => {
      const { raw, headers } = signed(event);
      const res = await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw });
      expect(res.statusCode).toBe(200);
    };
    const state = () => h.app.services.db.$client.prepare("select follows_oa, followed_at, unfollowed_at from customers").get();
    const welcomes = () => (h.app.services.db.$client.prepare("select count(*) as n from outbox where source = 'welcome'").get() as { n: number }).n;

    it("a follow from T1 retried after the unfollow at T2 is stored but leaves the person unfollowed", async () => {
      const t1 = h.emu.clock.now() - 3600_000;
      const t2 = t1 + 60_000;
      await post({ ...followEvent(), event_name: "unfollow", timestamp: String(t2) });
      await post({ ...followEvent(), timestamp: String(t1) });
      expect(state()).toEqual({ follows_oa: 0, followed_at: null, unfollowed_at: t2 });
      expect(count("webhook_events")).toBe(2);
      expect(welcomes()).toBe(0); // a stale follow runs no follow hooks either
    });

    it("a stale unfollow does not undo a newer follow; a newer one does", async () => {
      const t = h.emu.clock.now() - 3600_000;
      await post({ ...followEvent(), timestamp: String(t + 2000) });
      await post({ ...followEvent(), event_name: "unfollow", timestamp: String(t + 1000) });
      expect(state()).toMatchObject({ follows_oa: 1, followed_at: t + 2000 });
      expect(welcomes()).toBe(1);
      await post({ ...followEvent(), event_name: "unfollow", timestamp: String(t + 3000) });
      expect(state()).toMatchObject({ follows_oa: 0, unfollowed_at: t + 3000 });
    });

    it("a follow dated a year ahead counts as received now, so the real unfollow after it wins", async () => {
      const now = h.emu.clock.now();
      await post({ ...followEvent(), timestamp: String(now + 365 * 24 * 3600_000) });
      expect(state()).toMatchObject({ follows_oa: 1, followed_at: now });
      await h.control("POST", "/_emu/clock", { advanceMs: 1000 });
      await post({ ...followEvent(), event_name: "unfollow", timestamp: String(now + 1000) });
      expect(state()).toMatchObject({ follows_oa: 0, unfollowed_at: now + 1000 });
    });

    it("a message retried late never moves the last interaction backwards", async () => {
      const t = h.emu.clock.now() - 3600_000;
      const msg = (id: string, at: number) => ({
        app_id: TEST_ENV.ZALO_APP_ID,
        event_name: "user_send_text",
        sender: { id: "2468000000000000009" },
        recipient: { id: TEST_ENV.ZALO_OA_ID },
        message: { msg_id: id, text: "hi" },
        timestamp: String(at),
      });
      await post(msg("m-2", t + 5000));
      await post(msg("m-1", t));
      expect(h.app.services.db.$client.prepare("select last_interaction_at from customers").get()).toEqual({ last_interaction_at: t + 5000 });
    });
  });
});
