// Both migration histories, applied to empty databases, give the same tables: every SQLite table and column has
// its PostgreSQL twin with the same nullability, type (booleans as boolean), default, generated-ness, keys, foreign keys and
// indexes. Read from the databases' own catalogues, not from the drizzle schemas, so a migration forgotten on
// one side (or a hand edit to one) shows here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import pg from "pg";
import { openDb } from "../client";
import * as sqliteSchema from "../schema";
import { migratePg } from "./client";
import { createTestDatabase, testPgServer, type TestDatabase } from "./test-database";

const server = await testPgServer();

type Column = { nullable: boolean; type: string; hasDefault: boolean; generated: boolean };
type Index = { table: string; unique: boolean; partial: boolean; columns: string[] };
type Catalogue = {
  columns: Record<string, Record<string, Column>>;
  primaryKeys: Record<string, string[]>;
  foreignKeys: string[];
  indexes: Record<string, Index>;
};

/** PostgreSQL's word-search indexes stand for SQLite's FTS5 tables (drizzle-pg/0001_search_and_seeds.sql). */
const PG_ONLY_INDEXES = ["customers_search_name_tsv_idx", "conversation_messages_search_text_tsv_idx"];

/** SQLite's declared type → its PostgreSQL twin's. */
const PG_TYPE: Record<string, string> = { INTEGER: "bigint", TEXT: "text", REAL: "double precision", BLOB: "bytea" };

/** `table.column` of the integers the application reads as booleans (SQLite stores 0/1): PostgreSQL's are boolean. */
const BOOLEANS = new Set(
  (Object.values(sqliteSchema) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .flatMap((t) =>
      getTableConfig(t)
        .columns.filter((c) => c.columnType === "SQLiteBoolean")
        .map((c) => `${getTableConfig(t).name}.${c.name}`),
    ),
);

function sqliteCatalogue(): Catalogue {
  const db = openDb(":memory:");
  const q = <T>(s: string) => db.$client.prepare(s).all() as T[];
  const tables = q<{ name: string; type: string }>("pragma table_list")
    .filter((t) => t.type === "table" && !t.name.startsWith("sqlite_") && t.name !== "__drizzle_migrations")
    .map((t) => t.name);
  const cat: Catalogue = { columns: {}, primaryKeys: {}, foreignKeys: [], indexes: {} };
  for (const t of tables) {
    const cols = q<{ name: string; type: string; notnull: number; pk: number; hidden: number; dflt_value: string | null }>(`pragma table_xinfo("${t}")`);
    cat.columns[t] = Object.fromEntries(
      cols.map((c) => [
        c.name,
        // A primary-key column can never be null in PostgreSQL; SQLite only says so when it is declared NOT NULL.
        { nullable: !c.notnull && !c.pk, type: c.type, hasDefault: c.dflt_value !== null, generated: c.hidden === 2 || c.hidden === 3 },
      ]),
    );
    cat.primaryKeys[t] = cols
      .filter((c) => c.pk)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    for (const fk of q<{ id: number; seq: number; table: string; from: string; to: string; on_delete: string }>(`pragma foreign_key_list("${t}")`)) {
      cat.foreignKeys.push(`${t}(${fk.from}) → ${fk.table}(${fk.to}) on delete ${fk.on_delete.toLowerCase()}`);
    }
    for (const i of q<{ name: string; unique: number; origin: string; partial: number }>(`pragma index_list("${t}")`)) {
      if (i.origin === "pk") continue;
      const columns = q<{ name: string | null; key: number }>(`pragma index_xinfo("${i.name}")`)
        .filter((c) => c.key)
        .map((c) => c.name ?? "(expression)");
      cat.indexes[i.name] = { table: t, unique: !!i.unique, partial: !!i.partial, columns };
    }
  }
  db.$client.close();
  return cat;
}

async function pgCatalogue(url: string): Promise<Catalogue> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const cat: Catalogue = { columns: {}, primaryKeys: {}, foreignKeys: [], indexes: {} };
    const cols = await client.query<{
      table_name: string;
      column_name: string;
      is_nullable: string;
      data_type: string;
      column_default: string | null;
      is_generated: string;
    }>(
      `select table_name, column_name, is_nullable, data_type, column_default, is_generated from information_schema.columns
       where table_schema = 'public' order by table_name, ordinal_position`,
    );
    for (const c of cols.rows) {
      (cat.columns[c.table_name] ??= {})[c.column_name] = {
        nullable: c.is_nullable === "YES",
        type: c.data_type,
        hasDefault: c.column_default !== null,
        generated: c.is_generated === "ALWAYS",
      };
    }
    const pks = await client.query<{ table: string; columns: string[] }>(
      `select c.conrelid::regclass::text as table, array_agg(a.attname::text order by k.n) as columns
       from pg_constraint c cross join lateral unnest(c.conkey) with ordinality as k(attnum, n)
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
       where c.contype = 'p' and c.connamespace = 'public'::regnamespace group by c.conrelid`,
    );
    for (const p of pks.rows) cat.primaryKeys[p.table] = p.columns;
    const fks = await client.query<{ table: string; from: string; to_table: string; to: string; on_delete: string }>(
      `select c.conrelid::regclass::text as table, a.attname::text as from, c.confrelid::regclass::text as to_table, f.attname::text as to,
         case c.confdeltype when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' when 'n' then 'set null' when 'd' then 'set default' end as on_delete
       from pg_constraint c
       cross join lateral unnest(c.conkey, c.confkey) as k(attnum, fattnum)
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
       join pg_attribute f on f.attrelid = c.confrelid and f.attnum = k.fattnum
       where c.contype = 'f' and c.connamespace = 'public'::regnamespace`,
    );
    for (const f of fks.rows) cat.foreignKeys.push(`${f.table}(${f.from}) → ${f.to_table}(${f.to}) on delete ${f.on_delete}`);
    const idx = await client.query<{ name: string; table: string; unique: boolean; partial: boolean; columns: (string | null)[] }>(
      `select i.indexrelid::regclass::text as name, i.indrelid::regclass::text as table, i.indisunique as unique,
         i.indpred is not null as partial,
         array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality as k(attnum, n)
               left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
               where k.n <= i.indnkeyatts order by k.n) as columns
       from pg_index i join pg_class t on t.oid = i.indrelid
       where t.relnamespace = 'public'::regnamespace and not i.indisprimary`,
    );
    for (const i of idx.rows) {
      cat.indexes[i.name] = { table: i.table, unique: i.unique, partial: i.partial, columns: i.columns.map((c) => c ?? "(expression)") };
    }
    return cat;
  } finally {
    await client.end();
  }
}

describe.skipIf(!server)("PostgreSQL schema parity with SQLite", () => {
  let database: TestDatabase;
  let sqlite: Catalogue;
  let postgres: Catalogue;
  beforeAll(async () => {
    database = await createTestDatabase(server!, "parity");
    await migratePg(database.url);
    sqlite = sqliteCatalogue();
    postgres = await pgCatalogue(database.url);
  });
  afterAll(() => database?.drop());

  it("has every table, and no other", () => {
    expect(Object.keys(postgres.columns).sort()).toEqual(Object.keys(sqlite.columns).sort());
    expect(Object.keys(sqlite.columns).length).toBeGreaterThan(40);
    expect(BOOLEANS.size).toBeGreaterThan(10);
  });

  it("has every column with the same nullability, default, generated-ness and its twin type", () => {
    for (const [table, columns] of Object.entries(sqlite.columns)) {
      const { rowid, ...twin } = postgres.columns[table] ?? {};
      // SQLite's implicit rowid, a real column on PostgreSQL where no integer primary key stands for it.
      const integerKey = (sqlite.primaryKeys[table] ?? []).length === 1 && columns[sqlite.primaryKeys[table]![0]!]?.type === "INTEGER";
      if (integerKey) expect(rowid, `${table}.rowid`).toBeUndefined();
      else expect(rowid, `${table}.rowid`).toEqual({ nullable: false, type: "bigint", hasDefault: false, generated: false });
      expect(Object.keys(twin).sort(), table).toEqual(Object.keys(columns).sort());
      for (const [name, c] of Object.entries(columns)) {
        const p = twin[name]!;
        const where = `${table}.${name}`;
        expect({ nullable: p.nullable, hasDefault: p.hasDefault, generated: p.generated }, where).toEqual({
          nullable: c.nullable,
          hasDefault: c.hasDefault,
          generated: c.generated,
        });
        expect(p.type, `${where}: ${c.type}`).toBe(BOOLEANS.has(where) ? "boolean" : PG_TYPE[c.type]);
      }
    }
  });

  it("has the same primary keys and foreign keys (with their delete actions)", () => {
    expect(postgres.primaryKeys).toEqual(sqlite.primaryKeys);
    expect(postgres.foreignKeys.sort()).toEqual(sqlite.foreignKeys.sort());
    expect(sqlite.foreignKeys.length).toBeGreaterThan(20);
  });

  it("has every index and unique key by name, with the same columns, uniqueness and partial predicate", () => {
    const rowidKeys = Object.entries(postgres.indexes).filter(([name, i]) => name === `${i.table}_rowid_unique`);
    for (const [, i] of rowidKeys) expect(i).toEqual({ table: i.table, unique: true, partial: false, columns: ["rowid"] });
    expect(rowidKeys.length).toBeGreaterThan(30);
    const pgIndexes = Object.fromEntries(
      Object.entries(postgres.indexes).filter(([name, i]) => !PG_ONLY_INDEXES.includes(name) && name !== `${i.table}_rowid_unique`),
    );
    expect(pgIndexes).toEqual(sqlite.indexes);
    expect(Object.values(sqlite.indexes).filter((i) => i.partial).length).toBeGreaterThan(15);
    // The twins of SQLite's FTS5 tables, which the comparison above leaves out.
    for (const name of PG_ONLY_INDEXES) expect(postgres.indexes[name]).toBeDefined();
  });
});
