import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, memberCodeOf, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";

let h: Harness;
let url: string;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
beforeEach(async () => {
  h = await startHarness();
  url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
  ctx = await withStoreAndStaff(h);
});
afterEach(async () => h.close());

const call = async (method: string, path: string, token: string, payload?: unknown) => {
  const r = await h.app.inject({
    method: method as "GET",
    url: path,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: r.statusCode, body: r.json() };
};
const n = (sql: string, ...args: unknown[]) => (h.app.services.db.$client.prepare(sql).get(...args) as { n: number }).n;

/** A follower who visited `storeId` (points earned there), so their conversation opens at that store. */
async function visitor(name: string, storeId: string) {
  const s = await newShopper(h, name);
  const memberCode = await memberCodeOf(h, s.token);
  const award = await call("POST", "/api/staff/points/award", ctx.admin, { memberCode, storeId, amountVnd: 50_000, receiptId: `r-${name}` });
  expect(award.status).toBe(200);
  return s;
}
const say = (appUserId: string, text: string) => h.control("POST", `/_emu/users/${appUserId}/send-text`, { text });
const conversationOf = async (token: string, customerId: string) => {
  const list = await call("GET", "/api/staff/inbox?status=all", token);
  return list.body.conversations.find((c: { customerId: string }) => c.customerId === customerId);
};

describe("the OA inbox", () => {
  it("keeps every kind of follower message once, however often Zalo redelivers it", async () => {
    const a = await visitor("Khách A", "q1");
    expect((await say(a.appUserId, "Cho mình hỏi giờ mở cửa")).delivered).toBe(true);
    const media: [string, Record<string, unknown>][] = [
      ["image", { url: "https://photo.example/a.jpg", thumbnail: "https://photo.example/a-t.jpg" }],
      ["sticker", { id: "st-1", url: "https://sticker.example/1.png" }],
      ["link", { url: "https://shop.example/menu", description: "Thực đơn" }],
      ["location", { coordinates: { latitude: "10.77", longitude: "106.70" } }],
      ["file", { url: "https://file.example/hoa-don.pdf", name: "hoa-don.pdf", size: "2048", type: "pdf" }],
    ];
    for (const [kind, payload] of media) expect((await h.control("POST", `/_emu/users/${a.appUserId}/send-media`, { kind, payload })).delivered).toBe(true);

    const conv = await conversationOf(ctx.admin, a.customer.id);
    expect(conv).toMatchObject({ status: "open", storeId: "q1", unread: 6, lastPreview: "[file]" });
    const thread = await call("GET", `/api/staff/inbox/${conv.id}`, ctx.admin);
    expect(thread.body.messages.map((m: { kind: string }) => m.kind)).toEqual(["text", "image", "sticker", "link", "location", "file"]);
    expect(thread.body.messages[0]).toMatchObject({ direction: "in", text: "Cho mình hỏi giờ mở cửa", state: "received" });
    expect(thread.body.messages[5].attachments).toEqual([{ type: "file", payload: media[4]![1] }]);
    expect(thread.body.window.state).toBe("free");

    // Zalo's retries of the same signed bodies: stored once, counted once.
    const deliveries = (await h.control("GET", "/_emu/webhooks")) as { body: string; headers: Record<string, string> }[];
    for (const d of deliveries.filter((x) => x.body.includes("user_send_")).slice(0, 2))
      for (let i = 0; i < 2; i++) {
        const r = await h.app.inject({ method: "POST", url: "/webhooks/zalo", headers: d.headers, payload: d.body });
        expect(r.json()).toEqual({ ok: true, duplicate: true });
      }
    expect(n("select count(*) as n from conversation_messages")).toBe(6);
    expect((await conversationOf(ctx.admin, a.customer.id)).unread).toBe(6);

    expect((await call("POST", `/api/staff/inbox/${conv.id}/read`, ctx.admin)).body.conversation.unread).toBe(0);
    expect((await call("GET", "/api/staff/inbox?unread=true", ctx.admin)).body.conversations).toEqual([]);
    // Search by a message's words, or by the person's name.
    expect((await call("GET", `/api/staff/inbox?q=${encodeURIComponent("giờ mở")}`, ctx.admin)).body.conversations).toHaveLength(1);
    expect((await call("GET", `/api/staff/inbox?q=${encodeURIComponent("khách a")}`, ctx.admin)).body.conversations).toHaveLength(1);
    expect((await call("GET", "/api/staff/inbox?q=nothing-like-this", ctx.admin)).body.conversations).toEqual([]);
  });

  it("a reply goes out as a CS message through the outbox, and shows Zalo's delivered and seen receipts", async () => {
    const a = await visitor("Khách A", "q1");
    await say(a.appUserId, "Còn trà đào không shop?");
    const conv = await conversationOf(ctx.staff.token, a.customer.id);
    const sent = await call("POST", `/api/staff/inbox/${conv.id}/reply`, ctx.staff.token, { text: "Dạ còn ạ", requestId: "reply-0001" });
    expect(sent.status).toBe(201);
    expect(sent.body.messages.at(-1)).toMatchObject({ direction: "out", text: "Dạ còn ạ", state: "queued", authorId: ctx.staff.customer.id });
    // The same request again: one outbox row, one message.
    expect((await call("POST", `/api/staff/inbox/${conv.id}/reply`, ctx.staff.token, { text: "Dạ còn ạ", requestId: "reply-0001" })).status).toBe(201);
    expect(n("select count(*) as n from outbox where source = 'inbox'")).toBe(1);
    expect(n("select count(*) as n from conversation_messages where direction = 'out'")).toBe(1);

    await h.app.services.dispatcher.drain();
    const cs = ((await h.control("GET", "/_emu/messages?channel=cs")) as { msgId: string; data: { text: string } }[]).filter((m) => m.data.text === "Dạ còn ạ");
    expect(cs).toHaveLength(1);
    const state = async () => (await call("GET", `/api/staff/inbox/${conv.id}`, ctx.staff.token)).body.messages.at(-1);
    expect(await state()).toMatchObject({ state: "sent", deliveredAt: null });
    expect((await h.control("POST", `/_emu/messages/${cs[0]!.msgId}/received`)).delivered).toBe(true);
    expect(await state()).toMatchObject({ state: "delivered", seenAt: null });
    expect((await h.control("POST", `/_emu/messages/${cs[0]!.msgId}/seen`)).delivered).toBe(true);
    const seen = await state();
    expect(seen.state).toBe("seen");
    expect(seen.deliveredAt).not.toBeNull();
  });

  it("the OA's other messages join the conversation of someone who wrote; nobody else gets one opened", async () => {
    const a = await visitor("Khách A", "q1");
    const b = await visitor("Khách B", "q1");
    await say(a.appUserId, "Chào shop");
    // Both follow: the welcome message goes to each by CS.
    for (const s of [a, b]) expect((await h.control("POST", `/_emu/users/${s.appUserId}/follow`)).delivered).toBe(true);
    await h.app.services.dispatcher.drain();
    expect(n("select count(*) as n from outbox where source = 'welcome' and state = 'sent'")).toBe(2);
    const conv = await conversationOf(ctx.admin, a.customer.id);
    const thread = await call("GET", `/api/staff/inbox/${conv.id}`, ctx.admin);
    expect(thread.body.messages.map((m: { direction: string; state: string }) => [m.direction, m.state])).toEqual([
      ["in", "received"],
      ["out", "sent"],
    ]);
    expect(await conversationOf(ctx.admin, b.customer.id)).toBeUndefined();
    expect(n("select count(*) as n from conversations")).toBe(1);
  });

  it("an erased person's messages leave the inbox and its search index", async () => {
    const a = await visitor("Khách A", "q1");
    await say(a.appUserId, "Địa chỉ của mình là 12 Lê Lợi");
    expect((await call("GET", `/api/staff/inbox?q=${encodeURIComponent("le loi")}`, ctx.admin)).body.conversations).toHaveLength(1);
    expect((await call("POST", `/api/admin/customers/${a.customer.id}/erase`, ctx.admin, { reason: "Khách yêu cầu" })).status).toBe(200);
    expect(n("select count(*) as n from conversation_messages")).toBe(0);
    expect(n("select count(*) as n from conversation_messages_fts where conversation_messages_fts match 'loi'")).toBe(0);
    expect((await call("GET", `/api/staff/inbox?q=${encodeURIComponent("le loi")}`, ctx.admin)).body.conversations).toEqual([]);
  });

  it("a reply after Zalo's 7-day window is refused with REPLY_WINDOW_CLOSED and queues nothing", async () => {
    const a = await visitor("Khách A", "q1");
    await say(a.appUserId, "Shop ơi");
    const conv = await conversationOf(ctx.admin, a.customer.id);
    await h.control("POST", "/_emu/clock", { advanceMs: 3 * 86_400_000 });
    const paid = await call("GET", `/api/staff/inbox/${conv.id}`, ctx.admin);
    expect(paid.body.window.state).toBe("paid");
    await h.control("POST", "/_emu/clock", { advanceMs: 4 * 86_400_000 + 1000 });
    expect((await call("GET", `/api/staff/inbox/${conv.id}`, ctx.admin)).body.window.state).toBe("closed");
    const late = await call("POST", `/api/staff/inbox/${conv.id}/reply`, ctx.admin, { text: "Xin lỗi đã trả lời muộn", requestId: "reply-late-1" });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("REPLY_WINDOW_CLOSED");
    expect(n("select count(*) as n from outbox where source = 'inbox'")).toBe(0);
    expect(n("select count(*) as n from conversation_messages where direction = 'out'")).toBe(0);
  });

  it("staff and store managers see only their stores' conversations; another store's is not found", async () => {
    const a = await visitor("Khách A", "q1");
    const b = await visitor("Khách B", "q3");
    await say(a.appUserId, "Tin ở quận 1");
    await say(b.appUserId, "Tin ở quận 3");
    const convB = await conversationOf(ctx.admin, b.customer.id);
    expect(convB.storeId).toBe("q3");
    const staffList = await call("GET", "/api/staff/inbox?status=all", ctx.staff.token);
    expect(staffList.body.conversations.map((c: { customerId: string }) => c.customerId)).toEqual([a.customer.id]);
    for (const [method, path, body] of [
      ["GET", `/api/staff/inbox/${convB.id}`],
      ["POST", `/api/staff/inbox/${convB.id}/read`],
      ["POST", `/api/staff/inbox/${convB.id}/status`, { status: "closed" }],
      ["POST", `/api/staff/inbox/${convB.id}/reply`, { text: "Chào", requestId: "reply-other-1" }],
    ] as const) {
      const r = await call(method, path, ctx.staff.token, body);
      expect([path, r.status, r.body.code]).toEqual([path, 404, "CONVERSATION_NOT_FOUND"]);
    }
    expect(n("select count(*) as n from outbox where source = 'inbox'")).toBe(0);
    // Staff cannot hand their conversation to a store they do not work at; the owner can, and then it is gone for them.
    const convA = await conversationOf(ctx.staff.token, a.customer.id);
    expect((await call("POST", `/api/staff/inbox/${convA.id}/assign`, ctx.staff.token, { storeId: "q3", assigneeId: null })).body.code).toBe("STORE_FORBIDDEN");
    expect((await call("POST", `/api/staff/inbox/${convA.id}/assign`, ctx.admin, { storeId: "q3", assigneeId: null })).status).toBe(200);
    expect((await call("GET", "/api/staff/inbox?status=all", ctx.staff.token)).body.conversations).toEqual([]);
    // Closed, then reopened by the person's next message.
    expect((await call("POST", `/api/staff/inbox/${convA.id}/status`, ctx.admin, { status: "closed" })).body.conversation.status).toBe("closed");
    await say(a.appUserId, "Lại là mình");
    expect((await conversationOf(ctx.admin, a.customer.id)).status).toBe("open");
  });

  it("the live stream tells a signed-in reader about a new message, and refuses a bad token", async () => {
    const a = await visitor("Khách A", "q1");
    expect((await h.app.inject({ method: "GET", url: "/api/staff/inbox/stream?token=inbox.x.1.y" })).statusCode).toBe(401);
    const { token } = (await call("POST", "/api/staff/inbox/stream-token", ctx.staff.token)).body;
    const ac = new AbortController();
    const res = await fetch(`${url}/api/staff/inbox/stream?token=${encodeURIComponent(token)}`, { signal: ac.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let seen = "";
    const got = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += new TextDecoder().decode(value);
        if (seen.includes("event: change")) return;
      }
    })();
    await say(a.appUserId, "Có ai không ạ?");
    await got;
    ac.abort();
    const conv = await conversationOf(ctx.staff.token, a.customer.id);
    expect(seen).toContain(JSON.stringify({ conversationId: conv.id }));
  });
});

describe("the inbox list's filters", () => {
  it("lists only the conversations waiting for a person, and finds a person by their phone's last digits", async () => {
    const a = await visitor("Khách A", "q1");
    const b = await visitor("Khách B", "q1");
    await say(a.appUserId, "Cho mình hỏi giờ mở cửa"); // answered by the auto-reply
    await say(b.appUserId, "ly trà sữa hôm qua bị đổ"); // no rule: waits for a person
    const waiting = (await call("GET", "/api/staff/inbox?status=all&needsPerson=true", ctx.admin)).body.conversations;
    expect(waiting.map((c: { customerId: string }) => c.customerId)).toEqual([b.customer.id]);
    expect((await call("GET", "/api/staff/inbox?status=all", ctx.admin)).body.conversations).toHaveLength(2);

    // B shares a phone through Zalo's flow (phone token → the API exchanges it).
    await h.control("PATCH", `/_emu/users/${b.appUserId}`, { phone: "0912345678" });
    const { token: phoneToken } = await h.control("POST", `/_emu/users/${b.appUserId}/phone-token`);
    // With a fresh Zalo token, as the mini app sends it with each phone share.
    const { accessToken } = await h.control("POST", `/_emu/users/${b.appUserId}/token`);
    const shared = await h.app.inject({ method: "POST", url: "/api/me/phone", headers: bearer(b.token), payload: { phoneToken, accessToken } });
    expect(shared.statusCode).toBe(200);
    const phone = (h.app.services.db.$client.prepare("select phone from customers where id = ?").get(b.customer.id) as { phone: string | null }).phone;
    expect(phone).toBe("84912345678");
    const found = (await call("GET", "/api/staff/inbox?status=all&q=5678", ctx.admin)).body.conversations;
    expect(found.map((c: { customerId: string }) => c.customerId)).toEqual([b.customer.id]);
    expect((await call("GET", "/api/staff/inbox?status=all&q=0000000", ctx.admin)).body.conversations).toEqual([]);
  });

  it("a search merges names and message words, newest first, paged, within the status filter; an erased name is not found", async () => {
    const a = await visitor("Trần Thị Lan", "q1");
    const b = await visitor("Khách B", "q1");
    const c = await visitor("Khách C", "q1");
    // A minute apart (Zalo's timestamps): A wrote first, B last.
    for (const [who, text] of [
      [a, "ly trà sữa hôm qua bị đổ"],
      [c, "mình muốn đặt bàn tối nay"],
      [b, "chị Lan giới thiệu quán"],
    ] as const) {
      await h.control("POST", "/_emu/clock", { advanceMs: 60_000 });
      await say(who.appUserId, text);
    }
    const ids = async (q: string) =>
      ((await call("GET", `/api/staff/inbox?${q}`, ctx.admin)).body as { conversations: { customerId: string }[]; next: unknown }).conversations.map(
        (x) => x.customerId,
      );
    // B by their message's words, A by her name; C matches neither.
    expect(await ids("q=lan")).toEqual([b.customer.id, a.customer.id]);
    const first = (await call("GET", "/api/staff/inbox?q=lan&limit=1", ctx.admin)).body;
    expect(first.conversations.map((x: { customerId: string }) => x.customerId)).toEqual([b.customer.id]);
    expect(await ids(`q=lan&limit=1&before=${first.next.before}&beforeId=${first.next.beforeId}`)).toEqual([a.customer.id]);
    const convA = await conversationOf(ctx.admin, a.customer.id);
    expect((await call("POST", `/api/staff/inbox/${convA.id}/status`, ctx.admin, { status: "closed" })).status).toBe(200);
    expect(await ids("q=lan")).toEqual([b.customer.id]);
    expect(await ids("status=closed&q=lan")).toEqual([a.customer.id]);
    expect(await ids("status=all&q=tran%20thi")).toEqual([a.customer.id]);
    expect((await call("POST", `/api/admin/customers/${a.customer.id}/erase`, ctx.admin, { reason: "Khách yêu cầu" })).status).toBe(200);
    expect(await ids("status=all&q=tran%20thi")).toEqual([]);
    expect(await ids("status=all&q=lan")).toEqual([b.customer.id]);
  });
});
