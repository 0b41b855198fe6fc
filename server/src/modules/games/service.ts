import { randomInt as cryptoRandomInt, randomUUID } from "node:crypto";
import {
  dayKey,
  ErrorCode,
  gameWindowState,
  oddsOf,
  pickWeighted,
  type AdminDraw,
  type AdminGame,
  type GameCampaignInput,
  type GameConfig,
  type GameDraw,
  type PlayResult,
  type QrLink,
  type QrLinkBody,
} from "@mc/shared";
import { savepoint } from "../../db/savepoint";
import { q, type Awaitable, type Step, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit, SYSTEM, type Actor } from "../../lib/audit";
import { storeReach } from "../../lib/scope";
import type { NewMessage } from "../messaging/repo";
import type { LoyaltyRepo } from "../loyalty/repo";
import type { IdentityRepo } from "../identity/repo";
import { qrSvg, type LinkSigner } from "./links";
import { qrPrintPng } from "./qr-image";
import type { DrawFilter, DrawRow, GameRepo, GameRow, PrizeRow } from "./repo";

const DAY = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ms = (s: string | null) => (s === null ? null : Date.parse(s));

/** Thrown inside the prize savepoint to undo the stock taken and land on "no prize" instead. */
class Fallback extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const WINDOW_ERROR = {
  inactive: [ErrorCode.GAME_NOT_ACTIVE, "This game is not running right now"],
  not_started: [ErrorCode.GAME_NOT_STARTED, "This game has not started yet"],
  ended: [ErrorCode.GAME_ENDED, "This game has ended"],
} as const;

/**
 * A voucher given as a prize, inside the play's (or the follow's) transaction body: a step (its value on SQLite,
 * where the voucher service is still synchronous code).
 */
export type IssueVoucher = (p: { campaignId: string; customerId: string; source: string; sourceKey: string | null; actor: Actor }) => Awaitable<{
  voucher: { id: string };
}>;

export function createGameService(deps: {
  store: Store;
  repo: GameRepo;
  vouchers: { issue: IssueVoucher };
  loyaltyRepo: Pick<LoyaltyRepo, "append" | "currentRules">;
  identityRepo: Pick<IdentityRepo, "byId" | "storeExists">;
  links: LinkSigner;
  now: () => number;
  /** The shop's time zone (SHOP_TIME_ZONE): plays per day count on its calendar days. */
  timeZone: string;
  /** Uniform integer in [0, max); node:crypto by default, injectable so a test can pin an outcome. */
  randomInt?: (max: number) => number;
  /** The one way out for messages (the outbox): a step taken inside the caller's transaction body. */
  notify?: (m: NewMessage) => unknown;
}) {
  const { store, repo, now } = deps;
  const randomInt = deps.randomInt ?? ((max: number) => cryptoRandomInt(max));

  // ---- views (steps: read inside a body, or through store.read) ----

  function* toDraw(d: DrawRow): Step<GameDraw> {
    const slice = (yield* q(repo.prize(d.prizeId)))!;
    return {
      id: d.id,
      campaignId: d.campaignId,
      storeId: d.storeId,
      at: iso(d.createdAt)!,
      slice: { id: slice.id, index: slice.position, label: slice.label, kind: slice.kind },
      win: d.win,
      requiresFollow: d.requiresFollow,
      state: d.state,
      voucherId: d.voucherId,
      points: d.points,
    };
  }

  function* toAdminGame(g: GameRow, plays: number): Step<AdminGame> {
    const prizes = yield* q(repo.prizes(g.id));
    const odds = oddsOf(prizes.map((p) => p.weight));
    return {
      id: g.id,
      name: g.name,
      description: g.description,
      kind: g.kind,
      storeIds: JSON.parse(g.storeIds),
      startsAt: iso(g.startsAt),
      endsAt: iso(g.endsAt),
      playsPerDay: g.playsPerDay,
      playsPerCustomer: g.playsPerCustomer,
      dailyPrizeBudgetPerStore: g.dailyPrizeBudgetPerStore,
      active: g.active,
      prizes: prizes.map((p, i) => ({
        id: p.id,
        label: p.label,
        kind: p.kind,
        voucherCampaignId: p.voucherCampaignId,
        points: p.points,
        weight: p.weight,
        odds: odds[i]!,
        stock: p.stock,
        won: p.won,
        remaining: p.stock === null ? null : Math.max(0, p.stock - p.won),
        requiresFollow: p.requiresFollow,
      })),
      plays,
      createdAt: iso(g.createdAt)!,
    };
  }

  // ---- QR links ----

  /** The game and store a QR code points at, or a clear 4xx: forged link, unknown game, not running here or now. */
  function* openLink(p: QrLinkBody, at: number) {
    const check = deps.links.verify(p);
    if (!check.ok) throw new AppError(ErrorCode.QR_LINK_INVALID, "This QR code is not valid: ask the staff for a new one");
    const game = yield* q(repo.game(check.campaign));
    const shop = yield* q(repo.store(check.store));
    if (!game || !shop) throw new AppError(ErrorCode.GAME_NOT_FOUND, "This game no longer exists");
    const storeIds: string[] = JSON.parse(game.storeIds);
    if (!shop.active || (storeIds.length > 0 && !storeIds.includes(shop.id)))
      throw new AppError(ErrorCode.GAME_NOT_ACTIVE, "This game is not running at this store");
    const state = gameWindowState(game, at);
    if (state !== "open") {
      const [code, message] = WINDOW_ERROR[state];
      throw new AppError(code, message);
    }
    return { game, store: shop };
  }

  function* playsLeftToday(g: GameRow, customerId: string, at: number) {
    const daily = g.playsPerDay - (yield* q(repo.playsOnDay(customerId, g.id, dayKey(at, deps.timeZone))));
    const total = g.playsPerCustomer === null ? daily : g.playsPerCustomer - (yield* q(repo.playsInCampaign(customerId, g.id)));
    return Math.max(0, Math.min(daily, total));
  }

  /** What the mini app shows when a QR code opens it: the game, the store, the published odds. */
  async function resolve(customerId: string, p: QrLinkBody): Promise<GameConfig> {
    const at = now();
    return store.read(function* () {
      const { game, store: shop } = yield* openLink(p, at);
      const prizes = yield* q(repo.prizes(game.id));
      const odds = oddsOf(prizes.map((x) => x.weight));
      return {
        campaign: {
          id: game.id,
          name: game.name,
          description: game.description,
          kind: game.kind,
          startsAt: iso(game.startsAt),
          endsAt: iso(game.endsAt),
          playsPerDay: game.playsPerDay,
          playsPerCustomer: game.playsPerCustomer,
        },
        store: { id: shop.id, name: shop.name },
        slices: prizes.map((x, i) => ({
          id: x.id,
          label: x.label,
          kind: x.kind,
          points: x.points,
          weight: x.weight,
          odds: odds[i]!,
          requiresFollow: x.requiresFollow,
        })),
        playsLeftToday: yield* playsLeftToday(game, customerId, at),
      };
    });
  }

  // ---- prizes ----

  /** Gives a prize now: a voucher through the voucher service, or points through the ledger. A step inside a body. */
  function* award(p: { drawId: string; prize: PrizeRow; points: number | null; customerId: string; storeId: string; at: number; actor: Actor }) {
    const sourceKey = `prize:${p.drawId}`;
    if (p.prize.kind === "voucher") {
      const { voucher } = yield* q(
        deps.vouchers.issue({ campaignId: p.prize.voucherCampaignId!, customerId: p.customerId, source: "prize", sourceKey, actor: p.actor }),
      );
      return { voucherId: voucher.id };
    }
    const { rules } = yield* q(deps.loyaltyRepo.currentRules());
    yield* q(
      deps.loyaltyRepo.append({
        customerId: p.customerId,
        kind: "earn",
        delta: p.points ?? p.prize.points!,
        reason: `Giải thưởng: ${p.prize.label}`,
        sourceKey,
        storeId: p.storeId,
        actor: p.actor,
        expiresAt: p.at + rules.pointsValidDays * DAY,
        now: p.at,
      }),
    );
    return { voucherId: null };
  }

  /**
   * One play. Everything happens in one transaction: the limits, the draw (crypto RNG over the published weights),
   * the stock (conditional update), the store's daily budget, the prize itself and the draw record. Two plays
   * never both see the last unit of stock, nor both pass a person's play limit: on SQLite the transaction is
   * IMMEDIATE (one writer); on PostgreSQL plays queue on a lock taken before the snapshot (repo.queuePlay), and the
   * transaction is SERIALIZABLE besides, so one that still collides runs again from the start (a new draw: the
   * one that lost never happened) and sees the other's writes.
   */
  async function play(customerId: string, body: QrLinkBody & { requestId?: string }): Promise<PlayResult> {
    const requestKey = body.requestId ? `play:${customerId}:${body.requestId}` : null;
    return store.tx(function* (): Step<PlayResult> {
      yield* q(repo.queuePlay());
      const at = now();
      if (requestKey) {
        const existing = yield* q(repo.drawByRequest(requestKey));
        if (existing) {
          const g = (yield* q(repo.game(existing.campaignId)))!;
          return { draw: yield* toDraw(existing), playsLeftToday: yield* playsLeftToday(g, customerId, at) };
        }
      }
      const { game, store: shop } = yield* openLink(body, at);
      const day = dayKey(at, deps.timeZone);
      if ((yield* q(repo.playsOnDay(customerId, game.id, day))) >= game.playsPerDay) {
        throw new AppError(ErrorCode.GAME_DAILY_LIMIT_REACHED, `You have used all ${game.playsPerDay} plays for today: come back tomorrow`);
      }
      if (game.playsPerCustomer !== null && (yield* q(repo.playsInCampaign(customerId, game.id))) >= game.playsPerCustomer) {
        throw new AppError(ErrorCode.GAME_PLAY_LIMIT_REACHED, "You have used all your plays for this game");
      }
      const prizes = yield* q(repo.prizes(game.id));
      const noPrize = prizes.find((x) => x.kind === "none");
      if (!noPrize) throw new AppError(ErrorCode.GAME_NOT_ACTIVE, "This game is not set up yet");
      const drawn =
        prizes[
          pickWeighted(
            prizes.map((x) => x.weight),
            randomInt,
          )
        ]!;

      const id = randomUUID();
      const customer = (yield* q(deps.identityRepo.byId(customerId)))!;
      const actor: Actor = { kind: "customer", id: customerId };
      type Outcome = { prize: PrizeRow; state: DrawRow["state"]; voucherId: string | null; fallbackReason: string | null };
      let outcome: Outcome = { prize: drawn, state: "none", voucherId: null, fallbackReason: null };

      if (drawn.kind !== "none") {
        try {
          outcome = yield* savepoint(store, function* (): Step<Outcome> {
            const budget = game.dailyPrizeBudgetPerStore;
            if (budget !== null && (yield* q(repo.prizesAtStoreOnDay(game.id, shop.id, day))) >= budget) throw new Fallback("daily_budget");
            if (!(yield* q(repo.takePrize(drawn.id)))) throw new Fallback("out_of_stock");
            // Only the follow webhook proves a follow; the flag it sets is all we trust.
            if (drawn.requiresFollow && !customer.followsOa) return { prize: drawn, state: "pending_follow", voucherId: null, fallbackReason: null };
            const { voucherId } = yield* award({ drawId: id, prize: drawn, points: drawn.points, customerId, storeId: shop.id, at, actor });
            return { prize: drawn, state: "issued", voucherId, fallbackReason: null };
          });
        } catch (err) {
          const reason = err instanceof Fallback ? err.reason : err instanceof AppError ? `issue_failed:${err.code}` : null;
          if (reason === null) throw err;
          outcome = { prize: noPrize, state: "none", voucherId: null, fallbackReason: reason };
        }
      }

      const win = outcome.prize.kind !== "none";
      yield* q(
        repo.insertDraw({
          id,
          campaignId: game.id,
          customerId,
          storeId: shop.id,
          day,
          drawnPrizeId: drawn.id,
          prizeId: outcome.prize.id,
          win,
          fallbackReason: outcome.fallbackReason,
          requiresFollow: win && outcome.prize.requiresFollow,
          state: outcome.state,
          voucherId: outcome.voucherId,
          points: win && outcome.prize.kind === "points" ? outcome.prize.points : null,
          requestKey,
          createdAt: at,
          settledAt: outcome.state === "issued" ? at : null,
        }),
      );
      return { draw: yield* toDraw((yield* q(repo.draw(id)))!), playsLeftToday: yield* playsLeftToday(game, customerId, at) };
    });
  }

  /** A shopper's own draw; another person's looks exactly like a missing one. */
  async function ownDraw(customerId: string, id: string): Promise<GameDraw> {
    return store.read(function* () {
      const d = yield* q(repo.draw(id));
      if (!d || d.customerId !== customerId) throw new AppError(ErrorCode.DRAW_NOT_FOUND, "Draw not found");
      return yield* toDraw(d);
    });
  }

  const myDraws = async (customerId: string): Promise<GameDraw[]> =>
    store.read(function* () {
      const out: GameDraw[] = [];
      for (const d of yield* q(repo.drawsOf(customerId, 50))) out.push(yield* toDraw(d));
      return out;
    });

  // ---- the OA follow flow (called by the oa module inside the webhook's transaction) ----

  /**
   * The follow webhook arrived: issue every prize that waited on it, and tell the person their prize is in their wallet.
   * Runs inside the webhook event's transaction (store.join), so a redelivered event (deduped there) issues nothing twice.
   * A prize that can no longer be issued (voucher campaign ended…) is marked failed and its stock returned.
   */
  function onFollow(p: { customerId: string; eventKey: string }): Awaitable<{ issued: string[] }> {
    return store.join(function* () {
      const at = now();
      const issued: string[] = [];
      for (const d of yield* q(repo.pendingFollow(p.customerId))) {
        const prize = (yield* q(repo.prize(d.prizeId)))!;
        try {
          yield* savepoint(store, function* () {
            const { voucherId } = yield* award({ drawId: d.id, prize, points: d.points, customerId: p.customerId, storeId: d.storeId, at, actor: SYSTEM });
            if (!(yield* q(repo.settlePending({ id: d.id, state: "issued", voucherId, at, reason: "followed" })))) throw new Fallback("already_settled");
          });
          issued.push(d.id);
        } catch (err) {
          if (err instanceof Fallback) continue;
          if (!(err instanceof AppError)) throw err;
          if (yield* q(repo.settlePending({ id: d.id, state: "failed", at, reason: `issue_failed:${err.code}` }))) yield* q(repo.returnPrize(d.prizeId));
        }
      }
      if (issued.length && deps.notify) {
        yield* q(
          deps.notify({
            customerId: p.customerId,
            category: "transactional",
            priority: 8,
            dedupeKey: `prize-issued:${p.eventKey}`,
            source: "game",
            text:
              issued.length === 1
                ? "Quà của bạn đã vào ví. Mở mini app để xem voucher nhé!"
                : `${issued.length} phần quà của bạn đã vào ví. Mở mini app để xem nhé!`,
            expiresAt: at + 7 * 86_400_000,
          }),
        );
      }
      return { issued };
    });
  }

  /** Unfollowed before the prize was issued: the pending prize is void and its unit goes back to stock. */
  function onUnfollow(p: { customerId: string }): Awaitable<{ voided: number }> {
    return store.join(function* () {
      const at = now();
      let voided = 0;
      for (const d of yield* q(repo.pendingFollow(p.customerId))) {
        if (yield* q(repo.settlePending({ id: d.id, state: "void", at, reason: "unfollowed" }))) {
          yield* q(repo.returnPrize(d.prizeId));
          voided++;
        }
      }
      return { voided };
    });
  }

  // ---- admin ----

  async function checkInput(input: GameCampaignInput) {
    const unknownStores: string[] = [];
    for (const s of input.storeIds) if (!(await deps.identityRepo.storeExists(s))) unknownStores.push(s);
    if (unknownStores.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknownStores.join(", ")}`);
    const unknownVouchers: (string | null | undefined)[] = [];
    for (const x of input.prizes)
      if (x.kind === "voucher" && !(await repo.voucherCampaignExists(x.voucherCampaignId!))) unknownVouchers.push(x.voucherCampaignId);
    if (unknownVouchers.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown voucher campaign: ${unknownVouchers.join(", ")}`);
  }

  const gameRow = (input: GameCampaignInput) => ({
    name: input.name,
    description: input.description,
    kind: input.kind,
    storeIds: JSON.stringify([...new Set(input.storeIds)]),
    startsAt: ms(input.startsAt),
    endsAt: ms(input.endsAt),
    playsPerDay: input.playsPerDay,
    playsPerCustomer: input.playsPerCustomer,
    dailyPrizeBudgetPerStore: input.dailyPrizeBudgetPerStore,
    active: input.active,
  });

  const prizeRow = (x: GameCampaignInput["prizes"][number], position: number) => ({
    position,
    label: x.label,
    kind: x.kind,
    voucherCampaignId: x.kind === "voucher" ? x.voucherCampaignId : null,
    points: x.kind === "points" ? x.points : null,
    weight: x.weight,
    stock: x.kind === "none" ? null : x.stock,
    requiresFollow: x.requiresFollow,
    retired: false,
  });

  async function createGame(actor: Principal, input: GameCampaignInput): Promise<AdminGame> {
    if (input.prizes.some((x) => x.id)) throw new AppError(ErrorCode.VALIDATION_FAILED, "A new game's prizes have no ids yet");
    await checkInput(input);
    const at = now();
    return store.tx(function* () {
      const id = randomUUID();
      yield* q(repo.insertGame({ id, ...gameRow(input), createdAt: at, updatedAt: at }));
      for (const [i, x] of input.prizes.entries()) yield* q(repo.insertPrize({ id: randomUUID(), campaignId: id, ...prizeRow(x, i) }));
      yield* q(audit(store, { actor: actorOf(actor), action: "game.create", targetId: id, details: input, at }));
      return yield* toAdminGame((yield* q(repo.game(id)))!, 0);
    });
  }

  /** Prizes are matched by id, so stock counters survive an edit; a prize left out is retired, never deleted. */
  async function updateGame(actor: Principal, id: string, input: GameCampaignInput): Promise<AdminGame> {
    await checkInput(input);
    const at = now();
    return store.tx(function* () {
      // In the plays' queue too (PostgreSQL): an edit holding prize rows while it waits for a play's table lock, and
      // the play waiting for those rows, would deadlock.
      yield* q(repo.queuePlay());
      if (!(yield* q(repo.game(id)))) throw new AppError(ErrorCode.GAME_NOT_FOUND, "Game not found");
      const current = new Map((yield* q(repo.allPrizes(id))).map((x) => [x.id, x]));
      for (const [i, x] of input.prizes.entries()) {
        if (!x.id) {
          yield* q(repo.insertPrize({ id: randomUUID(), campaignId: id, ...prizeRow(x, i) }));
          continue;
        }
        const cur = current.get(x.id);
        if (!cur) throw new AppError(ErrorCode.VALIDATION_FAILED, `Prize ${x.id} is not part of this game`);
        // Inside the transaction no play can move `won` between this check and the write unseen (SQLite: one
        // writer; PostgreSQL: SERIALIZABLE); a play after it takes stock only while won < stock, so lowering the
        // stock can never oversell.
        if (x.kind !== "none" && x.stock !== null && x.stock < cur.won)
          throw new AppError(ErrorCode.GAME_PRIZE_STOCK_BELOW_WON, `Stock of "${x.label}" cannot go below the ${cur.won} already won`, {
            prize: i,
            won: cur.won,
          });
        // A pending follow-gated draw is issued from its prize row: what a prize gives is fixed once someone got it.
        const next = prizeRow(x, i);
        if ((next.kind !== cur.kind || next.voucherCampaignId !== cur.voucherCampaignId || next.points !== cur.points) && (yield* q(repo.prizeGiven(cur.id))))
          throw new AppError(ErrorCode.GAME_PRIZE_LOCKED, `"${cur.label}" was already won: add a new prize instead of changing what it gives`, {
            prize: i,
          });
        yield* q(repo.updatePrize(x.id, next));
      }
      const kept = new Set(input.prizes.flatMap((x) => (x.id ? [x.id] : [])));
      for (const cur of current.values()) if (!kept.has(cur.id) && !cur.retired) yield* q(repo.updatePrize(cur.id, { retired: true }));
      yield* q(repo.updateGame(id, { ...gameRow(input), updatedAt: at }));
      yield* q(audit(store, { actor: actorOf(actor), action: "game.update", targetId: id, details: input, at }));
      return yield* toAdminGame((yield* q(repo.game(id)))!, yield* q(repo.playsInGame(id)));
    });
  }

  // A store manager sees the games that run at one of their stores (one naming no store runs at all of them),
  // and of those only their stores' draws and QR codes; owners and marketers see everything.
  const runsAtAny = (storeIds: readonly string[], reach: readonly string[]) => storeIds.length === 0 || storeIds.some((s) => reach.includes(s));

  async function listGames(p: Principal): Promise<AdminGame[]> {
    const reach = storeReach(p);
    const all = await store.read(function* () {
      const plays = yield* q(repo.playCounts());
      const out: AdminGame[] = [];
      for (const g of yield* q(repo.games())) out.push(yield* toAdminGame(g, plays.get(g.id) ?? 0));
      return out;
    });
    return all.filter((g) => reach === null || runsAtAny(g.storeIds, reach));
  }

  function* gameFor(p: Principal, id: string) {
    const g = yield* q(repo.game(id));
    if (!g) throw new AppError(ErrorCode.GAME_NOT_FOUND, "Game not found");
    const game = yield* toAdminGame(g, yield* q(repo.playsInGame(id)));
    const reach = storeReach(p);
    if (reach !== null && !runsAtAny(game.storeIds, reach)) throw new AppError(ErrorCode.STORE_FORBIDDEN, "This game does not run at a store you manage");
    return { game, row: g };
  }

  const getGame = async (p: Principal, id: string): Promise<AdminGame> => (await store.read(() => gameFor(p, id))).game;

  async function draws(p: Principal, id: string, filter: DrawFilter, limit: number): Promise<{ draws: AdminDraw[]; nextBefore: number | null }> {
    return store.read(function* () {
      yield* gameFor(p, id);
      const rows = yield* q(repo.drawsOfGame(id, filter, limit, storeReach(p)));
      const out: AdminDraw[] = [];
      for (const r of rows)
        out.push({ ...(yield* toDraw(r.draw)), customer: { id: r.draw.customerId, name: r.customerName }, fallbackReason: r.draw.fallbackReason });
      return { draws: out, nextBefore: rows.length === limit ? rows[rows.length - 1]!.seq : null };
    });
  }

  /** One signed deep link per store the game runs at (every active store when it names none); a store manager's stores only. */
  function* linksOf(p: Principal, id: string) {
    const { game: g, row } = yield* gameFor(p, id);
    const reach = storeReach(p);
    const shops = (g.storeIds.length ? yield* q(repo.storesByIds(g.storeIds)) : yield* q(repo.activeStores())).filter(
      (s) => reach === null || reach.includes(s.id),
    );
    return { row, links: shops.map((s): QrLink => ({ storeId: s.id, storeName: s.name, url: deps.links.link(s.id, g.id) })) };
  }

  const links = async (p: Principal, id: string): Promise<QrLink[]> => (await store.read(() => linksOf(p, id))).links;

  async function qrImage(p: Principal, id: string, storeId: string, format: "png" | "svg") {
    const reach = storeReach(p);
    const { row: g, links: all } = await store.read(() => linksOf(p, id));
    if (reach !== null && !reach.includes(storeId)) throw new AppError(ErrorCode.STORE_FORBIDDEN, "You do not manage this store");
    const link = all.find((l) => l.storeId === storeId);
    if (!link) throw new AppError(ErrorCode.NOT_FOUND, `This game does not run at store ${storeId}`);
    const filename = `qr-${storeId}-${id.slice(0, 8)}.${format}`.replace(/[^a-zA-Z0-9._-]/g, "_");
    if (format === "png") return { contentType: "image/png", filename, body: await qrPrintPng(link.url, { title: link.storeName, subtitle: g.name }) };
    return { contentType: "image/svg+xml; charset=utf-8", filename, body: await qrSvg(link.url, { title: link.storeName, subtitle: g.name }) };
  }

  return { resolve, play, ownDraw, myDraws, onFollow, onUnfollow, createGame, updateGame, listGames, getGame, draws, links, qrImage };
}

export type GameService = ReturnType<typeof createGameService>;
