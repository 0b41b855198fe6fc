import { desc, eq } from "drizzle-orm";
import { DEFAULT_WARMING_RULES, WarmingRules } from "@mc/shared";
import type { Db } from "../../db/client";
import { warmingRules } from "../../db/schema";

/**
 * The only writer of `warming_rules` (versioned: newest in force). `timeZone` is the shop's (SHOP_TIME_ZONE):
 * the one value every local-time rule uses, so the rules read from here always carry it, whatever an older
 * stored version says.
 */
export function createRulesRepo(db: Db, timeZone: string) {
  // Parsed once per version: the dispatcher asks for every message, and another process may publish a new version.
  const latestVersion = db.$client.prepare("select coalesce(max(version), 0) as v from warming_rules").pluck();
  let cached: { version: number; rules: WarmingRules } = { version: -1, rules: { ...DEFAULT_WARMING_RULES, timeZone } };
  function currentRules(): { version: number; rules: WarmingRules } {
    const v = latestVersion.get() as number;
    if (v === cached.version) return cached;
    const row = v ? db.select().from(warmingRules).where(eq(warmingRules.version, v)).get() : undefined;
    cached = row
      ? { version: row.version, rules: { ...WarmingRules.parse(JSON.parse(row.rules)), timeZone } }
      : { version: 0, rules: { ...DEFAULT_WARMING_RULES, timeZone } };
    return cached;
  }

  return {
    currentRules,
    /** Publishes a new version; returns its number. */
    addVersion: (rules: WarmingRules, changedBy: string, note: string | null, t: number) =>
      db
        .insert(warmingRules)
        .values({ rules: JSON.stringify(rules), changedBy, note, createdAt: t })
        .returning({ version: warmingRules.version })
        .get().version,
    /** The last 50 versions, newest first. */
    history: () => db.select().from(warmingRules).orderBy(desc(warmingRules.version)).limit(50).all(),
  };
}

export type RulesRepo = ReturnType<typeof createRulesRepo>;
