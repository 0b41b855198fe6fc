import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
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
  /** The WAL header's first salt: SQLite changes it each time the WAL starts over from its first frame. */
  const walSalt = (path: string) => {
    const fd = openSync(`${path}-wal`, "r");
    try {
      const b = Buffer.alloc(4);
      readSync(fd, b, 0, 4, 16);
      return b.readUInt32BE(0);
    } finally {
      closeSync(fd);
    }
  };
  const blobs = (path: string) => {
    db = openDb(path);
    db.$client.exec("create table blobs (id integer primary key, k text, v blob); create index blobs_k on blobs (k)");
    const insert = db.$client.prepare("insert into blobs (k, v) values (?, randomblob(400))");
    return (round: number) =>
      db.$client
        .transaction(() => {
          for (let i = 0; i < 20; i++) insert.run(`${round}-${i}-${Math.random()}`);
        })
        .immediate();
  };

  // Driven commit by commit (no timer): the bound below is counted in commits, not reached under
  // scheduler luck. Each worker pass runs while this thread keeps committing, as under real load.
  it("keep the WAL bounded under a steady stream of commits: every restart request starts the WAL over", async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-ckpt-"));
    const path = join(dir, "t.db");
    const commit = blobs(path);
    const ckpt = startCheckpoints(db, { everyMs: 0, restartBytes: 256 * 1024 });
    const pageSize = db.$client.pragma("page_size", { simple: true }) as number;
    let walHigh = 0;
    let requests = 0;
    let round = 0;
    const salts = new Set<number>();
    // ~8 MB of WAL in total, commit after commit with no idle gap (only an event-loop turn between).
    while (round < 400) {
      for (let i = 0; i < 4 && round < 400; i++) commit(round++);
      const pass = ckpt.tick();
      let answered = false;
      void pass.then(() => (answered = true));
      // Up to two commits land while the worker's pass runs, as they would under load.
      for (let i = 0; i < 2 && round < 400; i++) {
        await new Promise((r) => setImmediate(r));
        if (answered) break;
        commit(round++);
      }
      const r = await pass;
      if (r.frames * pageSize > 256 * 1024) {
        requests++;
        expect(r.startsOver).toBe(true);
        const before = walSalt(path);
        commit(round++);
        expect(walSalt(path)).not.toBe(before); // the very next write started the WAL over
      }
      salts.add(walSalt(path));
      walHigh = Math.max(walHigh, statSync(`${path}-wal`).size);
    }
    await ckpt();
    expect(requests).toBeGreaterThan(5);
    expect(salts.size).toBeGreaterThan(5);
    // Without starting over, the WAL would hold every page written: several MB.
    expect(walHigh).toBeLessThan(3 * 1024 * 1024);
    expect(db.$client.prepare("select count(*) from blobs").pluck().get()).toBeGreaterThanOrEqual(8000);
    expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
  });

  /** A u32 of the wal-index (the -shm file, which SQLite maps shared: a read sees what its connections see). */
  const shm = (path: string, offset: number) => {
    const fd = openSync(`${path}-shm`, "r");
    try {
      const b = Buffer.alloc(4);
      readSync(fd, b, 0, 4, offset);
      return b.readUInt32LE(0);
    } finally {
      closeSync(fd);
    }
  };
  const MX_FRAME = 16; // WalIndexHdr.mxFrame: frames in the WAL
  const N_BACKFILL = 96; // WalCkptInfo.nBackfill: frames already copied into the database file

  // The restart pass runs on this thread between two turns and syncs what it copies: it should copy only what was
  // written after it handed over to the worker, not what piled up while the worker's pass ran.
  it("hand over before the restart pass: this thread's pass copies none of the frames written before the handover", async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-ckpt-"));
    const path = join(dir, "t.db");
    const commit = blobs(path);
    const ckpt = startCheckpoints(db, { everyMs: 0, restartBytes: 256 * 1024 });
    const pageSize = db.$client.pragma("page_size", { simple: true }) as number;
    // What this thread's own pass found already copied, and the frames it copied.
    const mainPasses: { backfilled: number; checkpointed: number }[] = [];
    const pragma = db.$client.pragma.bind(db.$client);
    db.$client.pragma = ((source: string, options?: Parameters<typeof pragma>[1]) => {
      if (!source.startsWith("wal_checkpoint")) return pragma(source, options);
      const backfilled = shm(path, N_BACKFILL);
      const out = pragma(source, options) as { checkpointed: number }[];
      mainPasses.push({ backfilled, checkpointed: out[0]!.checkpointed });
      return out;
    }) as typeof db.$client.pragma;
    let round = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      while (shm(path, MX_FRAME) * pageSize < 512 * 1024) commit(round++);
      const copiedBefore = shm(path, N_BACKFILL);
      const pass = ckpt.tick();
      // Keep committing until the worker's pass has copied (its snapshot is then behind), then 20 more.
      const deadline = Date.now() + 10_000;
      while (shm(path, N_BACKFILL) === copiedBefore) {
        if (Date.now() > deadline) throw new Error("the worker's pass never copied anything");
        commit(round++);
      }
      for (let i = 0; i < 20; i++) commit(round++);
      const handover = shm(path, MX_FRAME); // everything up to here was written before the handover
      const r = await pass;
      expect(r.startsOver).toBe(true);
      const main = mainPasses.at(-1)!;
      expect(mainPasses).toHaveLength(cycle + 1);
      expect(main.checkpointed).toBeGreaterThanOrEqual(handover);
      // Frames (main.backfilled, main.checkpointed] are this pass's copies; none of them is at or before `handover`.
      expect(Math.max(0, handover - main.backfilled)).toBe(0);
      const salt = walSalt(path);
      commit(round++);
      expect(walSalt(path)).not.toBe(salt);
    }
    await ckpt();
    expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
  });

  it("keep journal_size_limit at twice restartBytes, so the first commit after a restart truncates nothing", async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-ckpt-"));
    db = openDb(join(dir, "t.db"));
    expect(db.$client.pragma("journal_size_limit", { simple: true })).toBe(512 * 1024 * 1024);
    const stop = startCheckpoints(db, { everyMs: 0, restartBytes: 3 * 1024 * 1024 });
    expect(db.$client.pragma("journal_size_limit", { simple: true })).toBe(6 * 1024 * 1024);
    await stop();
  });

  it("run on their own timer, and stop cleanly", async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-ckpt-"));
    const path = join(dir, "t.db");
    const commit = blobs(path);
    const stop = startCheckpoints(db, { everyMs: 5, restartBytes: 256 * 1024 });
    for (let round = 0; round < 100; round++) {
      commit(round);
      await new Promise((r) => setImmediate(r));
    }
    // Idle gaps let a timer pass copy everything; the write after it then starts the WAL over.
    const salt = walSalt(path);
    let round = 100;
    while (walSalt(path) === salt) {
      if (round > 1000) throw new Error("no timer pass reached the WAL's end");
      await new Promise((r) => setTimeout(r, 20));
      commit(round++);
    }
    await stop();
    expect(db.$client.prepare("select count(*) from blobs").pluck().get()).toBe(round * 20);
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
