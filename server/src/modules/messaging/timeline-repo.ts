import type { Db } from "../../db/client";
import { actorNameSql } from "../../lib/audit-repo";

export type OutboxTimelineRow = {
  id: number;
  category: "transactional" | "care" | "promotion";
  source: string;
  text_head: string | null;
  template_id: string | null;
  state: "queued" | "held" | "ready" | "sending" | "sent" | "delivered" | "seen" | "suppressed" | "failed" | "expired" | "cancelled";
  reason: string | null;
  not_before: number | null;
  expires_at: number | null;
  channel: "cs" | "template_uid" | "zns" | null;
  free: number | null;
  zalo_error: number | null;
  broadcast_id: string | null;
  broadcast_name: string | null;
  broadcast_by: string | null;
  created_at: number;
  sent_at: number | null;
  delivered_at: number | null;
  seen_at: number | null;
};

/** A person's outbox rows (read only: messaging's outbox-repo writes them), by outbox_customer_idx (customer, created_at). */
export function createOutboxTimelineRepo(db: Db) {
  const range = db.$client.prepare(
    `select id, category, source, substr(text, 1, 121) as text_head, template_id, state, reason, not_before, expires_at, channel, free, zalo_error,
       broadcast_id, (select name from broadcasts where id = outbox.broadcast_id) as broadcast_name,
       (select ${actorNameSql("b.created_by")} from broadcasts b where b.id = outbox.broadcast_id) as broadcast_by, created_at, sent_at, delivered_at, seen_at
     from outbox indexed by outbox_customer_idx where customer_id = @customerId and created_at between @min and @max order by created_at desc limit @n`,
  );
  return { range: (p: { customerId: string; min: number; max: number; n: number }) => range.all(p) as OutboxTimelineRow[] };
}
