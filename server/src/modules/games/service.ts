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
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { syncStep } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit, SYSTEM, type Actor } from "../../lib/audit";
import { storeReach } from "../../lib/scope";
import type { NewMessage } from "../messaging/repo";
import type { LoyaltyRepoSync } from "../loyalty/repo";
import type { VoucherService } from "../vouchers/service";
import type { IdentityRepoSync } from "../identity/repo";
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

export function createGameService(deps: {
  db: Db;
  repo: GameRepo;
  vouchers: Pick<VoucherService, "issue">;
  loyaltyRepo: Pick<LoyaltyRepoSync, "append" | "currentRules">;
  identityRepo: Pick<IdentityRepoSync, "byId" | "storeExists">;
  links: LinkSigner;
  now: () => number;
  /** The shop's time zone (SHOP_TIME_ZONE): plays per day count on its calendar days. */
  timeZone: string;
  /** Uniform integer in [0, max); node:crypto by default, injectable so a test can pin an outcome. */
  randomInt?: (max: number) => number;
  /** The one way out for messages (the outbox), called inside the caller's transaction. */
  notify?: (m: NewMessage) => unknown;
}) {
  const { db, repo, now } = deps;
  const randomInt = deps.randomInt ?? ((max: number) => cryptoRandomInt(max));

  /** Runs `fn` as a savepoint inside the caller's transaction: a throw undoes only its own writes. */
  const savepoint = <T>(fn: () => T): T => db.$client.transaction(fn)();

  // ---- views ----

  function toDraw(d: DrawRow): GameDraw {
    const slice = repo.prize(d.prizeId)!;
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

  function toAdminGame(g: GameRow, plays: number): AdminGame {
    const prizes = repo.prizes(g.id);
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
  function openLink(p: QrLinkBody, at: number) {
    const check = deps.links.verify(p);
    if (!check.ok) throw new AppError(ErrorCode.QR_LINK_INVALID, "This QR code is not valid: ask the staff for a new one");
    const game = repo.game(check.campaign);
    const store = repo.store(check.store);
    if (!game || !store) throw new AppError(ErrorCode.GAME_NOT_FOUND, "This game no longer exists");
    const storeIds: string[] = JSON.parse(game.storeIds);
    if (!store.active || (storeIds.length > 0 && !storeIds.includes(store.id)))
      throw new AppError(ErrorCode.GAME_NOT_ACTIVE, "This game is not running at this store");
    const state = gameWindowState(game, at);
    if (state !== "open") {
      const [code, message] = WINDOW_ERROR[state];
      throw new AppError(code, message);
    }
    return { game, store };
  }

  const playsLeftToday = (g: GameRow, customerId: string, at: number) => {
    const daily = g.playsPerDay - repo.playsOnDay(customerId, g.id, dayKey(at, deps.timeZone));
    const total = g.playsPerCustomer === null ? daily : g.playsPerCustomer - repo.playsInCampaign(customerId, g.id);
    return Math.max(0, Math.min(daily, total));
  };

  /** What the mini app shows when a QR code opens it: the game, the store, the published odds. */
  function resolve(customerId: string, p: QrLinkBody): GameConfig {
    const at = now();
    const { game, store } = openLink(p, at);
    const prizes = repo.prizes(game.id);
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
      store: { id: store.id, name: store.name },
      slices: prizes.map((x, i) => ({
        id: x.id,
        label: x.label,
        kind: x.kind,
        points: x.points,
        weight: x.weight,
        odds: odds[i]!,
        requiresFollow: x.requiresFollow,
      })),
      playsLeftToday: playsLeftToday(game, customerId, at),
    };
  }

  // ---- prizes ----

  /** Gives a prize now: a voucher through the voucher service, or points through the ledger. Inside a transaction. */
  function award(p: { drawId: string; prize: PrizeRow; points: number | null; customerId: string; storeId: string; at: number; actor: Actor }) {
    const sourceKey = `prize:${p.drawId}`;
    if (p.prize.kind === "voucher") {
      const { voucher } = syncStep(
        deps.vouchers.issue({ campaignId: p.prize.voucherCampaignId!, customerId: p.customerId, source: "prize", sourceKey, actor: p.actor }),
      );
      return { voucherId: voucher.id };
    }
    const { rules } = deps.loyaltyRepo.currentRules();
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
    });
    return { voucherId: null };
  }

  /**
   * One play. Everything happens in one IMMEDIATE transaction: the limits, the draw (crypto RNG over the
   * published weights), the stock (conditional update), the store's daily budget, the prize itself and
   * the draw record. Two plays never both see the last unit of stock.
   */
  function play(customerId: string, body: QrLinkBody & { requestId?: string }): PlayResult {
    const requestKey = body.requestId ? `play:${customerId}:${body.requestId}` : null;
    return tx(db, () => {
      const at = now();
      if (requestKey) {
        const existing = repo.drawByRequest(requestKey);
        if (existing) return { draw: toDraw(existing), playsLeftToday: playsLeftToday(repo.game(existing.campaignId)!, customerId, at) };
      }
      const { game, store } = openLink(body, at);
      const day = dayKey(at, deps.timeZone);
      if (repo.playsOnDay(customerId, game.id, day) >= game.playsPerDay) {
        throw new AppError(ErrorCode.GAME_DAILY_LIMIT_REACHED, `You have used all ${game.playsPerDay} plays for today: come back tomorrow`);
      }
      if (game.playsPerCustomer !== null && repo.playsInCampaign(customerId, game.id) >= game.playsPerCustomer) {
        throw new AppError(ErrorCode.GAME_PLAY_LIMIT_REACHED, "You have used all your plays for this game");
      }
      const prizes = repo.prizes(game.id);
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
      const customer = deps.identityRepo.byId(customerId)!;
      const actor: Actor = { kind: "customer", id: customerId };
      let outcome: { prize: PrizeRow; state: DrawRow["state"]; voucherId: string | null; fallbackReason: string | null } = {
        prize: drawn,
        state: "none",
        voucherId: null,
        fallbackReason: null,
      };

      if (drawn.kind !== "none") {
        try {
          outcome = savepoint(() => {
            const budget = game.dailyPrizeBudgetPerStore;
            if (budget !== null && repo.prizesAtStoreOnDay(game.id, store.id, day) >= budget) throw new Fallback("daily_budget");
            if (!repo.takePrize(drawn.id)) throw new Fallback("out_of_stock");
            // Only the follow webhook proves a follow; the flag it sets is all we trust.
            if (drawn.requiresFollow && !customer.followsOa) return { prize: drawn, state: "pending_follow", voucherId: null, fallbackReason: null };
            const { voucherId } = award({ drawId: id, prize: drawn, points: drawn.points, customerId, storeId: store.id, at, actor });
            return { prize: drawn, state: "issued", voucherId, fallbackReason: null };
          });
        } catch (err) {
          const reason = err instanceof Fallback ? err.reason : err instanceof AppError ? `issue_failed:${err.code}` : null;
          if (reason === null) throw err;
          outcome = { prize: noPrize, state: "none", voucherId: null, fallbackReason: reason };
        }
      }

      const win = outcome.prize.kind !== "none";
      repo.insertDraw({
        id,
        campaignId: game.id,
        customerId,
        storeId: store.id,
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
      });
      return { draw: toDraw(repo.draw(id)!), playsLeftToday: playsLeftToday(game, customerId, at) };
    });
  }

  /** A shopper's own draw; another person's looks exactly like a missing one. */
  function ownDraw(customerId: string, id: string): GameDraw {
    const d = repo.draw(id);
    if (!d || d.customerId !== customerId) throw new AppError(ErrorCode.DRAW_NOT_FOUND, "Draw not found");
    return toDraw(d);
  }

  const myDraws = (customerId: string) => repo.drawsOf(customerId, 50).map(toDraw);

  // ---- the OA follow flow (called by the oa module inside the webhook's transaction) ----

  /**
   * The follow webhook arrived: issue every prize that waited on it, and tell the person their prize is in their wallet.
   * Runs inside the webhook event's transaction, so a redelivered event (deduped there) issues nothing twice.
   * A prize that can no longer be issued (voucher campaign ended…) is marked failed and its stock returned.
   */
  function onFollow(p: { customerId: string; eventKey: string }) {
    const at = now();
    const issued: string[] = [];
    for (const d of repo.pendingFollow(p.customerId)) {
      const prize = repo.prize(d.prizeId)!;
      try {
        savepoint(() => {
          const { voucherId } = award({ drawId: d.id, prize, points: d.points, customerId: p.customerId, storeId: d.storeId, at, actor: SYSTEM });
          if (!repo.settlePending({ id: d.id, state: "issued", voucherId, at, reason: "followed" })) throw new Fallback("already_settled");
        });
        issued.push(d.id);
      } catch (err) {
        if (err instanceof Fallback) continue;
        if (!(err instanceof AppError)) throw err;
        if (repo.settlePending({ id: d.id, state: "failed", at, reason: `issue_failed:${err.code}` })) repo.returnPrize(d.prizeId);
      }
    }
    if (issued.length) {
      deps.notify?.({
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
      });
    }
    return { issued };
  }

  /** Unfollowed before the prize was issued: the pending prize is void and its unit goes back to stock. */
  function onUnfollow(p: { customerId: string }) {
    const at = now();
    let voided = 0;
    for (const d of repo.pendingFollow(p.customerId)) {
      if (repo.settlePending({ id: d.id, state: "void", at, reason: "unfollowed" })) {
        repo.returnPrize(d.prizeId);
        voided++;
      }
    }
    return { voided };
  }

  // ---- admin ----

  function checkInput(input: GameCampaignInput) {
    const unknownStores = input.storeIds.filter((s) => !deps.identityRepo.storeExists(s));
    if (unknownStores.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown store: ${unknownStores.join(", ")}`);
    const unknownVouchers = input.prizes
      .filter((x) => x.kind === "voucher" && !repo.voucherCampaignExists(x.voucherCampaignId!))
      .map((x) => x.voucherCampaignId);
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

  function createGame(actor: Principal, input: GameCampaignInput): AdminGame {
    if (input.prizes.some((x) => x.id)) throw new AppError(ErrorCode.VALIDATION_FAILED, "A new game's prizes have no ids yet");
    checkInput(input);
    const id = randomUUID();
    const at = now();
    tx(db, () => {
      repo.insertGame({ id, ...gameRow(input), createdAt: at, updatedAt: at });
      input.prizes.forEach((x, i) => repo.insertPrize({ id: randomUUID(), campaignId: id, ...prizeRow(x, i) }));
      audit(db, { actor: actorOf(actor), action: "game.create", targetId: id, details: input, at });
    });
    return toAdminGame(repo.game(id)!, 0);
  }

  /** Prizes are matched by id, so stock counters survive an edit; a prize left out is retired, never deleted. */
  function updateGame(actor: Principal, id: string, input: GameCampaignInput): AdminGame {
    checkInput(input);
    const at = now();
    tx(db, () => {
      if (!repo.game(id)) throw new AppError(ErrorCode.GAME_NOT_FOUND, "Game not found");
      const current = new Map(repo.allPrizes(id).map((x) => [x.id, x]));
      input.prizes.forEach((x, i) => {
        if (!x.id) return repo.insertPrize({ id: randomUUID(), campaignId: id, ...prizeRow(x, i) });
        const cur = current.get(x.id);
        if (!cur) throw new AppError(ErrorCode.VALIDATION_FAILED, `Prize ${x.id} is not part of this game`);
        // Inside the IMMEDIATE transaction no play can move `won` between this check and the write; a play after
        // it takes stock only while won < stock, so lowering the stock can never oversell.
        if (x.kind !== "none" && x.stock !== null && x.stock < cur.won)
          throw new AppError(ErrorCode.GAME_PRIZE_STOCK_BELOW_WON, `Stock of "${x.label}" cannot go below the ${cur.won} already won`, {
            prize: i,
            won: cur.won,
          });
        // A pending follow-gated draw is issued from its prize row: what a prize gives is fixed once someone got it.
        const next = prizeRow(x, i);
        if ((next.kind !== cur.kind || next.voucherCampaignId !== cur.voucherCampaignId || next.points !== cur.points) && repo.prizeGiven(cur.id))
          throw new AppError(ErrorCode.GAME_PRIZE_LOCKED, `"${cur.label}" was already won: add a new prize instead of changing what it gives`, {
            prize: i,
          });
        repo.updatePrize(x.id, next);
      });
      const kept = new Set(input.prizes.flatMap((x) => (x.id ? [x.id] : [])));
      for (const cur of current.values()) if (!kept.has(cur.id) && !cur.retired) repo.updatePrize(cur.id, { retired: true });
      repo.updateGame(id, { ...gameRow(input), updatedAt: at });
      audit(db, { actor: actorOf(actor), action: "game.update", targetId: id, details: input, at });
    });
    return toAdminGame(repo.game(id)!, repo.playsInGame(id));
  }

  // A store manager sees the games that run at one of their stores (one naming no store runs at all of them),
  // and of those only their stores' draws and QR codes; owners and marketers see everything.
  const runsAtAny = (storeIds: readonly string[], reach: readonly string[]) => storeIds.length === 0 || storeIds.some((s) => reach.includes(s));

  function listGames(p: Principal): AdminGame[] {
    const plays = repo.playCounts();
    const reach = storeReach(p);
    return repo
      .games()
      .map((g) => toAdminGame(g, plays.get(g.id) ?? 0))
      .filter((g) => reach === null || runsAtAny(g.storeIds, reach));
  }

  function getGame(p: Principal, id: string): AdminGame {
    const g = repo.game(id);
    if (!g) throw new AppError(ErrorCode.GAME_NOT_FOUND, "Game not found");
    const game = toAdminGame(g, repo.playsInGame(id));
    const reach = storeReach(p);
    if (reach !== null && !runsAtAny(game.storeIds, reach)) throw new AppError(ErrorCode.STORE_FORBIDDEN, "This game does not run at a store you manage");
    return game;
  }

  function draws(p: Principal, id: string, filter: DrawFilter, limit: number): { draws: AdminDraw[]; nextBefore: number | null } {
    getGame(p, id);
    const rows = repo.drawsOfGame(id, filter, limit, storeReach(p));
    return {
      draws: rows.map((r) => ({ ...toDraw(r.draw), customer: { id: r.draw.customerId, name: r.customerName }, fallbackReason: r.draw.fallbackReason })),
      nextBefore: rows.length === limit ? rows[rows.length - 1]!.seq : null,
    };
  }

  /** One signed deep link per store the game runs at (every active store when it names none); a store manager's stores only. */
  function links(p: Principal, id: string): QrLink[] {
    const g = getGame(p, id);
    const reach = storeReach(p);
    const stores = (g.storeIds.length ? repo.storesByIds(g.storeIds) : repo.activeStores()).filter((s) => reach === null || reach.includes(s.id));
    return stores.map((s) => ({ storeId: s.id, storeName: s.name, url: deps.links.link(s.id, g.id) }));
  }

  async function qrImage(p: Principal, id: string, storeId: string, format: "png" | "svg") {
    const reach = storeReach(p);
    getGame(p, id);
    if (reach !== null && !reach.includes(storeId)) throw new AppError(ErrorCode.STORE_FORBIDDEN, "You do not manage this store");
    const link = links(p, id).find((l) => l.storeId === storeId);
    if (!link) throw new AppError(ErrorCode.NOT_FOUND, `This game does not run at store ${storeId}`);
    const g = repo.game(id)!;
    const filename = `qr-${storeId}-${id.slice(0, 8)}.${format}`.replace(/[^a-zA-Z0-9._-]/g, "_");
    if (format === "png") return { contentType: "image/png", filename, body: await qrPrintPng(link.url, { title: link.storeName, subtitle: g.name }) };
    return { contentType: "image/svg+xml; charset=utf-8", filename, body: await qrSvg(link.url, { title: link.storeName, subtitle: g.name }) };
  }

  return { resolve, play, ownDraw, myDraws, onFollow, onUnfollow, createGame, updateGame, listGames, getGame, draws, links, qrImage };
}

export type GameService = ReturnType<typeof createGameService>;
