import { DEFAULT_WITHIN_DAYS, WIN_BACK_GAP_DAYS, birthdaysOn, dayKey } from "@mc/shared";
import { yieldToEventLoop } from "../../db/chunked";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Actor } from "../../lib/audit";
import type { AutomationService } from "./service";
import type { AutomationRow } from "./repo";

const DAY = 86_400_000;

/** "17/02/2026" for a day key "2026-02-17". */
const dateText = (key: string) => `${key.slice(8, 10)}/${key.slice(5, 7)}/${key.slice(0, 4)}`;

type Scans = Pick<AutomationService, "enabledFor" | "onEvent" | "lastRunAt" | "runExists">;

/**
 * The birthday and win-back scans: once a day (the timer worker's periodic scan calls them; a process runs each
 * at most once per local day, a second process or a restart finds every occurrence already recorded). Pages of
 * candidates, one short transaction each, yielding between, so no request waits behind a month of birthdays.
 */
export function createDailyScans(deps: {
  store: Store;
  automations: Scans;
  customers: { birthdaysPage: (p: { mmdd: string[]; after: number; n: number }) => Awaitable<{ rowid: number; id: string }[]> };
  orders: {
    customersByLastOrder: (p: {
      since: number;
      after: string;
      n: number;
    }) => Awaitable<{ customerId: string; lastCompletedAt: number; recent: number | boolean; erased: number | boolean }[]>;
  };
  /** The vouchers module's own door, a step of the scan's body: `sourceKey` makes a second issue return the first voucher. */
  vouchers: {
    issue: (p: { campaignId: string; customerId: string; source: string; sourceKey: string | null; actor: Actor }) => Awaitable<{
      voucher: { campaignId: string; expiresAt: number };
    }>;
    campaignName: (id: string) => Awaitable<string | null>;
  };
  segments: { contains: (segmentId: string, customerId: string) => Awaitable<boolean | null> };
  timeZone: string;
  now: () => number;
  pageSize?: number;
  log?: { warn: (o: object, m?: string) => void };
}) {
  const { store, automations, timeZone, now } = deps;
  const n = deps.pageSize ?? 200;
  const done = { birthday: "", winBack: "" };

  /** The birthday gift, issued once a year per person whichever automation or scan gets there first. */
  function* gift(a: AutomationRow, customerId: string, year: string): Step<Record<string, string>> {
    const none = { voucher: "", voucher_line: "" };
    if (!a.voucher_campaign_id) return none;
    // Someone the message will not reach (outside the automation's segment) gets no voucher either.
    if (a.segment_id && !(yield* q(deps.segments.contains(a.segment_id, customerId)))) return none;
    try {
      // Every refusal comes before the issue's first write, so catching it leaves this body's transaction intact.
      const { voucher } = yield* q(
        deps.vouchers.issue({
          campaignId: a.voucher_campaign_id,
          customerId,
          source: "birthday",
          sourceKey: `birthday:${customerId}:${year}`,
          actor: { kind: "system", id: `automation:${a.id}` },
        }),
      );
      const name = (yield* q(deps.vouchers.campaignName(voucher.campaignId))) ?? "";
      return {
        voucher: name,
        voucher_line: `Quà sinh nhật của bạn: voucher "${name}" đã có trong ví, dùng trước ${dateText(dayKey(voucher.expiresAt, timeZone))}.`,
      };
    } catch (err) {
      // Out of stock, ended, the person's limit reached: the greeting still goes, without a gift.
      if (!(err instanceof AppError)) throw err;
      deps.log?.warn({ automationId: a.id, code: err.code }, "birthday voucher not issued");
      return none;
    }
  }

  /** Today's birthdays in the shop's time zone (29 February is kept on 28 February in a common year). */
  async function birthdays(force = false): Promise<number> {
    const at = now();
    const today = dayKey(at, timeZone);
    if (!force && done.birthday === today) return 0;
    const year = today.slice(0, 4);
    const mmdd = birthdaysOn(today);
    let found = 0;
    const enabled = await automations.enabledFor("birthday");
    for (const a of enabled) {
      let after = 0;
      for (;;) {
        const page = await deps.customers.birthdaysPage({ mmdd, after, n });
        if (page.length === 0) break;
        // On PostgreSQL two scans of one page conflict (SERIALIZABLE) and the later one runs again, finding the runs.
        await store.tx(function* () {
          for (const c of page) {
            const occurrenceKey = `${c.id}:${year}`;
            // Already celebrated this year (a rescan, another process): neither a second gift nor a second message.
            if (yield* q(automations.runExists(a.id, occurrenceKey))) continue;
            const vars = yield* gift(a, c.id, year);
            yield* q(automations.onEvent({ trigger: "birthday", customerId: c.id, occurrenceKey, vars, automationId: a.id }));
          }
        });
        found += page.length;
        after = page[page.length - 1]!.rowid;
        if (page.length < n) break;
        await yieldToEventLoop();
      }
    }
    // A recipe switched on later today still finds today's birthdays at the next scan.
    if (enabled.length) done.birthday = today;
    return found;
  }

  /**
   * People who ordered before and not in N days: once per lapse (the occurrence is the day of their last order),
   * and never within WIN_BACK_GAP_DAYS of the last win-back, checked in the transaction that records the new one.
   */
  async function winBack(force = false): Promise<number> {
    const at = now();
    const today = dayKey(at, timeZone);
    if (!force && done.winBack === today) return 0;
    let found = 0;
    const enabled = await automations.enabledFor("win_back");
    for (const a of enabled) {
      const days = a.within_days ?? DEFAULT_WITHIN_DAYS.win_back!;
      const since = at - days * DAY;
      let after = "";
      for (;;) {
        const page = await deps.orders.customersByLastOrder({ since, after, n });
        if (page.length === 0) break;
        found += await store.tx(function* () {
          let seen = 0;
          for (const p of page) {
            if (p.erased || p.recent || p.lastCompletedAt >= since) continue;
            const last = yield* q(automations.lastRunAt(a.id, p.customerId));
            if (last !== null && last > at - WIN_BACK_GAP_DAYS * DAY) continue;
            yield* q(
              automations.onEvent({
                trigger: "win_back",
                customerId: p.customerId,
                occurrenceKey: `${p.customerId}:${dayKey(p.lastCompletedAt, timeZone)}`,
                vars: { days: Math.floor((at - p.lastCompletedAt) / DAY) },
                automationId: a.id,
              }),
            );
            seen++;
          }
          return seen;
        });
        after = page[page.length - 1]!.customerId;
        if (page.length < n) break;
        await yieldToEventLoop();
      }
    }
    if (enabled.length) done.winBack = today;
    return found;
  }

  return {
    /** Both scans, each at most once per local day in this process (`force`: again, as a second process would). */
    async run(opts: { force?: boolean } = {}) {
      return { birthdays: await birthdays(opts.force), winBack: await winBack(opts.force) };
    },
  };
}

export type DailyScans = ReturnType<typeof createDailyScans>;
