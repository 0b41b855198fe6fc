/** What the bench entry points and their child processes share: seeding, the API's environment, HTTP calls. */
import { DEFAULT_WARMING_RULES } from "@mc/shared";
import type { openDb } from "@mc/server/db/client";
import { fileEnv } from "@mc/server/test-support";

/** N followers `c0…`, matching the emulator's seeded users (bench/emulator-process.ts), seen an hour before `t`. */
export function seedCustomers(db: ReturnType<typeof openDb>, n: number, t: number) {
  const insert = db.$client.prepare(
    "insert into customers (id, zalo_id, zalo_oa_id, phone, name, member_code, follows_oa, last_interaction_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      insert.run(
        `c${i}`,
        `7700${String(i).padStart(12, "0")}`,
        `8800${String(i).padStart(12, "0")}`,
        `8490${String(i).padStart(7, "0")}`,
        `Khách ${i}`,
        `M${i}`,
        t - 3600_000,
        t,
        t,
      );
    }
  })();
}

/** Warming rules without quiet hours or caps, so a run does not depend on the hour it starts at. */
export function seedOpenRules(db: ReturnType<typeof openDb>, t: number) {
  db.$client
    .prepare("insert into warming_rules (rules, changed_by, created_at) values (?, 'bench', ?)")
    .run(JSON.stringify({ ...DEFAULT_WARMING_RULES, quietHours: null, caps: [] }), t);
}

/** The real API as measured: production mode, on the database file `dbPath`, wired to the emulator at `emuUrl`, no rate limits. */
export function benchApiEnv(emuUrl: string, dbPath: string): Record<string, string> {
  return {
    ...fileEnv(emuUrl, dbPath),
    NODE_ENV: "production",
    RATE_LIMIT_PER_MINUTE: "100000000",
    AUTH_RATE_LIMIT_PER_MINUTE: "100000000",
  };
}

/** One JSON call to the API at `base`; a non-2xx answer throws with its body. */
export async function call<T = any>(base: string, method: string, path: string, token?: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
