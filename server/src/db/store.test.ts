import { expect, it } from "vitest";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../errors";
import { Refusal } from "./group-commit";
import { numberPlaceholders, pgStore, q, syncStep, type Store } from "./store";
import { onBothDatabases } from "./test-stores";

it("numbers ? and @name placeholders outside quoted strings and identifiers", () => {
  expect(numberPlaceholders(`select ?, '?', "a?b", 'it''s ?' where x = ? and y = ?`)).toEqual({
    text: `select $1, '?', "a?b", 'it''s ?' where x = $2 and y = $3`,
    names: [],
  });
  expect(numberPlaceholders(`update t set a = @a, b = '@b' where id = @id and a < @a`)).toEqual({
    text: `update t set a = $1, b = '@b' where id = $2 and a < $1`,
    names: ["a", "id"],
  });
  expect(() => numberPlaceholders("select ? where a = @a")).toThrow(/mixes/);
});

// The store's own scratch table: audit_log is any table every migration has, written here only by this test.
const insert = (s: Store) => s.prepare("insert into audit_log (actor_kind, actor_id, action, at) values ('system', ?, ?, ?)");
const countOf = (s: Store) => s.prepare("select count(*) from audit_log where actor_id = ?", "pluck");

onBothDatabases("store", (store, dialect) => {
  it("reads rows as objects, arrays or first values, with numbers for integers and counts", async () => {
    const s = store();
    await insert(s).run("rows", "a", 1_700_000_000_123);
    await insert(s).run("rows", "b", 2);
    const obj = await s.prepare<{ action: string; at: number }>(`select action, at as "at" from audit_log where actor_id = ? order by action`).all("rows");
    expect(obj).toEqual([
      { action: "a", at: 1_700_000_000_123 },
      { action: "b", at: 2 },
    ]);
    expect(await s.prepare("select action, at from audit_log where actor_id = ? order by action", "array").get("rows")).toEqual(["a", 1_700_000_000_123]);
    expect(await countOf(s).get("rows")).toBe(2);
    expect(await s.prepare("select sum(at) from audit_log where actor_id = ?", "pluck").get("rows")).toBe(1_700_000_000_125);
    expect(await s.prepare("select action from audit_log where actor_id = ?", "pluck").get("nobody")).toBeUndefined();
    expect(await s.prepare("update audit_log set details = ? where actor_id = ?").run("x", "rows")).toMatchObject({ changes: 2 });
    const ins = "insert into audit_log (actor_kind, actor_id, action, at) values ('system', 'rows-id', 'c', 3)";
    const { lastId } = await s.prepare({ sqlite: ins, pg: `${ins} returning id` }).run();
    expect(await s.prepare("select action from audit_log where id = ?", "pluck").get(lastId)).toBe("c");
    expect(await s.prepare("select count(*) from audit_log where actor_id = @who and at >= @at", "pluck").get({ who: "rows", at: 2 })).toBe(2);
  });

  it("commits a body's steps together and undoes all of them when it throws", async () => {
    const s = store();
    const ins = insert(s);
    const out = await s.tx(function* () {
      yield* q(ins.run("tx", "one", 1));
      yield* q(ins.run("tx", "two", 2));
      return yield* q(countOf(s).get("tx"));
    });
    expect(out).toBe(2);
    await expect(
      (async () =>
        s.tx(function* () {
          yield* q(ins.run("tx", "three", 3));
          throw new AppError(ErrorCode.VALIDATION_FAILED, "no");
        }))(),
    ).rejects.toThrow("no");
    expect(await countOf(s).get("tx")).toBe(2);
  });

  it("lets a body catch a failed step and go on, and a joined unit runs inside its caller's transaction", async () => {
    const s = store();
    const ins = insert(s);
    const unit = () =>
      s.join(function* () {
        yield* q(ins.run("join", "inner", 1));
        return s.inTx();
      });
    await expect(
      (async () =>
        s.tx(function* () {
          expect(yield* q(unit())).toBe(true);
          throw new Error("undo both");
        }))(),
    ).rejects.toThrow("undo both");
    expect(await countOf(s).get("join")).toBe(0);
    expect(await unit()).toBe(true); // alone: in a transaction of its own
    expect(await countOf(s).get("join")).toBe(1);
    // A failed step comes back into the body as an exception at its yield, on either driver.
    const body = function* () {
      try {
        yield* q(s.prepare("select * from no_such_table").all());
        return "not reached";
      } catch {
        yield* q(ins.run("join", "after a failure", 2));
        return "caught";
      }
    };
    if (dialect === "sqlite") {
      expect(await s.tx(body)).toBe("caught");
      expect(await countOf(s).get("join")).toBe(2);
    } else {
      // PostgreSQL aborts the transaction at the failed statement: going on is refused, and nothing of it stands.
      await expect((async () => s.tx(body))()).rejects.toThrow();
      expect(await countOf(s).get("join")).toBe(1);
      // Even when it writes nothing after the failure: its earlier writes are gone, and it is not answered as committed.
      const quiet = function* () {
        yield* q(ins.run("join", "before a failure", 3));
        try {
          yield* q(s.prepare("select * from no_such_table").all());
        } catch {
          return "caught";
        }
        return "not reached";
      };
      await expect((async () => s.tx(quiet))()).rejects.toThrow(/rolled back/);
      expect(await countOf(s).get("join")).toBe(1);
    }
  });

  it("group commit answers each body after its commit, a refusal keeping the others", async () => {
    const s = store();
    const ins = insert(s);
    const inGroup = s.groupCommit();
    const results = await Promise.allSettled([
      inGroup(function* () {
        yield* q(ins.run("group", "a", 1));
        return "a";
      }),
      inGroup(function* () {
        return new Refusal(new AppError(ErrorCode.VALIDATION_FAILED, "refused"));
      }),
      inGroup(function* () {
        yield* q(ins.run("group", "c", 3));
        return "c";
      }),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["a", "refused", "c"]);
    expect(await countOf(s).get("group")).toBe(2);
  });

  if (dialect === "sqlite") {
    it("on SQLite a body runs to its end at once, and may not wait on anything but its steps", () => {
      const s = store();
      expect(
        syncStep(
          s.tx(function* () {
            yield* q(insert(s).run("sync", "x", 1));
            return yield* q(countOf(s).get("sync"));
          }),
        ),
      ).toBe(1);
      expect(() =>
        s.tx(function* () {
          yield* q(insert(s).run("sync", "y", 1));
          yield* q(Promise.resolve(1));
        }),
      ).toThrow(/waited on a promise/);
      expect(syncStep(countOf(s).get("sync"))).toBe(1);
    });
  }

  if (dialect === "postgres") {
    it("runs a body again when PostgreSQL finds it cannot be serialized, so read-check-write keeps its guarantee", async () => {
      const s = store();
      const read = s.prepare("select count(*) from audit_log where actor_id = 'race'", "pluck");
      const ins = insert(s);
      let runs = 0;
      // 20 concurrent "insert only if none yet": serializable + retry lets exactly one write.
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.tx(function* () {
            runs++;
            const n = (yield* q(read.get())) as number;
            if (n > 0) return "exists";
            yield* q(ins.run("race", `w${i}`, i));
            return "wrote";
          }),
        ),
      );
      expect(outcomes.filter((o) => o === "wrote")).toHaveLength(1);
      expect(await read.get()).toBe(1);
      expect(runs).toBeGreaterThan(20); // some ran again
    });

    it("tells a watcher of a change another process noted, once, and not of its own", async () => {
      const s = store();
      const other = pgStore((s.pool as unknown as { options: { connectionString: string } }).options.connectionString);
      try {
        const changed = s.watchChanges();
        await expect.poll(() => changed(), { timeout: 5000 }).toBe(false); // listening, and nothing heard since
        await s.tx(function* () {
          yield* q(s.noteChange());
        });
        await new Promise((r) => setTimeout(r, 100));
        expect(changed()).toBe(false); // this process's own note: its caches dropped their entries themselves
        await other.tx(function* () {
          yield* q(other.noteChange());
        });
        await expect.poll(() => changed(), { timeout: 5000 }).toBe(true);
        expect(changed()).toBe(false);
      } finally {
        await other.close();
      }
    });

    it("runs a body at the isolation it asks for", async () => {
      const s = store();
      const level = s.prepare("show transaction_isolation", "pluck");
      expect(await s.tx(() => q(level.get()))).toBe("serializable");
      expect(await s.tx(() => q(level.get()), { isolation: "read committed" })).toBe("read committed");
    });

    it("keeps a body's statements on its own connection while other queries use the pool", async () => {
      const s = store();
      const pid = s.prepare("select pg_backend_pid()", "pluck");
      const pids = await s.tx(function* () {
        const a = yield* q(pid.get());
        const b = yield* q(pid.get());
        return [a, b];
      });
      expect(pids[0]).toBe(pids[1]);
    });
  }
});
