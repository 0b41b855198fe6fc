import { z } from "zod";
import { CustomerPrefs } from "./messaging";
import { TIMELINE_KINDS } from "./timeline-words";

/**
 * The CRM's API contract: the customer list, a person's profile, notes and their one timeline. The console
 * (and the staff counter's read-mostly profile) code against these shapes; the server's routes answer them.
 * Times are ISO strings on the wire.
 */

const id = z.string().min(1).max(64);
const iso = z.string();

// ---- the customer list ----

export const CUSTOMER_SORTS = ["newest", "name", "points", "lastInteraction"] as const;
export const CustomerSort = z.enum(CUSTOMER_SORTS);
export type CustomerSort = z.infer<typeof CustomerSort>;

/**
 * The list's search and filters (query string). `q` finds by name (word prefixes, with or without Vietnamese
 * marks), the last digits of the phone (3+ digits), the member code, or either Zalo id. The filters compile
 * through the segment rules, so "store visited" or "days since the last visit" mean exactly what a segment means.
 */
export const CustomerListQuery = z
  .object({
    q: z.string().trim().max(100).optional(),
    tier: z.string().min(1).max(20).optional(),
    follower: z.enum(["yes", "no"]).optional(),
    storeId: id.optional(),
    tag: z.string().min(1).max(40).optional(),
    /** No order (completed) for at least this many days; never ordered counts. */
    orderDaysMin: z.coerce.number().int().min(0).max(3650).optional(),
    /** An order within this many days. */
    orderDaysMax: z.coerce.number().int().min(0).max(3650).optional(),
    visitDaysMin: z.coerce.number().int().min(0).max(3650).optional(),
    visitDaysMax: z.coerce.number().int().min(0).max(3650).optional(),
    /** A saved segment's audience, combined (AND) with the rest. */
    segmentId: id.optional(),
    sort: CustomerSort.default("newest"),
    /** The opaque keyset cursor of the previous page's `next` (it carries the last name's search key, hence the room). */
    after: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;

export const CustomerListItem = z.object({
  id: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
  memberCode: z.string(),
  phoneMasked: z.string().nullable(),
  followsOa: z.boolean(),
  role: z.enum(["customer", "staff", "admin"]),
  tier: z.string(),
  pointsBalance: z.number(),
  tags: z.array(z.string()),
  lastInteractionAt: iso.nullable(),
  createdAt: iso,
});
export type CustomerListItem = z.infer<typeof CustomerListItem>;

export const CustomerListPage = z.object({
  items: z.array(CustomerListItem),
  /** Cursor of the next page; null on the last one. */
  next: z.string().nullable(),
  /** The order the page is in: a search (`q`) is always newest first, whatever `sort` asked. */
  sort: CustomerSort,
});
export type CustomerListPage = z.infer<typeof CustomerListPage>;

/** How many the current filter matches (counted in slices, so it may trail a moving list). */
export const CustomerCount = z.object({ count: z.number() });
export type CustomerCount = z.infer<typeof CustomerCount>;

/** The export's query: the list's filters, plus whether phones are written in full (audited). */
export const CustomerExportQuery = CustomerListQuery.omit({ after: true, limit: true, sort: true })
  .extend({ fullPhones: z.enum(["0", "1"]).default("0") })
  .strict();
export type CustomerExportQuery = z.infer<typeof CustomerExportQuery>;

/** The tags in use and how many people carry each (the list's tag filter), most used first. */
export const TagCounts = z.object({ tags: z.array(z.object({ tag: z.string(), count: z.number() })) });
export type TagCounts = z.infer<typeof TagCounts>;

// ---- the profile ----

export const CustomerProfile = z.object({
  id: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
  /** The three Zalo namespaces: app-scoped (mini app), OA-scoped (follower), and the phone (masked). */
  zaloId: z.string().nullable(),
  zaloOaId: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  memberCode: z.string(),
  role: z.enum(["customer", "staff", "admin"]),
  storeIds: z.array(z.string()),
  followsOa: z.boolean(),
  followedAt: iso.nullable(),
  unfollowedAt: iso.nullable(),
  lastInteractionAt: iso.nullable(),
  birthDate: z.string().nullable(),
  tags: z.array(z.string()),
  points: z.object({
    balance: z.number(),
    tier: z.string(),
    tierName: z.string(),
    /** Points that lapse soonest, and when (null when nothing is due to lapse). */
    expiring: z.object({ points: z.number(), by: iso.nullable() }),
  }),
  /** The shopper's own message preferences (CustomerPrefs, as the shopper set them in the mini app). */
  prefs: CustomerPrefs,
  /** Consent as the send policy reads it: unfollowed followers get no care or promotion (decide's layer 1). */
  consent: z.object({ promotions: z.boolean(), care: z.boolean(), reason: z.string().nullable() }),
  erased: z.boolean(),
  createdAt: iso,
});
export type CustomerProfile = z.infer<typeof CustomerProfile>;

// ---- notes ----

export const NoteBody = z.object({ text: z.string().trim().min(1).max(2000) }).strict();
export type NoteBody = z.infer<typeof NoteBody>;

export const CustomerNote = z.object({
  id: z.string(),
  text: z.string(),
  authorKind: z.enum(["admin", "customer", "system"]),
  authorId: z.string(),
  authorName: z.string(),
  createdAt: iso,
});
export type CustomerNote = z.infer<typeof CustomerNote>;

// ---- the timeline ----

export const TimelineKind = z.enum(TIMELINE_KINDS);
export type TimelineKind = z.infer<typeof TimelineKind>;

/**
 * One thing that happened to a person. `title` and `detail` are ready to show (Vietnamese); `data` carries
 * the source's own fields for a page that wants more. `storeId` lets a staff view keep only its stores.
 */
export const TimelineItem = z.object({
  /** Unique across sources (`<kind>:<source row id>[:<sub-event>]`). */
  key: z.string(),
  kind: TimelineKind,
  at: iso,
  title: z.string(),
  detail: z.string().nullable(),
  storeId: z.string().nullable(),
  /** Who did it, when not the person themself ("Trần Minh Khoa", "owner@…", "hệ thống"). */
  actor: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export const TimelineQuery = z
  .object({
    /** Comma-separated kinds; all when absent. */
    kinds: z.string().max(200).optional(),
    before: z.string().max(300).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();
export type TimelineQuery = z.infer<typeof TimelineQuery>;

export const TimelinePage = z.object({ items: z.array(TimelineItem), next: z.string().nullable() });
export type TimelinePage = z.infer<typeof TimelinePage>;

// ---- the warming state: what may reach this person now, and when the next promotion may go ----

/** The send policy's layers, in decide's order (messaging.ts). */
export const POLICY_LAYERS = ["consent", "zalo", "preferences", "quiet_hours", "caps", "fatigue"] as const;
export const PolicyLayer = z.enum(POLICY_LAYERS);
export type PolicyLayer = z.infer<typeof PolicyLayer>;

export const WarmingReason = z.object({
  layer: PolicyLayer,
  /** The policy's reason code (decide's `Reason`). */
  code: z.string(),
  /** In words (Vietnamese), with the time it ends. */
  text: z.string(),
  /** When this block passes by itself (null: it lasts until something changes, e.g. the person follows again). */
  until: iso.nullable(),
});
export type WarmingReason = z.infer<typeof WarmingReason>;

export const CategoryState = z.object({
  category: z.enum(["transactional", "care", "promotion"]),
  /** May a message of this category go now, by the cheapest channel open to this person? */
  allowedNow: z.boolean(),
  /** The channel it would go by now (null when it may not go now). */
  channel: z.enum(["cs", "template_uid", "zns"]).nullable(),
  /** Inside Zalo's free CS window (no cost). */
  free: z.boolean(),
  /** The earliest time one may go (null: now, or never while a lasting block stands). */
  nextAllowedAt: iso.nullable(),
  /** Every block standing now, layer by layer in decide's order (the first is the one decide names). */
  reasons: z.array(WarmingReason),
});
export type CategoryState = z.infer<typeof CategoryState>;

export const WarmingCap = z.object({
  /** "Ưu đãi: tối đa 2 tin / 7 ngày". */
  label: z.string(),
  /** The shop's caps, the shopper's own weekly limit, or fatigue's tightened cap. */
  source: z.enum(["shop", "customer", "fatigue"]),
  category: z.enum(["care", "promotion", "any"]),
  channel: z.enum(["cs", "template_uid", "zns", "any"]),
  windowHours: z.number(),
  used: z.number(),
  max: z.number(),
  /** When a slot frees again (null while one is free). */
  resetsAt: iso.nullable(),
});
export type WarmingCap = z.infer<typeof WarmingCap>;

export const WarmingState = z.object({
  /** The instant the state was computed for, and the shop's time zone its words use. */
  at: iso,
  timeZone: z.string(),
  categories: z.array(CategoryState),
  /** Messages counted in the caps' windows, beside their caps (e.g. 1 of 2 this week). */
  caps: z.array(WarmingCap),
  fatigueUntil: iso.nullable(),
  /** One sentence for the person's whole state ("Có thể nhận ưu đãi từ 08:00 ngày 3/12 (đang trong giờ yên lặng)."). */
  summary: z.string(),
});
export type WarmingState = z.infer<typeof WarmingState>;

/** The admin's follower sync over Zalo's follower list (zalo-platform.md §5.7), as the console shows it. */
export const FollowerSyncView = z.object({
  id: z.number(),
  state: z.enum(["running", "done", "failed"]),
  /** Followers read so far (Zalo's cursor), of Zalo's total; `paused` while no process holds it (it resumes). */
  read: z.number(),
  total: z.number().nullable(),
  paused: z.boolean(),
  newFollowers: z.number(),
  created: z.number(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type FollowerSyncView = z.infer<typeof FollowerSyncView>;
