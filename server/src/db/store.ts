// The database layer both drivers share (issue #16): one set of services and repos, SQLite (better-sqlite3,
// synchronous, the embedded default) or PostgreSQL (node-postgres, a pool). See docs/database-layer.md.
//
// Every statement returns an Awaitable: a plain value on SQLite, a Promise on PostgreSQL. A transaction's body is
// a generator that takes each database step with `yield* q(...)`. On SQLite the body runs to its end inside one
// synchronous IMMEDIATE transaction, exactly as before (no other request's statement can slip in, and nothing can
// wait on the network while the write lock is held). On PostgreSQL the same body is driven asynchronously on one
// pooled connection, SERIALIZABLE, and run again from the start when PostgreSQL reports a serialization failure
// or a deadlock: so a body written as "read, check, write" keeps SQLite's guarantees without a lock of its own.
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { randomBytes } from "node:crypto";
import type { Db } from "./client";
import { createChangeWatch } from "./change-watch";
import { Refusal } from "./group-commit";

export type Awaitable<T> = T | Promise<T>;
/** A transaction body, or a part of one: a generator that yields database steps (see `q`). */
export type Step<T> = Generator<unknown, T, unknown>;
export type Dialect = "sqlite" | "postgres";

/** One database step inside a body: `const row = yield* q(stmt.get(id))`. The result is the step's value on either driver. */
export function* q<T>(step: Awaitable<T>): Step<T> {
  return (yield step) as T;
}

/**
 * The value of a step known to be synchronous: SQLite code not ported to bodies yet calls a ported repo through
 * this. On PostgreSQL it throws (the unported caller cannot run there anyway).
 */
export function syncStep<T>(step: Awaitable<T>): T {
  if (isThenable(step)) throw new Error("A synchronous caller got a PostgreSQL step: port the caller to a transaction body (yield* q(...))");
  return step;
}

/**
 * `f` of a step's value, as a step: at once on SQLite, after the promise on PostgreSQL (what a repo method that
 * shapes a row does with its statement's answer).
 */
export function mapStep<T, U>(step: Awaitable<T>, f: (value: T) => Awaitable<U>): Awaitable<U> {
  return step instanceof Promise ? step.then(f) : f(step as T);
}

/** What a step gives once settled. */
export type Settled<T> = T extends PromiseLike<infer U> ? U : T;
/** A method as synchronous code sees it on SQLite: its step's value at once (a method that is always async stays so). */
type SyncFn<F> = F extends (...a: infer A) => infer V ? ([V] extends [PromiseLike<unknown>] ? F : (...a: A) => Settled<V>) : F;
/** A ported repo as code not ported yet sees it on SQLite. */
export type SyncView<R> = { [K in keyof R]: SyncFn<R[K]> };

/**
 * `repo` for synchronous SQLite code not ported yet: on SQLite every step of a ported repo is its value already,
 * so this is the same object, typed as it is there. The container hands it to unported modules, so porting a repo
 * does not mean porting every caller at once (`grep -rn "syncView(" server/src` is what is left); on PostgreSQL,
 * where those modules cannot run, it refuses.
 */
export function syncView<R extends object>(store: Store, repo: R): SyncView<R> {
  if (store.dialect !== "sqlite") throw new Error("Code not ported to the store yet cannot run on PostgreSQL");
  return repo as SyncView<R>;
}

/** Whether a step is a promise (PostgreSQL) rather than its value (SQLite). */
export const isThenable = <T>(v: Awaitable<T> | unknown): v is PromiseLike<Settled<T>> =>
  typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";

/** Drives a body to its end without yielding to the event loop (SQLite). */
function driveSync<T>(body: Step<T>): T {
  let r = body.next();
  while (!r.done) {
    if (isThenable(r.value)) {
      body.return(undefined as T);
      throw new Error("A SQLite transaction body waited on a promise: only database steps (q(...)) belong in a body, never network or timers");
    }
    r = body.next(r.value);
  }
  return r.value;
}

/** Drives a body step by step, a failed step thrown back into it (PostgreSQL). */
async function driveAsync<T>(body: Step<T>): Promise<T> {
  let r = body.next();
  while (!r.done) {
    let v: unknown;
    try {
      v = await r.value;
    } catch (e) {
      r = body.throw(e);
      continue;
    }
    r = body.next(v);
  }
  return r.value;
}

/** How a statement's rows come back: objects keyed by column name, arrays of values, or the first column only. */
export type RowMode = "object" | "array" | "pluck";

/**
 * `lastId`: the integer key of the row an insert wrote. SQLite knows it without being asked; PostgreSQL reports it
 * when the statement ends in `returning id` (give the two texts: `returning` costs SQLite a few µs per insert).
 */
export type RunResult = { changes: number; lastId?: number };

export interface Statement<Row> {
  get(...params: unknown[]): Awaitable<Row | undefined>;
  all(...params: unknown[]): Awaitable<Row[]>;
  run(...params: unknown[]): Awaitable<RunResult>;
}

/** SQL for both drivers, or one text each where their dialects differ. `?` or `@name` placeholders (not both) in both. */
export type Sql = string | { sqlite: string; pg: string };

/**
 * PostgreSQL's isolation for one transaction (SQLite's are always serial). SERIALIZABLE, the default, keeps every
 * body's "read, check, write" safe by itself. READ COMMITTED suits a body that serialises itself with a lock it
 * takes first (an advisory lock per customer): each later statement then reads what committed before it, with no
 * false conflicts between bodies that touch different rows.
 */
export type TxOptions = { isolation?: "serializable" | "read committed" };

export interface Store {
  readonly dialect: Dialect;
  /**
   * A statement prepared once (on SQLite) and run many times. Column aliases that are not lower case must be
   * double-quoted (`as "createdAt"`): PostgreSQL folds unquoted names to lower case.
   */
  prepare<Row = Record<string, unknown>>(sql: Sql, mode?: "object"): Statement<Row>;
  prepare<Row extends unknown[] = unknown[]>(sql: Sql, mode: "array"): Statement<Row>;
  prepare<V = unknown>(sql: Sql, mode: "pluck"): Statement<V>;
  /** Runs `body` in a transaction of its own; on SQLite the answer is there when this returns. */
  tx<T>(body: () => Step<T>, opts?: TxOptions): Awaitable<T>;
  /** Runs `body` in the caller's transaction when there is one (no savepoint: an error undoes the whole unit), else in its own. */
  join<T>(body: () => Step<T>): Awaitable<T>;
  /** Runs `body`'s steps with no transaction of its own (reads that need no snapshot), in the caller's if there is one. */
  read<T>(body: () => Step<T>): Awaitable<T>;
  /** Whether the caller is inside a transaction of this store. */
  inTx(): boolean;
  /**
   * Group commit: bodies arriving in one event-loop turn share a transaction on SQLite (see group-commit.ts for
   * the rules: a Refusal keeps the batch going, a throw runs each alone again). On PostgreSQL each runs in its
   * own transaction, concurrently: its commits already share WAL flushes, and a batch would serialize them.
   */
  groupCommit(): <T>(body: () => Step<T | Refusal>) => Promise<T>;
  /**
   * Whether another process committed a change that in-memory caches of this process must drop, since this
   * watcher's last call (each watcher keeps its own mark). SQLite: any commit by another connection
   * (`data_version`). PostgreSQL: a `noteChange` committed by another process (LISTEN); until the listener is
   * connected, always true, so no cache trusts itself before it can hear of changes.
   */
  watchChanges(): () => boolean;
  /** Inside the body of a write that other processes' caches must hear of (PostgreSQL; SQLite needs nothing). */
  noteChange(): Awaitable<void>;
  /** The SQLite handle, for code not ported yet (throws on PostgreSQL). */
  readonly sqlite: Db;
  /** The PostgreSQL pool (throws on SQLite): LISTEN/NOTIFY and advisory locks need a connection of their own. */
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// SQLite

const sqliteStores = new WeakMap<Db, Store>();

/** The store over an open SQLite database (one per handle: repos and legacy callers share its statements). */
export function sqliteStore(db: Db): Store {
  const existing = sqliteStores.get(db);
  if (existing) return existing;
  const c = db.$client;
  const tx = <T>(body: () => Step<T>): T => c.transaction(() => driveSync(body())).immediate();
  const store: Store = {
    dialect: "sqlite",
    prepare(sql: Sql, mode: RowMode = "object") {
      const s = c.prepare(typeof sql === "string" ? sql : sql.sqlite);
      if (s.reader) {
        if (mode === "array") s.raw();
        else if (mode === "pluck") s.pluck();
      }
      return {
        get: (...p: unknown[]) => s.get(...p) as never,
        all: (...p: unknown[]) => s.all(...p) as never,
        run: (...p: unknown[]) => {
          const r = s.run(...p);
          return { changes: r.changes, lastId: Number(r.lastInsertRowid) };
        },
      };
    },
    tx: (body) => tx(body),
    join: (body) => (c.inTransaction ? driveSync(body()) : tx(body)),
    read: (body) => driveSync(body()),
    inTx: () => c.inTransaction,
    groupCommit() {
      type Job = { body: () => Step<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
      let batch: Job[] = [];
      const settle = (j: Job, v: unknown) => (v instanceof Refusal ? j.reject(v.error) : j.resolve(v));
      const runAlone = (j: Job) => {
        try {
          settle(j, tx(j.body));
        } catch (e) {
          j.reject(e);
        }
      };
      const flush = () => {
        const jobs = batch;
        batch = [];
        if (jobs.length === 1) return runAlone(jobs[0]!);
        let results: unknown[];
        try {
          results = c.transaction(() => jobs.map((j) => driveSync(j.body()))).immediate();
        } catch {
          for (const j of jobs) runAlone(j);
          return;
        }
        jobs.forEach((j, i) => settle(j, results[i]));
      };
      return <T>(body: () => Step<T | Refusal>) =>
        new Promise<T>((resolve, reject) => {
          if (batch.push({ body, resolve: resolve as (v: unknown) => void, reject }) === 1) setImmediate(flush);
        });
    },
    watchChanges: () => createChangeWatch(db),
    noteChange: () => undefined,
    sqlite: db,
    get pool(): pg.Pool {
      throw new Error("This store is SQLite: it has no PostgreSQL pool");
    },
    close: async () => void c.close(),
  };
  sqliteStores.set(db, store);
  return store;
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

/**
 * `?` → `$1, $2, …` and `@name` → `$n` (one number per name), outside quoted strings and identifiers: the
 * placeholders repos write for SQLite. `names` is the order named parameters are bound in.
 */
export function numberPlaceholders(sql: string): { text: string; names: string[] } {
  let n = 0;
  const names: string[] = [];
  const text = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?|@([A-Za-z_][A-Za-z0-9_]*)/g, (m, name: string | undefined) => {
    if (m === "?") return `$${++n}`;
    if (!name) return m;
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  if (n && names.length) throw new Error("A statement mixes ? and @name placeholders");
  return { text, names };
}

// int8 (epoch ms, amounts, counts) and numeric (sums of int8) come back as JS numbers, as SQLite gives them: every
// value the product stores is well inside 2^53.
const toNumber = (v: string) => Number(v);
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 || oid === 1700) return toNumber;
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** SQLSTATEs after which the whole transaction may simply run again: serialization failure, deadlock. */
const RETRYABLE = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 12;

export type PgStoreOptions = {
  /** Connections in this process's pool (PG_POOL_SIZE). */
  max?: number;
  /** A statement running longer than this is cancelled (a runaway query must not hold a connection for good). */
  statementTimeoutMs?: number;
};

/** A store on a new pool to `url` (PostgreSQL). `close()` ends the pool. */
export function pgStore(url: string, opts: PgStoreOptions = {}): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    types: pgTypes as pg.CustomTypesConfig,
  });
  // An idle client's error (the server restarted, a connection was cut) must not crash the process: the pool drops it.
  pool.on("error", () => {});
  const current = new AsyncLocalStorage<pg.PoolClient>();

  async function tx<T>(body: () => Step<T>, opts: TxOptions = {}): Promise<T> {
    const begin = `begin isolation level ${opts.isolation ?? "serializable"}`;
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(begin);
        const value = await current.run(client, () => driveAsync(body()));
        // A failed statement aborts a PostgreSQL transaction (SQLite's carries on), and COMMIT then quietly rolls it
        // back: a body that caught that failure and went on must not be answered as if it had committed.
        const done = await client.query("commit");
        if (done.command === "ROLLBACK") throw new Error("The transaction was rolled back: a statement in it failed and the body went on (use a savepoint)");
        return value;
      } catch (e) {
        await client.query("rollback").catch(() => (broken = true));
        const code = (e as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
          // Jittered, growing backoff: two transactions that keep colliding stop doing it in step.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
          continue;
        }
        throw e;
      } finally {
        client.release(broken);
      }
    }
  }

  // Cache invalidation across processes: one LISTEN connection, opened on the first watcher.
  const me = randomBytes(8).toString("hex");
  let heard = 0;
  let listening: "no" | "connecting" | "yes" = "no";
  let listener: pg.Client | undefined;
  const listen = () => {
    if (listening !== "no") return;
    listening = "connecting";
    const client = new pg.Client({ connectionString: url });
    listener = client;
    const lost = () => {
      // Reconnected on the next watcher call; meanwhile every watcher says "changed".
      if (listener === client) ((listening = "no"), (listener = undefined));
      client.end().catch(() => {});
    };
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", (n) => {
      if (n.payload !== me) heard++;
    });
    client
      .connect()
      .then(() => client.query("listen mc_changes"))
      .then(() => {
        if (listener === client) listening = "yes";
      })
      .catch(lost);
  };
  const notify = (() => {
    const text = "select pg_notify('mc_changes', $1)";
    return () => (current.getStore() ?? pool).query(text, [me]).then(() => undefined);
  })();

  return {
    dialect: "postgres",
    watchChanges() {
      listen();
      let seen = -1;
      return () => {
        if (listening !== "yes") {
          listen();
          return true;
        }
        if (seen === heard) return false;
        seen = heard;
        return true;
      };
    },
    noteChange: notify,
    prepare(sql: Sql, mode: RowMode = "object") {
      const { text, names } = numberPlaceholders(typeof sql === "string" ? sql : sql.pg);
      const rowMode = mode === "object" ? undefined : "array";
      // Named parameters come as one object, as better-sqlite3 takes them.
      const values = (params: unknown[]) => (names.length ? names.map((k) => (params[0] as Record<string, unknown>)[k]) : params);
      const query = (params: unknown[]) => (current.getStore() ?? pool).query({ text, values: values(params), rowMode } as pg.QueryConfig);
      const shape = (row: unknown) => (mode === "pluck" ? (row as unknown[])[0] : row);
      return {
        get: async (...p: unknown[]) => {
          const r = await query(p);
          return (r.rows.length ? shape(r.rows[0]) : undefined) as never;
        },
        all: async (...p: unknown[]) => (await query(p)).rows.map(shape) as never,
        run: async (...p: unknown[]) => {
          const r = await query(p);
          const first = r.rows[0] as unknown[] | Record<string, unknown> | undefined;
          const id = first === undefined ? undefined : Array.isArray(first) ? first[0] : Object.values(first)[0];
          return { changes: r.rowCount ?? 0, ...(id === undefined ? {} : { lastId: Number(id) }) };
        },
      };
    },
    tx,
    join: (body) => (current.getStore() ? driveAsync(body()) : tx(body)),
    read: (body) => driveAsync(body()),
    inTx: () => current.getStore() !== undefined,
    groupCommit: () => async (body) => {
      const v = await tx(body);
      if (v instanceof Refusal) throw v.error;
      return v;
    },
    get sqlite(): Db {
      throw new Error("This store is PostgreSQL: code not ported to the store cannot run on it");
    },
    pool,
    close: async () => {
      const l = listener;
      listener = undefined;
      listening = "no";
      await l?.end().catch(() => {});
      await pool.end();
    },
  };
}
