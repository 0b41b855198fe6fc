import type { Awaitable, Store } from "../../db/store";

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

/**
 * The job_leases table: this file is its only writer. Every write is one conditional statement (no read-then-write),
 * so it needs no transaction on either database: on PostgreSQL two concurrent takes of one row queue on its row
 * lock and the second re-checks the `where` against the first's committed row (and so changes nothing).
 */
export function createJobLeaseRepo(store: Store) {
  // A job first seen now: its period starts now (a new process does not run an hourly job at once unless asked).
  const seed = store.prepare("insert into job_leases (name, last_finished_at, updated_at) values (?, ?, ?) on conflict (name) do nothing");
  // Taken only when free (no lease, or its holder stopped and it lapsed) and due: one holder per job in the cluster.
  const take = store.prepare(
    `update job_leases set owner = ?, lease_until = ?, last_started_at = ?, runs = runs + 1, updated_at = ?
     where name = ? and (lease_until is null or lease_until < ?) and (last_finished_at is null or last_finished_at + ? <= ?)`,
  );
  const renew = store.prepare("update job_leases set lease_until = ?, updated_at = ? where name = ? and owner = ?");
  const save = store.prepare("update job_leases set checkpoint = ?, lease_until = ?, updated_at = ? where name = ? and owner = ?");
  const finish = store.prepare(
    "update job_leases set owner = null, lease_until = null, last_finished_at = ?, checkpoint = null, updated_at = ? where name = ? and owner = ?",
  );
  // Handed back unfinished: due again at once for the next holder, which carries on from the checkpoint.
  const handBack = store.prepare("update job_leases set owner = null, lease_until = null, updated_at = ? where name = ? and owner = ?");
  const handBackAll = store.prepare("update job_leases set owner = null, lease_until = null, updated_at = ? where owner = ?");
  const byName = store.prepare<JobLeaseRow>("select * from job_leases where name = ?");

  /** A statement's changes as an Awaitable, still a plain value on SQLite. */
  const changed = <T>(r: Awaitable<{ changes: number }>, f: (n: number) => T): Awaitable<T> =>
    r instanceof Promise ? r.then((x) => f(x.changes)) : f((r as { changes: number }).changes);
  const one = (n: number) => n === 1;

  return {
    seed: (p: { name: string; finished: number | null; t: number }): Awaitable<void> => changed(seed.run(p.name, p.finished, p.t), () => undefined),
    take: (p: { name: string; owner: string; until: number; every: number; t: number }) =>
      changed(take.run(p.owner, p.until, p.t, p.t, p.name, p.t, p.every, p.t), one),
    renew: (p: { name: string; owner: string; until: number; t: number }) => changed(renew.run(p.until, p.t, p.name, p.owner), one),
    save: (p: { name: string; owner: string; checkpoint: string | null; until: number; t: number }) =>
      changed(save.run(p.checkpoint, p.until, p.t, p.name, p.owner), one),
    finish: (p: { name: string; owner: string; t: number }) => changed(finish.run(p.t, p.t, p.name, p.owner), one),
    handBack: (p: { name: string; owner: string; t: number }) => changed(handBack.run(p.t, p.name, p.owner), one),
    handBackAll: (p: { owner: string; t: number }) => changed(handBackAll.run(p.t, p.owner), (n) => n),
    byName: (name: string) => byName.get(name),
  };
}

export type JobLeaseRepo = ReturnType<typeof createJobLeaseRepo>;
