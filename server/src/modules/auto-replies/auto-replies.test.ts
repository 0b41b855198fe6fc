import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ALWAYS_OPEN_WEEK } from "@mc/shared";
import { webhookMac } from "../../zalo/signature";
import { memberCodeOf, newShopper, TEST_ENV } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";

let shop: Shop;
let person: Awaited<ReturnType<typeof newShopper>>;
const { sql, inject, place, move } = shopCalls(() => shop);
const h = () => shop.h;

beforeEach(async () => {
  shop = await startShop();
  // Zalo's webhooks (follow, the follower's messages, receipts) reach the server for real.
  const url = await h().app.listen({ port: 0, host: "127.0.0.1" });
  await h().control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await setVnTime(10);
  person = await newShopper(h(), "Nguyễn Thị Lan");
  await h().control("POST", `/_emu/users/${person.appUserId}/follow`);
  await h().app.services.dispatcher.drain();
});
afterEach(async () => shop.h.close());

/** Sets the shared clock to hh:mm Vietnam time on Monday 23 Nov 2026 (plus `days`). */
async function setVnTime(hh: number, days = 0, mm = 0) {
  await h().control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23 + days, hh - 7, mm) });
}

/** The follower writes to the OA in Zalo; the webhook arrives; the dispatcher sends what was queued. */
async function say(text: string) {
  const sent = await h().control("POST", `/_emu/users/${person.appUserId}/send-text`, { text });
  expect(sent.delivered).toBe(true);
  await h().app.services.dispatcher.drain();
  return sent.msgId as string;
}

/** The OA's messages in the person's Zalo conversation (as Zalo's conversation API lists them), newest first. */
async function oaSaid(): Promise<string[]> {
  const items = await h().app.services.zalo.getConversation({ oaUserId: person.oaUserId, offset: 0, count: 10 });
  return items.filter((m) => m.fromOa && m.message).map((m) => m.message!);
}
const lastReply = async () => (await oaSaid())[0];
const replies = () => sql("select dedupe_key, category, state, text from outbox where source = 'autoreply' order by id");

async function setHours(storeId: string, name: string, address: string, open: string, close: string) {
  const day = [{ open, close }];
  const week = Object.fromEntries(Object.keys(ALWAYS_OPEN_WEEK).map((d) => [d, day]));
  const res = await inject("PUT", `/api/admin/stores/${storeId}`, shop.ctx.admin, {
    name,
    address,
    active: true,
    closedReason: null,
    timeZone: "Asia/Ho_Chi_Minh",
    week,
    exceptions: [],
  });
  expect(res.statusCode, res.body).toBe(200);
}

describe("auto-replies to follower messages, through the emulated Zalo", () => {
  it("points: the real balance, whatever the spelling", async () => {
    const code = await memberCodeOf(h(), person.token);
    const award = await inject("POST", "/api/staff/points/award", shop.ctx.staff.token, {
      memberCode: code,
      storeId: "q1",
      amountVnd: 125_000,
      receiptId: "R-1",
    });
    expect(award.statusCode, award.body).toBe(200);
    const balance = award.json().balance as number;
    expect(balance).toBeGreaterThan(0);
    for (const ask of ["còn bao nhiêu điểm", "con bao nhieu diem", "ĐIỂM CỦA TÔI?", "Cho hỏi số điểm ạ"]) {
      await say(ask);
      expect(await lastReply()).toContain(`Bạn đang có ${balance.toLocaleString("vi-VN")} điểm`);
    }
    expect(replies().map((r) => [r.category, r.state])).toEqual(Array(4).fill(["transactional", "sent"]));
  });

  it("my last order: its code and real status, and the change after staff moved it", async () => {
    await say("đơn hàng của tôi");
    expect(await lastReply()).toContain("Bạn chưa có đơn hàng nào");
    const o = (await place(person.token)).json().order;
    await say("Don hang cua minh toi dau roi");
    expect(await lastReply()).toBe(`Đơn ${o.code} tại Quận 1 đã đặt, đang chờ cửa hàng xác nhận.`);
    expect((await move(o.id, "confirmed")).statusCode).toBe(200);
    await say("TRẠNG THÁI ĐƠN");
    expect(await lastReply()).toBe(`Đơn ${o.code} tại Quận 1 đã được xác nhận, cửa hàng đang chuẩn bị.`);
  });

  it("store hours and address: every store's address, today's hours and whether it is open", async () => {
    await setHours("q1", "Quận 1", "12 Nguyễn Huệ, Q.1", "07:00", "22:00");
    await setHours("q3", "Quận 3", "45 Võ Văn Tần, Q.3", "11:00", "21:00");
    for (const ask of ["mấy giờ mở cửa", "dia chi cua hang", "Địa điểm quán ở đâu"]) {
      await say(ask);
      const text = await lastReply();
      expect(text).toContain("Quận 1 — 12 Nguyễn Huệ, Q.1. Hôm nay: 07:00–22:00. Đang mở cửa · đóng lúc 22:00.");
      expect(text).toContain("Quận 3 — 45 Võ Văn Tần, Q.3. Hôm nay: 11:00–21:00. Đóng cửa · mở lúc 11:00.");
    }
  });

  it("the menu: the mini app's link", async () => {
    for (const ask of ["cho xin menu", "thuc don", "Đặt món ở đâu"]) {
      await say(ask);
      expect(await lastReply()).toBe(`Mời bạn xem thực đơn và đặt món trong mini app: https://zalo.me/s/${TEST_ENV.ZALO_MINI_APP_ID}/`);
    }
  });

  it("talk to a person: handed off, and told so", async () => {
    const outcomes: unknown[] = [];
    for (const ask of ["cho tôi gặp nhân viên", "gap nguoi that", "NÓI CHUYỆN VỚI NHÂN VIÊN"]) {
      await say(ask);
      expect(await lastReply()).toBe("Mình đã chuyển cuộc trò chuyện cho nhân viên, bạn chờ một chút nhé.");
      outcomes.push(sql("select intent, handoff from auto_reply_log order by at desc, rowid desc limit 1")[0]);
    }
    expect(outcomes).toEqual(Array(3).fill({ intent: "human", handoff: 1 }));
  });

  it("a redelivered webhook is answered once", async () => {
    // Zalo retries a delivery it thinks failed: the same event, byte for byte, three times.
    const raw = JSON.stringify({
      app_id: TEST_ENV.ZALO_APP_ID,
      user_id_by_app: person.appUserId,
      event_name: "user_send_text",
      sender: { id: person.oaUserId },
      recipient: { id: TEST_ENV.ZALO_OA_ID },
      message: { msg_id: "msg-redelivered-1", text: "còn bao nhiêu điểm" },
      timestamp: String(h().emu.clock.now()),
    });
    for (let i = 0; i < 3; i++) expect((await post(raw)).statusCode).toBe(200);
    await h().app.services.dispatcher.drain();
    expect(replies().map((r) => r.dedupe_key)).toEqual(["autoreply:msg-redelivered-1"]);
    expect((await oaSaid()).filter((t) => t.startsWith("Bạn đang có"))).toHaveLength(1);
    // And the same message through the service again (a second process, a replay) queues nothing more.
    const again = await h().app.services.autoReplies.onFollowerMessage({
      customerId: person.customer.id,
      zaloMsgId: "msg-redelivered-1",
      text: "còn bao nhiêu điểm",
      at: h().emu.clock.now(),
      fromOa: false,
    });
    expect(again.queuedMessageId).toBeUndefined();
    expect(replies()).toHaveLength(1);
  });

  it("messages arriving together share one commit: each stored, kept in the inbox and answered once, redeliveries included", async () => {
    const other = await newShopper(h(), "Trần Văn Nam");
    const event = (who: typeof person, msgId: string, text: string) => ({
      app_id: TEST_ENV.ZALO_APP_ID,
      user_id_by_app: who.appUserId,
      event_name: "user_send_text",
      sender: { id: who.oaUserId },
      recipient: { id: TEST_ENV.ZALO_OA_ID },
      message: { msg_id: msgId, text },
      timestamp: String(h().emu.clock.now()),
    });
    const burst = [
      event(person, "burst-1", "còn bao nhiêu điểm"),
      event(person, "burst-2", "cho mình xin menu"),
      event(other, "burst-3", "shop ơi cho mình hỏi cái này"),
      event(person, "burst-1", "còn bao nhiêu điểm"), // Zalo's retry, in the same batch as the first delivery
      event(other, "burst-4", "đơn hàng của mình tới đâu rồi"),
      event(other, "burst-3", "shop ơi cho mình hỏi cái này"),
    ];
    // Handed over in one synchronous run, as the webhook route does within one event-loop turn: one batch.
    const transactions = vi.spyOn(h().app.services.db.$client, "transaction");
    const results = await Promise.all(burst.map((e) => h().app.services.oa.receive(e)));
    // One transaction for the lot, with no nested one (a savepoint) per message.
    expect(transactions).toHaveBeenCalledTimes(1);
    transactions.mockRestore();
    expect(results.map((r) => r.duplicate)).toEqual([false, false, false, true, false, true]);
    expect(sql("select count(*) as n from webhook_events where event_name = 'user_send_text'")[0].n).toBe(4);
    expect(sql("select zalo_msg_id, intent, handoff from auto_reply_log order by zalo_msg_id")).toEqual([
      { zalo_msg_id: "burst-1", intent: "points", handoff: 0 },
      { zalo_msg_id: "burst-2", intent: "menu", handoff: 0 },
      { zalo_msg_id: "burst-3", intent: null, handoff: 1 },
      { zalo_msg_id: "burst-4", intent: "last_order", handoff: 0 },
    ]);
    expect(replies().map((r) => r.dedupe_key)).toEqual(["autoreply:burst-1", "autoreply:burst-2", "autoreply:burst-4"]);
    // One conversation each, opened by the first of their messages in the batch; every message kept once.
    expect(
      sql(
        "select c.customer_id, c.unread, c.needs_person, count(m.id) as n from conversations c join conversation_messages m on m.conversation_id = c.id group by c.id order by c.unread desc, c.customer_id",
      ),
    ).toEqual(
      [
        { customer_id: person.customer.id, unread: 2, needs_person: 0, n: 2 },
        { customer_id: other.customer.id, unread: 2, needs_person: 1, n: 2 },
      ].sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1)),
    );
  });

  it("never answers the OA: an oa_send_text echo, or a message whose sender is the OA", async () => {
    const base = { app_id: TEST_ENV.ZALO_APP_ID, timestamp: String(h().emu.clock.now()) };
    const echo = JSON.stringify({
      ...base,
      event_name: "oa_send_text",
      sender: { id: TEST_ENV.ZALO_OA_ID, admin_id: "1111" },
      recipient: { id: person.oaUserId },
      message: { msg_id: "oa-echo-1", text: "Bạn còn bao nhiêu điểm? Gõ 'điểm' để xem." },
    });
    const fromOa = JSON.stringify({
      ...base,
      event_name: "user_send_text",
      sender: { id: TEST_ENV.ZALO_OA_ID },
      recipient: { id: TEST_ENV.ZALO_OA_ID },
      message: { msg_id: "oa-self-1", text: "điểm" },
    });
    for (const raw of [echo, fromOa]) expect((await post(raw)).statusCode).toBe(200);
    await h().app.services.dispatcher.drain();
    expect(replies()).toEqual([]);
    expect(sql("select count(*) as n from auto_reply_log")[0].n).toBe(0);
  });

  it("no match: handed to a person; after hours told once when someone answers", async () => {
    await setHours("q1", "Quận 1", "12 Nguyễn Huệ", "07:00", "22:00");
    await setHours("q3", "Quận 3", "45 Võ Văn Tần", "08:00", "21:00");
    // In hours: marked for a person, nothing said.
    await say("shop ơi cho mình hỏi cái này");
    expect(sql("select intent, handoff, after_hours_notice from auto_reply_log")).toEqual([{ intent: null, handoff: 1, after_hours_notice: 0 }]);
    expect(replies()).toEqual([]);
    // 23:30, every store closed: told when, once per conversation gap, however many messages follow.
    await setVnTime(23, 0, 30);
    await say("alo");
    expect(await lastReply()).toBe("Cảm ơn bạn đã nhắn tin! Hiện ngoài giờ làm việc, nhân viên sẽ trả lời bạn lúc 07:00 mai.");
    await setVnTime(23, 0, 50);
    await say("có ai không");
    await setVnTime(6, 1);
    await say("gặp nhân viên");
    expect(replies().map((r) => r.text)).toEqual(["Cảm ơn bạn đã nhắn tin! Hiện ngoài giờ làm việc, nhân viên sẽ trả lời bạn lúc 07:00 mai."]);
    expect(sql("select handoff from auto_reply_log").map((r) => r.handoff)).toEqual([1, 1, 1, 1]);
    // 12 h after the notice, a new gap: told again (the shops open at 07:00 today now).
    await setVnTime(12, 1);
    await setHours("q1", "Quận 1", "12 Nguyễn Huệ", "13:00", "22:00");
    await setHours("q3", "Quận 3", "45 Võ Văn Tần", "14:00", "21:00");
    await say("hello");
    expect(await lastReply()).toBe("Cảm ơn bạn đã nhắn tin! Hiện ngoài giờ làm việc, nhân viên sẽ trả lời bạn lúc 13:00.");
    expect(replies()).toHaveLength(2);
  });

  it("what it cannot answer waits for a person in the inbox until someone replies; an answered ask does not", async () => {
    const waiting = () => sql("select needs_person from conversations where customer_id = ?", person.customer.id)[0]?.needs_person;
    await say("còn bao nhiêu điểm");
    expect(waiting()).toBe(0);
    await say("shop ơi cho mình hỏi cái này");
    expect(waiting()).toBe(1);
    const list = await inject("GET", "/api/staff/inbox", shop.ctx.admin);
    const conv = (list.json() as { conversations: { id: string; needsPerson: boolean }[] }).conversations[0]!;
    expect(conv.needsPerson).toBe(true);
    const res = await inject("POST", `/api/staff/inbox/${conv.id}/reply`, shop.ctx.admin, { text: "Dạ shop nghe ạ", requestId: "reply-needs-1" });
    expect(res.statusCode, res.body).toBe(201);
    expect(waiting()).toBe(0);
  });

  it("a matched ask still gets its answer after hours", async () => {
    await setHours("q1", "Quận 1", "12 Nguyễn Huệ", "07:00", "22:00");
    await setVnTime(23);
    await say("thực đơn");
    expect(await lastReply()).toContain("Mời bạn xem thực đơn");
    expect(sql("select handoff, after_hours_notice from auto_reply_log")).toEqual([{ handoff: 0, after_hours_notice: 0 }]);
  });
});

describe("admin API: the rules", () => {
  const api = (method: "GET" | "PUT", url: string, payload?: unknown) => inject(method, url, shop.ctx.admin, payload);

  it("lists the five seeded intents; an edit is used by the next message; switched off, an ask is handed off", async () => {
    const list = (await api("GET", "/api/admin/auto-replies")).json().rules;
    expect(list.map((r: any) => r.intent).sort()).toEqual(["human", "last_order", "menu", "points", "store_info"]);
    const saved = await api("PUT", "/api/admin/auto-replies/menu", { keywords: ["Bánh ngọt", "banh ngot", "menu"], priority: 10, enabled: true });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().rule).toMatchObject({ intent: "menu", keywords: ["Bánh ngọt", "menu"], enabled: true, updatedBy: expect.any(String) });
    expect(sql("select action, target_id from audit_log where action = 'auto_reply.set'")).toEqual([{ action: "auto_reply.set", target_id: "menu" }]);
    await say("BANH NGOT co gi");
    expect(await lastReply()).toContain("Mời bạn xem thực đơn");
    expect((await api("PUT", "/api/admin/auto-replies/points", { keywords: ["điểm"], priority: 20, enabled: false })).statusCode).toBe(200);
    await say("còn bao nhiêu điểm");
    expect(sql("select intent, handoff from auto_reply_log order by rowid desc limit 1")).toEqual([{ intent: null, handoff: 1 }]);
  });

  it("refuses a bad rule with 400 and writes nothing; an unknown intent is a 404", async () => {
    const before = JSON.stringify(sql("select * from auto_reply_rules order by intent"));
    for (const body of [
      { keywords: ["???"], priority: 10, enabled: true },
      { keywords: [], priority: 10, enabled: true },
      { keywords: ["a"], priority: 500, enabled: true },
      { keywords: ["a"], priority: 5 },
    ]) {
      const res = await api("PUT", "/api/admin/auto-replies/points", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
    expect((await api("PUT", "/api/admin/auto-replies/weather", { keywords: ["a"], priority: 1, enabled: true })).statusCode).toBe(404);
    expect(JSON.stringify(sql("select * from auto_reply_rules order by intent"))).toBe(before);
  });
});

async function post(raw: string) {
  const mac = webhookMac(TEST_ENV.ZALO_APP_ID, raw, String(JSON.parse(raw).timestamp), TEST_ENV.ZALO_OA_SECRET_KEY);
  return h().app.inject({
    method: "POST",
    url: "/webhooks/zalo",
    headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` },
    payload: raw,
  });
}
