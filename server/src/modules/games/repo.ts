import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import { rowReader } from "../../db/rows";
import { gameCampaigns, gameDraws, gamePrizes, stores } from "../../db/schema";
import { type Awaitable, type Statement, type Store, type SyncView, mapStep } from "../../db/store";

export type GameRow = typeof gameCampaigns.$inferSelect;
export type PrizeRow = typeof gamePrizes.$inferSelect;
export type DrawRow = typeof gameDraws.$inferSelect;
export type StoreRow = typeof stores.$inferSelect;
export type DrawFilter = { before?: number; storeId?: string; prizeId?: string; state?: DrawRow["state"]; from?: string; to?: string };

const HOUR = 3_600_000;
/** A value as the driver binds it: booleans as 1/0 (better-sqlite3 binds no booleans; PostgreSQL reads '1' too). */
const bind = (v: unknown) => (typeof v === "boolean" ? (v ? 1 : 0) : (v ?? null));

/** Inserts and partial updates of `table` naming the columns given, each shape prepared once. */
function writer<T extends Table>(store: Store, table: T) {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const name = getTableName(table);
  const cache = new Map<string, Statement<unknown>>();
  const stmt = (key: string, sql: () => string) => {
    let s = cache.get(key);
    if (!s) cache.set(key, (s = store.prepare(sql())));
    return s;
  };
  const keysOf = (r: object) => Object.keys(r).filter((k) => (r as Record<string, unknown>)[k] !== undefined && k in columns);
  return {
    insert(r: T["$inferInsert"]) {
      const keys = keysOf(r);
      const s = stmt(
        `i:${keys}`,
        () => `insert into ${name} (${keys.map((k) => `"${columns[k]!.name}"`).join(", ")}) values (${keys.map(() => "?").join(", ")})`,
      );
      return s.run(...keys.map((k) => bind((r as Record<string, unknown>)[k])));
    },
    update(id: string, set: Partial<T["$inferInsert"]>) {
      const keys = keysOf(set);
      const s = stmt(`u:${keys}`, () => `update ${name} set ${keys.map((k) => `"${columns[k]!.name}" = ?`).join(", ")} where id = ?`);
      return s.run(...keys.map((k) => bind((set as Record<string, unknown>)[k])), id);
    },
  };
}

export function createGameRepo(store: Store) {
  const gameRow = rowReader(gameCampaigns);
  const prizeRow = rowReader(gamePrizes);
  const drawRow = rowReader(gameDraws);
  const storeRow = rowReader(stores);
  const games$ = writer(store, gameCampaigns);
  const prizes$ = writer(store, gamePrizes);
  const draws$ = writer(store, gameDraws);

  const one =
    <R>(r: { read: (v: unknown[] | undefined) => R | undefined }, s: Statement<unknown[]>) =>
    (...p: unknown[]): Awaitable<R | undefined> =>
      mapStep(s.get(...p), (v) => r.read(v));
  const many =
    <R>(r: { read: (v: unknown[] | undefined) => R | undefined }, s: Statement<unknown[]>) =>
    (...p: unknown[]): Awaitable<R[]> =>
      mapStep(s.all(...p), (vs) => vs.map((v) => r.read(v)!));
  const count =
    (s: Statement<number>) =>
    (...p: unknown[]) =>
      mapStep(s.get(...p), (n) => n ?? 0);

  // The play path runs these once per tap, inside one transaction: prepared once.
  const takePrize = store.prepare("update game_prizes set won = won + 1 where id = ? and (stock is null or won < stock)");
  const returnPrize = store.prepare("update game_prizes set won = won - 1 where id = ? and won > 0");
  const playsOnDay = store.prepare<number>("select count(*) from game_draws where customer_id = ? and campaign_id = ? and day = ?", "pluck");
  const playsInGame = store.prepare<number>("select count(*) from game_draws where campaign_id = ?", "pluck");
  const playsInCampaign = store.prepare<number>("select count(*) from game_draws where customer_id = ? and campaign_id = ?", "pluck");
  const prizesAtStoreOnDay = store.prepare<number>(
    "select count(*) from game_draws where campaign_id = ? and store_id = ? and day = ? and win = ? and state in ('issued', 'pending_follow')",
    "pluck",
  );
  // PostgreSQL: every play of one game reads all its prize rows and a winner updates one, so concurrent plays
  // conflict under SERIALIZABLE nearly always and would mostly run again (a retry storm at a busy counter). They
  // queue on this lock instead: a self-conflicting table lock taken as the body's first statement, before the
  // transaction's snapshot (LOCK takes none), so a play sees every play before it and none fails for that.
  // game_campaigns, which only admin edits write: the follow flow's game_prizes and draw writes never wait on it.
  // SQLite needs nothing: its IMMEDIATE transaction is one writer already.
  const playQueue = store.dialect === "postgres" ? store.prepare("lock table game_campaigns in share row exclusive mode") : null;
  // A settled draw never changes again: only a pending one moves, by a conditional update.
  const settlePending = store.prepare(
    "update game_draws set state = ?, voucher_id = coalesce(?, voucher_id), settled_at = ?, settle_reason = ? where id = ? and state = 'pending_follow'",
  );

  const game = one(gameRow, store.prepare(`${gameRow.selectAll} where id = ?`, "array"));
  const games = many(gameRow, store.prepare(`${gameRow.selectAll} order by created_at desc`, "array"));
  /** The slices in wheel order; retired ones are history, never drawn or shown. */
  const livePrizes = many(prizeRow, store.prepare(`${prizeRow.selectAll} where campaign_id = ? and retired = ? order by position`, "array"));
  const allPrizes = many(prizeRow, store.prepare(`${prizeRow.selectAll} where campaign_id = ?`, "array"));
  const prize = one(prizeRow, store.prepare(`${prizeRow.selectAll} where id = ?`, "array"));
  const draw = one(drawRow, store.prepare(`${drawRow.selectAll} where id = ?`, "array"));
  const drawByRequest = one(drawRow, store.prepare(`${drawRow.selectAll} where request_key = ?`, "array"));
  const pendingFollow = many(drawRow, store.prepare(`${drawRow.selectAll} where customer_id = ? and state = 'pending_follow' order by created_at`, "array"));
  // rowid breaks ties: many draws can share a millisecond (PostgreSQL has a rowid identity column too).
  const drawsOf = many(drawRow, store.prepare(`${drawRow.selectAll} where customer_id = ? order by created_at desc, rowid desc limit ?`, "array"));
  const prizeGiven = store.prepare("select 1 from game_draws where prize_id = ? limit 1", "pluck");
  const playCounts = store.prepare<[string, number]>("select campaign_id, count(*) from game_draws group by campaign_id", "array");
  const storeById = one(storeRow, store.prepare(`${storeRow.selectAll} where id = ?`, "array"));
  const activeStores = many(storeRow, store.prepare(`${storeRow.selectAll} where active = ? order by name`, "array"));
  const voucherCampaignExists = store.prepare("select 1 from voucher_campaigns where id = ?", "pluck");

  // A game's draw log: every draw column, then the person's name and the draw's rowid (the keyset).
  const drawCols = Object.values(getTableColumns(gameDraws)).map((c) => `d."${c.name}"`);
  const nDrawCols = drawCols.length;
  const logStmts = new Map<string, Statement<unknown[]>>();

  /**
   * A game's draws, newest first, in keyset pages (`before`: the last page's rowid), filtered by store, by the
   * prize the person got, by state and by shop-local day (`from`/`to`, inclusive); `storeIds` (a store
   * manager's) keeps those stores' draws only.
   */
  function drawsOfGame(
    campaignId: string,
    f: DrawFilter,
    limit: number,
    storeIds: readonly string[] | null = null,
  ): Awaitable<{ draw: DrawRow; customerName: string; seq: number }[]> {
    if (storeIds !== null && storeIds.length === 0) return [];
    const where = ["d.campaign_id = ?"];
    const params: unknown[] = [campaignId];
    const add = (sql: string, ...p: unknown[]) => (where.push(sql), params.push(...p));
    // The page after the draw `before` names, in the index's own order (time, then rowid): no sort.
    if (f.before !== undefined) add("(d.created_at, d.rowid) < (select created_at, rowid from game_draws where rowid = ?)", f.before);
    if (storeIds !== null) add(`d.store_id in (${storeIds.map(() => "?").join(", ")})`, ...storeIds);
    if (f.storeId !== undefined) add("d.store_id = ?", f.storeId);
    if (f.prizeId !== undefined) add("d.prize_id = ?", f.prizeId);
    if (f.state !== undefined) add("d.state = ?", f.state);
    // The days as a time range a little wider than any zone's day (UTC−12…+14): the index seeks to it, `day` is exact.
    if (f.from !== undefined) add("d.day >= ? and d.created_at >= ?", f.from, Date.parse(`${f.from}T00:00:00Z`) - 14 * HOUR);
    if (f.to !== undefined) add("d.day <= ? and d.created_at < ?", f.to, Date.parse(`${f.to}T00:00:00Z`) + 36 * HOUR);
    const sql = `select ${drawCols.join(", ")}, c.name, d.rowid from game_draws d join customers c on c.id = d.customer_id
      where ${where.join(" and ")} order by d.created_at desc, d.rowid desc limit ?`;
    let s = logStmts.get(sql);
    if (!s) {
      s = store.prepare(sql, "array");
      // One statement per filter shape (a handful, and store managers' store counts): bounded in practice.
      if (logStmts.size < 256) logStmts.set(sql, s);
    }
    return mapStep(s.all(...params, limit), (rows) =>
      rows.map((v) => ({ draw: drawRow.read(v.slice(0, nDrawCols))!, customerName: v[nDrawCols] as string, seq: v[nDrawCols + 1] as number })),
    );
  }

  return {
    game,
    games,
    insertGame: (row: typeof gameCampaigns.$inferInsert) => games$.insert(row),
    updateGame: (id: string, set: Partial<typeof gameCampaigns.$inferInsert>) => games$.update(id, set),
    prizes: (campaignId: string) => livePrizes(campaignId, 0),
    allPrizes,
    prize,
    insertPrize: (row: typeof gamePrizes.$inferInsert) => prizes$.insert(row),
    updatePrize: (id: string, set: Partial<typeof gamePrizes.$inferInsert>) => prizes$.update(id, set),
    /** The plays' queue (see playQueue): the first step of a play's (or a prize edit's) body. */
    queuePlay: (): Awaitable<unknown> => playQueue?.run(),
    /** Takes one unit of a prize's stock; false when none is left (a conditional update: atomic on both databases). */
    takePrize: (id: string) => mapStep(takePrize.run(id), (r) => r.changes === 1),
    returnPrize: (id: string) => mapStep(returnPrize.run(id), (r) => r.changes === 1),
    playsOnDay: count(playsOnDay) as (customerId: string, campaignId: string, day: string) => Awaitable<number>,
    playsInGame: count(playsInGame) as (campaignId: string) => Awaitable<number>,
    playsInCampaign: count(playsInCampaign) as (customerId: string, campaignId: string) => Awaitable<number>,
    prizesAtStoreOnDay: (campaignId: string, storeId: string, day: string) => count(prizesAtStoreOnDay)(campaignId, storeId, day, 1),
    settlePending: (p: { id: string; state: "issued" | "void" | "failed"; voucherId?: string | null; at: number; reason: string | null }) =>
      mapStep(settlePending.run(p.state, p.voucherId ?? null, p.at, p.reason, p.id), (r) => r.changes === 1),
    draw,
    drawByRequest,
    insertDraw: (row: typeof gameDraws.$inferInsert) => draws$.insert(row),
    pendingFollow,
    drawsOf: (customerId: string, limit: number) => drawsOf(customerId, limit),
    drawsOfGame,
    /** Whether any draw landed on this prize. */
    prizeGiven: (prizeId: string) => mapStep(prizeGiven.get(prizeId), (v) => v !== undefined),
    playCounts: () => mapStep(playCounts.all(), (rows) => new Map(rows.map(([id, n]) => [id, n]))),
    store: (id: string) => storeById(id),
    storesByIds: (ids: string[]): Awaitable<StoreRow[]> =>
      ids.length ? many(storeRow, store.prepare(`${storeRow.selectAll} where id in (${ids.map(() => "?").join(", ")})`, "array"))(...ids) : [],
    activeStores: () => activeStores(1),
    voucherCampaignExists: (id: string) => mapStep(voucherCampaignExists.get(id), (v) => v !== undefined),
  };
}

export type GameRepo = ReturnType<typeof createGameRepo>;
/** The game repo as synchronous SQLite code not ported to the store yet sees it. */
export type GameRepoSync = SyncView<GameRepo>;
