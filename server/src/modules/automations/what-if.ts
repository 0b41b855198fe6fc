import { DEFAULT_WITHIN_DAYS, conditionsMet, dayKey, type AutomationCondition, type AutomationTrigger, type AutomationWhatIf } from "@mc/shared";
import { performance } from "node:perf_hooks";
import { yieldToEventLoop } from "../../db/chunked";
import type { Awaitable } from "../../db/store";
import { isOrderMove, type AutomationHistoryRepo, type OrderFact, type SlicedTable } from "./history-repo";
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
  history: AutomationHistoryRepo;
  segments: { contains: (segmentId: string, customerId: string) => Awaitable<boolean | null> };
  timeZone: string;
  now: () => number;
}) {
  const { history } = deps;

  /**
   * Slices `table`'s key range `(0, end]` (end read when it starts: rows written later are after the window),
   * each slice one statement sized towards a few ms, the event loop served between slices (on either database).
   */
  async function forEachSlice(table: SlicedTable, step: (lo: number, hi: number) => Awaitable<void>) {
    const end = (await history.sliceEnd(table)) ?? 0;
    const budget = 8;
    let rows = 1000;
    for (let lo = 0; lo < end;) {
      const t0 = performance.now();
      const hi = lo + rows;
      await step(lo, hi);
      lo = hi;
      const ms = Math.max(performance.now() - t0, 0.05);
      rows = Math.round(Math.min(100_000, Math.max(64, Math.min(rows * 2, (rows * budget) / ms))));
      await yieldToEventLoop();
    }
  }

  async function count(s: WhatIfSettings): Promise<AutomationWhatIf> {
    const to = deps.now();
    const from = to - WHAT_IF_DAYS * DAY;
    const people = new Set<string>();
    const inSegment = new Map<string, boolean>();
    let occurrences = 0;
    const consider = async (customerId: string, facts: Record<string, unknown>) => {
      if (!conditionsMet(s.conditions, facts)) return;
      if (s.segmentId) {
        let yes = inSegment.get(customerId);
        if (yes === undefined) inSegment.set(customerId, (yes = (await deps.segments.contains(s.segmentId, customerId)) === true));
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
      await forEachSlice("orders", async (lo, hi) => {
        for (const o of await history.orderMoves(trigger, { lo, hi, from, to })) await consider(o.customer_id, orderFacts(o));
      });
      return done(true, "history");
    }
    if (trigger === "first_purchase") {
      await forEachSlice("orders", async (lo, hi) => {
        for (const o of await history.firstPurchases({ lo, hi, from, to })) await consider(o.customer_id, orderFacts(o));
      });
      return done(true, "history");
    }
    if (trigger === "follow") {
      await forEachSlice("follow_events", async (lo, hi) => {
        for (const f of await history.firstFollows({ lo, hi, from, to })) await consider(f.customer_id, {});
      });
      return done(true, "history");
    }
    if (trigger === "voucher_expiring") {
      await forEachSlice("vouchers", async (lo, hi) => {
        for (const v of await history.vouchersEnteringWindow({ lo, hi, from, to, ahead })) await consider(v.customer_id, {});
      });
      return done(false, "voucher_expiry");
    }
    if (trigger === "points_expiring") {
      // One occurrence per person per lapse day (as the scan records them), its points summed over that day's lots.
      const byDay = new Map<string, { customerId: string; points: number }>();
      await forEachSlice("points_ledger", async (lo, hi) => {
        for (const l of await history.lotsEnteringWindow({ lo, hi, from, to, ahead })) {
          const k = `${l.customer_id}:${dayKey(l.expires_at, deps.timeZone)}`;
          const o = byDay.get(k) ?? { customerId: l.customer_id, points: 0 };
          o.points += l.delta;
          byDay.set(k, o);
        }
      });
      for (const o of byDay.values()) await consider(o.customerId, { points_lapsing: o.points });
      return done(false, "points_lots");
    }
    // A trigger whose history lives elsewhere: the occurrences this automation itself recorded.
    await forEachSlice("automation_runs", async (lo, hi) => {
      for (const r of await history.runsOf({ lo, hi, from, to, automationId: s.automationId }))
        await consider(r.customer_id, JSON.parse(r.vars) as Record<string, unknown>);
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
