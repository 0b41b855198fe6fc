import { expect, it } from "vitest";
import { onBothDatabases } from "../../db/test-stores";
import type { Store } from "../../db/store";
import { createJobLeaseRepo } from "./repo";
import { createClusterJobs, type JobContext } from "./cluster-jobs";

const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Several "processes" are several schedulers (each its own owner) on one store; on PostgreSQL a pool of 10, so
// their takes really run at once on separate connections.
onBothDatabases(
  "jobs",
  (store: () => Store) => {
    it("eight schedulers at once: each due job runs in exactly one of them, one run at a time, once per period", async () => {
      let t = 1_000_000;
      const repo = createJobLeaseRepo(store());
      const schedulers = Array.from({ length: 8 }, () => createClusterJobs({ repo, wallClock: () => t, leaseMs: 10_000 }));
      expect(new Set(schedulers.map((s) => s.owner)).size).toBe(8);
      const names = ["expire-points", "keep-warm-floor", "checkout-reports"];
      const runs = new Map<string, number>();
      let active = 0;
      let most = 0;
      const job = (name: string) => ({
        name,
        everyMs: HOUR,
        runAtStart: true,
        run: async () => {
          runs.set(name, (runs.get(name) ?? 0) + 1);
          most = Math.max(most, ++active);
          await sleep(20); // long enough for every other scheduler's take to meet the held lease
          active--;
        },
      });
      for (let period = 1; period <= 4; period++) {
        const took = await Promise.all(names.flatMap((n) => schedulers.map((s) => s.runIfDue(job(n)))));
        expect(took.filter(Boolean)).toHaveLength(names.length);
        for (const n of names) expect(runs.get(n)).toBe(period);
        // Finished this period: no scheduler runs it again before the next.
        expect((await Promise.all(schedulers.map((s) => s.runIfDue(job(names[0]!))))).some(Boolean)).toBe(false);
        t += HOUR;
      }
      expect(most).toBeLessThanOrEqual(names.length);
      for (const n of names) expect(await repo.byName(n)).toMatchObject({ runs: 4, owner: null, lease_until: null, last_finished_at: t - HOUR });
    });

    it("a job never run before waits one period unless it runs at start", async () => {
      let t = 5_000;
      const jobs = createClusterJobs({ repo: createJobLeaseRepo(store()), wallClock: () => t, leaseMs: 10_000 });
      const job = { name: "first-period", everyMs: HOUR, run: () => undefined };
      expect(await jobs.runIfDue(job)).toBe(false);
      t += HOUR;
      expect(await jobs.runIfDue(job)).toBe(true);
    });

    it("a failed run counts as its period's: retried next period, not at once", async () => {
      let t = 1_000_000;
      const repo = createJobLeaseRepo(store());
      const errors: unknown[] = [];
      const jobs = createClusterJobs({ repo, wallClock: () => t, leaseMs: 10_000, log: { warn: () => {}, error: (o) => errors.push(o) } });
      let calls = 0;
      const job = { name: "failing", everyMs: HOUR, runAtStart: true, run: () => (calls++, Promise.reject(new Error("boom"))) };
      expect(await jobs.runIfDue(job)).toBe(true);
      expect(await jobs.runIfDue(job)).toBe(false);
      t += HOUR;
      expect(await jobs.runIfDue(job)).toBe(true);
      expect([calls, errors.length]).toEqual([2, 2]);
      expect(await repo.byName("failing")).toMatchObject({ runs: 2, owner: null, last_finished_at: t });
    });

    it("a live holder renews its lease: not taken over past the first lease while it runs", async () => {
      let t = 1_000_000;
      const repo = createJobLeaseRepo(store());
      const holder = createClusterJobs({ repo, wallClock: () => t, leaseMs: 300 });
      const other = createClusterJobs({ repo, wallClock: () => t, leaseMs: 300 });
      let release!: () => void;
      const job = { name: "renewed", everyMs: HOUR, runAtStart: true, run: () => new Promise<void>((r) => (release = r)) };
      const running = holder.runIfDue(job);
      await expect.poll(() => release).toBeTypeOf("function");
      t += 301; // the first lease has lapsed on the clock…
      await sleep(600); // …but the holder's beat (every 250 ms) renewed it from the new time
      expect((await repo.byName("renewed"))!.lease_until).toBe(t + 300);
      expect(await other.runIfDue({ ...job, run: () => undefined })).toBe(false);
      release();
      expect(await running).toBe(true);
    });

    it("a crashed holder's lease lapses and the next process carries on from its checkpoint at once", async () => {
      const t0 = 1_000_000;
      let t = t0;
      const repo = createJobLeaseRepo(store());
      // The crashed process's clock stops where it died: a renewal it still makes cannot push its lease on.
      const crashed = createClusterJobs({ repo, wallClock: () => t0, leaseMs: 10_000 });
      const next = createClusterJobs({ repo, wallClock: () => t, leaseMs: 10_000 });
      const seen: (string | null)[] = [];
      let saved = false;
      // The holder notes its progress and then never returns (its process died).
      void crashed.runIfDue({
        name: "long",
        everyMs: HOUR,
        runAtStart: true,
        run: async (ctx) => ((saved = await ctx.save("page 7")), new Promise(() => {})),
      });
      await expect.poll(() => saved).toBe(true);
      const job = { name: "long", everyMs: HOUR, run: (ctx: JobContext) => void seen.push(ctx.checkpoint) };
      expect(await next.runIfDue(job)).toBe(false); // lease still live
      t += 10_001;
      expect(await next.runIfDue(job)).toBe(true);
      expect(seen).toEqual(["page 7"]);
      expect(await repo.byName("long")).toMatchObject({ runs: 2, checkpoint: null, owner: null, last_finished_at: t });
      // The crashed holder's late writes change nothing: the job is no longer its.
      expect(await repo.save({ name: "long", owner: crashed.owner, checkpoint: "late", until: t0 + 10_000, t: t0 })).toBe(false);
    });

    it("stop: a sliced run stops early and its lease is handed back, so another process takes it without waiting for the lapse", async () => {
      const t = 1_000_000;
      const repo = createJobLeaseRepo(store());
      const stopping = createClusterJobs({ repo, wallClock: () => t, leaseMs: 600_000 });
      const other = createClusterJobs({ repo, wallClock: () => t, leaseMs: 600_000 });
      let slices = 0;
      const job = {
        name: "sliced",
        everyMs: HOUR,
        runAtStart: true,
        run: async (ctx: JobContext) => {
          for (let i = Number(ctx.checkpoint ?? 0); i < 200; i++) {
            if (ctx.stopping()) return { stopped: true };
            await ctx.save(String(i));
            slices++;
            await sleep(2);
          }
        },
      };
      const running = stopping.runIfDue(job);
      await expect.poll(() => slices).toBeGreaterThan(5);
      await stopping.stop();
      await running;
      const left = (await repo.byName("sliced"))!;
      expect(left).toMatchObject({ owner: null, lease_until: null, last_finished_at: null });
      const at = Number(left.checkpoint);
      expect(at).toBeGreaterThan(0);
      // A stopped scheduler takes nothing more.
      expect(await stopping.runIfDue(job)).toBe(false);
      // Same instant, no lapse waited for: the other process takes it and resumes from the checkpoint.
      const before = slices;
      expect(await other.runIfDue(job)).toBe(true);
      expect(slices - before).toBe(200 - at);
      expect(await repo.byName("sliced")).toMatchObject({ runs: 2, checkpoint: null, last_finished_at: t });
    });
  },
  { max: 10 },
);
