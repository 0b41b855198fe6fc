/**
 * One server under test, in its own process so autocannon (in the parent) never shares an event loop
 * with it. `hello`: a bare Fastify hello-world. `app`: the real API (file SQLite in WAL mode) wired to
 * the Zalo emulator. Talks to the parent over IPC: sends { type: "ready", ... }, answers "check",
 * answers "cpu" with its CPU time so far, exits cleanly on "stop" (so --cpu-prof can write its profile).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { TEST_ENV } from "@mc/server/test-support";
import { benchApiEnv } from "./shared";

type FromParent = { type: "stop" } | { type: "check" } | { type: "cpu" } | { type: "prof-start" } | { type: "prof-stop"; file: string };
const send = (msg: unknown) => process.send!(msg);
const inspector = new Session();
// How long the event loop was held up at a time: stalls (a long batch, a GC, a lock wait) show here.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

async function hello() {
  const app = Fastify({ logger: false });
  app.get("/hello", async () => ({ hello: "world" }));
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, ready: { url }, check: () => ({}), cleanup: async () => {} };
}

async function api() {
  const dir = mkdtempSync(join(tmpdir(), "mc-bench-"));
  const dbPath = join(dir, "bench.db");
  const emu = await buildEmulator({
    ...emulatorOptionsFromEnv(TEST_ENV),
    logger: false,
  });
  const emuUrl = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  const config = loadConfig({ ...benchApiEnv(emuUrl, dbPath), JWT_TTL_SECONDS: "86400" });
  const app = await buildApp({ config, now: () => emu.clock.now(), logger: false });
  const url = (await app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  const sqlite = app.services.db.$client;
  // The WAL's largest size, sampled: it shows whether background checkpoints keep up under load.
  let walMax = 0;
  const walSampler = setInterval(() => {
    try {
      walMax = Math.max(walMax, statSync(`${dbPath}-wal`).size);
    } catch {}
  }, 250);
  walSampler.unref();

  /** Ledger invariants, read straight from the database the server wrote. */
  function check() {
    const q = (sql: string) => sqlite.prepare(sql).get() as Record<string, number>;
    return {
      journalMode: sqlite.pragma("journal_mode", { simple: true }) as string,
      walMaxBytes: walMax,
      customers: q("select count(*) n from customers").n,
      balanceMismatches: q(
        "select count(*) n from customers c where c.points_balance != coalesce((select sum(delta) from points_ledger l where l.customer_id = c.id), 0)",
      ).n,
      balanceTotal: q("select coalesce(sum(points_balance), 0) n from customers").n,
      ledgerTotal: q("select coalesce(sum(delta), 0) n from points_ledger").n,
      earnEntries: q("select count(*) n from points_ledger where kind = 'earn'").n,
      earnAudits: q("select count(*) n from audit_log where action = 'points.award'").n,
      vouchersIssued: q("select count(*) n from vouchers").n,
      vouchersRedeemed: q("select count(*) n from vouchers where status = 'redeemed'").n,
      redeemAudits: q("select count(*) n from audit_log where action = 'voucher.redeem'").n,
    };
  }

  return {
    app,
    ready: { url, emuUrl, dbPath, admin: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } },
    check,
    cleanup: async () => {
      await emu.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const mode = process.argv[2];
  const s: { app: FastifyInstance; ready: object; check: () => object; cleanup: () => Promise<void> } = mode === "hello" ? await hello() : await api();
  process.on("message", async (msg: FromParent) => {
    if (msg.type === "prof-start") {
      // A V8 CPU profile of just the measured run (not the seeding): BENCH_CPU_PROF=1.
      inspector.connect();
      inspector.post("Profiler.enable", () => inspector.post("Profiler.start", () => send({ type: "prof-start" })));
    } else if (msg.type === "prof-stop") {
      inspector.post("Profiler.stop", (err, r) => {
        if (!err) writeFileSync(msg.file, JSON.stringify(r.profile));
        inspector.disconnect();
        send({ type: "prof-stop" });
      });
    } else if (msg.type === "cpu") {
      // Every thread of this process (the checkpointer too), user + kernel: what a request really costs.
      const u = process.cpuUsage();
      // And the event loop's busy time: the main thread alone, which is what caps req/s.
      send({
        type: "cpu",
        us: u.user + u.system,
        sys: u.system,
        loopMs: performance.eventLoopUtilization().active,
        stallMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      });
      loopDelay.reset();
    } else if (msg.type === "check") {
      try {
        send({ type: "check", result: s.check() });
      } catch (err) {
        send({ type: "check", error: String(err) });
      }
    } else if (msg.type === "stop") {
      await s.app.close();
      await s.cleanup();
      process.exit(0);
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", ...s.ready });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
