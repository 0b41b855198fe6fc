import type { Db } from "./client";

/**
 * Tells whether another connection (another API process, the dispatcher, a restore) committed anything
 * since the last call: SQLite's `data_version` moves only for other connections' commits, and reading it
 * touches no page. In-memory caches of rows that another process may change (roles, rules) drop their
 * entries when it says so; their own process's writes they drop themselves. Each watcher keeps its own mark.
 */
export function createChangeWatch(db: Db): () => boolean {
  const version = db.$client.prepare("pragma data_version").pluck();
  let seen = version.get();
  return () => {
    const now = version.get();
    if (now === seen) return false;
    seen = now;
    return true;
  };
}
