import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TimelineItem } from "@mc/shared";
import { webhookMac } from "../../zalo/signature";
import { memberCodeOf, newShopper, TEST_ENV, type Harness } from "../../test-support";
import { shopCalls, startShop, type Shop } from "../orders/test-fixture";
import { createTimelineService } from "./service";

// One shop for the file: a shopper goes through every flow the timeline shows, then the tests read it.
let h: Harness;
let ctx: Shop["ctx"];
let menu: Shop["menu"];
const { sql, inject, place, move } = shopCalls(() => ({ h, ctx, menu }));
let shopper: Awaited<ReturnType<typeof newShopper>>;
let all: TimelineItem[];

const MIN = 60_000;
const tick = (ms = MIN) => h.control("POST", "/_emu/clock", { advanceMs: ms });
/** hh:mm Vietnam time on 23 Nov 2026. */
const vnTime = (hh: number, mm = 0) => h.control("POST", "/_emu/clock", { now: Date.UTC(2026, 10, 23, hh - 7, mm) });
const drain = () => h.app.services.dispatcher.drain();

/** Zalo's webhook for the shopper (the emulator, with no webhook URL set, only changes its own state). */
async function webhook(name: "follow" | "unfollow", timestamp: number, emulatorToo = true) {
  if (emulatorToo) await h.control("POST", `/_emu/users/${shopper.appUserId}/${name}`);
  const raw = JSON.stringify({
    app_id: TEST_ENV.ZALO_APP_ID,
    oa_id: TEST_ENV.ZALO_OA_ID,
    user_id_by_app: shopper.appUserId,
    event_name: name,
    follower: { id: shopper.oaUserId },
    source: "oa_profile",
    timestamp: String(timestamp),
  });
  const mac = webhookMac(TEST_ENV.ZALO_APP_ID, raw, String(timestamp), TEST_ENV.ZALO_OA_SECRET_KEY);
  return h.app.inject({
    method: "POST",
    url: "/webhooks/zalo",
    headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` },
    payload: raw,
  });
}

const timeline = (id: string, q = "", token = ctx.admin) => inject("GET", `/api/admin/customers/${id}/timeline${q ? `?${q}` : ""}`, token);
const find = (title: string | RegExp) => all.filter((i) => (typeof title === "string" ? i.title === title : title.test(i.title)));
const one = (title: string | RegExp) => {
  const found = find(title);
  expect(found, `${title} in ${all.map((i) => i.title).join(" | ")}`).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  ({ h, ctx, menu } = await startShop());
  await vnTime(10);
  shopper = await newShopper(h, "Lê Thị Mai");
  const id = shopper.customer.id;

  // A game whose prize waits for a follow: played before following, issued by the follow webhook.
  await tick();
  const g = await inject("POST", "/api/admin/games", ctx.admin, {
    name: "Vòng quay may mắn",
    kind: "wheel",
    storeIds: ["q1"],
    playsPerDay: 1,
    prizes: [
      { label: "10 điểm", kind: "points", points: 10, weight: 1, requiresFollow: true },
      { label: "Chúc may mắn lần sau", kind: "none", weight: 0 },
    ],
  });
  expect(g.statusCode, g.body).toBe(201);
  const link = (await inject("GET", `/api/admin/games/${g.json().id}/qr-links`, ctx.admin)).json().links[0].url as string;
  const play = await inject("POST", "/api/games/play", shopper.token, Object.fromEntries(new URL(link).searchParams));
  expect(play.json().draw.state).toBe("pending_follow");
  await tick();
  expect((await webhook("follow", h.emu.clock.now())).json()).toEqual({ ok: true, duplicate: false });
  await drain(); // the welcome and the prize notice go out

  // Points at the counter, then a voucher claimed and redeemed there.
  await tick();
  const award = await inject("POST", "/api/staff/points/award", ctx.staff.token, {
    memberCode: await memberCodeOf(h, shopper.token),
    storeId: "q1",
    amountVnd: 250_000,
    receiptId: "HD-1",
  });
  expect(award.statusCode, award.body).toBe(200);
  await tick();
  const c = await inject("POST", "/api/admin/voucher-campaigns", ctx.admin, { name: "Giảm 10%", kind: "percent_off", value: 10, validDaysAfterClaim: 30 });
  const v = (await inject("POST", `/api/vouchers/campaigns/${c.json().id}/claim`, shopper.token)).json().voucher;
  await tick();
  const qr = (await inject("GET", `/api/me/vouchers/${v.id}/qr`, shopper.token)).json();
  expect((await inject("POST", "/api/staff/vouchers/redeem", ctx.staff.token, { storeId: "q1", qr: qr.payload })).statusCode).toBe(200);

  // An order through every status, and one cancelled with a reason.
  await tick();
  const o = (await place(shopper.token)).json().order;
  for (const s of ["confirmed", "ready", "completed"]) {
    await tick();
    expect((await move(o.id, s)).statusCode).toBe(200);
  }
  await tick();
  const o2 = (await place(shopper.token)).json().order;
  await tick();
  expect((await move(o2.id, "cancelled", ctx.staff.token, "Hết nguyên liệu")).statusCode).toBe(200);

  // The console: tags twice, a role granted and taken back, points by hand, a note.
  await tick();
  await inject("PUT", `/api/admin/customers/${id}/tags`, ctx.admin, { tags: ["vip"] });
  await tick();
  await inject("PUT", `/api/admin/customers/${id}/tags`, ctx.admin, { tags: ["office"] });
  await tick();
  await inject("PUT", `/api/admin/customers/${id}/role`, ctx.admin, { role: "staff", storeIds: ["q1"] });
  await tick();
  await inject("PUT", `/api/admin/customers/${id}/role`, ctx.admin, { role: "customer" });
  await tick();
  await inject("POST", `/api/admin/customers/${id}/points/adjust`, ctx.admin, { delta: 5, reason: "Quà sinh nhật", idempotencyKey: "bd-1" });
  await tick();
  const note = await inject("POST", `/api/admin/customers/${id}/notes`, ctx.admin, { text: "  Thích trà ít đường  " });
  expect(note.statusCode, note.body).toBe(201);

  // At night a care message is held for quiet hours; after an unfollow one is suppressed.
  await vnTime(23);
  await drain();
  h.app.services.messaging.queue({ customerId: id, category: "care", dedupeKey: "night", source: "test", text: "Chúc ngủ ngon" });
  await drain();
  await vnTime(23, 20);
  expect((await webhook("unfollow", h.emu.clock.now())).statusCode).toBe(200);
  await tick();
  h.app.services.messaging.queue({ customerId: id, category: "care", dedupeKey: "after-unfollow", source: "test", text: "Bạn khoẻ không?" });
  await drain();
  // Zalo's late retry of a follow older than the unfollow: history only (the person stays unfollowed).
  await tick();
  expect((await webhook("follow", Date.UTC(2026, 10, 23, 16, 10), false)).json()).toEqual({ ok: true, duplicate: false });
  expect(sql("select follows_oa from customers where id = ?", id)).toEqual([{ follows_oa: 0 }]);

  const res = await timeline(id, "limit=100");
  expect(res.statusCode, res.body).toBe(200);
  all = res.json().items;
  expect(res.json().next).toBeNull();
}, 60_000);
afterAll(async () => h.close());

describe("one timeline per person", () => {
  it("shows every kind, each with its words, the store and who did it", () => {
    expect(new Set(all.map((i) => i.kind))).toEqual(new Set(["order", "points", "voucher", "game", "follow", "message", "note", "admin"]));
    for (const i of all) expect(i.key.startsWith(`${i.kind}:`)).toBe(true);
    expect(new Set(all.map((i) => i.key)).size).toBe(all.length);

    // game: the play with its prize held, then issued on the follow
    expect(one("Chơi “Vòng quay may mắn”: trúng 10 điểm")).toMatchObject({ storeId: "q1", detail: "Quận 1 · Quà chờ khách quan tâm OA" });
    expect(one("Nhận quà 10 điểm sau khi quan tâm OA")).toMatchObject({ kind: "game", actor: "hệ thống" });
    // points: the prize, the award by staff at the counter, the adjustment, with balances
    expect(one("Cộng 10 điểm")).toMatchObject({ detail: "Giải thưởng: 10 điểm · Quận 1 · Số dư: 10 điểm" });
    const award = all.find((i) => i.kind === "points" && i.detail?.startsWith("Mua hàng 250.000đ"));
    expect(award).toMatchObject({ storeId: "q1", actor: "Trần Minh Khoa", data: { kind: "earn" } });
    expect(one("Điều chỉnh +5 điểm")).toMatchObject({ actor: TEST_ENV.ADMIN_EMAIL, detail: expect.stringContaining("Quà sinh nhật") });
    // voucher: claimed, then redeemed at q1 by the staff member
    expect(one("Nhận voucher “Giảm 10%”")).toMatchObject({ storeId: null, detail: expect.stringMatching(/^Mã [0-9A-Z]{8}$/) });
    expect(one("Dùng voucher “Giảm 10%”")).toMatchObject({ storeId: "q1", detail: "Tại Quận 1", actor: "Trần Minh Khoa" });
    // orders through their statuses, the cancelled one with its reason
    const placed = find(/^Đặt đơn /);
    expect(placed).toHaveLength(2);
    expect(placed[1]!.detail).toBe("2 món · 96.000đ · Quận 1 · mang đi · trả tại quầy");
    const [first, second] = [placed[1]!.data.code, placed[0]!.data.code];
    for (const t of ["cửa hàng đã xác nhận", "đã xong, chờ nhận", "hoàn tất"]) expect(find(`Đơn ${first}: ${t}`)).toHaveLength(1);
    expect(one(`Đơn ${second}: đã huỷ`)).toMatchObject({ detail: "Lý do: Hết nguyên liệu", storeId: "q1" });
    // follows, by their own time: the late follow sits before the unfollow it could not override
    const follows = all.filter((i) => i.kind === "follow").map((i) => [i.title, i.detail]);
    expect(follows).toEqual([
      ["Bỏ quan tâm OA", "Nguồn: trang OA"],
      ["Quan tâm OA", expect.stringMatching(/^Nguồn: trang OA · Zalo báo lúc 23:2\d 23\/11\/2026$/)],
      ["Quan tâm OA", "Nguồn: trang OA"],
    ]);
    // messages: sent free by CS, held for quiet hours until 08:00, suppressed for the unfollow, queued
    expect(one("Tin chăm sóc (chào mừng): đã gửi").detail).toMatch(/^Qua Tin tư vấn \(CS\), miễn phí · gửi \d\d:\d\d 23\/11\/2026 · “/);
    expect(find(/: tạm giữ$/).map((i) => i.detail)).toEqual(["Tạm giữ đến 08:00 24/11/2026: Trong giờ yên lặng (sẽ gửi khi hết giờ) · “Chúc ngủ ngon”"]);
    expect(find(/: không gửi$/).map((i) => i.detail)).toEqual(["Không gửi: Đã bỏ quan tâm OA · “Bạn khoẻ không?”"]);
    // the note, trimmed, by its author
    expect(one("Ghi chú")).toMatchObject({ detail: "Thích trà ít đường", actor: TEST_ENV.ADMIN_EMAIL, storeId: null });
    // the console's acts: tag changes as a diff, role changes with their stores
    expect(find("Cập nhật nhãn").map((i) => i.detail)).toEqual(["Thêm: office · Bỏ: vip", "Thêm: vip"]);
    expect(one("Đổi vai trò: Khách hàng → Nhân viên")).toMatchObject({ detail: "Cửa hàng: Quận 1", actor: TEST_ENV.ADMIN_EMAIL });
    expect(one("Đổi vai trò: Nhân viên → Khách hàng").detail).toBeNull();
  });

  it("shows a points adjustment once: its ledger entry, not the audit row beside it", () => {
    expect(sql("select count(*) as n from audit_log where action = 'points.adjust' and target_id = ?", shopper.customer.id)).toEqual([{ n: 1 }]);
    const adjust = all.filter((i) => /^Điều chỉnh/.test(i.title) || i.data.action === "points.adjust");
    expect(adjust).toEqual([expect.objectContaining({ kind: "points", title: "Điều chỉnh +5 điểm", actor: TEST_ENV.ADMIN_EMAIL })]);
    expect(adjust[0]!.detail).toContain("Quà sinh nhật");
  });

  it("is newest first, by (time, key)", () => {
    const sorted = [...all].sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.key < b.key ? -1 : 1));
    expect(all.map((i) => i.key)).toEqual(sorted.map((i) => i.key));
    // The late follow arrived last, but is dated 23:10: before the unfollow and the message after it.
    expect(all.slice(0, 3).map((i) => i.title)).toEqual(["Tin chăm sóc: không gửi", "Bỏ quan tâm OA", "Quan tâm OA"]);
  });

  it("pages through the same items with no gap or duplicate, whatever the page size", async () => {
    for (const limit of [1, 2, 3, 7]) {
      const seen: string[] = [];
      let before: string | null = null;
      for (let n = 0; n < 200; n++) {
        const res = await timeline(shopper.customer.id, `limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ""}`);
        expect(res.statusCode).toBe(200);
        const page = res.json();
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((i: TimelineItem) => i.key));
        before = page.next;
        if (!before) break;
      }
      expect(seen).toEqual(all.map((i) => i.key));
    }
  });

  it("filters by kinds", async () => {
    const res = await timeline(shopper.customer.id, "kinds=order,note&limit=100");
    expect(res.json().items.map((i: TimelineItem) => i.key)).toEqual(all.filter((i) => i.kind === "order" || i.kind === "note").map((i) => i.key));
    expect((await timeline(shopper.customer.id, "kinds=follow&limit=100")).json().items).toHaveLength(3);
    const bad = await timeline(shopper.customer.id, "kinds=order,chat");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("VALIDATION_FAILED");
  });

  it("a staff view keeps the items at its stores, and the notes", () => {
    const db = h.app.services.db;
    const service = createTimelineService({ db, now: () => h.emu.clock.now(), timeZone: "Asia/Ho_Chi_Minh", customerExists: () => true });
    const q1 = service.page(shopper.customer.id, { limit: 100 }, { storeIds: ["q1"] }).items;
    expect(q1.map((i) => i.key)).toEqual(all.filter((i) => i.storeId === "q1" || i.kind === "note").map((i) => i.key));
    expect(q1.some((i) => i.kind === "order") && q1.some((i) => i.kind === "points") && q1.some((i) => i.kind === "game")).toBe(true);
    expect(service.page(shopper.customer.id, { limit: 100 }, { storeIds: ["q3"] }).items.map((i) => i.kind)).toEqual(["note"]);
    expect(service.page(shopper.customer.id, { limit: 100 }, { storeIds: [] }).items.map((i) => i.kind)).toEqual(["note"]);
  });

  it("refuses an unknown person (404) and a cursor it did not give (400)", async () => {
    const missing = await timeline("no-such-person");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe("CUSTOMER_NOT_FOUND");
    const note = await inject("POST", "/api/admin/customers/no-such-person/notes", ctx.admin, { text: "x" });
    expect(note.statusCode).toBe(404);
    for (const before of ["x", Buffer.from("[1]").toString("base64url"), Buffer.from('["1","k"]').toString("base64url")]) {
      const res = await timeline(shopper.customer.id, `before=${before}`);
      expect(res.statusCode, before).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
    expect((await inject("POST", `/api/admin/customers/${shopper.customer.id}/notes`, ctx.admin, { text: "   " })).statusCode).toBe(400);
  });

  it("a note is audited without its text, and shoppers and staff may not read or write the timeline", async () => {
    expect(sql("select actor_kind, action, details from audit_log where action = 'customer.note'")).toEqual([
      { actor_kind: "admin", action: "customer.note", details: expect.not.stringContaining("trà") },
    ]);
    for (const token of [shopper.token, ctx.staff.token]) {
      expect((await timeline(shopper.customer.id, "", token)).statusCode).toBe(403);
      expect((await inject("POST", `/api/admin/customers/${shopper.customer.id}/notes`, token, { text: "x" })).statusCode).toBe(403);
    }
  });

  it("erasing the person deletes the notes about them; the rest of the timeline stays, anonymous", async () => {
    const other = await newShopper(h, "Phạm Văn Nam");
    await inject("POST", `/api/admin/customers/${other.customer.id}/notes`, ctx.admin, { text: "SĐT phụ 0912 345 678" });
    await inject("POST", `/api/admin/customers/${other.customer.id}/notes`, ctx.admin, { text: "Hay đến buổi sáng" });
    const erase = await inject("POST", `/api/admin/customers/${other.customer.id}/erase`, ctx.admin, { reason: "Khách yêu cầu" });
    expect(erase.statusCode, erase.body).toBe(200);
    expect(sql("select count(*) as n from customer_notes where customer_id = ?", other.customer.id)).toEqual([{ n: 0 }]);
    const items = (await timeline(other.customer.id, "limit=100")).json().items as TimelineItem[];
    expect(items.map((i) => i.title)).toContain("Xoá dữ liệu cá nhân theo yêu cầu");
    expect(items.some((i) => i.kind === "note")).toBe(false);
    const again = await inject("POST", `/api/admin/customers/${other.customer.id}/notes`, ctx.admin, { text: "x" });
    expect(again.json().code).toBe("CONFLICT");
  });
});
