import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** WAL size past which the writer's thread runs the pass that lets the WAL start over (`startCheckpoints`). */
const DEFAULT_RESTART_BYTES = 256 * 1024 * 1024;

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
  // What a WAL that once grew is cut back to when it starts over; `startCheckpoints` keeps it at twice its
  // restart threshold, so the WAL's steady size is never truncated (on the first commit after each restart).
  sqlite.pragma(`journal_size_limit = ${2 * DEFAULT_RESTART_BYTES}`);
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder });
  return db;
}

/**
 * What `/ready` asks beyond a ping: is every migration this build ships applied to the file? (An instance of an
 * older build on a newer file is fine; a newer build on a file no one migrated yet is not ready.)
 */
export function migrationsApplied(db: Db): () => boolean {
  const journal = JSON.parse(readFileSync(resolve(migrationsFolder, "meta/_journal.json"), "utf8")) as { entries: { when: number }[] };
  const latest = Math.max(...journal.entries.map((e) => e.when));
  const applied = db.$client.prepare("select max(created_at) from __drizzle_migrations").pluck();
  return () => Number(applied.get() ?? 0) >= latest;
}

/** What `/health` asks the database: one prepared `select 1`, so a locked or closed file shows. */
export function healthCheck(db: Db): () => void {
  const ping = db.$client.prepare("select 1");
  return () => void ping.get();
}

/**
 * Runs `fn` in one IMMEDIATE transaction (write lock taken up front, so two writers never both read
 * then both write). better-sqlite3 transactions are synchronous: no await and no network inside.
 */
export function tx<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

/**
 * `tx` for work that is only ever part of its caller's unit: inside a transaction it runs in it as it is (no
 * savepoint: an error undoes the caller's whole transaction, as the caller lets it), else in its own.
 */
export function joinTx<T>(db: Db, fn: () => T): T {
  return db.$client.inTransaction ? fn() : tx(db, fn);
}

// The checkpointer's own code: plain CommonJS run with `eval`, so it needs no TypeScript loader in any setup.
// Protocol: "tick" runs one pass now and answers it. Once the WAL is past `restartBytes` the worker says so
// ("restart") and pauses: no pass of its own may hold the checkpoint lock during the main thread's pass. The
// main thread answers "handover"; the worker then runs one last pass (copying what was written meanwhile),
// says "handedOver", and stays paused until the main thread, after its own pass, says "resume".
// SQLite syncs the database file only when a pass reaches the WAL's end, which under steady commits the
// worker's rarely do: the worker syncs what it copied itself, so the main thread's pass never pays for it.
const CHECKPOINTER = `
const { workerData: w, parentPort } = require("node:worker_threads");
const { openSync, fdatasyncSync, closeSync } = require("node:fs");
const Database = require(w.driver);
const db = new Database(w.path, { fileMustExist: true });
const fd = openSync(w.path, "r");
const pageSize = db.pragma("page_size", { simple: true });
let timer = null;
let paused = false;
let asked = null; // the id of the "tick" whose pass asked for the restart, answered on the handover
let copied = -1;
const schedule = () => { if (w.everyMs > 0 && !paused) timer = setTimeout(() => pass(null), w.everyMs); };
const checkpoint = () => {
  let r = { log: -1, checkpointed: -1 };
  try {
    r = db.pragma("wal_checkpoint(PASSIVE)")[0];
    if (r.checkpointed > 0 && r.checkpointed !== copied) fdatasyncSync(fd);
    copied = r.checkpointed;
  } catch {}
  return r;
};
const pass = (id) => {
  timer = null;
  const frames = checkpoint().log;
  const restart = frames * pageSize > w.restartBytes;
  if (restart) { paused = true; asked = id; parentPort.postMessage({ kind: "restart" }); }
  else if (id !== null) parentPort.postMessage({ kind: "pass", id, frames });
  schedule();
};
parentPort.on("message", (m) => {
  if (m.tick !== undefined) { if (timer) clearTimeout(timer); if (!paused) pass(m.tick); else parentPort.postMessage({ kind: "pass", id: m.tick, frames: -1 }); }
  else if (m === "handover") { const frames = checkpoint().log; parentPort.postMessage({ kind: "handedOver", id: asked, frames }); asked = null; }
  else if (m === "resume") { paused = false; if (!timer) schedule(); }
  else { if (timer) clearTimeout(timer); db.close(); closeSync(fd); parentPort.close(); }
});
schedule();
`;

// `id`: the "tick" a report answers (null for a timer's pass).
type PassReport = { kind: "pass" | "handedOver"; id: number | null; frames: number } | { kind: "restart" };

export type Checkpoints = {
  /** Settles once the worker's connection is closed. */
  (): Promise<void>;
  /**
   * Runs one worker pass now (and, if it asks for it, the handover and the restart pass here) and tells
   * what happened: lets a test drive the checkpointer commit by commit instead of racing its timer. Meant
   * for `everyMs: 0` (no timer).
   */
  tick(): Promise<{ frames: number; startsOver: boolean }>;
};

/**
 * Copies the WAL back into the database file every `everyMs`, on a worker thread with its own
 * connection: PASSIVE checkpoints never wait for the writer and the writer never waits for them, so a
 * request neither pays for the copy nor stalls behind it.
 *
 * The WAL only starts over when a write begins after a checkpoint that reached its end, and under a
 * steady stream of commits the worker's passes keep being overtaken. So once the WAL passes
 * `restartBytes`, the worker pauses and asks this thread for one PASSIVE pass between two event-loop
 * turns. With the worker idle, nothing else holds the checkpoint lock and no commit can slip in before
 * the next write, so that pass reaches the WAL's end and the next write starts it over, whatever the
 * scheduler does. That pass blocks the event loop for what it copies and syncs, so first the worker
 * hands over: on this thread's answer it runs one last pass and syncs the database file, and this
 * thread's pass copies and syncs only the frames written since, not the backlog of a pass overtaken
 * by commits. The WAL is bounded by `restartBytes` plus what is written during the worker's last two
 * passes and until this thread's next turn. The pass comes once per `restartBytes` written under
 * sustained load, never in quiet times. `journal_size_limit` is twice `restartBytes`: the first commit
 * after a restart would otherwise truncate the WAL's steady size, on this thread. In-memory databases
 * have no WAL.
 */
export function startCheckpoints(db: Db, opts: { everyMs?: number; restartBytes?: number; onError?: (e: Error) => void } = {}): Checkpoints {
  if (db.$client.memory) return Object.assign(async () => {}, { tick: async () => ({ frames: 0, startsOver: false }) });
  const restartBytes = opts.restartBytes ?? DEFAULT_RESTART_BYTES;
  db.$client.pragma(`journal_size_limit = ${2 * restartBytes}`);
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      path: db.$client.name,
      everyMs: opts.everyMs ?? 100,
      restartBytes,
    },
  });
  worker.unref(); // never what keeps a process alive
  const waiting = new Map<number, (r: { frames: number; startsOver: boolean }) => void>();
  let ticks = 0;
  const restartPass = (): Promise<boolean> =>
    new Promise((resolve) => {
      const run = () => {
        if (!db.$client.open) return resolve(false);
        // Only between turns with no transaction open; one left open across an await waits a turn.
        if (db.$client.inTransaction) return setImmediate(run);
        const [r] = db.$client.pragma("wal_checkpoint(PASSIVE)") as { busy: number; log: number; checkpointed: number }[];
        worker.postMessage("resume");
        resolve(r.busy === 0 && r.checkpointed === r.log);
      };
      setImmediate(run);
    });
  worker.on("message", (m: PassReport) => {
    if (m.kind === "restart") return worker.postMessage("handover");
    const answer = m.id === null ? undefined : waiting.get(m.id);
    if (m.id !== null) waiting.delete(m.id);
    if (m.kind === "pass") return answer?.({ frames: m.frames, startsOver: false });
    void restartPass().then((startsOver) => answer?.({ frames: m.frames, startsOver }));
  });
  // Without checkpoints the WAL only grows (the close still truncates it): worth a log line, not a crash.
  worker.on("error", opts.onError ?? ((e) => console.error("checkpointer stopped:", e)));
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const stop = async () => {
    worker.postMessage("stop");
    await exited;
  };
  const tick = () =>
    new Promise<{ frames: number; startsOver: boolean }>((resolve) => {
      const id = ticks++;
      waiting.set(id, resolve);
      worker.postMessage({ tick: id });
    });
  return Object.assign(stop, { tick });
}
