import { randomUUID } from "node:crypto";
import {
  ErrorCode,
  fillCanned,
  replyWindow,
  unknownCannedVariables,
  type Assignees,
  type CannedAnswer,
  type CannedAnswerBody,
  type ConversationMessage,
  type ConversationSummary,
} from "@mc/shared";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { storeReach } from "../../lib/scope";
import type { NewMessage } from "../messaging/repo";
import type { CannedRepo, CannedRow } from "./canned-repo";
import { ZaloError } from "../../zalo/errors";
import type { ConversationRow, InboxRepo, MessageRow } from "./repo";
import { checkZaloImage, thumbnailDataUri } from "./images";

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
 * The hooks other modules call inside their own transaction (captureInbound, onSent, …) are steps of it
 * (`store.join`); the console's calls run transactions of their own.
 */
export function createInboxService(deps: {
  store: Store;
  repo: InboxRepo;
  canned: CannedRepo;
  /** The messaging queue as a step of our body (messaging's queueStep). */
  queue: (m: NewMessage) => Awaitable<boolean>;
  now: () => number;
  events?: InboxEvents;
  /** Zalo's OA image upload (the Zalo client): the attachment id a CS message then carries. */
  uploadImage?: (p: { bytes: Buffer; filename: string; contentType: string }) => Promise<{ attachmentId: string }>;
  /** The person's name and phone as the CRM has them (the customers module). */
  contactOf?: (customerId: string) => Awaitable<{ name: string; phone: string | null } | undefined>;
  /** The picture on Zalo's request-for-info card (https). */
  logoUrl?: string;
}) {
  const { store, repo, now } = deps;
  const notFound = () => new AppError(ErrorCode.CONVERSATION_NOT_FOUND, "Conversation not found");
  // Every change is written to conversation_events in the caller's transaction (so the live streams of every
  // process see it, the dispatcher's too), then this process's streams are nudged to read it (a nudge is only a
  // hint to read: harmless when a PostgreSQL body runs again).
  function* publish(id: string): Step<void> {
    const row = yield* q(repo.byId(id));
    if (!row) return;
    yield* q(repo.addEvent(id, row.store_id, now()));
    deps.events?.publish({ conversationId: id, storeId: row.store_id });
  }

  /** A follower's message (`user_send_*`), inside the webhook's transaction (the event is stored once, so is this). */
  const captureInbound = (customerId: string, e: Event, at: number) =>
    store.join(function* (): Step<void> {
      const m = inboundOf(e);
      const id = yield* q(repo.ensure(customerId, now()));
      const added = yield* q(
        repo.add(
          id,
          {
            direction: "in",
            kind: m.kind,
            text: m.text,
            attachments: m.attachments,
            zaloMsgId: m.msgId,
            outboxKey: null,
            authorId: null,
            state: "received",
            at,
          },
          now(),
        ),
      );
      if (added) yield* publish(id);
    });

  /**
   * The dispatcher sent an OA message to a follower (CS or template by UID), inside its outcome's transaction.
   * It joins the person's conversation if they ever wrote; it never opens one (a broadcast to a million
   * followers would otherwise open a million conversations: their timeline shows those messages anyway).
   */
  const onSent = (p: { customerId: string; dedupeKey: string | null; msgId: string; text: string | null; templateId: string | null; at: number }) =>
    store.join(function* (): Step<void> {
      const id = yield* q(repo.find(p.customerId));
      if (!id) return;
      if (p.dedupeKey && (yield* q(repo.markSent(p.dedupeKey, p.msgId, p.at)))) return yield* publish(id);
      const kind = p.text ? "text" : "template";
      const text = p.text ?? (p.templateId ? `Mẫu ZNS ${p.templateId}` : null);
      const m = { direction: "out", kind, text, attachments: null, zaloMsgId: p.msgId, outboxKey: null, authorId: null, state: "sent", at: p.at } as const;
      if (yield* q(repo.add(id, m, now()))) yield* publish(id);
    });

  /** The dispatcher held an inbox reply or ended it unsent (failed, suppressed, expired): shown with its reason. */
  const onSettled = (p: { customerId: string; dedupeKey: string; state: "held" | "failed" | "suppressed" | "expired"; reason: string }) =>
    store.join(function* (): Step<void> {
      if (!p.dedupeKey.startsWith("inbox:")) return;
      const id = yield* q(repo.find(p.customerId));
      if (id && (yield* q(repo.settle(p.dedupeKey, p.state, p.reason)))) yield* publish(id);
    });

  /** `user_received_message` / `user_seen_message` for our OA messages (msg_id or msg_ids[]). */
  const applyReceipt = (e: Event) =>
    store.join(function* (): Step<void> {
      const at = Number(e.message?.delivery_time ?? e.timestamp) || now();
      const ids: string[] = [e.message?.msg_id, ...(e.message?.msg_ids ?? [])].filter(Boolean).map(String);
      const changed = new Set<string>();
      for (const id of new Set(ids)) {
        const conv = yield* q(repo.conversationOfMsg(id));
        if (!conv) continue; // a ZNS receipt, or a message from before the inbox
        yield* q((e.event_name === "user_seen_message" ? repo.markSeen : repo.markDelivered)(id, at));
        changed.add(conv);
      }
      for (const id of changed) yield* publish(id);
    });

  function* visibleStep(p: Principal, id: string): Step<ConversationRow> {
    const row = yield* q(repo.byId(id));
    if (!row) throw notFound();
    const reach = storeReach(p);
    if (reach && (!row.store_id || !reach.includes(row.store_id))) throw notFound();
    return row;
  }
  const visible = (p: Principal, id: string) => store.read(() => visibleStep(p, id));

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
    reason: m.reason,
    authorId: m.author_id,
    at: m.at,
    deliveredAt: m.delivered_at,
    seenAt: m.seen_at,
  });

  async function list(
    p: Principal,
    q: {
      status: "open" | "closed" | "all";
      unread?: "true" | "false";
      needsPerson?: "true" | "false";
      q?: string;
      before?: number;
      beforeId?: string;
      limit: number;
      assignee?: string;
      storeId?: string;
    },
  ) {
    const rows = await repo.list({
      status: q.status,
      assignee: q.assignee === undefined ? undefined : q.assignee === "none" ? null : q.assignee === "me" ? p.id : q.assignee,
      storeId: q.storeId ?? null,
      unread: q.unread === "true",
      needsPerson: q.needsPerson === "true",
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

  function* threadStep(p: Principal, id: string) {
    const row = yield* visibleStep(p, id);
    const t = now();
    const messages = yield* q(repo.thread(id, THREAD_LIMIT));
    return { conversation: summary(row), messages: messages.reverse().map(message), window: replyWindow(row.last_inbound_at, t), now: t };
  }
  const thread = (p: Principal, id: string) => store.read(() => threadStep(p, id));

  // The row locked first, then read: each later statement sees what committed before it (READ COMMITTED).
  const change = (p: Principal, id: string, fn: (t: number) => Step<void>) =>
    store.tx(
      function* () {
        yield* q(repo.lock(id));
        yield* visibleStep(p, id);
        yield* fn(now());
        yield* publish(id);
        return { conversation: summary((yield* q(repo.byId(id)))!) };
      },
      { isolation: "read committed" },
    );

  const markRead = (p: Principal, id: string) =>
    change(p, id, function* (t) {
      yield* q(repo.markRead(id, t));
    });
  const setStatus = (p: Principal, id: string, status: "open" | "closed") =>
    change(p, id, function* (t) {
      yield* q(repo.setStatus(id, status, t));
      if (status === "closed") yield* q(repo.setNeedsPerson(id, false, t));
    });

  /**
   * The auto-reply could not answer (no rule matched, or the person asked for one): the conversation the person's
   * message just opened waits for a person, shown in the list until someone replies or closes it.
   */
  const handOff = (customerId: string) =>
    store.join(function* (): Step<void> {
      const id = yield* q(repo.find(customerId));
      if (!id) return;
      yield* q(repo.setNeedsPerson(id, true, now()));
      yield* publish(id);
    });

  /**
   * Something the person told the shop in the mini app that a person must see (a low rating): it opens their
   * conversation if they never wrote (with the store they last visited), adds it as their message and marks the
   * conversation as needing a person. Not a Zalo interaction: the reply window stays as their OA messages left it.
   * Inside the caller's transaction (the caller's own row makes it happen once).
   */
  const noteFromCustomer = (customerId: string, n: { kind: string; text: string; at: number }) =>
    store.join(function* (): Step<void> {
      const t = now();
      const id = yield* q(repo.ensure(customerId, t));
      yield* q(repo.addNote(id, n, t));
      yield* q(repo.setNeedsPerson(id, true, t));
      yield* publish(id);
    });

  /** Who works where: staff and store managers at their stores, owners at every one (`storeIds` null). */
  function* people() {
    const rows = yield* q(repo.assignees());
    return rows.map((a) => ({ id: a.id, name: a.name, kind: a.kind, storeIds: a.owner ? null : a.store_ids ? a.store_ids.split(",") : [] }));
  }

  /** The stores and people the caller may give a conversation to (staff and store managers: their stores only). */
  const assignees = (p: Principal): Awaitable<Assignees> =>
    store.read(function* () {
      const reach = storeReach(p);
      const stores = (yield* q(repo.stores())).filter((s) => !reach || reach.includes(s.id));
      const ids = new Set(stores.map((s) => s.id));
      return {
        stores,
        people: (yield* people())
          .filter((a) => (a.storeIds === null ? !reach : a.storeIds.some((s) => ids.has(s))))
          .map((a) => ({ ...a, storeIds: a.storeIds === null ? [...ids] : a.storeIds.filter((s) => ids.has(s)) })),
      };
    });

  /**
   * Admins assign to any store; staff and store managers only to one of theirs (never out of their own sight).
   * The person must work at that store (an owner: anywhere, and only an admin hands one a conversation).
   */
  async function assign(p: Principal, id: string, to: { storeId: string | null; assigneeId: string | null }, storeExists: (id: string) => Awaitable<boolean>) {
    if (to.storeId !== null && !(await storeExists(to.storeId))) throw new AppError(ErrorCode.STORE_NOT_FOUND, `Store ${to.storeId} not found`);
    const reach = storeReach(p);
    if (reach && (to.storeId === null || !reach.includes(to.storeId))) throw new AppError(ErrorCode.STORE_FORBIDDEN, "You do not work at this store");
    if (to.assigneeId !== null) {
      const who = (await store.read(people)).find((a) => a.id === to.assigneeId);
      const fits = who && (who.storeIds === null ? !reach : to.storeId !== null && who.storeIds.includes(to.storeId));
      if (!fits) throw new AppError(ErrorCode.ASSIGNEE_INVALID, "This person does not work at the conversation's store", { assigneeId: to.assigneeId });
    }
    return change(p, id, function* (t) {
      yield* q(repo.assign(id, to.storeId, to.assigneeId, t));
    });
  }

  /** The reply window for a conversation; closed: refused (a ZNS template is the way then). */
  function openWindow(row: ConversationRow, t: number) {
    const w = replyWindow(row.last_inbound_at, t);
    if (w.state === "closed")
      throw new AppError(ErrorCode.REPLY_WINDOW_CLOSED, "Zalo's 7-day window since the person's last message has closed", {
        closedAt: w.closesAt === null ? null : new Date(w.closesAt).toISOString(),
      });
    return w;
  }
  const keyOf = (id: string, requestId: string) => `inbox:${id}:${requestId}`;

  // ---- canned answers ----
  const cannedOut = (r: CannedRow): CannedAnswer => ({ id: r.id, label: r.label, text: r.text, position: r.position, updatedAt: r.updated_at });
  const checkVars = (text: string) => {
    const unknown = unknownCannedVariables(text);
    if (unknown.length)
      throw new AppError(ErrorCode.CANNED_VARIABLE_UNKNOWN, `Unknown variable ${unknown.map((v) => `{${v}}`).join(", ")}`, { field: "text", unknown });
  };
  const cannedList = async () => ({ answers: (await deps.canned.list()).map(cannedOut) });
  async function cannedCreate(body: CannedAnswerBody) {
    checkVars(body.text);
    const id = randomUUID();
    await deps.canned.insert({ id, ...body, t: now() });
    return cannedOut((await deps.canned.byId(id))!);
  }
  async function cannedUpdate(id: string, body: CannedAnswerBody) {
    checkVars(body.text);
    if (!(await deps.canned.update({ id, ...body, t: now() }))) throw new AppError(ErrorCode.CANNED_NOT_FOUND, "Canned answer not found");
    return cannedOut((await deps.canned.byId(id))!);
  }
  async function cannedRemove(id: string) {
    if (!(await deps.canned.remove(id))) throw new AppError(ErrorCode.CANNED_NOT_FOUND, "Canned answer not found");
    return { ok: true as const };
  }
  /** A canned answer filled with the conversation's person's own name, balance and last order, read now. */
  const cannedFill = (p: Principal, conversationId: string, cannedId: string) =>
    store.read(function* () {
      const row = yield* visibleStep(p, conversationId);
      const answer = yield* q(deps.canned.byId(cannedId));
      if (!answer) throw new AppError(ErrorCode.CANNED_NOT_FOUND, "Canned answer not found");
      const v = yield* q(repo.cannedVars(row.customer_id));
      const vars = {
        name: v?.name ?? "",
        points: v?.points ?? null,
        lastOrder: v?.order_code ? `${v.order_code} (${(v.order_total ?? 0).toLocaleString("vi-VN")} ₫)` : null,
      };
      return { text: fillCanned(answer.text, vars), vars };
    });

  /**
   * Queues one OA message to the person as a CS message through the outbox (decide picks the slot) and shows it
   * queued until the dispatcher sends it. One request id sends once: a second call is a no-op that returns the thread.
   */
  function queueOut(
    p: Principal,
    id: string,
    m: { requestId: string; kind: string; text: string | null; attachment?: Record<string, unknown>; shown?: Record<string, unknown>[] },
  ) {
    return store.tx(function* () {
      const row = yield* visibleStep(p, id);
      const t = now();
      const w = openWindow(row, t);
      const key = keyOf(id, m.requestId);
      const queued = yield* q(
        deps.queue({
          customerId: row.customer_id,
          // A reply answers the person's own message: never a promotion, and due now (it expires with the window).
          category: "transactional",
          priority: 9,
          dedupeKey: key,
          source: "inbox",
          text: m.text,
          attachment: m.attachment ?? null,
          expiresAt: w.closesAt,
        }),
      );
      if (!queued) return yield* threadStep(p, id);
      yield* q(
        repo.add(
          id,
          {
            direction: "out",
            kind: m.kind,
            text: m.text,
            attachments: m.shown ? JSON.stringify(m.shown) : null,
            zaloMsgId: null,
            outboxKey: key,
            authorId: p.id,
            state: "queued",
            at: t,
          },
          t,
        ),
      );
      yield* q(repo.markRead(id, t));
      yield* q(repo.setNeedsPerson(id, false, t));
      yield* publish(id);
      return yield* threadStep(p, id);
    });
  }

  /** A text reply: refused once Zalo's 7-day window since the person's last message has closed. */
  const reply = (p: Principal, id: string, body: { text: string; requestId: string }) =>
    queueOut(p, id, { requestId: body.requestId, kind: "text", text: body.text });

  // Uploads under way in this process, by reply key: a double click waits for the first instead of uploading twice.
  const uploading = new Map<string, Promise<unknown>>();

  /**
   * An image reply: checked against Zalo's limits (jpg/png ≤ 1 MB), uploaded once through the OA upload API, then
   * queued as a CS message carrying the attachment id (so a retry or a restart sends the same upload, never a new
   * one). A request id already queued answers the thread without uploading again.
   */
  async function replyImage(p: Principal, id: string, body: { bytes: Buffer; caption: string; requestId: string }) {
    const row = await visible(p, id);
    openWindow(row, now());
    const key = keyOf(id, body.requestId);
    if (await repo.hasOutboxKey(key)) return thread(p, id);
    const running = uploading.get(key);
    if (running) return running.then(() => thread(p, id));
    const kind = checkZaloImage(body.bytes);
    const work = (async () => {
      // The thumbnail first: a picture that cannot be read is refused before anything goes to Zalo.
      const thumb = await thumbnailDataUri(body.bytes);
      const up = await uploadOnce(body.bytes, kind);
      return queueOut(p, id, {
        requestId: body.requestId,
        kind: "image",
        text: body.caption || null,
        attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: up.attachmentId }] } },
        shown: [{ type: "image", payload: { attachment_id: up.attachmentId, thumbnail: thumb } }],
      });
    })();
    uploading.set(key, work);
    try {
      return await work;
    } finally {
      uploading.delete(key);
    }
  }

  async function uploadOnce(bytes: Buffer, kind: "jpeg" | "png") {
    if (!deps.uploadImage) throw new AppError(ErrorCode.ZALO_UNAVAILABLE, "No Zalo client to upload with");
    try {
      return await deps.uploadImage({ bytes, filename: kind === "png" ? "image.png" : "image.jpg", contentType: kind === "png" ? "image/png" : "image/jpeg" });
    } catch (err) {
      if (!(err instanceof ZaloError)) throw err;
      // Zalo down, slow or our token refused: try again later. Anything else is Zalo's no to this upload.
      if (err.kind === "transient" || err.kind === "rate_limit" || err.kind === "token" || err.zaloCode === 0)
        throw new AppError(ErrorCode.ZALO_UNAVAILABLE, "Zalo did not take the image right now: try again in a moment", { zaloCode: err.zaloCode || null });
      throw new AppError(ErrorCode.ZALO_UPLOAD_REJECTED, `Zalo refused the image: ${err.message}`, { zaloCode: err.zaloCode });
    }
  }

  /** Placeholder names the CRM gives someone Zalo has not named to us (a follower seen only by webhook). */
  const NAMELESS = new Set(["", "Zalo follower", "Zalo user"]);

  /**
   * Zalo's request-for-info card (§5.2 `request_user_info`), sent when the shop lacks the person's name or phone.
   * Their answer comes back as the `user_submit_info` webhook (see `captureSubmitInfo`).
   */
  async function requestInfo(p: Principal, id: string, body: { requestId: string }) {
    const row = await visible(p, id);
    const c = await deps.contactOf?.(row.customer_id);
    if (c && !NAMELESS.has(c.name.trim()) && c.phone) throw new AppError(ErrorCode.CUSTOMER_INFO_COMPLETE, "The shop already has this person's name and phone");
    const title = "Chia sẻ thông tin với cửa hàng";
    return queueOut(p, id, {
      requestId: body.requestId,
      kind: "request_info",
      text: null,
      attachment: {
        type: "template",
        payload: {
          template_type: "request_user_info",
          elements: [
            { title, subtitle: "Để cửa hàng tích điểm và hỗ trợ đơn hàng cho bạn nhanh hơn.", image_url: deps.logoUrl ?? "https://masterchannel.vn/logo.png" },
          ],
        },
      },
      shown: [{ type: "request_info", payload: { title } }],
    });
  }

  /** The person answered the request (`user_submit_info`, inside the webhook's transaction): shown in their conversation. */
  const captureSubmitInfo = (customerId: string, shared: { name: string | null; phone: string | null }, at: number) =>
    store.join(function* (): Step<void> {
      const id = yield* q(repo.ensure(customerId, now()));
      const what = [shared.name && "tên", shared.phone && "số điện thoại"].filter(Boolean).join(" và ");
      const added = yield* q(
        repo.add(
          id,
          {
            direction: "in",
            kind: "submit_info",
            text: `Khách đã chia sẻ ${what || "thông tin"}`,
            attachments: null,
            // No Zalo message id: the webhook event itself is stored once (oa module), so this runs once.
            zaloMsgId: null,
            outboxKey: null,
            authorId: null,
            state: "received",
            at,
          },
          now(),
        ),
      );
      if (added) yield* publish(id);
    });

  return {
    captureInbound,
    captureSubmitInfo,
    onSent,
    onSettled,
    applyReceipt,
    handOff,
    noteFromCustomer,
    list,
    thread,
    markRead,
    setStatus,
    assign,
    assignees,
    reply,
    replyImage,
    requestInfo,
    forget: repo.forget,
    visible,
    canned: { list: cannedList, create: cannedCreate, update: cannedUpdate, remove: cannedRemove, fill: cannedFill },
    /** The live feed's reads: events after an id, in order; the last id; pruning a day's worth. */
    events: { after: repo.eventsAfter, lastId: repo.lastEventId, prune: repo.pruneEvents },
  };
}
export type InboxService = ReturnType<typeof createInboxService>;
