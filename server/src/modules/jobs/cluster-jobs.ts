import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { JobLeaseRepo } from "./repo";

type Log = { warn: (o: object, m?: string) => void; error: (o: object, m?: string) => void };

/** What a run sees: where the last holder stopped, how to note progress, and whether this process is stopping. */
export type JobContext = {
  checkpoint: string | null;
  /** Notes progress (and renews the lease); false if the lease was lost, and the run should stop. */
  save(checkpoint: string): Promise<boolean>;
  stopping(): boolean;
};

export type ClusterJob = {
  name: string;
  /** The cluster-wide period: a run starts once the last one finished this long ago. */
  everyMs: number;
  /** Run as soon as a process starts if the job has never run (else its first period starts then). */
  runAtStart?: boolean;
  /** Resolves `{ stopped: true }` when it stopped early (shutdown): handed back unfinished, due again at once. */
  run: (ctx: JobContext) => Promise<unknown> | unknown;
};

/**
 * The cluster's periodic jobs behind lease rows (job_leases): every process may run the scheduler, and each
 * job runs in one process at a time, once per period across the cluster. A holder renews its lease while it
 * runs; one that crashed stops renewing, its lease lapses, and the next process to look takes the job (its
 * last finish unchanged, so at once) and carries on from the checkpoint. `stop` waits for the runs in flight
 * and hands every lease back, so a restart or another instance goes on without waiting for a lapse.
 *
 * Every time in job_leases (leases, starts, finishes, periods) is read from `wallClock` only, never from the
 * business clock the services take as `now`: a lease written by one process is compared by another, so all of
 * them must read one clock, the hosts' (NTP-synced) wall clock; a skew well under `leaseMs` only shifts a
 * takeover. The business clock may be moved (tests freeze it, an operator's setting may offset it): mixed in, a
 * lease would look live or lapsed for hours. Tests inject a fake wall clock for all of it at once.
 */
export function createClusterJobs(deps: { repo: JobLeaseRepo; wallClock?: () => number; log?: Log; leaseMs: number; pollMs?: number }) {
  const { repo, leaseMs } = deps;
  const clock = deps.wallClock ?? Date.now;
  const pollMs = deps.pollMs ?? Math.min(60_000, Math.max(1_000, Math.floor(leaseMs / 3)));
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  // A job's attempt (from its take to its finish), set before the first await: one attempt per job per process.
  const running = new Map<string, Promise<boolean>>();
  let timer: NodeJS.Timeout | null = null;
  let stopping = false;

  /** Runs `job` here if it is due and no one else holds it; resolves false when it did not run. */
  function runIfDue(job: ClusterJob): Promise<boolean> {
    if (stopping || running.has(job.name)) return Promise.resolve(false);
    const attempt = (async () => {
      const t = clock();
      await repo.seed({ name: job.name, finished: job.runAtStart ? null : t, t });
      if (!(await repo.take({ name: job.name, owner, until: t + leaseMs, every: job.everyMs, t }))) return false;
      // Taken while `stop` began: back at once rather than starting a run that stop already stopped waiting for.
      if (stopping) {
        await repo.handBack({ name: job.name, owner, t: clock() });
        return false;
      }
      await execute(job);
      return true;
    })();
    running.set(job.name, attempt);
    return attempt.finally(() => running.delete(job.name));
  }

  async function execute(job: ClusterJob) {
    const name = job.name;
    // Renewed well within the lease, so a long run is never taken over while its holder is alive.
    const beat = setInterval(
      () => {
        const t = clock();
        // In an async function, so a SQLite error (a synchronous throw) is a rejection like PostgreSQL's.
        (async () => repo.renew({ name, owner, until: t + leaseMs, t }))().then(
          (held) => held || deps.log?.warn({ job: name }, "job lease lost"),
          (err) => deps.log?.error({ err, job: name }, "job lease renewal failed"),
        );
      },
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    beat.unref();
    let finished = false;
    try {
      const result = await job.run({
        checkpoint: (await repo.byName(name))?.checkpoint ?? null,
        save: async (checkpoint) => {
          const t = clock();
          return repo.save({ name, owner, checkpoint, until: t + leaseMs, t });
        },
        stopping: () => stopping,
      });
      finished = !(result && typeof result === "object" && (result as { stopped?: unknown }).stopped === true);
    } catch (err) {
      deps.log?.error({ err, job: name }, "job failed");
      // A failed run counts as this period's: it is retried next period, not in a tight loop across the cluster.
      finished = true;
    } finally {
      clearInterval(beat);
      const t = clock();
      if (finished) await repo.finish({ name, owner, t });
      else await repo.handBack({ name, owner, t });
    }
  }

  return {
    owner,
    runIfDue,
    /** Looks at every job every `pollMs` (and once now); each runs where and when its lease says. */
    start(jobs: ClusterJob[]) {
      stopping = false;
      const look = () => {
        for (const job of jobs) void runIfDue(job).catch((err) => deps.log?.error({ err, job: job.name }, "job lease failed"));
      };
      look();
      timer = setInterval(look, pollMs);
      timer.unref();
    },
    /** Shutdown: no new runs, the ones in flight finish (a sliced one stops at its next slice), every lease handed back. */
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([...running.values()]);
      await repo.handBackAll({ owner, t: clock() });
    },
  };
}

export type ClusterJobs = ReturnType<typeof createClusterJobs>;
