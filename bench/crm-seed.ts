/**
 * The CRM benchmark's database (bench/crm.ts): BENCH_CRM_CUSTOMERS people and about BENCH_CRM_EVENTS timeline
 * events over the 60 days before the seed's `end`, written by raw SQL in big transactions (this is not product
 * code), on a file the product's openDb has migrated, with its indexes. The rows are what the product writes
 * for each action (read from each module's writer), as a day-by-day replay in time order:
 * - people join (mini-app sign-in with a name, avatar and member code, or a bare OA follower named "Zalo
 *   follower"), share a phone, have birthdays; a few are staff of a store, a few are tagged by the console;
 * - follows and unfollows: the stored webhook (hashed dedupe key), follow_events, the customers' columns, the
 *   welcome message, game prizes held for a follow issued or voided, an unfollow blamed on the last message;
 * - counter awards (ledger earn + `points.award` audit), app orders through placed → confirmed → ready →
 *   completed or cancelled (lines, audit per step, a notice per step, the earn entry at completion, a voucher
 *   reserved and redeemed), voucher claims (points spent), redemptions at the counter, game plays;
 * - every message decided by the product's own `decide` (shared/src/messaging.ts) at its send time against
 *   the person's state and recent sends: sent/delivered/seen by CS (free or not), template by UID, held,
 *   suppressed, expired, failed; broadcasts to every follower; the daily keep-warm floor;
 * - the ledger's running sums (balance_after, earned_to_date) in date order per person, and the customers'
 *   balances equal to them; tiers from the rolling window as loyalty computes them.
 * "Events" are counted as the timeline shows them: each order status, ledger entry, voucher issued / redeemed
 * / voided / expired, play and settlement, message, follow or unfollow, note and console action.
 * No ANALYZE: the product never runs one, so the planner sees what a production file has.
 */
import { createHash } from "node:crypto";
import { FAMILY } from "@mc/server/demo/people";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_LOYALTY_RULES,
  DEFAULT_WARMING_RULES,
  dayKey,
  decide,
  pointsForPurchase,
  tierFor,
  voucherExpiry,
  zaloErrorText,
  type PolicyCustomer,
  type PolicyMessage,
  type SentFact,
} from "@mc/shared";
import { openDb } from "@mc/server/db/client";
import { hashPassword } from "@mc/server/modules/admin/password";
import { nameKey } from "@mc/server/modules/customers/search-key";
import { TEST_ENV } from "@mc/server/test-support";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
const TZ = "Asia/Ho_Chi_Minh";
const LOCAL = 7 * HOUR; // Vietnam: UTC+7, no daylight saving
const DAYS = 60;
const RULES = DEFAULT_WARMING_RULES;
const LOYALTY = DEFAULT_LOYALTY_RULES;
/** Bump when the seed writes different rows: a cached file from an older seed is rebuilt. */
const SEED_VERSION = 2;

export type SeedMeta = {
  version: number;
  customers: number;
  eventsTarget: number;
  /** The moment the data ends ("now" for the server that reads it). */
  end: number;
  seedMs: number;
  migrations: string[];
  events: number;
  items: Record<string, number>;
  rows: Record<string, number>;
  /** The people with the most timeline events, most first. */
  heavy: { id: string; events: number }[];
  storeIds: string[];
  gameIds: string[];
  tags: string[];
};

// ---- a seeded PRNG (sfc32): the same seed gives the same database ----

function rng(seed: number) {
  let a = 0x9e3779b9 ^ seed,
    b = 0x243f6a88,
    c = 0xb7e15162 ^ (seed * 31),
    d = 1;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return next;
}

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "../server/drizzle");
export const migrationTags = (): string[] =>
  (JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")).entries as { tag: string }[]).map((e) => e.tag);

const metaPath = (dbPath: string) => `${dbPath}.meta.json`;

/** The meta of a cached database that can be reused as it is, else null. */
export function cachedSeed(dbPath: string, customers: number, events: number): SeedMeta | null {
  if (!existsSync(dbPath) || !existsSync(metaPath(dbPath))) return null;
  const m = JSON.parse(readFileSync(metaPath(dbPath), "utf8")) as SeedMeta;
  const same = m.version === SEED_VERSION && m.customers === customers && m.eventsTarget === events && m.migrations.join() === migrationTags().join();
  return same ? m : null;
}

// ---- names, as Zalo display names show them ----

// The family names, weighted, are the demo history's (one list for both).
const MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Khánh", "Bảo", "Mỹ", "Hồng", "Kim", "Hoài", "Diệu"];
const MIDDLE_M = ["Văn", "Văn", "Minh", "Đức", "Quốc", "Hoàng", "Thành", "Gia", "Hữu", "Công", "Tuấn", "Anh", "Trọng", "Nhật", "Xuân"];
const GIVEN_F =
  "Anh Chi Dung Giang Hà Hạnh Hằng Hân Hoa Hương Lan Linh Mai My Ngân Ngọc Nhi Nhung Oanh Phương Quỳnh Thảo Thư Tiên Trang Trâm Uyên Vy Yến Vân Loan Thủy Diễm Châu".split(
    " ",
  );
const GIVEN_M =
  "Anh Bảo Dũng Duy Đạt Hải Hiếu Hùng Huy Khang Khoa Kiên Lâm Long Minh Nam Nghĩa Phong Phúc Quang Quân Sơn Tài Tâm Thắng Thịnh Trí Trung Tú Tùng Việt Vinh".split(
    " ",
  );
const strip = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D");

const STORES = [
  ["Quận 1 – Lê Lợi", "62 Lê Lợi, Quận 1"],
  ["Quận 3 – Võ Văn Tần", "115 Võ Văn Tần, Quận 3"],
  ["Bình Thạnh – Phan Xích Long", "204 Phan Xích Long, Bình Thạnh"],
  ["Phú Nhuận – Phan Đăng Lưu", "31 Phan Đăng Lưu, Phú Nhuận"],
  ["Quận 7 – Nguyễn Thị Thập", "480 Nguyễn Thị Thập, Quận 7"],
  ["Thủ Đức – Võ Văn Ngân", "88 Võ Văn Ngân, Thủ Đức"],
  ["Tân Bình – Cộng Hòa", "350 Cộng Hòa, Tân Bình"],
  ["Gò Vấp – Quang Trung", "612 Quang Trung, Gò Vấp"],
] as const;
const MENU: [string, [string, number][]][] = [
  [
    "Cà phê",
    [
      ["Cà phê sữa đá", 29000],
      ["Bạc xỉu", 35000],
      ["Cà phê đen", 25000],
      ["Cold brew cam sả", 49000],
      ["Latte", 55000],
      ["Cappuccino", 55000],
    ],
  ],
  [
    "Trà",
    [
      ["Trà đào cam sả", 45000],
      ["Trà sen vàng", 49000],
      ["Trà vải", 45000],
      ["Trà sữa trân châu", 42000],
      ["Trà xanh đá xay", 59000],
      ["Hồng trà macchiato", 52000],
    ],
  ],
  [
    "Bánh",
    [
      ["Bánh mì que", 19000],
      ["Croissant bơ", 35000],
      ["Bánh chuối", 29000],
      ["Tiramisu", 45000],
    ],
  ],
];
const TAGS = ["vip", "van-phong", "sinh-vien", "khach-si", "gan-nha", "sinh-nhat-thang-nay", "hay-gop-y"];
const NOTES = [
  "Khách quen, thích ít đá, ít ngọt.",
  "Hay đặt cho cả văn phòng vào sáng thứ Hai.",
  "Góp ý: nhân viên ca tối phục vụ chậm.",
  "Dị ứng sữa bò, đổi sang sữa yến mạch.",
  "Muốn xuất hóa đơn công ty cho đơn trên 500.000đ.",
  "Đã xin lỗi vì giao nhầm món, tặng voucher bù.",
  "Hỏi về chương trình thẻ thành viên cho nhân viên công ty.",
];

const vnd = (n: number) => `${n.toLocaleString("vi-VN")}đ`;
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A binary min-heap of future events, by time. */
class Heap<T extends { t: number }> {
  private a: T[] = [];
  get size() {
    return this.a.length;
  }
  peek(): T | undefined {
    return this.a[0];
  }
  push(x: T) {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.t <= x.t) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const m = r < a.length && a[r]!.t < a[l]!.t ? r : l;
        if (a[m]!.t >= last.t) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

type Future = { t: number; run: () => void };

/**
 * Seeds `dbPath` (deleted first) with `n` customers and about `events` timeline events ending at `end`.
 * `scale` multiplies the rates of what people do (calibrated by a dry run on a sample unless given).
 */
export async function seedCrm(dbPath: string, o: { customers: number; events: number; end?: number; log?: (s: string) => void }): Promise<SeedMeta> {
  const log = o.log ?? (() => {});
  const t0 = Date.now();
  const end = o.end ?? Math.floor(Date.now() / MIN) * MIN;
  // Calibrate: the scale of what people do that gives `events` events, by dry runs on a 5% sample (nothing
  // written, the full run's proportions kept) and the secant method (events grow faster than linearly with it:
  // more plays bring more follows, more orders more notices).
  const sample = Math.min(o.customers, Math.max(5000, Math.round(o.customers / 20)));
  const want = o.events / o.customers;
  const dry = (scale: number) => simulate(null, { n: sample, end, scale, log: () => {}, full: o.customers }).events / sample;
  let [s0, e0] = [1, dry(1)];
  let [s1, e1] = [2, dry(2)];
  for (let k = 0; k < 6 && Math.abs(e1 - want) / want > 0.01; k++) {
    const s2 = Math.max(0.05, s1 + ((want - e1) * (s1 - s0)) / (e1 - e0));
    [s0, e0, s1, e1] = [s1, e1, s2, dry(s2)];
  }
  const scale = s1;
  log(
    `calibration: scale ${scale.toFixed(3)} gives ${e1.toFixed(2)} events a person on a ${sample.toLocaleString("en-US")}-person sample (want ${want.toFixed(2)})`,
  );

  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, metaPath(dbPath)]) rmSync(f, { force: true });
  openDb(dbPath).$client.close(); // migrated by the product (and left in WAL mode)
  const sqlite = openDb(dbPath).$client;
  // Bulk load: the journal in memory (out of WAL: openDb's connection never checkpoints on its own), no fsync, a big
  // cache; FK checks off (rows are consistent by construction).
  for (const mode of ["delete", "memory"]) {
    const got = sqlite.pragma(`journal_mode = ${mode}`, { simple: true });
    if (got !== mode) throw new Error(`journal_mode stayed ${got}`);
  }
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -3000000");
  sqlite.pragma("temp_store = MEMORY");
  sqlite.pragma("foreign_keys = OFF");
  const adminHash = await hashPassword(TEST_ENV.ADMIN_PASSWORD);
  // The migrations' secondary indexes are dropped for the load and built again from their own SQL after it
  // (a sorted build instead of a random b-tree insert per row and index): the file ends with exactly them.
  const indexes = sqlite.prepare("select name, sql from sqlite_master where type = 'index' and sql is not null").all() as { name: string; sql: string }[];
  if (process.env.BENCH_CRM_KEEP_INDEXES !== "1") for (const x of indexes) sqlite.exec(`drop index "${x.name}"`);
  const r = simulate(sqlite, { n: o.customers, end, scale, log, adminHash });
  const ti = Date.now();
  if (process.env.BENCH_CRM_KEEP_INDEXES !== "1") for (const x of indexes) sqlite.exec(x.sql);
  log(`indexes built in ${((Date.now() - ti) / 1000).toFixed(1)} s`);
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  const meta: SeedMeta = {
    version: SEED_VERSION,
    customers: o.customers,
    eventsTarget: o.events,
    end,
    seedMs: Date.now() - t0,
    migrations: migrationTags(),
    events: r.events,
    items: r.items,
    rows: r.rows,
    heavy: r.heavy,
    storeIds: r.storeIds,
    gameIds: r.gameIds,
    tags: TAGS,
  };
  writeFileSync(metaPath(dbPath), JSON.stringify(meta, null, 1));
  return meta;
}

type Sqlite = ReturnType<typeof openDb>["$client"];
type Statement = ReturnType<Sqlite["prepare"]>;

type Sim = {
  events: number;
  items: Record<string, number>;
  rows: Record<string, number>;
  heavy: { id: string; events: number }[];
  storeIds: string[];
  gameIds: string[];
};

/** The replay. With `db` null nothing is written (the calibration's dry run): the same decisions, counted. */
export function simulate(db: Sqlite | null, o: { n: number; end: number; scale: number; log: (s: string) => void; adminHash?: string; full?: number }): Sim {
  const N = o.n;
  const END = o.end;
  const r = rng(N * 7 + 12345);
  const int = (k: number) => Math.floor(r() * k);
  const chance = (p: number) => r() < p;
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const expo = (mean: number) => -Math.log(1 - r()) * mean;
  const poisson = (l: number) => {
    let k = 0;
    let p = Math.exp(-l);
    let s = p;
    const u = r();
    while (u > s && k < 200) {
      k++;
      p *= l / k;
      s += p;
    }
    return k;
  };
  const hex = (len: number) => {
    let s = "";
    while (s.length < len) s += ((r() * 0x100000000) >>> 0).toString(16).padStart(8, "0");
    return s.slice(0, len);
  };
  const uuid = () => {
    const h = hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const digits = (k: number) => {
    let s = String(1 + int(9));
    while (s.length < k) s += String(int(10));
    return s;
  };
  const codes = new Set<string>();
  const humanCode = (len: number) => {
    for (;;) {
      let s = "";
      for (let i = 0; i < len; i++) s += ALPHABET[int(ALPHABET.length)];
      const key = `${len}:${s}`;
      if (!codes.has(key)) return (codes.add(key), s);
    }
  };
  const familyCdf = (() => {
    const total = FAMILY.reduce((s, [, w]) => s + w, 0);
    let acc = 0;
    return FAMILY.map(([n, w]) => ((acc += w / total), [n, acc] as const));
  })();
  const family = () => {
    const u = r();
    return familyCdf.find(([, c]) => u <= c)?.[0] ?? "Nguyễn";
  };
  function personName(): string {
    const f = chance(0.55);
    const fam = family();
    const mid = pick(f ? MIDDLE_F : MIDDLE_M);
    const given = pick(f ? GIVEN_F : GIVEN_M);
    const u = r();
    if (u < 0.62) return `${fam} ${mid} ${given}`;
    if (u < 0.72) return `${fam} ${mid} ${pick(f ? GIVEN_F : GIVEN_M)} ${given}`;
    if (u < 0.87) return `${mid} ${given}`; // "Thu Trang"
    if (u < 0.94) return `${strip(given)} ${strip(fam)}`; // "Trang Nguyen"
    return `${given} ${fam}`;
  }

  // ---- time: 60 shop-local days ending with `end`'s ----
  const lastDay = Math.floor((END + LOCAL) / DAY);
  const DAY0 = (lastDay - (DAYS - 1)) * DAY - LOCAL; // local midnight of day 0, in epoch ms
  const dayOf = (t: number) => Math.floor((t - DAY0) / DAY);
  const at = (d: number, h: number, m = 0) => DAY0 + d * DAY + h * HOUR + m * MIN;
  const weekday = (d: number) => new Date(DAY0 + d * DAY + LOCAL).getUTCDay();
  const dayWeight = Array.from({ length: DAYS }, (_, d) => (0.8 + (0.4 * d) / (DAYS - 1)) * ([0, 6].includes(weekday(d)) ? 1.25 : 1) * (0.9 + 0.2 * r()));
  // Opening hours 07:00–22:00, busiest at breakfast, lunch and after work.
  const HOUR_W = [0.6, 1.0, 0.8, 0.7, 1.0, 1.3, 0.9, 0.6, 0.7, 0.8, 1.0, 1.1, 1.0, 0.7, 0.4];
  const hourCdf = (() => {
    const s = HOUR_W.reduce((x, y) => x + y, 0);
    let acc = 0;
    return HOUR_W.map((w) => (acc += w / s));
  })();
  const timeIn = (d: number) => {
    const u = r();
    let h = 0;
    while (hourCdf[h]! < u) h++;
    return DAY0 + d * DAY + (7 + h) * HOUR + Math.floor(r() * HOUR);
  };
  const scale = o.scale;

  // ---- counters ----
  const items: Record<string, number> = { order: 0, points: 0, voucher: 0, game: 0, follow: 0, message: 0, note: 0, admin: 0 };
  const rows: Record<string, number> = {};
  const counted = (table: string, k = 1) => (rows[table] = (rows[table] ?? 0) + k);

  // ---- statements ----
  const S = (sql: string) => (db ? db.prepare(sql) : null);
  const hasTable = (name: string) => (db ? db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined : true);
  const columns = (table: string) => (db ? (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((c) => c.name) : []);
  const withFollowEvents = hasTable("follow_events");
  const withNotes = hasTable("customer_notes");
  // crm-list's search key column (the FTS index follows it by trigger), written beside every name as its repo does.
  const withSearchName = columns("customers").includes("search_name");
  // customers_fts follows it by trigger, as with every write of the column.
  const searchKey = withSearchName ? nameKey : null;

  const run = (stmt: Statement | null, table: string, ...args: unknown[]): number => {
    counted(table);
    return stmt ? Number((stmt as unknown as { run: (...a: unknown[]) => { lastInsertRowid: number | bigint } }).run(...args).lastInsertRowid) : rows[table]!;
  };
  const insCustomer = S(
    `insert into customers (id, zalo_id, zalo_oa_id, phone, name, avatar, role, follows_oa, member_code, birth_date, prefs, created_at, updated_at${withSearchName ? ", search_name" : ""})
     values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?${withSearchName ? ", ?" : ""})`,
  );
  const updCustomer = S(
    `update customers set zalo_oa_id = ?, follows_oa = ?, followed_at = ?, unfollowed_at = ?, last_interaction_at = ?, points_balance = ?,
     points_earned_total = ?, fatigue_until = ?, updated_at = ? where rowid = ?`,
  );
  const insLedger = S(
    `insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, expires_at, created_at, earned_to_date)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insAudit = S("insert into audit_log (actor_kind, actor_id, action, target_id, store_id, details, at) values (?, ?, ?, ?, ?, ?, ?)");
  const insOutbox = S(
    `insert into outbox (customer_id, category, priority, dedupe_key, source, text, image_url, template_id, template_data, state, reason, not_before, expires_at,
       channel, free, attempts, zalo_msg_id, zalo_error, broadcast_id, created_at, updated_at, sent_at, delivered_at, seen_at)
     values (?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const blameStmt = S("update outbox set unfollow_blamed_at = ? where id = ?");
  const insWebhook = S("insert into webhook_events (dedupe_key, event_name, payload, received_at) values (?, ?, ?, ?)");
  const insFollow = withFollowEvents ? S("insert into follow_events (customer_id, kind, source, at, received_at) values (?, ?, ?, ?, ?)") : null;
  const insOrder = S(
    `insert into orders (id, code, customer_id, store_id, status, pickup_type, pickup_at, table_label, payment_method, payment_status, subtotal_vnd, discount_vnd,
       total_vnd, voucher_id, voucher_state, request_key, checkout_order_id, zalo_trans_id, points_earned, points_reversed, points_shortfall, cancel_reason,
       created_at, updated_at, confirmed_at, ready_at, completed_at, cancelled_at, paid_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insLine = S("insert into order_lines (order_id, product_id, name, quantity, unit_price_vnd, options, line_total_vnd) values (?, ?, ?, ?, ?, ?, ?)");
  const insVoucher = S(
    "insert into vouchers (id, campaign_id, customer_id, code, status, source, source_key, issued_at, expires_at) values (?, ?, ?, ?, 'issued', ?, ?, ?, ?)",
  );
  const redeemStmt = S("update vouchers set status = 'redeemed', redeemed_at = ?, redeemed_store_id = ?, redeemed_by = ? where id = ?");
  const insDraw = S(
    `insert into game_draws (id, campaign_id, customer_id, store_id, day, drawn_prize_id, prize_id, win, fallback_reason, requires_follow, state, voucher_id,
       points, request_key, created_at, settled_at, settle_reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const settleStmt = S("update game_draws set state = ?, voucher_id = ?, settled_at = ?, settle_reason = ? where id = ?");
  const insTag = S("insert or ignore into customer_tags (customer_id, tag) values (?, ?)");
  const delTags = S("delete from customer_tags where customer_id = ?");
  const insNote = withNotes
    ? S("insert into customer_notes (id, customer_id, author_kind, author_id, author_name, text, created_at) values (?, ?, ?, ?, ?, ?, ?)")
    : null;

  // ---- the shop: stores, menu, staff, admin, campaigns, games, templates ----
  const ADMIN_ID = uuid();
  const storeIds = STORES.map(() => uuid());
  const stores = STORES.map(([name, address], i) => ({ id: storeIds[i]!, name, address }));
  const products: { id: string; name: string; price: number }[] = [];
  const menuCats = MENU.map(([name], i) => ({ id: uuid(), name, position: i }));
  MENU.forEach(([, ps], ci) => ps.forEach(([name, price]) => products.push({ id: uuid(), name, price, cat: menuCats[ci]!.id } as never)));
  const ORDER_TEMPLATE = "381234"; // a registered ZNS template for order notices (ORDER_ZNS_TEMPLATE_ID)
  const PROMO_TEMPLATE = "392210";
  type Campaign = {
    id: string;
    name: string;
    kind: "amount_off" | "percent_off" | "free_item";
    value: number;
    maxDiscount: number | null;
    cost: number;
    minSpend: number;
    days: number;
    from: number;
    to: number | null;
    listed: boolean;
    requiresFollow: boolean;
    perCustomer: number;
    issued: number;
    createdAt: number;
  };
  const campaign = (c: Omit<Campaign, "id" | "issued">): Campaign => ({ ...c, id: uuid(), issued: 0 });
  const campaigns: Campaign[] = [
    campaign({
      name: "Giảm 20% cho thành viên mới",
      kind: "percent_off",
      value: 20,
      maxDiscount: 30000,
      cost: 0,
      minSpend: 0,
      days: 14,
      from: DAY0,
      to: null,
      listed: true,
      requiresFollow: true,
      perCustomer: 1,
      createdAt: DAY0 - DAY,
    }),
    campaign({
      name: "Đổi 100 điểm lấy ly miễn phí",
      kind: "free_item",
      value: 1,
      maxDiscount: null,
      cost: 100,
      minSpend: 0,
      days: 30,
      from: DAY0,
      to: null,
      listed: true,
      requiresFollow: false,
      perCustomer: 20,
      createdAt: DAY0 - DAY,
    }),
    campaign({
      name: "Giảm 15.000đ đơn từ 60.000đ",
      kind: "amount_off",
      value: 15000,
      maxDiscount: null,
      cost: 0,
      minSpend: 60000,
      days: 7,
      from: at(14, 0),
      to: at(45, 0),
      listed: true,
      requiresFollow: false,
      perCustomer: 2,
      createdAt: at(13, 16),
    }),
    campaign({
      name: "Trà sen vàng mua 1 tặng 1",
      kind: "free_item",
      value: 1,
      maxDiscount: null,
      cost: 0,
      minSpend: 0,
      days: 10,
      from: at(38, 0),
      to: null,
      listed: true,
      requiresFollow: true,
      perCustomer: 1,
      createdAt: at(37, 15),
    }),
    campaign({
      name: "Đổi 300 điểm lấy voucher 50.000đ",
      kind: "amount_off",
      value: 50000,
      maxDiscount: null,
      cost: 300,
      minSpend: 0,
      days: 30,
      from: DAY0,
      to: null,
      listed: true,
      requiresFollow: false,
      perCustomer: 10,
      createdAt: DAY0 - DAY,
    }),
    campaign({
      name: "Quà trò chơi: giảm 10.000đ",
      kind: "amount_off",
      value: 10000,
      maxDiscount: null,
      cost: 0,
      minSpend: 0,
      days: 14,
      from: DAY0,
      to: null,
      listed: false,
      requiresFollow: false,
      perCustomer: 100,
      createdAt: DAY0 - DAY,
    }),
  ];
  const prizeCampaign = campaigns[5]!;
  type Prize = { id: string; label: string; kind: "voucher" | "points" | "none"; points: number | null; weight: number; requiresFollow: boolean; won: number };
  const game = (name: string, kind: "wheel" | "scratch", storeIdx: number[], startsAt: number) => ({
    id: uuid(),
    name,
    kind,
    stores: storeIdx.map((i) => storeIds[i]!),
    startsAt,
    prizes: [
      { id: uuid(), label: "Chúc bạn may mắn lần sau", kind: "none", points: null, weight: 70, requiresFollow: false, won: 0 },
      { id: uuid(), label: "20 điểm thưởng", kind: "points", points: 20, weight: 18, requiresFollow: false, won: 0 },
      { id: uuid(), label: "Voucher giảm 10.000đ", kind: "voucher", points: null, weight: 12, requiresFollow: true, won: 0 },
    ] as Prize[],
  });
  const games = [game("Vòng quay khai trương", "wheel", [0, 1, 2, 3, 4, 5, 6, 7], DAY0), game("Cào thẻ trúng quà", "scratch", [0, 2, 4], at(20, 0))];
  const staff: { idx: number; store: number }[] = [];

  // ---- people ----
  const joinAt = new Float64Array(N);
  {
    // A launch wave over the first week, then a steady trickle growing slowly.
    const w = Array.from({ length: DAYS }, (_, d) => (d < 7 ? 4 - d * 0.4 : 1) * (0.8 + d / DAYS) * dayWeight[d]!);
    const s = w.reduce((x, y) => x + y, 0);
    const cdf: number[] = [];
    let acc = 0;
    for (const x of w) cdf.push((acc += x / s));
    for (let i = 0; i < N; i++) {
      const u = r();
      let d = 0;
      while (cdf[d]! < u) d++;
      joinAt[i] = Math.min(END - MIN, timeIn(d) - 30 * MIN);
    }
    joinAt.sort(); // customer i is the i-th to join: rowid i + 1
  }
  const appUser = new Uint8Array(N); // signed in to the mini app (else a bare OA follower)
  const weight = new Float32Array(N);
  const leaveAt = new Float64Array(N);
  const homeStore = new Uint8Array(N);
  const ids: string[] = new Array(N);
  const names: string[] = new Array(N);
  const phones: (string | null)[] = new Array(N);
  const oaIds: (string | null)[] = new Array(N);
  const memberCodes: string[] = new Array(N);
  const mutedPromo = new Uint8Array(N);
  const offersPerWeek = new Int8Array(N).fill(-1);
  // state
  const balance = new Int32Array(N);
  const earned = new Int32Array(N);
  const follows = new Uint8Array(N);
  const everUnfollowed = new Uint8Array(N);
  const followedAt = new Float64Array(N).fill(NaN);
  const unfollowedAt = new Float64Array(N).fill(NaN);
  const lastInteraction = new Float64Array(N).fill(NaN);
  const fatigueUntil = new Float64Array(N).fill(NaN);
  const lastSentAt = new Float64Array(N).fill(NaN);
  const lastSentId = new Float64Array(N).fill(0);
  const lastSentBroadcast = new Uint8Array(N);
  const updatedAt = new Float64Array(N);
  const welcomed = new Uint8Array(N);
  const lastPlayDay = [new Int16Array(N).fill(-1), new Int16Array(N).fill(-1)];
  const personEvents = new Uint32Array(N);
  const joined = new Uint8Array(N);
  const sends = new Map<number, SentFact[]>(); // recent sends, for caps
  const held = new Map<number, { id: string; campaign: Campaign; expiresAt: number }[]>(); // vouchers a person could put on an order
  const pending = new Map<number, { drawId: string; prize: Prize; storeId: string }[]>(); // game prizes held for a follow
  const claimsOf = new Map<number, Map<string, number>>();

  for (let i = 0; i < N; i++) {
    appUser[i] = chance(0.8) ? 1 : 0;
    // Activity: log-normal (most people a visit or two, a few regulars), plus a few office accounts.
    const s = 1.25;
    weight[i] = appUser[i] ? Math.min(12, Math.exp(s * normal() - (s * s) / 2)) : 0;
    leaveAt[i] = chance(0.35) ? joinAt[i]! + expo(18 * DAY) : Infinity;
    homeStore[i] = int(STORES.length);
    ids[i] = uuid();
    memberCodes[i] = humanCode(8);
  }
  // Office accounts: a person ordering for the team most days (the heaviest timelines).
  // A dry run on a sample keeps the full run's proportions (offices, the floor's daily cap).
  const share = N / (o.full ?? N);
  const OFFICES = Math.round(Math.max(5, (o.full ?? N) / 40000) * share);
  for (let k = 0; k < OFFICES; k++) {
    const i = int(Math.max(1, Math.floor(N * 0.05))); // joined in the launch wave
    appUser[i] = 1;
    weight[i] = 40 + r() * 60;
    leaveAt[i] = Infinity;
  }
  const vip = (i: number) => weight[i]! > 8;

  const policyOf = (i: number): PolicyCustomer => ({
    followsOa: follows[i] === 1,
    everUnfollowed: everUnfollowed[i] === 1,
    oaUserId: oaIds[i] ?? null,
    phone: phones[i] ?? null,
    lastInteractionAt: Number.isNaN(lastInteraction[i]!) ? null : lastInteraction[i]!,
    prefs: { offersPerWeek: offersPerWeek[i]! < 0 ? null : offersPerWeek[i]!, pausedUntil: null, mutedCategories: mutedPromo[i] ? ["promotion"] : [] },
    fatigueUntil: Number.isNaN(fatigueUntil[i]!) ? null : fatigueUntil[i]!,
  });
  const touch = (i: number, t: number) => void (updatedAt[i] = Math.max(updatedAt[i]!, t));
  const event = (i: number, kind: keyof typeof items, k = 1) => {
    items[kind] += k;
    personEvents[i] += k;
  };

  const future = new Heap<Future>();
  const later = (t: number, fn: () => void) => {
    if (t < END) future.push({ t, run: fn });
  };

  // ---- messages: queued, then decided by the product's policy when the dispatcher would take them ----

  type Msg = {
    category: "transactional" | "care" | "promotion";
    priority: number;
    dedupeKey: string | null;
    source: string;
    text: string | null;
    template: { id: string; data: Record<string, string>; tag: 1 | 2 | 3; uid: boolean } | null;
    expiresAt: number | null;
    broadcastId?: string | null;
  };
  const ZALO_FAIL = [-227, -230, -213, -244, -201];
  const msgPrefix = hex(8);
  let msgSeq = 0;
  /** Writes one outbox row as it stands once the dispatcher is done with it (or as it waits at `end`). */
  function message(i: number, t: number, m: Msg, decideAt = t + 1000 + int(4000)) {
    const c = policyOf(i);
    const pm: PolicyMessage = {
      category: m.category,
      priority: m.priority,
      hasText: m.text !== null,
      template: m.template ? { tag: m.template.tag, uid: m.template.uid, zns: true } : null,
      expiresAt: m.expiresAt,
    };
    let state = "queued";
    let reason: string | null = null;
    let notBefore: number | null = null;
    let channel: string | null = null;
    let free: number | null = null;
    let attempts = 0;
    let msgId: string | null = null;
    let zaloError: number | null = null;
    let sentAt: number | null = null;
    let deliveredAt: number | null = null;
    let seenAt: number | null = null;
    let updated = t;
    let when = decideAt;
    for (let round = 0; round < 4 && when < END; round++) {
      const history = (sends.get(i) ?? []).filter((h) => h.sentAt < when);
      const d = decide(c, pm, when, RULES, history);
      updated = when;
      if (d.action === "send") {
        attempts = 1;
        if (chance(0.006)) {
          state = "failed";
          zaloError = pick(ZALO_FAIL);
          reason = zaloErrorText(zaloError);
          channel = d.channel;
          free = d.free ? 1 : 0;
          break;
        }
        channel = d.channel;
        free = d.free ? 1 : 0;
        sentAt = when;
        msgId = `${msgPrefix}${(++msgSeq).toString(16).padStart(24, "0")}`;
        state = "sent";
        reason = null;
        notBefore = null;
        const dl = when + 2000 + int(60_000);
        if (dl < END && chance(0.9)) {
          state = "delivered";
          deliveredAt = dl;
          updated = dl;
          const seen = dl + expo(3 * HOUR);
          if (seen < END && chance(m.category === "transactional" ? 0.75 : 0.45)) {
            state = "seen";
            seenAt = seen;
            updated = seen;
          }
        }
        const list = sends.get(i) ?? [];
        list.push({ category: m.category, channel: d.channel, sentAt: when, znsTag: d.channel === "zns" ? (m.template?.tag ?? null) : null });
        while (list.length > 6 || (list.length && list[0]!.sentAt < when - 31 * DAY)) list.shift();
        sends.set(i, list);
        break;
      }
      if (d.action === "hold") {
        state = "held";
        reason = d.reason;
        notBefore = d.until;
        when = d.until + 1000 + int(20_000);
        continue;
      }
      state = d.action === "suppress" ? "suppressed" : "expired";
      reason = d.reason;
      notBefore = null;
      break;
    }
    const id = run(
      insOutbox,
      "outbox",
      ids[i],
      m.category,
      m.priority,
      m.dedupeKey,
      m.source,
      m.text,
      m.template?.id ?? null,
      m.template ? JSON.stringify(m.template.data) : null,
      state,
      reason,
      notBefore,
      m.expiresAt,
      channel,
      free,
      attempts,
      msgId,
      zaloError,
      m.broadcastId ?? null,
      t,
      updated,
      sentAt,
      deliveredAt,
      seenAt,
    );
    if (sentAt !== null && sentAt < END) {
      lastSentAt[i] = sentAt;
      lastSentId[i] = id;
      lastSentBroadcast[i] = m.broadcastId ? 1 : 0;
    }
    event(i, "message");
  }

  // ---- the ledger: one door, running sums in date order ----

  function ledger(
    i: number,
    t: number,
    kind: "earn" | "spend" | "adjust" | "reverse",
    delta: number,
    reason: string,
    sourceKey: string,
    store: string | null,
    actor: [string, string],
  ) {
    balance[i] += delta;
    if (kind === "earn") earned[i] += delta;
    run(
      insLedger,
      "points_ledger",
      ids[i],
      kind,
      delta,
      balance[i],
      reason,
      sourceKey,
      store,
      actor[0],
      actor[1],
      kind === "earn" || (kind === "adjust" && delta > 0) ? t + LOYALTY.pointsValidDays * DAY : null,
      t,
      earned[i],
    );
    touch(i, t);
    event(i, "points");
  }
  /** The tier multiplier now (the rolling window covers all 60 days). */
  const multiplier = (i: number) => tierFor(LOYALTY, earned[i]!).tier.multiplier;
  const audit = (actor: [string, string], action: string, target: string | null, store: string | null, details: unknown, t: number) =>
    run(insAudit, "audit_log", actor[0], actor[1], action, target, store, details === undefined ? null : JSON.stringify(details), t);
  const staffAt = (store: number): [string, string] => ["customer", ids[staff[store * 3 + int(3)]!.idx]!];
  const self = (i: number): [string, string] => ["customer", ids[i]!];
  const SYSTEM: [string, string] = ["system", "system"];
  const ADMIN: [string, string] = ["admin", ADMIN_ID];

  // ---- people join ----

  function join(i: number) {
    const t = joinAt[i]!;
    joined[i] = 1;
    const oa = !appUser[i];
    names[i] = oa ? "Zalo follower" : personName();
    phones[i] = !oa && chance(0.7) ? `849${digits(8)}` : null;
    if (!oa && chance(0.03)) mutedPromo[i] = 1;
    if (!oa && chance(0.03)) offersPerWeek[i] = int(3);
    const birth =
      !oa && chance(0.45) ? `${chance(0.8) ? `${1965 + int(42)}-` : ""}${String(1 + int(12)).padStart(2, "0")}-${String(1 + int(28)).padStart(2, "0")}` : null;
    const prefs =
      mutedPromo[i] || offersPerWeek[i]! >= 0
        ? JSON.stringify({
            offersPerWeek: offersPerWeek[i]! < 0 ? null : offersPerWeek[i],
            pausedUntil: null,
            mutedCategories: mutedPromo[i] ? ["promotion"] : [],
          })
        : "{}";
    const zaloId = oa ? null : digits(18);
    oaIds[i] = null;
    updatedAt[i] = t;
    const args: unknown[] = [
      ids[i],
      zaloId,
      null,
      phones[i],
      names[i],
      oa ? null : `https://s120-ava-talk.zadn.vn/${hex(1)}/${hex(1)}/${hex(2)}/${hex(32)}.jpg`,
      "customer",
      memberCodes[i],
      birth,
      prefs,
      t,
      t,
    ];
    if (searchKey) args.push(searchKey(names[i]!));
    run(insCustomer, "customers", ...args);
    if (oa) follow(i, t, "oa_profile");
    else if (chance(0.55)) later(t + 5 * MIN + expo(20 * MIN), () => follow(i, t, "qr_code"));
  }

  // ---- OA follow / unfollow: the webhook stored, the history, the hooks ----

  function webhook(name: string, i: number, t: number, extra: Record<string, unknown>) {
    const e = { app_id: "1234567890123456789", oa_id: "9876543210987654321", event_name: name, timestamp: String(t), ...extra };
    const user = (extra.follower as { id?: string })?.id ?? (extra.sender as { id?: string })?.id ?? "";
    const key = `${name}:${t}:${user}`;
    run(insWebhook, "webhook_events", `h:${createHash("sha256").update(key).digest("base64url")}`, name, JSON.stringify(e), t + 200 + int(3000));
  }

  function follow(i: number, t: number, source: string) {
    if (follows[i] || t >= END) return;
    if (!oaIds[i]) oaIds[i] = digits(19);
    webhook("follow", i, t, { source, follower: { id: oaIds[i] }, ...(appUser[i] ? { user_id_by_app: digits(18) } : {}) });
    if (insFollow) run(insFollow, "follow_events", ids[i], "follow", source, t, t + 500);
    else counted("follow_events");
    event(i, "follow");
    follows[i] = 1;
    followedAt[i] = t;
    lastInteraction[i] = Math.max(Number.isNaN(lastInteraction[i]!) ? 0 : lastInteraction[i]!, t);
    touch(i, t);
    // games.onFollow: prizes held for this follow are issued (a voucher), then messaging.onFollow's welcome.
    const waiting = pending.get(i);
    if (waiting?.length) {
      pending.delete(i);
      for (const p of waiting) {
        const vid = issueVoucher(i, t, prizeCampaign, "prize", `prize:${p.drawId}`, SYSTEM);
        settle(p.drawId, "issued", vid, t, "followed");
      }
      message(i, t, {
        category: "transactional",
        priority: 8,
        dedupeKey: `prize-issued:follow:${t}:${oaIds[i]}`,
        source: "game",
        text:
          waiting.length === 1
            ? "Quà của bạn đã vào ví. Mở mini app để xem voucher nhé!"
            : `${waiting.length} phần quà của bạn đã vào ví. Mở mini app để xem nhé!`,
        template: null,
        expiresAt: t + 7 * DAY,
      });
    }
    if (!welcomed[i]) {
      welcomed[i] = 1;
      message(i, t, {
        category: "care",
        priority: 6,
        dedupeKey: `welcome:${ids[i]}`,
        source: "welcome",
        text: RULES.welcomeText,
        template: null,
        expiresAt: t + DAY,
      });
    }
    // Some unfollow later (a few of them come back).
    if (chance(everUnfollowed[i] ? 0.03 : 0.07)) {
      const tu = t + HOUR + expo(12 * DAY);
      later(tu, () => unfollow(i, tu));
    }
  }

  function unfollow(i: number, t: number) {
    if (!follows[i] || t >= END) return;
    webhook("unfollow", i, t, { source: "oa_profile", follower: { id: oaIds[i] } });
    if (insFollow) run(insFollow, "follow_events", ids[i], "unfollow", "oa_profile", t, t + 500);
    else counted("follow_events");
    event(i, "follow");
    follows[i] = 0;
    everUnfollowed[i] = 1;
    unfollowedAt[i] = t;
    touch(i, t);
    // games.onUnfollow: held prizes are void.
    const waiting = pending.get(i);
    if (waiting?.length) {
      pending.delete(i);
      for (const p of waiting) {
        p.prize.won--;
        settle(p.drawId, "void", null, t, "unfollowed");
      }
    }
    // messaging.onUnfollow: the last message within 48 h takes the blame; promotions tighten for 30 days.
    if (!Number.isNaN(lastSentAt[i]!) && lastSentAt[i]! >= t - RULES.fatigue.unfollowWithinHours * HOUR && lastSentAt[i]! <= t) {
      if (blameStmt) blameStmt.run(t, lastSentId[i]);
      fatigueUntil[i] = t + RULES.fatigue.tightenForDays * DAY;
    }
    if (chance(0.25)) {
      const tf = t + HOUR + expo(6 * DAY);
      later(tf, () => follow(i, tf, "oa_profile"));
    }
  }

  // ---- vouchers ----

  function issueVoucher(i: number, t: number, c: Campaign, source: string, sourceKey: string | null, actor: [string, string]): string {
    const id = uuid();
    if (c.cost > 0) ledger(i, t, "spend", -c.cost, `Đổi voucher: ${c.name}`, `voucher:${id}`, null, actor);
    const expiresAt = voucherExpiry({ validTo: c.to, validDaysAfterClaim: c.days }, t);
    run(insVoucher, "vouchers", id, c.id, ids[i], humanCode(8), source, sourceKey, t, expiresAt);
    c.issued++;
    const m = claimsOf.get(i) ?? new Map<string, number>();
    m.set(c.id, (m.get(c.id) ?? 0) + 1);
    claimsOf.set(i, m);
    event(i, "voucher");
    if (expiresAt < END) event(i, "voucher"); // "expired" unless redeemed (taken back then)
    // What becomes of it: used at the counter, on an app order, or never.
    const u = r();
    const list = held.get(i) ?? [];
    const entry = { id, campaign: c, expiresAt };
    list.push(entry);
    held.set(i, list);
    if (u < 0.5) {
      const when = t + HOUR + expo(4 * DAY);
      if (when < expiresAt) later(when, () => redeemAtCounter(i, entry, when));
    }
    return id;
  }
  function takeHeld(i: number, id: string) {
    const list = held.get(i);
    if (!list) return false;
    const k = list.findIndex((v) => v.id === id);
    if (k < 0) return false;
    list.splice(k, 1);
    if (!list.length) held.delete(i);
    return true;
  }
  function redeemAtCounter(i: number, v: { id: string; campaign: Campaign; expiresAt: number }, t: number) {
    if (t >= v.expiresAt || !takeHeld(i, v.id)) return;
    const store = chance(0.8) ? homeStore[i]! : int(STORES.length);
    const by = staffAt(store);
    if (redeemStmt) redeemStmt.run(t, storeIds[store], by[1], v.id);
    audit(by, "voucher.redeem", v.id, storeIds[store]!, { customerId: ids[i], campaignId: v.campaign.id, via: chance(0.7) ? "qr" : "code" }, t);
    event(i, "voucher");
    if (v.expiresAt < END) event(i, "voucher", -1);
    touch(i, t);
  }

  function claim(i: number, t: number) {
    const open = campaigns.filter(
      (c) =>
        c.listed &&
        c.from <= t &&
        (c.to === null || c.to > t) &&
        (claimsOf.get(i)?.get(c.id) ?? 0) < c.perCustomer &&
        (!c.requiresFollow || follows[i]) &&
        balance[i]! >= c.cost,
    );
    if (!open.length) return;
    const c = pick(open);
    issueVoucher(i, t, c, "claim", `claim:${ids[i]}:${uuid()}`, self(i));
  }

  // ---- counter awards ----

  const receipt = new Uint32Array(STORES.length);
  function award(i: number, t: number) {
    const store = chance(0.85) ? homeStore[i]! : int(STORES.length);
    const amount = Math.round(Math.min(2_000_000, 25000 + expo(weight[i]! >= 40 ? 400000 : 70000)) / 1000) * 1000;
    const points = pointsForPurchase(LOYALTY, amount, multiplier(i));
    if (points <= 0) return; // refused: nothing written
    const receiptId = `HD-${String(++receipt[store]!).padStart(6, "0")}`;
    const by = staffAt(store);
    ledger(i, t, "earn", points, `Mua hàng ${amount.toLocaleString("vi-VN")}đ`, `purchase:${storeIds[store]}:${receiptId}`, storeIds[store]!, by);
    audit(by, "points.award", ids[i]!, storeIds[store]!, { amountVnd: amount, points, receiptId }, t);
  }

  // ---- app orders: placed → confirmed → ready → completed (or cancelled) ----

  function orderNotice(
    i: number,
    o: { id: string; code: string; total: number; pickup: string; table: string | null },
    to: string,
    t: number,
    extra: { points?: number; reason?: string },
  ) {
    const text =
      to === "confirmed"
        ? `Đơn ${o.code} đã được xác nhận (${vnd(o.total)}). Chúng tôi đang chuẩn bị cho bạn!`
        : to === "ready"
          ? o.pickup === "table"
            ? `Đơn ${o.code} đã xong, sẽ được mang ra bàn ${o.table}.`
            : `Đơn ${o.code} đã sẵn sàng! Mời bạn đến quầy nhận.`
          : to === "completed"
            ? `Cảm ơn bạn! Đơn ${o.code} đã hoàn tất${(extra.points ?? 0) > 0 ? `, bạn được cộng ${extra.points} điểm` : ""}.`
            : `Đơn ${o.code} đã bị hủy: ${extra.reason ?? ""}`.trim();
    message(i, t, {
      category: "transactional",
      priority: 9,
      dedupeKey: `order:${o.id}:${to}`,
      source: "order",
      text,
      template: {
        id: ORDER_TEMPLATE,
        data: { customer_name: (names[i] ?? "Quý khách").slice(0, 30), order_code: o.code, amount: String(o.total) },
        tag: 1,
        uid: true,
      },
      expiresAt: t + (to === "ready" ? 2 * HOUR : DAY),
    });
  }

  function placeOrder(i: number, t: number) {
    const store = chance(0.8) ? homeStore[i]! : int(STORES.length);
    const office = weight[i]! >= 40;
    const lines: { p: (typeof products)[number]; q: number }[] = [];
    const nLines = office ? 3 + int(6) : 1 + (chance(0.4) ? 1 : 0) + (chance(0.15) ? 1 : 0);
    for (let k = 0; k < nLines; k++) lines.push({ p: pick(products), q: office ? 1 + int(4) : chance(0.2) ? 2 : 1 });
    const subtotal = lines.reduce((s, l) => s + l.p.price * l.q, 0);
    // A voucher the person holds, valid now, put on the order (reserved, redeemed at completion).
    let voucher: { id: string; campaign: Campaign; expiresAt: number } | null = null;
    const mine = held.get(i);
    if (mine && chance(0.6)) voucher = mine.find((v) => v.expiresAt > t && subtotal >= v.campaign.minSpend) ?? null;
    if (voucher) takeHeld(i, voucher.id);
    const vc = voucher?.campaign;
    const discount = !vc
      ? 0
      : vc.kind === "amount_off"
        ? Math.min(subtotal, vc.value)
        : vc.kind === "percent_off"
          ? Math.min(Math.floor((subtotal * vc.value) / 100), vc.maxDiscount ?? Infinity)
          : Math.min(subtotal, Math.min(...lines.map((l) => l.p.price)));
    const total = subtotal - discount;
    const pickup = chance(0.7) ? "pickup" : "table";
    const zalopay = chance(0.3);
    const o = { id: uuid(), code: humanCode(6), total, pickup, table: pickup === "table" ? `B${1 + int(20)}` : null };
    const cancelEarly = chance(0.035);
    const cancelLate = !cancelEarly && chance(0.02);
    const confirmedAt = t + MIN + expo(2 * MIN);
    const readyAt = confirmedAt + 4 * MIN + expo(6 * MIN);
    const completedAt = readyAt + 2 * MIN + expo(10 * MIN);
    const cancelledAt = cancelEarly ? t + MIN + expo(3 * MIN) : cancelLate ? readyAt + MIN + expo(5 * MIN) : null;
    const paidAt = zalopay ? t + 20_000 + int(60_000) : null;
    const by = staffAt(store);
    audit(self(i), "order.place", o.id, storeIds[store]!, { totalVnd: total, voucherId: voucher?.id ?? null }, t);
    event(i, "order");
    const row = {
      status: "placed",
      confirmedAt: null as number | null,
      readyAt: null as number | null,
      completedAt: null as number | null,
      cancelledAt: null as number | null,
      points: 0,
      voucherState: voucher ? "reserved" : (null as string | null),
      payment: zalopay ? "paid" : "unpaid",
      paid: paidAt,
      cancelReason: null as string | null,
      updated: t,
    };
    // The row as it stands when its last step ran, or at `end` for an order still in progress.
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      run(
        insOrder,
        "orders",
        o.id,
        o.code,
        ids[i],
        storeIds[store],
        row.status,
        pickup,
        pickup === "pickup" ? t + 15 * MIN : null,
        o.table,
        zalopay ? "zalopay" : "counter",
        row.payment,
        subtotal,
        discount,
        total,
        voucher?.id ?? null,
        row.voucherState,
        `${ids[i]}:${uuid()}`,
        zalopay ? `${dayKey(t, TZ).slice(2).replace(/-/g, "")}_${hex(12)}` : null,
        zalopay ? digits(12) : null,
        row.points,
        0,
        0,
        row.cancelReason,
        t,
        row.updated,
        row.confirmedAt,
        row.readyAt,
        row.completedAt,
        row.cancelledAt,
        row.paid,
      );
      for (const l of lines) run(insLine, "order_lines", o.id, l.p.id, l.p.name, l.q, l.p.price, "[]", l.p.price * l.q);
    };
    pendingOrders.add(write);
    const done = () => (write(), pendingOrders.delete(write));
    const step = (to: "confirmed" | "ready" | "completed" | "cancelled", when: number, actor: [string, string], reason?: string) => {
      const from = row.status;
      row.status = to;
      row.updated = when;
      let points = 0;
      if (to === "confirmed") row.confirmedAt = when;
      if (to === "ready") row.readyAt = when;
      if (to === "completed") {
        row.completedAt = when;
        if (!zalopay) ((row.payment = "paid"), (row.paid = when));
        points = pointsForPurchase(LOYALTY, total, multiplier(i));
        if (points > 0) ledger(i, when, "earn", points, `Đơn hàng ${o.code} (${vnd(total)})`, `order:${o.id}`, storeIds[store]!, actor);
        row.points = points;
        if (voucher) {
          if (redeemStmt) redeemStmt.run(when, storeIds[store]!, actor[1], voucher.id);
          audit(
            actor,
            "voucher.redeem",
            voucher.id,
            storeIds[store]!,
            { customerId: ids[i], campaignId: voucher.campaign.id, via: "order", orderId: o.id },
            when,
          );
          row.voucherState = "redeemed";
          event(i, "voucher");
          if (voucher.expiresAt < END) event(i, "voucher", -1);
        }
      }
      if (to === "cancelled") {
        row.cancelledAt = when;
        row.cancelReason = reason ?? null;
        if (row.payment === "paid") row.payment = "refund_due";
        if (voucher) {
          row.voucherState = "released";
          const list = held.get(i) ?? [];
          list.push(voucher);
          held.set(i, list);
        }
      }
      orderNotice(i, o, to, when, { points, reason });
      audit(actor, `order.${to}`, o.id, storeIds[store]!, { from, reason }, when);
      event(i, "order");
      touch(i, when);
      if (to === "completed" || to === "cancelled") done();
    };
    if (cancelEarly) {
      later(cancelledAt!, () => step("cancelled", cancelledAt!, chance(0.5) ? self(i) : by, pick(["Khách đổi ý", "Đặt nhầm món", "Hết món"])));
      return;
    }
    later(confirmedAt, () => step("confirmed", confirmedAt, by));
    later(readyAt, () => step("ready", readyAt, by));
    if (cancelLate) later(cancelledAt!, () => step("cancelled", cancelledAt!, by, "Khách không đến nhận"));
    else later(completedAt, () => step("completed", completedAt, by));
  }
  const pendingOrders = new Set<() => void>();

  // ---- games ----

  function settle(drawId: string, state: string, voucherId: string | null, t: number, reason: string) {
    if (settleStmt) settleStmt.run(state, voucherId, t, reason, drawId);
    const i = drawOwner.get(drawId);
    drawOwner.delete(drawId);
    if (i !== undefined) event(i, "game");
  }
  const drawOwner = new Map<string, number>();

  function play(i: number, t: number) {
    const d = dayOf(t);
    const gs = games.map((g, k) => [g, k] as const).filter(([g, k]) => g.startsAt <= t && lastPlayDay[k]![i] !== d);
    if (!gs.length) return;
    const [g, k] = pick(gs);
    const store = g.stores.includes(storeIds[homeStore[i]!]!) ? storeIds[homeStore[i]!]! : pick(g.stores);
    lastPlayDay[k]![i] = d;
    const total = g.prizes.reduce((s, p) => s + p.weight, 0);
    let u = r() * total;
    const drawn = g.prizes.find((p) => (u -= p.weight) < 0) ?? g.prizes[0]!;
    const id = uuid();
    let state = "none";
    let voucherId: string | null = null;
    let settledAt: number | null = null;
    if (drawn.kind !== "none") {
      drawn.won++;
      if (drawn.requiresFollow && !follows[i]) {
        state = "pending_follow";
        const list = pending.get(i) ?? [];
        list.push({ drawId: id, prize: drawn, storeId: store });
        pending.set(i, list);
        drawOwner.set(id, i);
        // Most follow from the play's screen within minutes, some later, some never.
        if (chance(0.6)) {
          const tf = t + 30_000 + expo(chance(0.8) ? 2 * MIN : DAY);
          later(tf, () => follow(i, tf, "game"));
        }
      } else {
        state = "issued";
        settledAt = t;
        if (drawn.kind === "voucher") voucherId = issueVoucher(i, t, prizeCampaign, "prize", `prize:${id}`, self(i));
        else ledger(i, t, "earn", drawn.points!, `Giải thưởng: ${drawn.label}`, `prize:${id}`, store, self(i));
      }
    }
    const win = drawn.kind !== "none";
    run(
      insDraw,
      "game_draws",
      id,
      g.id,
      ids[i],
      store,
      dayKey(t, TZ),
      drawn.id,
      drawn.id,
      win ? 1 : 0,
      null,
      win && drawn.requiresFollow ? 1 : 0,
      state,
      voucherId,
      win && drawn.kind === "points" ? drawn.points : null,
      `play:${ids[i]}:${uuid()}`,
      t,
      settledAt,
      null,
    );
    event(i, "game");
    touch(i, t);
  }

  // ---- a person writes to the OA (opens the CS window) ----

  function userMessage(i: number, t: number) {
    if (!follows[i]) return;
    webhook("user_send_text", i, t, {
      sender: { id: oaIds[i] },
      recipient: { id: "9876543210987654321" },
      message: {
        msg_id: hex(32),
        text: pick(["Quán mở cửa mấy giờ ạ?", "Cho mình hỏi còn voucher không", "Cảm ơn quán", "Mình muốn đặt 10 ly cho văn phòng"]),
      },
    });
    lastInteraction[i] = Math.max(Number.isNaN(lastInteraction[i]!) ? 0 : lastInteraction[i]!, t);
    touch(i, t);
  }

  // ---- the console: tags, points by hand, notes ----

  const someone = (t: number, heavyBias: number) => {
    // Among people who joined before t (joinAt is sorted), regulars more often.
    let hi = 0,
      lo = 0,
      top = N;
    while (lo < top) {
      const m = (lo + top) >> 1;
      if (joinAt[m]! <= t) lo = m + 1;
      else top = m;
    }
    hi = lo;
    if (hi === 0) return -1;
    for (let k = 0; k < 8; k++) {
      const i = int(hi);
      if (joined[i] && (appUser[i] || !chance(heavyBias)) && (!chance(heavyBias) || vip(i))) return i;
    }
    const i = int(hi);
    return joined[i] ? i : -1;
  };
  const tagsOf = new Map<number, string[]>();
  function setTags(i: number, t: number) {
    const now = [...new Set([...(tagsOf.get(i) ?? []), pick(TAGS), ...(chance(0.3) ? [pick(TAGS)] : [])])].sort();
    if (delTags) delTags.run(ids[i]);
    for (const tag of now) if (insTag) insTag.run(ids[i], tag);
    tagsOf.set(i, now);
    audit(ADMIN, "customer.tags", ids[i]!, null, { tags: now }, t);
    event(i, "admin");
    touch(i, t);
  }
  function adjust(i: number, t: number) {
    const delta = chance(0.8) ? pick([20, 50, 100, 200]) : -Math.min(balance[i]!, pick([20, 50]));
    if (delta === 0) return;
    const reason = delta > 0 ? pick(["Bù đơn giao nhầm", "Tặng khách quen", "Sự cố máy POS"]) : "Trừ điểm cộng nhầm";
    ledger(i, t, "adjust", delta, reason, `adjust:${uuid()}`, null, ADMIN);
    audit(ADMIN, "points.adjust", ids[i]!, null, { delta, reason }, t);
    event(i, "admin");
  }
  function note(i: number, t: number) {
    if (insNote) run(insNote, "customer_notes", uuid(), ids[i], "admin", ADMIN_ID, TEST_ENV.ADMIN_EMAIL, pick(NOTES), t);
    else counted("customer_notes");
    audit(ADMIN, "customer.note", ids[i]!, null, { noteId: "-", length: 30 }, t);
    event(i, "note");
  }

  // ---- broadcasts and the keep-warm floor ----

  type Broadcast = {
    id: string;
    name: string;
    category: "care" | "promotion";
    day: number;
    text: string | null;
    template: Msg["template"];
    recipients: number;
  };
  const broadcasts: Broadcast[] = [
    {
      id: uuid(),
      name: "Khai trương chi nhánh Gò Vấp",
      category: "care",
      day: 9,
      text: "Chi nhánh Gò Vấp đã mở cửa! Ghé thăm để nhận quà khai trương nhé.",
      template: null,
      recipients: 0,
    },
    {
      id: uuid(),
      name: "Cuối tuần giảm 20%",
      category: "promotion",
      day: 23,
      text: null,
      template: { id: PROMO_TEMPLATE, data: { customer_name: "", content: "Cuối tuần này giảm 20% mọi món trà" }, tag: 3, uid: true },
      recipients: 0,
    },
    {
      id: uuid(),
      name: "Menu mùa thu",
      category: "care",
      day: 37,
      text: "Menu mùa thu đã có: trà sen vàng, bánh chuối nướng. Mời bạn thử!",
      template: null,
      recipients: 0,
    },
    {
      id: uuid(),
      name: "Trà sen vàng mua 1 tặng 1",
      category: "promotion",
      day: 51,
      text: null,
      template: { id: PROMO_TEMPLATE, data: { customer_name: "", content: "Trà sen vàng mua 1 tặng 1 đến hết tuần" }, tag: 3, uid: true },
      recipients: 0,
    },
  ].filter((b) => b.day < DAYS - 1) as Broadcast[];
  const broadcastRows: unknown[][] = [];
  function runBroadcast(b: Broadcast, t: number) {
    // One row per follower (the plan's INSERT…SELECT, all at its start time), each decided as the dispatcher
    // reaches it at 60 sends a second per channel.
    let k = 0;
    for (let i = 0; i < N && joinAt[i]! <= t; i++) {
      if (!follows[i]) continue;
      const m: Msg = {
        category: b.category,
        priority: 3,
        dedupeKey: null,
        source: "broadcast",
        text: b.text,
        template: b.template ? { ...b.template, data: { ...b.template.data, customer_name: names[i]!.slice(0, 30) } } : null,
        expiresAt: null,
        broadcastId: b.id,
      };
      // The plan writes its rows slice by slice, each slice stamped with its own now() (~600 rows a ms).
      const created = t + Math.floor(k / 600);
      message(i, created, m, t + Math.floor((k++ * 1000) / 60));
    }
    b.recipients = k;
    audit(["system", "planner"], "broadcast.planned", b.id, null, { recipients: k }, t + Math.floor(k / 600));
    broadcastRows.push([b, t, t + Math.floor((k * 1000) / 60)]);
    audit(ADMIN, "broadcast.create", b.id, null, undefined, t - 20 * MIN);
    audit(ADMIN, "broadcast.start", b.id, null, undefined, t);
  }
  function floor(t: number) {
    const day = dayKey(t, TZ);
    let queued = 0;
    const since = t - RULES.floor.silentDays * DAY;
    // The product's test: a follower with nothing sent since `since` (a suppressed message counts as nothing).
    for (let i = 0; i < N && joinAt[i]! <= t && queued < 50_000 * share; i++) {
      if (!follows[i] || (!Number.isNaN(lastSentAt[i]!) && lastSentAt[i]! >= since)) continue;
      const content =
        balance[i]! > 0
          ? `Bạn đang có ${balance[i]} điểm thưởng. Ghé cửa hàng để dùng điểm nhé!`
          : `Ưu đãi mới: ${campaigns[3]!.name}. Mở mini app để nhận ngay!`;
      message(
        i,
        t,
        { category: "care", priority: 2, dedupeKey: `floor:${ids[i]}:${day}`, source: "floor", text: content, template: null, expiresAt: t + 2 * DAY },
        t + 2000 + queued * 17,
      );
      queued++;
    }
  }

  // ---- the replay ----

  const tx = (fn: () => void) => (db ? db.transaction(fn)() : fn());
  const started = Date.now();
  // The shop's setup, before day 0.
  tx(() => {
    if (!db) return;
    db.prepare("insert into admin_users (id, email, password_hash, created_at) values (?, ?, ?, ?)").run(
      ADMIN_ID,
      TEST_ENV.ADMIN_EMAIL,
      o.adminHash ?? "-",
      DAY0 - 3 * DAY,
    );
    const st = db.prepare("insert into stores (id, name, address, active, created_at) values (?, ?, ?, 1, ?)");
    for (const s of stores) st.run(s.id, s.name, s.address, DAY0 - 3 * DAY);
    const cat = db.prepare("insert into menu_categories (id, name, position, active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)");
    for (const c of menuCats) cat.run(c.id, c.name, c.position, DAY0 - 3 * DAY, DAY0 - 3 * DAY);
    const prod = db.prepare(
      "insert into products (id, category_id, name, description, price_vnd, image_url, option_groups, active, created_at, updated_at) values (?, ?, ?, '', ?, null, '[]', 1, ?, ?)",
    );
    const ps = db.prepare("insert into product_stores (product_id, store_id, available, updated_at) values (?, ?, 1, ?)");
    for (const p of products as ((typeof products)[number] & { cat: string })[]) {
      prod.run(p.id, p.cat, p.name, p.price, DAY0 - 3 * DAY, DAY0 - 3 * DAY);
      for (const s of storeIds) ps.run(p.id, s, DAY0 - 3 * DAY);
    }
    const tpl = db.prepare("insert into zns_templates (id, name, tag, params, uid, created_at) values (?, ?, ?, ?, 1, ?)");
    tpl.run(
      ORDER_TEMPLATE,
      "Thông báo đơn hàng",
      1,
      JSON.stringify([
        { name: "customer_name", type: "STRING", maxLength: 30, require: true },
        { name: "order_code", type: "CODE", maxLength: 30, require: true },
        { name: "amount", type: "NUMBER", maxLength: 20, require: true },
      ]),
      DAY0 - 2 * DAY,
    );
    tpl.run(
      PROMO_TEMPLATE,
      "Ưu đãi",
      3,
      JSON.stringify([
        { name: "customer_name", type: "STRING", maxLength: 30, require: true },
        { name: "content", type: "STRING", maxLength: 90, require: true },
      ]),
      DAY0 - 2 * DAY,
    );
  });
  // Staff: three per store, among the first to join (they sign in to the mini app, an admin grants the role).
  for (let s = 0; s < STORES.length; s++) for (let k = 0; k < 3; k++) staff.push({ idx: s * 3 + k, store: s });
  for (const s of staff) {
    appUser[s.idx] = 1;
    joinAt[s.idx] = Math.min(joinAt[s.idx]!, DAY0 + HOUR);
  }

  const perDay = 0.04; // counter awards a day at weight 1 (scaled)
  const RATE = { award: perDay * scale, order: 0.008 * scale, claim: 0.006 * scale, play: 0.008 * scale, talk: 0.012 };
  const adminActs = Math.round(N / 150); // tags, adjustments, notes over the 60 days
  for (let k = 0; k < adminActs; k++) {
    const d = int(DAYS);
    const t = timeIn(d);
    const u = r();
    later(t, () => {
      const i = someone(t, 0.6);
      if (i < 0) return;
      if (u < 0.5) setTags(i, t);
      else if (u < 0.75) adjust(i, t);
      else note(i, t);
    });
  }
  for (const b of broadcasts) later(at(b.day, 10), () => runBroadcast(b, at(b.day, 10)));
  for (let d = RULES.floor.silentDays; d < DAYS; d++) later(at(d, 9, 30), () => floor(at(d, 9, 30)));

  let nextJoin = 0;
  type Intent = { t: number; i: number; k: number }; // 0 join, 1 award, 2 order, 3 claim, 4 play, 5 writes to the OA
  for (let d = 0; d < DAYS; d++) {
    const dayStart = DAY0 + d * DAY;
    const dayEnd = Math.min(END, dayStart + DAY);
    // Today's intents of everyone who has joined by tonight and not left.
    const intents: Intent[] = [];
    while (nextJoin < N && joinAt[nextJoin]! < dayEnd) intents.push({ t: joinAt[nextJoin]!, i: nextJoin++, k: 0 });
    const dw = dayWeight[d]!;
    for (let i = 0; i < nextJoin; i++) {
      if (leaveAt[i]! < dayStart) continue;
      const w = weight[i]!;
      const lTalk = follows[i] ? RATE.talk * dw : 0;
      const lA = RATE.award * w * dw;
      const lO = RATE.order * w * dw;
      const sw = Math.sqrt(w);
      const lC = RATE.claim * sw * dw * (appUser[i] ? 1 : 0);
      const lP = RATE.play * sw * dw * (appUser[i] ? 1 : 0);
      const total = lA + lO + lC + lP + lTalk;
      if (r() < Math.exp(-total)) continue;
      const from = Math.max(dayStart, joinAt[i]!);
      const add = (k: Intent["k"], n: number) => {
        for (let j = 0; j < n; j++) {
          let t = timeIn(d);
          if (t < from) t = from + Math.floor(r() * Math.max(MIN, dayStart + 22 * HOUR - from));
          if (t < dayEnd && t > joinAt[i]!) intents.push({ t, i, k });
        }
      };
      add(1, poisson(lA));
      add(2, poisson(lO));
      add(3, poisson(lC));
      add(4, poisson(lP));
      add(5, poisson(lTalk));
    }
    intents.sort((a, b) => a.t - b.t);
    tx(() => {
      let k = 0;
      for (;;) {
        const next = future.peek();
        const it = intents[k];
        if (!it && (!next || next.t >= dayEnd)) break;
        if (next && next.t < dayEnd && (!it || next.t <= it.t)) {
          future.pop();
          next.run();
          continue;
        }
        k++;
        if (it!.t >= END) continue;
        const i = it!.i;
        if (it!.k === 0) join(i);
        else if (!joined[i]) continue;
        else if (it!.k === 1) award(i, it!.t);
        else if (it!.k === 2) placeOrder(i, it!.t);
        else if (it!.k === 3) claim(i, it!.t);
        else if (it!.k === 4) play(i, it!.t);
        else userMessage(i, it!.t);
      }
    });
    if (db)
      o.log(
        `day ${d + 1}/${DAYS}: ${nextJoin.toLocaleString("en-US")} people, ${Object.values(items)
          .reduce((a, b) => a + b, 0)
          .toLocaleString("en-US")} events, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
  }

  // ---- what stands at `end` ----
  tx(() => {
    for (const w of [...pendingOrders]) w();
    if (!db) return;
    for (let i = 0; i < N; i++) {
      if (!joined[i]) continue;
      const nn = (x: number) => (Number.isNaN(x) ? null : x);
      updCustomer!.run(
        oaIds[i],
        follows[i],
        nn(followedAt[i]!),
        nn(unfollowedAt[i]!),
        nn(lastInteraction[i]!),
        balance[i],
        earned[i],
        nn(fatigueUntil[i]!),
        updatedAt[i],
        i + 1,
      );
    }
    // Staff and their stores, granted by the admin on day 0.
    const role = db.prepare("update customers set role = 'staff' where id = ?");
    const ss = db.prepare("insert into staff_stores (customer_id, store_id) values (?, ?)");
    for (const s of staff) {
      role.run(ids[s.idx]);
      ss.run(ids[s.idx], storeIds[s.store]);
      audit(ADMIN, "role.set", ids[s.idx]!, null, { from: "customer", to: "staff", storeIds: [storeIds[s.store]] }, DAY0 + 2 * HOUR);
      event(s.idx, "admin");
    }
    const camp = db.prepare(
      `insert into voucher_campaigns (id, name, description, kind, value, max_discount_vnd, free_item, min_spend_vnd, stock, issued, per_customer_limit, valid_from,
         valid_to, valid_days_after_claim, cost_points, store_ids, requires_follow, listed, active, created_at, updated_at)
       values (?, ?, '', ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?, ?, '[]', ?, ?, 1, ?, ?)`,
    );
    for (const c of campaigns)
      camp.run(
        c.id,
        c.name,
        c.kind,
        c.value,
        c.maxDiscount,
        c.kind === "free_item" ? "Trà sen vàng" : null,
        c.minSpend,
        c.issued,
        c.perCustomer,
        c.from,
        c.to,
        c.days,
        c.cost,
        c.requiresFollow ? 1 : 0,
        c.listed ? 1 : 0,
        c.createdAt,
        c.createdAt,
      );
    const gc = db.prepare(
      `insert into game_campaigns (id, name, description, kind, store_ids, starts_at, ends_at, plays_per_day, plays_per_customer, daily_prize_budget_per_store, active, created_at, updated_at)
       values (?, ?, '', ?, ?, ?, null, 1, null, null, 1, ?, ?)`,
    );
    const gp = db.prepare(
      `insert into game_prizes (id, campaign_id, position, label, kind, voucher_campaign_id, points, weight, stock, won, requires_follow, retired)
       values (?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, 0)`,
    );
    for (const g of games) {
      gc.run(g.id, g.name, g.kind, JSON.stringify(g.stores), g.startsAt, g.startsAt - DAY, g.startsAt - DAY);
      g.prizes.forEach((p, k) =>
        gp.run(p.id, g.id, k, p.label, p.kind, p.kind === "voucher" ? prizeCampaign.id : null, p.points, p.weight, p.won, p.requiresFollow ? 1 : 0),
      );
    }
    const bc = db.prepare(
      `insert into broadcasts (id, name, category, text, image_url, template_id, template_data, audience, state, scheduled_at, expires_at, breaker_rate, breaker_min_sent,
         recipients, planned_through, created_by, created_at, started_at, finished_at) values (?, ?, ?, ?, null, ?, ?, ?, 'done', null, null, 0.02, 200, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [b, t, fin] of broadcastRows as [Broadcast, number, number][])
      bc.run(
        b.id,
        b.name,
        b.category,
        b.text,
        b.template?.id ?? null,
        b.template ? JSON.stringify(b.template.data) : null,
        JSON.stringify({ followersOnly: true }),
        b.recipients,
        N,
        `admin:${ADMIN_ID}`,
        t - 20 * MIN,
        t,
        Math.min(fin, END - 1),
      );
  });
  // Pending-follow draws never settled and their events are already counted; the heavy list.
  const order = Array.from({ length: N }, (_, i) => i)
    .sort((a, b) => personEvents[b]! - personEvents[a]!)
    .slice(0, 40);
  const events = Object.values(items).reduce((a, b) => a + b, 0);
  return { events, items, rows, heavy: order.map((i) => ({ id: ids[i]!, events: personEvents[i]! })), storeIds, gameIds: games.map((g) => g.id) };
}
