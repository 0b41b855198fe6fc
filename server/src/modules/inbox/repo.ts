import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client";
import type { MESSAGE_STATES } from "@mc/shared";
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

const SUMMARY = `select v.id, v.customer_id, c.name as customer_name, c.avatar, v.status, v.store_id, v.assignee_id, v.unread, v.needs_person,
  v.last_message_at, v.last_inbound_at, v.last_preview from conversations v join customers c on c.id = v.customer_id`;

/** The conversations and conversation_messages tables: this module is their only writer. */
export function createInboxRepo(db: Db) {
  const c = db.$client;
  const byCustomer = c.prepare("select id from conversations where customer_id = ?");
  const insertConv = c.prepare(
    "insert into conversations (id, customer_id, status, store_id, unread, last_message_at, last_preview, created_at, updated_at) values (?, ?, 'open', ?, 0, ?, '', ?, ?)",
  );
  // The store a person last visited: their newest order or points award at a store (both index-backed per person).
  const lastStore = c.prepare(
    `select store_id from (
       select * from (select store_id, created_at from orders where customer_id = @id order by created_at desc limit 1)
       union all
       select * from (select store_id, created_at from points_ledger where customer_id = @id and store_id is not null order by created_at desc limit 1)
     ) order by created_at desc limit 1`,
  );
  const insertMsg = c.prepare(
    `insert into conversation_messages (conversation_id, direction, kind, text, search_text, attachments, zalo_msg_id, outbox_key, author_id, state, at)
     values (@conversationId, @direction, @kind, @text, @searchText, @attachments, @zaloMsgId, @outboxKey, @authorId, @state, @at) on conflict do nothing`,
  );
  // A follower's message reopens a closed conversation and counts as unread; an OA message only moves the preview.
  const bumpIn = c.prepare(
    `update conversations set unread = unread + 1, status = 'open', last_inbound_at = max(coalesce(last_inbound_at, 0), @at),
       last_message_at = max(last_message_at, @at), last_preview = case when @at >= last_message_at then @preview else last_preview end, updated_at = @t where id = @id`,
  );
  const bumpOut = c.prepare(
    `update conversations set last_message_at = max(last_message_at, @at),
       last_preview = case when @at >= last_message_at then @preview else last_preview end, updated_at = @t where id = @id`,
  );
  // A held reply may still go later (its hold lifted): sent then, its reason cleared.
  const sentByKey = c.prepare(
    "update conversation_messages set state = 'sent', reason = null, zalo_msg_id = @msgId, at = @at where outbox_key = @key and state in ('queued', 'held')",
  );
  const settleByKey = c.prepare("update conversation_messages set state = @state, reason = @reason where outbox_key = @key and state in ('queued', 'held')");
  const addEvent = c.prepare("insert into conversation_events (conversation_id, store_id, at) values (?, ?, ?)");
  const eventsAfter = c.prepare("select id, conversation_id, store_id from conversation_events where id > ? order by id limit ?");
  const lastEvent = c.prepare("select coalesce(max(id), 0) from conversation_events").pluck();
  const pruneEvents = c.prepare("delete from conversation_events where id in (select id from conversation_events where at < ? order by at limit 5000)");
  // Who may be given a conversation: staff at their stores, store managers at theirs, owners anywhere (marketers
  // serve no customers). `store_ids` null: every store.
  const assignees = c.prepare(
    `select c.id, c.name, group_concat(s.store_id) as store_ids, 'staff' as kind, 0 as owner
       from staff_stores s join customers c on c.id = s.customer_id where c.role in ('staff', 'admin') group by c.id
     union all
     select a.id, coalesce(nullif(a.name, ''), a.email) as name, (select group_concat(store_id) from admin_user_stores where admin_user_id = a.id) as store_ids,
       'operator' as kind, a.role = 'owner' as owner
       from admin_users a where a.active = 1 and a.role in ('owner', 'store_manager')
     order by name`,
  );
  // What the person told the shop outside the OA chat (a rating): unread and reopened, but not a Zalo interaction,
  // so Zalo's reply window (last_inbound_at) stays where their last OA message put it.
  const bumpNote = c.prepare(
    `update conversations set unread = unread + 1, status = 'open', last_message_at = max(last_message_at, @at),
       last_preview = case when @at >= last_message_at then @preview else last_preview end, updated_at = @t where id = @id`,
  );
  const delivered = c.prepare(
    "update conversation_messages set delivered_at = coalesce(delivered_at, @at), state = case when state in ('sent', 'queued') then 'delivered' else state end where zalo_msg_id = @msgId and direction = 'out'",
  );
  const seen = c.prepare(
    "update conversation_messages set seen_at = coalesce(seen_at, @at), delivered_at = coalesce(delivered_at, @at), state = 'seen' where zalo_msg_id = @msgId and direction = 'out'",
  );
  const one = c.prepare(`${SUMMARY} where v.id = ?`);
  const byOutboxKey = c.prepare("select 1 from conversation_messages where outbox_key = ?").pluck();
  const convOfMsg = c.prepare("select conversation_id as id from conversation_messages where zalo_msg_id = ?");
  const thread = c.prepare(
    "select id, direction, kind, text, attachments, state, reason, author_id, at, delivered_at, seen_at from conversation_messages indexed by conversation_messages_thread_idx where conversation_id = ? order by at desc, id desc limit ?",
  );
  const markRead = c.prepare("update conversations set unread = 0, updated_at = ? where id = ?");
  const setStatus = c.prepare("update conversations set status = ?, updated_at = ? where id = ?");
  const needsPerson = c.prepare("update conversations set needs_person = ?, updated_at = ? where id = ?");
  const assign = c.prepare("update conversations set store_id = ?, assignee_id = ?, updated_at = ? where id = ?");
  // Search, each through an index and bounded: the newest matching messages (FTS5), names (the CRM's
  // customers_fts), and a phone's last digits (customers_phone_rev_idx). Each is a condition of the list's own
  // statement, so a source's matches are joined and sorted once in SQL (no id list bound back from JS).
  const SEARCH_CAP = 500;
  const SOURCE = {
    words: `v.id in (select conversation_id from conversation_messages where id in (
      select rowid from conversation_messages_fts where conversation_messages_fts match @fts order by rowid desc limit ${SEARCH_CAP}))`,
    name: `c.rowid in (select rowid from customers_fts where customers_fts match @fts order by rowid desc limit ${SEARCH_CAP})`,
    // A range on the reversed digits (':' sorts right after '9'): LIKE cannot use this index (it is case-insensitive).
    phone: `v.id in (select v2.id from customers c2 indexed by customers_phone_rev_idx join conversations v2 on v2.customer_id = c2.id
      where c2.phone_rev >= @revLo and c2.phone_rev < @revHi limit ${SEARCH_CAP})`,
  };
  // The list's statements, one per shape of filters (a handful), prepared once.
  const stmts = new Map<string, ReturnType<typeof c.prepare>>();
  const stmt = (sql: string) => {
    let st = stmts.get(sql);
    if (!st) {
      if (stmts.size >= 256) stmts.clear();
      stmts.set(sql, (st = c.prepare(sql)));
    }
    return st;
  };
  const storesStmt = c.prepare("select id, name from stores order by name");
  // What a canned answer's variables read: the person's name, balance and newest order (index-backed per person).
  const cannedVars = c.prepare(
    `select c.name, c.points_balance as points,
       (select code from orders where customer_id = c.id order by created_at desc limit 1) as order_code,
       (select total_vnd from orders where customer_id = c.id order by created_at desc limit 1) as order_total
     from customers c where c.id = ?`,
  );
  const forget = c.prepare("delete from conversation_messages where conversation_id in (select id from conversations where customer_id = ?)");
  const forgetConv = c.prepare("update conversations set last_preview = '', updated_at = ? where customer_id = ?");

  /** The person's conversation, opened on their first message (with the store they last visited). */
  function ensure(customerId: string, t: number): string {
    const found = byCustomer.get(customerId) as { id: string } | undefined;
    if (found) return found.id;
    const id = randomUUID();
    const store = (lastStore.get({ id: customerId }) as { store_id: string } | undefined)?.store_id ?? null;
    insertConv.run(id, customerId, store, t, t, t);
    return id;
  }

  /** Stores one message; false when its Zalo id (or outbox key) was stored before. */
  function add(conversationId: string, m: NewInboxMessage, t: number): boolean {
    if (insertMsg.run({ conversationId, ...m, searchText: m.text ? searchKey(m.text) : "" }).changes === 0) return false;
    const preview = (m.text ?? `[${m.kind}]`).slice(0, 120);
    (m.direction === "in" ? bumpIn : bumpOut).run({ id: conversationId, at: m.at, preview, t });
    return true;
  }

  /** A note from the person outside the chat (no Zalo id): shown as theirs, counted unread, the window unmoved. */
  function addNote(conversationId: string, n: { kind: string; text: string; at: number }, t: number) {
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
    });
    bumpNote.run({ id: conversationId, at: n.at, preview: n.text.slice(0, 120), t });
  }

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
  }) {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: p.limit };
    // Searching, the filters must not pick the plan ('+' keeps them off the indexes): SQLite would walk every
    // open conversation by conversations_status_idx and probe the matches, ~20× slower than the reverse.
    const v = p.q ? "+v." : "v.";
    if (p.status !== "all") (where.push(`${v}status = @status`), (args.status = p.status));
    if (p.unread) where.push(`${v}unread > 0`);
    if (p.assignee === null) where.push(`${v}assignee_id is null`);
    else if (p.assignee) (where.push(`${v}assignee_id = @assignee`), (args.assignee = p.assignee));
    if (p.storeId) (where.push(`${v}store_id = @storeId`), (args.storeId = p.storeId));
    if (p.needsPerson) where.push(`${v}needs_person = 1`);
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
      return stmt(sql).all({ ...args, ...more }) as ConversationRow[];
    };
    if (!p.q) return run(null);
    // Each source's first page, merged: the union's first `limit` rows are among them.
    const found = new Map<string, ConversationRow>();
    const fts = ftsPrefixQuery(p.q);
    if (fts) for (const r of [...run(SOURCE.words, { fts }), ...run(SOURCE.name, { fts })]) found.set(r.id, r);
    // A phone as typed (0912…, +84 912…) against the stored 84… form: its digits after the country prefix.
    const digits = p.q.replace(/\D/g, "").replace(/^(84|0)/, "");
    const rev = [...digits].reverse().join("");
    if (digits.length >= 3) for (const r of run(SOURCE.phone, { revLo: rev, revHi: `${rev}:` })) found.set(r.id, r);
    return [...found.values()].sort((x, y) => y.last_message_at - x.last_message_at || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0)).slice(0, p.limit);
  }

  return {
    ensure,
    /** The person's conversation, if they ever wrote. */
    find: (customerId: string) => (byCustomer.get(customerId) as { id: string } | undefined)?.id,
    add,
    /** Whether a reply with this outbox key was queued already. */
    hasOutboxKey: (key: string) => byOutboxKey.get(key) !== undefined,
    addNote,
    markSent: (key: string, msgId: string, at: number) => sentByKey.run({ key, msgId, at }).changes > 0,
    /** An inbox reply held or ended unsent: its state and the dispatcher's reason. */
    settle: (key: string, state: "held" | "failed" | "suppressed" | "expired", reason: string) => settleByKey.run({ key, state, reason }).changes > 0,
    addEvent: (conversationId: string, storeId: string | null, at: number) => void addEvent.run(conversationId, storeId, at),
    eventsAfter: (id: number, n: number) => eventsAfter.all(id, n) as EventRow[],
    lastEventId: () => lastEvent.get() as number,
    pruneEvents: (before: number) => pruneEvents.run(before).changes,
    assignees: () => assignees.all() as AssigneeRow[],
    stores: () => storesStmt.all() as { id: string; name: string }[],
    cannedVars: (customerId: string) =>
      cannedVars.get(customerId) as { name: string; points: number; order_code: string | null; order_total: number | null } | undefined,
    markDelivered: (msgId: string, at: number) => void delivered.run({ msgId, at }),
    markSeen: (msgId: string, at: number) => void seen.run({ msgId, at }),
    byId: (id: string) => one.get(id) as ConversationRow | undefined,
    /** The conversation holding the message with this Zalo id, if any. */
    conversationOfMsg: (msgId: string) => (convOfMsg.get(msgId) as { id: string } | undefined)?.id,
    thread: (id: string, n: number) => thread.all(id, n) as MessageRow[],
    list,
    markRead: (id: string, t: number) => void markRead.run(t, id),
    setStatus: (id: string, status: "open" | "closed", t: number) => void setStatus.run(status, t, id),
    setNeedsPerson: (id: string, on: boolean, t: number) => void needsPerson.run(on ? 1 : 0, t, id),
    assign: (id: string, storeId: string | null, assigneeId: string | null, t: number) => void assign.run(storeId, assigneeId, t, id),
    /** An erased person's messages go; the conversation row stays (it names no one but the erased row). */
    forget: (customerId: string, t: number) => {
      forget.run(customerId);
      forgetConv.run(t, customerId);
    },
  };
}
export type InboxRepo = ReturnType<typeof createInboxRepo>;
