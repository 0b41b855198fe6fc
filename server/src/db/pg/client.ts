// PostgreSQL's side of the database layer (issue #16). So far: connect and migrate. The services still run on
// SQLite only (config.ts refuses DATABASE_URL at start), so nothing here is wired into the container yet.
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import * as schema from "./schema";

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const pgMigrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), "../../../drizzle-pg");

/** A pool on `url` with the PostgreSQL schema; the caller ends it (`db.$client.end()`). */
export function openPg(url: string, opts: { max?: number } = {}): PgDb {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  return drizzle(pool, { schema }) as PgDb;
}

/** Any fixed number: the advisory lock every migrating process takes on this database. */
const MIGRATION_LOCK = 16_0001;

/**
 * Applies drizzle-pg/'s migrations not applied yet (their record is drizzle.__drizzle_migrations). drizzle's
 * migrator takes no lock, so two instances deployed at once would both apply the same migration: each first
 * takes a session advisory lock on its own connection, and the second finds nothing left to do.
 */
export async function migratePg(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: pgMigrationsFolder });
  } finally {
    await client.end(); // ending the session releases the lock
  }
}
