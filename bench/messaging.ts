/**
 * Warm-messaging benchmarks (issue: plan a 1,000,000-customer broadcast in ≤ 5 s; dispatch ≥ 2,000 msg/s):
 * 1. plan: audience + policy (`preview`) + outbox rows (`start`, one INSERT…SELECT), beside a raw SQLite
 *    insert of the same rows in the same run;
 * 2. dispatch: the real dispatcher (policy re-checked per message, lease, per-customer order) sending CS
 *    messages over HTTP to the Zalo emulator running in its own process.
 * Env: BENCH_PLAN_CUSTOMERS (1,000,000), BENCH_DISPATCH_MESSAGES (20,000), BENCH_CONCURRENCY (64).
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "@mc/server/db/client";
import { createMessagingRepo } from "@mc/server/modules/messaging/repo";
import { createMessagingService } from "@mc/server/modules/messaging/service";
import { createDispatcher } from "@mc/server/modules/messaging/dispatcher";
import { createLoyaltyRepo } from "@mc/server/modules/loyalty/repo";
import { createCustomerRepo } from "@mc/server/modules/customers/repo";
import { sqliteStore, syncView } from "@mc/server/db/store";
import { createZaloClient } from "@mc/server/zalo/client";
import { loadConfig } from "@mc/server/config";
import { fileEnv } from "@mc/server/test-support";
import { seedCustomers, seedOpenRules } from "./shared";

const PLAN_N = Number(process.env.BENCH_PLAN_CUSTOMERS ?? 1_000_000);
const DISPATCH_N = Number(process.env.BENCH_DISPATCH_MESSAGES ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const admin = { kind: "operator" as const, id: "bench", console: "owner" as const, role: "admin" as const, storeIds: [] };
const secs = (ms: number) => (ms / 1000).toFixed(2);
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString("en-US");

async function plan() {
  const dir = mkdtempSync(join(tmpdir(), "mc-plan-"));
  try {
    const db = openDb(join(dir, "plan.db"));
    const now = () => Date.UTC(2026, 10, 23, 3, 0); // 10:00 in Vietnam: inside every window
    let t0 = Date.now();
    seedCustomers(db, PLAN_N, now());
    console.log(`seeded ${PLAN_N.toLocaleString("en-US")} customers in ${secs(Date.now() - t0)} s (not measured)`);
    const repo = createMessagingRepo(db);
    const store = sqliteStore(db);
    const svc = createMessagingService({
      db,
      repo,
      loyaltyRepo: syncView(store, createLoyaltyRepo(store)),
      customers: syncView(store, createCustomerRepo(store)),
      zalo: {} as never,
      now,
    });
    const b = svc.createBroadcast(admin, {
      name: "Bench",
      category: "care",
      content: { text: "Cảm ơn bạn!" },
      audience: { followersOnly: true },
      scheduledAt: null,
      expiresAt: null,
      breakerRate: 0.02,
      breakerMinSent: 200,
    });

    t0 = Date.now();
    const p = await svc.preview(b.id);
    const previewMs = Date.now() - t0;
    t0 = Date.now();
    const started = await svc.start(admin, b.id);
    const startMs = Date.now() - t0;

    // The same rows, inserted one by one with a prepared statement in one transaction.
    // Same table definition and indexes as the outbox, so the comparison is fair.
    const ddl = db.$client.prepare("select sql from sqlite_master where tbl_name = 'outbox' and sql is not null").pluck().all() as string[];
    for (const stmt of ddl)
      db.$client.exec(
        stmt
          .replace(/\boutbox\b/g, "raw_outbox")
          .replace(/`outbox_/g, "`raw_outbox_")
          .replace(/"outbox_/g, '"raw_outbox_'),
      );
    const ins = db.$client.prepare(
      "insert into raw_outbox (id, customer_id, category, priority, dedupe_key, source, text, state, attempts, created_at, updated_at, broadcast_id) values (?, ?, 'care', 3, ?, 'broadcast', ?, 'queued', 0, ?, ?, ?)",
    );
    t0 = Date.now();
    db.$client.transaction(() => {
      for (let i = 0; i < PLAN_N; i++) ins.run(i + 1, `c${i}`, null, "Cảm ơn bạn!", now(), now(), b.id);
    })();
    const rawMs = Date.now() - t0;
    db.$client.close();

    const total = previewMs + startMs;
    console.log(`\nPlan a broadcast to ${PLAN_N.toLocaleString("en-US")} customers`);
    console.table([
      {
        step: "audience + policy (preview)",
        seconds: secs(previewMs),
        "rows/s": rate(p.audience, previewMs),
        note: `send ${p.send}, hold ${p.hold}, suppress ${p.suppress}`,
      },
      { step: "outbox rows (start)", seconds: secs(startMs), "rows/s": rate(started.recipients, startMs), note: "INSERT…SELECT in slices" },
      { step: "whole plan", seconds: secs(total), "rows/s": rate(PLAN_N, total), note: total <= 5000 ? "PASS (≤ 5 s)" : "MISS (> 5 s)" },
      { step: "raw SQLite insert, same rows", seconds: secs(rawMs), "rows/s": rate(PLAN_N, rawMs), note: "prepared insert in one transaction" },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function dispatch() {
  const child = fork(new URL("./emulator-process.ts", import.meta.url).pathname, [], {
    env: { ...process.env, BENCH_USERS: String(DISPATCH_N) },
    execArgv: ["--import", "tsx"],
  });
  const ready = await new Promise<{ url: string; now: number }>((r) => child.once("message", (m: any) => r(m)));
  const ask = () =>
    new Promise<number>((r) => {
      child.once("message", (m: any) => r(m.messages));
      child.send({ type: "count" });
    });
  const dir = mkdtempSync(join(tmpdir(), "mc-dispatch-"));
  try {
    const config = loadConfig(fileEnv(ready.url, join(dir, "d.db")));
    const db = openDb(config.DATABASE_PATH);
    const now = Date.now;
    seedCustomers(db, DISPATCH_N, now());
    const repo = createMessagingRepo(db);
    seedOpenRules(db, now());
    db.$client.transaction(() => {
      for (let i = 0; i < DISPATCH_N; i++)
        repo.queue({ customerId: `c${i}`, category: "care", dedupeKey: `bench:${i}`, source: "bench", text: "Cảm ơn bạn đã ghé cửa hàng!" }, now());
    })();
    const { oaTokenStore } = await import("@mc/server/zalo/token-store");
    const zalo = createZaloClient({ config, tokens: oaTokenStore(sqliteStore(db), config, now), now });
    const d = createDispatcher({ store: sqliteStore(db), repo, zalo, now, options: { ratePerSecond: 1_000_000, concurrency: CONCURRENCY, batchSize: 500 } });
    const t0 = Date.now();
    await d.drain();
    const ms = Date.now() - t0;
    const states = db.$client.prepare("select state, count(*) n from outbox group by state").all();
    const zaloGot = await ask();
    console.log(`\nDispatch ${DISPATCH_N.toLocaleString("en-US")} CS messages to the emulator (own process), concurrency ${CONCURRENCY}`);
    console.table([
      {
        messages: DISPATCH_N,
        seconds: secs(ms),
        "msg/s": rate(DISPATCH_N, ms),
        "received by Zalo": zaloGot,
        states: JSON.stringify(states),
        target: DISPATCH_N / (ms / 1000) >= 2000 ? "PASS (≥ 2,000/s)" : "MISS (< 2,000/s)",
      },
    ]);
    db.$client.close();
  } finally {
    child.send({ type: "stop" });
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Node ${process.version}, ${new Date().toISOString()}`);
if ((process.env.BENCH_PARTS ?? "plan,dispatch").includes("plan")) await plan();
if ((process.env.BENCH_PARTS ?? "plan,dispatch").includes("dispatch")) await dispatch();
