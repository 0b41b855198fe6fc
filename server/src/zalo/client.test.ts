import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../test-support";
import { ZaloError } from "./errors";

let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(async () => h.close());

const zalo = () => h.app.services.zalo;

async function shopperOaId(): Promise<string> {
  // Following makes the shopper reachable by CS (following counts as an interaction).
  await h.control("POST", "/_emu/personas/shopper/follow");
  const personas = await h.control("GET", "/_emu/personas");
  const shopper = personas.find((p: any) => p.key === "shopper");
  const user = await h.control("GET", `/_emu/users/${shopper.appUserId}`);
  return user.oaUserId;
}

describe("Zalo client against the emulator", () => {
  it("reads the flat /me answer", async () => {
    const { accessToken, userInfo } = await h.control("POST", "/_emu/personas/shopper/login");
    const me = await zalo().getMe(accessToken);
    expect(me).toMatchObject({ id: userInfo.id, name: "Nguyễn Thu Hà" });
  });

  it("a request that cannot be built (a header with non-ASCII) is request_invalid, never transient", async () => {
    const err = await zalo()
      .getMe("😀")
      .catch((e) => e);
    expect(err).toBeInstanceOf(ZaloError);
    expect(err.kind).toBe("request_invalid");
    const phone = await zalo()
      .exchangePhoneToken("good-token", "mã-😀")
      .catch((e) => e);
    expect(phone.kind).toBe("request_invalid");
  });

  it("Zalo really unreachable stays transient", async () => {
    const { accessToken } = await h.control("POST", "/_emu/personas/shopper/login");
    await h.emu.app.close();
    const err = await zalo()
      .getMe(accessToken)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ZaloError);
    expect(err.kind).toBe("transient");
  });

  it("maps a non-zero error in an HTTP 200 answer to a typed ZaloError", async () => {
    const err = await zalo()
      .getMe("bogus")
      .catch((e) => e);
    expect(err).toBeInstanceOf(ZaloError);
    expect(err.kind).toBe("invalid_user_token");
  });

  it("sends a CS message to a follower and maps the -230 window error", async () => {
    const oaUserId = await shopperOaId();
    const sent = await zalo().sendCs({ oaUserId, text: "Cảm ơn bạn đã quan tâm!" });
    expect(sent.message_id).toEqual(expect.any(String));
    await h.control("POST", "/_emu/clock", { advanceMs: 8 * 24 * 3600_000 });
    const err = await zalo()
      .sendCs({ oaUserId, text: "still there?" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ZaloError);
    expect(err.zaloCode).toBe(-230);
    expect(err.kind).toBe("cs_window"); // the dispatcher routes such a message to the next channel
  });

  it("classifies rate limit, quota and timeouts", async () => {
    const oaUserId = await shopperOaId();
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: -32, times: 1 });
    expect(
      await zalo()
        .sendCs({ oaUserId, text: "a" })
        .catch((e) => e.kind),
    ).toBe("rate_limit");
    await h.control("POST", "/_emu/faults", { match: "/business/message/template", error: -144, times: 1 });
    expect(
      await zalo()
        .sendZns({ phone: "84912345678", templateId: "t", data: {}, trackingId: "x1" })
        .catch((e) => e.kind),
    ).toBe("quota");
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: 0, times: 1, delayMs: 2500 });
    const slow = await zalo()
      .sendCs({ oaUserId, text: "a" })
      .catch((e) => e);
    expect(slow).toMatchObject({ kind: "transient", zaloCode: 0 });
  });

  it("refreshes an expired OA token once for many concurrent callers and saves the rotated pair first", async () => {
    const oaUserId = await shopperOaId();
    await h.control("POST", "/_emu/oa-token/expire");
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => zalo().sendCs({ oaUserId, text: `msg ${i}` })));
    expect(results).toHaveLength(5);
    const emu = await h.control("GET", "/_emu/oa-token");
    expect(emu.refreshCount).toBe(1);
    const row = h.app.services.db.$client.prepare("select access_token, refresh_token from oa_tokens").get() as any;
    expect(row).toEqual({ access_token: emu.accessToken, refresh_token: emu.refreshToken });
  });

  it("reads a user's conversation with the OA: who wrote, when, the text and the message id", async () => {
    const oaUserId = await shopperOaId();
    const sent = await zalo().sendCs({ oaUserId, text: "Đơn của bạn đã sẵn sàng" });
    const page = await zalo().getConversation({ oaUserId, offset: 0, count: 10 });
    expect(page).toEqual([
      { fromOa: true, time: expect.any(Number), type: "text", message: "Đơn của bạn đã sẵn sàng", messageId: sent.message_id, toId: oaUserId },
    ]);
    await h.control("POST", "/_emu/faults", { match: "/openapi/v2.0/oa/conversation", error: -32, times: 1 });
    expect(
      await zalo()
        .getConversation({ oaUserId, offset: 0, count: 10 })
        .catch((e) => e.kind),
    ).toBe("rate_limit");
  });

  it("reads the ZNS quota as numbers", async () => {
    const q = await zalo().getZnsQuota();
    expect(q.daily).toBeGreaterThan(0);
    expect(q.remaining).toBeLessThanOrEqual(q.daily);
  });
});
