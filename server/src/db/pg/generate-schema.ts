/**
 * Writes the PostgreSQL schema module (./schema.ts) from the SQLite one (../schema.ts), which stays the one
 * source of truth: a table, column, key or index is added there only, and this turns it into its PostgreSQL
 * twin. `pnpm --filter @mc/server db:pg:schema` rewrites the file; a test fails while it is out of date. Every
 * table without an integer primary key also gets a `rowid` identity column (see below).
 *
 * Why generated code rather than one dialect-neutral description that builds both: drizzle's table builders
 * are per dialect (sqlite-core, pg-core) with different column types, and a neutral layer would make the
 * SQLite schema, which every repo and migration already reads, a second-hand artefact with weaker types. A
 * generated file keeps the SQLite schema as it is, gives PostgreSQL repos fully typed tables, and drizzle-kit
 * reads both as ordinary schemas (its migrations for PostgreSQL live in ../../../drizzle-pg).
 *
 * Types: SQLite integers are 64-bit (epoch ms, amounts), so every one becomes a bigint read as a JS number;
 * boolean-mode integers become booleans, reals double precision, blobs bytea, and autoincrement keys identity
 * columns. SQL expressions (partial indexes, expression indexes, generated columns) do not translate
 * mechanically (SQLite's substr(x, -5) is not PostgreSQL's, its max(a, b) is greatest): one made only of
 * the table's columns, literals, comparisons, and/or/not, is [not] null, in (…), desc and coalesce reads the
 * same in both and is carried over as it is; any other needs a reviewed twin in PG_SQL, and a new one in the
 * SQLite schema stops the generator until someone writes it.
 */
import { getTableColumns, is, SQL } from "drizzle-orm";
import { getTableConfig, SQLiteSyncDialect, SQLiteTable, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as sqliteSchema from "../schema";

export const PG_SCHEMA_PATH = resolve(dirname(fileURLToPath(import.meta.url)), "schema.ts");

/** Every SQL expression of the SQLite schema (as SQLite renders it, columns unqualified) → its PostgreSQL twin. */
export const PG_SQL: Record<string, string> = {
  // phone_rev: SQLite has no reverse(). PostgreSQL only has stored generated columns (PG 15), so it is stored.
  [Array.from({ length: 15 }, (_, i) => `substr("phone", ${15 - i}, 1)`).join(" || ")]: `reverse("phone")`,
  // The month of `YYYY-MM-DD` or `MM-DD`: the 2 characters 5 from the end (negative substr starts differ in PostgreSQL).
  [`cast(substr("birth_date", -5, 2) as integer)`]: `cast(substr(right("birth_date", 5), 1, 2) as integer)`,
  // SQLite's scalar max() is PostgreSQL's greatest() (both null only if an argument is; none can be here).
  [`coalesce(settled_at, created_at)`]: `coalesce("settled_at", "created_at")`,
  [`max(created_at, coalesce(confirmed_at, 0), coalesce(ready_at, 0), coalesce(completed_at, 0), coalesce(cancelled_at, 0))`]: `greatest("created_at", coalesce("confirmed_at", 0), coalesce("ready_at", 0), coalesce("completed_at", 0), coalesce("cancelled_at", 0))`,
  [`max(issued_at, expires_at, coalesce(redeemed_at, 0), coalesce(voided_at, 0))`]: `greatest("issued_at", "expires_at", coalesce("redeemed_at", 0), coalesce("voided_at", 0))`,
};

const KEYWORDS = new Set(["and", "or", "not", "is", "null", "in", "desc", "asc", "true", "false"]);
const FUNCTIONS = new Set(["coalesce"]);

/** Whether an expression reads the same in PostgreSQL (see the header): only known words, the table's columns and literals. */
export function portableSql(text: string, columns: ReadonlySet<string>): boolean {
  const tokens = text.replace(/'(?:[^']|'')*'/g, " '' ").match(/"[^"]*"|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|''|<>|!=|>=|<=|\S/g) ?? [];
  return tokens.every((tok, i) => {
    if (tok.startsWith('"')) return columns.has(tok.slice(1, -1));
    if (/^[A-Za-z_]/.test(tok)) {
      const w = tok.toLowerCase();
      if (tokens[i + 1] === "(") return FUNCTIONS.has(w) || w === "in";
      return KEYWORDS.has(w) || columns.has(tok);
    }
    return /^(\d|''|<>|>=|<=|[=<>(),])/.test(tok);
  });
}

const dialect = new SQLiteSyncDialect();

function pgSql(expr: SQL, where: string, columns: ReadonlySet<string>, missing: Set<string>): string {
  const q = dialect.sqlToQuery(expr, "indexes");
  if (q.params.length) throw new Error(`${where}: an SQL expression with parameters cannot be carried over: ${q.sql}`);
  const twin = PG_SQL[q.sql] ?? (portableSql(q.sql, columns) ? q.sql : undefined);
  if (twin === undefined) missing.add(`${where}: ${q.sql}`);
  return `sql.raw(${JSON.stringify(twin ?? q.sql)})`;
}

const literal = (v: unknown) => JSON.stringify(v);

/** The PostgreSQL schema module's source, unformatted. */
function renderSource(): string {
  const missing = new Set<string>();
  // By export name: a module namespace's key order is not the same under every loader (tsx sorts, vitest does not).
  const tables = (Object.entries(sqliteSchema) as [string, unknown][])
    .filter((e): e is [string, SQLiteTable] => is(e[1], SQLiteTable))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const exportOf = new Map<unknown, string>(tables.map(([name, t]) => [t, name]));
  const keyOf = (t: SQLiteTable, column: SQLiteColumn) => {
    const key = Object.entries(getTableColumns(t)).find(([, c]) => c === column)?.[0];
    if (!key) throw new Error(`column ${column.name} not found on ${getTableConfig(t).name}`);
    return key;
  };
  const used = new Set<string>(["pgTable", "bigint", "text"]);
  const out: string[] = [];
  for (const [name, table] of tables) {
    const cfg = getTableConfig(table);
    const names = new Set(cfg.columns.map((c) => c.name));
    if (cfg.checks.length) throw new Error(`${cfg.name}: check constraints are not carried over yet`);
    const inlineFks = new Map<SQLiteColumn, (typeof cfg.foreignKeys)[number]>();
    const tableFks: typeof cfg.foreignKeys = [];
    for (const fk of cfg.foreignKeys) {
      const ref = fk.reference();
      if (ref.columns.length === 1 && !ref.name) inlineFks.set(ref.columns[0]!, fk);
      else tableFks.push(fk);
    }
    const cols: string[] = [];
    for (const [key, col] of Object.entries(getTableColumns(table))) {
      const c = col as SQLiteColumn & { autoIncrement?: boolean; mode?: string };
      let b: string;
      switch (c.columnType) {
        case "SQLiteText":
          b = c.enumValues?.length ? `text(${literal(c.name)}, { enum: ${literal(c.enumValues)} })` : `text(${literal(c.name)})`;
          break;
        case "SQLiteInteger":
        case "SQLiteTimestamp":
          if (c.columnType === "SQLiteTimestamp") throw new Error(`${cfg.name}.${c.name}: timestamp mode is not carried over yet`);
          b = `bigint(${literal(c.name)}, { mode: "number" })`;
          break;
        case "SQLiteBoolean":
          used.add("boolean");
          b = `boolean(${literal(c.name)})`;
          break;
        case "SQLiteReal":
          used.add("doublePrecision");
          b = `doublePrecision(${literal(c.name)})`;
          break;
        case "SQLiteBlobBuffer":
          used.add("customType");
          b = `bytea(${literal(c.name)})`;
          break;
        default:
          throw new Error(`${cfg.name}.${c.name}: no PostgreSQL type for ${c.columnType}`);
      }
      if (c.primary) b += ".primaryKey()";
      if (c.autoIncrement) b += ".generatedByDefaultAsIdentity()";
      if (c.notNull && !c.primary) b += ".notNull()";
      if (c.hasDefault && c.default !== undefined) {
        b += is(c.default, SQL) ? `.default(${pgSql(c.default, `${cfg.name}.${c.name} default`, names, missing)})` : `.default(${literal(c.default)})`;
      }
      if (c.isUnique) b += c.uniqueName === `${cfg.name}_${c.name}_unique` ? ".unique()" : `.unique(${literal(c.uniqueName)})`;
      const fk = inlineFks.get(c);
      if (fk) {
        used.add("AnyPgColumn");
        const ref = fk.reference();
        const target = exportOf.get(ref.foreignTable as SQLiteTable);
        if (!target) throw new Error(`${cfg.name}.${c.name} references a table the schema does not export`);
        const actions = [fk.onDelete && `onDelete: ${literal(fk.onDelete)}`, fk.onUpdate && `onUpdate: ${literal(fk.onUpdate)}`].filter(Boolean);
        b += `.references((): AnyPgColumn => ${target}.${keyOf(ref.foreignTable as SQLiteTable, ref.foreignColumns[0]!)}${actions.length ? `, { ${actions.join(", ")} }` : ""})`;
      }
      if (c.generated) {
        const as = typeof c.generated.as === "function" ? (c.generated.as as () => SQL)() : c.generated.as;
        if (!is(as, SQL)) throw new Error(`${cfg.name}.${c.name}: a generated column needs an SQL expression`);
        b += `.generatedAlwaysAs(${pgSql(as, `${cfg.name}.${c.name} generated`, names, missing)})`;
      }
      cols.push(`${key}: ${b},`);
    }
    // SQLite's rowid (the key of every table without an integer primary key) is what chunked scans slice by
    // (`rowid > ? and rowid <= ?`): PostgreSQL gets a column of that name, in insert order, so the same SQL reads in
    // both. A table with an integer primary key is sliced by that key (in SQLite it is the rowid).
    if (!cfg.columns.some((c) => c.primary && c.columnType === "SQLiteInteger")) {
      if (names.has("rowid")) throw new Error(`${cfg.name}: a column named rowid`);
      cols.push(`rowid: bigint("rowid", { mode: "number" }).generatedAlwaysAsIdentity().unique(),`);
    }
    const extras: string[] = [];
    const ref = (col: SQLiteColumn) => `t.${keyOf(table, col)}`;
    for (const pk of cfg.primaryKeys) {
      used.add("primaryKey");
      const cs = pk.columns.map(ref).join(", ");
      const defaultName = `${cfg.name}_${pk.columns.map((c) => c.name).join("_")}_pk`;
      extras.push(`primaryKey({ ${pk.getName() === defaultName ? "" : `name: ${literal(pk.getName())}, `}columns: [${cs}] }),`);
    }
    for (const u of cfg.uniqueConstraints) {
      used.add("unique");
      extras.push(`unique(${literal(u.getName())}).on(${u.columns.map(ref).join(", ")}),`);
    }
    for (const fk of tableFks) {
      used.add("foreignKey");
      const r = fk.reference();
      const target = exportOf.get(r.foreignTable as SQLiteTable);
      const fcs = r.foreignColumns.map((c) => `${target}.${keyOf(r.foreignTable as SQLiteTable, c)}`).join(", ");
      let f = `foreignKey({ name: ${literal(fk.getName())}, columns: [${r.columns.map(ref).join(", ")}], foreignColumns: [${fcs}] })`;
      if (fk.onDelete) f += `.onDelete(${literal(fk.onDelete)})`;
      if (fk.onUpdate) f += `.onUpdate(${literal(fk.onUpdate)})`;
      extras.push(`${f},`);
    }
    for (const idx of cfg.indexes) {
      const { name: idxName, unique, columns, where } = idx.config;
      used.add(unique ? "uniqueIndex" : "index");
      const on = columns.map((c) => (is(c, SQL) ? pgSql(c, `${idxName} on`, names, missing) : ref(c as SQLiteColumn))).join(", ");
      let i = `${unique ? "uniqueIndex" : "index"}(${literal(idxName)}).on(${on})`;
      if (where) i += `.where(${pgSql(where, `${idxName} where`, names, missing)})`;
      extras.push(`${i},`);
    }
    out.push(`export const ${name} = pgTable(${literal(cfg.name)}, {\n${cols.join("\n")}\n}${extras.length ? `, (t) => [\n${extras.join("\n")}\n]` : ""});`);
  }
  if (missing.size) {
    throw new Error(`SQL expressions with no reviewed PostgreSQL twin (add them to PG_SQL in generate-schema.ts):\n  ${[...missing].join("\n  ")}`);
  }
  const types = ["AnyPgColumn"].filter((x) => used.has(x));
  const values = [...used].filter((x) => !types.includes(x)).sort();
  return [
    "// GENERATED by generate-schema.ts from ../schema.ts (the one source): do not edit, run `pnpm --filter @mc/server db:pg:schema`.",
    `import { ${values.join(", ")}${types.map((t) => `, type ${t}`).join("")} } from "drizzle-orm/pg-core";`,
    `import { sql } from "drizzle-orm";`,
    "",
    used.has("customType") ? `const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });\n` : "",
    out.join("\n\n"),
    "",
  ].join("\n");
}

/** The PostgreSQL schema module's source, formatted as the repository's Prettier settings say. */
export async function renderPgSchema(): Promise<string> {
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(PG_SCHEMA_PATH)) ?? {};
  return prettier.format(renderSource(), { ...options, filepath: PG_SCHEMA_PATH });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const source = await renderPgSchema();
  let current = "";
  try {
    current = readFileSync(PG_SCHEMA_PATH, "utf8");
  } catch {
    // first run
  }
  if (current === source) console.log("db/pg/schema.ts is up to date");
  else {
    writeFileSync(PG_SCHEMA_PATH, source);
    console.log("wrote db/pg/schema.ts: now run `pnpm --filter @mc/server db:pg:generate --name <change>`");
  }
}
