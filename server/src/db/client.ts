import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
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
  // A WAL that once grew (a burst, a broadcast snapshot) is cut back to this when it starts over.
  sqlite.pragma("journal_size_limit = 67108864");
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

// The checkpointer's own code: plain CommonJS run with `eval`, so it needs no TypeScript loader in any setup.
const CHECKPOINTER = `
const { workerData: w, parentPort } = require("node:worker_threads");
const Database = require(w.driver);
const db = new Database(w.path, { fileMustExist: true });
const pageSize = db.pragma("page_size", { simple: true });
let timer;
const tick = () => {
  try {
    const [{ log }] = db.pragma("wal_checkpoint(PASSIVE)");
    if (log * pageSize > w.restartBytes) parentPort.postMessage("restart");
  } catch {}
  timer = setTimeout(tick, w.everyMs);
};
timer = setTimeout(tick, w.everyMs);
parentPort.on("message", () => { clearTimeout(timer); db.close(); parentPort.close(); });
`;

/**
 * Copies the WAL back into the database file every `everyMs`, on a worker thread with its own
 * connection: PASSIVE checkpoints never wait for the writer and the writer never waits for them, so a
 * request neither pays for the copy nor stalls behind it.
 *
 * The WAL only starts over when a write begins after a checkpoint that reached its end, and under a
 * steady stream of commits the worker's passes keep being overtaken. So once the WAL passes
 * `restartBytes`, the worker asks this thread for one PASSIVE pass between two event-loop turns: it
 * copies only what the worker has not yet copied, and no commit can slip in before the next write,
 * which then starts the WAL over. That pass still syncs the files (tens of ms on a slow disk), so it
 * comes once per `restartBytes` written under sustained load, never in quiet times. Returns a stop
 * function (settles once the worker's connection is closed). In-memory databases have no WAL.
 */
export function startCheckpoints(db: Db, opts: { everyMs?: number; restartBytes?: number; onError?: (e: Error) => void } = {}): () => Promise<void> {
  if (db.$client.memory) return async () => {};
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve("better-sqlite3"), path: db.$client.name, everyMs: opts.everyMs ?? 100, restartBytes: opts.restartBytes ?? 256 * 1024 * 1024 },
  });
  worker.unref(); // never what keeps a process alive
  let asked = false;
  worker.on("message", () => {
    if (asked) return;
    asked = true;
    setImmediate(() => {
      asked = false;
      if (db.$client.open && !db.$client.inTransaction) db.$client.pragma("wal_checkpoint(PASSIVE)");
    });
  });
  // Without checkpoints the WAL only grows (the close still truncates it): worth a log line, not a crash.
  worker.on("error", opts.onError ?? ((e) => console.error("checkpointer stopped:", e)));
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return async () => {
    worker.postMessage("stop");
    await exited;
  };
}
