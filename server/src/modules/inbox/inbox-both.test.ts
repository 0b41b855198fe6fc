// The inbox's and auto-replies' guarantees on both databases, through the services with real concurrency (on
// PostgreSQL, a pool of connections and SERIALIZABLE transactions whose losers run again; on SQLite, one connection).
import { expect, it } from "vitest";
import { onBothDatabases } from "../../db/test-stores";
import { q, type Store, type TxOptions } from "../../db/store";
import type { Principal } from "../../http/auth";
import { createAutoReplyRepo } from "../auto-replies/repo";
import { createAutoReplyService } from "../auto-replies/service";
import { createAdminRepo } from "../admin/repo";
import { createCustomerRepo } from "../customers/repo";
import { createStoreRepo } from "../stores/repo";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createOutboxRepo } from "../messaging/outbox-repo";
import { createOrderRepo } from "../orders/repo";
import { createCannedRepo } from "./canned-repo";
import { createInboxFeed } from "./live";
import { createInboxRepo, type EventRow } from "./repo";
import { createInboxService } from "./service";

const NOW = Date.UTC(2026, 10, 20, 3);
const admin = { kind: "operator", id: "owner-1", console: "owner", role: "admin", storeIds: [] } as unknown as Principal;

function setUp(store: Store) {
  const customers = createCustomerRepo(store);
  const outbox = createOutboxRepo(store);
  const repo = createInboxRepo(store);
  const queue = (m: Parameters<typeof outbox.queue>[0]) => outbox.queue(m, NOW);
  const inbox = createInboxService({ store, repo, canned: createCannedRepo(store), queue, now: () => NOW });
  const autoReplies = createAutoReplyService({
    store,
    repo: createAutoReplyRepo(store),
    now: () => NOW,
    timeZone: "Asia/Ho_Chi_Minh",
    miniAppLink: "https://zalo.me/s/app/",
    balanceOf: createLoyaltyRepo(store).balanceOf,
    lastOrder: createOrderRepo(store).lastOrderOf,
    // No store: the staffed-hours check answers "someone is there" (no after-hours notice).
    stores: () => [],
    queue,
  });
  const person = (name: string) => customers.insertCustomer({ zaloId: `z-${Math.random()}`, zaloOaId: null, name }, NOW);
  /** One webhook event as the oa module handles it: the message kept, then answered, in the event's transaction. */
  const deliver = (customerId: string, msgId: string, text: string, opts?: TxOptions) =>
    store.tx(function* () {
      yield* q(inbox.captureInbound(customerId, { event_name: "user_send_text", message: { msg_id: msgId, text } }, NOW));
      const outcome = yield* q(autoReplies.onFollowerMessage({ customerId, zaloMsgId: msgId, text, at: NOW, fromOa: false }));
      if (outcome.handoff) yield* q(inbox.handOff(customerId));
      return outcome;
    }, opts);
  const one = async <T>(sql: string, ...p: unknown[]) => (await store.prepare<T>(sql).get(...p))!;
  return { customers, repo, inbox, autoReplies, person, deliver, one };
}

onBothDatabases(
  "inbox",
  (store) => {
    it("one follower message redelivered 50 times at once is stored once and answered once", async () => {
      const { person, deliver, one, repo } = setUp(store());
      const lan = await person("Lan");
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => deliver(lan.id, "msg-50", "còn bao nhiêu điểm")));
      expect(outcomes.filter((o) => o.queuedMessageId)).toEqual([{ intent: "points", handoff: false, queuedMessageId: "autoreply:msg-50" }]);
      expect(await one("select count(*) as n from conversations where customer_id = ?", lan.id)).toEqual({ n: 1 });
      expect(await one("select count(*) as n from conversation_messages where zalo_msg_id = ?", "msg-50")).toEqual({ n: 1 });
      expect(await one("select count(*) as n from auto_reply_log where zalo_msg_id = ?", "msg-50")).toEqual({ n: 1 });
      expect(await one("select count(*) as n from outbox where dedupe_key = ?", "autoreply:msg-50")).toEqual({ n: 1 });
      const conv = (await repo.byId((await repo.find(lan.id))!))!;
      expect(conv.unread).toBe(1);
      expect(conv.needs_person).toBe(0);
    });

    it("a message no rule answers, redelivered at once, hands off once and queues nothing", async () => {
      const { person, deliver, one, repo } = setUp(store());
      const minh = await person("Minh");
      const outcomes = await Promise.all(Array.from({ length: 30 }, () => deliver(minh.id, "msg-huh", "xin chào shop")));
      expect(outcomes.every((o) => o.handoff && !o.queuedMessageId)).toBe(true);
      expect(await one("select count(*) as n from outbox where customer_id = ?", minh.id)).toEqual({ n: 0 });
      const conv = (await repo.byId((await repo.find(minh.id))!))!;
      expect({ unread: conv.unread, needsPerson: conv.needs_person }).toEqual({ unread: 1, needsPerson: 1 });
    });

    it("unread stays exact under concurrent incoming messages and reads", async () => {
      const { person, deliver, one, repo, inbox } = setUp(store());
      const hoa = await person("Hoa");
      await deliver(hoa.id, "u-0", "menu");
      const id = (await repo.find(hoa.id))!;
      const countIn = store().prepare<{ n: number }>("select count(*) as n from conversation_messages where conversation_id = ? and direction = 'in'");
      // A read clears unread and sees, in its own transaction, how many messages it has read. Every body here
      // updates the one conversation row: READ COMMITTED, they queue on its lock (SERIALIZABLE, 150 of them would
      // fail and run again past the store's retries); the counter stays exact either way.
      const rc = { isolation: "read committed" } as const;
      const read = () =>
        store().tx(function* () {
          yield* q(repo.lock(id));
          yield* q(repo.markRead(id, NOW));
          return (yield* q(countIn.get(id)))!.n;
        }, rc);
      const calls: (() => unknown)[] = [
        ...Array.from({ length: 120 }, (_, i) => () => deliver(hoa.id, `u-${i + 1}`, "menu", rc)),
        ...Array.from({ length: 30 }, () => read),
      ];
      calls.sort(() => Math.random() - 0.5);
      const results = await Promise.all(calls.map(async (c) => c()));
      const seenByReads = results.filter((r): r is number => typeof r === "number");
      const total = (await one<{ n: number }>("select count(*) as n from conversation_messages where conversation_id = ?", id)).n;
      expect(total).toBe(121);
      // Unread is what came after the last read: the read that saw the most messages.
      expect((await repo.byId(id))!.unread).toBe(total - Math.max(...seenByReads));
      // Read through the service, then 40 at once with no read: exactly 40.
      expect((await inbox.markRead(admin, id)).conversation.unread).toBe(0);
      await Promise.all(Array.from({ length: 40 }, (_, i) => deliver(hoa.id, `v-${i}`, "menu", rc)));
      expect((await repo.byId(id))!.unread).toBe(40);
    });

    it("search by words, accents or not, by name and by phone finds the same conversations", async () => {
      const { person, deliver, inbox, customers } = setUp(store());
      const tag = Math.random().toString(36).slice(2, 7);
      const a = await person(`Nguyễn Thị Ánh ${tag}`);
      const b = await person(`Trần Văn Đức ${tag}`);
      const c = await person(`Lê Bảo ${tag}`);
      await customers.setPhone(c.id, "84912345678", NOW);
      await deliver(a.id, `s-a-${tag}`, "Cho mình 2 ly cà phê sữa đá nhé");
      await deliver(b.id, `s-b-${tag}`, "Đơn hàng của tôi đâu rồi?");
      await deliver(c.id, `s-c-${tag}`, "Trà đào cam sả còn không");
      const names = { [a.id]: "a", [b.id]: "b", [c.id]: "c" };
      const find = async (text: string) =>
        (await inbox.list(admin, { status: "all", q: text, limit: 50 })).conversations
          .map((x) => names[x.customerId])
          .filter(Boolean)
          .sort();
      const expected: Record<string, string[]> = {
        "cà phê": ["a"],
        "CA PHE SUA": ["a"],
        "phe su": ["a"],
        "đơn hàng": ["b"],
        don: ["b"],
        "DAO cam": ["c"],
        ca: ["a", "c"],
        "nguyen anh": ["a"],
        Đức: ["b"],
        [tag]: ["a", "b", "c"],
        "0912 345 678": ["c"],
        "5678": ["c"],
        "cà phê trà": [],
        xyzzy: [],
      };
      const got: Record<string, string[]> = {};
      for (const text of Object.keys(expected)) got[text] = await find(text);
      expect(got).toEqual(expected);
    });

    it("the console's reads and writes give the same answers on both: thread, reply, receipts, assignees, canned answers, erasure", async () => {
      const { person, deliver, inbox, repo, one, autoReplies } = setUp(store());
      const s = store();
      const tag = Math.random().toString(36).slice(2, 7);
      const storeId = `st-${tag}`;
      await createStoreRepo(s).insert({ id: storeId, name: `Quầy ${tag}`, createdAt: NOW });
      const staff = await person(`Nhân viên ${tag}`);
      await s.prepare("update customers set role = 'staff' where id = ?").run(staff.id);
      await s.prepare("insert into staff_stores (customer_id, store_id) values (?, ?)").run(staff.id, storeId);
      await createAdminRepo(s).insert({ id: `own-${tag}`, email: `o-${tag}@x.vn`, passwordHash: "x", role: "owner", name: "Chủ", createdAt: NOW });
      const mai = await person(`Mai ${tag}`);
      await deliver(mai.id, `c-${tag}`, "cho mình hỏi");
      const id = (await repo.find(mai.id))!;
      // Assignable people: the staff member at the store, the owner anywhere.
      const a = await inbox.assignees(admin);
      expect(a.people.find((p) => p.id === staff.id)).toMatchObject({ kind: "staff", storeIds: [storeId] });
      expect(a.people.find((p) => p.id === `own-${tag}`)).toMatchObject({ kind: "operator", name: "Chủ" });
      const assigned = await inbox.assign(admin, id, { storeId, assigneeId: staff.id }, () => true);
      expect(assigned.conversation).toMatchObject({ storeId, assigneeId: staff.id, needsPerson: true, unread: 1 });
      const list = await inbox.list(admin, { status: "open", needsPerson: "true", assignee: staff.id, limit: 10 });
      expect(list.conversations.map((c) => c.id)).toEqual([id]);
      // A reply: queued once per request id, the conversation read and no longer waiting.
      const replied = await inbox.reply(admin, id, { text: "Dạ shop đây ạ", requestId: "r1" });
      await inbox.reply(admin, id, { text: "Dạ shop đây ạ", requestId: "r1" });
      expect(replied.messages.map((m) => [m.direction, m.state, m.text])).toEqual([
        ["in", "received", "cho mình hỏi"],
        ["out", "queued", "Dạ shop đây ạ"],
      ]);
      expect(replied.conversation).toMatchObject({ unread: 0, needsPerson: false });
      expect(await one("select count(*) as n from outbox where dedupe_key = ?", `inbox:${id}:r1`)).toEqual({ n: 1 });
      // Sent, delivered, seen; a second reply held with its reason.
      await s.tx(function* () {
        yield* q(inbox.onSent({ customerId: mai.id, dedupeKey: `inbox:${id}:r1`, msgId: `zm-${tag}`, text: "Dạ shop đây ạ", templateId: null, at: NOW + 1 }));
      });
      await inbox.applyReceipt({ event_name: "user_received_message", message: { msg_ids: [`zm-${tag}`], delivery_time: NOW + 2 } });
      await inbox.applyReceipt({ event_name: "user_seen_message", message: { msg_ids: [`zm-${tag}`] }, timestamp: NOW + 3 });
      await inbox.reply(admin, id, { text: "Còn gì nữa không ạ", requestId: "r2" });
      await inbox.onSettled({ customerId: mai.id, dedupeKey: `inbox:${id}:r2`, state: "held", reason: "ZALO_NIGHT" });
      const t = await inbox.thread(admin, id);
      expect(t.messages.map((m) => [m.state, m.reason, m.deliveredAt, m.seenAt])).toEqual([
        ["received", null, null, null],
        // Queued at NOW; the first reply is dated when Zalo took it (NOW + 1).
        ["held", "ZALO_NIGHT", null, null],
        ["seen", null, NOW + 2, NOW + 3],
      ]);
      // Staff at another store do not see it.
      const other = { kind: "customer", id: "x", role: "staff", storeIds: ["elsewhere"] } as unknown as Principal;
      await expect(Promise.resolve().then(() => inbox.thread(other, id))).rejects.toMatchObject({ code: "CONVERSATION_NOT_FOUND" });
      expect((await inbox.setStatus(admin, id, "closed")).conversation.status).toBe("closed");
      // Canned answers, filled from the person's data.
      const c = await inbox.canned.create({ label: "Chào", text: "Chào {name}, bạn có {points} điểm", position: 1 });
      await inbox.canned.update(c.id, { label: "Chào", text: "Xin chào {name}", position: 2 });
      expect((await inbox.canned.list()).answers.find((x) => x.id === c.id)).toMatchObject({ text: "Xin chào {name}", position: 2 });
      expect((await inbox.canned.fill(admin, id, c.id)).text).toBe(`Xin chào Mai ${tag}`);
      expect(await inbox.canned.remove(c.id)).toEqual({ ok: true });
      // The rules' admin side (the menu rule switched off: later tests here answer "points" asks).
      const rule = await autoReplies.save({ kind: "admin", id: "owner-1" }, "menu", {
        keywords: ["thực đơn", "THỰC ĐƠN", "menu"],
        priority: 3,
        enabled: false,
      });
      expect(rule).toMatchObject({ intent: "menu", keywords: ["thực đơn", "menu"], enabled: false, priority: 3 });
      expect((await autoReplies.list()).map((r) => r.intent).sort()).toEqual(["human", "last_order", "menu", "points", "store_info"]);
      // Erased: the messages go, the row stays blank.
      await inbox.forget(mai.id, NOW + 9);
      expect(await one("select count(*) as n from conversation_messages where conversation_id = ?", id)).toEqual({ n: 0 });
      expect((await repo.byId(id))!.last_preview).toBe("");
    });

    it("the live feed delivers each change once, in id order per read, also when concurrent commits finish out of id order", async () => {
      const { person, deliver, repo, one } = setUp(store());
      const pg = store().dialect === "postgres";
      const feed = createInboxFeed({
        events: { after: repo.eventsAfter, lastId: repo.lastEventId, prune: repo.pruneEvents },
        changed: () => true,
        now: () => NOW,
        pollMs: 10,
        lookBack: pg ? 1000 : 0,
      });
      const before = await repo.lastEventId();
      const got: EventRow[] = [];
      const off = feed.subscribe((e) => got.push(e));
      await feed.settled();
      const people = await Promise.all(Array.from({ length: 12 }, (_, i) => person(`Feed ${i}`)));
      await Promise.all(people.flatMap((p, i) => Array.from({ length: 5 }, (_, j) => deliver(p.id, `f-${i}-${j}-${Math.random()}`, "còn bao nhiêu điểm"))));
      const n = (await one<{ n: number }>("select count(*) as n from conversation_events where id > ?", before)).n;
      for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      await feed.settled();
      off();
      expect(n).toBe(60);
      expect(got.length).toBe(n);
      expect(new Set(got.map((e) => e.id)).size).toBe(n);
      expect(got.every((e) => e.id > before)).toBe(true);
    });
  },
  { max: 8 },
);
