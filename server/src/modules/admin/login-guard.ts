/**
 * Per-account backoff on console sign-in, whatever address the guesses come from (per-IP limits alone
 * fall to anyone with many addresses). Keyed by the normalised email whether or not the account exists,
 * so a locked answer says nothing about which emails are real.
 *
 * An attempt counts as a failure from the moment it starts (a success clears the account), so a burst of
 * parallel guesses cannot all slip past the check while the first ones are still hashing.
 */
export type LoginGuardOptions = {
  /** Wrong passwords allowed in a row before the account locks. */
  freeFailures: number;
  /** The first lock; each further failure doubles it, up to maxLockMs. */
  baseLockMs: number;
  maxLockMs: number;
  /** Accounts tracked at most (memory bound); quiet, unlocked entries go first. */
  maxTracked: number;
};

export const DEFAULT_LOGIN_GUARD: LoginGuardOptions = { freeFailures: 5, baseLockMs: 60_000, maxLockMs: 15 * 60_000, maxTracked: 10_000 };

type Entry = { failures: number; lockedUntil: number; lastAt: number };

export function createLoginGuard(now: () => number, opts: LoginGuardOptions = DEFAULT_LOGIN_GUARD) {
  const entries = new Map<string, Entry>();
  // Failures older than this are forgotten: the count is about a burst, not a lifetime.
  const forgetAfterMs = 2 * opts.maxLockMs;

  const lockFor = (failures: number) => Math.min(opts.maxLockMs, opts.baseLockMs * 2 ** (failures - opts.freeFailures));

  // A lock is never evicted to make room: otherwise locking enough decoy accounts would free the target.
  function prune(t: number) {
    for (const [k, e] of entries) if (e.lockedUntil <= t && t - e.lastAt > forgetAfterMs) entries.delete(k);
    for (const [k, e] of entries) {
      if (entries.size < opts.maxTracked) return;
      if (e.lockedUntil <= t) entries.delete(k);
    }
  }

  /**
   * Starts an attempt: `{ ok: false, retryAfterMs }` while the account is locked (the password is not even
   * checked), else the attempt is counted as a failure until `succeeded` clears it.
   */
  function begin(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const t = now();
    let e = entries.get(key);
    if (e && e.lockedUntil <= t && t - e.lastAt > forgetAfterMs) {
      entries.delete(key);
      e = undefined;
    }
    if (e && e.lockedUntil > t) return { ok: false, retryAfterMs: e.lockedUntil - t };
    if (!e) {
      if (entries.size >= opts.maxTracked) prune(t);
      // Full of locks (an attack on many accounts): this one goes uncounted; the per-IP limit still holds.
      if (entries.size >= opts.maxTracked) return { ok: true };
      e = { failures: 0, lockedUntil: 0, lastAt: t };
      entries.set(key, e);
    }
    e.failures++;
    e.lastAt = t;
    if (e.failures >= opts.freeFailures) e.lockedUntil = t + lockFor(e.failures);
    return { ok: true };
  }

  function succeeded(key: string) {
    entries.delete(key);
  }

  return { begin, succeeded };
}

export type LoginGuard = ReturnType<typeof createLoginGuard>;
