// A nested unit with its own rollback inside a transaction body (issue #16): `yield* savepoint(store, function* () {...})`.
// A throw out of `body` undoes only the body's writes and reaches the caller, whose transaction goes on.
// (store.join has no savepoint: its error undoes the caller's whole unit.)
import { q, type Step, type Store } from "./store";

/** SQLSTATEs after which the whole transaction runs again (store.ts): rolling back to a savepoint would not save it. */
const RETRYABLE = new Set(["40001", "40P01"]);

type Marks = { set: ReturnType<Store["prepare"]>; release: ReturnType<Store["prepare"]>; undo: ReturnType<Store["prepare"]> };
const marks = new WeakMap<Store, Marks>();

/** Drives a body without yielding (SQLite: every step is its value already). */
function driveSync<T>(body: Step<T>): T {
  let r = body.next();
  while (!r.done) {
    if (typeof (r.value as { then?: unknown } | null)?.then === "function") {
      body.return(undefined as T);
      throw new Error("A SQLite savepoint body waited on a promise: only database steps belong in a body");
    }
    r = body.next(r.value);
  }
  return r.value;
}

/**
 * Runs `body` inside the caller's transaction as a savepoint. SQLite: better-sqlite3's nested transaction (a
 * savepoint of its own). PostgreSQL: `savepoint` / `release` / `rollback to` sent as steps, so they run on the
 * body's own pooled connection; one name serves nested savepoints too (PostgreSQL takes the newest of a name).
 */
export function* savepoint<T>(store: Store, body: () => Step<T>): Step<T> {
  if (!store.inTx()) throw new Error("savepoint() belongs inside a transaction body");
  if (store.dialect === "sqlite") return store.sqlite.$client.transaction(() => driveSync(body()))();
  let m = marks.get(store);
  if (!m) {
    m = {
      set: store.prepare("savepoint mc_unit"),
      release: store.prepare("release savepoint mc_unit"),
      undo: store.prepare("rollback to savepoint mc_unit"),
    };
    marks.set(store, m);
  }
  yield* q(m.set.run());
  let value: T;
  try {
    value = yield* body();
  } catch (e) {
    const code = (e as { code?: string }).code;
    // A serialization failure or deadlock dooms the whole transaction: leave it to the store's retry.
    if (!(code && RETRYABLE.has(code))) {
      yield* q(m.undo.run());
      yield* q(m.release.run());
    }
    throw e;
  }
  yield* q(m.release.run());
  return value;
}
