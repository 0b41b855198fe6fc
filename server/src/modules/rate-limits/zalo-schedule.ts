import type { AppRateLimiter } from "../../zalo/rate-limit";
import type { RateBucketRepo } from "./repo";

/** The schedule row every process on the database takes Zalo's app-wide slots from. */
export const ZALO_APP_KEY = "zalo:app";

const MAX_BATCH = 10;

/**
 * Zalo's app-wide limit (zalo-platform.md §5.9) shared by every process on the database: the same guarantee as
 * createAppRateLimiter (at most `perSecond` requests in any window of `windowMs` + margin), across processes.
 *
 * Time is a grid of equal slots; the schedule row holds the next free slot's index, so each slot goes to one
 * request in the cluster. A process reserves 1 slot, doubling up to 10 while it uses them all (one statement per
 * batch, not per request); a request goes out at its slot, or not at all if it would be more than `staleMs` late
 * (the slot is dropped, and the next batch is 1 again). Slots are `(window + staleMs) / perSecond` apart, so
 * requests sent at most `staleMs` after their slots still hold `perSecond` per window. Real time, on each
 * process's clock (the hosts' clocks are assumed NTP-close; the window's margin absorbs the rest).
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
  let pausedUntil = 0;

  async function refill() {
    // Grow while the last batch was used up; start again from one after a slot went unused.
    batch = dropped ? 1 : Math.min(MAX_BATCH, batch * 2);
    dropped = false;
    const n = batch;
    const t = Date.now();
    const end = await p.repo.reserve(key, Math.ceil(t / slotMs), n, t);
    for (let i = end - n; i < end; i++) slots.push(i);
  }

  return {
    perSecond,
    async take() {
      for (;;) {
        const t = Date.now();
        if (t < pausedUntil) {
          await sleep(pausedUntil - t);
          continue;
        }
        while (slots.length && slots[0]! * slotMs + staleMs < t) {
          slots.shift();
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
        if (sent > at + staleMs || sent < pausedUntil) {
          dropped = true;
          continue;
        }
        return;
      }
    },
    pause(ms: number) {
      const t = Date.now();
      pausedUntil = Math.max(pausedUntil, t + ms);
      dropped = slots.length > 0 || dropped;
      slots = [];
      // Everyone else's next batch starts after the pause; slots they already hold (at most 10) still go out.
      Promise.resolve()
        .then(() => p.repo.pushBack(key, Math.ceil((t + ms) / slotMs), t))
        .catch((err) => p.onError?.(err));
    },
  };
}
