import { z } from "zod";

/**
 * The dashboard's API contract (`GET /api/admin/dashboard?from&to`). Days are the shop's calendar days
 * (SHOP_TIME_ZONE), `YYYY-MM-DD`, both ends included; every chart covers the same range.
 */

/** The longest range one request may ask for (a year, leap day included). */
export const DASHBOARD_MAX_DAYS = 366;
/** A game player "followed from the QR" when their OA follow came within this many days after their first play there. */
export const FOLLOW_AFTER_PLAY_DAYS = 7;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
/** A real calendar day (2026-02-30 is not one). */
const isDay = (d: string) => DAY.test(d) && !Number.isNaN(dayMs(d)) && new Date(dayMs(d)).toISOString().slice(0, 10) === d;
const LocalDay = z.string().refine(isDay, { message: "a calendar day, YYYY-MM-DD", params: { vi: "phải là một ngày dạng YYYY-MM-DD" } });

/** Days from `from` to `to`, both included (1 for a single day). */
export const daysInRange = (from: string, to: string) => Math.round((dayMs(to) - dayMs(from)) / 86_400_000) + 1;

/** Every day of the range in order. */
export function dayList(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = dayMs(from); t <= dayMs(to); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export const DashboardQuery = z
  .object({ from: LocalDay, to: LocalDay })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"], params: { vi: "ngày bắt đầu không được sau ngày kết thúc" } })
  .refine((q) => q.from > q.to || daysInRange(q.from, q.to) <= DASHBOARD_MAX_DAYS, {
    message: `at most ${DASHBOARD_MAX_DAYS} days`,
    path: ["to"],
    params: { vi: `xem được tối đa ${DASHBOARD_MAX_DAYS} ngày` },
  });
export type DashboardQuery = z.infer<typeof DashboardQuery>;

const n = z.number().int();
const Counts = z.record(z.string(), n);

/** Follow and unfollow events on the day (a person who follows twice counts twice); net = follows − unfollows. */
export const FollowerDay = z.object({ day: z.string(), follows: n, unfollows: n, net: n });

/**
 * Message events on the day: sent (went out, by `sent_at`), delivered and seen (by their receipts' times);
 * held, suppressed, expired, failed and cancelled on the day the message reached that state; pending (queued,
 * decided or in flight now) on the day it was queued. Held = waiting (quiet hours, caps, quota…) or expired
 * while held (its reason says why it was held). Each message is in one of sent / held / suppressed / failed /
 * pending / expired / cancelled, on the day of its last event; delivered and seen are further events of sent ones.
 */
export const MessageDay = z.object({
  day: z.string(),
  sent: n,
  delivered: n,
  seen: n,
  held: n,
  suppressed: n,
  failed: n,
  pending: n,
  expired: n,
  cancelled: n,
  /** Suppressed by reason code (the part before `:`). */
  suppressedBy: Counts,
  heldBy: Counts,
});

/** Messages that went out on the day (sent, delivered or seen since), by what they cost. */
export const CostDay = z.object({
  day: z.string(),
  /** CS within 48 h of the person's last interaction: free. */
  csFree: n,
  /** CS between 48 h and 7 days: billable. */
  csPaid: n,
  templateUid: n,
  zns: n,
});

/** A broadcast started in the range: unfollows blamed on it (the person unfollowed soon after its message) per message sent. */
export const BroadcastUnfollow = z.object({
  id: z.string(),
  name: z.string(),
  startedAt: z.string().nullable(),
  state: z.string(),
  sent: n,
  unfollows: n,
  /** unfollows / sent (0 when nothing was sent). */
  rate: z.number(),
});

export const StoreRef = z.object({ id: z.string(), name: z.string() });

/** Vouchers redeemed on the day, per store id (stores with none are left out). */
export const RedemptionDay = z.object({ day: z.string(), byStore: Counts, total: n });

/**
 * Per store QR, over the range: plays; new players (people whose first play ever at this store fell in the
 * range); of those, how many followed the OA within FOLLOW_AFTER_PLAY_DAYS days after that first play.
 */
export const GameConversion = z.object({ storeId: z.string(), storeName: z.string(), plays: n, newPlayers: n, followed: n, rate: z.number() });

/** Points moved on the day: earned (earn entries), spent and expired (as positive numbers), adjusted (adjust and reverse entries, signed). */
export const PointsDay = z.object({ day: z.string(), earned: n, spent: n, expired: n, adjusted: n });

export const DashboardView = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  days: z.array(z.string()),
  followers: z.array(FollowerDay),
  messages: z.array(MessageDay),
  cost: z.object({
    days: z.array(CostDay),
    /** The shop's price of one ZNS / template message (ZNS_PRICE_VND), when set. */
    znsPriceVnd: n.nullable(),
    /** Paid template and ZNS sends × that price; null when the price is not known. */
    estimatedVnd: n.nullable(),
  }),
  broadcasts: z.array(BroadcastUnfollow),
  stores: z.array(StoreRef),
  redemptions: z.array(RedemptionDay),
  games: z.array(GameConversion),
  points: z.array(PointsDay),
  /** How long the figures took to gather (ms), and in how many slices (the event loop was served between them). */
  took: z.object({ ms: n, slices: n }),
});
export type DashboardView = z.infer<typeof DashboardView>;

/** A shop-local calendar day, `YYYY-MM-DD` (the audit log's date filter takes the same). */
export { LocalDay };
