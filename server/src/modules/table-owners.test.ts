import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// One module owns each table and is its only writer (design.md §1), through its repo; the others call it. Read
// from the source: raw SQL (`insert into t`, `update t`, `delete from t`) and drizzle (`.insert(t)`, `.update(t)`,
// `.delete(t)`). The messaging tables have their own test (messaging/owners.test.ts).
const OWNERS: Record<string, string> = {
  vouchers: "vouchers/repo.ts",
  voucher_campaigns: "vouchers/repo.ts",
  voucher_counter_codes: "vouchers/repo.ts",
  points_ledger: "loyalty/repo.ts",
  menu_categories: "menu/repo.ts",
  products: "menu/repo.ts",
  product_stores: "menu/repo.ts",
  orders: "orders/repo.ts",
  order_lines: "orders/repo.ts",
  customer_notes: "customers/notes-repo.ts",
  follow_events: "oa/repo.ts",
  follower_syncs: "oa/sync-repo.ts",
  admin_users: "admin/repo.ts",
  admin_user_stores: "admin/repo.ts",
  dashboard_days: "dashboard/repo.ts",
  auto_reply_rules: "auto-replies/repo.ts",
  auto_reply_log: "auto-replies/repo.ts",
  automations: "automations/repo.ts",
  automation_runs: "automations/repo.ts",
  conversations: "inbox/repo.ts",
  conversation_messages: "inbox/repo.ts",
  carts: "carts/repo.ts",
  conversation_events: "inbox/repo.ts",
  canned_answers: "inbox/canned-repo.ts",
  order_ratings: "ratings/repo.ts",
  oa_connect_states: "oa/connect-repo.ts",
  rate_buckets: "rate-limits/repo.ts",
};

const here = fileURLToPath(new URL(".", import.meta.url));
const schema = readFileSync(join(here, "../db/schema.ts"), "utf8");
/** drizzle table variable → SQL name */
const tableOf = new Map([...schema.matchAll(/export const (\w+) = sqliteTable\(\s*"(\w+)"/g)].map((m) => [m[1]!, m[2]!]));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    // Tests and their fixtures seed tables as they need; only the product's own code must keep to the owners.
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && e.name !== "test-fixture.ts" ? [p] : [];
  });
}

/** table → files writing it */
function writers() {
  const found = new Map<string, Set<string>>();
  for (const file of sources(here)) {
    const path = relative(here, file).split(sep).join("/");
    const text = readFileSync(file, "utf8");
    const tables = [
      ...[...text.matchAll(/\b(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+["`]?(\w+)/gi)].map((m) => m[1]!),
      ...[...text.matchAll(/\.(?:insert|update|delete)\(\s*(\w+)\s*\)/g)].map((m) => tableOf.get(m[1]!)).filter((t): t is string => !!t),
    ];
    for (const t of tables) if (t in OWNERS) found.set(t, (found.get(t) ?? new Set()).add(path));
  }
  return found;
}

describe("table owners", () => {
  it("the scan sees the writes it is looking for", () => {
    // Otherwise a rename of the patterns would make the next test pass by finding nothing.
    for (const [table, owner] of Object.entries(OWNERS)) expect([table, [...(writers().get(table) ?? [])]]).toEqual([table, expect.arrayContaining([owner])]);
  });

  it("each of these tables is written by its owning module's repo only", () => {
    const w = writers();
    expect(Object.fromEntries(Object.keys(OWNERS).map((t) => [t, [...(w.get(t) ?? [])].sort()]))).toEqual(
      Object.fromEntries(Object.entries(OWNERS).map(([t, m]) => [t, [m]])),
    );
  });
});
