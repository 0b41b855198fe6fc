import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { customers } from "../../db/schema";

// TODO(lead): moves to modules/customers
/** The two writes messaging makes to `customers`, each behind one function until the customers module owns them. */
export function createCustomerWrites(db: Db, now: () => number) {
  const fatigue = db.$client.prepare("update customers set fatigue_until = ? where id = ?");
  return {
    /** Tightens this person's promotions until `until` (an unfollow soon after a message). */
    setFatigueUntil: (customerId: string, until: number) => void fatigue.run(until, customerId),
    setPrefs: (customerId: string, prefsJson: string) => void db.update(customers).set({ prefs: prefsJson, updatedAt: now() }).where(eq(customers.id, customerId)).run(),
  };
}

export type CustomerWrites = ReturnType<typeof createCustomerWrites>;
