import { z } from "zod";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Zalo's consultation window after a person's last message (zalo-platform.md §5.6): free 48 h, open 7 days. */
export const REPLY_FREE_MS = 48 * HOUR;
export const REPLY_WINDOW_MS = 7 * DAY;

export type ReplyWindow = { state: "free" | "paid" | "closed"; freeUntil: number | null; closesAt: number | null };

/** Where a conversation stands in Zalo's window: `closed` when the person never wrote or wrote 7+ days ago. */
export function replyWindow(lastInboundAt: number | null, now: number): ReplyWindow {
  if (lastInboundAt === null) return { state: "closed", freeUntil: null, closesAt: null };
  const freeUntil = lastInboundAt + REPLY_FREE_MS;
  const closesAt = lastInboundAt + REPLY_WINDOW_MS;
  return { state: now < freeUntil ? "free" : now < closesAt ? "paid" : "closed", freeUntil, closesAt };
}

/** The variables a canned answer may name, filled from the person's own data when staff insert it. */
export const CANNED_VARIABLES = ["name", "points", "last_order"] as const;
export type CannedVars = { name: string; points: number | null; lastOrder: string | null };

/** The `{variables}` a canned answer names that are not CANNED_VARIABLES (a typo would reach the customer). */
export function unknownCannedVariables(text: string): string[] {
  const found = [...text.matchAll(/\{([^{}\s]{0,40})\}/g)].map((m) => m[1]!);
  return [...new Set(found.filter((v) => !(CANNED_VARIABLES as readonly string[]).includes(v)))];
}

/** Fills a canned answer's variables; one the person has no value for reads as a neutral word, never `{x}`. */
export function fillCanned(text: string, v: CannedVars): string {
  return text
    .replaceAll("{name}", v.name || "bạn")
    .replaceAll("{points}", v.points === null ? "0" : v.points.toLocaleString("vi-VN"))
    .replaceAll("{last_order}", v.lastOrder ?? "(chưa có đơn)");
}

export const CannedAnswer = z.object({ id: z.string(), label: z.string(), text: z.string(), position: z.number(), updatedAt: z.number() });
export type CannedAnswer = z.infer<typeof CannedAnswer>;
export const CannedAnswerBody = z.object({
  label: z.string().trim().min(1).max(60),
  text: z.string().trim().min(1).max(2000),
  position: z.number().int().min(0).max(10_000).default(0),
});
export type CannedAnswerBody = z.infer<typeof CannedAnswerBody>;
/** A canned answer filled for one conversation's person. */
export const CannedFill = z.object({ text: z.string(), vars: z.object({ name: z.string(), points: z.number().nullable(), lastOrder: z.string().nullable() }) });

export const CONVERSATION_STATUSES = ["open", "closed"] as const;

export const InboxListQuery = z.object({
  status: z.enum(["open", "closed", "all"]).default("open"),
  unread: z.enum(["true", "false"]).optional(),
  /** Only conversations an auto-reply handed to a person. */
  needsPerson: z.enum(["true", "false"]).optional(),
  /** Words of a message, or a person's name or phone. */
  q: z.string().trim().max(100).optional(),
  /** The `lastMessageAt` (ms) and id of the last row of the previous page. */
  before: z.coerce.number().int().positive().optional(),
  beforeId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  /** `me` (assigned to the caller), `none` (to no one), or a person's id. */
  assignee: z.string().min(1).max(64).optional(),
  /** Conversations at this store. */
  storeId: z.string().min(1).max(64).optional(),
});

export const ConversationSummary = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  avatar: z.string().nullable(),
  status: z.enum(CONVERSATION_STATUSES),
  storeId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  unread: z.number(),
  /** An auto-reply handed it to a person; cleared by a reply or a close. */
  needsPerson: z.boolean(),
  lastMessageAt: z.number(),
  lastInboundAt: z.number().nullable(),
  lastPreview: z.string(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const InboxPage = z.object({ conversations: z.array(ConversationSummary), next: z.object({ before: z.number(), beforeId: z.string() }).nullable() });

export const MESSAGE_STATES = ["received", "queued", "sent", "delivered", "seen", "held", "failed", "suppressed", "expired"] as const;

export const ConversationMessage = z.object({
  id: z.number(),
  direction: z.enum(["in", "out"]),
  kind: z.string(),
  text: z.string().nullable(),
  attachments: z.array(z.record(z.string(), z.unknown())).nullable(),
  state: z.enum(MESSAGE_STATES),
  /** Why a reply was held, failed, suppressed or expired (the dispatcher's reason code). */
  reason: z.string().nullable(),
  authorId: z.string().nullable(),
  at: z.number(),
  deliveredAt: z.number().nullable(),
  seenAt: z.number().nullable(),
});
export type ConversationMessage = z.infer<typeof ConversationMessage>;

export const ConversationThread = z.object({
  conversation: ConversationSummary,
  messages: z.array(ConversationMessage),
  window: z.object({ state: z.enum(["free", "paid", "closed"]), freeUntil: z.number().nullable(), closesAt: z.number().nullable() }),
  now: z.number(),
});
export type ConversationThread = z.infer<typeof ConversationThread>;

export const ReplyBody = z.object({
  text: z.string().trim().min(1).max(2000),
  /** The client's key for this reply: a retried request sends it once. */
  requestId: z.string().min(8).max(64),
});
/** An image reply's query (the picture itself is the body): an optional caption and the client's key. */
export const ReplyImageQuery = z.object({
  caption: z.string().trim().max(2000).default(""),
  requestId: z.string().min(8).max(64),
});
/** Zalo's request-for-info card; the client's key sends it once. */
export const RequestInfoBody = z.object({ requestId: z.string().min(8).max(64) });
export const AssignBody = z.object({ storeId: z.string().max(64).nullable(), assigneeId: z.string().max(64).nullable() });
export const ConversationStatusBody = z.object({ status: z.enum(CONVERSATION_STATUSES) });

/** Whom a conversation may be given to: the caller's stores and their staff (plus, for admins, console accounts). */
export const Assignees = z.object({
  stores: z.array(z.object({ id: z.string(), name: z.string() })),
  people: z.array(z.object({ id: z.string(), name: z.string(), storeIds: z.array(z.string()), kind: z.enum(["staff", "operator"]) })),
});
export type Assignees = z.infer<typeof Assignees>;
