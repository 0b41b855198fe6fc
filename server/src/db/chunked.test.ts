import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { forEachInSlices, forEachRowidSlice, runInSlices } from "./chunked";
import { everyTurn } from "../test-support";

describe("sliced jobs", () => {
  it("another macrotask runs between every two steps", async () => {
    const log: string[] = [];
    let steps = 0;
    const stop = everyTurn(() => log.push("other"));
    await runInSlices(() => (log.push(`step ${++steps}`), { done: steps === 3 }), { rows: 10 });
    stop();
    const at = (e: string) => log.indexOf(e);
    expect(log.slice(at("step 1"), at("step 2"))).toContain("other");
    expect(log.slice(at("step 2"), at("step 3"))).toContain("other");
  });

  it("rowid slices cover every row once, rows added meanwhile too, and stop when told", async () => {
    const db = new Database(":memory:");
    db.exec("create table t (id text primary key, n integer)");
    const add = db.prepare("insert into t (id, n) values (?, ?)");
    for (let i = 0; i < 10; i++) add.run(`k${i}`, i);
    db.prepare("delete from t where n in (3, 4)").run(); // a gap: that slice is just smaller
    const seen: number[] = [];
    const read = db.prepare("select n from t where rowid > ? and rowid <= ? order by rowid").pluck();
    const { slices } = await forEachRowidSlice(
      db,
      "t",
      (lo, hi) => {
        seen.push(...(read.all(lo, hi) as number[]));
        if (hi === 3) add.run("late", 10); // inserted while the job runs: reached by a later slice
      },
      { rows: 3 },
    );
    expect(seen).toEqual([0, 1, 2, 5, 6, 7, 8, 9, 10]);
    expect(slices).toBe(4);

    const partial: number[] = [];
    await forEachRowidSlice(db, "t", (lo, hi) => (partial.push(...(read.all(lo, hi) as number[])), partial.length < 3), { rows: 2 });
    expect(partial).toEqual([0, 1, 2]);
  });

  it("a list is worked through in slices, each item once", async () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const done: number[] = [];
    let turns = 0;
    const stop = everyTurn(() => turns++);
    const { slices } = await forEachInSlices(items, (i) => done.push(i), { rows: 4 });
    stop();
    expect(done).toEqual(items);
    expect(slices).toBe(3);
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(await forEachInSlices([], () => {})).toEqual({ slices: 0 });
  });
});
