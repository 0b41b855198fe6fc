/**
 * One limiter for every request this app makes to Zalo's OA and ZNS APIs (CS, template by UID, ZNS, uploads,
 * lookups): Zalo's limit is per app, not per channel (zalo-platform.md §1.15, §5.9: 4,000 requests a minute,
 * beyond that -32). It keeps at most `perSecond` requests in any rolling window a little over a second, so a
 * whole minute stays under the per-minute limit and a burst never crosses it either. The window's margin
 * absorbs network jitter (two requests sent a second apart may arrive a little closer).
 */
export function createAppRateLimiter(p: { perMinute: number; windowMs?: number; marginMs?: number }) {
  const perSecond = Math.max(1, Math.floor(p.perMinute / 60));
  const windowMs = (p.windowMs ?? 1000) + (p.marginMs ?? 50);
  const sent: number[] = [];
  let pausedUntil = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(1, ms)));
  return {
    perSecond,
    /**
     * Waits for a slot; real time (Zalo counts in real time, whatever the business clock says), on the monotonic
     * clock so a wall-clock step back (NTP) cannot make a window look an hour from its end.
     */
    async take() {
      for (;;) {
        const t = performance.now();
        if (t < pausedUntil) {
          await sleep(pausedUntil - t);
          continue;
        }
        while (sent.length && sent[0]! <= t - windowMs) sent.shift();
        if (sent.length < perSecond) {
          sent.push(t);
          return;
        }
        await sleep(sent[0]! + windowMs - t);
      }
    },
    /** Zalo answered -32: everyone waits a moment before the next request. */
    pause(ms: number) {
      pausedUntil = Math.max(pausedUntil, performance.now() + ms);
    },
  };
}

export type AppRateLimiter = ReturnType<typeof createAppRateLimiter>;
