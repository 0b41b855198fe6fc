import { z } from "zod";
import { tzOffsetMinutes } from "./local-time";

// ---------------------------------------------------------------------------------------------
// Pure rules (no I/O): the server draws with node:crypto and signs with HMAC; these functions take
// the random source and the MAC as arguments so they are testable and safe to import in the mini app.
// ---------------------------------------------------------------------------------------------

/**
 * Picks a slice index with probability weight / sum(weights). `randomInt(max)` must return an integer
 * uniformly in [0, max) (node:crypto randomInt on the server). Zero-weight slices are never picked.
 */
export function pickWeighted(weights: readonly number[], randomInt: (max: number) => number): number {
  const total = weights.reduce((a, w) => a + w, 0);
  if (!Number.isSafeInteger(total) || total <= 0 || weights.some((w) => !Number.isInteger(w) || w < 0)) {
    throw new Error("weights must be non-negative integers with a positive sum");
  }
  let r = randomInt(total);
  for (let i = 0; i < weights.length; i++) {
    if (r < weights[i]!) return i;
    r -= weights[i]!;
  }
  throw new Error("randomInt returned a value outside [0, total)");
}

/** The published odds of each slice, as a probability (0–1). */
export function oddsOf(weights: readonly number[]): number[] {
  const total = weights.reduce((a, w) => a + w, 0);
  return weights.map((w) => (total > 0 ? w / total : 0));
}

/**
 * The calendar day of an instant in the shop's time zone (SHOP_TIME_ZONE), `YYYY-MM-DD`: "plays per day",
 * "budget per day" and the keep-warm floor's day count on it.
 */
export function dayKey(ms: number, timeZone: string): string {
  return new Date(ms + tzOffsetMinutes(timeZone, ms) * 60_000).toISOString().slice(0, 10);
}

export type GameWindow = { active: boolean; startsAt: number | null; endsAt: number | null };
export type GameWindowState = "open" | "inactive" | "not_started" | "ended";

/** Whether a game can be played at `now`. `endsAt` is exclusive. */
export function gameWindowState(g: GameWindow, now: number): GameWindowState {
  if (!g.active) return "inactive";
  if (g.startsAt !== null && now < g.startsAt) return "not_started";
  if (g.endsAt !== null && now >= g.endsAt) return "ended";
  return "open";
}

/** What a QR link's signature covers: the version, the store and the game campaign, nothing that expires. */
export function qrLinkData(store: string, campaign: string): string {
  return `qr1|${store}|${campaign}`;
}

/** Length-independent timing is not needed (the MAC length is public); content-independent timing is. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type QrLinkParams = { store?: unknown; campaign?: unknown; sig?: unknown };

/**
 * Checks the route params a QR code opened the mini app with. `mac` is the server's keyed MAC over
 * `qrLinkData(store, campaign)`. Anything missing, malformed or not matching is simply invalid.
 */
export function checkQrLink(
  p: QrLinkParams,
  mac: (data: string) => string,
): { ok: true; store: string; campaign: string } | { ok: false; reason: "missing" | "forged" } {
  const { store, campaign, sig } = p;
  if (typeof store !== "string" || typeof campaign !== "string" || typeof sig !== "string" || !store || !campaign || !sig)
    return { ok: false, reason: "missing" };
  // "|" separates the signed fields: forbidding it keeps one signature from covering two (store, campaign) splits.
  if (store.includes("|") || campaign.includes("|")) return { ok: false, reason: "forged" };
  if (!constantTimeEqual(mac(qrLinkData(store, campaign)), sig)) return { ok: false, reason: "forged" };
  return { ok: true, store, campaign };
}

/** The Zalo Mini App deep link a QR code encodes (zalo-platform.md §2.6). */
export function qrDeepLink(p: { miniAppId: string; store: string; campaign: string; sig: string }): string {
  const q = new URLSearchParams({ store: p.store, campaign: p.campaign, sig: p.sig });
  return `https://zalo.me/s/${encodeURIComponent(p.miniAppId)}/?${q.toString()}`;
}

// ---------------------------------------------------------------------------------------------
// Schemas of the bodies and answers
// ---------------------------------------------------------------------------------------------

const isoDate = z.string().datetime({ offset: true });
const id = z.string().min(1).max(64);

export const GameKind = z.enum(["wheel", "scratch"]);
export type GameKind = z.infer<typeof GameKind>;

export const PrizeKind = z.enum(["voucher", "points", "none"]);
export type PrizeKind = z.infer<typeof PrizeKind>;

/** What happened to the prize of one draw. `none` = a no-prize slice; `pending_follow` waits for the OA follow webhook. */
export const PrizeState = z.enum(["none", "pending_follow", "issued", "void", "failed"]);
export type PrizeState = z.infer<typeof PrizeState>;

export const PrizeInput = z
  .object({
    /** Give the id of an existing prize to keep its stock counters; omit it for a new slice. */
    id: id.optional(),
    label: z.string().trim().min(1).max(60),
    kind: PrizeKind,
    voucherCampaignId: id.nullable().default(null),
    points: z.number().int().positive().max(1_000_000).nullable().default(null),
    /** Published weight: odds = weight / sum of weights. */
    weight: z.number().int().min(0).max(1_000_000),
    /** null = unlimited (always null for "none"). */
    stock: z.number().int().min(0).max(10_000_000).nullable().default(null),
    requiresFollow: z.boolean().default(false),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === "voucher" && !p.voucherCampaignId)
      ctx.addIssue({
        code: "custom",
        path: ["voucherCampaignId"],
        message: "a voucher prize names its voucher campaign",
        params: { vi: "giải voucher cần chọn chiến dịch voucher" },
      });
    if (p.kind === "points" && !p.points)
      ctx.addIssue({
        code: "custom",
        path: ["points"],
        message: "a points prize gives a positive number of points",
        params: { vi: "giải điểm cần số điểm lớn hơn 0" },
      });
    if (p.kind === "none" && (p.voucherCampaignId || p.points || p.stock !== null || p.requiresFollow)) {
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: "a no-prize slice has no voucher, points, stock or follow requirement",
        params: { vi: "ô “không trúng” không có voucher, điểm, số lượng hay điều kiện quan tâm OA" },
      });
    }
  });
export type PrizeInput = z.infer<typeof PrizeInput>;

export const GameCampaignInput = z
  .object({
    name: z.string().trim().min(2).max(80),
    description: z.string().trim().max(400).default(""),
    kind: GameKind,
    /** Stores whose QR codes open this game; empty = every store. */
    storeIds: z.array(id).max(200).default([]),
    startsAt: isoDate.nullable().default(null),
    endsAt: isoDate.nullable().default(null),
    /** Plays per person per shop-local day. */
    playsPerDay: z.number().int().min(1).max(100).default(1),
    /** Plays per person over the whole campaign; null = only the daily limit. */
    playsPerCustomer: z.number().int().min(1).max(10_000).nullable().default(null),
    /** Prizes (non-"none" outcomes) a store may give per day; null = no budget. Past it every draw lands on "no prize". */
    dailyPrizeBudgetPerStore: z.number().int().min(0).max(1_000_000).nullable().default(null),
    active: z.boolean().default(true),
    prizes: z.array(PrizeInput).min(2).max(12),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.startsAt && g.endsAt && Date.parse(g.endsAt) <= Date.parse(g.startsAt))
      ctx.addIssue({
        code: "custom",
        path: ["endsAt"],
        message: "endsAt must be after startsAt",
        params: { vi: "thời điểm kết thúc phải sau thời điểm bắt đầu" },
      });
    if (!g.prizes.some((p) => p.kind === "none"))
      ctx.addIssue({
        code: "custom",
        path: ["prizes"],
        message: 'add a "no prize" slice: it is where out-of-stock draws land',
        params: { vi: "cần một ô “không trúng”: lượt trúng giải đã hết quà sẽ rơi vào đó" },
      });
    if (g.prizes.reduce((a, p) => a + p.weight, 0) <= 0)
      ctx.addIssue({
        code: "custom",
        path: ["prizes"],
        message: "the weights must add up to more than 0",
        params: { vi: "tổng tỉ trọng các giải phải lớn hơn 0" },
      });
    if (g.playsPerCustomer !== null && g.playsPerCustomer < g.playsPerDay)
      ctx.addIssue({
        code: "custom",
        path: ["playsPerCustomer"],
        message: "playsPerCustomer must be at least playsPerDay",
        params: { vi: "số lượt mỗi người cho cả chương trình không được ít hơn số lượt mỗi ngày" },
      });
    const ids = g.prizes.flatMap((p) => (p.id ? [p.id] : []));
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: "custom", path: ["prizes"], message: "prize ids must be unique", params: { vi: "mã các giải không được trùng nhau" } });
  });
export type GameCampaignInput = z.infer<typeof GameCampaignInput>;

/** A slice as the shopper sees it: published label, kind and odds. */
export const GameSlice = z.object({
  id: z.string(),
  label: z.string(),
  kind: PrizeKind,
  points: z.number().nullable(),
  weight: z.number(),
  odds: z.number(),
  requiresFollow: z.boolean(),
});
export type GameSlice = z.infer<typeof GameSlice>;

/** What the mini app needs to render a game opened from a QR code. */
export const GameConfig = z.object({
  campaign: z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    kind: GameKind,
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    playsPerDay: z.number(),
    playsPerCustomer: z.number().nullable(),
  }),
  store: z.object({ id: z.string(), name: z.string() }),
  slices: z.array(GameSlice),
  playsLeftToday: z.number(),
});
export type GameConfig = z.infer<typeof GameConfig>;

/** The route params of a QR deep link, as getRouteParams() hands them to the mini app (other params are ignored). */
export const QrLinkBody = z.object({
  // Optional on purpose: a link with a param cut off is answered QR_LINK_INVALID like a forged one, not VALIDATION_FAILED.
  store: z.string().max(64).optional(),
  campaign: z.string().max(64).optional(),
  sig: z.string().max(128).optional(),
});
export type QrLinkBody = z.infer<typeof QrLinkBody>;

export const PlayBody = QrLinkBody.extend({
  /** One per tap: a retried request returns the same draw instead of playing again. */
  requestId: z.string().min(8).max(64).optional(),
});
export type PlayBody = z.infer<typeof PlayBody>;

export const GameDraw = z.object({
  id: z.string(),
  campaignId: z.string(),
  storeId: z.string(),
  at: z.string(),
  /** The slice the wheel stops on / the card reveals. */
  slice: z.object({ id: z.string(), index: z.number(), label: z.string(), kind: PrizeKind }),
  win: z.boolean(),
  requiresFollow: z.boolean(),
  state: PrizeState,
  voucherId: z.string().nullable(),
  points: z.number().nullable(),
});
export type GameDraw = z.infer<typeof GameDraw>;

export const PlayResult = z.object({ draw: GameDraw, playsLeftToday: z.number() });
export type PlayResult = z.infer<typeof PlayResult>;

/** A prize as the admin sees it: odds and what is left. */
export const AdminPrize = z.object({
  id: z.string(),
  label: z.string(),
  kind: PrizeKind,
  voucherCampaignId: z.string().nullable(),
  points: z.number().nullable(),
  weight: z.number(),
  odds: z.number(),
  stock: z.number().nullable(),
  won: z.number(),
  remaining: z.number().nullable(),
  requiresFollow: z.boolean(),
});
export type AdminPrize = z.infer<typeof AdminPrize>;

export const AdminGame = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: GameKind,
  storeIds: z.array(z.string()),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  playsPerDay: z.number(),
  playsPerCustomer: z.number().nullable(),
  dailyPrizeBudgetPerStore: z.number().nullable(),
  active: z.boolean(),
  prizes: z.array(AdminPrize),
  plays: z.number(),
  createdAt: z.string(),
});
export type AdminGame = z.infer<typeof AdminGame>;

export const AdminDraw = GameDraw.extend({
  customer: z.object({ id: z.string(), name: z.string() }),
  /** Why a drawn prize became "no prize": out_of_stock, daily_budget, or issue_failed:<code>. */
  fallbackReason: z.string().nullable(),
});
export type AdminDraw = z.infer<typeof AdminDraw>;

export const QrLink = z.object({ storeId: z.string(), storeName: z.string(), url: z.string() });
export type QrLink = z.infer<typeof QrLink>;
