// The shared rates (issue #16) on both databases: several "processes" (limiters and stores of their own, with
// their own in-memory state) on one database hold one limit between them, counted here from the outside.
import Fastify from "fastify";
import rateLimit from "@fastify/rate-limit";
import { expect, it } from "vitest";
import { onBothDatabases } from "../../db/test-stores";
import { createAppRateLimiter, type AppRateLimiter } from "../../zalo/rate-limit";
import { createRateBucketRepo } from "./repo";
import { rowRateLimitStore } from "./ip-store";
import { createSharedRateLimiter } from "./zalo-schedule";
import { mostInAnyWindow } from "./test-windows";

/** `takers` concurrent callers on each limiter, `each` takes apiece; the moments takes returned. */
async function takeAll(limiters: AppRateLimiter[], takers: number, each: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    limiters.flatMap((l) =>
      Array.from({ length: takers }, async () => {
        for (let i = 0; i < each; i++) {
          await l.take();
          times.push(performance.timeOrigin + performance.now());
        }
      }),
    ),
  );
  return times;
}

// 10 a window of 200 ms (perMinute 600 → 10 per window), counted by the limiter with a 10 ms margin for the jitter
// between a take returning and its moment being read (Zalo's real window gets 50): 60 takes in about a second and a half.
const LIMIT = { perMinute: 600, windowMs: 200, marginMs: 10 };

it("the check counts: three limiters of their own (per process, as before) go well over the limit together", async () => {
  const times = await takeAll(
    [1, 2, 3].map(() => createAppRateLimiter(LIMIT)),
    4,
    5,
  );
  expect(mostInAnyWindow(times, LIMIT.windowMs)).toBeGreaterThan(10);
});

onBothDatabases(
  "rate_limits",
  (store, dialect) => {
    it("three processes taking Zalo slots at once never hold more than the limit in any window, and keep near the rate", async () => {
      const repo = createRateBucketRepo(store());
      const limiters = [1, 2, 3].map(() => createSharedRateLimiter({ repo, key: `zalo:t1:${dialect}`, ...LIMIT }));
      const start = Date.now();
      const times = await takeAll(limiters, 4, 5); // 60 takes
      const elapsed = Date.now() - start;
      expect(times).toHaveLength(60);
      expect(mostInAnyWindow(times, LIMIT.windowMs)).toBeLessThanOrEqual(10);
      // 60 takes on a grid of 10 per 230 ms is ~1.4 s; well under 4× that (dropped slots on a busy machine cost some).
      expect(elapsed).toBeLessThan(4 * 1380);
    });

    it("a -32 in one process pushes everyone's next slot past the pause", async () => {
      const repo = createRateBucketRepo(store());
      const key = `zalo:t2:${dialect}`;
      const a = createSharedRateLimiter({ repo, key, ...LIMIT });
      const b = createSharedRateLimiter({ repo, key, ...LIMIT });
      await a.take();
      const t = Date.now();
      a.pause(400);
      // The push-back is fire and forget: wait until the row's next slot (23 ms apart here) is past the pause.
      const slotMs = (LIMIT.windowMs + LIMIT.marginMs + 20) / 10;
      const nextSlotAt = async () => ((await repo.read(key))?.hits ?? 0) * slotMs;
      for (let i = 0; i < 40 && (await nextSlotAt()) < t + 400; i++) await new Promise((r) => setTimeout(r, 5));
      expect(await nextSlotAt()).toBeGreaterThanOrEqual(t + 400);
      // Within the pause, the other process (no slots of its own yet) gets its first one after it.
      expect(Date.now() - t).toBeLessThan(300);
      await b.take();
      expect(Date.now() - t).toBeGreaterThanOrEqual(395);
    });

    it("a schedule left an hour ahead (the wall clock stepped back) does not stall the takes, and they still hold the limit", async () => {
      const repo = createRateBucketRepo(store());
      const key = `zalo:t4:${dialect}`;
      const slotMs = (LIMIT.windowMs + LIMIT.marginMs + 20) / 10;
      await repo.reserve(key, Math.ceil((Date.now() + 3600_000) / slotMs), 1, Date.now());
      const limiters = [1, 2].map(() => createSharedRateLimiter({ repo, key, ...LIMIT }));
      const start = Date.now();
      const times = await takeAll(limiters, 3, 5); // 30 takes, ~0.7 s on the grid
      expect(Date.now() - start).toBeLessThan(5000);
      expect(mostInAnyWindow(times, LIMIT.windowMs)).toBeLessThanOrEqual(10);
    });

    it("the per-address store counts every hit of every process once, in fixed windows, a route's own apart", async () => {
      const repo = createRateBucketRepo(store());
      const Ctor = rowRateLimitStore(repo);
      const p1 = new Ctor({} as never);
      const p2 = new Ctor({} as never);
      const incr = (s: InstanceType<typeof Ctor>, key: string, window = 60_000) =>
        new Promise<{ current: number; ttl: number }>((res, rej) => s.incr(key, (e, r) => (e ? rej(e) : res(r!)), window, 100));
      const key = `10.0.0.1-${dialect}`;
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => incr(i % 2 ? p1 : p2, key)));
      // No hit lost or counted twice: the currents are exactly 1..40 across both processes.
      expect(answers.map((a) => a.current).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      for (const a of answers) expect(a.ttl).toBeGreaterThan(55_000);
      // A route's own limit (a child store) counts apart.
      const route = p1.child({ routeInfo: { method: "POST", url: "/api/auth" } } as never);
      expect((await incr(route, key)).current).toBe(1);
      // A window that ended starts again at 1.
      const short = `10.0.0.2-${dialect}`;
      expect((await incr(p1, short, 50)).current).toBe(1);
      expect((await incr(p2, short, 50)).current).toBe(2);
      await new Promise((r) => setTimeout(r, 70));
      expect((await incr(p2, short, 50)).current).toBe(1);
      // And ended windows are pruned; a schedule row never is.
      await repo.reserve(`zalo:t3:${dialect}`, 1, 1, Date.now());
      await new Promise((r) => setTimeout(r, 60));
      expect(await repo.prune(Date.now())).toBeGreaterThanOrEqual(1);
      expect(await repo.read(`ip:${short}`)).toBeUndefined();
      expect(await repo.read(`zalo:t3:${dialect}`)).toBeDefined();
    });

    it("two API processes behind one balancer: the address gets its limit once, not once per process", async () => {
      const repo = createRateBucketRepo(store());
      const apps = await Promise.all(
        [1, 2].map(async () => {
          const app = Fastify();
          await app.register(rateLimit, {
            global: true,
            max: 5,
            timeWindow: 60_000,
            store: rowRateLimitStore(repo),
            keyGenerator: () => `203.0.113.9-${dialect}`,
          });
          app.get("/x", async () => ({ ok: true }));
          return app;
        }),
      );
      const codes = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await apps[i % 2]!.inject({ url: "/x" })).statusCode));
      expect(codes.filter((c) => c === 200)).toHaveLength(5);
      expect(codes.filter((c) => c === 429)).toHaveLength(7);
      await Promise.all(apps.map((a) => a.close()));
    });
  },
  { max: 8 },
);
