import { afterEach, describe, expect, it, vi } from "vitest";
import { createAppRateLimiter } from "./rate-limit";

afterEach(() => vi.useRealTimers());

/** Rejects if `p` is still pending after `ms` of real time: a stalled limiter fails here, not at the test timeout. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);
}

describe("the app-wide Zalo rate limiter", () => {
  it("spaces requests by real time, and a wall-clock step back (NTP) does not stall the next one", async () => {
    const limiter = createAppRateLimiter({ perMinute: 60, windowMs: 200, marginMs: 0 }); // 1 request per 200 ms window
    await limiter.take();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 3_600_000);
    const t0 = performance.now();
    await within(3000, limiter.take());
    // It still waited for the window to pass (not let through by the jump), and no longer than that.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it("a -32 pause holds every caller for that long of real time, whatever the wall clock does meanwhile", async () => {
    const limiter = createAppRateLimiter({ perMinute: 6000, windowMs: 1000, marginMs: 0 });
    limiter.pause(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 3_600_000);
    const t0 = performance.now();
    await within(3000, limiter.take());
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
  });
});
