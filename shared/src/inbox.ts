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

/** The variables a canned answer may name, as `{name}`, `{points}`, `{lastOrder}`. */
export type CannedVars = { name: string; points: number | null; lastOrder: string | null };

export const CANNED_ANSWERS: readonly { label: string; text: string }[] = [
  { label: "Chào khách", text: "Chào {name}, cảm ơn bạn đã nhắn cho shop! Shop có thể giúp gì cho bạn ạ?" },
  { label: "Điểm tích lũy", text: "Chào {name}, bạn đang có {points} điểm tích lũy. Bạn có thể dùng điểm để đổi ưu đãi trong mini app ạ." },
  { label: "Đơn gần nhất", text: "Chào {name}, đơn gần nhất của bạn là {lastOrder}. Shop kiểm tra và báo lại bạn ngay ạ." },
  { label: "Cảm ơn", text: "Cảm ơn {name} đã ủng hộ shop. Hẹn gặp lại bạn sớm!" },
];

/** Fills a canned answer's variables; one the person has no value for reads as a neutral word, never `{x}`. */
export function fillCanned(text: string, v: CannedVars): string {
  return text
    .replaceAll("{name}", v.name || "bạn")
    .replaceAll("{points}", v.points === null ? "0" : v.points.toLocaleString("vi-VN"))
    .replaceAll("{lastOrder}", v.lastOrder ?? "(chưa có đơn)");
}

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

export const ConversationMessage = z.object({
  id: z.number(),
  direction: z.enum(["in", "out"]),
  kind: z.string(),
  text: z.string().nullable(),
  attachments: z.array(z.record(z.string(), z.unknown())).nullable(),
  state: z.enum(["received", "queued", "sent", "delivered", "seen"]),
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
export const AssignBody = z.object({ storeId: z.string().max(64).nullable(), assigneeId: z.string().max(64).nullable() });
export const ConversationStatusBody = z.object({ status: z.enum(CONVERSATION_STATUSES) });
