import { z } from "zod";

/**
 * Auto-replies to follower messages (issue #14): which ask a message is, by keyword and phrase sets per intent.
 * Pure: the server stores the rules (admins edit them) and builds the answers from the person's real data.
 */

export const AUTO_REPLY_INTENTS = ["points", "last_order", "store_info", "menu", "human"] as const;
export const AutoReplyIntent = z.enum(AUTO_REPLY_INTENTS);
export type AutoReplyIntent = z.infer<typeof AutoReplyIntent>;

/** The console's names of the intents. */
export const AUTO_REPLY_INTENT_WORDS: Record<AutoReplyIntent, string> = {
  points: "Số điểm",
  last_order: "Đơn hàng gần nhất",
  store_info: "Giờ mở cửa và địa chỉ",
  menu: "Thực đơn / mini app",
  human: "Gặp nhân viên",
};

/**
 * Vietnamese typed with or without marks, in any case, is one text: NFD then marks dropped (đ has no
 * decomposition, so it is mapped), lowercase, anything but letters and digits a space, spaces collapsed.
 */
export function normaliseText(s: string): string {
  // The last text folded is remembered: a follower message is folded twice in a row (the inbox's search key,
  // then the auto-replies' matcher).
  if (s === lastText.in) return lastText.out;
  const out = s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  lastText = { in: s, out };
  return out;
}
let lastText = { in: "", out: "" };

export type AutoReplyRule = { intent: AutoReplyIntent; keywords: string[]; priority: number; enabled: boolean };

// Keywords are few and change rarely; every follower message is matched against all of them.
const keywordCache = new Map<string, string>();
function normalisedKeyword(k: string): string {
  let n = keywordCache.get(k);
  if (n === undefined) {
    if (keywordCache.size >= 2000) keywordCache.clear();
    keywordCache.set(k, (n = normaliseText(k)));
  }
  return n;
}

/**
 * The intent of a message, or null. A keyword matches whole words ("diem" is not in "diemmy"); among the
 * switched-on rules that match, the highest priority wins, then the longest keyword matched (a more precise
 * phrase), then the order of AUTO_REPLY_INTENTS.
 */
export function matchIntent(rules: readonly AutoReplyRule[], text: string): { intent: AutoReplyIntent; keyword: string } | null {
  const hay = ` ${normaliseText(text)} `;
  if (hay.trim() === "") return null;
  // `keyword` as the rule spells it (shown to the shop), `length` of its normalised form (compared).
  let best: { intent: AutoReplyIntent; keyword: string; length: number; priority: number } | null = null;
  const order = (i: AutoReplyIntent) => AUTO_REPLY_INTENTS.indexOf(i);
  for (const r of rules) {
    if (!r.enabled) continue;
    for (const k of r.keywords) {
      const kw = normalisedKeyword(k);
      if (!kw || !hay.includes(` ${kw} `)) continue;
      const better =
        !best ||
        r.priority > best.priority ||
        (r.priority === best.priority && (kw.length > best.length || (kw.length === best.length && order(r.intent) < order(best.intent))));
      if (better) best = { intent: r.intent, keyword: k, length: kw.length, priority: r.priority };
    }
  }
  return best && { intent: best.intent, keyword: best.keyword };
}

/** The rules a shop starts with (seeded once; admins edit them). "địa điểm" is a place, not points: store_info outranks points. */
export const DEFAULT_AUTO_REPLY_RULES: AutoReplyRule[] = [
  {
    intent: "human",
    priority: 50,
    enabled: true,
    keywords: ["gặp nhân viên", "nói chuyện với nhân viên", "nhân viên tư vấn", "tư vấn viên", "người thật", "gặp người", "hỗ trợ trực tiếp", "tổng đài viên"],
  },
  {
    intent: "last_order",
    priority: 40,
    enabled: true,
    keywords: ["đơn hàng", "đơn của tôi", "đơn của mình", "trạng thái đơn", "đơn tới đâu", "đơn đến đâu", "mã đơn"],
  },
  {
    intent: "store_info",
    priority: 30,
    enabled: true,
    keywords: ["giờ mở cửa", "mấy giờ mở", "mở cửa", "đóng cửa", "mấy giờ đóng", "địa chỉ", "địa điểm", "cửa hàng", "chi nhánh", "quán ở đâu"],
  },
  { intent: "points", priority: 20, enabled: true, keywords: ["điểm", "tích điểm", "bao nhiêu điểm", "điểm thưởng", "số điểm"] },
  { intent: "menu", priority: 10, enabled: true, keywords: ["menu", "thực đơn", "mini app", "đặt món", "gọi món", "đặt hàng", "link", "ứng dụng"] },
];

const Keyword = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .refine((k) => normaliseText(k) !== "", { message: "must contain a letter or digit", params: { vi: "từ khoá cần có chữ hoặc số" } });

/** An admin's edit of one intent's rule (the console's form, `PUT /api/admin/auto-replies/:intent`). */
export const AutoReplyRuleInput = z
  .object({
    keywords: z.array(Keyword).min(1).max(40),
    priority: z.number().int().min(0).max(100),
    enabled: z.boolean(),
  })
  .strict();
export type AutoReplyRuleInput = z.infer<typeof AutoReplyRuleInput>;

export const AutoReplyRuleView = z.object({
  intent: AutoReplyIntent,
  keywords: z.array(z.string()),
  priority: z.number().int(),
  enabled: z.boolean(),
  updatedAt: z.number(),
  updatedBy: z.string(),
});
export type AutoReplyRuleView = z.infer<typeof AutoReplyRuleView>;
