/**
 * The cost of the shared rates (issue #16), the measurement the issue asks for before Redis: per-address hits
 * (one upsert on rate_buckets) and Zalo slot takes (one upsert per batch of up to 10), on a SQLite file and on
 * PostgreSQL, beside the in-memory baselines they replace, in one run.
 *   pnpm exec tsx bench/rate-limits.ts        (BENCH_OPS=20000; PostgreSQL at 127.0.0.1:5432 or TEST_PG_URL)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import Fastify, { type FastifyPluginAsync } from "fastify";
import { openDb } from "@mc/server/db/client";
import { migratePg } from "@mc/server/db/pg/client";
import { createTestDatabase, testPgServer } from "@mc/server/db/pg/test-database";
import { pgStore, sqliteStore, type Store } from "@mc/server/db/store";
import { createRateBucketRepo } from "@mc/server/modules/rate-limits/repo";
import { rowRateLimitStore } from "@mc/server/modules/rate-limits/ip-store";
import { createSharedRateLimiter } from "@mc/server/modules/rate-limits/zalo-schedule";
import { createAppRateLimiter, type AppRateLimiter } from "@mc/server/zalo/rate-limit";

const OPS = Number(process.env.BENCH_OPS ?? 20_000);
type Incr = (key: string, cb: (e: Error | null, r?: { current: number; ttl: number }) => void, window: number, max: number) => void;
// The server's @fastify/rate-limit (bench/ does not depend on it itself), and its in-memory store: the baselines.
const fromServer = createRequire(new URL("../server/package.json", import.meta.url));
const rateLimit = fromServer("@fastify/rate-limit") as FastifyPluginAsync<Record<string, unknown>>;
const LocalStore = fromServer("@fastify/rate-limit/store/LocalStore.js") as new (
  a: boolean,
  b: boolean,
) => {
  incr: Incr;
};

type Row = { what: string; db: string; inFlight: number; opsPerSec: number; usPerOp: number; cpuUsPerOp: number };
const rows: Row[] = [];

/** `total` operations, `inFlight` at a time; wall and this process's CPU per operation. */
async function measure(what: string, db: string, inFlight: number, total: number, op: (i: number) => Promise<unknown>) {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) await op(next++);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rows.push({ what, db, inFlight, opsPerSec: Math.round((total / ms) * 1000), usPerOp: (ms * 1000) / total, cpuUsPerOp: (cpu.user + cpu.system) / total });
}

const hitsOn = (incr: Incr, keys: number) => (i: number) =>
  new Promise((res, rej) => incr(`198.51.${(i % keys) >> 8}.${i % 256}`, (e, r) => (e ? rej(e) : res(r)), 60_000, 1e9));

// The fastest rate the setting allows (1,000,000 a minute), so a take measures the limiter, not the wait.
const takes = (l: AppRateLimiter) => () => l.take();
const FAST = { perMinute: 1_000_000 };

/** The same request through Fastify and @fastify/rate-limit with `store` (undefined: the plugin's in-memory one), by inject. */
async function throughFastify(db: string, store: ReturnType<typeof rowRateLimitStore> | undefined) {
  const app = Fastify();
  await app.register(rateLimit, { global: true, max: 1e9, timeWindow: 60_000, ...(store ? { store } : {}) });
  app.get("/x", async () => ({ ok: true }));
  await app.ready();
  await measure("GET through the plugin (inject)", db, 32, OPS, (i) => app.inject({ url: "/x", remoteAddress: `198.51.${(i % 1000) >> 8}.${i % 256}` }));
  await app.close();
}

async function onStore(store: Store, db: string) {
  const repo = createRateBucketRepo(store);
  const Rows = rowRateLimitStore(repo);
  await throughFastify(db, Rows);
  const s = new Rows({});
  const incr: Incr = (k, cb, w, m) => s.incr(k, cb, w, m);
  await measure("per-address hit", db, 1, OPS / 4, hitsOn(incr, 1000));
  await measure("per-address hit", db, 32, OPS, hitsOn(incr, 1000));
  await measure("Zalo slot take", db, 1, OPS / 4, takes(createSharedRateLimiter({ repo, key: `zalo:bench1:${db}`, ...FAST })));
  await measure("Zalo slot take", db, 32, OPS, takes(createSharedRateLimiter({ repo, key: `zalo:bench32:${db}`, ...FAST })));
}

const load0 = loadavg();
const local = new LocalStore(false, false);
await measure(
  "per-address hit",
  "memory (plugin's LocalStore)",
  32,
  OPS,
  hitsOn((k, cb, w, m) => local.incr(k, cb, w, m), 1000),
);
await measure("Zalo slot take", "memory (in-process limiter)", 32, OPS, takes(createAppRateLimiter(FAST)));
await throughFastify("memory (plugin's LocalStore)", undefined);

const dir = mkdtempSync(join(tmpdir(), "mc-bench-rate-"));
const sqlite = sqliteStore(openDb(join(dir, "mc.db")));
await onStore(sqlite, "SQLite file (WAL)");
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

const admin = await testPgServer();
if (admin) {
  const database = await createTestDatabase(admin, "bench_rate");
  try {
    await migratePg(database.url);
    const pg = pgStore(database.url, { max: 10 });
    await onStore(pg, "PostgreSQL 15 (local)");
    await pg.close();
  } finally {
    await database.drop();
  }
} else console.log("(no PostgreSQL answers: its rows are left out)");

const load1 = loadavg();
console.log(`load average before ${load0.map((l) => l.toFixed(2)).join(" ")}, after ${load1.map((l) => l.toFixed(2)).join(" ")}`);
console.log("| what | database | in flight | ops/s | wall µs/op | CPU µs/op (this process) |\n|---|---|---:|---:|---:|---:|");
for (const r of rows)
  console.log(`| ${r.what} | ${r.db} | ${r.inFlight} | ${r.opsPerSec.toLocaleString("en")} | ${r.usPerOp.toFixed(1)} | ${r.cpuUsPerOp.toFixed(1)} |`);
