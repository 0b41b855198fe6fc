import type { Awaitable } from "../../db/store";

const isThenable = <T>(v: Awaitable<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === "function";

/**
 * `f` of a step's value, keeping its kind: a value on SQLite stays a value (a synchronous caller or body sees
 * no promise), a Promise on PostgreSQL stays a Promise.
 */
export function mapStep<T, U>(v: Awaitable<T>, f: (x: T) => U): Awaitable<U> {
  return isThenable(v) ? v.then(f) : f(v);
}

/** Whether a step is a Promise (PostgreSQL) rather than its value (SQLite). */
export { isThenable };
