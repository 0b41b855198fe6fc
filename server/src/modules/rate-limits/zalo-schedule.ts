import type { AppRateLimiter } from "../../zalo/rate-limit";
import type { RateBucketRepo } from "./repo";

/** The schedule row every process on the database takes Zalo's app-wide slots from. */
export const ZALO_APP_KEY = "zalo:app";

const MAX_BATCH = 10;
/**
 * Further ahead than any real backlog (10 slots per process, a 1 s pause): a slot that far off comes from a wall
 * clock that stepped back (NTP) after the schedule was moved. It is not waited for, and a schedule that far ahead
 * is moved back to now, so a step back cannot stall every Zalo call for its length.
 */
const MAX_AHEAD_MS = 60_000;

/**
 * Zalo's app-wide limit (zalo-platform.md §5.9) shared by every process on the database: the same guarantee as
 * createAppRateLimiter (at most `perSecond` requests in any window of `windowMs` + margin), across processes.
 *
 * Time is a grid of equal slots; the schedule row holds the next free slot's index, so each slot goes to one
 * request in the cluster. A process reserves 1 slot, doubling up to 10 while it uses them all (one statement per
 * batch, not per request); a request goes out at its slot, or not at all if it would be more than `staleMs` late
 * (the slot is dropped, and the next batch is 1 again). Slots are `(window + staleMs) / perSecond` apart, so
 * requests sent at most `staleMs` after their slots still hold `perSecond` per window. Real time, on each
 * process's wall clock (the hosts' clocks are assumed NTP-close; the window's margin absorbs the rest; a step
 * back is caught by MAX_AHEAD_MS).
 */
export function createSharedRateLimiter(p: {
  repo: RateBucketRepo;
  perMinute: number;
  key?: string;
  windowMs?: number;
  marginMs?: number;
  staleMs?: number;
  onError?: (err: unknown) => void;
}): AppRateLimiter {
  const key = p.key ?? ZALO_APP_KEY;
  const perSecond = Math.max(1, Math.floor(p.perMinute / 60));
  const staleMs = p.staleMs ?? 20;
  const slotMs = ((p.windowMs ?? 1000) + (p.marginMs ?? 50) + staleMs) / perSecond;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(1, ms)));

  let slots: number[] = []; // reserved slot indexes, ascending
  let batch = 1;
  let dropped = false;
  let refilling: Promise<void> | null = null;
  // This process's own pause is on the monotonic clock: a wall-clock step back must not lengthen it.
  let pausedUntil = 0;

  async function refill() {
    // Grow while the last batch was used up; start again from one after a slot went unused.
    batch = dropped ? 1 : Math.min(MAX_BATCH, batch * 2);
    dropped = false;
    const n = batch;
    const t = Date.now();
    const nowIndex = Math.ceil(t / slotMs);
    let end = await p.repo.reserve(key, nowIndex, n, t);
    // Conditional on what we saw: if another process moved it meanwhile, those slots (and ours) stand.
    if ((end - n) * slotMs > t + MAX_AHEAD_MS && (await p.repo.rebase(key, end, nowIndex + n, t))) end = nowIndex + n;
    for (let i = end - n; i < end; i++) slots.push(i);
  }

  return {
    perSecond,
    async take() {
      for (;;) {
        const mono = performance.now();
        if (mono < pausedUntil) {
          await sleep(pausedUntil - mono);
          continue;
        }
        const t = Date.now();
        while (slots.length && slots[0]! * slotMs + staleMs < t) {
          slots.shift();
          dropped = true;
        }
        if (slots.length && slots[slots.length - 1]! * slotMs > t + MAX_AHEAD_MS) {
          slots = slots.filter((i) => i * slotMs <= t + MAX_AHEAD_MS);
          dropped = true;
        }
        const i = slots.shift();
        if (i === undefined) {
          // One reservation in flight per process: concurrent takers wait for it and share its slots.
          refilling ??= refill().finally(() => (refilling = null));
          await refilling;
          continue;
        }
        const at = i * slotMs;
        if (at > t) await sleep(at - t);
        // Woken too late (a busy event loop) or paused meanwhile: this slot is not used, never sent late.
        const sent = Date.now();
        if (sent > at + staleMs || performance.now() < pausedUntil) {
          dropped = true;
          continue;
        }
        return;
      }
    },
    pause(ms: number) {
      const t = Date.now();
      pausedUntil = Math.max(pausedUntil, performance.now() + ms);
      dropped = slots.length > 0 || dropped;
      slots = [];
      // Everyone else's next batch starts after the pause; slots they already hold (at most 10) still go out.
      Promise.resolve()
        .then(() => p.repo.pushBack(key, Math.ceil((t + ms) / slotMs), t))
        .catch((err) => p.onError?.(err));
    },
  };
}
