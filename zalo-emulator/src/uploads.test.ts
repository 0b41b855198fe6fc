import { afterEach, describe, expect, it } from "vitest";
import { buildEmulator } from "./app";
import { ZaloCode } from "./errors";
import { APP, OA_REFRESH, OA_TOKEN, receiver, T0 } from "./test-helpers";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
const GIF = Buffer.from("GIF89a\u0001\u0000\u0001\u0000", "latin1");
const STAFF_OA = "2468000000000000002";
const STAFF_APP = "5521000000000000002";

let closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A listening emulator, so multipart goes over a real socket as the server's client sends it. */
async function setup(webhookUrl?: string) {
  const emu = await buildEmulator({ ...APP, oaAccessToken: OA_TOKEN, oaRefreshToken: OA_REFRESH, now: T0, webhookUrl });
  await emu.app.listen({ host: "127.0.0.1", port: 0 });
  closers.push(() => emu.app.close());
  const base = emu.app.listeningOrigin;
  const upload = async (kind: string, bytes: Buffer, name = "a.png", token = OA_TOKEN) => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)]), name);
    const res = await fetch(`${base}/openapi/v2.0/oa/upload/${kind}`, { method: "POST", headers: { access_token: token }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  };
  const json = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const cs = (message: unknown, token = OA_TOKEN) =>
    json("POST", "/openapi/v3.0/oa/message/cs", { recipient: { user_id: STAFF_OA }, message }, { access_token: token });
  const media = (element: Record<string, unknown>) => ({
    text: "Ảnh menu",
    attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", ...element }] } },
  });
  return { ...emu, upload, json, cs, media };
}

describe("OA upload API (§5.5)", () => {
  it("takes a jpg or png up to 1 MB and returns an attachment id the CS send then accepts", async () => {
    const { upload, cs, media, state } = await setup();
    for (const bytes of [PNG, JPEG, Buffer.concat([PNG, Buffer.alloc(1024 * 1024 - PNG.length)])]) {
      const r = await upload("image", bytes);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ error: 0, message: "Success", data: { attachment_id: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    }
    const id = [...state.uploads.keys()][0]!;
    const sent = await cs(media({ attachment_id: id }));
    expect(sent.body).toMatchObject({ error: 0, data: { message_id: expect.any(String) } });
    expect(state.messages.at(-1)!.data).toMatchObject({ attachment: { payload: { elements: [{ attachment_id: id }] } } });
  });

  it("refuses other types, files over 1 MB, no file, a bad token, and uploads past the monthly limit", async () => {
    const { upload, json, state } = await setup();
    expect((await upload("image", GIF, "a.gif")).body.error).toBe(ZaloCode.FIELD_INVALID);
    expect((await upload("image", Buffer.from("not a picture"), "a.png")).body.error).toBe(ZaloCode.FIELD_INVALID);
    const big = await upload("image", Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]));
    expect(big.status).toBe(200);
    expect(big.body).toMatchObject({ error: ZaloCode.PARAM_EXCEEDS_LIMIT, message: expect.stringContaining("1 MB") });
    const empty = await json("POST", "/openapi/v2.0/oa/upload/image", { file: "x" }, { access_token: OA_TOKEN });
    expect(empty.body.error).toBe(ZaloCode.FIELD_INVALID);
    expect((await upload("image", PNG, "a.png", "never-issued")).body.error).toBe(ZaloCode.OA_TOKEN_INVALID);
    expect((await upload("gif", GIF, "a.gif")).body.data.attachment_id).toBeTruthy();
    expect(state.uploads.size).toBe(1);

    await json("POST", "/_emu/config", { uploadMonthlyLimit: 2 });
    expect((await upload("image", PNG)).body.error).toBe(0);
    expect((await upload("image", PNG)).body.error).toBe(ZaloCode.OUT_OF_QUOTA);
    // The request log names the file and its size, never its bytes.
    const logged = (await json("GET", "/_emu/requests?path=/openapi/v2.0/oa/upload/image")).body.at(-1);
    expect(logged.body.parts.file).toEqual({ name: "a.png", type: "application/octet-stream", size: PNG.length });
  });

  it("sends only attachment ids it issued, of the right kind, within 7 days", async () => {
    const { upload, cs, media, clock, state } = await setup();
    expect((await cs(media({ attachment_id: "made-up" }))).body).toMatchObject({ error: ZaloCode.FIELD_INVALID, message: "attachment_id is invalid!" });
    const gif = (await upload("gif", GIF, "a.gif")).body.data.attachment_id;
    expect((await cs(media({ attachment_id: gif }))).body.error).toBe(ZaloCode.FIELD_INVALID);
    const id = (await upload("image", PNG)).body.data.attachment_id;
    expect((await cs(media({ url: "ftp://x" }))).body.error).toBe(ZaloCode.FIELD_INVALID);
    expect((await cs(media({ url: "https://cdn.shop.vn/a.jpg" }))).body.error).toBe(0);
    clock.advance(7 * 86_400_000);
    // A week on, the OA token has long been refreshed; the follower wrote again (the CS window is open).
    const fresh = "test-oa-fresh";
    state.oaAccessTokens.set(fresh, { expiresAt: clock.now() + 3_600_000 });
    state.users.get(STAFF_APP)!.lastInteractionAt = clock.now();
    expect((await cs(media({ attachment_id: id }), fresh)).body).toMatchObject({ error: ZaloCode.ATTACHMENT_EXPIRED, message: "attachment_id was expired" });
  });
});

describe("request user info → user_submit_info (§5.2, §6.2)", () => {
  it("checks the one-element template, then lets only an asked follower answer, signed like any webhook", async () => {
    const rx = await receiver();
    closers.push(rx.close);
    const { cs, json } = await setup(rx.url);
    const ask = (elements: unknown[]) => cs({ attachment: { type: "template", payload: { template_type: "request_user_info", elements } } });
    const el = { title: "Cho shop xin thông tin", subtitle: "Để tích điểm", image_url: "https://cdn.shop.vn/logo.png" };
    expect((await json("POST", `/_emu/users/${STAFF_APP}/submit-info`, {})).status).toBe(409);
    expect((await ask([el, el])).body.error).toBe(ZaloCode.FIELD_INVALID);
    expect((await ask([{ ...el, subtitle: "" }])).body).toMatchObject({ error: ZaloCode.FIELD_INVALID, message: "subtitle is invalid!" });
    expect((await ask([el])).body.error).toBe(0);

    expect((await json("POST", `/_emu/users/${STAFF_APP}/submit-info`, { phone: "12" })).status).toBe(400);
    const r = await json("POST", `/_emu/users/${STAFF_APP}/submit-info`, { name: "Trần Minh Khoa", phone: "0987 654 321", city: "TP.HCM" });
    expect(r.body).toMatchObject({ delivered: true });
    const got = JSON.parse(rx.got.at(-1)!.raw);
    expect(got).toEqual({
      app_id: APP.appId,
      event_name: "user_submit_info",
      sender: { id: STAFF_OA },
      recipient: { id: APP.oaId },
      info: { name: "Trần Minh Khoa", phone: "84987654321", city: "TP.HCM" },
      timestamp: String(T0),
    });
    expect(rx.got.at(-1)!.headers["x-zevent-signature"]).toMatch(/^mac=[0-9a-f]{64}$/);
    const nested = await json("POST", `/_emu/users/${STAFF_APP}/submit-info`, { shape: "nested", address: "1 Lê Lợi" });
    expect(nested.body.delivered).toBe(true);
    expect(JSON.parse(rx.got.at(-1)!.raw).info).toEqual({ name: "Trần Minh Khoa", phone: "84987654321", full_address: { user_address: "1 Lê Lợi" } });
  });
});
