/**
 * Zalo's app-wide limit holds for the cluster (issue #16): four real processes, each with its own pool and its
 * own limiter, share one PostgreSQL database and take slots as fast as they can, all at once. Counted from
 * their own records of when each take returned: no window holds more than the limit, and together they still
 * go near the rate (one process alone could not be the reason it holds).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { migratePg } from "./db/pg/client";
import { createTestDatabase, testPgServer, type TestDatabase } from "./db/pg/test-database";
import { mostInAnyWindow } from "./modules/rate-limits/test-windows";

const admin = await testPgServer();
let database: TestDatabase | undefined;

beforeAll(async () => {
  if (!admin) return;
  database = await createTestDatabase(admin, "rate_xp");
  await migratePg(database.url);
}, 60_000);
afterAll(async () => database?.drop());

// 20 a window of 300 ms: 4 processes × 3 takers × 20 takes = 240 takes, about 3.8 s on the grid.
const PROCESSES = 4;
const LIMIT = { PER_MINUTE: 1200, WINDOW_MS: 300, MARGIN_MS: 20 };
const PER_WINDOW = LIMIT.PER_MINUTE / 60;

it.skipIf(!admin)(
  "four processes on one PostgreSQL database never send more than the limit in any window between them",
  async () => {
    const children = Array.from({ length: PROCESSES }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./modules/rate-limits/slot-taker-child.ts", import.meta.url))], {
        env: {
          ...process.env,
          DATABASE_URL: database!.url,
          LIMIT_KEY: "zalo:app",
          TAKERS: "3",
          TAKES: "20",
          ...Object.fromEntries(Object.entries(LIMIT).map(([k, v]) => [k, String(v)])),
        },
        stdio: ["pipe", "pipe", "inherit"],
      });
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      return { child, next: async () => String((await lines.next()).value) };
    });
    try {
      for (const c of children) expect(await c.next()).toBe("ready");
      const start = Date.now();
      for (const c of children) c.child.stdin!.write("go\n");
      const perProcess = await Promise.all(children.map(async (c) => JSON.parse(await c.next()) as number[]));
      const elapsed = Date.now() - start;
      for (const times of perProcess) expect(times).toHaveLength(60);
      const all = perProcess.flat();
      expect(mostInAnyWindow(all, LIMIT.WINDOW_MS)).toBeLessThanOrEqual(PER_WINDOW);
      // Each process alone would be allowed the whole rate: together they are held to it, and still near it.
      const ideal = (all.length * (LIMIT.WINDOW_MS + LIMIT.MARGIN_MS + 20)) / PER_WINDOW;
      expect(elapsed).toBeGreaterThanOrEqual(ideal * 0.9);
      expect(elapsed).toBeLessThan(ideal * 4);
    } finally {
      for (const c of children) c.child.kill("SIGTERM");
    }
  },
  120_000,
);
