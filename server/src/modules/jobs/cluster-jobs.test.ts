import { describe, expect, it } from "vitest";
import { openDb } from "../../db/client";
import { createJobLeaseRepo } from "./repo";
import { createClusterJobs } from "./cluster-jobs";

const HOUR = 3_600_000;

describe("cluster jobs (job_leases)", () => {
  it("two schedulers on one database: a due job runs in one of them, once per period", async () => {
    const db = openDb(":memory:");
    let t = 1_000_000;
    const repo = createJobLeaseRepo(db);
    const a = createClusterJobs({ repo, now: () => t, leaseMs: 10_000 });
    const b = createClusterJobs({ repo, now: () => t, leaseMs: 10_000 });
    let runs = 0;
    let release!: () => void;
    const job = { name: "expire-points", everyMs: HOUR, runAtStart: true, run: () => (runs++, new Promise<void>((r) => (release = r))) };
    const first = a.runIfDue(job);
    expect(await b.runIfDue(job)).toBe(false); // held by a
    release();
    expect(await first).toBe(true);
    expect(await b.runIfDue(job)).toBe(false); // finished: not due again this period
    t += HOUR;
    const again = b.runIfDue(job);
    release();
    expect(await again).toBe(true);
    expect(runs).toBe(2);
    expect(repo.byName("expire-points")).toMatchObject({ runs: 2, owner: null, lease_until: null, last_finished_at: t });
  });

  it("a job never run before waits one period unless it runs at start", async () => {
    const db = openDb(":memory:");
    let t = 5_000;
    const jobs = createClusterJobs({ repo: createJobLeaseRepo(db), now: () => t, leaseMs: 10_000 });
    const job = { name: "keep-warm-floor", everyMs: HOUR, run: () => undefined };
    expect(await jobs.runIfDue(job)).toBe(false);
    t += HOUR;
    expect(await jobs.runIfDue(job)).toBe(true);
  });

  it("a crashed holder's lease lapses and the next process carries on from its checkpoint at once", async () => {
    const db = openDb(":memory:");
    let t = 1_000_000;
    const repo = createJobLeaseRepo(db);
    const crashed = createClusterJobs({ repo, now: () => t, leaseMs: 10_000 });
    const next = createClusterJobs({ repo, now: () => t, leaseMs: 10_000 });
    const seen: (string | null)[] = [];
    // The holder notes its progress and then never returns (its process died).
    void crashed.runIfDue({ name: "long", everyMs: HOUR, runAtStart: true, run: (ctx) => (ctx.save("page 7"), new Promise(() => {})) });
    const job = { name: "long", everyMs: HOUR, run: (ctx: { checkpoint: string | null }) => void seen.push(ctx.checkpoint) };
    expect(await next.runIfDue(job)).toBe(false); // lease still live
    t += 10_001;
    expect(await next.runIfDue(job)).toBe(true);
    expect(seen).toEqual(["page 7"]);
    expect(repo.byName("long")).toMatchObject({ runs: 2, checkpoint: null });
  });

  it("stop: a sliced run stops early and its lease is handed back, so another process takes it without waiting for the lapse", async () => {
    const db = openDb(":memory:");
    const t = 1_000_000;
    const repo = createJobLeaseRepo(db);
    const stopping = createClusterJobs({ repo, now: () => t, leaseMs: 600_000 });
    const other = createClusterJobs({ repo, now: () => t, leaseMs: 600_000 });
    let slices = 0;
    const job = {
      name: "sliced",
      everyMs: HOUR,
      runAtStart: true,
      run: async (ctx: { checkpoint: string | null; save(c: string): boolean; stopping(): boolean }) => {
        for (let i = Number(ctx.checkpoint ?? 0); i < 200; i++) {
          if (ctx.stopping()) return { stopped: true };
          ctx.save(String(i));
          slices++;
          await new Promise((r) => setTimeout(r, 2));
        }
      },
    };
    const running = stopping.runIfDue(job);
    await new Promise((r) => setTimeout(r, 50));
    await stopping.stop();
    await running;
    const left = repo.byName("sliced")!;
    expect(left).toMatchObject({ owner: null, lease_until: null, last_finished_at: null });
    const at = Number(left.checkpoint);
    expect(at).toBeGreaterThan(0);
    // Same instant, no lapse waited for: the other process takes it and resumes from the checkpoint.
    const before = slices;
    expect(await other.runIfDue(job)).toBe(true);
    expect(slices - before).toBe(200 - at);
    expect(repo.byName("sliced")).toMatchObject({ runs: 2, checkpoint: null, last_finished_at: t });
  });
});
