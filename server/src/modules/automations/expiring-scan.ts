import { DEFAULT_WITHIN_DAYS, dayKey, pointsExpiringWithin, type LedgerFact } from "@mc/shared";
import { q, type Awaitable, type Store } from "../../db/store";
import type { AutomationService } from "./service";

const DAY = 86_400_000;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/** "17/02/2026" for a day key "2026-02-17". */
const dateText = (key: string) => `${key.slice(8, 10)}/${key.slice(5, 7)}/${key.slice(0, 4)}`;

/**
 * The expiring triggers' periodic scan (hourly and at start, beside the timer worker): finds points and unused
 * vouchers lapsing within each enabled automation's window and feeds them to `onEvent`, one short transaction
 * per person / page, yielding between. Each occurrence is recorded once (the run's unique key), so a rescan or a
 * restart sends nothing twice: points per person per lapse date, a voucher once.
 */
export function createExpiringScan(deps: {
  store: Store;
  automations: Pick<AutomationService, "enabledFor" | "onEvent">;
  loyalty: {
    customersWithLotsLapsing: (from: number, to: number) => Awaitable<string[]>;
    facts: (customerId: string) => Awaitable<LedgerFact[]>;
  };
  vouchers: {
    expiringPage: (p: { from: number; to: number; after: { at: number; id: string } | null; n: number }) => Awaitable<
      {
        id: string;
        customerId: string;
        campaignName: string;
        expiresAt: number;
      }[]
    >;
  };
  timeZone: string;
  now: () => number;
  pageSize?: number;
}) {
  const { store, automations, timeZone, now } = deps;
  const n = deps.pageSize ?? 200;

  async function points(): Promise<number> {
    let found = 0;
    for (const a of await automations.enabledFor("points_expiring")) {
      const days = a.within_days ?? DEFAULT_WITHIN_DAYS.points_expiring!;
      const at = now();
      const people = await deps.loyalty.customersWithLotsLapsing(at, at + days * DAY);
      for (const [i, customerId] of people.entries()) {
        // One short transaction per person; the event loop is served every few people.
        const fired = await store.tx(function* () {
          // What actually lapses, net of what was spent since (the CRM profile's "expiring soon").
          const soon = pointsExpiringWithin(yield* q(deps.loyalty.facts(customerId)), at, days);
          if (soon.points <= 0 || soon.by === null) return false;
          const day = dayKey(soon.by, timeZone);
          yield* q(
            automations.onEvent({
              trigger: "points_expiring",
              customerId,
              occurrenceKey: `${customerId}:${day}`,
              vars: { points: soon.points, points_lapsing: soon.points, date: dateText(day) },
              automationId: a.id,
            }),
          );
          return true;
        });
        if (fired) found++;
        if (i % 50 === 49) await yieldNow();
      }
    }
    return found;
  }

  async function vouchers(): Promise<number> {
    let found = 0;
    for (const a of await automations.enabledFor("voucher_expiring")) {
      const days = a.within_days ?? DEFAULT_WITHIN_DAYS.voucher_expiring!;
      const at = now();
      let after: { at: number; id: string } | null = null;
      for (;;) {
        const page = await deps.vouchers.expiringPage({ from: at, to: at + days * DAY, after, n });
        if (page.length === 0) break;
        await store.tx(function* () {
          for (const v of page)
            yield* q(
              automations.onEvent({
                trigger: "voucher_expiring",
                customerId: v.customerId,
                occurrenceKey: v.id,
                vars: { voucher: v.campaignName, date: dateText(dayKey(v.expiresAt, timeZone)) },
                automationId: a.id,
              }),
            );
        });
        found += page.length;
        const last = page[page.length - 1]!;
        after = { at: last.expiresAt, id: last.id };
        if (page.length < n) break;
        await yieldNow();
      }
    }
    return found;
  }

  return {
    /** One full scan; returns how many occurrences it saw (already recorded ones included). */
    async run() {
      return { points: await points(), vouchers: await vouchers() };
    },
  };
}

export type ExpiringScan = ReturnType<typeof createExpiringScan>;
