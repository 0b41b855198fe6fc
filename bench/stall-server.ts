/**
 * The real API for the stall benchmark (bench/stall.ts), in its own process: a file database seeded with
 * BENCH_STALL_CUSTOMERS followers before the server opens it, rules without quiet hours or caps (so the
 * run does not depend on the hour), the Zalo client pointed at the emulator process (BENCH_EMU_URL). The
 * dispatcher runs in this process (as with DISPATCHER_ENABLED) but starts and stops on the parent's word.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { openDb } from "@mc/server/db/client";
import { TEST_ENV } from "@mc/server/test-support";
import { benchApiEnv, seedCustomers, seedOpenRules } from "./shared";

const N = Number(process.env.BENCH_STALL_CUSTOMERS ?? 1_000_000);
const emuUrl = process.env.BENCH_EMU_URL!;
const dir = mkdtempSync(join(tmpdir(), "mc-stall-"));
const dbPath = join(dir, "stall.db");

const seedDb = openDb(dbPath);
const t0 = Date.now();
seedCustomers(seedDb, N, Date.now());
seedOpenRules(seedDb, Date.now());
seedDb.$client.pragma("wal_checkpoint(TRUNCATE)");
seedDb.$client.close();
const seedMs = Date.now() - t0;

const config = loadConfig({
  ...benchApiEnv(emuUrl, dbPath),
  DISPATCH_RATE_PER_SECOND: process.env.BENCH_STALL_DISPATCH_RATE ?? "60",
  DISPATCH_CONCURRENCY: "64",
  DISPATCHER_ENABLED: "false",
});
const app = await buildApp({ config, logger: false });
const url = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
const { dispatcher, db } = app.services;

// The event loop's longest turn, two ways: wall time (what a request waited, machine noise included) and
// the CPU time this (main) thread ran within it, from /proc/thread-self/schedstat (ns on CPU): on a busy
// shared machine the wall time also counts the moments the OS ran something else (another process, or
// this process's WAL checkpointer thread), the thread's own CPU time does not.
const threadCpuMs = () => Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
let lastWall = performance.now();
let lastCpu = threadCpuMs();
let loop = { wallMax: 0, cpuMax: 0, checkpointMax: 0 };
// The WAL checkpoint pass this thread runs when the WAL must start over (db/client.ts): timed apart, as it
// waits on fsync (wall time, no CPU).
const sqlite = db.$client;
const pragma = sqlite.pragma.bind(sqlite);
sqlite.pragma = ((source: string, options?: any) => {
  if (!source.startsWith("wal_checkpoint")) return pragma(source, options);
  const t = performance.now();
  try {
    return pragma(source, options);
  } finally {
    loop.checkpointMax = Math.max(loop.checkpointMax, performance.now() - t);
  }
}) as typeof sqlite.pragma;
setInterval(() => {
  const wall = performance.now();
  const cpu = threadCpuMs();
  const wallMs = wall - lastWall;
  const cpuMs = cpu - lastCpu;
  loop = { ...loop, wallMax: Math.max(loop.wallMax, wallMs), cpuMax: Math.max(loop.cpuMax, Math.min(cpuMs, wallMs)) };
  lastWall = wall;
  lastCpu = cpu;
}, 1).unref();

process.on("message", async (m: { type: string }) => {
  if (m.type === "loop") {
    process.send!({ type: "loop", ...loop });
    loop = { wallMax: 0, cpuMax: 0, checkpointMax: 0 };
  } else if (m.type === "dispatch-start") {
    dispatcher.start();
    process.send!({ type: "dispatch-start" });
  } else if (m.type === "dispatch-stop") {
    await dispatcher.stop();
    const states = db.$client.prepare("select state, count(*) n from outbox group by state").all();
    process.send!({ type: "dispatch-stop", states });
  } else if (m.type === "stop") {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send!({ type: "ready", url, seedMs, admin: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } });
