// Tests on both databases (issue #16): a suite written once runs on a fresh migrated SQLite and on a fresh
// migrated PostgreSQL database of its own (so files run in parallel). Without a reachable PostgreSQL its half is
// skipped, except with CI=true, where that is a failure (testPgServer throws).
import { afterAll, beforeAll, describe } from "vitest";
import { openDb } from "./client";
import { migratePg } from "./pg/client";
import { createTestDatabase, testPgServer, type TestDatabase } from "./pg/test-database";
import { pgStore, sqliteStore, type Dialect, type Store } from "./store";

const pgAdmin = await testPgServer();

/** A fresh migrated store of `dialect`; `close` also drops a PostgreSQL database. */
export async function openTestStore(
  dialect: Dialect,
  label: string,
  opts: { max?: number } = {},
): Promise<{ store: Store; url?: string; close: () => Promise<void> }> {
  if (dialect === "sqlite") {
    const store = sqliteStore(openDb(":memory:"));
    return { store, close: () => store.close() };
  }
  if (!pgAdmin) throw new Error("No PostgreSQL answers for this test");
  const database: TestDatabase = await createTestDatabase(pgAdmin, label);
  await migratePg(database.url);
  const store = pgStore(database.url, opts);
  return {
    store,
    url: database.url,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/**
 * `suite` once per database, each in a describe named after it, with one fresh store for the whole describe
 * (tests use their own ids). `store()` is only valid inside tests and hooks.
 */
export function onBothDatabases(label: string, suite: (store: () => Store, dialect: Dialect) => void, opts: { max?: number } = {}) {
  for (const dialect of ["sqlite", "postgres"] as const) {
    describe.skipIf(dialect === "postgres" && !pgAdmin)(dialect, () => {
      let opened: Awaited<ReturnType<typeof openTestStore>> | undefined;
      beforeAll(async () => {
        opened = await openTestStore(dialect, label, opts);
      }, 60_000);
      afterAll(async () => {
        await opened?.close();
      });
      suite(() => {
        if (!opened) throw new Error("store() called outside a test");
        return opened.store;
      }, dialect);
    });
  }
}
