import { DRAW_LAST_AT } from "../../db/schema";
import type { Awaitable, Store, SyncView } from "../../db/store";

export type DrawTimelineRow = {
  id: string;
  campaign_id: string;
  game_name: string | null;
  store_id: string;
  store_name: string | null;
  prize_label: string | null;
  prize_kind: "voucher" | "points" | "none" | null;
  win: number;
  fallback_reason: string | null;
  state: "none" | "pending_follow" | "issued" | "void" | "failed";
  voucher_id: string | null;
  points: number | null;
  created_at: number;
  settled_at: number | null;
  settle_reason: string | null;
  hi: number;
};

/** A person's plays for their timeline, by game_draws_timeline_idx (customer, DRAW_LAST_AT, created_at). */
export function createDrawTimelineRepo(store: Store) {
  // `win` as 1/0 on both (PostgreSQL's is a boolean): the row type is the timeline's.
  const cols = (win: string) => `id, campaign_id, (select name from game_campaigns where id = game_draws.campaign_id) as game_name, store_id,
    (select name from stores where id = game_draws.store_id) as store_name, (select label from game_prizes where id = game_draws.prize_id) as prize_label,
    (select kind from game_prizes where id = game_draws.prize_id) as prize_kind, ${win} as win, fallback_reason, state, voucher_id, points, created_at, settled_at,
    settle_reason, ${DRAW_LAST_AT} as hi`;
  // `stores`: a JSON array of store ids, or null for all of them.
  const sqlite = {
    from: `select ${cols("win")} from game_draws indexed by game_draws_timeline_idx`,
    stores: "(? is null or store_id in (select value from json_each(?)))",
  };
  const pg = {
    from: `select ${cols("win::int")} from game_draws`,
    stores: "(?::text is null or store_id in (select json_array_elements_text(?::json)))",
  };
  const both = (f: (d: typeof sqlite) => string) => ({ sqlite: f(sqlite), pg: f(pg) });
  const range = store.prepare<DrawTimelineRow>(
    both((d) => `${d.from} where customer_id = ? and ${DRAW_LAST_AT} between ? and ? and ${d.stores} order by ${DRAW_LAST_AT} desc limit ?`),
  );
  const straddling = store.prepare<DrawTimelineRow>(both((d) => `${d.from} where customer_id = ? and ${DRAW_LAST_AT} > ? and created_at <= ? and ${d.stores}`));
  type P = { customerId: string; stores: string | null };
  return {
    range: (p: P & { min: number; max: number; n: number }): Awaitable<DrawTimelineRow[]> => range.all(p.customerId, p.min, p.max, p.stores, p.stores, p.n),
    straddling: (p: P & { at: number }): Awaitable<DrawTimelineRow[]> => straddling.all(p.customerId, p.at, p.at, p.stores, p.stores),
  };
}

/** The timeline repo as the timeline module (synchronous SQLite code, not ported yet) sees it. */
export type DrawTimelineRepoSync = SyncView<ReturnType<typeof createDrawTimelineRepo>>;
