import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AssignBody,
  Assignees,
  CannedAnswer,
  CannedAnswerBody,
  CannedFill,
  ConversationSummary,
  ConversationThread,
  ErrorCode,
  InboxListQuery,
  InboxPage,
  ReplyBody,
  ConversationStatusBody,
  ReplyImageQuery,
  RequestInfoBody,
} from "@mc/shared";
import { AppError } from "../../errors";
import type { PrincipalLoader, TokenClaims } from "../../http/auth";
import { me } from "../../http/route-helpers";
import { createSigner } from "../../lib/signed-token";
import { storeReach } from "../../lib/scope";
import type { InboxFeed } from "./live";
import type { EventRow } from "./repo";
import type { InboxService } from "./service";

const params = z.object({ id: z.string().min(1).max(64) });
const STREAM_TOKEN_MS = 60_000;
const HEARTBEAT_MS = 20_000;

/** Replayed on a reconnect at most; a reader further behind reloads everything (`reset`). */
const REPLAY_CAP = 1000;

/**
 * The OA inbox for whoever answers: console owners, store managers, and staff signed in with Zalo (not
 * marketers: they do not serve customers). Lists and threads are narrowed to the caller's stores by the service.
 */
export async function inboxRoutes(
  app: FastifyInstance,
  opts: { inbox: InboxService; feed: InboxFeed; storeExists: (id: string) => boolean; loadPrincipal: PrincipalLoader; now: () => number },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { inbox } = opts;
  // EventSource cannot send an Authorization header: the stream takes a short-lived token signed for it alone.
  const signer = createSigner(app.mcConfig.JWT_SECRET, "inbox-stream");
  const staff = { access: "staff", scope: "any" } as const;

  r.get(
    "/api/staff/inbox",
    {
      config: staff,
      schema: {
        tags: ["inbox"],
        summary: "Conversations, newest first (the caller's stores for staff)",
        querystring: InboxListQuery,
        response: { 200: InboxPage },
      },
    },
    async (req) => inbox.list(me(req), req.query),
  );
  r.get(
    "/api/staff/inbox/:id",
    {
      config: staff,
      schema: { tags: ["inbox"], summary: "One conversation's messages, with Zalo's reply window", params, response: { 200: ConversationThread } },
    },
    async (req) => inbox.thread(me(req), req.params.id),
  );
  const one = z.object({ conversation: ConversationSummary });
  r.post(
    "/api/staff/inbox/:id/read",
    { config: staff, schema: { tags: ["inbox"], summary: "Mark a conversation read", params, response: { 200: one } } },
    async (req) => inbox.markRead(me(req), req.params.id),
  );
  r.post(
    "/api/staff/inbox/:id/status",
    { config: staff, schema: { tags: ["inbox"], summary: "Close or reopen a conversation", params, body: ConversationStatusBody, response: { 200: one } } },
    async (req) => inbox.setStatus(me(req), req.params.id, req.body.status),
  );
  r.post(
    "/api/staff/inbox/:id/assign",
    { config: staff, schema: { tags: ["inbox"], summary: "Assign a conversation to a store and a person", params, body: AssignBody, response: { 200: one } } },
    async (req) => inbox.assign(me(req), req.params.id, req.body, opts.storeExists),
  );
  r.get(
    "/api/staff/inbox/assignees",
    {
      config: staff,
      schema: { tags: ["inbox"], summary: "The stores and people the caller may assign a conversation to", response: { 200: Assignees } },
    },
    async (req) => inbox.assignees(me(req)),
  );
  const cannedList = z.object({ answers: z.array(CannedAnswer) });
  r.get("/api/staff/inbox/canned", { config: staff, schema: { tags: ["inbox"], summary: "The canned answers", response: { 200: cannedList } } }, async () =>
    inbox.canned.list(),
  );
  r.post(
    "/api/staff/inbox/:id/canned/:cannedId",
    {
      config: staff,
      schema: {
        tags: ["inbox"],
        summary: "A canned answer filled with this conversation's person's name, points and last order",
        params: z.object({ id: z.string().min(1).max(64), cannedId: z.string().min(1).max(64) }),
        response: { 200: CannedFill },
      },
    },
    async (req) => inbox.canned.fill(me(req), req.params.id, req.params.cannedId),
  );
  const editor = { access: "admin", roles: ["marketer"] } as const;
  const cannedParams = z.object({ cannedId: z.string().min(1).max(64) });
  r.get(
    "/api/admin/canned-answers",
    { config: editor, schema: { tags: ["inbox"], summary: "The canned answers, to edit", response: { 200: cannedList } } },
    async () => inbox.canned.list(),
  );
  r.post(
    "/api/admin/canned-answers",
    {
      config: editor,
      schema: {
        tags: ["inbox"],
        summary: "Add a canned answer (400 CANNED_VARIABLE_UNKNOWN for a {variable} other than name, points, last_order)",
        body: CannedAnswerBody,
        response: { 201: CannedAnswer },
      },
    },
    async (req, reply) => reply.code(201).send(await inbox.canned.create(req.body)),
  );
  r.put(
    "/api/admin/canned-answers/:cannedId",
    {
      config: editor,
      schema: { tags: ["inbox"], summary: "Change a canned answer", params: cannedParams, body: CannedAnswerBody, response: { 200: CannedAnswer } },
    },
    async (req) => inbox.canned.update(req.params.cannedId, req.body),
  );
  r.delete(
    "/api/admin/canned-answers/:cannedId",
    {
      config: editor,
      schema: { tags: ["inbox"], summary: "Delete a canned answer", params: cannedParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    },
    async (req) => inbox.canned.remove(req.params.cannedId),
  );
  r.post(
    "/api/staff/inbox/:id/reply",
    {
      config: staff,
      schema: {
        tags: ["inbox"],
        summary: "Reply as a CS message through the outbox (409 REPLY_WINDOW_CLOSED after Zalo's 7-day window)",
        params,
        body: ReplyBody,
        response: { 201: ConversationThread },
      },
    },
    async (req, reply) => reply.code(201).send(await inbox.reply(me(req), req.params.id, req.body)),
  );
  // An image reply is the picture's own bytes as the body (like the menu's uploads); caption and request id in the
  // query. The body limit is a phone photo's, so a picture over Zalo's 1 MB hears ATTACHMENT_TOO_LARGE, not a bare 413.
  app.addContentTypeParser(/^(image\/[\w.+-]+|application\/octet-stream)$/, { parseAs: "buffer", bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) =>
    done(null, body),
  );
  r.post(
    "/api/staff/inbox/:id/reply-image",
    {
      config: staff,
      schema: {
        tags: ["inbox"],
        summary: "Reply with a picture (jpg/png ≤ 1 MB, the raw bytes as the body): uploaded to Zalo once, then sent as a CS message",
        params,
        querystring: ReplyImageQuery,
        response: { 201: ConversationThread },
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body) || req.body.length === 0)
        throw new AppError(ErrorCode.ATTACHMENT_TYPE_UNSUPPORTED, "Send the picture's bytes as the body (content-type image/jpeg or image/png)");
      return reply
        .code(201)
        .send(await inbox.replyImage(me(req), req.params.id, { bytes: req.body, caption: req.query.caption, requestId: req.query.requestId }));
    },
  );
  r.post(
    "/api/staff/inbox/:id/request-info",
    {
      config: staff,
      schema: {
        tags: ["inbox"],
        summary: "Send Zalo's request-for-info card (409 CUSTOMER_INFO_COMPLETE when name and phone are known)",
        params,
        body: RequestInfoBody,
        response: { 201: ConversationThread },
      },
    },
    async (req, reply) => reply.code(201).send(await inbox.requestInfo(me(req), req.params.id, req.body)),
  );
  r.post(
    "/api/staff/inbox/stream-token",
    { config: staff, schema: { tags: ["inbox"], summary: "A one-minute token for the live stream", response: { 200: z.object({ token: z.string() }) } } },
    async (req) => {
      const c = req.user as TokenClaims;
      return { token: signer.sign("inbox", `${c.kind}:${c.sub}:${c.sv ?? ""}`, opts.now() + STREAM_TOKEN_MS) };
    },
  );
  r.get(
    "/api/staff/inbox/stream",
    {
      // Public at the gate (no header possible); the signed token in the query is the check.
      config: { access: "public" },
      schema: {
        tags: ["inbox"],
        summary:
          "Server-sent events: `change` with a conversation id, for the caller's stores; each has an `id`, and a reconnect with Last-Event-ID (or `after`) gets what it missed",
        querystring: z.object({ token: z.string().min(1).max(300), after: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (req, reply) => {
      const v = signer.verify("inbox", req.query.token, opts.now());
      if (!v.ok) throw new AppError(ErrorCode.UNAUTHENTICATED, `Stream token ${v.reason}`);
      const [kind, sub, sv] = v.id.split(":");
      const p = await opts.loadPrincipal({ kind: kind as TokenClaims["kind"], sub: sub!, ...(sv ? { sv: Number(sv) } : {}) });
      if (!p || (p.role !== "admin" && p.role !== "staff") || (p.kind === "operator" && p.console === "marketer"))
        throw new AppError(ErrorCode.UNAUTHENTICATED, "Stream token names no one who may read the inbox");
      const reach = storeReach(p);
      reply.hijack();
      const res = reply.raw;
      // Hijacked: the headers Fastify's hooks set (CORS) are copied by hand.
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.write("retry: 2000\n\n");
      const header = Number(req.headers["last-event-id"]);
      const resume = Number.isInteger(header) && header >= 0 ? header : (req.query.after ?? null);
      const emit = (e: { id: number; conversation_id: string; store_id: string | null }) => {
        if (e.id <= sentUpTo) return;
        sentUpTo = e.id;
        if (reach && (!e.store_id || !reach.includes(e.store_id))) return;
        res.write(`id: ${e.id}\nevent: change\ndata: ${JSON.stringify({ conversationId: e.conversation_id })}\n\n`);
      };
      // Subscribed first, then what was missed; live events that come while the missed ones are read wait behind
      // them (so ids go out in order), and those already replayed are skipped by id.
      let replaying: EventRow[] | null = [];
      const send = (e: EventRow) => (replaying ? replaying.push(e) : emit(e));
      const off = opts.feed.subscribe(send);
      let beat: ReturnType<typeof setInterval> | undefined;
      req.raw.on("close", () => {
        clearInterval(beat);
        off();
      });
      let sentUpTo = resume ?? (await opts.feed.lastId());
      if (resume !== null) {
        const missed = await opts.feed.after(resume, REPLAY_CAP + 1);
        if (missed.length > REPLAY_CAP) {
          sentUpTo = await opts.feed.lastId();
          res.write(`id: ${sentUpTo}\nevent: reset\ndata: {}\n\n`);
        } else missed.forEach(emit);
      }
      const held = replaying;
      replaying = null;
      held.forEach(emit);
      // The reader learns where it stands even before the first change (its next reconnect resumes there).
      res.write(`id: ${sentUpTo}\nevent: ready\ndata: ${JSON.stringify({ lastEventId: sentUpTo })}\n\n`);
      if (!req.raw.destroyed) beat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
    },
  );
}
