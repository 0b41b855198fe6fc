/**
 * CRM timeline benchmark (target: a profile's first timeline page ≤ 50 ms at 10,000,000 events over
 * 1,000,000 customers). Seeds a database file by SQL with ~10 events per customer (an order through four
 * statuses, two ledger entries with their hot-path audit rows, a voucher claimed and redeemed, a message, a
 * follow) plus a few heavy customers (BENCH_TIMELINE_HEAVY_EVENTS each), then times the service's pages:
 * the first page of random customers, the first and a deep page of the heavy ones. Then what the outbox's
 * per-customer index costs a broadcast plan (one INSERT…SELECT of a row per customer, with and without it).
 * Env: BENCH_TIMELINE_CUSTOMERS (100,000; 1,000,000 for the target), BENCH_TIMELINE_HEAVY (20),
 * BENCH_TIMELINE_HEAVY_EVENTS (5,000), BENCH_TIMELINE_SAMPLES (300), BENCH_TIMELINE_PER_SOURCE (off; 1 = each source
 * alone too, on a warm cache).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "@mc/server/db/client";
import { createTimelineService } from "@mc/server/modules/timeline/service";
import { seedCustomers } from "./shared";

const N = Number(process.env.BENCH_TIMELINE_CUSTOMERS ?? 100_000);
const HEAVY = Number(process.env.BENCH_TIMELINE_HEAVY ?? 20);
const HEAVY_EVENTS = Number(process.env.BENCH_TIMELINE_HEAVY_EVENTS ?? 5_000);
const SAMPLES = Number(process.env.BENCH_TIMELINE_SAMPLES ?? 300);
const NOW = Date.UTC(2026, 10, 23, 3, 0);
const YEAR = 365 * 86_400_000;
const fmt = (n: number) => n.toLocaleString("en-US");
const ms = (x: number) => x.toFixed(2);

function seed(db: ReturnType<typeof openDb>) {
  const c = db.$client;
  seedCustomers(db, N, NOW - 2 * YEAR);
  c.exec(`insert into stores (id, name, created_at) values ('q1', 'Quận 1', 0), ('q3', 'Quận 3', 0);
    insert into voucher_campaigns (id, name, kind, value, created_at, updated_at) values ('vc', 'Giảm 10%', 'percent_off', 10, 0, 0);`);
  const order = c.prepare(
    `insert into orders (id, code, customer_id, store_id, status, pickup_type, payment_method, subtotal_vnd, total_vnd, request_key, created_at, updated_at,
       confirmed_at, ready_at, completed_at) values (?, ?, ?, 'q1', 'completed', 'pickup', 'counter', 50000, 50000, ?, ?, ?, ?, ?, ?)`,
  );
  const ledger = c.prepare(
    `insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, store_id, actor_kind, actor_id, created_at)
     values (?, 'earn', 5, 5, 'Mua hàng 50.000đ', ?, 'q1', 'customer', 'c0', ?)`,
  );
  const award = c.prepare(
    "insert into audit_log (actor_kind, actor_id, action, target_id, store_id, details, at) values ('customer', 'c0', 'points.award', ?, 'q1', '{}', ?)",
  );
  const voucher = c.prepare(
    `insert into vouchers (id, campaign_id, customer_id, code, status, source, issued_at, expires_at, redeemed_at, redeemed_store_id, redeemed_by)
     values (?, 'vc', ?, ?, 'redeemed', 'claim', ?, ?, ?, 'q1', 'c0')`,
  );
  const message = c.prepare(
    "insert into outbox (customer_id, category, source, text, state, channel, free, created_at, updated_at, sent_at) values (?, 'care', 'welcome', 'Chào bạn', 'sent', 'cs', 1, ?, ?, ?)",
  );
  const follow = c.prepare("insert into follow_events (customer_id, kind, source, at, received_at) values (?, 'follow', 'oa_profile', ?, ?)");
  let seq = 0;
  let events = 0;
  const at = () => NOW - Math.floor(Math.random() * 2 * YEAR);
  /** About ten events for `id`, `k` times over. */
  const person = (id: string, k: number) => {
    for (let j = 0; j < k; j++) {
      const t = at();
      const n = ++seq;
      order.run(`o${n}`, `C${n}`, id, `rk${n}`, t, t + 900_000, t + 60_000, t + 600_000, t + 900_000);
      for (const d of [0, 1]) {
        ledger.run(id, `k${n}:${d}`, t + 900_000 + d);
        award.run(id, t + 900_000 + d);
      }
      voucher.run(`v${n}`, id, `V${n}`, t - 86_400_000, t + 29 * 86_400_000, t + 900_000);
      message.run(id, t + 1000, t + 1000, t + 2000);
      follow.run(id, t - 2 * 86_400_000, t - 2 * 86_400_000);
      events += 10;
    }
  };
  const t0 = Date.now();
  c.transaction(() => {
    for (let i = 0; i < N; i++) person(`c${i}`, 1);
    for (let i = 0; i < HEAVY; i++) person(`c${i}`, Math.round(HEAVY_EVENTS / 10));
  })();
  c.exec("analyze");
  console.log(`seeded ${fmt(events)} events over ${fmt(N)} customers in ${((Date.now() - t0) / 1000).toFixed(1)} s (not measured)`);
}

function stats(label: string, xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  console.log(`${label}: p50 ${ms(q(0.5))} ms, p95 ${ms(q(0.95))} ms, max ${ms(s[s.length - 1]!)} ms (${s.length} samples)`);
}

const dir = mkdtempSync(join(tmpdir(), "mc-timeline-bench-"));
try {
  const path = join(dir, "timeline.db");
  seed(openDb(path));
  const db = openDb(path); // a fresh connection: its page cache starts empty
  const timeline = createTimelineService({ db, now: () => NOW, timeZone: "Asia/Ho_Chi_Minh", customerExists: () => true });
  const time = (f: () => unknown) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  const first = Array.from({ length: SAMPLES }, () => time(() => timeline.page(`c${HEAVY + Math.floor(Math.random() * (N - HEAVY))}`, { limit: 30 })));
  stats("first page (30 items), random customers", first);
  stats(
    `first page, customers with ${fmt(HEAVY_EVENTS)} events`,
    Array.from({ length: HEAVY }, (_, i) => time(() => timeline.page(`c${i}`, { limit: 30 }))),
  );
  const deep = Array.from({ length: HEAVY }, (_, i) => {
    let before: string | undefined;
    for (let p = 0; p < 20; p++) before = timeline.page(`c${i}`, { limit: 30, before }).next ?? undefined;
    return time(() => timeline.page(`c${i}`, { limit: 30, before }));
  });
  stats("21st page of a heavy customer", deep);
  if (process.env.BENCH_TIMELINE_PER_SOURCE) {
    const { SOURCES } = await import("@mc/server/modules/timeline/registry");
    for (const f of SOURCES) {
      const one = createTimelineService({ db, now: () => NOW, timeZone: "Asia/Ho_Chi_Minh", customerExists: () => true, sources: [f] });
      const kind = f({ db, now: () => NOW, timeZone: "x" }).kind;
      stats(
        `  ${kind}, random`,
        Array.from({ length: 100 }, () => time(() => one.page(`c${HEAVY + Math.floor(Math.random() * (N - HEAVY))}`, { limit: 30 }))),
      );
      stats(
        `  ${kind}, heavy`,
        Array.from({ length: HEAVY }, (_, i) => time(() => one.page(`c${i}`, { limit: 30 }))),
      );
    }
  }

  // The broadcast plan's cost of outbox_customer_idx: one row per customer, as the plan's INSERT…SELECT writes them.
  const plan = () =>
    time(() =>
      db.$client
        .prepare(
          "insert into outbox (customer_id, category, priority, source, text, state, broadcast_id, created_at, updated_at) select id, 'care', 3, 'broadcast', 'x', 'queued', 'b', ?, ? from customers",
        )
        .run(NOW, NOW),
    );
  const withIndex = plan();
  db.$client.exec("delete from outbox where broadcast_id = 'b'; drop index outbox_customer_idx;");
  const without = plan();
  console.log(`plan insert of ${fmt(N)} outbox rows: ${ms(withIndex)} ms with outbox_customer_idx, ${ms(without)} ms without`);
  db.$client.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
