import { DEFAULT_WITHIN_DAYS, conditionsMet, dayKey, type AutomationCondition, type AutomationTrigger, type AutomationWhatIf } from "@mc/shared";
import type { Db } from "../../db/client";
import { forEachRowidSlice } from "../../db/chunked";
import { isOrderMove, type AutomationHistoryRepo, type OrderFact } from "./history-repo";
import type { AutomationRow } from "./repo";

const DAY = 86_400_000;
export const WHAT_IF_DAYS = 30;

export type WhatIfSettings = {
  trigger: AutomationTrigger;
  automationId: string;
  segmentId: string | null;
  conditions: AutomationCondition[];
  withinDays: number | null;
};

const orderFacts = (o: OrderFact) => ({ order_total: o.total_vnd, store: o.store_id, channel: o.pickup_type, points_earned: o.points_earned });

/**
 * "How many people would it have reached in the last 30 days": the trigger replayed from history with the
 * draft's rules on the event and its segment (who is in it now), before the send policy. Exact where the
 * event's own records exist (order moves, first purchases, first follows); an estimate where history keeps
 * less (points lots gross of what was spent, voucher states at the time, other triggers from this
 * automation's own runs). Reads rowid slices between requests, so a big history never stalls the API.
 */
export function createWhatIf(deps: {
  db: Db;
  history: AutomationHistoryRepo;
  segments: { contains: (segmentId: string, customerId: string) => boolean | null };
  timeZone: string;
  now: () => number;
}) {
  const { history } = deps;
  const c = deps.db.$client;

  async function count(s: WhatIfSettings): Promise<AutomationWhatIf> {
    const to = deps.now();
    const from = to - WHAT_IF_DAYS * DAY;
    const people = new Set<string>();
    const inSegment = new Map<string, boolean>();
    let occurrences = 0;
    const consider = (customerId: string, facts: Record<string, unknown>) => {
      if (!conditionsMet(s.conditions, facts)) return;
      if (s.segmentId) {
        let yes = inSegment.get(customerId);
        if (yes === undefined) inSegment.set(customerId, (yes = deps.segments.contains(s.segmentId, customerId) === true));
        if (!yes) return;
      }
      occurrences++;
      people.add(customerId);
    };
    const base = { days: WHAT_IF_DAYS, segmentNow: s.segmentId !== null };
    const done = (exact: boolean, basis: AutomationWhatIf["basis"]): AutomationWhatIf => ({ ...base, people: people.size, occurrences, exact, basis });
    const ahead = (s.withinDays ?? DEFAULT_WITHIN_DAYS[s.trigger] ?? 7) * DAY;
    const trigger = s.trigger;

    if (isOrderMove(trigger)) {
      await forEachRowidSlice(c, "orders", (lo, hi) => {
        for (const o of history.orderMoves(trigger, { lo, hi, from, to })) consider(o.customer_id, orderFacts(o));
      });
      return done(true, "history");
    }
    if (trigger === "first_purchase") {
      await forEachRowidSlice(c, "orders", (lo, hi) => {
        for (const o of history.firstPurchases({ lo, hi, from, to })) consider(o.customer_id, orderFacts(o));
      });
      return done(true, "history");
    }
    if (trigger === "follow") {
      await forEachRowidSlice(c, "follow_events", (lo, hi) => {
        for (const f of history.firstFollows({ lo, hi, from, to })) consider(f.customer_id, {});
      });
      return done(true, "history");
    }
    if (trigger === "voucher_expiring") {
      await forEachRowidSlice(c, "vouchers", (lo, hi) => {
        for (const v of history.vouchersEnteringWindow({ lo, hi, from, to, ahead })) consider(v.customer_id, {});
      });
      return done(false, "voucher_expiry");
    }
    if (trigger === "points_expiring") {
      // One occurrence per person per lapse day (as the scan records them), its points summed over that day's lots.
      const byDay = new Map<string, { customerId: string; points: number }>();
      await forEachRowidSlice(c, "points_ledger", (lo, hi) => {
        for (const l of history.lotsEnteringWindow({ lo, hi, from, to, ahead })) {
          const k = `${l.customer_id}:${dayKey(l.expires_at, deps.timeZone)}`;
          const o = byDay.get(k) ?? { customerId: l.customer_id, points: 0 };
          o.points += l.delta;
          byDay.set(k, o);
        }
      });
      for (const o of byDay.values()) consider(o.customerId, { points_lapsing: o.points });
      return done(false, "points_lots");
    }
    // A trigger whose history lives elsewhere: the occurrences this automation itself recorded.
    await forEachRowidSlice(c, "automation_runs", (lo, hi) => {
      for (const r of history.runsOf({ lo, hi, from, to, automationId: s.automationId }))
        consider(r.customer_id, JSON.parse(r.vars) as Record<string, unknown>);
    });
    return done(false, "runs");
  }

  return {
    count,
    settingsOf: (a: AutomationRow): WhatIfSettings => ({
      trigger: a.trigger as AutomationTrigger,
      automationId: a.id,
      segmentId: a.segment_id,
      conditions: JSON.parse(a.conditions) as AutomationCondition[],
      withinDays: a.within_days,
    }),
  };
}

export type WhatIf = ReturnType<typeof createWhatIf>;
