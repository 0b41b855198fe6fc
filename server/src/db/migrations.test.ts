import Database from "better-sqlite3";
import { syncRepo } from "./test-sync";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { createLoyaltyRepo } from "../modules/loyalty/repo";
import { openDb } from "./client";

const migrations = resolve(dirname(fileURLToPath(import.meta.url)), "../../drizzle");
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("a database from before the running sums gets them backfilled, and the tier window reads them", () => {
  dir = mkdtempSync(join(tmpdir(), "mc-migrate-"));
  // The first migration alone: a database as session 1's code left it.
  const first = join(dir, "first");
  cpSync(migrations, first, { recursive: true });
  const journal = JSON.parse(readFileSync(join(first, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.slice(0, 1);
  writeFileSync(join(first, "meta/_journal.json"), JSON.stringify(journal));
  const path = join(dir, "old.db");
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: first });
  const DAY = 86_400_000;
  old.exec(
    `insert into customers (id, name, member_code, created_at, updated_at, points_balance) values ('a', 'A', 'AAAA2222', 0, 0, 130), ('b', 'B', 'BBBB2222', 0, 0, 5)`,
  );
  const entry = old.prepare(
    "insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, actor_kind, actor_id, created_at) values (?, ?, ?, 0, 'x', ?, 'system', 'system', ?)",
  );
  entry.run("a", "earn", 100, "k1", 0);
  entry.run("b", "earn", 5, "k2", 0);
  entry.run("a", "spend", -20, "k3", 10 * DAY);
  entry.run("a", "earn", 50, "k4", 20 * DAY);
  old.close();

  const db = openDb(path); // applies the rest
  const rows = db.$client.prepare("select source_key, earned_to_date from points_ledger order by id").all();
  expect(rows).toEqual([
    { source_key: "k1", earned_to_date: 100 },
    { source_key: "k2", earned_to_date: 5 },
    { source_key: "k3", earned_to_date: 100 },
    { source_key: "k4", earned_to_date: 150 },
  ]);
  expect(db.$client.prepare("select id, points_earned_total from customers order by id").all()).toEqual([
    { id: "a", points_earned_total: 150 },
    { id: "b", points_earned_total: 5 },
  ]);
  const repo = syncRepo(createLoyaltyRepo, db);
  expect(repo.earnedSince("a", 0)).toBe(150);
  expect(repo.earnedSince("a", 5 * DAY)).toBe(50);
  expect(repo.earnedSince("a", 25 * DAY)).toBe(0);
  db.$client.close();
});

it("bill numbers stored before they were upper-cased follow, so a bill awarded before the upgrade is still a duplicate", () => {
  dir = mkdtempSync(join(tmpdir(), "mc-migrate-"));
  const upTo = join(dir, "upto");
  cpSync(migrations, upTo, { recursive: true });
  const journal = JSON.parse(readFileSync(join(upTo, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < "0007");
  writeFileSync(join(upTo, "meta/_journal.json"), JSON.stringify(journal));
  const path = join(dir, "old.db");
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: upTo });
  old.exec(`insert into customers (id, name, member_code, created_at, updated_at, points_balance) values ('a', 'A', 'AAAA2222', 0, 0, 30)`);
  const entry = old.prepare(
    "insert into points_ledger (customer_id, kind, delta, balance_after, reason, source_key, actor_kind, actor_id, created_at) values ('a', 'earn', 10, 0, 'x', ?, 'system', 'system', 0)",
  );
  // Two spellings of one bill (both stay), a lowercase one, and keys that are not bills.
  for (const k of ["purchase:q1:hd-0012", "purchase:q1:Ab-7", "purchase:q1:AB-7", "order:x:completed"]) entry.run(k);
  old.close();

  const db = openDb(path);
  expect(db.$client.prepare("select source_key from points_ledger order by id").pluck().all()).toEqual([
    "purchase:q1:HD-0012",
    "purchase:q1:Ab-7",
    "purchase:q1:AB-7",
    "order:x:completed",
  ]);
  db.$client.close();
});

it("console operators from before roles become active owners, their sessions still good", () => {
  dir = mkdtempSync(join(tmpdir(), "mc-migrate-"));
  const upTo = join(dir, "upto");
  cpSync(migrations, upTo, { recursive: true });
  const journal = JSON.parse(readFileSync(join(upTo, "meta/_journal.json"), "utf8"));
  // A database from before roles: every migration from console_roles on is not applied yet (later ones came after it).
  const at = journal.entries.findIndex((e: { tag: string }) => e.tag.endsWith("_console_roles"));
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(join(upTo, "meta/_journal.json"), JSON.stringify(journal));
  const path = join(dir, "old.db");
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: upTo });
  old.exec(`insert into admin_users (id, email, password_hash, created_at) values ('op', 'owner@shop.vn', 'scrypt$x', 0)`);
  old.close();

  const db = openDb(path);
  expect(db.$client.prepare("select id, role, name, active, session_version from admin_users").all()).toEqual([
    // session_version 0 is what a token without `sv` (issued before roles) is checked against.
    { id: "op", role: "owner", name: "", active: 1, session_version: 0 },
  ]);
  db.$client.close();
});
