import { ErrorCode, replyWindow, type ConversationMessage, type ConversationSummary } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { storeReach } from "../../lib/scope";
import type { NewMessage } from "../messaging/repo";
import type { ConversationRow, InboxRepo, MessageRow } from "./repo";

type Event = Record<string, any>;
const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : null);
const THREAD_LIMIT = 200;

/** `user_send_image` → image; a text with attachments keeps its caption as text (zalo-platform.md §6.2). */
export function inboundOf(e: Event): { kind: string; text: string | null; attachments: string | null; msgId: string | null } {
  const kind = String(e.event_name).replace(/^user_send_/, "");
  const m = (e.message ?? {}) as { msg_id?: unknown; text?: unknown; attachments?: unknown };
  const attachments = Array.isArray(m.attachments) && m.attachments.length ? JSON.stringify(m.attachments) : null;
  return { kind, text: typeof m.text === "string" && m.text ? m.text : null, attachments, msgId: str(m.msg_id) };
}

export type InboxEvents = { publish(e: { conversationId: string; storeId: string | null }): void };

/**
 * The OA inbox: a conversation per person, each follower message and each OA message to them, Zalo's receipts,
 * and replies, which go out only through the messaging queue (one way out: the outbox and `decide`).
 * Who sees a conversation: admins every one; staff and store managers those at their stores (`store_id`: the
 * store it was assigned to, else the person's last visited store when it opened). Anyone else: 404.
 */
export function createInboxService(deps: { db: Db; repo: InboxRepo; queue: (m: NewMessage) => boolean; now: () => number; events?: InboxEvents }) {
  const { db, repo, now } = deps;
  const notFound = () => new AppError(ErrorCode.CONVERSATION_NOT_FOUND, "Conversation not found");
  const publish = (id: string) => {
    const row = repo.byId(id);
    if (row) deps.events?.publish({ conversationId: id, storeId: row.store_id });
  };

  /** A follower's message (`user_send_*`), inside the webhook's transaction (the event is stored once, so is this). */
  function captureInbound(customerId: string, e: Event, at: number) {
    const m = inboundOf(e);
    const id = repo.ensure(customerId, now());
    const added = repo.add(
      id,
      { direction: "in", kind: m.kind, text: m.text, attachments: m.attachments, zaloMsgId: m.msgId, outboxKey: null, authorId: null, state: "received", at },
      now(),
    );
    if (added) publish(id);
  }

  /**
   * The dispatcher sent an OA message to a follower (CS or template by UID), inside its outcome's transaction.
   * It joins the person's conversation if they ever wrote; it never opens one (a broadcast to a million
   * followers would otherwise open a million conversations: their timeline shows those messages anyway).
   */
  function onSent(p: { customerId: string; dedupeKey: string | null; msgId: string; text: string | null; templateId: string | null; at: number }) {
    const id = repo.find(p.customerId);
    if (!id) return;
    if (p.dedupeKey && repo.markSent(p.dedupeKey, p.msgId, p.at)) return publish(id);
    const kind = p.text ? "text" : "template";
    const text = p.text ?? (p.templateId ? `Mẫu ZNS ${p.templateId}` : null);
    if (repo.add(id, { direction: "out", kind, text, attachments: null, zaloMsgId: p.msgId, outboxKey: null, authorId: null, state: "sent", at: p.at }, now()))
      publish(id);
  }

  /** `user_received_message` / `user_seen_message` for our OA messages (msg_id or msg_ids[]). */
  function applyReceipt(e: Event) {
    const at = Number(e.message?.delivery_time ?? e.timestamp) || now();
    const ids: string[] = [e.message?.msg_id, ...(e.message?.msg_ids ?? [])].filter(Boolean).map(String);
    const changed = new Set<string>();
    for (const id of new Set(ids)) {
      const conv = repo.conversationOfMsg(id);
      if (!conv) continue; // a ZNS receipt, or a message from before the inbox
      (e.event_name === "user_seen_message" ? repo.markSeen : repo.markDelivered)(id, at);
      changed.add(conv);
    }
    changed.forEach(publish);
  }

  function visible(p: Principal, id: string): ConversationRow {
    const row = repo.byId(id);
    if (!row) throw notFound();
    const reach = storeReach(p);
    if (reach && (!row.store_id || !reach.includes(row.store_id))) throw notFound();
    return row;
  }

  const summary = (r: ConversationRow): ConversationSummary => ({
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    avatar: r.avatar,
    status: r.status,
    storeId: r.store_id,
    assigneeId: r.assignee_id,
    unread: r.unread,
    needsPerson: r.needs_person === 1,
    lastMessageAt: r.last_message_at,
    lastInboundAt: r.last_inbound_at,
    lastPreview: r.last_preview,
  });
  const message = (m: MessageRow): ConversationMessage => ({
    id: m.id,
    direction: m.direction,
    kind: m.kind,
    text: m.text,
    attachments: m.attachments ? (JSON.parse(m.attachments) as Record<string, unknown>[]) : null,
    state: m.state,
    authorId: m.author_id,
    at: m.at,
    deliveredAt: m.delivered_at,
    seenAt: m.seen_at,
  });

  function list(
    p: Principal,
    q: { status: "open" | "closed" | "all"; unread?: "true" | "false"; q?: string; before?: number; beforeId?: string; limit: number },
  ) {
    const rows = repo.list({
      status: q.status,
      unread: q.unread === "true",
      q: q.q || null,
      stores: storeReach(p),
      before: q.before ?? null,
      beforeId: q.beforeId ?? null,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { conversations: page.map(summary), next: rows.length > q.limit && last ? { before: last.last_message_at, beforeId: last.id } : null };
  }

  function thread(p: Principal, id: string) {
    const row = visible(p, id);
    const t = now();
    return { conversation: summary(row), messages: repo.thread(id, THREAD_LIMIT).reverse().map(message), window: replyWindow(row.last_inbound_at, t), now: t };
  }

  const change = (p: Principal, id: string, fn: (t: number) => void) =>
    tx(db, () => {
      visible(p, id);
      fn(now());
      publish(id);
      return { conversation: summary(repo.byId(id)!) };
    });

  const markRead = (p: Principal, id: string) => change(p, id, (t) => repo.markRead(id, t));
  const setStatus = (p: Principal, id: string, status: "open" | "closed") =>
    change(p, id, (t) => {
      repo.setStatus(id, status, t);
      if (status === "closed") repo.setNeedsPerson(id, false, t);
    });

  /**
   * The auto-reply could not answer (no rule matched, or the person asked for one): the conversation the person's
   * message just opened waits for a person, shown in the list until someone replies or closes it.
   */
  function handOff(customerId: string) {
    const id = repo.find(customerId);
    if (!id) return;
    repo.setNeedsPerson(id, true, now());
    publish(id);
  }

  /**
   * Something the person told the shop in the mini app that a person must see (a low rating): it opens their
   * conversation if they never wrote (with the store they last visited), adds it as their message and marks the
   * conversation as needing a person. Not a Zalo interaction: the reply window stays as their OA messages left it.
   * Inside the caller's transaction (the caller's own row makes it happen once).
   */
  function noteFromCustomer(customerId: string, n: { kind: string; text: string; at: number }) {
    const t = now();
    const id = repo.ensure(customerId, t);
    repo.addNote(id, n, t);
    repo.setNeedsPerson(id, true, t);
    publish(id);
  }

  /** Admins assign to any store; staff and store managers only to one of theirs (never out of their own sight). */
  function assign(p: Principal, id: string, to: { storeId: string | null; assigneeId: string | null }, storeExists: (id: string) => boolean) {
    if (to.storeId !== null && !storeExists(to.storeId)) throw new AppError(ErrorCode.STORE_NOT_FOUND, `Store ${to.storeId} not found`);
    const reach = storeReach(p);
    if (reach && (to.storeId === null || !reach.includes(to.storeId))) throw new AppError(ErrorCode.STORE_FORBIDDEN, "You do not work at this store");
    return change(p, id, (t) => repo.assign(id, to.storeId, to.assigneeId, t));
  }

  /**
   * A reply: refused once Zalo's 7-day window since the person's last message has closed (a ZNS template is the
   * way then); else queued as a CS message through the outbox (decide picks the channel and the slot) and shown
   * as queued until the dispatcher sends it. One request id sends once.
   */
  function reply(p: Principal, id: string, body: { text: string; requestId: string }) {
    return tx(db, () => {
      const row = visible(p, id);
      const t = now();
      const w = replyWindow(row.last_inbound_at, t);
      if (w.state === "closed")
        throw new AppError(ErrorCode.REPLY_WINDOW_CLOSED, "Zalo's 7-day window since the person's last message has closed", {
          closedAt: w.closesAt === null ? null : new Date(w.closesAt).toISOString(),
        });
      const key = `inbox:${id}:${body.requestId}`;
      deps.queue({
        customerId: row.customer_id,
        // A reply answers the person's own message: never a promotion, and due now (it expires with the window).
        category: "transactional",
        priority: 9,
        dedupeKey: key,
        source: "inbox",
        text: body.text,
        expiresAt: w.closesAt,
      });
      repo.add(
        id,
        { direction: "out", kind: "text", text: body.text, attachments: null, zaloMsgId: null, outboxKey: key, authorId: p.id, state: "queued", at: t },
        t,
      );
      repo.markRead(id, t);
      repo.setNeedsPerson(id, false, t);
      publish(id);
      return thread(p, id);
    });
  }

  return { captureInbound, onSent, applyReceipt, handOff, noteFromCustomer, list, thread, markRead, setStatus, assign, reply, forget: repo.forget, visible };
}
export type InboxService = ReturnType<typeof createInboxService>;
