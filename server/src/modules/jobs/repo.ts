import type { Db } from "../../db/client";

export type JobLeaseRow = {
  name: string;
  owner: string | null;
  lease_until: number | null;
  last_started_at: number | null;
  last_finished_at: number | null;
  runs: number;
  checkpoint: string | null;
  updated_at: number;
};

/** The job_leases table: this file is its only writer. Every write is one conditional statement (no read-then-write). */
export function createJobLeaseRepo(db: Db) {
  const c = db.$client;
  // A job first seen now: its period starts now (a new process does not run an hourly job at once unless asked).
  const seed = c.prepare("insert into job_leases (name, last_finished_at, updated_at) values (@name, @finished, @t) on conflict (name) do nothing");
  // Taken only when free (no lease, or its holder stopped and it lapsed) and due: one holder per job in the cluster.
  const take = c.prepare(
    `update job_leases set owner = @owner, lease_until = @until, last_started_at = @t, runs = runs + 1, updated_at = @t
     where name = @name and (lease_until is null or lease_until < @t) and (last_finished_at is null or last_finished_at + @every <= @t)`,
  );
  const renew = c.prepare("update job_leases set lease_until = @until, updated_at = @t where name = @name and owner = @owner");
  const save = c.prepare("update job_leases set checkpoint = @checkpoint, lease_until = @until, updated_at = @t where name = @name and owner = @owner");
  const finish = c.prepare(
    "update job_leases set owner = null, lease_until = null, last_finished_at = @t, checkpoint = null, updated_at = @t where name = @name and owner = @owner",
  );
  // Handed back unfinished: due again at once for the next holder, which carries on from the checkpoint.
  const handBack = c.prepare("update job_leases set owner = null, lease_until = null, updated_at = @t where name = @name and owner = @owner");
  const handBackAll = c.prepare("update job_leases set owner = null, lease_until = null, updated_at = @t where owner = @owner");
  const byName = c.prepare("select * from job_leases where name = ?");
  return {
    seed: (p: { name: string; finished: number | null; t: number }) => void seed.run(p),
    take: (p: { name: string; owner: string; until: number; every: number; t: number }) => take.run(p).changes === 1,
    renew: (p: { name: string; owner: string; until: number; t: number }) => renew.run(p).changes === 1,
    save: (p: { name: string; owner: string; checkpoint: string | null; until: number; t: number }) => save.run(p).changes === 1,
    finish: (p: { name: string; owner: string; t: number }) => finish.run(p).changes === 1,
    handBack: (p: { name: string; owner: string; t: number }) => handBack.run(p).changes === 1,
    handBackAll: (p: { owner: string; t: number }) => handBackAll.run(p).changes,
    byName: (name: string) => byName.get(name) as JobLeaseRow | undefined,
  };
}

export type JobLeaseRepo = ReturnType<typeof createJobLeaseRepo>;
