import { getTableColumns, getTableName, type Table } from "drizzle-orm";

/**
 * Reads whole rows of `table` through a hand-prepared statement, mapped exactly as drizzle's `select()`
 * would map them (property names and driver-value mapping, e.g. integer booleans), but without building
 * the query on every call. The column list comes from the schema, so a new column is picked up by itself.
 */
export function rowReader<T extends Table>(table: T) {
  const cols = Object.entries(getTableColumns(table)).map(([key, col]) => ({ key, col }));
  const columns = cols.map(({ col }) => `"${col.name}"`).join(", ");
  return {
    /** `select <every column> from <table>`: add your own where clause and prepare it with `.raw()`. */
    selectAll: `select ${columns} from "${getTableName(table)}"`,
    read(values: unknown[] | undefined): T["$inferSelect"] | undefined {
      if (!values) return undefined;
      const row: Record<string, unknown> = {};
      for (let i = 0; i < cols.length; i++) {
        const v = values[i];
        row[cols[i]!.key] = v === null ? null : cols[i]!.col.mapFromDriverValue(v);
      }
      return row as T["$inferSelect"];
    },
  };
}
