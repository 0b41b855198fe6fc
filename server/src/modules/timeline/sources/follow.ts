import { sqliteStore, syncView } from "../../../db/store";
import { createFollowTimelineRepo } from "../../oa/timeline-repo";
import { iso, localTime, scan, type SourceFactory } from "../kit";

/** Where a follow came from, as the webhook's `source` says (zalo-platform.md §6; values other than oa_profile are unconfirmed). */
const SOURCE: Record<string, string> = { oa_profile: "trang OA", backfill: "dữ liệu trước khi có lịch sử" };
/** Zalo retries for hours: an event this late is worth saying so. */
const LATE_MS = 10 * 60_000;

/** Follows and unfollows of the OA (follow_events), by Zalo's stamp. No store: a staff view has none. */
export const followSource: SourceFactory = ({ db, timeZone }) => {
  const repo = syncView(sqliteStore(db), createFollowTimelineRepo(sqliteStore(db)));
  return {
    kind: "follow",
    page: (customerId, before, limit, opts) =>
      opts.storeIds
        ? []
        : scan({
            before,
            limit,
            range: (min, max, n) => repo.range({ customerId, min, max, n }),
            id: (r) => r.id,
            hi: (r) => r.at,
            items: (r) => {
              const from = r.source === null ? null : `Nguồn: ${SOURCE[r.source] ?? r.source}`;
              const late = r.received_at - r.at > LATE_MS ? `Zalo báo lúc ${localTime(r.received_at, timeZone)}` : null;
              return [
                {
                  key: `follow:${r.id}`,
                  kind: "follow",
                  at: r.at,
                  title: r.kind === "follow" ? "Quan tâm OA" : "Bỏ quan tâm OA",
                  detail: [from, late].filter(Boolean).join(" · ") || null,
                  storeId: null,
                  actor: null,
                  data: { event: r.kind, source: r.source, receivedAt: iso(r.received_at) },
                },
              ];
            },
          }),
  };
};
