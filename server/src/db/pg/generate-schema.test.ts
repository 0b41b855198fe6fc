import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { PG_SCHEMA_PATH, PG_SQL, portableSql, renderPgSchema } from "./generate-schema";

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
