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

it("people welcomed before automations existed are recorded as welcomed; the recipes are seeded", () => {
  dir = mkdtempSync(join(tmpdir(), "mc-migrate-auto-"));
  const before = join(dir, "before");
  cpSync(migrations, before, { recursive: true });
  const journal = JSON.parse(readFileSync(join(before, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith("_automations")),
  );
  writeFileSync(join(before, "meta/_journal.json"), JSON.stringify(journal));
  const path = join(dir, "old.db");
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: before });
  old.exec("insert into customers (id, name, member_code, created_at, updated_at) values ('a', 'A', 'AAAA2222', 0, 0), ('b', 'B', 'BBBB2222', 0, 0)");
  old.exec(
    `insert into outbox (customer_id, category, dedupe_key, source, text, state, created_at, updated_at) values
       ('a', 'care', 'welcome:a', 'welcome', 'Xin chào', 'sent', 5, 6),
       ('b', 'transactional', 'order:o1:ready', 'order', 'Đơn xong', 'sent', 7, 8)`,
  );
  old.close();

  const db = openDb(path); // applies the rest
  expect(db.$client.prepare("select automation_id, occurrence_key, customer_id, state from automation_runs").all()).toEqual([
    { automation_id: "welcome", occurrence_key: "a", customer_id: "a", state: "queued" },
  ]);
  expect(db.$client.prepare("select id from automations order by rowid").pluck().all()).toEqual([
    "welcome",
    "order-confirmed",
    "order-ready",
    "order-completed",
    "order-cancelled",
    "first-purchase",
    "order-feedback",
    "points-expiring",
    "voucher-expiring",
    "cart-abandoned",
    "birthday",
    "win-back",
  ]);
  db.$client.close();
});
