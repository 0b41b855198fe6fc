// A process of the multi-process limiter test (rate-limit-cross-process.test.ts): its own pool and its own
// shared limiter on DATABASE_URL; says "ready", takes TAKES slots with TAKERS concurrent callers once told "go"
// on stdin, and prints the moments its takes returned as one JSON line.
import { pgStore } from "../../db/store";
import { createRateBucketRepo } from "./repo";
import { createSharedRateLimiter } from "./zalo-schedule";

const num = (name: string) => Number(process.env[name]);
const store = pgStore(process.env.DATABASE_URL!, { max: 4 });
const repo = createRateBucketRepo(store);
const limiter = createSharedRateLimiter({
  repo,
  key: process.env.LIMIT_KEY!,
  perMinute: num("PER_MINUTE"),
  windowMs: num("WINDOW_MS"),
  marginMs: num("MARGIN_MS"),
});
await repo.read(process.env.LIMIT_KEY!); // connected before it says ready
process.stdout.write("ready\n");
await new Promise<void>((r) => process.stdin.once("data", () => r()));
const times: number[] = [];
await Promise.all(
  Array.from({ length: num("TAKERS") }, async () => {
    for (let i = 0; i < num("TAKES"); i++) {
      await limiter.take();
      times.push(Date.now());
    }
  }),
);
process.stdout.write(`${JSON.stringify(times)}\n`);
await store.close();
