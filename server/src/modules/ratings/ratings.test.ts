import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newShopper, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";

const HOUR = 3_600_000;
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
const { sql, inject, place, move } = shopCalls(() => ({ h, ctx, menu }));

beforeAll(async () => {
  ({ h, ctx, menu } = await startShop());
  // Zalo's webhooks (follow, follower messages) reach the server for real.
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo`, dailyQuota: 100_000 });
  await h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, 3, 0) });
});
afterAll(async () => h.close());

async function completed(token: string) {
  const o = (await place(token)).json().order;
  for (const s of ["confirmed", "ready", "completed"]) expect((await move(o.id, s)).statusCode).toBe(200);
  return o as { id: string; code: string };
}
const rate = (token: string, orderId: string, body: unknown) => inject("POST", `/api/me/orders/${orderId}/rating`, token, body);
const ratingRows = (orderId: string) => sql("select stars, comment from order_ratings where order_id = ?", orderId);
const conversationOf = (customerId: string) =>
  sql("select id, needs_person, unread, status, store_id, last_inbound_at, last_preview from conversations where customer_id = ?", customerId)[0] as
    | { id: string; needs_person: number; unread: number; status: string; store_id: string | null; last_inbound_at: number | null; last_preview: string }
    | undefined;

describe("order ratings", () => {
  it("the feedback message two hours after completion links to the order's rating page", async () => {
    const s = await newShopper(h, "Khách góp ý");
    const o = await completed(s.token);
    await h.control("POST", "/_emu/clock", { advanceMs: 2 * HOUR });
    await h.app.services.automationTimers.drain();
    const [feedback] = sql("select text from outbox where customer_id = ? and source = 'feedback'", s.customer.id);
    expect(feedback.text).toContain(o.code);
    expect(feedback.text).toContain(`https://zalo.me/s/${h.config.ZALO_MINI_APP_ID}/?rate=${o.id}`);
  });

  it("only the shopper's own completed order is rated: someone else's is not found, an unfinished one not rateable, nothing written", async () => {
    const a = await newShopper(h, "Khách A");
    const b = await newShopper(h, "Khách B");
    const done = await completed(a.token);
    const other = await rate(b.token, done.id, { stars: 5 });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe("ORDER_NOT_FOUND");
    expect((await inject("GET", `/api/me/orders/${done.id}/rating`, b.token)).statusCode).toBe(404);
    // Staff (or a console admin) cannot rate as if they were the shopper either: the id is the signed-in person's.
    expect((await rate(ctx.staff.token, done.id, { stars: 1 })).statusCode).toBe(404);
    expect(ratingRows(done.id)).toEqual([]);

    const live = (await place(a.token)).json().order;
    const early = await rate(a.token, live.id, { stars: 4, comment: "Chưa nhận" });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: "ORDER_NOT_RATEABLE", details: { status: "placed" } });
    expect((await inject("GET", `/api/me/orders/${live.id}/rating`, a.token)).json()).toMatchObject({ rateable: false, rating: null });
    expect(ratingRows(live.id)).toEqual([]);

    for (const bad of [{ stars: 0 }, { stars: 6 }, { stars: 2.5 }, { stars: 3, comment: "x".repeat(501) }, { stars: 3, customerId: b.customer.id }]) {
      const res = await rate(a.token, done.id, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
    expect(ratingRows(done.id)).toEqual([]);
  });

  it("one rating per order: a second submit (also raced) is RATING_EXISTS and the first stays", async () => {
    const s = await newShopper(h, "Khách một lần");
    const o = await completed(s.token);
    expect((await inject("GET", `/api/me/orders/${o.id}/rating`, s.token)).json()).toMatchObject({
      order: { id: o.id, code: o.code, status: "completed" },
      rateable: true,
      rating: null,
    });
    const [first, raced] = await Promise.all([rate(s.token, o.id, { stars: 4, comment: "  Trà ngon  " }), rate(s.token, o.id, { stars: 1 })]);
    expect(first.statusCode).toBe(201);
    expect(first.json().rating).toMatchObject({ orderId: o.id, orderCode: o.code, stars: 4, comment: "Trà ngon", low: false, storeId: "q1" });
    expect(raced.statusCode).toBe(409);
    expect(raced.json()).toMatchObject({ code: "RATING_EXISTS", details: { rating: { stars: 4 } } });
    const again = await rate(s.token, o.id, { stars: 2, comment: "Đổi ý" });
    expect(again.json().code).toBe("RATING_EXISTS");
    expect(ratingRows(o.id)).toEqual([{ stars: 4, comment: "Trà ngon" }]);
    expect((await inject("GET", `/api/me/orders/${o.id}/rating`, s.token)).json()).toMatchObject({ rateable: false, rating: { stars: 4 } });
    // A good rating is on the timeline, not highlighted, and asks no one in the inbox.
    const tl = (await inject("GET", `/api/admin/customers/${s.customer.id}/timeline?kinds=rating`, ctx.admin)).json().items;
    expect(tl).toEqual([
      expect.objectContaining({ kind: "rating", key: `rating:${o.id}`, storeId: "q1", data: expect.objectContaining({ stars: 4, low: false }) }),
    ]);
    expect(conversationOf(s.customer.id)).toBeUndefined();
  });

  it("a low rating is highlighted on the timeline and opens the person's conversation, needing a person, with the rating's text", async () => {
    const s = await newShopper(h, "Khách không vui");
    const o = await completed(s.token);
    const res = await rate(s.token, o.id, { stars: 1, comment: "Trà nguội, chờ lâu" });
    expect(res.statusCode).toBe(201);
    expect(res.json().rating).toMatchObject({ stars: 1, low: true });

    const tl = (await inject("GET", `/api/admin/customers/${s.customer.id}/timeline?kinds=rating`, ctx.admin)).json().items;
    expect(tl).toEqual([
      expect.objectContaining({
        kind: "rating",
        title: expect.stringContaining("đánh giá thấp"),
        detail: expect.stringContaining("Trà nguội"),
        data: expect.objectContaining({ stars: 1, low: true }),
      }),
    ]);
    // The staff of the order's store see it on the counter's profile too.
    const staffTl = (await inject("GET", `/api/staff/customers/${s.customer.id}/timeline?kinds=rating`, ctx.staff.token)).json().items;
    expect(staffTl.map((i: { key: string }) => i.key)).toEqual([`rating:${o.id}`]);

    const conv = conversationOf(s.customer.id)!;
    // Opened at the store they visited, unread, waiting for a person; Zalo's reply window is not moved by a rating.
    expect(conv).toMatchObject({ needs_person: 1, unread: 1, status: "open", store_id: "q1", last_inbound_at: null });
    const thread = (await inject("GET", `/api/staff/inbox/${conv.id}`, ctx.admin)).json();
    expect(thread.conversation.needsPerson).toBe(true);
    expect(thread.messages).toEqual([
      expect.objectContaining({ direction: "in", kind: "rating", text: `Đánh giá 1★ cho đơn ${o.code}: “Trà nguội, chờ lâu”` }),
    ]);
    expect(thread.window.state).toBe("closed");
    const list = (await inject("GET", "/api/staff/inbox?status=open", ctx.staff.token)).json().conversations;
    expect(list.find((c: { id: string }) => c.id === conv.id)).toMatchObject({ needsPerson: true, lastPreview: expect.stringContaining("1★") });
  });

  it("a low rating from someone already chatting joins their conversation and keeps their reply window", async () => {
    const s = await newShopper(h, "Khách đang chat");
    await h.control("POST", `/_emu/users/${s.appUserId}/follow`);
    await h.control("POST", `/_emu/users/${s.appUserId}/send-text`, { text: "Shop ơi cho hỏi giờ mở cửa" });
    const before = conversationOf(s.customer.id)!;
    expect(before.last_inbound_at).not.toBeNull();
    const o = await completed(s.token);
    await h.control("POST", "/_emu/clock", { advanceMs: 60_000 });
    expect((await rate(s.token, o.id, { stars: 2 })).statusCode).toBe(201);
    const after = conversationOf(s.customer.id)!;
    expect(after).toMatchObject({ id: before.id, last_inbound_at: before.last_inbound_at, unread: before.unread + 1 });
    expect(after.needs_person).toBe(1);
    expect(after.last_preview).toBe(`Đánh giá 2★ cho đơn ${o.code}: (không có nhận xét)`);
  });

  it("the console lists ratings by stars and store, newest first in pages, with each store's average", async () => {
    const token = ctx.admin;
    const all = (q = "") => inject("GET", `/api/admin/ratings${q}`, token).then((r) => r.json());
    const everything = await all("?limit=100");
    expect(everything.ratings.length).toBeGreaterThanOrEqual(3);
    const ats = everything.ratings.map((r: { at: string }) => r.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect((await all("?stars=1")).ratings.every((r: { stars: number }) => r.stars === 1)).toBe(true);
    expect((await all("?low=true")).ratings.every((r: { stars: number; low: boolean }) => r.stars <= 2 && r.low)).toBe(true);
    expect((await all("?storeId=q3")).ratings).toEqual([]);
    expect((await all("?storeId=q1&stars=4")).ratings.map((r: { stars: number }) => r.stars)).toEqual([4]);
    const p1 = await all("?limit=2");
    const p2 = await all(`?limit=2&before=${p1.next.before}&beforeId=${p1.next.beforeId}`);
    expect([...p1.ratings, ...p2.ratings].map((r: { orderId: string }) => r.orderId)).toEqual(
      everything.ratings.slice(0, 4).map((r: { orderId: string }) => r.orderId),
    );
    expect((await inject("GET", "/api/admin/ratings?stars=9", token)).statusCode).toBe(400);

    const stars = everything.ratings.filter((r: { storeId: string }) => r.storeId === "q1").map((r: { stars: number }) => r.stars);
    const summary = (await inject("GET", "/api/admin/ratings/summary", token)).json();
    expect(summary.lowMax).toBe(2);
    expect(summary.stores).toEqual(
      expect.arrayContaining([
        {
          storeId: "q1",
          storeName: "Quận 1",
          count: stars.length,
          average: Math.round((stars.reduce((a: number, b: number) => a + b, 0) / stars.length) * 10) / 10,
          low: stars.filter((n: number) => n <= 2).length,
        },
        { storeId: "q3", storeName: "Quận 3", count: 0, average: null, low: 0 },
      ]),
    );
  });

  it("an erasure takes the person's comments; the stars stay in the store's figures", async () => {
    const s = await newShopper(h, "Khách xoá");
    const o = await completed(s.token);
    await rate(s.token, o.id, { stars: 3, comment: "Số điện thoại tôi là 0912345678" });
    const erase = await inject("POST", `/api/admin/customers/${s.customer.id}/erase`, ctx.admin, { reason: "Khách yêu cầu xoá dữ liệu" });
    expect(erase.statusCode, erase.body).toBeLessThan(300);
    expect(ratingRows(o.id)).toEqual([{ stars: 3, comment: "" }]);
  });
});
