import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, memberCodeOf, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";

let h: Harness;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
beforeEach(async () => {
  h = await startHarness();
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
  ctx = await withStoreAndStaff(h);
});
afterEach(async () => h.close());

type Res = { status: number; body: any };
const call = async (method: string, path: string, token: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
  const r = await h.app.inject({
    method: method as "GET",
    url: path,
    headers: { ...bearer(token), ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: r.statusCode, body: r.json() };
};
const n = (sql: string, ...args: unknown[]) => (h.app.services.db.$client.prepare(sql).get(...args) as { n: number }).n;
const png = (w = 40, h2 = 30) =>
  sharp({ create: { width: w, height: h2, channels: 3, background: "#c0392b" } })
    .png()
    .toBuffer();

/** Someone who visited q1 (points there) and wrote to the OA: their conversation is open at q1. */
async function writer(name: string) {
  const s = await newShopper(h, name);
  const memberCode = await memberCodeOf(h, s.token);
  expect((await call("POST", "/api/staff/points/award", ctx.admin, { memberCode, storeId: "q1", amountVnd: 50_000, receiptId: `r-${name}` })).status).toBe(200);
  expect((await h.control("POST", `/_emu/users/${s.appUserId}/send-text`, { text: "Shop ơi" })).delivered).toBe(true);
  const list = await call("GET", "/api/staff/inbox?status=all", ctx.admin);
  const conv = list.body.conversations.find((c: { customerId: string }) => c.customerId === s.customer.id);
  return { ...s, conv };
}
const sendImage = (convId: string, bytes: Buffer, q: string, type = "image/png") =>
  h.app
    .inject({
      method: "POST",
      url: `/api/staff/inbox/${convId}/reply-image?${q}`,
      headers: { ...bearer(ctx.staff.token), "content-type": type },
      payload: bytes,
    })
    .then((r) => ({ status: r.statusCode, body: r.json() }));

describe("inbox image replies", () => {
  it("uploads once through Zalo's OA upload API and sends a CS message carrying that attachment id", async () => {
    const a = await writer("Khách Ảnh");
    const bytes = await png();
    const sent = await sendImage(a.conv.id, bytes, "requestId=img-00001&caption=" + encodeURIComponent("Menu mới nè"));
    expect(sent.status).toBe(201);
    const last = sent.body.messages.at(-1);
    expect(last).toMatchObject({ direction: "out", kind: "image", text: "Menu mới nè", state: "queued" });
    expect(last.attachments[0].payload.thumbnail).toMatch(/^data:image\/webp;base64,/);
    // The same request again (a double click, a retried request): no second upload, no second message.
    expect((await sendImage(a.conv.id, bytes, "requestId=img-00001")).status).toBe(201);
    const uploads = (await h.control("GET", "/_emu/uploads")) as { id: string; bytes: number }[];
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.bytes).toBe(bytes.length);
    expect(n("select count(*) as n from outbox where source = 'inbox'")).toBe(1);

    await h.app.services.dispatcher.drain();
    const cs = ((await h.control("GET", "/_emu/messages?channel=cs")) as { data: any }[]).filter((m) => m.data.attachment);
    expect(cs).toHaveLength(1);
    expect(cs[0]!.data).toEqual({
      text: "Menu mới nè",
      attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: uploads[0]!.id }] } },
    });
    const thread = await call("GET", `/api/staff/inbox/${a.conv.id}`, ctx.staff.token);
    expect(thread.body.messages.at(-1)).toMatchObject({ kind: "image", state: "sent" });
    expect(n("select count(*) as n from outbox where source = 'inbox' and state = 'sent' and cs_attachment like ?", `%${uploads[0]!.id}%`)).toBe(1);
  });

  it("refuses what Zalo would: not a jpg/png, over 1 MB, and Zalo's own no, with nothing queued", async () => {
    const a = await writer("Khách Lỗi");
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } })
      .gif()
      .toBuffer();
    const notGif = await sendImage(a.conv.id, gif, "requestId=img-00002", "image/gif");
    expect(notGif).toMatchObject({ status: 415, body: { code: "ATTACHMENT_TYPE_UNSUPPORTED" } });
    const big = Buffer.concat([await png(), Buffer.alloc(1024 * 1024)]);
    expect(await sendImage(a.conv.id, big, "requestId=img-00003")).toMatchObject({
      status: 413,
      body: { code: "ATTACHMENT_TOO_LARGE", details: { maxBytes: 1048576 } },
    });
    // Zalo refuses the upload (its monthly limit): a clear code, Zalo's number in the details.
    await h.control("POST", "/_emu/config", { uploadMonthlyLimit: 0 });
    expect(await sendImage(a.conv.id, await png(), "requestId=img-00004")).toMatchObject({
      status: 422,
      body: { code: "ZALO_UPLOAD_REJECTED", details: { zaloCode: -211 } },
    });
    // Zalo not answering: try again later (503), not the shop's fault.
    await h.control("POST", "/_emu/config", { uploadMonthlyLimit: 5000 });
    await h.control("POST", "/_emu/faults", { match: "/openapi/v2.0/oa/upload/image", error: -200 });
    expect(await sendImage(a.conv.id, await png(), "requestId=img-00005")).toMatchObject({ status: 503, body: { code: "ZALO_UNAVAILABLE" } });
    expect(n("select count(*) as n from outbox where source = 'inbox'")).toBe(0);
    expect(n("select count(*) as n from conversation_messages where direction = 'out'")).toBe(0);
    // A client-sent attachment id is never taken (the only way in is the picture itself): a text reply stays text.
    expect((await call("POST", `/api/staff/inbox/${a.conv.id}/reply`, ctx.staff.token, { text: "x", requestId: "img-00006", attachment: "evil" })).status).toBe(
      201,
    );
    expect(n("select count(*) as n from outbox where source = 'inbox' and cs_attachment is null")).toBe(1);
  });
});

describe("request user info", () => {
  it("sends Zalo's request card; the follower's answer updates the profile once, with consent and a timeline note", async () => {
    const a = await writer("Khách Mới");
    const asked = await call("POST", `/api/staff/inbox/${a.conv.id}/request-info`, ctx.staff.token, { requestId: "info-0001" });
    expect(asked.status).toBe(201);
    expect(asked.body.messages.at(-1)).toMatchObject({ kind: "request_info", state: "queued" });
    await h.app.services.dispatcher.drain();
    const card = ((await h.control("GET", "/_emu/messages?channel=cs")) as { data: any }[]).find((m) => m.data.attachment)!;
    expect(card.data.attachment.payload).toMatchObject({
      template_type: "request_user_info",
      elements: [{ title: expect.any(String), subtitle: expect.any(String), image_url: expect.stringMatching(/^https:\/\//) }],
    });

    const submit = await h.control("POST", `/_emu/users/${a.appUserId}/submit-info`, { name: "Phạm Thị Lan", phone: "0903 111 222", city: "TP.HCM" });
    expect(submit.delivered).toBe(true);
    // Zalo redelivers the same signed event: nothing changes twice.
    const d = ((await h.control("GET", "/_emu/webhooks")) as { eventName: string; body: string; headers: Record<string, string> }[]).find(
      (x) => x.eventName === "user_submit_info",
    )!;
    for (let i = 0; i < 2; i++) {
      const r = await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers: d.headers, payload: d.body });
      expect(r.json()).toEqual({ ok: true, duplicate: true });
    }
    const row = h.app.services.db.$client.prepare("select name, phone, info_shared_at from customers where id = ?").get(a.customer.id) as any;
    expect(row).toMatchObject({ name: "Phạm Thị Lan", phone: "84903111222" });
    expect(row.info_shared_at).toBeGreaterThan(0);
    expect(n("select count(*) as n from customer_notes where customer_id = ? and author_kind = 'system'", a.customer.id)).toBe(1);
    const tl = await call("GET", `/api/admin/customers/${a.customer.id}/timeline?kinds=note`, ctx.admin);
    expect(tl.body.items[0].detail).toContain("đồng ý chia sẻ");
    expect(tl.body.items[0].detail).not.toContain("84903111222"); // the timeline shows the phone masked
    const thread = await call("GET", `/api/staff/inbox/${a.conv.id}`, ctx.staff.token);
    expect(thread.body.messages.filter((m: { kind: string }) => m.kind === "submit_info")).toHaveLength(1);
    expect(thread.body.conversation.customerName).toBe("Phạm Thị Lan");

    // Name and phone known now: the card is not sent again.
    expect(await call("POST", `/api/staff/inbox/${a.conv.id}/request-info`, ctx.staff.token, { requestId: "info-0002" })).toMatchObject({
      status: 409,
      body: { code: "CUSTOMER_INFO_COMPLETE" },
    });
  });
});

describe("nearest store for a shared location", () => {
  it("answers with the nearest open store; a closer closed one waits", async () => {
    const put = async (id: string, name: string, lat: number, lng: number, week?: Record<string, unknown>) => {
      const cur = (await call("GET", "/api/admin/stores", ctx.admin)).body.stores.find((s: { id: string }) => s.id === id);
      const body = {
        name,
        address: `${name} address`,
        active: true,
        closedReason: null,
        timeZone: cur.timeZone,
        week: week ?? cur.week,
        exceptions: [],
        lat,
        lng,
      };
      const r = await call("PUT", `/api/admin/stores/${id}`, ctx.admin, body);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ lat, lng });
    };
    const closed = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, []]));
    await put("q1", "Bến Thành", 10.7725, 106.698, closed);
    await put("q3", "Võ Văn Tần", 10.7769, 106.6897);
    // Half a position is refused, with the field named.
    const half = await call("PUT", "/api/admin/stores/q3", ctx.admin, {
      name: "x",
      active: true,
      closedReason: null,
      timeZone: "Asia/Ho_Chi_Minh",
      week: closed,
      lat: 10,
    });
    expect(half.status).toBe(400);
    expect(JSON.stringify(half.body.details)).toContain("lng");

    const a = await writer("Khách Vị Trí");
    const shared = await h.control("POST", `/_emu/users/${a.appUserId}/send-media`, {
      kind: "location",
      payload: { coordinates: { latitude: "10.7730", longitude: "106.6990" } },
    });
    expect(shared.delivered).toBe(true);
    const answer = h.app.services.db.$client.prepare("select text from outbox where source = 'autoreply' order by id desc").get() as { text: string };
    expect(answer.text).toContain("Cửa hàng gần bạn nhất đang mở: Võ Văn Tần");
    expect(answer.text).toMatch(/cách khoảng 1,0 km|cách khoảng 1,\d km|cách khoảng \d+ m/);
    // Redelivered: answered once.
    const d = ((await h.control("GET", "/_emu/webhooks")) as { eventName: string; body: string; headers: Record<string, string> }[]).find(
      (x) => x.eventName === "user_send_location",
    )!;
    await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers: d.headers, payload: d.body });
    expect(n("select count(*) as n from outbox where source = 'autoreply' and text like 'Cửa hàng gần bạn nhất%'")).toBe(1);
  });
});
