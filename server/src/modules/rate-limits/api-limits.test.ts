// The per-address API limits of two API instances on one SQLite file (issue #16: N API processes on one file
// behind a balancer): the address gets RATE_LIMIT_PER_MINUTE between them, not that much from each.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { buildApp } from "../../app";
import { loadConfig } from "../../config";
import { TEST_ENV } from "../../test-support";

const dir = mkdtempSync(join(tmpdir(), "mc-rate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("two API instances on one database file share each address's limit; another address has its own", async () => {
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_PATH: join(dir, "mc.db"),
    RATE_LIMIT_PER_MINUTE: "6",
    RATE_LIMIT_SHARED: "true",
    DISPATCHER_ENABLED: "false",
  });
  const apps = [await buildApp({ config, logger: false }), await buildApp({ config, logger: false })];
  try {
    const get = (i: number, ip: string) => apps[i % 2]!.inject({ url: "/health", remoteAddress: ip });
    const codes = [];
    for (let i = 0; i < 10; i++) codes.push((await get(i, "198.51.100.7")).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
    const limited = await get(0, "198.51.100.7");
    expect(limited.json()).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(50);
    expect((await get(1, "198.51.100.8")).statusCode).toBe(200);
  } finally {
    for (const app of apps) await app.close();
  }
});
