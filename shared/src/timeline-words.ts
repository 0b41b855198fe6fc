/**
 * The timeline's kinds and their names (Vietnamese), with no zod: the console and the mini app's staff
 * profile both label and filter a person's timeline with these (the mini app imports this file alone, so its
 * bundle carries no schema code). crm.ts builds the wire schema from the same list.
 */
export const TIMELINE_KINDS = ["order", "points", "voucher", "game", "follow", "message", "note", "admin", "rating"] as const;
type Kind = (typeof TIMELINE_KINDS)[number];

export const TIMELINE_LABEL: Record<Kind, string> = {
  order: "Đơn hàng",
  points: "Điểm",
  voucher: "Voucher",
  game: "Trò chơi",
  follow: "Quan tâm OA",
  message: "Tin nhắn",
  note: "Ghi chú",
  admin: "Quản trị",
  rating: "Đánh giá",
};

/**
 * The kinds a staff view can hold: a staff member sees what happened at their stores, and the shop's notes.
 * Follows, messages and the console's acts on a person (roles, tags, erasure) happen at no store.
 */
export const STAFF_TIMELINE_KINDS: readonly Kind[] = ["order", "points", "voucher", "game", "note", "rating"];

/** A note's own text: the note source puts the whole note in `data` (and its text as the detail line). */
export const noteText = (i: { title: string; detail: string | null; data: Record<string, unknown> }): string =>
  typeof i.data.text === "string" ? i.data.text : (i.detail ?? i.title);
