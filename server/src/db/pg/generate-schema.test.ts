import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { pgMigrationsFolder } from "./client";
import { PG_SCHEMA_PATH, PG_SQL, portableSql, renderPgSchema } from "./generate-schema";

const serverDir = resolve(dirname(PG_SCHEMA_PATH), "../../..");

it("the PostgreSQL schema module is what the generator makes of today's SQLite schema (run db:pg:schema after a change)", async () => {
  expect(readFileSync(PG_SCHEMA_PATH, "utf8")).toBe(await renderPgSchema());
});

it("carries over as written only expressions that read the same in PostgreSQL", () => {
  const cols = new Set(["state", "status", "sent_at", "birth_date", "a", "b"]);
  for (const same of [
    `"state" in ('queued', 'held')`,
    `"sent_at" is not null`,
    `(state = 'sent' or state = 'seen')`,
    `coalesce("a", 0)`,
    `"a" desc`,
    `"status" <> 'x' and not "b" is null`,
  ]) {
    expect(portableSql(same, cols), same).toBe(true);
  }
  for (const differs of [
    `cast(substr("birth_date", -5, 2) as integer)`, // substr's negative start differs
    `max(a, b)`, // scalar max is greatest() in PostgreSQL
    `"a" glob 'x*'`,
    `"nope" is null`, // not a column of this table
    `a || b`,
    `"a" = 1 collate nocase`,
  ]) {
    expect(portableSql(differs, cols), differs).toBe(false);
  }
  // Each reviewed twin is itself plain PostgreSQL, not the SQLite text copied over.
  for (const [from, to] of Object.entries(PG_SQL)) expect(to).not.toBe(from);
});

it("drizzle-pg/ holds a migration for every change of the generated schema (run db:pg:generate after db:pg:schema)", async () => {
  // drizzle-kit resolves --out under the working directory, so the copy it compares against lives in server/.
  const copy = mkdtempSync(join(serverDir, ".pg-check-"));
  try {
    cpSync(pgMigrationsFolder, copy, { recursive: true });
    const kit = join(serverDir, "node_modules/.bin/drizzle-kit");
    const { stdout } = await promisify(execFile)(
      kit,
      ["generate", "--dialect", "postgresql", "--schema", "./src/db/pg/schema.ts", "--out", `./${basename(copy)}`],
      {
        cwd: serverDir,
      },
    );
    expect(stdout).toContain("No schema changes");
    expect(readdirSync(copy).sort()).toEqual(readdirSync(pgMigrationsFolder).sort());
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
