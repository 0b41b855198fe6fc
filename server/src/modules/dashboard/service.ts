import { performance } from "node:perf_hooks";
import { dayList, tzOffsetMinutes, type DashboardQuery, type DashboardView } from "@mc/shared";
import { yieldToEventLoop, type SliceOptions } from "../../db/chunked";
import type { DashboardRepo } from "./repo";

const MIN = 60_000;

/** The instant a shop-local day (`YYYY-MM-DD`) begins in `timeZone`. */
export function localDayStart(day: string, timeZone: string): number {
  const utc = Date.parse(`${day}T00:00:00Z`);
  // The offset at the local midnight itself, found from a first guess (right on either side of a DST change).
  const guess = utc - tzOffsetMinutes(timeZone, utc) * MIN;
  return utc - tzOffsetMinutes(timeZone, guess) * MIN;
}

/** Day boundaries of the range: bounds[i] to bounds[i+1] is days[i]. */
export function dayBounds(days: string[], timeZone: string): number[] {
  if (days.length === 0) return [];
  const next = new Date(Date.parse(`${days[days.length - 1]}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return [...days, next].map((d) => localDayStart(d, timeZone));
}

/** Reason codes may carry detail after a colon ("NOT_A_FOLLOWER:cs:NOT_A_FOLLOWER"): the chart groups by the code. */
const reasonCode = (r: string | null) => (r ?? "UNKNOWN").split(":")[0]!;
const bump = (m: Record<string, number>, k: string, n: number) => {
  m[k] = (m[k] ?? 0) + n;
};

export function createDashboardService(deps: {
  repo: DashboardRepo;
  /** SHOP_TIME_ZONE: a day is the shop's calendar day. */
  timeZone: string;
  /** ZNS_PRICE_VND: what one template or ZNS message costs, when the shop has said. */
  znsPriceVnd?: number;
  /** How the figures are sliced (default: a few ms of work per slice). */
  slices?: SliceOptions;
}) {
  const { repo, timeZone } = deps;
  const o = deps.slices;

  /** Every chart's series for the range; the work is done in slices with the event loop served between them. */
  async function view(q: DashboardQuery): Promise<DashboardView> {
    const t0 = performance.now();
    const days = dayList(q.from, q.to);
    const bounds = dayBounds(days, timeZone);
    let slices = 0;
    // Each figure yields before its first slice too, so two figures' slices never run back to back.
    const turn = async <T>(work: () => Promise<T>) => {
      await yieldToEventLoop();
      return work();
    };

    const followers = days.map((day) => ({ day, follows: 0, unfollows: 0, net: 0 }));
    slices += await turn(() =>
      repo.followers(
        bounds,
        (s, rows) => {
          const f = followers[s.day]!;
          for (const r of rows) {
            if (r.kind === "follow") f.follows += r.n;
            else if (r.kind === "unfollow") f.unfollows += r.n;
          }
          f.net = f.follows - f.unfollows;
        },
        o,
      ),
    );

    const zero = { sent: 0, delivered: 0, seen: 0, held: 0, suppressed: 0, failed: 0, pending: 0, expired: 0, cancelled: 0 };
    const messages = days.map((day) => ({ day, ...zero, suppressedBy: {} as Record<string, number>, heldBy: {} as Record<string, number> }));
    const cost = days.map((day) => ({ day, csFree: 0, csPaid: 0, templateUid: 0, zns: 0 }));
    slices += await turn(() =>
      repo.messages(
        bounds,
        (s, rows) => {
          const m = messages[s.day]!;
          const k = cost[s.day]!;
          for (const r of rows) {
            for (const key of Object.keys(zero) as (keyof typeof zero)[]) m[key] += r[key] ?? 0;
            k.csFree += r.cs_free ?? 0;
            k.csPaid += r.cs_paid ?? 0;
            k.templateUid += r.template_uid ?? 0;
            k.zns += r.zns ?? 0;
          }
        },
        o,
      ),
    );
    slices += await turn(() =>
      repo.messageReasons(
        bounds,
        (s, rows) => {
          const m = messages[s.day]!;
          for (const r of rows) bump(r.outcome === "suppressed" ? m.suppressedBy : m.heldBy, reasonCode(r.reason), r.n);
        },
        o,
      ),
    );

    const redemptions = days.map((day) => ({ day, byStore: {} as Record<string, number>, total: 0 }));
    slices += await turn(() =>
      repo.redemptions(
        bounds,
        (s, rows) => {
          const d = redemptions[s.day]!;
          for (const r of rows) {
            bump(d.byStore, r.store ?? "", r.n);
            d.total += r.n;
          }
        },
        o,
      ),
    );

    const points = days.map((day) => ({ day, earned: 0, spent: 0, expired: 0, adjusted: 0 }));
    slices += await turn(() =>
      repo.points(
        bounds,
        (s, rows) => {
          const p = points[s.day]!;
          for (const r of rows) {
            p.earned += r.earned;
            p.spent += r.spent;
            p.expired += r.expired;
            p.adjusted += r.adjusted;
          }
        },
        o,
      ),
    );

    const byStore = new Map<string, { plays: number; newPlayers: number; followed: number }>();
    slices += await turn(() =>
      repo.games(
        bounds,
        (_s, rows) => {
          for (const r of rows) {
            const g = byStore.get(r.store) ?? { plays: 0, newPlayers: 0, followed: 0 };
            g.plays += r.plays;
            g.newPlayers += r.new_players;
            g.followed += r.followed;
            byStore.set(r.store, g);
          }
        },
        o,
      ),
    );

    const stores = repo.stores();
    const storeName = new Map(stores.map((s) => [s.id, s.name]));
    const games = [...byStore]
      .map(([storeId, g]) => ({ storeId, storeName: storeName.get(storeId) ?? storeId, ...g, rate: g.newPlayers > 0 ? g.followed / g.newPlayers : 0 }))
      .sort((a, b) => b.plays - a.plays || a.storeName.localeCompare(b.storeName));

    const broadcasts = [];
    for (const b of repo.broadcastsStarted(bounds[0]!, bounds[bounds.length - 1]!)) {
      const { sent, slices: n } = await turn(() => repo.broadcastSent(b.id, o));
      slices += n;
      const unfollows = repo.broadcastBlamed(b.id);
      broadcasts.push({
        id: b.id,
        name: b.name,
        state: b.state,
        startedAt: b.started_at === null ? null : new Date(b.started_at).toISOString(),
        sent,
        unfollows,
        rate: sent > 0 ? unfollows / sent : 0,
      });
    }

    const paid = cost.reduce((a, d) => a + d.templateUid + d.zns, 0);
    const price = deps.znsPriceVnd ?? null;
    return {
      from: q.from,
      to: q.to,
      timeZone,
      days,
      followers,
      messages,
      cost: { days: cost, znsPriceVnd: price, estimatedVnd: price === null ? null : paid * price },
      broadcasts,
      // Stores that appear in a figure but are no longer listed keep their id as the name.
      stores: [
        ...stores,
        ...[...new Set(redemptions.flatMap((d) => Object.keys(d.byStore)))].filter((id) => !storeName.has(id)).map((id) => ({ id, name: id || "—" })),
      ],
      redemptions,
      games,
      points,
      took: { ms: Math.round(performance.now() - t0), slices },
    };
  }

  return { view };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
