import Database from "better-sqlite3";
import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";

export type BackupReport = { path: string; pages: number; integrity: "ok"; tables: Record<string, number> };

/**
 * Copies a live database to `dest` with SQLite's online backup API (better-sqlite3's `.backup()`), on its
 * own read-only connection, so the server keeps serving and writing meanwhile. All pages go in one step:
 * one read transaction sees one committed state (a WAL reader never blocks the writer), whereas the
 * default 100 pages a step starts over whenever another connection commits, and under steady writes
 * might never finish. Written to `dest.partial` and renamed once checked, so `dest` is never half a copy.
 */
export async function backupDatabase(source: string, dest: string): Promise<BackupReport> {
  const target = resolve(dest);
  if (resolve(source) === target) throw new Error("The backup must go to another file than the database itself");
  if (!existsSync(source)) throw new Error(`No database at ${source}`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const { totalPages } = await db.backup(partial, { progress: () => 0x7fffffff });
    // One self-contained file (the copy would otherwise say WAL and want -wal/-shm files beside it).
    const copy = new Database(partial, { fileMustExist: true });
    copy.pragma("journal_mode = DELETE");
    copy.close();
    const report = verifyDatabase(partial);
    renameSync(partial, target);
    return { ...report, path: target, pages: totalPages };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

/** Opens a copy read-only and proves it whole: SQLite's integrity check, foreign keys, and row counts per table. */
export function verifyDatabase(path: string): { integrity: "ok"; tables: Record<string, number> } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error(`Integrity check failed on ${path}: ${String(integrity)}`);
    const broken = db.pragma("foreign_key_check") as unknown[];
    if (broken.length) throw new Error(`${broken.length} broken foreign keys in ${path}`);
    const names = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name")
      .pluck()
      .all() as string[];
    const tables = Object.fromEntries(names.map((t) => [t, db.prepare(`select count(*) from "${t}"`).pluck().get() as number]));
    return { integrity: "ok", tables };
  } finally {
    db.close();
  }
}

/**
 * Puts a checked backup in place of the database at `target`, through the backup API again (so a WAL left
 * next to the target is taken care of by SQLite rather than left to corrupt the restored file). Run it with
 * the server stopped: a running server's caches would not know the data changed under it.
 */
export async function restoreDatabase(backup: string, target: string): Promise<{ integrity: "ok"; tables: Record<string, number> }> {
  verifyDatabase(backup);
  if (!existsSync(dirname(resolve(target)))) throw new Error(`No folder for ${target}`);
  const db = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  return verifyDatabase(target);
}
