import { randomUUID } from "node:crypto";
import type { MESSAGE_STATES } from "@mc/shared";
import { q, type Awaitable, type Statement, type Step, type Store, type SyncView, mapStep } from "../../db/store";
import { ftsPrefixQuery, searchKey } from "../customers/search-key";

type MessageState = (typeof MESSAGE_STATES)[number];
export type EventRow = { id: number; conversation_id: string; store_id: string | null };
export type AssigneeRow = { id: string; name: string; store_ids: string | null; kind: "staff" | "operator"; owner: number };

export type ConversationRow = {
  id: string;
  customer_id: string;
  customer_name: string;
  avatar: string | null;
  status: "open" | "closed";
  store_id: string | null;
  assignee_id: string | null;
  unread: number;
  needs_person: number;
  last_message_at: number;
  last_inbound_at: number | null;
  last_preview: string;
};
export type MessageRow = {
  id: number;
  direction: "in" | "out";
  kind: string;
  text: string | null;
  attachments: string | null;
  state: MessageState;
  reason: string | null;
  author_id: string | null;
  at: number;
  delivered_at: number | null;
  seen_at: number | null;
};
export type NewInboxMessage = {
  direction: "in" | "out";
  kind: string;
  text: string | null;
  attachments: string | null;
  zaloMsgId: string | null;
  outboxKey: string | null;
  authorId: string | null;
  state: MessageRow["state"];
  at: number;
};

/**
 * The words of a query as PostgreSQL prefix terms, all required ("nguyen th" → `'nguyen':* & 'th':*`), the twin
 * of FTS5's `"nguyen"* "th"*`: the same folded words (searchKey keeps letters and digits only, so no quote can
 * reach the text), each a prefix of one word of the folded message.
 */
export function tsPrefixQuery(q: string, maxWords = 8): string | null {
  const words = searchKey(q).split(" ").filter(Boolean).slice(0, maxWords);
  return words.length ? words.map((w) => `'${w}':*`).join(" & ") : null;
}

// needs_person is a boolean on PostgreSQL: read as 1/0 on both.
const SUMMARY = `select v.id, v.customer_id, c.name as customer_name, c.avatar, v.status, v.store_id, v.assignee_id, v.unread,
  case when v.needs_person then 1 else 0 end as needs_person,
  v.last_message_at, v.last_inbound_at, v.last_preview from conversations v join customers c on c.id = v.customer_id`;

/** The conversations, conversation_messages and conversation_events tables: this module is their only writer. */
export function createInboxRepo(store: Store) {
  const pg = store.dialect === "postgres";
  const byCustomer = store.prepare<{ id: string }>("select id from conversations where customer_id = ?");
  // on conflict: two first messages of one person at once open one conversation (the second reads the first's).
  const insertConv = store.prepare(
    "insert into conversations (id, customer_id, status, store_id, unread, last_message_at, last_preview, created_at, updated_at) values (?, ?, 'open', ?, 0, ?, '', ?, ?) on conflict (customer_id) do nothing",
  );
  // The store a person last visited: their newest order or points award at a store (both index-backed per person).
  const lastStore = store.prepare<{ store_id: string }>(
    `select store_id from (
       select * from (select store_id, created_at from orders where customer_id = @id order by created_at desc limit 1) as o
       union all
       select * from (select store_id, created_at from points_ledger where customer_id = @id and store_id is not null order by created_at desc limit 1) as l
     ) as u order by created_at desc limit 1`,
  );
  const insertMsg = store.prepare(
    `insert into conversation_messages (conversation_id, direction, kind, text, search_text, attachments, zalo_msg_id, outbox_key, author_id, state, at)
     values (@conversationId, @direction, @kind, @text, @searchText, @attachments, @zaloMsgId, @outboxKey, @authorId, @state, @at) on conflict do nothing`,
  );
  // Scalar max() is greatest() on PostgreSQL.
  const max = (a: string, b: string) => (pg ? `greatest(${a}, ${b})` : `max(${a}, ${b})`);
  // A follower's message reopens a closed conversation and counts as unread; an OA message only moves the preview.
  const bumpIn = store.prepare(
    `update conversations set unread = unread + 1, status = 'open', last_inbound_at = ${max("coalesce(last_inbound_at, 0)", "@at")},
       last_message_at = ${max("last_message_at", "@at")}, last_preview = case when @at >= last_message_at then @preview else last_preview end, updated_at = @t where id = @id`,
  );
  const bumpOut = store.prepare(
    `update conversations set last_message_at = ${max("last_message_at", "@at")},
       last_preview = case when @at >= last_message_at then @preview else last_preview end, updated_at = @t where id = @id`,
  );
  // A held reply may still go later (its hold lifted): sent then, its reason cleared.
  const sentByKey = store.prepare(
    "update conversation_messages set state = 'sent', reason = null, zalo_msg_id = @msgId, at = @at where outbox_key = @key and state in ('queued', 'held')",
  );
  const settleByKey = store.prepare(
    "update conversation_messages set state = @state, reason = @reason where outbox_key = @key and state in ('queued', 'held')",
  );
  const addEvent = store.prepare("insert into conversation_events (conversation_id, store_id, at) values (?, ?, ?)");
  const eventsAfter = store.prepare<EventRow>("select id, conversation_id, store_id from conversation_events where id > ? order by id limit ?");
  const lastEvent = store.prepare<number>("select coalesce(max(id), 0) from conversation_events", "pluck");
  const pruneEvents = store.prepare("delete from conversation_events where id in (select id from conversation_events where at < ? order by at limit 5000)");
  // Who may be given a conversation: staff at their stores, store managers at theirs, owners anywhere (marketers
  // serve no customers). `store_ids` null: every store.
  const agg = (x: string) => (pg ? `string_agg(${x}, ',')` : `group_concat(${x})`);
  const assignees = store.prepare<AssigneeRow>(
    `select c.id, c.name, ${agg("s.store_id")} as store_ids, 'staff' as kind, 0 as owner
       from staff_stores s join customers c on c.id = s.customer_id where c.role in ('staff', 'admin') group by c.id
     union all
     select a.id, coalesce(nullif(a.name, ''), a.email) as name, (select ${agg("store_id")} from admin_user_stores where admin_user_id = a.id) as store_ids,
       'operator' as kind, case when a.role = 'owner' then 1 else 0 end as owner
       from admin_users a where a.active = ? and a.role in ('owner', 'store_manager')
     order by name`,
  );
  // What the person told the shop outside the OA chat (a rating): unread and reopened, but not a Zalo interaction,
  // so Zalo's reply window (last_inbound_at) stays where their last OA message put it.
  const bumpNote = store.prepare(
    `update conversations set unread = unread + 1, status = 'open', last_message_at = ${max("last_message_at", "@at")},
       last_preview = case when @at >= last_message_at then @preview else last_preview end, updated_at = @t where id = @id`,
  );
  const delivered = store.prepare(
    "update conversation_messages set delivered_at = coalesce(delivered_at, @at), state = case when state in ('sent', 'queued') then 'delivered' else state end where zalo_msg_id = @msgId and direction = 'out'",
  );
  const seen = store.prepare(
    "update conversation_messages set seen_at = coalesce(seen_at, @at), delivered_at = coalesce(delivered_at, @at), state = 'seen' where zalo_msg_id = @msgId and direction = 'out'",
  );
  const one = store.prepare<ConversationRow>(`${SUMMARY} where v.id = ?`);
  const byOutboxKey = store.prepare<number>("select 1 from conversation_messages where outbox_key = ?", "pluck");
  const convOfMsg = store.prepare<{ id: string }>("select conversation_id as id from conversation_messages where zalo_msg_id = ?");
  const THREAD = `select id, direction, kind, text, attachments, state, reason, author_id, at, delivered_at, seen_at from conversation_messages %
    where conversation_id = ? order by at desc, id desc limit ?`;
  const thread = store.prepare<MessageRow>({
    sqlite: THREAD.replace("%", "indexed by conversation_messages_thread_idx"),
    pg: THREAD.replace("%", ""),
  });
  // A console change locks its conversation first (PostgreSQL), so its body can run READ COMMITTED: a burst of
  // messages to one conversation then queues on the row instead of failing serialization again and again.
  const lock = store.prepare({ sqlite: "select 1 from conversations where id = ?", pg: "select 1 from conversations where id = ? for update" });
  const markRead = store.prepare("update conversations set unread = 0, updated_at = ? where id = ?");
  const setStatus = store.prepare("update conversations set status = ?, updated_at = ? where id = ?");
  const needsPerson = store.prepare("update conversations set needs_person = ?, updated_at = ? where id = ?");
  const assign = store.prepare("update conversations set store_id = ?, assignee_id = ?, updated_at = ? where id = ?");
  // Search, each through an index and bounded: the newest matching messages (SQLite: FTS5; PostgreSQL: the GIN
  // index over to_tsvector('simple', search_text), drizzle-pg 0001), names (customers_fts; the GIN index over
  // search_name), and a phone's last digits (customers_phone_rev_idx). Each is a condition of the list's own
  // statement, so a source's matches are joined and sorted once in SQL (no id list bound back from JS).
  const SEARCH_CAP = 500;
  const SOURCE = pg
    ? {
        words: `v.id in (select conversation_id from (select conversation_id from conversation_messages
          where to_tsvector('simple', search_text) @@ to_tsquery('simple', @fts) order by id desc limit ${SEARCH_CAP}) as m)`,
        name: `c.id in (select id from (select id from customers
          where to_tsvector('simple', search_name) @@ to_tsquery('simple', @fts) order by rowid desc limit ${SEARCH_CAP}) as n)`,
        phone: `v.id in (select v2.id from customers c2 join conversations v2 on v2.customer_id = c2.id
          where c2.phone_rev >= @revLo and c2.phone_rev < @revHi limit ${SEARCH_CAP})`,
      }
    : {
        words: `v.id in (select conversation_id from conversation_messages where id in (
          select rowid from conversation_messages_fts where conversation_messages_fts match @fts order by rowid desc limit ${SEARCH_CAP}))`,
        name: `c.rowid in (select rowid from customers_fts where customers_fts match @fts order by rowid desc limit ${SEARCH_CAP})`,
        // A range on the reversed digits (':' sorts right after '9'): LIKE cannot use this index (it is case-insensitive).
        phone: `v.id in (select v2.id from customers c2 indexed by customers_phone_rev_idx join conversations v2 on v2.customer_id = c2.id
          where c2.phone_rev >= @revLo and c2.phone_rev < @revHi limit ${SEARCH_CAP})`,
      };
  // The list's statements, one per shape of filters (a handful), prepared once.
  const stmts = new Map<string, Statement<ConversationRow>>();
  const stmt = (sql: string) => {
    let st = stmts.get(sql);
    if (!st) {
      if (stmts.size >= 256) stmts.clear();
      stmts.set(sql, (st = store.prepare<ConversationRow>(sql)));
    }
    return st;
  };
  const storesStmt = store.prepare<{ id: string; name: string }>("select id, name from stores order by name");
  // What a canned answer's variables read: the person's name, balance and newest order (index-backed per person).
  const cannedVars = store.prepare<{ name: string; points: number; order_code: string | null; order_total: number | null }>(
    `select c.name, c.points_balance as points,
       (select code from orders where customer_id = c.id order by created_at desc limit 1) as order_code,
       (select total_vnd from orders where customer_id = c.id order by created_at desc limit 1) as order_total
     from customers c where c.id = ?`,
  );
  const forget = store.prepare("delete from conversation_messages where conversation_id in (select id from conversations where customer_id = ?)");
  const forgetConv = store.prepare("update conversations set last_preview = '', updated_at = ? where customer_id = ?");

  /** The person's conversation, opened on their first message (with the store they last visited). */
  const ensure = (customerId: string, t: number) =>
    store.join(function* (): Step<string> {
      const found = yield* q(byCustomer.get(customerId));
      if (found) return found.id;
      const id = randomUUID();
      const last = yield* q(lastStore.get({ id: customerId }));
      const { changes } = yield* q(insertConv.run(id, customerId, last?.store_id ?? null, t, t, t));
      if (changes === 1) return id;
      return (yield* q(byCustomer.get(customerId)))!.id;
    });

  /** Stores one message; false when its Zalo id (or outbox key) was stored before. */
  const add = (conversationId: string, m: NewInboxMessage, t: number) =>
    store.join(function* (): Step<boolean> {
      const { changes } = yield* q(insertMsg.run({ conversationId, ...m, searchText: m.text ? searchKey(m.text) : "" }));
      if (changes === 0) return false;
      const preview = (m.text ?? `[${m.kind}]`).slice(0, 120);
      yield* q((m.direction === "in" ? bumpIn : bumpOut).run({ id: conversationId, at: m.at, preview, t }));
      return true;
    });

  /** A note from the person outside the chat (no Zalo id): shown as theirs, counted unread, the window unmoved. */
  const addNote = (conversationId: string, n: { kind: string; text: string; at: number }, t: number) =>
    store.join(function* (): Step<void> {
      yield* q(
        insertMsg.run({
          conversationId,
          direction: "in",
          kind: n.kind,
          text: n.text,
          searchText: searchKey(n.text),
          attachments: null,
          zaloMsgId: null,
          outboxKey: null,
          authorId: null,
          state: "received",
          at: n.at,
        }),
      );
      yield* q(bumpNote.run({ id: conversationId, at: n.at, preview: n.text.slice(0, 120), t }));
    });

  /**
   * The inbox list, newest first, keyset-paged on (last_message_at, id). `stores` null: every store; else only
   * conversations at those stores. `q`: a person's name or phone, or words of one of their messages.
   */
  function list(p: {
    status: "open" | "closed" | "all";
    unread: boolean;
    needsPerson: boolean;
    q: string | null;
    stores: readonly string[] | null;
    /** undefined: anyone's; null: no one's; else that person's. */
    assignee?: string | null;
    storeId?: string | null;
    before: number | null;
    beforeId: string | null;
    limit: number;
  }): Awaitable<ConversationRow[]> {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: p.limit };
    // Searching, the filters must not pick the plan on SQLite ('+' keeps them off the indexes): it would walk every
    // open conversation by conversations_status_idx and probe the matches, ~20× slower than the reverse.
    const v = p.q && !pg ? "+v." : "v.";
    if (p.status !== "all") (where.push(`${v}status = @status`), (args.status = p.status));
    if (p.unread) where.push(`${v}unread > 0`);
    if (p.assignee === null) where.push(`${v}assignee_id is null`);
    else if (p.assignee) (where.push(`${v}assignee_id = @assignee`), (args.assignee = p.assignee));
    if (p.storeId) (where.push(`${v}store_id = @storeId`), (args.storeId = p.storeId));
    if (p.needsPerson) (where.push(`${v}needs_person = @needsPerson`), (args.needsPerson = 1));
    if (p.stores) {
      if (p.stores.length === 0) return [];
      where.push(`${v}store_id in (${p.stores.map((_, i) => `@s${i}`).join(", ")})`);
      p.stores.forEach((s, i) => (args[`s${i}`] = s));
    }
    if (p.before !== null) {
      where.push(`(${v}last_message_at < @before or (${v}last_message_at = @before and ${v}id < @beforeId))`);
      args.before = p.before;
      args.beforeId = p.beforeId ?? "";
    }
    const run = (extra: string | null, more: Record<string, unknown> = {}) => {
      const all = extra ? [...where, extra] : where;
      const sql = `${SUMMARY} ${all.length ? `where ${all.join(" and ")}` : ""} order by v.last_message_at desc, v.id desc limit @limit`;
      return stmt(sql).all({ ...args, ...more });
    };
    const text = p.q;
    if (!text) return run(null);
    return store.read(function* () {
      // Each source's first page, merged: the union's first `limit` rows are among them.
      const found = new Map<string, ConversationRow>();
      const fts = pg ? tsPrefixQuery(text) : ftsPrefixQuery(text);
      if (fts) for (const r of [...(yield* q(run(SOURCE.words, { fts }))), ...(yield* q(run(SOURCE.name, { fts })))]) found.set(r.id, r);
      // A phone as typed (0912…, +84 912…) against the stored 84… form: its digits after the country prefix.
      const digits = text.replace(/\D/g, "").replace(/^(84|0)/, "");
      const rev = [...digits].reverse().join("");
      if (digits.length >= 3) for (const r of yield* q(run(SOURCE.phone, { revLo: rev, revHi: `${rev}:` }))) found.set(r.id, r);
      return [...found.values()].sort((x, y) => y.last_message_at - x.last_message_at || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0)).slice(0, p.limit);
    });
  }

  return {
    ensure,
    /** The person's conversation, if they ever wrote. */
    find: (customerId: string) => mapStep(byCustomer.get(customerId), (r) => r?.id),
    add,
    /** Whether a reply with this outbox key was queued already. */
    hasOutboxKey: (key: string) => mapStep(byOutboxKey.get(key), (r) => r !== undefined),
    addNote,
    markSent: (key: string, msgId: string, at: number) => mapStep(sentByKey.run({ key, msgId, at }), (r) => r.changes > 0),
    /** An inbox reply held or ended unsent: its state and the dispatcher's reason. */
    settle: (key: string, state: "held" | "failed" | "suppressed" | "expired", reason: string) =>
      mapStep(settleByKey.run({ key, state, reason }), (r) => r.changes > 0),
    addEvent: (conversationId: string, storeId: string | null, at: number) => mapStep(addEvent.run(conversationId, storeId, at), () => undefined),
    eventsAfter: (id: number, n: number) => eventsAfter.all(id, n),
    lastEventId: () => mapStep(lastEvent.get(), (v) => Number(v ?? 0)),
    pruneEvents: (before: number) => mapStep(pruneEvents.run(before), (r) => r.changes),
    assignees: () => assignees.all(1),
    stores: () => storesStmt.all(),
    cannedVars: (customerId: string) => cannedVars.get(customerId),
    markDelivered: (msgId: string, at: number) => mapStep(delivered.run({ msgId, at }), () => undefined),
    markSeen: (msgId: string, at: number) => mapStep(seen.run({ msgId, at }), () => undefined),
    byId: (id: string) => one.get(id),
    /** The conversation holding the message with this Zalo id, if any. */
    conversationOfMsg: (msgId: string) => mapStep(convOfMsg.get(msgId), (r) => r?.id),
    thread: (id: string, n: number) => thread.all(id, n),
    list,
    /** Locks the conversation's row for the rest of the transaction (PostgreSQL; SQLite's writer holds every row). */
    lock: (id: string) => mapStep(lock.get(id), () => undefined),
    markRead: (id: string, t: number) => mapStep(markRead.run(t, id), () => undefined),
    setStatus: (id: string, status: "open" | "closed", t: number) => mapStep(setStatus.run(status, t, id), () => undefined),
    setNeedsPerson: (id: string, on: boolean, t: number) => mapStep(needsPerson.run(on ? 1 : 0, t, id), () => undefined),
    assign: (id: string, storeId: string | null, assigneeId: string | null, t: number) => mapStep(assign.run(storeId, assigneeId, t, id), () => undefined),
    /** An erased person's messages go; the conversation row stays (it names no one but the erased row). */
    forget: (customerId: string, t: number) =>
      store.join(function* (): Step<void> {
        yield* q(forget.run(customerId));
        yield* q(forgetConv.run(t, customerId));
      }),
  };
}
export type InboxRepo = ReturnType<typeof createInboxRepo>;
/** The inbox repo as synchronous SQLite code not ported yet sees it. */
export type InboxRepoSync = SyncView<InboxRepo>;
