import type { AppError } from "../errors";
import { tx, type Db } from "./client";

/** A unit of work turned down before it wrote anything: its caller gets `error`, its batch goes on. */
export class Refusal {
  constructor(readonly error: AppError) {}
}

/**
 * Group commit. A commit (the WAL append of every page the work touched) costs far more than a counter
 * action's own statements, so the actions that arrive in the same event-loop turn share one IMMEDIATE
 * transaction, which also holds one read lock for all their lookups. Optimistic: no savepoint per action
 * (one costs about as much as the action itself). An action refused before it wrote anything returns a
 * Refusal and the batch goes on; if an action throws, nothing of the batch stands and each action runs
 * again alone in its own transaction, so one action's error never touches another's. Every caller is
 * answered only after its own commit. Each `fn` must be synchronous and safe to run twice.
 */
export function createGroupCommit(db: Db) {
  type Job = { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };
  let batch: Job[] = [];
  const settle = (j: Job, v: unknown) => (v instanceof Refusal ? j.reject(v.error) : j.resolve(v));
  function runAlone(j: Job) {
    try {
      settle(j, tx(db, j.fn));
    } catch (e) {
      j.reject(e);
    }
  }
  function flush() {
    const jobs = batch;
    batch = [];
    if (jobs.length === 1) return runAlone(jobs[0]!);
    let results: unknown[];
    try {
      results = tx(db, () => jobs.map((j) => j.fn()));
    } catch {
      for (const j of jobs) runAlone(j);
      return;
    }
    jobs.forEach((j, i) => settle(j, results[i]));
  }
  return function inGroupCommit<T>(fn: () => T | Refusal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (batch.push({ fn, resolve: resolve as (v: unknown) => void, reject }) === 1) setImmediate(flush);
    });
  };
}
