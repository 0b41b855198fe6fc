// The games' guarantees on both databases, through the service with real concurrency (on PostgreSQL, a pool of
// connections and SERIALIZABLE transactions whose losers run again; on SQLite, one connection, IMMEDIATE transactions).
import { expect, it } from "vitest";
import { ErrorCode, GameCampaignInput, type PlayResult } from "@mc/shared";
import { onBothDatabases } from "../../db/test-stores";
import { q, type Store } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { audit } from "../../lib/audit";
import { createCustomerRepo } from "../customers/repo";
import { createIdentityRepo } from "../identity/repo";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createStoreRepo } from "../stores/repo";
import { createLinkSigner } from "./links";
import { createGameRepo } from "./repo";
import { createGameService, type IssueVoucher } from "./service";

const NOW = Date.UTC(2026, 10, 20, 3);
const marketer = { kind: "operator", id: "mk-1", console: "owner", role: "admin", storeIds: [] } as unknown as Principal;

type Prize = { label: string; kind: "none" | "points" | "voucher"; weight: number; points?: number; stock?: number | null; voucherCampaignId?: string };

async function setUp(store: Store, opts: { randomInt?: (max: number) => number; issue?: IssueVoucher } = {}) {
  const customers = createCustomerRepo(store);
  const stores = createStoreRepo(store);
  const repo = createGameRepo(store);
  const links = createLinkSigner("test-secret", "mini-app-1");
  const games = createGameService({
    store,
    repo,
    // Only the savepoint test gives voucher prizes (the voucher module is not on the store yet).
    vouchers: { issue: opts.issue ?? (() => Promise.reject(new Error("no voucher prizes in this test"))) },
    loyaltyRepo: createLoyaltyRepo(store),
    identityRepo: createIdentityRepo(customers, stores),
    links,
    now: () => NOW,
    timeZone: "Asia/Ho_Chi_Minh",
    randomInt: opts.randomInt,
  });
  const storeId = `s-${Math.random().toString(36).slice(2, 8)}`;
  await stores.insert({ id: storeId, name: "Quầy", createdAt: NOW });
  const people = async (n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => customers.insertCustomer({ zaloId: `z-${Math.random()}`, zaloOaId: null, name: `Khách ${i}` }, NOW)));
  async function game(prizes: Prize[], rules: { playsPerDay?: number; playsPerCustomer?: number | null } = {}) {
    const g = await games.createGame(marketer, GameCampaignInput.parse({ name: "Vòng quay", kind: "wheel", storeIds: [storeId], prizes, ...rules }));
    const u = new URL(links.link(storeId, g.id)).searchParams;
    return { game: g, link: { store: u.get("store")!, campaign: u.get("campaign")!, sig: u.get("sig")! } };
  }
  const rows = <T>(sql: string, ...p: unknown[]) => store.prepare<T>(sql).all(...p) as Promise<T[]> | T[];
  return { games, repo, storeId, people, game, rows };
}

/** Settles every call; the refusals' codes and the plays. */
async function fire(calls: (() => Promise<PlayResult>)[]) {
  const settled = await Promise.allSettled(calls.map((c) => c()));
  const plays = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const refused = settled.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  return { plays, refused };
}

onBothDatabases(
  "games",
  (store) => {
    it("a prize with stock 10 under 200 concurrent plays is won exactly 10 times; the other 190 land on no prize", async () => {
      // The RNG always picks slice 0, the points prize: every play wants it.
      const { games, people, game, rows } = await setUp(store(), { randomInt: () => 0 });
      const { game: g, link } = await game([
        { label: "+50 điểm", kind: "points", points: 50, weight: 1, stock: 10 },
        { label: "Chúc may mắn", kind: "none", weight: 1 },
      ]);
      const who = await people(200);
      const { plays, refused } = await fire(who.map((c) => () => games.play(c.id, link)));
      expect(refused).toEqual([]);
      const winners = plays.filter((p) => p.draw.win);
      expect(winners).toHaveLength(10);
      expect(winners.every((p) => p.draw.state === "issued" && p.draw.points === 50)).toBe(true);
      const prize = (await games.getGame(marketer, g.id)).prizes[0]!;
      expect({ won: prize.won, remaining: prize.remaining }).toEqual({ won: 10, remaining: 0 });
      const byReason = await rows<{ reason: string | null; n: number }>(
        "select fallback_reason as reason, count(*) as n from game_draws where campaign_id = ? group by fallback_reason order by n",
        g.id,
      );
      expect(byReason).toEqual([
        { reason: null, n: 10 },
        { reason: "out_of_stock", n: 190 },
      ]);
      // The ledger has exactly the winners' points: one entry each.
      const ledger = await rows<{ n: number; sum: number }>(
        "select count(*) as n, coalesce(sum(delta), 0) as sum from points_ledger where source_key in (select 'prize:' || id from game_draws where campaign_id = ?)",
        g.id,
      );
      expect(ledger).toEqual([{ n: 10, sum: 500 }]);
    });

    it("1,000 concurrent plays give exactly the prizes the draws decided: won = draws with that prize, stock down by just that", async () => {
      const { games, people, game, rows } = await setUp(store());
      const { game: g, link } = await game(
        [
          { label: "+5 điểm", kind: "points", points: 5, weight: 30, stock: 60 },
          { label: "+20 điểm", kind: "points", points: 20, weight: 10, stock: 400 },
          { label: "+1 điểm", kind: "points", points: 1, weight: 20, stock: null },
          { label: "Chúc may mắn", kind: "none", weight: 40 },
        ],
        { playsPerDay: 50 },
      );
      // 20 people × 50 plays: every play allowed, and each person's plays race each other too.
      const who = await people(20);
      const { plays, refused } = await fire(who.flatMap((c) => Array.from({ length: 50 }, () => () => games.play(c.id, link))));
      expect(refused).toEqual([]);
      expect(plays).toHaveLength(1000);
      const after = await games.getGame(marketer, g.id);
      expect(after.plays).toBe(1000);
      const perPrize = await rows<{ prize: string; n: number; points: number }>(
        "select prize_id as prize, count(*) as n, coalesce(sum(points), 0) as points from game_draws where campaign_id = ? and win = ? group by prize_id",
        g.id,
        1,
      );
      const inDb = new Map(perPrize.map((r) => [r.prize, r]));
      let wins = 0;
      for (const p of after.prizes) {
        if (p.kind === "none") continue;
        // What the plays answered, what the draw log says and the stock counter: one number.
        const answered = plays.filter((x) => x.draw.win && x.draw.slice.id === p.id).length;
        expect(inDb.get(p.id)?.n ?? 0).toBe(answered);
        expect(p.won).toBe(answered);
        if (p.stock !== null) {
          expect(p.won).toBeLessThanOrEqual(p.stock);
          expect(p.remaining).toBe(p.stock - answered);
        }
        expect(inDb.get(p.id)?.points ?? 0).toBe(answered * p.points!);
        wins += answered;
      }
      // The 60-unit prize ran out (its share is ~300 of 1,000): the rest of its draws fell back, recorded as such.
      expect(after.prizes[0]!.won).toBe(60);
      const fallbacks = await rows<{ n: number }>(
        "select count(*) as n from game_draws where campaign_id = ? and drawn_prize_id = ? and fallback_reason = 'out_of_stock'",
        g.id,
        after.prizes[0]!.id,
      );
      expect(fallbacks[0]!.n).toBeGreaterThan(100);
      const winRows = await rows<{ n: number }>("select count(*) as n from game_draws where campaign_id = ? and win = ?", g.id, 1);
      expect(winRows[0]!.n).toBe(wins);
      const ledger = await rows<{ n: number; sum: number }>(
        "select count(*) as n, coalesce(sum(delta), 0) as sum from points_ledger where source_key in (select 'prize:' || id from game_draws where campaign_id = ?)",
        g.id,
      );
      expect(ledger[0]).toEqual({ n: wins, sum: perPrize.reduce((a, r) => a + r.points, 0) });
    }, 120_000); // on PostgreSQL the plays queue on one lock: 1,000 of them take tens of seconds on a loaded 2-core machine

    it("one play per person holds under 50 concurrent plays by that person (per game and per day)", async () => {
      const { games, people, game } = await setUp(store());
      const [lan, minh] = await people(2);
      const prizes: Prize[] = [
        { label: "+1 điểm", kind: "points", points: 1, weight: 1 },
        { label: "Chúc may mắn", kind: "none", weight: 1 },
      ];
      const once = await game(prizes, { playsPerDay: 1, playsPerCustomer: 1 });
      const a = await fire(Array.from({ length: 50 }, () => () => games.play(lan!.id, once.link)));
      expect(a.plays).toHaveLength(1);
      expect(a.refused.every((e) => e instanceof AppError && e.code === ErrorCode.GAME_DAILY_LIMIT_REACHED)).toBe(true);
      expect(a.plays[0]!.playsLeftToday).toBe(0);

      // Two a day: exactly two of 50 pass.
      const twice = await game(prizes, { playsPerDay: 2 });
      const b = await fire(Array.from({ length: 50 }, () => () => games.play(minh!.id, twice.link)));
      expect(b.plays).toHaveLength(2);
      expect(b.refused).toHaveLength(48);
      expect(b.refused.every((e) => e instanceof AppError && e.code === ErrorCode.GAME_DAILY_LIMIT_REACHED)).toBe(true);
      expect((await games.getGame(marketer, twice.game.id)).plays).toBe(2);
    });

    it("stock edits racing 150 plays never oversell: won stays within the stock and equals the draws that got the prize", async () => {
      const { games, people, game, rows } = await setUp(store(), { randomInt: () => 0 });
      const prizes: Prize[] = [
        { label: "+50 điểm", kind: "points", points: 50, weight: 1, stock: 40 },
        { label: "Chúc may mắn", kind: "none", weight: 1 },
      ];
      const { game: g, link } = await game(prizes);
      const ids = g.prizes.map((p) => p.id);
      const edit = (stock: number) =>
        games.updateGame(
          marketer,
          g.id,
          GameCampaignInput.parse({
            name: "Vòng quay",
            kind: "wheel",
            storeIds: g.storeIds,
            prizes: prizes.map((p, i) => ({ ...p, id: ids[i], ...(i ? {} : { stock }) })),
          }),
        );
      const who = await people(150);
      const calls: (() => Promise<unknown>)[] = who.map((c) => () => games.play(c.id, link));
      // Ten edits between the plays, down to 15 and back up: one below what was won by then is refused, none oversells.
      for (let k = 0; k < 10; k++) calls.splice(k * 15 + 7, 0, () => edit([30, 15, 25, 15, 40, 20, 15, 35, 15, 20][k]!));
      const settled = await Promise.allSettled(calls.map((c) => c()));
      const refused = settled.flatMap((r) => (r.status === "rejected" ? [r.reason as AppError] : []));
      expect(refused.every((e) => e instanceof AppError && e.code === ErrorCode.GAME_PRIZE_STOCK_BELOW_WON)).toBe(true);
      const after = (await games.getGame(marketer, g.id)).prizes[0]!;
      expect(after.won).toBeLessThanOrEqual(after.stock!);
      const wins = await rows<{ n: number }>("select count(*) as n from game_draws where campaign_id = ? and win = ?", g.id, 1);
      expect(after.won).toBe(wins[0]!.n);
      expect(after.won).toBeGreaterThan(0);
    });

    it("the same play request sent 30 times at once is one draw, answered alike", async () => {
      const { games, people, game } = await setUp(store());
      const [lan] = await people(1);
      const { game: g, link } = await game(
        [
          { label: "+1 điểm", kind: "points", points: 1, weight: 1 },
          { label: "Chúc may mắn", kind: "none", weight: 1 },
        ],
        { playsPerDay: 5 },
      );
      const { plays, refused } = await fire(Array.from({ length: 30 }, () => () => games.play(lan!.id, { ...link, requestId: "tap-1" })));
      expect(refused).toEqual([]);
      expect(new Set(plays.map((p) => p.draw.id)).size).toBe(1);
      expect((await games.getGame(marketer, g.id)).plays).toBe(1);
    });

    it("a prize that fails to issue is undone by its savepoint alone: stock and its writes back, the play recorded as no prize", async () => {
      const s = store();
      // A voucher that writes, then refuses: its write and the stock unit taken must go, the draw must stay.
      const issue: IssueVoucher = (p) =>
        s.join(function* () {
          yield* q(audit(s, { actor: p.actor, action: "voucher.issue.attempt", targetId: p.sourceKey, at: NOW }));
          throw new AppError(ErrorCode.CAMPAIGN_OUT_OF_STOCK, "none left");
        });
      const { games, people, game, rows } = await setUp(s, { randomInt: () => 0, issue });
      const vc = `vc-${Math.random().toString(36).slice(2, 8)}`;
      await s
        .prepare("insert into voucher_campaigns (id, name, kind, value, created_at, updated_at) values (?, ?, ?, ?, ?, ?)")
        .run(vc, "Giảm", "amount_off", 10_000, NOW, NOW);
      const { game: g, link } = await game([
        { label: "Giảm 10.000đ", kind: "voucher", voucherCampaignId: vc, weight: 1, stock: 5 },
        { label: "Chúc may mắn", kind: "none", weight: 1 },
      ]);
      const who = await people(8);
      const { plays, refused } = await fire(who.map((c) => () => games.play(c.id, link)));
      expect(refused).toEqual([]);
      expect(plays.every((p) => !p.draw.win && p.draw.state === "none")).toBe(true);
      expect((await games.getGame(marketer, g.id)).prizes[0]!.won).toBe(0);
      const reasons = await rows<{ reason: string; n: number }>(
        "select fallback_reason as reason, count(*) as n from game_draws where campaign_id = ? group by fallback_reason",
        g.id,
      );
      expect(reasons).toEqual([{ reason: `issue_failed:${ErrorCode.CAMPAIGN_OUT_OF_STOCK}`, n: 8 }]);
      expect(await rows("select 1 from audit_log where action = 'voucher.issue.attempt'")).toEqual([]);
    });
  },
  { max: 8 },
);
