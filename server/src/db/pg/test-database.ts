// PostgreSQL for tests: each test file gets a database of its own (created here, dropped after), so files run
// in parallel and a migration test always starts from an empty database. A whole database rather than a schema:
// drizzle-kit's PostgreSQL migrations name the "public" schema, so only a database isolates them.
import { randomBytes } from "node:crypto";
import pg from "pg";

type Env = Record<string, string | undefined>;

/** Where the test server is: TEST_PG_URL, else this machine's (trust auth, as user postgres or root). */
const candidates = (env: Env) =>
  env.TEST_PG_URL ? [env.TEST_PG_URL] : ["postgres://postgres@127.0.0.1:5432/postgres", "postgres://root@127.0.0.1:5432/postgres"];

async function firstReachable(urls: string[]): Promise<string | undefined> {
  for (const url of urls) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("select 1");
      return url;
    } catch {
      // try the next
    } finally {
      await client.end().catch(() => {});
    }
  }
  return undefined;
}

/**
 * The server's admin URL, or undefined when none answers: the caller skips its PostgreSQL tests then. With
 * CI=true an unreachable server is an error, so a CI run can never pass by skipping them.
 */
export async function testPgServer(env: Env = process.env): Promise<string | undefined> {
  const urls = candidates(env);
  const url = await firstReachable(urls);
  if (!url && env.CI === "true") {
    throw new Error(`CI=true and no PostgreSQL answers at ${urls.join(" or ")}: its tests must run in CI (set TEST_PG_URL)`);
  }
  return url;
}

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> };

/**
 * Creates an empty database named after `label` on the server at `adminUrl`, sorting text as bytes (LC_COLLATE C,
 * which the migrations require) whatever the cluster's default, or by `icuLocale` to see that refused.
 */
export async function createTestDatabase(adminUrl: string, label: string, opts: { icuLocale?: string } = {}): Promise<TestDatabase> {
  const name = `mc_test_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const locale = opts.icuLocale ? `locale_provider icu icu_locale '${opts.icuLocale.replace(/'/g, "")}' lc_collate 'C'` : "lc_collate 'C'";
    await admin.query(`create database "${name}" template template0 encoding 'UTF8' ${locale}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
