/**
 * Several instances on one database file, as a load balancer sees them: readiness, the periodic jobs run once
 * per cluster (job_leases), and SIGTERM's drain (ready turns 503 while requests are still served).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { openDb } from "./db/client";
import { fileEnv, forkApi, TEST_ENV } from "./test-support";

const dir = mkdtempSync(join(tmpdir(), "mc-ops-"));
const dbPath = join(dir, "mc.db");
let emu: Awaited<ReturnType<typeof buildEmulator>>;
let env: Record<string, string>;
const instances: Awaited<ReturnType<typeof forkApi>>[] = [];
const HOUR = 3_600_000;

beforeAll(async () => {
  emu = await buildEmulator({ ...emulatorOptionsFromEnv(TEST_ENV), logger: false });
  const emuUrl = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  env = { ...fileEnv(emuUrl, dbPath), JOB_LEASE_MS: "3000", SHUTDOWN_DRAIN_MS: "5000", DASHBOARD_JOB_ENABLED: "true" };
  // The cluster's job history before these instances start: expire-points last ran long ago (due), the floor's
  // holder crashed mid-run (its lease lapsed), Checkout's reports are held by a live instance elsewhere; the
  // dashboard's fill has never run (both instances have DASHBOARD_JOB_ENABLED, it runs at start, in one of them).
  const seed = openDb(dbPath);
  const t = Date.now();
  const row = seed.$client.prepare("insert into job_leases (name, owner, lease_until, last_finished_at, checkpoint, updated_at) values (?, ?, ?, ?, ?, ?)");
  row.run("expire-points", null, null, t - 2 * HOUR, null, t);
  row.run("keep-warm-floor", "crashed-host:1:abc", t - 1, t - 48 * HOUR, null, t);
  row.run("checkout-reports", "elsewhere:2:def", t + 10 * 60_000, t - HOUR, null, t);
  seed.$client.close();
  // Two instances started at once: both look at the due jobs in the same moment.
  instances.push(...(await Promise.all([forkApi(env), forkApi(env)])));
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await emu?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jobs = () => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return Object.fromEntries((db.prepare("select * from job_leases").all() as { name: string }[]).map((r) => [r.name, r])) as Record<string, any>;
  } finally {
    db.close();
  }
};

describe("several API instances on one database", () => {
  it("both are ready; each due job ran once in the cluster, a crashed holder's job was taken over, a live holder's left alone", async () => {
    for (const i of instances) {
      const res = await fetch(`${i.url}/ready`);
      expect(res.status).toBe(200);
    }
    // Both due jobs ran; then several more polls of both schedulers (JOB_LEASE_MS 3000 → every second) run neither again.
    const ran = (name: string) => jobs()[name]?.runs >= 1;
    await until("the due jobs to run", () => ran("expire-points") && ran("keep-warm-floor") && ran("dashboard-fill"), 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    const j = jobs();
    expect(j["expire-points"]).toMatchObject({ runs: 1, owner: null, lease_until: null });
    expect(j["expire-points"].last_finished_at).toBeGreaterThan(Date.now() - 60_000);
    expect(j["keep-warm-floor"]).toMatchObject({ runs: 1, owner: null });
    expect(j["dashboard-fill"]).toMatchObject({ runs: 1, owner: null, lease_until: null });
    expect(j["checkout-reports"]).toMatchObject({ runs: 0, owner: "elsewhere:2:def" });
  }, 30_000);

  it("SIGTERM: /ready answers 503 NOT_READY (draining) while /health and requests are still served, then the process exits", async () => {
    const victim = instances[1]!;
    process.kill(victim.pid, "SIGTERM");
    // Within the drain window (SHUTDOWN_DRAIN_MS 5000), however slowly the signal is taken.
    let ready!: Response;
    await until("/ready to turn 503", async () => (ready = await fetch(`${victim.url}/ready`)).status !== 200, 4000);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: "NOT_READY", details: { reason: "draining" } });
    expect((await fetch(`${victim.url}/health`)).status).toBe(200);
    expect((await fetch(`${instances[0]!.url}/ready`)).status).toBe(200);
    await victim.exited;
    await expect(fetch(`${victim.url}/health`)).rejects.toThrow();
    // Its job leases went back with it: nothing is left owned by a process that is gone.
    expect(Object.values(jobs()).filter((r) => r.owner && r.owner !== "elsewhere:2:def")).toEqual([]);
  }, 30_000);
});
