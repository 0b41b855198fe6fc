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

async function visitor(name: string, storeId: string, amountVnd = 50_000) {
  const s = await newShopper(h, name);
  const memberCode = await memberCodeOf(h, s.token);
  expect((await call("POST", "/api/staff/points/award", ctx.admin, { memberCode, storeId, amountVnd, receiptId: `r-${name}` })).status).toBe(200);
  return s;
}
const say = (appUserId: string, text: string) => h.control("POST", `/_emu/users/${appUserId}/send-text`, { text });
const conversationOf = async (token: string, customerId: string) =>
  (await call("GET", "/api/staff/inbox?status=all", token)).body.conversations.find((c: { customerId: string }) => c.customerId === customerId);
const ids = (r: { body: { conversations: { customerId: string }[] } }) => r.body.conversations.map((c) => c.customerId);

describe("the inbox, staff side", () => {
  it("assigns to a person who works at the store, and filters the list by assignee and store", async () => {
    const a = await visitor("Khách A", "q1");
    const b = await visitor("Khách B", "q1");
    await say(a.appUserId, "Chào shop");
    await say(b.appUserId, "Shop ơi");
    const convA = await conversationOf(ctx.staff.token, a.customer.id);

    // Staff see their store and its people only (no owner, no other store).
    const mine = await call("GET", "/api/staff/inbox/assignees", ctx.staff.token);
    expect(mine.body.stores.map((s: { id: string }) => s.id)).toEqual(["q1"]);
    expect(mine.body.people.map((p: { id: string }) => p.id)).toEqual([ctx.staff.customer.id]);
    const all = await call("GET", "/api/staff/inbox/assignees", ctx.admin);
    expect(all.body.stores.map((s: { id: string }) => s.id).sort()).toEqual(["q1", "q3"]);
    const ownerId = all.body.people.find((p: { kind: string }) => p.kind === "operator").id;
    expect(all.body.people.map((p: { id: string }) => p.id).sort()).toEqual([ctx.staff.customer.id, ownerId].sort());

    expect((await call("POST", `/api/staff/inbox/${convA.id}/assign`, ctx.staff.token, { storeId: "q1", assigneeId: ctx.staff.customer.id })).status).toBe(200);
    expect(ids(await call("GET", "/api/staff/inbox?assignee=me", ctx.staff.token))).toEqual([a.customer.id]);
    expect(ids(await call("GET", "/api/staff/inbox?assignee=none", ctx.staff.token))).toEqual([b.customer.id]);
    expect(ids(await call("GET", `/api/staff/inbox?assignee=${ctx.staff.customer.id}`, ctx.admin))).toEqual([a.customer.id]);
    expect(ids(await call("GET", "/api/staff/inbox?storeId=q3", ctx.admin))).toEqual([]);
    expect(ids(await call("GET", "/api/staff/inbox?storeId=q1", ctx.admin)).sort()).toEqual([a.customer.id, b.customer.id].sort());

    // Never a made-up id, an owner from a store's staff, nor someone from another store.
    for (const [token, body] of [
      [ctx.staff.token, { storeId: "q1", assigneeId: "someone-else" }],
      [ctx.staff.token, { storeId: "q1", assigneeId: ownerId }],
      [ctx.admin, { storeId: "q3", assigneeId: ctx.staff.customer.id }],
    ] as const) {
      const r = await call("POST", `/api/staff/inbox/${convA.id}/assign`, token, body);
      expect([r.status, r.body.code]).toEqual([400, "ASSIGNEE_INVALID"]);
    }
    expect((await conversationOf(ctx.admin, a.customer.id)).assigneeId).toBe(ctx.staff.customer.id);
    // The owner can take it themself.
    expect((await call("POST", `/api/staff/inbox/${convA.id}/assign`, ctx.admin, { storeId: "q1", assigneeId: ownerId })).body.conversation.assigneeId).toBe(
      ownerId,
    );
    expect(ids(await call("GET", "/api/staff/inbox?assignee=me", ctx.admin))).toEqual([a.customer.id]);
  });

  it("canned answers: edited by the owner, refused with an unknown variable, filled from the person's real data", async () => {
    const a = await visitor("Khách Hà", "q1", 123_000);
    await say(a.appUserId, "Mình còn bao nhiêu điểm?");
    const conv = await conversationOf(ctx.staff.token, a.customer.id);
    const listed = await call("GET", "/api/staff/inbox/canned", ctx.staff.token);
    expect(listed.body.answers.map((x: { label: string }) => x.label)).toEqual(["Chào khách", "Điểm tích lũy", "Đơn gần nhất", "Cảm ơn"]);

    const bad = await call("POST", "/api/admin/canned-answers", ctx.admin, { label: "Sai", text: "Chào {ten}, bạn có {points} điểm" });
    expect([bad.status, bad.body.code, bad.body.details?.unknown]).toEqual([400, "CANNED_VARIABLE_UNKNOWN", ["ten"]]);
    // Staff (Zalo sign-in) may use them, not edit them.
    expect((await call("POST", "/api/admin/canned-answers", ctx.staff.token, { label: "X", text: "Y" })).status).toBe(403);

    const made = await call("POST", "/api/admin/canned-answers", ctx.admin, {
      label: "Số điểm",
      text: "{name} ơi, bạn có {points} điểm; đơn: {last_order}",
      position: 9,
    });
    expect(made.status).toBe(201);
    const me = await call("GET", "/api/me", a.token);
    const balance: number = me.body.loyalty.balance;
    expect(balance).toBeGreaterThan(0);
    const filled = await call("POST", `/api/staff/inbox/${conv.id}/canned/${made.body.id}`, ctx.staff.token);
    expect(filled.status).toBe(200);
    expect(filled.body.vars).toMatchObject({ name: "Khách Hà", points: balance, lastOrder: null });
    expect(filled.body.text).toBe(`Khách Hà ơi, bạn có ${balance.toLocaleString("vi-VN")} điểm; đơn: (chưa có đơn)`);

    const edited = await call("PUT", `/api/admin/canned-answers/${made.body.id}`, ctx.admin, { label: "Số điểm", text: "Còn {points} điểm", position: 9 });
    expect(edited.body.text).toBe("Còn {points} điểm");
    expect((await call("PUT", `/api/admin/canned-answers/${made.body.id}`, ctx.admin, { label: "Số điểm", text: "{x}" })).body.code).toBe(
      "CANNED_VARIABLE_UNKNOWN",
    );
    expect((await call("DELETE", `/api/admin/canned-answers/${made.body.id}`, ctx.admin)).status).toBe(200);
    expect((await call("DELETE", `/api/admin/canned-answers/${made.body.id}`, ctx.admin)).body.code).toBe("CANNED_NOT_FOUND");
    expect((await call("POST", `/api/staff/inbox/${conv.id}/canned/${made.body.id}`, ctx.staff.token)).body.code).toBe("CANNED_NOT_FOUND");
  });

  it("a reply Zalo refused shows failed or suppressed with the reason; one that waited past the window shows expired", async () => {
    const a = await visitor("Khách A", "q1");
    await say(a.appUserId, "Còn bánh không?");
    const conv = await conversationOf(ctx.staff.token, a.customer.id);
    const last = async () => (await call("GET", `/api/staff/inbox/${conv.id}`, ctx.staff.token)).body.messages.at(-1);
    // A refusal that says where the message may not go (-213, not a follower): a text reply has no other channel.
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: -213, times: 1 });
    await call("POST", `/api/staff/inbox/${conv.id}/reply`, ctx.staff.token, { text: "Dạ còn", requestId: "reply-fail-1" });
    await h.app.services.dispatcher.drain();
    expect(await last()).toMatchObject({ text: "Dạ còn", state: "suppressed" });
    expect((await last()).reason).toMatch(/NOT_A_FOLLOWER/);
    // A refusal of the message itself: failed, with Zalo's words.
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/message/cs", error: -201, times: 1 });
    await call("POST", `/api/staff/inbox/${conv.id}/reply`, ctx.staff.token, { text: "Dạ có ạ", requestId: "reply-fail-2" });
    await h.app.services.dispatcher.drain();
    expect(await last()).toMatchObject({ text: "Dạ có ạ", state: "failed" });
    expect((await last()).reason).toBeTruthy();

    await call("POST", `/api/staff/inbox/${conv.id}/reply`, ctx.staff.token, { text: "Muộn rồi", requestId: "reply-late-2" });
    await h.control("POST", "/_emu/clock", { advanceMs: 7 * 86_400_000 + 1000 });
    await h.app.services.dispatcher.drain();
    expect(await last()).toMatchObject({ text: "Muộn rồi", state: "expired" });
    expect((await last()).reason).toBeTruthy();
  });

  it("the stream gives each change an id, and a reconnect with Last-Event-ID gets what it missed", async () => {
    const a = await visitor("Khách A", "q1");
    await say(a.appUserId, "Tin đầu");
    const open = async (headers: Record<string, string> = {}) => {
      const { token } = (await call("POST", "/api/staff/inbox/stream-token", ctx.staff.token)).body;
      const ac = new AbortController();
      const res = await fetch(`${url}/api/staff/inbox/stream?token=${encodeURIComponent(token)}`, { signal: ac.signal, headers });
      const reader = res.body!.getReader();
      let text = "";
      const until = async (s: string) => {
        while (!text.includes(s)) text += new TextDecoder().decode((await reader.read()).value);
        return text;
      };
      return { until, close: () => ac.abort(), text: () => text };
    };
    const first = await open();
    const ready = await first.until("event: ready");
    const lastId = Number(/id: (\d+)\nevent: ready/.exec(ready)![1]);
    first.close();
    // Missed while away: the next message, then a staff reply.
    await say(a.appUserId, "Tin lúc mất kết nối");
    const conv = await conversationOf(ctx.staff.token, a.customer.id);
    const second = await open({ "last-event-id": String(lastId) });
    const got = await second.until("event: ready");
    second.close();
    const changes = [...got.matchAll(/id: (\d+)\nevent: change\ndata: (.*)\n/g)];
    expect(changes.length).toBeGreaterThan(0);
    for (const m of changes) {
      expect(Number(m[1])).toBeGreaterThan(lastId);
      expect(JSON.parse(m[2]!)).toEqual({ conversationId: conv.id });
    }
  });
});
