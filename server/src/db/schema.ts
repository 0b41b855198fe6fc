import { sqliteTable, text, integer, real, primaryKey, index, uniqueIndex, blob } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

// Times are epoch milliseconds (integers): cheap to compare in SQL and unambiguous across time zones.

/** `phone` backwards, one character at a time (SQLite has no reverse()); a missing phone gives null. */
const REVERSED_PHONE = sql.raw(Array.from({ length: 15 }, (_, i) => `substr("phone", ${15 - i}, 1)`).join(" || "));

/** A person, keyed by all three Zalo id namespaces (app-scoped, OA-scoped, phone), any of which may be missing. */
export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    zaloId: text("zalo_id").unique(), // app-scoped id from Graph /me; null for a follower never seen in the mini app
    zaloOaId: text("zalo_oa_id").unique(), // OA-scoped follower id
    phone: text("phone"), // 84… form
    /** When the person last shared their name/phone with the OA (`user_submit_info`): their consent to our keeping them. */
    infoSharedAt: integer("info_shared_at"),
    name: text("name").notNull(),
    avatar: text("avatar"),
    role: text("role", { enum: ["customer", "staff", "admin"] })
      .notNull()
      .default("customer"),
    followsOa: integer("follows_oa", { mode: "boolean" }).notNull().default(false),
    followedAt: integer("followed_at"),
    unfollowedAt: integer("unfollowed_at"),
    lastInteractionAt: integer("last_interaction_at"),
    /** Cached sum of the ledger, changed only in the same transaction as a ledger entry; never below 0. */
    pointsBalance: integer("points_balance").notNull().default(0),
    /** Every earn point ever (never goes down): the running total the tier window is measured from. */
    pointsEarnedTotal: integer("points_earned_total").notNull().default(0),
    /** The shopper's own message preferences (CustomerPrefs JSON): offers per week, pause, muted categories. */
    prefs: text("prefs").notNull().default("{}"),
    /** Until when an unfollow blamed on our messages tightens this person's promotions. */
    fatigueUntil: integer("fatigue_until"),
    /** What the shopper shows at the counter to earn points (stable; staff scan or type it). */
    memberCode: text("member_code").notNull().unique(),
    /** `YYYY-MM-DD`, or `MM-DD` when the year is not known (shared BirthDate); segments read its month. */
    birthDate: text("birth_date"),
    /** When the shopper agreed that the shop keeps their birthday to send a birthday gift (null: no birthday they gave). */
    birthDateConsentAt: integer("birth_date_consent_at"),
    /** Set when the person's data was erased on request: the row stays (ledger, orders, audit point at it), anonymised. */
    erasedAt: integer("erased_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /**
     * The name as the CRM's search sees it (customers/search-key.ts: lower case, no marks, đ → d), written
     * by the customers repo with every name; '' until then (filled at start for older rows) and for the erased.
     * customers_fts indexes it (hand-written migration: external content, kept in step by triggers).
     */
    searchName: text("search_name").notNull().default(""),
    /** The phone reversed, so "ends in 5678" is a prefix range on an index. Computed by SQLite (phones are ≤ 15 digits). */
    phoneRev: text("phone_rev").generatedAlwaysAs(REVERSED_PHONE, { mode: "virtual" }),
  },
  (t) => [
    index("customers_phone_idx").on(t.phone),
    // The CRM list's sorts and search (keyset pages; the rowid is each index's last column).
    index("customers_search_name_idx").on(t.searchName),
    index("customers_phone_rev_idx").on(t.phoneRev),
    index("customers_points_idx").on(t.pointsBalance),
    // The few with a role (staff, Zalo admins): the console's staff list reads them without a scan.
    index("customers_role_idx")
      .on(t.role)
      .where(sql`${t.role} <> 'customer'`),
    index("customers_last_interaction_idx").on(sql`coalesce(${t.lastInteractionAt}, 0)`),
    // Segments: the candidates of a tier (earned in the window is at most the running total) and of a birthday
    // month (the segment compiler's own expression), so a count need not test every customer.
    index("customers_earned_total_idx").on(t.pointsEarnedTotal),
    index("customers_birth_month_idx").on(sql`cast(substr(${t.birthDate}, -5, 2) as integer)`),
  ],
);

/** Labels the shop puts on people ("vip", "office-lunch"…) to aim broadcasts. */
export const customerTags = sqliteTable(
  "customer_tags",
  {
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.tag] }), index("customer_tags_tag_idx").on(t.tag)],
);

/**
 * The week's hours of a store nobody has set them for: open all day, every day (ALWAYS_OPEN_WEEK in
 * @mc/shared/store-hours; stores/store-rows.test.ts checks the two agree). Stores made before hours existed
 * keep taking orders at any time until the shop sets its hours.
 */
export const ALWAYS_OPEN_WEEK_JSON =
  '{"mon":[{"open":"00:00","close":"24:00"}],"tue":[{"open":"00:00","close":"24:00"}],"wed":[{"open":"00:00","close":"24:00"}],' +
  '"thu":[{"open":"00:00","close":"24:00"}],"fri":[{"open":"00:00","close":"24:00"}],"sat":[{"open":"00:00","close":"24:00"}],' +
  '"sun":[{"open":"00:00","close":"24:00"}]}';

export const stores = sqliteTable("stores", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  address: text("address").notNull().default(""),
  /** false: closed (hidden from shoppers, takes no orders) until an admin activates it again. */
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  /** WeekHours JSON: per weekday the open intervals, local wall time. */
  week: text("week").notNull().default(ALWAYS_OPEN_WEEK_JSON),
  /** HoursException[] JSON: dates closed all day or with their own hours. */
  exceptions: text("exceptions").notNull().default("[]"),
  /** IANA zone of the hours; null: the shop's SHOP_TIME_ZONE. */
  timeZone: text("time_zone"),
  /** Why an inactive store is closed (shown in the console and to a shopper whose order it refuses). */
  closedReason: text("closed_reason"),
  updatedAt: integer("updated_at"),
  /** WGS84 position (both or neither): the auto-reply answers a shared location with the nearest open store. */
  lat: real("lat"),
  lng: real("lng"),
});

/** Which stores a staff member works at: staff actions are scoped to these. */
export const staffStores = sqliteTable(
  "staff_stores",
  {
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.storeId] })],
);

/** What the shop writes down about a person (personal data: erased with them). The author's name is kept as it was. */
export const customerNotes = sqliteTable(
  "customer_notes",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    authorKind: text("author_kind", { enum: ["admin", "customer", "system"] }).notNull(),
    authorId: text("author_id").notNull(),
    authorName: text("author_name").notNull(),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("customer_notes_customer_idx").on(t.customerId, t.createdAt)],
);

/** Web-console operators who sign in with email and password. */
/** Web-console operators: their own email and password, one role each (operators before roles existed are owners). */
export const adminUsers = sqliteTable("admin_users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["owner", "marketer", "store_manager"] })
    .notNull()
    .default("owner"),
  name: text("name").notNull().default(""),
  /** A deactivated account cannot sign in, and its live sessions stop at their next request. */
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  /** Carried in each session token: a password reset or a deactivation moves it on, and older sessions stop. */
  sessionVersion: integer("session_version").notNull().default(0),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at"),
});

/** The stores a store manager runs: their console acts only there. */
export const adminUserStores = sqliteTable(
  "admin_user_stores",
  {
    adminUserId: text("admin_user_id")
      .notNull()
      .references(() => adminUsers.id, { onDelete: "cascade" }),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.adminUserId, t.storeId] })],
);

/** The OA token pair. One row; the rotated refresh token is saved here before the new access token is used. */
export const oaTokens = sqliteTable("oa_tokens", {
  id: integer("id").primaryKey(),
  accessToken: text("access_token").notNull(),
  refreshToken: text("refresh_token").notNull(),
  expiresAt: integer("expires_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** Bumped on every new pair: a process that lost a refresh race sees it moved and re-reads. */
  version: integer("version").notNull().default(0),
  /** sha256 of the pair the environment last supplied: a different env pair wins, the same one keeps the stored (rotated) pair. */
  envFingerprint: text("env_fingerprint"),
  /** Where the pair came from: the environment, or the console's OAuth connect. */
  source: text("source", { enum: ["env", "console"] })
    .notNull()
    .default("env"),
  /** The connected OA as Zalo named it at connect (`/v2.0/oa/getoa`). */
  oaId: text("oa_id"),
  oaName: text("oa_name"),
  connectedAt: integer("connected_at"),
  /** A process is refreshing until then (wall clock): the others wait and re-read instead of spending the refresh token. */
  refreshLeaseUntil: integer("refresh_lease_until"),
  /** Zalo refused the refresh token (spent, revoked, expired): an OA admin must connect again; messages wait. */
  reconnectSince: integer("reconnect_since"),
  reconnectReason: text("reconnect_reason"),
});

/** A console "Kết nối OA" in progress (OAuth v4 + PKCE): single use, ten minutes, bound to the owner who started it. */
export const oaConnectStates = sqliteTable("oa_connect_states", {
  state: text("state").primaryKey(),
  codeVerifier: text("code_verifier").notNull(),
  adminUserId: text("admin_user_id").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
});

/** Every verified webhook, stored once per dedupe key: Zalo retries, we act once. */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    dedupeKey: text("dedupe_key").notNull(),
    eventName: text("event_name").notNull(),
    payload: text("payload").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [uniqueIndex("webhook_events_dedupe_idx").on(t.dedupeKey)],
);

/**
 * The admin's follower sync over Zalo's `user/getlist` (50 a page): one row per run, its cursor (`next_offset`)
 * stored after every page, so a run stopped by a restart resumes where it was. `lease_until`: the process
 * running it holds it until then (renewed each page), so two processes never page the same run.
 */
export const followerSyncs = sqliteTable(
  "follower_syncs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    state: text("state", { enum: ["running", "done", "failed"] }).notNull(),
    nextOffset: integer("next_offset").notNull().default(0),
    /** Zalo's `total` from the last page read. */
    total: integer("total"),
    seen: integer("seen").notNull().default(0),
    /** Followers this run learnt of (no follow known before), of whom `created` were new customer rows. */
    newFollowers: integer("new_followers").notNull().default(0),
    created: integer("created").notNull().default(0),
    error: text("error"),
    startedBy: text("started_by").notNull(),
    leaseUntil: integer("lease_until"),
    startedAt: integer("started_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("follower_syncs_state_idx").on(t.state)],
);

/**
 * Every verified follow and unfollow, once (written with the stored webhook event, so a redelivery adds
 * nothing), dated by Zalo's own stamp: a late retry older than the current state is history here too.
 * `source` is the webhook's (`oa_profile`…; `backfill` for rows made from the customers' columns).
 */
export const followEvents = sqliteTable(
  "follow_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    kind: text("kind", { enum: ["follow", "unfollow"] }).notNull(),
    source: text("source"),
    at: integer("at").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  // A person's timeline, and follows/unfollows per day (the dashboard, from the index alone).
  (t) => [index("follow_events_customer_idx").on(t.customerId, t.at), index("follow_events_at_kind_idx").on(t.at, t.kind)],
);

/**
 * Audit actions that are an operator's act on a person (`target_id` = the customer), shown in their CRM
 * timeline: the only rows `audit_log_person_idx` carries. A query must repeat this exact list for SQLite to
 * use that partial index; a new action here needs a migration that recreates the index. (`points.adjust` is
 * indexed but the timeline skips it: the ledger entry it audits says the same.)
 */
export const PERSON_ACTIONS = ["role.set", "customer.tags", "points.adjust", "customer.erase", "customer.export"] as const;
export const PERSON_ACTIONS_SQL = `(${PERSON_ACTIONS.map((a) => `'${a}'`).join(", ")})`;

/** Who did what, where and when: the console's changes, grants, counter awards and redemptions, orders. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    actorKind: text("actor_kind", { enum: ["admin", "customer", "system"] }).notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    targetId: text("target_id"),
    storeId: text("store_id"),
    details: text("details"),
    at: integer("at").notNull(),
  },
  // The console's audit page filters by actor, action, target or date, newest first, a page at a time: one
  // index per filter, each ending in `at` (and the rowid), so every filter is an index range read backwards
  // with no sort. Three of them append at their right edge (time, an action's range, an actor's range); the
  // target's takes a page per write at the customer's place, the price of finding what happened to someone.
  // The person index is the CRM timeline's (the console's rare acts on a person, without the awards).
  (t) => [
    index("audit_log_person_idx")
      .on(t.targetId, t.at)
      .where(sql.raw(`action in ${PERSON_ACTIONS_SQL}`)),
    index("audit_log_at_idx").on(t.at),
    index("audit_log_actor_idx").on(t.actorId, t.at),
    index("audit_log_action_idx").on(t.action, t.at),
    index("audit_log_target_idx").on(t.targetId, t.at),
  ],
);

/**
 * Append-only points ledger. `sourceKey` is the idempotency key of whatever caused the entry
 * (`purchase:<store>:<receipt>`, `voucher:<id>`, `adjust:<key>`…): a retry writes nothing new.
 */
export const pointsLedger = sqliteTable(
  "points_ledger",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    kind: text("kind", { enum: ["earn", "spend", "expire", "adjust", "reverse"] }).notNull(),
    delta: integer("delta").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    reason: text("reason").notNull(),
    sourceKey: text("source_key").notNull().unique(),
    storeId: text("store_id"),
    actorKind: text("actor_kind", { enum: ["admin", "customer", "system"] }).notNull(),
    actorId: text("actor_id").notNull(),
    expiresAt: integer("expires_at"),
    createdAt: integer("created_at").notNull(),
    /** The customer's earn points from their first entry up to and including this one (a running sum). */
    earnedToDate: integer("earned_to_date").notNull().default(0),
  },
  (t) => [
    index("points_ledger_expiry_idx").on(t.expiresAt),
    // The one customer-keyed index (each is a random page written per award). It orders a customer's
    // history by date, and "points earned in the tier window" (read on every award) is the customer's
    // running total minus the running sum at the last entry before the window: one seek here.
    // delta and expires_at ride along so the profile's "points expiring soon" (every entry of the person, oldest
    // first) reads the index alone, not a random row per entry; no extra index write per award.
    index("points_ledger_window_idx").on(t.customerId, t.createdAt, t.earnedToDate, t.delta, t.expiresAt),
    // The dashboard's points per day: covering, and keyed by time, so each entry is appended at the right edge.
    index("points_ledger_created_idx").on(t.createdAt, t.kind, t.delta),
    // Segments: who earned points at a store since a time (a visit; a count's candidates). Store-keyed, so an
    // award writes near the right edge of its store's range.
    index("points_ledger_store_visit_idx")
      .on(t.storeId, t.createdAt, t.customerId)
      .where(sql`${t.kind} = 'earn' and ${t.storeId} is not null`),
  ],
);

/** Earning rule and tiers, versioned: the newest row is in force, older rows say who changed what. */
export const loyaltyRules = sqliteTable("loyalty_rules", {
  version: integer("version").primaryKey({ autoIncrement: true }),
  rules: text("rules").notNull(),
  changedBy: text("changed_by").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const voucherCampaigns = sqliteTable("voucher_campaigns", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  kind: text("kind", { enum: ["amount_off", "percent_off", "free_item"] }).notNull(),
  value: integer("value").notNull(),
  maxDiscountVnd: integer("max_discount_vnd"),
  freeItem: text("free_item"),
  minSpendVnd: integer("min_spend_vnd").notNull().default(0),
  /** null = unlimited; otherwise `issued` never passes it (conditional update). */
  stock: integer("stock"),
  issued: integer("issued").notNull().default(0),
  perCustomerLimit: integer("per_customer_limit").notNull().default(1),
  validFrom: integer("valid_from"),
  validTo: integer("valid_to"),
  validDaysAfterClaim: integer("valid_days_after_claim"),
  costPoints: integer("cost_points").notNull().default(0),
  storeIds: text("store_ids").notNull().default("[]"),
  requiresFollow: integer("requires_follow", { mode: "boolean" }).notNull().default(false),
  listed: integer("listed", { mode: "boolean" }).notNull().default(true),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

// Expression indexes (the three *_LAST_AT below): drizzle-kit splits an index expression at its commas when it
// writes SQL, so their CREATE INDEX in the migration is written by hand (its snapshot holds them right).

/** The latest moment any event of a voucher can have (its expiry counts: "expired" is derived from it). */
export const VOUCHER_LAST_AT = "max(issued_at, expires_at, coalesce(redeemed_at, 0), coalesce(voided_at, 0))";

/** One row per issued voucher: issued → redeemed | void, each by a conditional update. Expired is derived. */
export const vouchers = sqliteTable(
  "vouchers",
  {
    id: text("id").primaryKey(),
    campaignId: text("campaign_id")
      .notNull()
      .references(() => voucherCampaigns.id),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    code: text("code").notNull().unique(),
    status: text("status", { enum: ["issued", "redeemed", "void"] })
      .notNull()
      .default("issued"),
    source: text("source").notNull(),
    /** Idempotency of whatever issued it (a claim request, a game prize…). */
    sourceKey: text("source_key").unique(),
    issuedAt: integer("issued_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    redeemedAt: integer("redeemed_at"),
    redeemedStoreId: text("redeemed_store_id"),
    redeemedBy: text("redeemed_by"),
    voidedAt: integer("voided_at"),
    voidReason: text("void_reason"),
  },
  (t) => [
    index("vouchers_customer_idx").on(t.customerId, t.issuedAt),
    index("vouchers_campaign_customer_idx").on(t.campaignId, t.customerId),
    // The CRM timeline: a voucher's events (issued, redeemed, voided, expired) lie in [issued_at, VOUCHER_LAST_AT].
    index("vouchers_timeline_idx").on(t.customerId, sql.raw(VOUCHER_LAST_AT), t.issuedAt),
    // The dashboard's redemptions per store per day; partial, so issuing (a campaign's thousands) never writes it.
    index("vouchers_redeemed_idx")
      .on(t.redeemedAt, t.redeemedStoreId)
      .where(sql`${t.redeemedAt} is not null`),
    // The console's counts per campaign (redeemed per store, expired unused): one covering scan, grouped in index order.
    index("vouchers_campaign_status_idx").on(t.campaignId, t.status, t.redeemedStoreId, t.expiresAt),
    // Segments: who redeemed a voucher at a store since a time (a visit; a count's candidates).
    // A person's redemptions at a store (their last visit, a store visited): one seek, index only.
    index("vouchers_customer_redeemed_idx")
      .on(t.customerId, t.redeemedAt, t.redeemedStoreId)
      .where(sql`${t.status} = 'redeemed' and ${t.redeemedStoreId} is not null`),
    // The automations' "voucher expiring in N days" scan: unused vouchers by expiry (partial: used ones leave it).
    index("vouchers_expiring_idx")
      .on(t.expiresAt, t.id)
      .where(sql`${t.status} = 'issued'`),
    index("vouchers_redeemed_store_idx")
      .on(t.redeemedStoreId, t.redeemedAt, t.customerId)
      .where(sql`${t.status} = 'redeemed' and ${t.redeemedStoreId} is not null`),
  ],
);

/**
 * The short code a shopper reads out at the counter, one per QR the voucher screen fetched: it lives as
 * long as that QR, so a screenshot stops working for a typed code too. Kept a while past its expiry so
 * the counter can say "out of date" rather than "no such code"; the code is unique among the rows kept.
 */
export const voucherCounterCodes = sqliteTable(
  "voucher_counter_codes",
  {
    code: text("code").primaryKey(),
    voucherId: text("voucher_id")
      .notNull()
      .references(() => vouchers.id),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("voucher_counter_codes_expiry_idx").on(t.expiresAt)],
);

// ---- games: in-store QR games and the OA follow flow ----

/** A lucky wheel or scratch card that store QR codes open. Limits and the per-store daily prize budget live here. */
export const gameCampaigns = sqliteTable("game_campaigns", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  kind: text("kind", { enum: ["wheel", "scratch"] }).notNull(),
  /** JSON array of store ids; empty = every store. */
  storeIds: text("store_ids").notNull().default("[]"),
  startsAt: integer("starts_at"),
  endsAt: integer("ends_at"),
  playsPerDay: integer("plays_per_day").notNull().default(1),
  playsPerCustomer: integer("plays_per_customer"),
  dailyPrizeBudgetPerStore: integer("daily_prize_budget_per_store"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * One slice of a game, with its published weight. `won` only passes `stock` through a conditional
 * update inside the draw transaction; retired slices keep their history but are never drawn.
 */
export const gamePrizes = sqliteTable(
  "game_prizes",
  {
    id: text("id").primaryKey(),
    campaignId: text("campaign_id")
      .notNull()
      .references(() => gameCampaigns.id),
    position: integer("position").notNull(),
    label: text("label").notNull(),
    kind: text("kind", { enum: ["voucher", "points", "none"] }).notNull(),
    voucherCampaignId: text("voucher_campaign_id").references(() => voucherCampaigns.id),
    points: integer("points"),
    weight: integer("weight").notNull(),
    stock: integer("stock"),
    won: integer("won").notNull().default(0),
    requiresFollow: integer("requires_follow", { mode: "boolean" }).notNull().default(false),
    retired: integer("retired", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("game_prizes_campaign_idx").on(t.campaignId, t.position)],
);

/** The latest event of a draw: its settlement, else the play. */
export const DRAW_LAST_AT = "coalesce(settled_at, created_at)";

/** Every play: who, where, when, what the RNG picked and what the person got. */
export const gameDraws = sqliteTable(
  "game_draws",
  {
    id: text("id").primaryKey(),
    campaignId: text("campaign_id")
      .notNull()
      .references(() => gameCampaigns.id),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    /** Shop-local day (YYYY-MM-DD): plays per day and the store budget count on it. */
    day: text("day").notNull(),
    /** The slice the RNG picked, and the slice the person got (the "no prize" slice when stock or budget ran out). */
    drawnPrizeId: text("drawn_prize_id")
      .notNull()
      .references(() => gamePrizes.id),
    prizeId: text("prize_id")
      .notNull()
      .references(() => gamePrizes.id),
    win: integer("win", { mode: "boolean" }).notNull(),
    fallbackReason: text("fallback_reason"),
    requiresFollow: integer("requires_follow", { mode: "boolean" }).notNull().default(false),
    state: text("state", { enum: ["none", "pending_follow", "issued", "void", "failed"] }).notNull(),
    voucherId: text("voucher_id"),
    points: integer("points"),
    /** Idempotency of the play request (`play:<customer>:<requestId>`). */
    requestKey: text("request_key").unique(),
    createdAt: integer("created_at").notNull(),
    settledAt: integer("settled_at"),
    settleReason: text("settle_reason"),
  },
  (t) => [
    index("game_draws_customer_idx").on(t.customerId, t.campaignId, t.day),
    index("game_draws_store_day_idx").on(t.campaignId, t.storeId, t.day, t.win),
    index("game_draws_pending_idx").on(t.customerId, t.state),
    index("game_draws_campaign_idx").on(t.campaignId, t.createdAt),
    // The CRM timeline: a play at created_at, its settlement (a prize issued on follow, void) at settled_at.
    index("game_draws_timeline_idx").on(t.customerId, sql.raw(DRAW_LAST_AT), t.createdAt),
    // The dashboard's plays per store over a range of days (every campaign): time-keyed, appended at the right edge.
    index("game_draws_created_idx").on(t.createdAt, t.storeId, t.customerId),
    // Whether a play is its player's first at that store (the dashboard's new players): one seek, index only.
    index("game_draws_customer_store_idx").on(t.customerId, t.storeId, t.createdAt),
    // Whether any draw landed on a prize (an edit may then no longer change what it gives): one seek.
    index("game_draws_prize_idx").on(t.prizeId),
  ],
);

/**
 * "The outbox row's state is one of these", as OR'd equalities: SQLite evaluates an IN list of more than two
 * constants through a temporary table it builds for each run of a statement, which every write to an outbox row
 * would pay for (twice) in each partial index with such a condition. A query repeats the exact expression, or
 * SQLite will not use the index.
 */
const stateIs = (states: readonly string[]) => `(${states.map((s) => `state = '${s}'`).join(" or ")})`;
/** The outbox row went out: `outbox_sent_idx`'s condition. */
export const OUTBOX_WENT_OUT = stateIs(["sent", "delivered", "seen"]);
/** The outbox row ended (or is held, waiting): `outbox_ended_idx`'s condition. */
export const OUTBOX_ENDED = stateIs(["held", "suppressed", "expired", "failed", "cancelled"]);

/**
 * The outbox: every message to a customer, written in the same transaction as its cause. Only the dispatcher
 * sends rows, and its id is the ZNS tracking_id, so a receipt always finds its row.
 * queued → ready (decided, slot taken) → sending (its request in flight) → sent → delivered → seen, or held
 * (until not_before), suppressed, failed, expired, cancelled.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Null only for a row addressed to a bare phone (`to_phone`): the admin's ZNS test send, outside any customer's history. */
    customerId: text("customer_id").references(() => customers.id),
    /** The recipient of a row with no customer (the admin's ZNS test send), sent by ZNS only. */
    toPhone: text("to_phone"),
    /** ZNS development mode (§7.6: delivers only to app/OA admins, from the test wallet). */
    development: integer("development", { mode: "boolean" }).notNull().default(false),
    category: text("category", { enum: ["transactional", "care", "promotion"] }).notNull(),
    priority: integer("priority").notNull().default(5),
    /** The cause's idempotency key (`order:<id>:ready`, `welcome:<customer>`…). Broadcast rows have none: a
     * broadcast is snapshotted once, in the transaction that starts it, so a per-row key would only cost. */
    dedupeKey: text("dedupe_key"),
    source: text("source").notNull(),
    text: text("text"),
    imageUrl: text("image_url"),
    /** A CS `message.attachment` as Zalo takes it (JSON): an uploaded image by its attachment id, a request for
     * user info. Fixed when queued, so a retry or a restart sends the same attachment and never uploads again. */
    csAttachment: text("cs_attachment"),
    templateId: text("template_id"),
    templateData: text("template_data"),
    state: text("state", { enum: ["queued", "held", "ready", "sending", "sent", "delivered", "seen", "suppressed", "failed", "expired", "cancelled"] })
      .notNull()
      .default("queued"),
    reason: text("reason"),
    notBefore: integer("not_before"),
    expiresAt: integer("expires_at"),
    channel: text("channel", { enum: ["cs", "template_uid", "zns"] }),
    free: integer("free", { mode: "boolean" }),
    attempts: integer("attempts").notNull().default(0),
    /** JSON [{channel, reason}]: channels Zalo refused for this row (-230/-213 CS, -249 UID); it is never tried there again. */
    refused: text("refused"),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
    zaloMsgId: text("zalo_msg_id"),
    zaloError: integer("zalo_error"),
    broadcastId: text("broadcast_id"),
    /** Set when the person unfollowed soon after this message: counted against its campaign. */
    unfollowBlamedAt: integer("unfollow_blamed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    sentAt: integer("sent_at"),
    deliveredAt: integer("delivered_at"),
    seenAt: integer("seen_at"),
  },
  (t) => [
    uniqueIndex("outbox_dedupe_idx")
      .on(t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
    // The dispatcher's seeks by state (`sending` left in flight, stale `ready`, `held` to redecide), and the
    // dashboard's messages still waiting, per day queued (state, created_at: index-only). Nothing ranges over
    // not_before (the claim compares coalesce(not_before, 0)), and created_at never changes, so an entry moves
    // only when the row's state does.
    index("outbox_ready_idx").on(t.state, t.createdAt),
    // Partial indexes: a broadcast plan inserts a million unsent rows, which these need not carry.
    index("outbox_customer_sent_idx")
      .on(t.customerId, t.sentAt)
      .where(sql`${t.sentAt} is not null`),
    index("outbox_broadcast_idx")
      .on(t.broadcastId, t.state)
      .where(sql`${t.broadcastId} is not null`),
    // The dispatcher's claim, per source (no broadcast, or one broadcast) in priority order (then id).
    index("outbox_claim_idx")
      .on(t.broadcastId, sql`${t.priority} desc`)
      .where(sql`${t.state} in ('queued', 'held')`),
    // A broadcast's unfollow count (its view, every console poll) without reading each of its rows: few are blamed.
    index("outbox_blamed_idx")
      .on(t.broadcastId)
      .where(sql`${t.unfollowBlamedAt} is not null`),
    index("outbox_zalo_msg_idx")
      .on(t.zaloMsgId)
      .where(sql`${t.zaloMsgId} is not null`),
    // A person's messages in the CRM timeline, unsent ones too. Not partial, so a broadcast plan pays one
    // more index entry per recipient row (a random page: customer ids are uuids).
    index("outbox_customer_idx").on(t.customerId, t.createdAt),
    // The dashboard counts each event on its own day, from the index alone (a row is ~10× an entry). These are
    // partial, so a broadcast plan's million queued rows are in none of them, and keyed by the event's time, so
    // an entry is written at the right edge when the event happens. Went out (with its cost): a row enters at
    // `sent` and is rewritten in place as it is delivered and seen (the state is in the condition, so also a
    // column: SQLite re-reads the row for a condition column the index does not carry).
    index("outbox_sent_idx").on(t.sentAt, t.channel, t.free, t.state).where(sql.raw(OUTBOX_WENT_OUT)),
    index("outbox_delivered_idx")
      .on(t.deliveredAt)
      .where(sql`${t.deliveredAt} is not null`),
    index("outbox_seen_idx")
      .on(t.seenAt)
      .where(sql`${t.seenAt} is not null`),
    // Ended (and held) rows on the day of their last change: an ended row is never updated again (erasure
    // blanks its text but leaves updated_at), a held one moves each time the dispatcher looks at it again.
    index("outbox_ended_idx").on(t.updatedAt, t.state, t.reason).where(sql.raw(OUTBOX_ENDED)),
  ],
);

/** Warming rules (caps, quiet hours, floor, fatigue), versioned: newest in force, history says who changed what. */
export const warmingRules = sqliteTable("warming_rules", {
  version: integer("version").primaryKey({ autoIncrement: true }),
  rules: text("rules").notNull(),
  changedBy: text("changed_by").notNull(),
  note: text("note"),
  createdAt: integer("created_at").notNull(),
});

/** Zalo ZNS templates the admin registered (id from Zalo), with their params, to validate before queueing. */
export const znsTemplates = sqliteTable("zns_templates", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  tag: integer("tag").notNull(),
  params: text("params").notNull(),
  uid: integer("uid", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  /** Zalo's review status when last read (ENABLE, PENDING_REVIEW, REJECT, DISABLE, DELETE); only ENABLE sends. */
  zaloStatus: text("zalo_status").notNull().default("ENABLE"),
  /** Zalo's own name of the template (`name` is the shop's label for it); null when registered by hand. */
  zaloName: text("zalo_name"),
  /** Per-message price in VND, as Zalo quoted it. */
  priceVnd: integer("price_vnd"),
  /** When its detail was last read from Zalo; null for a template registered by hand. */
  syncedAt: integer("synced_at"),
  /** Switched off here: nothing new is queued with it and the dispatcher fails what is still queued. */
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
});

export const broadcasts = sqliteTable("broadcasts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  category: text("category", { enum: ["care", "promotion"] }).notNull(),
  text: text("text"),
  imageUrl: text("image_url"),
  templateId: text("template_id"),
  templateData: text("template_data"),
  audience: text("audience").notNull(),
  /** `planning` while the outbox rows are written in slices; the dispatcher sends only `running` broadcasts. */
  state: text("state", { enum: ["draft", "planning", "scheduled", "running", "paused", "tripped", "cancelled", "done"] })
    .notNull()
    .default("draft"),
  scheduledAt: integer("scheduled_at"),
  expiresAt: integer("expires_at"),
  /** Stop the broadcast when unfollows / sent passes this (after `breakerMinSent` sends). */
  breakerRate: real("breaker_rate").notNull().default(0.02),
  breakerMinSent: integer("breaker_min_sent").notNull().default(200),
  recipients: integer("recipients").notNull().default(0),
  /** The plan's progress: customers up to this rowid have their outbox row (set with them, slice by slice). */
  plannedThrough: integer("planned_through"),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
  startedAt: integer("started_at"),
  finishedAt: integer("finished_at"),
});

// ---- orders: menu, cart, checkout, order status ----

export const menuCategories = sqliteTable("menu_categories", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  position: integer("position").notNull().default(0),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * A menu picture, made by the server from an upload: a square thumbnail and a larger one, both WebP. Kept in the
 * database rather than as files so a backup (one SQLite file) carries them, a save that names one is checked in the
 * same transaction, and a fresh database starts with none. Tens of kB each; served with immutable cache headers.
 */
export const menuImages = sqliteTable("menu_images", {
  /** The first 24 hex digits of the SHA-256 of the uploaded bytes: the same upload is the same image. */
  id: text("id").primaryKey(),
  thumb: blob("thumb", { mode: "buffer" }).notNull(),
  large: blob("large", { mode: "buffer" }).notNull(),
  /** The large picture's size in pixels. */
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * A menu item. Option groups (size: one of; toppings: many of; each option with a price delta) are JSON:
 * they are read and priced as a whole, and every order line keeps its own copy of what was chosen and at what price.
 */
export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    categoryId: text("category_id")
      .notNull()
      .references(() => menuCategories.id),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    priceVnd: integer("price_vnd").notNull(),
    imageUrl: text("image_url"),
    imageId: text("image_id").references(() => menuImages.id),
    /** Place in its category (the console's drag order); ties by name. */
    position: integer("position").notNull().default(0),
    optionGroups: text("option_groups").notNull().default("[]"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("products_category_idx").on(t.categoryId)],
);

/** Where a product is sold, and whether it is available there right now (staff mark it sold out). */
export const productStores = sqliteTable(
  "product_stores",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    available: integer("available", { mode: "boolean" }).notNull().default(true),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.storeId] }), index("product_stores_store_idx").on(t.storeId)],
);

/**
 * A shopper's cart at one store, kept on the server (the carts module is its only writer) so it reopens on another
 * device and the abandoned-cart reminder knows it. Lines are JSON (read and written whole): product, options,
 * quantity, and the menu's names and prices when saved. `version` grows with each change: the reminder's
 * occurrence is one version, so it fires once per abandonment, not once per edit. An order or an emptied cart
 * deletes the row.
 */
export const carts = sqliteTable(
  "carts",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    lines: text("lines").notNull(),
    version: integer("version").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("carts_customer_store_idx").on(t.customerId, t.storeId)],
);

/** The latest status change of an order (every stamp the lifecycle writes). */
export const ORDER_LAST_AT = "max(created_at, coalesce(confirmed_at, 0), coalesce(ready_at, 0), coalesce(completed_at, 0), coalesce(cancelled_at, 0))";

/**
 * One order, priced by the server. placed → confirmed → ready → completed, or cancelled (with a reason).
 * A voucher is reserved by the order that carries it while that order is live (the partial unique index:
 * two live orders can never hold one voucher) and redeemed once when the order completes.
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    code: text("code").notNull().unique(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    status: text("status", { enum: ["placed", "confirmed", "ready", "completed", "cancelled"] }).notNull(),
    pickupType: text("pickup_type", { enum: ["pickup", "table"] }).notNull(),
    pickupAt: integer("pickup_at"),
    tableLabel: text("table_label"),
    paymentMethod: text("payment_method", { enum: ["counter", "zalopay"] }).notNull(),
    paymentStatus: text("payment_status", { enum: ["unpaid", "pending", "paid", "failed", "refund_due", "refunded"] })
      .notNull()
      .default("unpaid"),
    subtotalVnd: integer("subtotal_vnd").notNull(),
    discountVnd: integer("discount_vnd").notNull().default(0),
    totalVnd: integer("total_vnd").notNull(),
    voucherId: text("voucher_id").references(() => vouchers.id),
    /** What happened to the voucher: reserved → redeemed (completed) → restored | kept (cancelled after completion), or released. */
    voucherState: text("voucher_state", { enum: ["reserved", "redeemed", "released", "restored", "kept", "conflict"] }),
    /** Idempotency of the placing request (`<customer>:<requestId>`). */
    requestKey: text("request_key").notNull().unique(),
    checkoutOrderId: text("checkout_order_id").unique(),
    zaloTransId: text("zalo_trans_id"),
    /** The method the shopper took in Zalo's Checkout sheet (`COD`, `BANK`, or the online one), from notify / callback. */
    checkoutMethod: text("checkout_method"),
    /** updateOrderStatus (§8.4) for a COD/bank Checkout order: the resultCode Zalo must be told (1 paid, -1 failed, 2 refunded) and the last it accepted. */
    checkoutReportDue: integer("checkout_report_due"),
    checkoutReported: integer("checkout_reported"),
    /** A reporter's claim (ms): one process at a time sends a report; a crashed one's claim lapses. */
    checkoutReportLease: integer("checkout_report_lease"),
    checkoutReportError: text("checkout_report_error"),
    /** A manual refund of a cancelled paid order (no refund API is documented): who marked it done, when, and their note. */
    refundedAt: integer("refunded_at"),
    refundedBy: text("refunded_by"),
    refundNote: text("refund_note"),
    pointsEarned: integer("points_earned").notNull().default(0),
    pointsReversed: integer("points_reversed").notNull().default(0),
    /** Points that could not be taken back on cancellation because the shopper had already spent them. */
    pointsShortfall: integer("points_shortfall").notNull().default(0),
    cancelReason: text("cancel_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    confirmedAt: integer("confirmed_at"),
    readyAt: integer("ready_at"),
    completedAt: integer("completed_at"),
    cancelledAt: integer("cancelled_at"),
    paidAt: integer("paid_at"),
  },
  (t) => [
    index("orders_customer_idx").on(t.customerId, t.createdAt),
    // The CRM timeline: an order's status changes lie in [created_at, ORDER_LAST_AT].
    index("orders_timeline_idx").on(t.customerId, sql.raw(ORDER_LAST_AT), t.createdAt),
    index("orders_store_status_idx").on(t.storeId, t.status, t.createdAt),
    // Segments: a person's completed orders (last order, count and spend in a window, visits) in one seek, index only,
    // and the completed orders at a store since a time (who visited it: a count's candidates).
    index("orders_completed_idx")
      .on(t.customerId, t.completedAt, t.totalVnd, t.storeId)
      .where(sql`${t.status} = 'completed'`),
    index("orders_completed_store_idx")
      .on(t.storeId, t.completedAt, t.customerId)
      .where(sql`${t.status} = 'completed'`),
    uniqueIndex("orders_voucher_live_idx")
      .on(t.voucherId)
      .where(sql`voucher_id is not null and status in ('placed','confirmed','ready')`),
    // The Checkout reports still owed to Zalo, and the refunds still to be made (the console's task list).
    index("orders_checkout_report_idx")
      .on(t.checkoutReportDue)
      .where(sql`checkout_report_due is not null`),
    index("orders_refund_due_idx")
      .on(t.cancelledAt)
      .where(sql`payment_status = 'refund_due'`),
  ],
);

/** The priced lines of an order, copied from the menu at the time (later menu edits never change an order). */
export const orderLines = sqliteTable(
  "order_lines",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceVnd: integer("unit_price_vnd").notNull(),
    options: text("options").notNull().default("[]"),
    lineTotalVnd: integer("line_total_vnd").notNull(),
  },
  // With the quantity: the timeline's "n items" per order from the index alone.
  (t) => [index("order_lines_order_idx").on(t.orderId, t.quantity)],
);

// ---- segments: saved audiences (rules compiled to one SQL condition by modules/segments/repo.ts) ----

/** A named audience; its rules in force are the newest version's, copied here so a read needs one row. */
export const segments = sqliteTable("segments", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  version: integer("version").notNull(),
  /** SegmentRules JSON of `version`. */
  rules: text("rules").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** Deleted segments stay (with their versions) so a broadcast that used one can still say what it was. */
  deletedAt: integer("deleted_at"),
});

/** Every version of a segment, never edited: an update writes the next one. */
export const segmentVersions = sqliteTable(
  "segment_versions",
  {
    segmentId: text("segment_id")
      .notNull()
      .references(() => segments.id),
    version: integer("version").notNull(),
    name: text("name").notNull(),
    rules: text("rules").notNull(),
    changedBy: text("changed_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.version] })],
);

/**
 * The dashboard's figures of settled days (days over long enough ago that nothing more lands on them), each
 * computed once: one row per shop-local day (`YYYY-MM-DD`) and figure, its data as JSON. The dashboard module
 * is its only writer; dropping every row is always safe (the figures are computed again from the events).
 */
export const dashboardDays = sqliteTable(
  "dashboard_days",
  {
    day: text("day").notNull(),
    figure: text("figure").notNull(),
    data: text("data").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.figure] })],
);

/**
 * Auto-reply rules (issue #14): one row per intent, its keywords as a JSON array. The defaults are seeded by the
 * auto-replies module at start (insert or ignore), so a shop's edits are never overwritten.
 */
export const autoReplyRules = sqliteTable("auto_reply_rules", {
  intent: text("intent").primaryKey(),
  keywords: text("keywords").notNull(),
  priority: integer("priority").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Each follower message the auto-reply looked at, once (keyed by Zalo's msg_id): what it matched, whether it
 * wants a person, and whether it was told when someone answers (`after_hours_notice`, at most once per 12 h).
 */
export const autoReplyLog = sqliteTable(
  "auto_reply_log",
  {
    zaloMsgId: text("zalo_msg_id").primaryKey(),
    customerId: text("customer_id").notNull(),
    intent: text("intent"),
    handoff: integer("handoff", { mode: "boolean" }).notNull(),
    afterHoursNotice: integer("after_hours_notice", { mode: "boolean" }).notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("auto_reply_log_customer_idx").on(t.customerId, t.at)],
);

/**
 * Automations (owned by the automations module): trigger → optional wait → optional segment → message. The
 * recipes are seeded rows (the id is the recipe's key); the shop edits them and turns them on and off.
 */
export const automations = sqliteTable("automations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  trigger: text("trigger").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** 0 = send in the event's own transaction; otherwise a durable timer. */
  waitHours: real("wait_hours").notNull().default(0),
  /** Only people in this saved segment when the message is due (null = everyone). */
  segmentId: text("segment_id"),
  /** Rules on the event's facts, all of which must hold (JSON AutomationCondition[]; `[]` = none). */
  conditions: text("conditions").notNull().default("[]"),
  category: text("category", { enum: ["transactional", "care", "promotion"] }).notNull(),
  priority: integer("priority").notNull().default(5),
  /** The outbox `source` of its messages (the timeline's label). */
  source: text("source").notNull(),
  /** Text with `{var}` placeholders from the event. */
  text: text("text").notNull(),
  imageUrl: text("image_url"),
  /** A ZNS / template-by-UID template id, its params mapped from the event (`{ param: "{var}" }`, JSON). */
  templateId: text("template_id"),
  templateParams: text("template_params").notNull().default("{}"),
  /** How long a queued message stays relevant. */
  expiresHours: real("expires_hours").notNull().default(24),
  /** The expiring triggers' window: fires this many days before the points / voucher lapse; win-back: no order in this many days (else null). */
  withinDays: integer("within_days"),
  /** The birthday's gift: a voucher campaign issued once a year per person (vouchers' source key `birthday:<customer>:<year>`). */
  voucherCampaignId: text("voucher_campaign_id"),
  updatedBy: text("updated_by"),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * One row per occurrence of an automation's trigger for a person: the dedupe (unique automation + occurrence)
 * and, while `waiting`, the durable timer. Claimed with an owner + lease like the outbox, so a killed worker's
 * rows are taken again when the lease runs out; the outbox dedupe key makes a second run a no-op.
 */
export const automationRuns = sqliteTable(
  "automation_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    automationId: text("automation_id")
      .notNull()
      .references(() => automations.id),
    occurrenceKey: text("occurrence_key").notNull(),
    customerId: text("customer_id").notNull(),
    /** The event's variables (JSON), rendered into the message when it is due. */
    vars: text("vars").notNull().default("{}"),
    state: text("state", { enum: ["waiting", "queued", "skipped", "cancelled"] }).notNull(),
    /** Why it sent nothing: NOT_IN_SEGMENT, CONDITION_NOT_MET, AUTOMATION_OFF, DUPLICATE, CONTENT_INVALID. */
    reason: text("reason"),
    dueAt: integer("due_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
    createdAt: integer("created_at").notNull(),
    doneAt: integer("done_at"),
  },
  (t) => [
    uniqueIndex("automation_runs_occurrence_idx").on(t.automationId, t.occurrenceKey),
    // The timer worker's claim: only waiting rows, in due order.
    index("automation_runs_due_idx")
      .on(t.dueAt)
      .where(sql`${t.state} = 'waiting'`),
    index("automation_runs_customer_idx").on(t.customerId),
    // The console's figures per automation, from the index alone.
    index("automation_runs_figures_idx").on(t.automationId, t.state, t.reason),
  ],
);

/**
 * One conversation per person with the OA (the inbox module is its only writer). `store_id` is the store
 * whose staff see it: the store it was assigned to, else the person's last visited store when it opened.
 */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .unique()
      .references(() => customers.id),
    status: text("status", { enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    storeId: text("store_id"),
    /** A console operator's or a staff member's id (free text: the two id spaces differ). */
    assigneeId: text("assignee_id"),
    unread: integer("unread").notNull().default(0),
    /** An auto-reply handed it to a person (no rule matched, or they asked for one); cleared by a reply or a close. */
    needsPerson: integer("needs_person", { mode: "boolean" }).notNull().default(false),
    lastMessageAt: integer("last_message_at").notNull(),
    lastInboundAt: integer("last_inbound_at"),
    lastPreview: text("last_preview").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // The inbox list: by status (or all), newest first; and a store's, for staff.
    index("conversations_status_idx").on(t.status, t.lastMessageAt),
    index("conversations_recent_idx").on(t.lastMessageAt),
    index("conversations_store_idx").on(t.storeId, t.status, t.lastMessageAt),
  ],
);

/** Every follower message and every OA message to them (CS, template by UID), with Zalo's receipts. */
export const conversationMessages = sqliteTable(
  "conversation_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id),
    direction: text("direction", { enum: ["in", "out"] }).notNull(),
    /** text, image, gif, sticker, link, location, file, audio, video, business_card, template. */
    kind: text("kind").notNull(),
    text: text("text"),
    /** `text` as search sees it (customers/search-key.ts); conversation_messages_fts indexes it (hand-written, 0020). */
    searchText: text("search_text").notNull().default(""),
    /** Zalo's attachments as received (JSON), or null. */
    attachments: text("attachments"),
    zaloMsgId: text("zalo_msg_id").unique(),
    /** An OA message queued from the inbox: the outbox row's dedupe key, matched when the dispatcher sends it. */
    outboxKey: text("outbox_key").unique(),
    authorId: text("author_id"),
    /** held, failed, suppressed, expired: the outbox row's final word, with its reason (the dispatcher's). */
    state: text("state", { enum: ["received", "queued", "sent", "delivered", "seen", "held", "failed", "suppressed", "expired"] }).notNull(),
    reason: text("reason"),
    at: integer("at").notNull(),
    deliveredAt: integer("delivered_at"),
    seenAt: integer("seen_at"),
  },
  (t) => [index("conversation_messages_thread_idx").on(t.conversationId, t.at)],
);

/**
 * Each change to a conversation, in commit order (the inbox module is its only writer): the live stream of every
 * API process reads it, so a change the dispatcher process made reaches them too, and a reconnecting reader
 * resumes after the last id it saw (Last-Event-ID). Pruned after a day.
 */
export const conversationEvents = sqliteTable(
  "conversation_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: text("conversation_id").notNull(),
    storeId: text("store_id"),
    at: integer("at").notNull(),
  },
  (t) => [index("conversation_events_at_idx").on(t.at)],
);

/** The inbox's canned answers, edited in the console; `{name}`, `{points}`, `{last_order}` filled on insert. */
export const cannedAnswers = sqliteTable("canned_answers", {
  id: text("id").primaryKey(),
  label: text("label").notNull(),
  text: text("text").notNull(),
  position: integer("position").notNull().default(0),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * One rating per completed order, by the shopper who placed it (the ratings module is its only writer). The order
 * id is the key: a second submit finds it taken. Customer and store are copied from the order for the timeline
 * and the console's filters.
 */
export const orderRatings = sqliteTable(
  "order_ratings",
  {
    orderId: text("order_id")
      .primaryKey()
      .references(() => orders.id),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    stars: integer("stars").notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // The person's timeline; the console's list, newest first, shop-wide, by store, and by stars.
    index("order_ratings_customer_idx").on(t.customerId, t.createdAt),
    index("order_ratings_recent_idx").on(t.createdAt, t.orderId),
    index("order_ratings_store_idx").on(t.storeId, t.createdAt, t.orderId),
    index("order_ratings_stars_idx").on(t.stars, t.createdAt, t.orderId),
  ],
);

/**
 * One row per cluster-wide periodic job (points expiry, the keep-warm floor, …): whoever holds the lease runs
 * it, so several processes on one database never run the same job at once, and a crashed holder's lease
 * lapses. `last_finished_at` makes the period cluster-wide (an hourly job runs once an hour, not once per
 * process); `checkpoint` is where a long job notes how far it got, for the next holder to carry on.
 * Owned by modules/jobs.
 */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  owner: text("owner"),
  leaseUntil: integer("lease_until"),
  lastStartedAt: integer("last_started_at"),
  lastFinishedAt: integer("last_finished_at"),
  /** How many runs were started (each take): an operator, and the tests, can see a job ran once. */
  runs: integer("runs").notNull().default(0),
  checkpoint: text("checkpoint"),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Rates shared by every process on the database (issue #16). Two kinds of row, told apart by their key:
 * - a counter (`ip:…`): `hits` in the fixed window that ends at `until_at` (the API's per-address limits);
 * - a schedule (`zalo:app`): `hits` is the next free slot's index on a grid of equal slots (slot i is at
 *   i × the slot's length), so every slot is handed out once; `until_at` is when the row was last moved.
 * Owned by modules/rate-limits.
 */
export const rateBuckets = sqliteTable(
  "rate_buckets",
  {
    key: text("key").primaryKey(),
    hits: integer("hits").notNull(),
    untilAt: integer("until_at").notNull(),
  },
  (t) => [index("rate_buckets_until_idx").on(t.untilAt)],
);
