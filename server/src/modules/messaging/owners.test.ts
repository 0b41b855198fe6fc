import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

// One writer per table: every statement that writes a messaging table lives in that table's repo.
const src = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const OWNERS: Record<string, { sql: string; drizzle: string; owner: string }> = {
  outbox: { sql: "outbox", drizzle: "outbox", owner: "modules/messaging/outbox-repo.ts" },
  broadcasts: { sql: "broadcasts", drizzle: "broadcasts", owner: "modules/messaging/broadcasts-repo.ts" },
  warming_rules: { sql: "warming_rules", drizzle: "warmingRules", owner: "modules/messaging/rules-repo.ts" },
  zns_templates: { sql: "zns_templates", drizzle: "znsTemplates", owner: "modules/messaging/templates-repo.ts" },
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && e.name !== "test-support.ts" ? [p] : [];
  });
}

it("each messaging table is written by its own repo only", () => {
  const files = sources(src).map((p) => ({ path: relative(src, p).replaceAll("\\", "/"), text: readFileSync(p, "utf8") }));
  const writers: Record<string, string[]> = {};
  for (const [table, t] of Object.entries(OWNERS)) {
    const sql = new RegExp(`\\b(insert\\s+into|update|delete\\s+from)\\s+${t.sql}\\b`, "i");
    const orm = new RegExp(`\\.(insert|update|delete)\\(\\s*${t.drizzle}\\s*\\)`);
    writers[table] = files.filter((f) => sql.test(f.text) || orm.test(f.text)).map((f) => f.path);
  }
  expect(writers).toEqual(Object.fromEntries(Object.entries(OWNERS).map(([table, t]) => [table, [t.owner]])));
});
