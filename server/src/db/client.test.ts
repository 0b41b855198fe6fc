import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb, startCheckpoints, type Db } from "./client";

let dir: string;
let db: Db;
afterEach(() => {
  if (db?.$client.open) db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("background WAL checkpoints", () => {
  it("keep the WAL bounded under a steady stream of commits, and stop cleanly", async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-ckpt-"));
    const path = join(dir, "t.db");
    db = openDb(path);
    db.$client.exec("create table blobs (id integer primary key, k text, v blob); create index blobs_k on blobs (k)");
    const stop = startCheckpoints(db, { everyMs: 5, restartBytes: 256 * 1024 });
    const insert = db.$client.prepare("insert into blobs (k, v) values (?, randomblob(400))");
    await new Promise((r) => setTimeout(r, 500)); // the worker thread's start-up
    let walHigh = 0;
    // ~8 MB of WAL in total, commit after commit with no idle gap (only an event-loop turn between).
    for (let round = 0; round < 400; round++) {
      db.$client.transaction(() => {
        for (let i = 0; i < 20; i++) insert.run(`${round}-${i}-${Math.random()}`);
      }).immediate();
      walHigh = Math.max(walHigh, statSync(`${path}-wal`).size);
      await new Promise((r) => setImmediate(r));
    }
    await stop();
    // Without starting over, the WAL would hold every page written: several MB.
    expect(walHigh).toBeLessThan(3 * 1024 * 1024);
    expect(db.$client.prepare("select count(*) from blobs").pluck().get()).toBe(8000);
    expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    // The worker's connection is closed: a TRUNCATE checkpoint now empties the WAL.
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    expect(statSync(`${path}-wal`).size).toBe(0);
  });

  it("does nothing for an in-memory database", async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-ckpt-"));
    db = openDb(":memory:");
    await startCheckpoints(db)();
  });
});
