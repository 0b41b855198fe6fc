import { and, asc, desc, eq, gte, inArray, lte, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { customers, gameCampaigns, gameDraws, gamePrizes, stores, voucherCampaigns } from "../../db/schema";

export type GameRow = typeof gameCampaigns.$inferSelect;
export type PrizeRow = typeof gamePrizes.$inferSelect;
export type DrawRow = typeof gameDraws.$inferSelect;
export type StoreRow = typeof stores.$inferSelect;
export type DrawFilter = { before?: number; storeId?: string; prizeId?: string; state?: DrawRow["state"]; from?: string; to?: string };

const HOUR = 3_600_000;

export function createGameRepo(db: Db) {
  const c = db.$client;
  // The play path runs these once per tap, inside one IMMEDIATE transaction: prepared once.
  const takePrize = c.prepare("update game_prizes set won = won + 1 where id = ? and (stock is null or won < stock)");
  const returnPrize = c.prepare("update game_prizes set won = won - 1 where id = ? and won > 0");
  const playsOnDay = c.prepare("select count(*) as n from game_draws where customer_id = ? and campaign_id = ? and day = ?");
  const playsInGame = c.prepare("select count(*) as n from game_draws where campaign_id = ?");
  const playsInCampaign = c.prepare("select count(*) as n from game_draws where customer_id = ? and campaign_id = ?");
  const prizesAtStoreOnDay = c.prepare(
    "select count(*) as n from game_draws where campaign_id = ? and store_id = ? and day = ? and win = 1 and state in ('issued', 'pending_follow')",
  );
  // A settled draw never changes again: only a pending one moves, by a conditional update.
  const settlePending = c.prepare(
    "update game_draws set state = ?, voucher_id = coalesce(?, voucher_id), settled_at = ?, settle_reason = ? where id = ? and state = 'pending_follow'",
  );

  const n = (r: unknown) => (r as { n: number }).n;

  const game = (id: string) => db.select().from(gameCampaigns).where(eq(gameCampaigns.id, id)).get();
  const games = () => db.select().from(gameCampaigns).orderBy(desc(gameCampaigns.createdAt)).all();
  const insertGame = (row: typeof gameCampaigns.$inferInsert) => db.insert(gameCampaigns).values(row).run();
  const updateGame = (id: string, set: Partial<typeof gameCampaigns.$inferInsert>) => db.update(gameCampaigns).set(set).where(eq(gameCampaigns.id, id)).run();

  /** The slices in wheel order; retired ones are history, never drawn or shown. */
  const prizes = (campaignId: string) =>
    db
      .select()
      .from(gamePrizes)
      .where(and(eq(gamePrizes.campaignId, campaignId), eq(gamePrizes.retired, false)))
      .orderBy(asc(gamePrizes.position))
      .all();
  const allPrizes = (campaignId: string) => db.select().from(gamePrizes).where(eq(gamePrizes.campaignId, campaignId)).all();
  const prize = (id: string) => db.select().from(gamePrizes).where(eq(gamePrizes.id, id)).get();
  const insertPrize = (row: typeof gamePrizes.$inferInsert) => db.insert(gamePrizes).values(row).run();
  const updatePrize = (id: string, set: Partial<typeof gamePrizes.$inferInsert>) => db.update(gamePrizes).set(set).where(eq(gamePrizes.id, id)).run();

  const draw = (id: string) => db.select().from(gameDraws).where(eq(gameDraws.id, id)).get();
  const drawByRequest = (key: string) => db.select().from(gameDraws).where(eq(gameDraws.requestKey, key)).get();
  const insertDraw = (row: typeof gameDraws.$inferInsert) => db.insert(gameDraws).values(row).run();
  const pendingFollow = (customerId: string) =>
    db
      .select()
      .from(gameDraws)
      .where(and(eq(gameDraws.customerId, customerId), eq(gameDraws.state, "pending_follow")))
      .orderBy(asc(gameDraws.createdAt))
      .all();
  // rowid breaks ties: many draws can share a millisecond.
  const seq = sql<number>`${gameDraws}.rowid`;
  const drawsOf = (customerId: string, limit: number) =>
    db.select().from(gameDraws).where(eq(gameDraws.customerId, customerId)).orderBy(desc(gameDraws.createdAt), desc(seq)).limit(limit).all();

  /**
   * A game's draws, newest first, in keyset pages (`before`: the last page's rowid), filtered by store, by the
   * prize the person got, by state and by shop-local day (`from`/`to`, inclusive); `storeIds` (a store
   * manager's) keeps those stores' draws only.
   */
  const drawsOfGame = (campaignId: string, q: DrawFilter, limit: number, storeIds: readonly string[] | null = null) =>
    db
      .select({ draw: gameDraws, customerName: customers.name, seq })
      .from(gameDraws)
      .innerJoin(customers, eq(customers.id, gameDraws.customerId))
      .where(
        and(
          eq(gameDraws.campaignId, campaignId),
          // The page after the draw `before` names, in the index's own order (time, then rowid): no sort.
          q.before === undefined ? undefined : sql`(${gameDraws.createdAt}, ${seq}) < (select created_at, rowid from game_draws where rowid = ${q.before})`,
          storeIds === null ? undefined : inArray(gameDraws.storeId, [...storeIds]),
          q.storeId === undefined ? undefined : eq(gameDraws.storeId, q.storeId),
          q.prizeId === undefined ? undefined : eq(gameDraws.prizeId, q.prizeId),
          q.state === undefined ? undefined : eq(gameDraws.state, q.state),
          q.from === undefined ? undefined : gte(gameDraws.day, q.from),
          q.to === undefined ? undefined : lte(gameDraws.day, q.to),
          // The days as a time range a little wider than any zone's day (UTC−12…+14): the index seeks to it, `day` is exact.
          q.from === undefined ? undefined : gte(gameDraws.createdAt, Date.parse(`${q.from}T00:00:00Z`) - 14 * HOUR),
          q.to === undefined ? undefined : lt(gameDraws.createdAt, Date.parse(`${q.to}T00:00:00Z`) + 36 * HOUR),
        ),
      )
      .orderBy(desc(gameDraws.createdAt), desc(seq))
      .limit(limit)
      .all();

  const prizeGiven = c.prepare("select 1 from game_draws where prize_id = ? limit 1").pluck();

  const playCounts = () =>
    new Map(
      db
        .select({ campaignId: gameDraws.campaignId, n: sql<number>`count(*)` })
        .from(gameDraws)
        .groupBy(gameDraws.campaignId)
        .all()
        .map((r) => [r.campaignId, r.n]),
    );

  const store = (id: string) => db.select().from(stores).where(eq(stores.id, id)).get();
  const storesByIds = (ids: string[]) => (ids.length ? db.select().from(stores).where(inArray(stores.id, ids)).all() : []);
  const activeStores = () => db.select().from(stores).where(eq(stores.active, true)).orderBy(asc(stores.name)).all();
  const voucherCampaignExists = (id: string) => !!db.select({ id: voucherCampaigns.id }).from(voucherCampaigns).where(eq(voucherCampaigns.id, id)).get();

  return {
    game,
    games,
    insertGame,
    updateGame,
    prizes,
    allPrizes,
    prize,
    insertPrize,
    updatePrize,
    /** Takes one unit of a prize's stock; false when none is left. SQLite applies it atomically. */
    takePrize: (id: string) => takePrize.run(id).changes === 1,
    returnPrize: (id: string) => returnPrize.run(id).changes === 1,
    playsOnDay: (customerId: string, campaignId: string, day: string) => n(playsOnDay.get(customerId, campaignId, day)),
    playsInGame: (campaignId: string) => n(playsInGame.get(campaignId)),
    playsInCampaign: (customerId: string, campaignId: string) => n(playsInCampaign.get(customerId, campaignId)),
    prizesAtStoreOnDay: (campaignId: string, storeId: string, day: string) => n(prizesAtStoreOnDay.get(campaignId, storeId, day)),
    settlePending: (p: { id: string; state: "issued" | "void" | "failed"; voucherId?: string | null; at: number; reason: string | null }) =>
      settlePending.run(p.state, p.voucherId ?? null, p.at, p.reason, p.id).changes === 1,
    draw,
    drawByRequest,
    insertDraw,
    pendingFollow,
    drawsOf,
    drawsOfGame,
    /** Whether any draw landed on this prize. */
    prizeGiven: (prizeId: string) => prizeGiven.get(prizeId) !== undefined,
    playCounts,
    store,
    storesByIds,
    activeStores,
    voucherCampaignExists,
  };
}

export type GameRepo = ReturnType<typeof createGameRepo>;
