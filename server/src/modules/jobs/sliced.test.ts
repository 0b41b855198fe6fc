import { expect, it } from "vitest";
import { runInSlices, type SliceOptions } from "../../db/chunked";
import { sqliteStore } from "../../db/store";
import { openDb } from "../../db/client";
import { createJobLeaseRepo } from "./repo";
import { createClusterJobs } from "./cluster-jobs";
import { slicedJob } from "./sliced";

const HOUR = 3_600_000;

it("a sliced job stops at its next pause when its process stops, is handed back, and the next holder does only the rest", async () => {
  const repo = createJobLeaseRepo(sqliteStore(openDb(":memory:")));
  const t = 1_000_000;
  const [stopping, other] = [0, 1].map(() => createClusterJobs({ repo, wallClock: () => t, leaseMs: 600_000 }));
  // The work keeps what each finished slice did (as the dashboard's stored days): a holder does what is left.
  const N = 2_000;
  const times = new Array<number>(N).fill(0);
  let next = 0;
  let stopped: Promise<void> | null = null;
  const work = (o: SliceOptions) =>
    runInSlices(
      (rows) => {
        for (const end = Math.min(N, next + rows); next < end; next++) times[next]!++;
        // The process is told to stop mid-way (SIGTERM): the run ends at its next pause.
        if (next >= 500) stopped ??= stopping.stop();
        return { done: next === N };
      },
      { ...o, rows: 10 },
    );
  const job = { name: "sliced-work", everyMs: HOUR, runAtStart: true, run: slicedJob(work) };
  expect(await stopping.runIfDue(job)).toBe(true);
  await stopped;
  expect(next).toBe(500);
  expect(await repo.byName("sliced-work")).toMatchObject({ owner: null, lease_until: null, last_finished_at: null, runs: 1 });
  expect(await other.runIfDue(job)).toBe(true);
  expect(next).toBe(N);
  expect(times.every((n) => n === 1)).toBe(true);
  expect(await repo.byName("sliced-work")).toMatchObject({ runs: 2, owner: null, last_finished_at: t });
});

it("a sliced job's own error is a failed run (finished for this period), not a stop", async () => {
  const repo = createJobLeaseRepo(sqliteStore(openDb(":memory:")));
  const jobs = createClusterJobs({ repo, wallClock: () => 1_000_000, leaseMs: 600_000, log: { warn: () => {}, error: () => {} } });
  const run = slicedJob(async (o) => {
    await o.pause!();
    throw new Error("disk full");
  });
  expect(await jobs.runIfDue({ name: "sliced-fails", everyMs: HOUR, runAtStart: true, run })).toBe(true);
  expect(await repo.byName("sliced-fails")).toMatchObject({ owner: null, last_finished_at: 1_000_000 });
});
