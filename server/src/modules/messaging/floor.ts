import { syncStep } from "../../db/store";
import { dayKey } from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { forEachRowidSlice, type SliceOptions } from "../../db/chunked";
import { createFloorRepo } from "./floor-repo";
import type { MessagingRepo } from "./repo";

const DAY = 86_400_000;
const MAX_PER_RUN = 50_000;

/** The keep-warm floor. */
export function createFloor(deps: { db: Db; repo: Pick<MessagingRepo, "currentRules" | "queue">; now: () => number; slices?: SliceOptions }) {
  const { db, repo, now } = deps;
  const reads = createFloorRepo(db);

  /**
   * Daily: followers we have not contacted for `silentDays` get one useful message, through the same
   * policy as everything else: their expiring points first, then a voucher about to lapse, then an offer.
   */
  async function proposeFloor() {
    const { rules } = repo.currentRules();
    if (!rules.floor.enabled) return { queued: 0 };
    const t = now();
    const day = dayKey(t, rules.timeZone); // the shop's day, not UTC's: one floor message per local day
    const offer = reads.currentOffer(t);
    let queued = 0;
    let seen = 0;
    // In slices of the customers (each its own transaction; the dedupe key makes a rerun a no-op).
    await forEachRowidSlice(
      db.$client,
      "customers",
      (lo, hi) => {
        const silent = reads.silentIn({ lo, hi, since: t - rules.floor.silentDays * DAY });
        tx(db, () => {
          for (const s of silent) {
            if (seen++ >= MAX_PER_RUN) return;
            const v = reads.voucherSoon(s.id, t);
            let content: string | null = null;
            if (s.points_balance > 0) content = `Bạn đang có ${s.points_balance} điểm thưởng. Ghé cửa hàng để dùng điểm nhé!`;
            else if (v)
              content = `Voucher "${v.name}" của bạn sẽ hết hạn ngày ${new Date(v.expires_at).toLocaleDateString("vi-VN", { timeZone: rules.timeZone })}.`;
            else if (offer) content = `Ưu đãi mới: ${offer.name}. Mở mini app để nhận ngay!`;
            if (!content) continue;
            const template = rules.floor.templateId
              ? { id: rules.floor.templateId, data: { customer_name: s.name.slice(0, 30), content: content.slice(0, 90) } }
              : null;
            if (
              syncStep(
                repo.queue(
                  {
                    customerId: s.id,
                    category: "care",
                    priority: 2,
                    dedupeKey: `floor:${s.id}:${day}`,
                    source: "floor",
                    text: content,
                    template,
                    expiresAt: t + 2 * DAY,
                  },
                  t,
                ),
              )
            )
              queued++;
          }
        });
        return seen < MAX_PER_RUN;
      },
      deps.slices,
    );
    return { queued };
  }

  return { proposeFloor };
}
