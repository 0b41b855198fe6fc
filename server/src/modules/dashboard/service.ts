import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DASHBOARD_MAX_DAYS, FOLLOW_AFTER_PLAY_DAYS, dayKey, dayList, tzOffsetMinutes, type DashboardQuery, type DashboardView } from "@mc/shared";
import { yieldToEventLoop, type SliceOptions } from "../../db/chunked";
import type { DashboardRepo, Window } from "./repo";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

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
  const next = new Date(Date.parse(`${days[days.length - 1]}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  return [...days, next].map((d) => localDayStart(d, timeZone));
}

/** Reason codes may carry detail after a colon ("NOT_A_FOLLOWER:cs:NOT_A_FOLLOWER"): the chart groups by the code. */
const reasonCode = (r: string | null) => (r ?? "UNKNOWN").split(":")[0]!;
const bump = (m: Record<string, number>, k: string, n: number) => {
  m[k] = (m[k] ?? 0) + n;
};

// ---- the stored figures: one per day, each the events of that day ----

type Followers = { follows: number; unfollows: number };
type Messages = {
  sent: number;
  delivered: number;
  seen: number;
  held: number;
  suppressed: number;
  failed: number;
  expired: number;
  cancelled: number;
  suppressedBy: Record<string, number>;
  heldBy: Record<string, number>;
  csFree: number;
  csPaid: number;
  templateUid: number;
  zns: number;
};
type Redemptions = { byStore: Record<string, number> };
type Points = { earned: number; spent: number; expired: number; adjusted: number };
type Games = Record<string, { plays: number; newPlayers: number; followed: number }>;
type Figures = { followers: Followers; messages: Messages; redemptions: Redemptions; points: Points; games: Games };
type FigureName = keyof Figures;

/**
 * Bump when a figure's definition changes: figures stored under another version (or another SHOP_TIME_ZONE)
 * are dropped and computed again.
 */
const FIGURES_VERSION = 2;

type Figure<K extends FigureName> = {
  name: K;
  /** Beyond the settling time: how much longer what happened on a day can still change its figure. */
  extraSettleMs: number;
  empty(): Figures[K];
  /** Adds the events of each window's day into `into[w.day]`; returns the slices run. */
  compute(repo: DashboardRepo, windows: Window[], into: Figures[K][], o?: SliceOptions): Promise<number>;
};

const followersFigure: Figure<"followers"> = {
  name: "followers",
  extraSettleMs: 0,
  empty: () => ({ follows: 0, unfollows: 0 }),
  compute: (repo, windows, into, o) =>
    repo.followers(
      windows,
      (w, rows) => {
        const f = into[w.day]!;
        for (const r of rows) {
          if (r.kind === "follow") f.follows += r.n;
          else if (r.kind === "unfollow") f.unfollows += r.n;
        }
      },
      o,
    ),
};

const messagesFigure: Figure<"messages"> = {
  name: "messages",
  extraSettleMs: 0,
  empty: () => ({
    sent: 0,
    delivered: 0,
    seen: 0,
    held: 0,
    suppressed: 0,
    failed: 0,
    expired: 0,
    cancelled: 0,
    suppressedBy: {},
    heldBy: {},
    csFree: 0,
    csPaid: 0,
    templateUid: 0,
    zns: 0,
  }),
  async compute(repo, windows, into, o) {
    const pause = o?.pause ?? yieldToEventLoop;
    let slices = await repo.sent(
      windows,
      (w, rows) => {
        const m = into[w.day]!;
        for (const r of rows) {
          m.sent += r.sent;
          m.csFree += r.cs_free;
          m.csPaid += r.cs_paid;
          m.templateUid += r.template_uid;
          m.zns += r.zns;
        }
      },
      o,
    );
    await pause();
    slices += await repo.delivered(windows, (w, rows) => rows.forEach((r) => (into[w.day]!.delivered += r.n)), o);
    await pause();
    slices += await repo.seen(windows, (w, rows) => rows.forEach((r) => (into[w.day]!.seen += r.n)), o);
    await pause();
    slices += await repo.ended(
      windows,
      (w, rows) => {
        const m = into[w.day]!;
        for (const r of rows) {
          // An expired message whose reason is not plain expiry was held (quiet hours, caps, quota…) until it expired.
          if (r.state === "held" || (r.state === "expired" && r.reason !== "EXPIRED")) {
            m.held += r.n;
            bump(m.heldBy, reasonCode(r.reason), r.n);
          } else if (r.state === "suppressed") {
            m.suppressed += r.n;
            bump(m.suppressedBy, reasonCode(r.reason), r.n);
          } else if (r.state === "expired") m.expired += r.n;
          else if (r.state === "failed") m.failed += r.n;
          else if (r.state === "cancelled") m.cancelled += r.n;
        }
      },
      o,
    );
    return slices;
  },
};

const redemptionsFigure: Figure<"redemptions"> = {
  name: "redemptions",
  extraSettleMs: 0,
  empty: () => ({ byStore: {} }),
  compute: (repo, windows, into, o) => repo.redemptions(windows, (w, rows) => rows.forEach((r) => bump(into[w.day]!.byStore, r.store ?? "", r.n)), o),
};

const pointsFigure: Figure<"points"> = {
  name: "points",
  extraSettleMs: 0,
  empty: () => ({ earned: 0, spent: 0, expired: 0, adjusted: 0 }),
  compute: (repo, windows, into, o) =>
    repo.points(
      windows,
      (w, rows) => {
        const p = into[w.day]!;
        for (const r of rows) {
          p.earned += r.earned;
          p.spent += r.spent;
          p.expired += r.expired;
          p.adjusted += r.adjusted;
        }
      },
      o,
    ),
};

// A day's plays are final once the follow window after its last play has passed too.
const gamesFigure: Figure<"games"> = {
  name: "games",
  extraSettleMs: FOLLOW_AFTER_PLAY_DAYS * DAY,
  empty: () => ({}),
  compute: (repo, windows, into, o) =>
    repo.games(
      windows,
      (w, rows) => {
        const d = into[w.day]!;
        for (const r of rows) {
          const g = (d[r.store] ??= { plays: 0, newPlayers: 0, followed: 0 });
          g.plays += r.plays;
          g.newPlayers += r.new_players;
          g.followed += r.followed;
        }
      },
      o,
    ),
};

const FIGURES = [followersFigure, messagesFigure, redemptionsFigure, pointsFigure, gamesFigure] as Figure<FigureName>[];

/** Days the fill job keeps stored, counted back from the last settled one (older ones are stored when first viewed). */
const FILL_DAYS = DASHBOARD_MAX_DAYS + FOLLOW_AFTER_PLAY_DAYS;
/** Days the fill job computes between two stores (a crash loses at most these). */
const FILL_BATCH_DAYS = 31;

class Stopped extends Error {}

export function createDashboardService(deps: {
  repo: DashboardRepo;
  /** SHOP_TIME_ZONE: a day is the shop's calendar day. */
  timeZone: string;
  now: () => number;
  /** DASHBOARD_SETTLE_HOURS: a day's figures are final (and stored) once it ended this long ago. */
  settleHours?: number;
  /** ZNS_PRICE_VND: what one template or ZNS message costs, when the shop has said. */
  znsPriceVnd?: number;
  /** How the figures are sliced (default: a few ms of work per slice). */
  slices?: SliceOptions;
}) {
  const { repo, timeZone, now } = deps;
  const o = deps.slices;
  const settleMs = (deps.settleHours ?? 48) * HOUR;
  const settled = (f: Figure<FigureName>, dayEnd: number, t: number) => dayEnd + settleMs + f.extraSettleMs <= t;
  /** A broadcast's sent count is stored (on its start day) once it is over and its last sends have settled. */
  const broadcastKey = (b: { id: string; started_at: number }) => ({ day: dayKey(b.started_at, timeZone), figure: `broadcast:${b.id}` });
  const broadcastSettled = (b: { state: string; finished_at: number | null }, t: number) =>
    (b.state === "done" || b.state === "cancelled") && b.finished_at !== null && b.finished_at + settleMs <= t;

  /**
   * What is stored, as this service computes it: figures stored under another version or time zone are dropped
   * first. Returns the stored figures' generation (a new one after each forget): work that counted under one
   * stores what it counted only while it is still the current one, so nothing counted before a forget (the demo
   * history being written, say) is stored after it.
   */
  async function generation(): Promise<string> {
    const stored = await repo.storedMeta();
    const m = stored === null ? null : (JSON.parse(stored) as { version: number; timeZone: string });
    if (m?.version === FIGURES_VERSION && m.timeZone === timeZone) return stored!;
    const fresh = JSON.stringify({ version: FIGURES_VERSION, timeZone, generation: randomUUID() });
    await repo.forgetStored(fresh, now());
    return fresh;
  }

  /** Every chart's series for the range: settled days read as stored, the others counted now, in slices. */
  async function view(q: DashboardQuery): Promise<DashboardView> {
    const t0 = performance.now();
    const t = now();
    const days = dayList(q.from, q.to);
    const bounds = dayBounds(days, timeZone);
    let slices = 0;
    // Each piece of work yields before its first slice too, so two figures' slices never run back to back.
    const turn = async <T>(work: () => Promise<T>) => {
      await yieldToEventLoop();
      return work();
    };

    const gen = await generation();
    const stored = new Map<string, unknown>();
    for (const r of await repo.stored(days[0]!, days[days.length - 1]!)) stored.set(`${r.figure}|${r.day}`, r.data);
    const fresh: { day: string; figure: string; data: unknown }[] = [];
    const figures = {} as { [K in FigureName]: Figures[K][] };
    for (const f of FIGURES) {
      const into: Figures[FigureName][] = [];
      const missing: Window[] = [];
      days.forEach((day, i) => {
        const s = stored.get(`${f.name}|${day}`) as Figures[FigureName] | undefined;
        into.push(s ?? f.empty());
        if (!s) missing.push({ day: i, lo: bounds[i]!, hi: bounds[i + 1]! });
      });
      slices += await turn(() => f.compute(repo, missing, into, o));
      // A settled day counted here is stored, so the next view reads it.
      for (const w of missing) if (settled(f, w.hi, t)) fresh.push({ day: days[w.day]!, figure: f.name, data: into[w.day] });
      (figures as Record<string, unknown>)[f.name] = into;
    }

    // What is still waiting changes until it goes: never stored, counted now for every day.
    const waiting = days.map(() => 0);
    slices += await turn(() =>
      repo.waiting(
        days.map((_, i) => ({ day: i, lo: bounds[i]!, hi: bounds[i + 1]! })),
        (w, rows) => rows.forEach((r) => (waiting[w.day]! += r.n)),
        o,
      ),
    );

    const messages = figures.messages.map((m, i) => ({
      day: days[i]!,
      sent: m.sent,
      delivered: m.delivered,
      seen: m.seen,
      held: m.held,
      suppressed: m.suppressed,
      failed: m.failed,
      pending: waiting[i]!,
      expired: m.expired,
      cancelled: m.cancelled,
      suppressedBy: m.suppressedBy,
      heldBy: m.heldBy,
    }));
    const cost = figures.messages.map((m, i) => ({ day: days[i]!, csFree: m.csFree, csPaid: m.csPaid, templateUid: m.templateUid, zns: m.zns }));
    const followers = figures.followers.map((f, i) => ({ day: days[i]!, follows: f.follows, unfollows: f.unfollows, net: f.follows - f.unfollows }));
    const redemptions = figures.redemptions.map((r, i) => ({
      day: days[i]!,
      byStore: r.byStore,
      total: Object.values(r.byStore).reduce((a, n) => a + n, 0),
    }));
    const points = figures.points.map((p, i) => ({ day: days[i]!, ...p }));

    const byStore = new Map<string, { plays: number; newPlayers: number; followed: number }>();
    for (const d of figures.games)
      for (const [store, g] of Object.entries(d)) {
        const s = byStore.get(store) ?? { plays: 0, newPlayers: 0, followed: 0 };
        s.plays += g.plays;
        s.newPlayers += g.newPlayers;
        s.followed += g.followed;
        byStore.set(store, s);
      }
    const stores = await repo.stores();
    const storeName = new Map(stores.map((s) => [s.id, s.name]));
    const games = [...byStore]
      .map(([storeId, g]) => ({ storeId, storeName: storeName.get(storeId) ?? storeId, ...g, rate: g.newPlayers > 0 ? g.followed / g.newPlayers : 0 }))
      .sort((a, b) => b.plays - a.plays || a.storeName.localeCompare(b.storeName));

    const broadcasts = [];
    for (const b of await repo.broadcastsStarted(bounds[0]!, bounds[bounds.length - 1]!)) {
      const key = broadcastKey(b);
      let sent = (stored.get(`${key.figure}|${key.day}`) as { sent: number } | undefined)?.sent;
      if (sent === undefined) {
        const counted = await turn(() => repo.broadcastSent(b.id, o));
        slices += counted.slices;
        sent = counted.sent;
        if (broadcastSettled(b, t)) fresh.push({ ...key, data: { sent } });
      }
      // Few messages are blamed (a partial index): counted each time, as an unfollow may still come.
      const unfollows = await repo.broadcastBlamed(b.id);
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

    if (fresh.length) await repo.storeUnder(gen, fresh, now());

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

  let filling: Promise<FillResult> | null = null;
  let stopping = false;

  /**
   * Computes and stores every settled day not stored yet, back to FILL_DAYS before the last settled one (or the
   * first event), FILL_BATCH_DAYS at a time, in slices with the event loop served between them. One run at a
   * time: a second call while one runs gets the same run.
   */
  function fill(opts: SliceOptions = o ?? {}): Promise<FillResult> {
    filling ??= runFill(opts).finally(() => (filling = null));
    return filling;
  }

  async function runFill(opts: SliceOptions): Promise<FillResult> {
    const pause = opts.pause ?? yieldToEventLoop;
    const sliced: SliceOptions = {
      ...opts,
      pause: async () => {
        await pause();
        if (stopping) throw new Stopped();
      },
    };
    const result: FillResult = { stored: 0, slices: 0, stopped: false };
    try {
      const gen = await generation();
      const first = await repo.earliest();
      if (first === null) return result;
      const t = now();
      // The last day that can be settled: the one before the day `settleMs` ago.
      const lastDay = dayKey(t - settleMs - DAY, timeZone);
      const firstDay = [dayKey(first, timeZone), dayKey(localDayStart(lastDay, timeZone) - (FILL_DAYS - 1) * DAY + 12 * HOUR, timeZone)].sort()[1]!;
      if (firstDay > lastDay) return result;
      const days = dayList(firstDay, lastDay);
      const bounds = dayBounds(days, timeZone);
      const have = new Set((await repo.storedKeys(firstDay, lastDay)).map((r) => `${r.figure}|${r.day}`));
      for (let b = 0; b < days.length; b += FILL_BATCH_DAYS) {
        const rows: { day: string; figure: string; data: unknown }[] = [];
        for (const f of FIGURES) {
          const windows: Window[] = [];
          const into: Figures[FigureName][] = [];
          for (let i = b; i < Math.min(days.length, b + FILL_BATCH_DAYS); i++) {
            into[i] = f.empty();
            if (!have.has(`${f.name}|${days[i]}`) && settled(f, bounds[i + 1]!, t)) windows.push({ day: i, lo: bounds[i]!, hi: bounds[i + 1]! });
          }
          if (windows.length === 0) continue;
          await sliced.pause!();
          result.slices += await f.compute(repo, windows, into, sliced);
          for (const w of windows) rows.push({ day: days[w.day]!, figure: f.name, data: into[w.day] });
        }
        if (rows.length) {
          if (!(await repo.storeUnder(gen, rows, now()))) return result; // forgotten meanwhile
          result.stored += rows.length;
        }
      }
      for (const b of await repo.broadcastsStarted(bounds[0]!, bounds[bounds.length - 1]!)) {
        const key = broadcastKey(b);
        if (have.has(`${key.figure}|${key.day}`) || !broadcastSettled(b, t)) continue;
        await sliced.pause!();
        const counted = await repo.broadcastSent(b.id, sliced);
        result.slices += counted.slices;
        if (!(await repo.storeUnder(gen, [{ ...key, data: { sent: counted.sent } }], now()))) return result;
        result.stored++;
      }
      return result;
    } catch (e) {
      if (e instanceof Stopped) return { ...result, stopped: true };
      throw e;
    }
  }

  /** Drops every stored figure: the next view (or fill) counts them again from the events. */
  function forgetStored() {
    return repo.forgetStored(null, now());
  }

  /** The background fill: once at start, then every `everyMs` (a day settles once a day). Stop waits for a run in flight. */
  function startJob(p: { everyMs: number; onError: (err: unknown) => void }) {
    stopping = false;
    const tick = () => {
      fill().catch(p.onError);
    };
    tick();
    const timer = setInterval(tick, p.everyMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      stopping = true;
      await filling?.catch(() => {});
      stopping = false;
    };
  }

  return { view, fill, forgetStored, startJob };
}

export type FillResult = { stored: number; slices: number; stopped: boolean };
export type DashboardService = ReturnType<typeof createDashboardService>;
