import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIMELINE_KINDS, type TimelineKind } from "@mc/shared";
import { openDb, type Db } from "../../db/client";
import { encodeCursor, scan, type Item } from "./kit";
import { createTimelineService, mergeSorted } from "./service";

// The timeline's paging on a database filled with random rows of every source, many of them at the same
// millisecond and with orders and vouchers whose events straddle page boundaries: every page size must give
// back exactly the whole list, in order, once.

const BASE = Date.UTC(2026, 0, 1);
const NOW = BASE + 30_000;
const S = 1000;

/** A small seeded PRNG (mulberry32): the same rows on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let db: Db;
let expectedEvents = 0;
const prepared: string[] = [];
let service: ReturnType<typeof createTimelineService>;

function fill(seed: number) {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const at = () => BASE + int(40) * S; // 40 distinct seconds: ties everywhere
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const c = db.$client;
  const run = (q: string, ...args: unknown[]) => c.prepare(q).run(...args);
  for (const [id, name] of [
    ["p", "Người được xem"],
    ["q", "Người khác"],
    ["staff", "Trần Minh Khoa"],
  ])
    run("insert into customers (id, name, member_code, created_at, updated_at) values (?, ?, ?, 0, 0)", id, name, `M${id}`);
  run("insert into admin_users (id, email, password_hash, created_at) values ('op', 'owner@shop.vn', 'x', 0)");
  for (const s of ["q1", "q3"]) run("insert into stores (id, name, created_at) values (?, ?, 0)", s, s === "q1" ? "Quận 1" : "Quận 3");
  run("insert into voucher_campaigns (id, name, kind, value, created_at, updated_at) values ('vc', 'Giảm 10%', 'percent_off', 10, 0, 0)");
  run("insert into game_campaigns (id, name, kind, created_at, updated_at) values ('g', 'Vòng quay', 'wheel', 0, 0)");
  run("insert into game_prizes (id, campaign_id, position, label, kind, weight) values ('gp', 'g', 0, '10 điểm', 'points', 1)");
  run("insert into broadcasts (id, name, category, audience, created_by, created_at) values ('b', 'Cuối tuần', 'promotion', '{}', 'op', 0)");
  const who = () => (r() < 0.85 ? "p" : "q");
  const count = (customer: string, n: number) => (customer === "p" ? (expectedEvents += n) : 0);

  for (let i = 0; i < 60; i++) {
    const customer = who();
    const t0 = at();
    const stamps: (number | null)[] = [];
    let t = t0;
    for (let k = 0; k < 4; k++) {
      if (r() < 0.6) {
        t += int(4) * S; // 0: the same millisecond as the step before
        stamps.push(t);
      } else stamps.push(null);
    }
    count(customer, 1 + stamps.filter((x) => x !== null).length);
    run(
      `insert into orders (id, code, customer_id, store_id, status, pickup_type, payment_method, subtotal_vnd, total_vnd, request_key, cancel_reason,
         created_at, updated_at, confirmed_at, ready_at, completed_at, cancelled_at) values (?, ?, ?, ?, 'placed', 'pickup', 'counter', 1000, 1000, ?, 'x', ?, ?, ?, ?, ?, ?)`,
      `o${i}`,
      `C${i}`,
      customer,
      pick(["q1", "q3"]),
      `rk${i}`,
      t0,
      t,
      ...stamps,
    );
  }
  for (let i = 0; i < 50; i++) {
    const customer = who();
    const issued = at();
    const expires = issued + int(30) * S;
    const redeemed = r() < 0.4 ? issued + int(40) * S : null; // an order's redemption may come after expiry
    const voided = redeemed === null && r() < 0.2 ? issued + int(20) * S : null;
    const status = redeemed !== null ? "redeemed" : voided !== null ? "void" : "issued";
    count(customer, 1 + (redeemed !== null ? 1 : 0) + (voided !== null ? 1 : 0) + (status === "issued" && expires < NOW ? 1 : 0));
    run(
      `insert into vouchers (id, campaign_id, customer_id, code, status, source, issued_at, expires_at, redeemed_at, redeemed_store_id, redeemed_by, voided_at)
       values (?, 'vc', ?, ?, ?, 'claim', ?, ?, ?, ?, ?, ?)`,
      `v${i}`,
      customer,
      `CODE${i}`,
      status,
      issued,
      expires,
      redeemed,
      redeemed === null ? null : pick(["q1", "q3"]),
      redeemed === null ? null : pick(["staff", "op"]),
      voided,
    );
  }
  for (let i = 0; i < 40; i++) {
    const customer = who();
    const created = at();
    const settled = r() < 0.5 ? created + int(30) * S : null;
    count(customer, settled === null ? 1 : 2);
    run(
      `insert into game_draws (id, campaign_id, customer_id, store_id, day, drawn_prize_id, prize_id, win, state, created_at, settled_at, settle_reason)
       values (?, 'g', ?, ?, '2026-01-01', 'gp', 'gp', 1, ?, ?, ?, ?)`,
      `d${i}`,
      customer,
      pick(["q1", "q3"]),
      settled === null ? "pending_follow" : pick(["issued", "void"]),
      created,
      settled,
      settled === null ? null : "followed",
    );
  }
  for (let i = 0; i < 50; i++) {
    const customer = who();
    count(customer, 1);
    run(
      `insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, created_at)
       values (?, 'earn', 5, 5, 'Mua hàng', ?, ?, 'customer', 'staff', ?)`,
      customer,
      `k${i}`,
      pick(["q1", "q3", null]),
      at(),
    );
  }
  for (let i = 0; i < 30; i++) {
    const customer = who();
    count(customer, 1);
    run(
      "insert into follow_events (customer_id, kind, source, at, received_at) values (?, ?, 'oa_profile', ?, ?)",
      customer,
      pick(["follow", "unfollow"]),
      at(),
      NOW,
    );
  }
  for (let i = 0; i < 40; i++) {
    const customer = who();
    count(customer, 1);
    const t = at();
    run(
      `insert into outbox (customer_id, category, source, text, state, reason, broadcast_id, created_at, updated_at) values (?, 'promotion', 'broadcast', 'Giảm giá', ?, ?, ?, ?, ?)`,
      customer,
      pick(["queued", "held", "suppressed", "sent"]),
      pick([null, "QUIET_HOURS", "CAP_REACHED"]),
      pick([null, "b"]),
      t,
      t,
    );
  }
  for (let i = 0; i < 20; i++) {
    const customer = who();
    count(customer, 1);
    run(
      "insert into customer_notes (id, customer_id, author_kind, author_id, author_name, text, created_at) values (?, ?, 'admin', 'op', 'owner@shop.vn', 'ghi chú', ?)",
      `n${i}`,
      customer,
      at(),
    );
  }
  for (let i = 0; i < 40; i++) {
    const customer = who();
    const action = pick(["customer.tags", "role.set", "points.adjust", "points.award", "voucher.redeem"]);
    // Only the console's acts on the person are in the timeline (points.award and redemptions are hot-path rows;
    // an adjustment is shown by its ledger entry).
    if (action !== "points.award" && action !== "voucher.redeem" && action !== "points.adjust") count(customer, 1);
    const details =
      action === "customer.tags"
        ? { tags: [pick(["vip", "office", "new"])] }
        : action === "role.set"
          ? { from: "customer", to: "staff", storeIds: ["q1"] }
          : { delta: 5 };
    run(
      "insert into audit_log (actor_kind, actor_id, action, target_id, store_id, details, at) values ('admin', 'op', ?, ?, ?, ?, ?)",
      action,
      customer,
      pick([null, "q1"]),
      JSON.stringify(details),
      at(),
    );
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mc-timeline-"));
  db = openDb(join(dir, "t.db"));
  fill(20261123);
  db.$client.exec("analyze");
  const prepare = db.$client.prepare.bind(db.$client);
  db.$client.prepare = ((q: string) => {
    prepared.push(q);
    return prepare(q);
  }) as typeof db.$client.prepare;
  service = createTimelineService({ db, now: () => NOW, timeZone: "Asia/Ho_Chi_Minh", customerExists: () => true });
  db.$client.prepare = prepare;
});
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every item, one page of all of it (one range read per source: no cursor, no batches). */
const everything = (kinds?: TimelineKind[], storeIds?: string[]) => service.page("p", { kinds, limit: 100_000 }, { storeIds }).items;

function pageThrough(limit: number, kinds?: TimelineKind[], storeIds?: string[]) {
  const keys: string[] = [];
  let before: string | undefined;
  for (let n = 0; n < 10_000; n++) {
    const page = service.page("p", { kinds, before, limit }, { storeIds });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.next) expect(page.items).toHaveLength(limit);
    keys.push(...page.items.map((i) => i.key));
    if (!page.next) break;
    before = page.next;
  }
  return keys;
}

describe("paging the merged timeline", () => {
  it("holds every event of the person once, and nobody else's", () => {
    const all = everything();
    expect(all).toHaveLength(expectedEvents);
    expect(new Set(all.map((i) => i.key)).size).toBe(all.length);
    const at = all.map((i) => Date.parse(i.at));
    expect(at.every((t, k) => k === 0 || t <= at[k - 1]!)).toBe(true);
    expect(all.filter((i) => i.at === new Date(BASE + 10 * S).toISOString()).length).toBeGreaterThan(5); // ties were made
  });

  it("any page size gives back exactly the whole list, in order", () => {
    const all = everything().map((i) => i.key);
    for (const limit of [2, 7, 100]) expect(pageThrough(limit), `limit ${limit}`).toEqual(all);
  });

  it("so does each kind alone, any mix of kinds, and a staff view of one store", () => {
    const r = rng(7);
    for (const kind of TIMELINE_KINDS) expect(pageThrough(1, [kind])).toEqual(everything([kind]).map((i) => i.key));
    for (let n = 0; n < 6; n++) {
      const kinds = TIMELINE_KINDS.filter(() => r() < 0.5);
      const limit = 2 + Math.floor(r() * 8);
      expect(pageThrough(limit, kinds), `${kinds} by ${limit}`).toEqual(everything(kinds).map((i) => i.key));
    }
    const staff = everything(undefined, ["q1"]);
    expect(staff.every((i) => i.storeId === "q1" || i.kind === "note")).toBe(true);
    expect(staff.map((i) => i.key)).toEqual(
      everything()
        .filter((i) => i.storeId === "q1" || i.kind === "note")
        .map((i) => i.key),
    );
    for (const limit of [1, 4]) expect(pageThrough(limit, undefined, ["q1"])).toEqual(staff.map((i) => i.key));
  });

  it("a cursor taken anywhere (not only at a page end) continues right after it", () => {
    const all = everything();
    for (let k = 0; k < all.length; k += 7) {
      const i = all[k]!;
      const next = service.page("p", { before: encodeCursor({ at: Date.parse(i.at), key: i.key }), limit: 5 }, {}).items;
      expect(next.map((x) => x.key)).toEqual(all.slice(k + 1, k + 6).map((x) => x.key));
    }
  });

  it("the scan finds items hidden behind a long run of rows at one time, and merges keep the order", () => {
    // 50 rows at one millisecond and a page of 3: the tie is completed, never cut.
    const rows = Array.from({ length: 50 }, (_, k) => ({ id: k, at: 5 }));
    const items = (x: { id: number; at: number }): Item[] => [
      { key: `t:${String(x.id).padStart(2, "0")}`, kind: "note", at: x.at, title: "", detail: null, storeId: null, actor: null, data: {} },
    ];
    const range = (min: number, max: number, n: number) =>
      rows
        .filter((x) => x.at >= min && x.at <= max)
        .sort((a, b) => b.id - a.id) // the index's order within a tie is not the keys'
        .slice(0, n < 0 ? undefined : n);
    const keys: string[] = [];
    let before = null as null | { at: number; key: string };
    for (let n = 0; n < 30; n++) {
      const page = scan({ before, limit: 3, range, id: (x) => x.id, hi: (x) => x.at, items });
      if (!page.length) break;
      keys.push(...page.map((i) => i.key));
      before = { at: page.at(-1)!.at, key: page.at(-1)!.key };
    }
    expect(keys).toEqual(rows.map((x) => `t:${String(x.id).padStart(2, "0")}`));
    const a = items({ id: 1, at: 9 }).concat(items({ id: 3, at: 5 }));
    const b = items({ id: 2, at: 9 }).concat(items({ id: 4, at: 1 }));
    expect(mergeSorted([a, b, []], 10).map((i) => i.key)).toEqual(["t:01", "t:02", "t:03", "t:04"]);
    expect(mergeSorted([a, b], 3)).toHaveLength(3);
  });
});

describe("query plans", () => {
  // Each source reads an index range on (customer, time) with its LIMIT: no table scan, no sort.
  const INDEX: Record<string, string> = {
    orders: "orders_timeline_idx",
    vouchers: "vouchers_timeline_idx",
    game_draws: "game_draws_timeline_idx",
    points_ledger: "points_ledger_window_idx",
    follow_events: "follow_events_customer_idx",
    outbox: "outbox_customer_idx",
    customer_notes: "customer_notes_customer_idx",
    audit_log: "audit_log_person_idx",
    order_ratings: "order_ratings_customer_idx",
  };
  const params = { customerId: "p", min: 0, max: NOW, n: 31, at: BASE + 10 * S, stores: null };

  it("every source statement searches its own index, and sorts nothing", () => {
    // Named parameters, or (sources on the store: the draws) `?` ones, bound here in the order the repo binds them.
    const statements = prepared.filter((q) => q.includes("@customerId") || /\bfrom game_draws indexed by \w+ where customer_id = \?/.test(q));
    const bind = (q: string) =>
      q.includes("@customerId") ? [params] : q.includes(" between ") ? ["p", 0, NOW, null, null, 31] : ["p", params.at, params.at, null, null];
    expect(statements.length).toBeGreaterThanOrEqual(Object.keys(INDEX).length + 3); // + orders', vouchers' and draws' straddling reads
    const seen = new Set<string>();
    for (const q of statements) {
      const name = /\bfrom (\w+)\s+indexed by \w+\s+where (customer|target)_id = (@customerId|\?)/.exec(q)?.[1];
      expect(name, q).toBeDefined();
      seen.add(name!);
      const plan = (db.$client.prepare(`explain query plan ${q}`).all(...bind(q)) as { detail: string }[]).map((p) => p.detail);
      const main = plan.filter((d) => new RegExp(`^(SEARCH|SCAN) ${name}\\b`).test(d));
      expect(main, `${name}: ${plan.join(" / ")}`).toEqual([expect.stringMatching(new RegExp(`^SEARCH ${name} USING (COVERING )?INDEX ${INDEX[name!]} \\(`))]);
      expect(
        plan.filter((d) => d.includes("TEMP B-TREE")),
        `${name}: ${plan.join(" / ")}`,
      ).toEqual([]);
      if (name === "audit_log")
        expect(
          plan.some((d) => d.startsWith(`SEARCH p USING INDEX ${INDEX.audit_log}`)),
          plan.join(" / "),
        ).toBe(true);
    }
    expect([...seen].sort()).toEqual(Object.keys(INDEX).sort());
  });
});

describe("the follow history's backfill", () => {
  it("a database from before follow_events gets one follow and one unfollow per person from the customers' columns", () => {
    const migrations = resolve(dirname(fileURLToPath(import.meta.url)), "../../../drizzle");
    const d = mkdtempSync(join(tmpdir(), "mc-migrate-"));
    try {
      const upTo = join(d, "upto");
      cpSync(migrations, upTo, { recursive: true });
      const journal = JSON.parse(readFileSync(join(upTo, "meta/_journal.json"), "utf8"));
      const mine = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith("_crm_timeline"));
      expect(mine).toBeGreaterThan(0);
      journal.entries = journal.entries.slice(0, mine);
      writeFileSync(join(upTo, "meta/_journal.json"), JSON.stringify(journal));
      const path = join(d, "old.db");
      const old = new Database(path);
      migrate(drizzle(old), { migrationsFolder: upTo });
      old.exec(`insert into customers (id, name, member_code, created_at, updated_at, follows_oa, followed_at, unfollowed_at) values
        ('a', 'A', 'A1', 0, 0, 1, 1000, null), ('b', 'B', 'B1', 0, 0, 0, 1000, 2000), ('c', 'C', 'C1', 0, 0, 0, null, null)`);
      old.close();
      const migrated = openDb(path);
      expect(migrated.$client.prepare("select customer_id, kind, source, at from follow_events order by customer_id, at").all()).toEqual([
        { customer_id: "a", kind: "follow", source: "backfill", at: 1000 },
        { customer_id: "b", kind: "follow", source: "backfill", at: 1000 },
        { customer_id: "b", kind: "unfollow", source: "backfill", at: 2000 },
      ]);
      migrated.$client.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
