import { z } from "zod";
import type { LoyaltyRules, Tier } from "./loyalty";

/** One field of the loyalty rules that a new version changed: `from` null for a tier added, `to` null for one removed. */
export const RulesChange = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });
export type RulesChange = z.infer<typeof RulesChange>;

const SCALARS = ["vndPerPoint", "tierWindowDays", "pointsValidDays", "expiringSoonDays"] as const;
const TIER_FIELDS = ["name", "threshold", "multiplier"] as const;

/**
 * What changed from one version of the rules to the next, field by field; tiers are matched by key (their
 * order follows from their thresholds), so a renamed tier reads as a name change, not a removal and an addition.
 */
export function loyaltyRulesChanges(prev: LoyaltyRules, next: LoyaltyRules): RulesChange[] {
  const out: RulesChange[] = [];
  for (const k of SCALARS) if (prev[k] !== next[k]) out.push({ path: k, from: prev[k], to: next[k] });
  const before = new Map<string, Tier>(prev.tiers.map((t) => [t.key, t]));
  const after = new Map<string, Tier>(next.tiers.map((t) => [t.key, t]));
  for (const [key, t] of before) if (!after.has(key)) out.push({ path: `tiers.${key}`, from: t, to: null });
  for (const [key, t] of after) {
    const old = before.get(key);
    if (!old) out.push({ path: `tiers.${key}`, from: null, to: t });
    else for (const f of TIER_FIELDS) if (old[f] !== t[f]) out.push({ path: `tiers.${key}.${f}`, from: old[f], to: t[f] });
  }
  return out;
}
