import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** Opens (or creates) the SQLite file, sets the pragmas every guarantee relies on, and applies migrations. */
export function openDb(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  // A 64 MB page cache (default 2 MB): a broadcast snapshot writes a million rows and their indexes at once.
  sqlite.pragma("cache_size = -65536");
  sqlite.pragma("temp_store = MEMORY");
  // Checkpoints run in the background (see `startCheckpoints`), not inside whichever commit crosses the
  // threshold: a request never pays for copying the WAL back into the database file.
  sqlite.pragma("wal_autocheckpoint = 0");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder });
  return db;
}

/**
 * Runs `fn` in one IMMEDIATE transaction (write lock taken up front, so two writers never both read
 * then both write). better-sqlite3 transactions are synchronous: no await and no network inside.
 */
export function tx<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

/**
 * Copies the WAL back into the database file every `everyMs` (PASSIVE: never waits for readers or
 * writers), so commits stay cheap and the WAL stays bounded. Returns a stop function.
 */
export function startCheckpoints(db: Db, everyMs = 1000): () => void {
  const t = setInterval(() => db.$client.pragma("wal_checkpoint(PASSIVE)"), everyMs);
  t.unref();
  return () => clearInterval(t);
}
