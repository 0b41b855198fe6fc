/**
 * The real API for the stall benchmark (bench/stall.ts), in its own process: a file database seeded with
 * BENCH_STALL_CUSTOMERS followers before the server opens it, rules without quiet hours or caps (so the
 * run does not depend on the hour), the Zalo client pointed at the emulator process (BENCH_EMU_URL). The
 * dispatcher runs in this process (as with DISPATCHER_ENABLED) but starts and stops on the parent's word.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "@mc/server";
import { loadConfig } from "@mc/server/config";
import { openDb } from "@mc/server/db/client";
import { TEST_ENV } from "@mc/server/test-support";
import { benchApiEnv, loopMonitor, seedCustomers, seedOpenRules, serveParent } from "./shared";

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
const loop = loopMonitor(db.$client);

serveParent(
  app,
  dir,
  loop,
  {
    "dispatch-start": () => (dispatcher.start(), {}),
    "dispatch-stop": async () => {
      await dispatcher.stop();
      return { states: db.$client.prepare("select state, count(*) n from outbox group by state").all() };
    },
  },
  { url, seedMs, admin: { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD } },
);
