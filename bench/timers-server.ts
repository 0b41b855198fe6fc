/**
 * The real API for the timers benchmark (bench/timers.ts), in its own process: a file database seeded with
 * BENCH_TIMERS_CUSTOMERS followers and BENCH_TIMERS (1,000,000) waiting automation runs of the order-feedback
 * recipe, due 12 hours after the seed, before the server opens it. The server's clock is the wall clock plus an
 * offset the parent moves by a day ("due"), so the same requests are measured first with no timer due, then
 * with all of them due. The timer worker runs in this process (as with DISPATCHER_ENABLED), with the API
 * process's chunk size, from the parent's word; the dispatcher stays off (its sends are bench/stall.ts's).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { openDb } from "@mc/server/db/client";
import { TEST_ENV } from "@mc/server/test-support";
import { benchApiEnv, seedCustomers, seedOpenRules } from "./shared";

const N = Number(process.env.BENCH_TIMERS ?? 1_000_000);
const CUSTOMERS = Math.min(N, Number(process.env.BENCH_TIMERS_CUSTOMERS ?? 100_000));
const dir = mkdtempSync(join(tmpdir(), "mc-timers-"));
const dbPath = join(dir, "timers.db");
const HOUR = 3_600_000;

const seedDb = openDb(dbPath);
const t0 = Date.now();
seedCustomers(seedDb, CUSTOMERS, t0);
seedOpenRules(seedDb, t0);
const insert = seedDb.$client.prepare(
  "insert into automation_runs (automation_id, occurrence_key, customer_id, vars, state, due_at, created_at) values ('order-feedback', ?, ?, ?, 'waiting', ?, ?)",
);
seedDb.$client.transaction(() => {
  for (let i = 0; i < N; i++) insert.run(`bench:${i}`, `c${i % CUSTOMERS}`, JSON.stringify({ code: `B${i}`, order_total: 96_000 }), t0 + 12 * HOUR, t0);
})();
seedDb.$client.pragma("wal_checkpoint(TRUNCATE)");
seedDb.$client.close();
const seedMs = Date.now() - t0;

let offset = 0;
const config = loadConfig({ ...benchApiEnv("http://127.0.0.1:9", dbPath), DISPATCHER_ENABLED: "false" });
const app = await buildApp({ config, logger: false, now: () => Date.now() + offset });
const url = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
const { automationTimers, db } = app.services;
const anyWaiting = db.$client.prepare("select 1 from automation_runs where state = 'waiting' and due_at <= ? limit 1").pluck();

// The event loop's longest turn per phase: wall time (what a request waited, machine noise included) and the
// main thread's own CPU time within it (/proc/thread-self/schedstat), which a busy shared machine does not stretch.
const threadCpuMs = () => Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
let last = performance.now();
let lastCpu = threadCpuMs();
let loop = { wallMax: 0, cpuMax: 0 };
setInterval(() => {
  const t = performance.now();
  const cpu = threadCpuMs();
  loop = { wallMax: Math.max(loop.wallMax, t - last), cpuMax: Math.max(loop.cpuMax, Math.min(cpu - lastCpu, t - last)) };
  last = t;
  lastCpu = cpu;
}, 1).unref();

process.on("message", async (m: { type: string }) => {
  if (m.type === "loop") {
    process.send!({ type: "loop", ...loop });
    loop = { wallMax: 0, cpuMax: 0 };
  } else if (m.type === "timers-start") {
    automationTimers.start();
    process.send!({ type: "timers-start" });
  } else if (m.type === "due") {
    offset = 24 * HOUR;
    process.send!({ type: "due" });
  } else if (m.type === "left") {
    // One seek into the partial due index: is anything still due?
    process.send!({ type: "left", any: anyWaiting.get(Date.now() + offset) !== undefined });
  } else if (m.type === "timers-stop") {
    await automationTimers.stop();
    const runs = db.$client.prepare("select state, reason, count(*) n from automation_runs group by state, reason").all();
    const outbox = db.$client
      .prepare("select count(*) from outbox where dedupe_key >= 'auto:order-feedback:bench:' and dedupe_key < 'auto:order-feedback:bench;'")
      .pluck()
      .get();
    process.send!({ type: "timers-stop", runs, outbox });
  } else if (m.type === "stop") {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send!({ type: "ready", url, seedMs, admin: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } });
