import { spawn } from "node:child_process";
import { asc, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../client";
import * as sqliteSchema from "../schema";
import { migratePg, openPg, pgMigrationsFolder, type PgDb } from "./client";
import * as pgSchema from "./schema";
import { createTestDatabase, testPgServer, type TestDatabase } from "./test-database";

const server = await testPgServer();
const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
// Counted from what ships (the journal, the schema), so a new migration does not make the counts stale.
const shipped = (JSON.parse(readFileSync(resolve(pgMigrationsFolder, "meta/_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;
const tables = Object.values(pgSchema).filter((v) => is(v, PgTable)).length;

function run(script: string, env: Record<string, string | undefined>): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: serverDir, env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => done({ code, out }));
  });
}

describe.skipIf(!server)("PostgreSQL migrations", () => {
  let database: TestDatabase;
  let db: PgDb;
  beforeAll(async () => {
    database = await createTestDatabase(server!, "migrations");
    db = openPg(database.url, { max: 4 });
  });
  afterAll(async () => {
    await db?.$client.end();
    await database?.drop();
  });

  it("apply cleanly to an empty database, from two deploying processes at once, and once only", async () => {
    const before = await db.execute(sql`select count(*)::int as n from pg_tables where schemaname = 'public'`);
    expect(before.rows[0]).toEqual({ n: 0 });
    await Promise.all([migratePg(database.url), migratePg(database.url)]);
    const applied = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied.rows[0]).toEqual({ n: shipped });
    await migratePg(database.url); // nothing left to do
    expect((await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)).rows[0]).toEqual({ n: shipped });
    expect((await db.execute(sql`select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows[0]).toEqual({ n: tables });
  });

  it("ship the same recipes and canned answers as SQLite's migrations leave", async () => {
    const lite = openDb(":memory:");
    try {
      // PostgreSQL's rowid column stands for SQLite's implicit one, which select() does not read.
      const withoutRowid = <T extends { rowid: number }>(rows: T[]) => rows.map(({ rowid: _, ...r }) => r);
      expect(withoutRowid(await db.select().from(pgSchema.automations).orderBy(asc(pgSchema.automations.id)))).toEqual(
        lite.select().from(sqliteSchema.automations).orderBy(asc(sqliteSchema.automations.id)).all(),
      );
      expect(withoutRowid(await db.select().from(pgSchema.cannedAnswers).orderBy(asc(pgSchema.cannedAnswers.id)))).toEqual(
        lite.select().from(sqliteSchema.cannedAnswers).orderBy(asc(sqliteSchema.cannedAnswers.id)).all(),
      );
      expect((await db.select().from(pgSchema.automations)).length).toBe(12);
    } finally {
      lite.$client.close();
    }
  });

  it("compute the reversed phone and the birth month as SQLite does, so the same searches and segments find the same people", async () => {
    const people = [
      { id: "p1", phone: "84901234567", birthDate: "1990-07-15" },
      { id: "p2", phone: "840912", birthDate: "03-09" },
      { id: "p3", phone: null, birthDate: null },
      { id: "p4", phone: "123456789012345", birthDate: "2001-12-31" },
    ];
    const row = (p: (typeof people)[number]) => ({ ...p, name: p.id, memberCode: `M${p.id.toUpperCase()}0000`, createdAt: 0, updatedAt: 0 });
    await db.insert(pgSchema.customers).values(people.map(row));
    const lite = openDb(":memory:");
    try {
      lite.insert(sqliteSchema.customers).values(people.map(row)).run();
      // The exact expressions the two birth-month indexes are built on, so the planner can use them.
      const fromPg = await db.execute(sql`select id, phone_rev, cast(substr(right(birth_date, 5), 1, 2) as integer) as month from customers order by id`);
      const fromLite = lite.$client.prepare("select id, phone_rev, cast(substr(birth_date, -5, 2) as integer) as month from customers order by id").all();
      expect(fromPg.rows).toEqual(fromLite);
      expect(fromLite).toContainEqual({ id: "p2", phone_rev: "219048", month: 3 });
    } finally {
      lite.$client.close();
    }
  });

  it("find a typed name prefix through the word-search index that stands for SQLite's FTS5 table", async () => {
    await db.insert(pgSchema.customers).values(
      ["nguyen van an", "tran thi nguyet", "le hoang"].map((searchName, i) => ({
        id: `s${i}`,
        name: searchName,
        searchName,
        memberCode: `S${i}AAAAAAA`,
        createdAt: 0,
        updatedAt: 0,
      })),
    );
    const prefix = sql`to_tsvector('simple', search_name) @@ to_tsquery('simple', 'nguy:*')`;
    const found = await db.execute(sql`select id from customers where ${prefix} order by id`);
    expect(found.rows).toEqual([{ id: "s0" }, { id: "s1" }]);
    const client = await db.$client.connect();
    try {
      await client.query("begin");
      await client.query("set local enable_seqscan = off");
      const plan = await client.query(`explain select id from customers where to_tsvector('simple', search_name) @@ to_tsquery('simple', 'nguy:*')`);
      expect(plan.rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n")).toContain("customers_search_name_tsv_idx");
      await client.query("rollback");
    } finally {
      client.release();
    }
  });

  it("sort text as SQLite does, so keyset pages and prefix ranges return the same rows", async () => {
    const words = ["b", "B", "a", "Z", "_x", "a b", "a-b", "a0", "ab", "é", "e", "z", "đ", "d", "Nguyễn", "nguyen", "84901", "8490", ""];
    const lite = openDb(":memory:");
    try {
      const values = words.map((w) => `('${w}')`).join(", ");
      const fromLite = lite.$client.prepare(`select column1 as w from (values ${values}) order by 1`).pluck().all();
      const fromPg = await db.execute(sql.raw(`select w from (values ${values}) as v(w) order by 1`));
      expect(fromPg.rows.map((r) => r.w)).toEqual(fromLite);
    } finally {
      lite.$client.close();
    }
  });

  it("refuse a database that sorts text by language, writing nothing", async () => {
    const linguistic = await createTestDatabase(server!, "icu", { icuLocale: "en-US" });
    try {
      await expect(migratePg(linguistic.url)).rejects.toThrow(/sorts text by language, not as bytes/);
      const check = openPg(linguistic.url, { max: 1 });
      try {
        const tables = await check.execute(sql`select count(*)::int as n from pg_tables where schemaname = 'public'`);
        expect(tables.rows[0]).toEqual({ n: 0 });
      } finally {
        await check.$client.end();
      }
    } finally {
      await linguistic.drop();
    }
  });

  it("run from the command line on DATABASE_URL, and refuse anything but a postgres:// URL", async () => {
    const ok = await run("src/db/pg/migrate-main.ts", { DATABASE_URL: database.url });
    expect(ok).toEqual({ code: 0, out: "PostgreSQL migrations applied\n" });
    const bad = await run("src/db/pg/migrate-main.ts", { DATABASE_URL: "./data/master-channel.db" });
    expect(bad.code).toBe(64);
    expect(bad.out).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
  });
});
