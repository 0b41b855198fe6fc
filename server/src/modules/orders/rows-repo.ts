// Whole-row inserts and partial updates of a drizzle table through the store (both databases), for repos whose
// callers pass rows shaped like the schema (`$inferInsert`, `Partial<...>`). Column names and driver values come
// from the schema, so a new column needs nothing here; one statement is prepared per set of columns written.
import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import type { RunResult, Statement, Store } from "../../db/store";

type Col = { name: string; mapToDriverValue: (v: unknown) => unknown };

function columnsOf(table: Table) {
  return getTableColumns(table) as unknown as Record<string, Col>;
}

/** The driver value of `v` for `col` (booleans → 1/0, json → text), as drizzle would bind it. */
const bind = (col: Col, v: unknown) => (v === null || v === undefined ? null : col.mapToDriverValue(v));

/** `insert into <table> (<the row's columns>) values (...)`: columns left out take their schema default. */
export function rowInserter<T extends Table>(store: Store, table: T, opts: { onConflictDoNothing?: boolean } = {}) {
  const cols = columnsOf(table);
  const name = getTableName(table);
  const stmts = new Map<string, Statement<unknown>>();
  return (row: T["$inferInsert"]): ReturnType<Statement<unknown>["run"]> => {
    const keys = Object.keys(row as object).filter((k) => (row as Record<string, unknown>)[k] !== undefined && cols[k]);
    const sig = keys.join(",");
    let stmt = stmts.get(sig);
    if (!stmt) {
      const conflict = opts.onConflictDoNothing ? " on conflict do nothing" : "";
      stmt = store.prepare(`insert into "${name}" (${keys.map((k) => `"${cols[k]!.name}"`).join(", ")}) values (${keys.map(() => "?").join(", ")})${conflict}`);
      stmts.set(sig, stmt);
    }
    return stmt.run(...keys.map((k) => bind(cols[k]!, (row as Record<string, unknown>)[k])));
  };
}

/** `update <table> set <the given columns> where <key> = ?`. */
export function rowUpdater<T extends Table>(store: Store, table: T, keyColumn: string) {
  const cols = columnsOf(table);
  const name = getTableName(table);
  const stmts = new Map<string, Statement<unknown>>();
  return (key: unknown, values: Partial<T["$inferInsert"]>): RunResult | Promise<RunResult> => {
    const keys = Object.keys(values as object).filter((k) => (values as Record<string, unknown>)[k] !== undefined && cols[k]);
    if (keys.length === 0) return { changes: 0 };
    const sig = keys.join(",");
    let stmt = stmts.get(sig);
    if (!stmt) {
      stmt = store.prepare(`update "${name}" set ${keys.map((k) => `"${cols[k]!.name}" = ?`).join(", ")} where "${keyColumn}" = ?`);
      stmts.set(sig, stmt);
    }
    return stmt.run(...keys.map((k) => bind(cols[k]!, (values as Record<string, unknown>)[k])), key);
  };
}
