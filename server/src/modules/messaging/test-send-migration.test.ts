import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { openDb } from "../../db/client";

const migrations = resolve(dirname(fileURLToPath(import.meta.url)), "../../../drizzle");
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("the outbox rebuilt for test sends keeps every row and every index", () => {
  dir = mkdtempSync(join(tmpdir(), "mc-outbox-"));
  const before = join(dir, "before");
  cpSync(migrations, before, { recursive: true });
  const journal = JSON.parse(readFileSync(join(before, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < "0005");
  writeFileSync(join(before, "meta/_journal.json"), JSON.stringify(journal));
  const path = join(dir, "old.db");
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: before });
  const indexes = () => old.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'outbox' and sql is not null order by name").all();
  const oldIndexes = indexes();
  old.exec("insert into customers (id, name, member_code, created_at, updated_at) values ('a', 'A', 'AAAA2222', 0, 0)");
  old.exec(
    "insert into outbox (customer_id, category, dedupe_key, source, text, state, created_at, updated_at) values ('a', 'care', 'k', 'welcome', 'Xin chào', 'sent', 1, 2)",
  );
  old.close();

  const db = openDb(path);
  expect(db.$client.prepare("select id, customer_id, to_phone, development, dedupe_key, text, state from outbox").all()).toEqual([
    { id: 1, customer_id: "a", to_phone: null, development: 0, dedupe_key: "k", text: "Xin chào", state: "sent" },
  ]);
  const now = db.$client
    .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'outbox' and sql is not null order by name")
    .all() as { name: string; sql: string }[];
  // Every index the rebuild found is back (later migrations may add more).
  expect(now.map((i) => i.name)).toEqual(expect.arrayContaining((oldIndexes as { name: string }[]).map((i) => i.name)));
  expect(now.find((i) => i.name === "outbox_claim_idx")!.sql).toContain(`"priority" desc`);
  expect(db.$client.pragma("foreign_key_check")).toEqual([]);
  db.$client.close();
});
