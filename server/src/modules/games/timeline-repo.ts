import type { Db } from "../../db/client";
import { DRAW_LAST_AT } from "../../db/schema";

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
export function createDrawTimelineRepo(db: Db) {
  const cols = `id, campaign_id, (select name from game_campaigns where id = game_draws.campaign_id) as game_name, store_id,
    (select name from stores where id = game_draws.store_id) as store_name, (select label from game_prizes where id = game_draws.prize_id) as prize_label,
    (select kind from game_prizes where id = game_draws.prize_id) as prize_kind, win, fallback_reason, state, voucher_id, points, created_at, settled_at,
    settle_reason, ${DRAW_LAST_AT} as hi`;
  const stores = "(@stores is null or store_id in (select value from json_each(@stores)))";
  const range = db.$client.prepare(
    `select ${cols} from game_draws indexed by game_draws_timeline_idx where customer_id = @customerId and ${DRAW_LAST_AT} between @min and @max and ${stores} order by ${DRAW_LAST_AT} desc limit @n`,
  );
  const straddling = db.$client.prepare(
    `select ${cols} from game_draws indexed by game_draws_timeline_idx where customer_id = @customerId and ${DRAW_LAST_AT} > @at and created_at <= @at and ${stores}`,
  );
  type P = { customerId: string; stores: string | null };
  return {
    range: (p: P & { min: number; max: number; n: number }) => range.all(p) as DrawTimelineRow[],
    straddling: (p: P & { at: number }) => straddling.all(p) as DrawTimelineRow[],
  };
}
