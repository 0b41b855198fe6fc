import type { CustomerRepoSync } from "../customers/repo";

/** What messaging writes about a person (fatigue after an unfollow, their message preferences): the customers module owns the row. */
export function createCustomerWrites(customers: Pick<CustomerRepoSync, "setFatigueUntil" | "setPrefs">, now: () => number) {
  return {
    /** Tightens this person's promotions until `until` (an unfollow soon after a message). */
    setFatigueUntil: (customerId: string, until: number) => customers.setFatigueUntil(customerId, until),
    setPrefs: (customerId: string, prefsJson: string) => customers.setPrefs(customerId, prefsJson, now()),
  };
}

export type CustomerWrites = ReturnType<typeof createCustomerWrites>;
