import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { APP, emulator, OA_TOKEN, receiver, T0, until } from "./test-helpers";
import { signWebhook } from "./webhooks";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("signWebhook", () => {
  it("is plain sha256 of app_id + body + timestamp + secret (§6.1)", () => {
    const expected = createHash("sha256").update("a{}1s").digest("hex");
    expect(signWebhook("a", "{}", "1", "s")).toBe(expected);
  });
});

describe("outgoing webhooks", () => {
  it("follow: changes state, delivers the signed §6.2 payload and counts as an interaction", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { app, call } = await emulator({ webhookUrl: hook.url });
    cleanups.push(() => app.close());
    const res = await call("POST", "/_emu/personas/shopper/follow");
    expect(res.body).toMatchObject({ delivered: true, status: 200, attempts: 1, user: { follower: true, lastInteractionAt: T0 } });
    const raw = hook.got[0]!.raw;
    const payload = JSON.parse(raw);
    expect(payload).toEqual({
      app_id: APP.appId,
      oa_id: APP.oaId,
      user_id_by_app: "5521000000000000001",
      event_name: "follow",
      follower: { id: "2468000000000000001" },
      source: "oa_profile",
      timestamp: String(T0),
    });
    expect(hook.got[0]!.headers["x-zevent-signature"]).toBe(`mac=${signWebhook(APP.appId, raw, String(T0), APP.oaSecretKey)}`);
    // Now inside the CS window.
    const cs = await call("POST", "/openapi/v3.0/oa/message/cs", {
      headers: { access_token: OA_TOKEN },
      body: { recipient: { user_id: "2468000000000000001" }, message: { text: "Cảm ơn bạn!" } },
    });
    expect(cs.body.error).toBe(0);
  });

  it("retries on 500 on the configured schedule with the same signed body", async () => {
    const hook = await receiver([500, 500]);
    cleanups.push(hook.close);
    const { app, call } = await emulator({ webhookUrl: hook.url, retrySchedule: [30, 60] });
    cleanups.push(() => app.close());
    const res = await call("POST", "/_emu/users/5521000000000000002/send-text", { body: { text: "Còn hàng không?" } });
    expect(res.body).toMatchObject({ delivered: false, status: 500, attempts: 1 });
    const deliveries = await until(async () => {
      const list = (await call("GET", "/_emu/webhooks")).body;
      return list[0]?.done ? list : undefined;
    });
    expect(deliveries[0]).toMatchObject({ eventName: "user_send_text", delivered: true, attempts: [{ status: 500 }, { status: 500 }, { status: 200 }] });
    expect(new Set(hook.got.map((g) => g.raw)).size).toBe(1);
    expect(hook.got[1]!.headers["num_retry"]).toBe("1");
    expect(JSON.parse(hook.got[0]!.raw)).toMatchObject({
      event_name: "user_send_text",
      sender: { id: "2468000000000000002" },
      recipient: { id: APP.oaId },
      message: { text: "Còn hàng không?" },
    });
  });

  it("a follower's picture, sticker, link, location or file: user_send_<kind> with message.attachments (§6.2)", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { app, call } = await emulator({ webhookUrl: hook.url });
    cleanups.push(() => app.close());
    const payload = { url: "https://photo.example/a.jpg", thumbnail: "https://photo.example/a-t.jpg" };
    const res = await call("POST", "/_emu/users/5521000000000000002/send-media", { body: { kind: "image", payload, text: "Món này" } });
    expect(res.body).toMatchObject({ delivered: true, user: { lastInteractionAt: T0 } });
    expect(JSON.parse(hook.got[0]!.raw)).toEqual({
      app_id: APP.appId,
      user_id_by_app: "5521000000000000002",
      event_name: "user_send_image",
      sender: { id: "2468000000000000002" },
      recipient: { id: APP.oaId },
      message: { msg_id: res.body.msgId, text: "Món này", attachments: [{ type: "image", payload }] },
      timestamp: String(T0),
    });
    expect((await call("POST", "/_emu/users/5521000000000000002/send-media", { body: { kind: "hologram" } })).status).toBe(400);
  });

  it("a CS message reaching the user: user_received_message from the OA to the user, with msg_id and msg_ids", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { app, call } = await emulator({ webhookUrl: hook.url });
    cleanups.push(() => app.close());
    await call("POST", "/_emu/users/5521000000000000002/send-text", { body: { text: "Shop ơi" } });
    const cs = await call("POST", "/openapi/v3.0/oa/message/cs", {
      headers: { access_token: OA_TOKEN },
      body: { recipient: { user_id: "2468000000000000002" }, message: { text: "Dạ" } },
    });
    const msgId = cs.body.data.message_id as string;
    expect((await call("POST", `/_emu/messages/${msgId}/received`)).body).toMatchObject({ delivered: true });
    expect(JSON.parse(hook.got[1]!.raw)).toMatchObject({
      event_name: "user_received_message",
      sender: { id: APP.oaId },
      recipient: { id: "2468000000000000002" },
      message: { msg_id: msgId, msg_ids: [msgId], delivery_time: String(T0) },
    });
    expect((await call("POST", "/_emu/messages/nope/received")).status).toBe(404);
  });

  it("records a network failure as an attempt without a status", async () => {
    const { app, call } = await emulator({ webhookUrl: "http://127.0.0.1:1/webhooks/zalo", retrySchedule: [] });
    cleanups.push(() => app.close());
    const res = await call("POST", "/_emu/personas/staff/unfollow");
    expect(res.body).toMatchObject({ delivered: false, status: null, attempts: 1 });
  });
});

describe("faults and records", () => {
  it("injects a Zalo error for the next N matching requests, and a delay", async () => {
    const { app, call } = await emulator();
    cleanups.push(() => app.close());
    await call("POST", "/_emu/faults", { body: { match: "/business/message/quota", error: -32, message: "rate limited", times: 1 } });
    const hit = await call("GET", "/business/message/quota", { headers: { access_token: OA_TOKEN } });
    expect(hit).toMatchObject({ status: 200, body: { error: -32, message: "rate limited" } });
    expect((await call("GET", "/business/message/quota", { headers: { access_token: OA_TOKEN } })).body.error).toBe(0);
    await call("POST", "/_emu/faults", { body: { match: "/graph", delayMs: 150, times: 1 } });
    const t = Date.now();
    expect((await call("GET", "/graph/v2.0/me", { headers: { access_token: "x" } })).body.error).toBe(452);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    const reqs = (await call("GET", "/_emu/requests?path=/business")).body;
    expect(reqs).toHaveLength(2);
    expect(reqs[0]).toMatchObject({ method: "GET", path: "/business/message/quota", error: -32 });
    expect(reqs[0].headers.access_token).not.toBe(OA_TOKEN); // redacted
  });

  it("reset brings back the seed", async () => {
    const { app, call } = await emulator();
    cleanups.push(() => app.close());
    await call("POST", "/_emu/users", { body: { name: "Temp" } });
    await call("POST", "/_emu/clock", { body: { advanceMs: 1000 } });
    await call("POST", "/_emu/reset");
    expect((await call("GET", "/_emu/clock")).body.now).toBe(T0);
    expect((await call("GET", "/_emu/state")).body).toMatchObject({ users: 3, templates: 3, messages: 0 });
    expect((await call("GET", "/_emu/personas")).body.map((p: { key: string }) => p.key)).toEqual(["shopper", "staff", "admin"]);
  });

  it("answers the control API with open CORS", async () => {
    const { app } = await emulator();
    cleanups.push(() => app.close());
    const res = await app.inject({
      method: "OPTIONS",
      url: "/_emu/personas/shopper/login",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(res.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
  });
});
