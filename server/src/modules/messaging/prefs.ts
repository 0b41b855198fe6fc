import { DEFAULT_PREFS, maxOffersPerWeek, type CustomerPrefs } from "@mc/shared";
import type { CustomerWrites } from "./customer-writes";
import type { MessagingRepo } from "./repo";

/** A shopper's own message preferences. */
export function createPrefs(deps: {
  repo: Pick<MessagingRepo, "prefsJson" | "currentRules">;
  customerWrites: Pick<CustomerWrites, "setPrefs">;
  now: () => number;
}) {
  const { repo, now } = deps;

  const prefsOf = (customerId: string): CustomerPrefs => ({ ...DEFAULT_PREFS, ...JSON.parse(repo.prefsJson(customerId) || "{}") });

  function prefsView(customerId: string) {
    const prefs = prefsOf(customerId);
    const { rules } = repo.currentRules();
    return { prefs, maxOffersPerWeek: maxOffersPerWeek(rules, { ...prefs, pausedUntil: prefs.pausedUntil ? Date.parse(prefs.pausedUntil) : null }, now()) };
  }

  function setPrefs(customerId: string, prefs: CustomerPrefs) {
    deps.customerWrites.setPrefs(customerId, JSON.stringify(prefs));
    return prefsView(customerId);
  }

  return { prefsView, setPrefs };
}
