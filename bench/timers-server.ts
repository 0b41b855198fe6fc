/**
 * The real API for the timers benchmark (bench/timers.ts), in its own process: a file database seeded with
 * BENCH_TIMERS_CUSTOMERS followers and BENCH_TIMERS (1,000,000) waiting automation runs of the order-feedback
 * recipe, due 12 hours after the seed, before the server opens it. The server's clock is the wall clock plus an
 * offset the parent moves by a day ("due"), so the same requests are measured first with no timer due, then
 * with all of them due. The timer worker runs in this process (as with DISPATCHER_ENABLED), with the API
 * process's chunk size, from the parent's word; the dispatcher stays off (its sends are bench/stall.ts's).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { openDb } from "@mc/server/db/client";
import { TEST_ENV } from "@mc/server/test-support";
import { benchApiEnv, loopMonitor, seedCustomers, seedOpenRules, serveParent } from "./shared";

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

const loop = loopMonitor(db.$client);

serveParent(
  app,
  dir,
  loop,
  {
    "timers-start": () => (automationTimers.start(), {}),
    due: () => ((offset = 24 * HOUR), {}),
    // One seek into the partial due index: is anything still due?
    left: () => ({ any: anyWaiting.get(Date.now() + offset) !== undefined }),
    "timers-stop": async () => {
      await automationTimers.stop();
      return {
        runs: db.$client.prepare("select state, reason, count(*) n from automation_runs group by state, reason").all(),
        outbox: db.$client
          .prepare("select count(*) from outbox where dedupe_key >= 'auto:order-feedback:bench:' and dedupe_key < 'auto:order-feedback:bench;'")
          .pluck()
          .get(),
      };
    },
  },
  { url, seedMs, admin: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } },
);
