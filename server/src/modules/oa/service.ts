import { eq, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { customers, webhookEvents } from "../../db/schema";
import type { IdentityRepo } from "../identity/repo";

type Event = Record<string, unknown> & { event_name?: string; timestamp?: string; user_id_by_app?: string };

const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : undefined);

/**
 * Zalo retries a webhook it thinks failed, so every event is keyed: the message id when there is one,
 * else event + timestamp + user (zalo-platform.md §6.1).
 */
export function dedupeKey(e: Event): string {
  const msg = e.message as { msg_id?: unknown; tracking_id?: unknown } | undefined;
  const user = str((e.follower as { id?: unknown })?.id) ?? str((e.sender as { id?: unknown })?.id) ?? str(e.user_id_by_app) ?? "";
  if (msg?.msg_id) return `${e.event_name}:msg:${str(msg.msg_id)}`;
  return `${e.event_name}:${str(e.timestamp)}:${user}`;
}

/** What other modules do when a person follows or unfollows; called inside the event's transaction. */
export type FollowHooks = {
  onFollow(p: { customerId: string; at: number; eventKey: string }): unknown;
  onUnfollow(p: { customerId: string; at: number; eventKey: string }): unknown;
};

/** Acts on OA events. Follow links the OA-scoped id to the person through `user_id_by_app`. */
export function createOaService(deps: {
  db: Db;
  identityRepo: Pick<IdentityRepo, "insertCustomer">;
  now: () => number;
  followHooks?: FollowHooks;
  /** Delivery and seen receipts for our messages (OA and ZNS). */
  onReceipt?: (e: Record<string, unknown>) => unknown;
}) {
  const { db, now } = deps;

  /** Stores the event once and applies it in the same transaction. Returns false for a duplicate. */
  function handleEvent(e: Event): { duplicate: boolean } {
    return tx(db, () => {
      const inserted = db
        .insert(webhookEvents)
        .values({ dedupeKey: dedupeKey(e), eventName: String(e.event_name ?? "unknown"), payload: JSON.stringify(e), receivedAt: now() })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) return { duplicate: true };
      apply(e);
      return { duplicate: false };
    });
  }

  function apply(e: Event) {
    const at = Number(e.timestamp) || now();
    const name = String(e.event_name ?? "");
    if (name === "follow" || name === "unfollow") {
      const oaUserId = str((e.follower as { id?: unknown })?.id);
      if (!oaUserId) return;
      const row = findOrCreate(oaUserId, str(e.user_id_by_app));
      const follow = name === "follow";
      db.update(customers)
        .set(follow ? { followsOa: true, followedAt: at, lastInteractionAt: at, updatedAt: now() } : { followsOa: false, unfollowedAt: at, updatedAt: now() })
        .where(eq(customers.id, row.id))
        .run();
      // Same transaction as the stored event: a redelivered follow (deduped above) never issues a prize twice.
      const hook = { customerId: row.id, at, eventKey: dedupeKey(e) };
      if (follow) deps.followHooks?.onFollow(hook);
      else deps.followHooks?.onUnfollow(hook);
      return;
    }
    if (name === "user_received_message" || name === "user_seen_message") {
      deps.onReceipt?.(e);
      return;
    }
    // Any user → OA event opens the consultation window (48 h free / 7 days, §5.6).
    if (name.startsWith("user_send_") || name === "user_submit_info" || name.startsWith("user_click")) {
      const oaUserId = str((e.sender as { id?: unknown })?.id);
      if (!oaUserId) return;
      const row = findOrCreate(oaUserId, str(e.user_id_by_app));
      db.update(customers).set({ lastInteractionAt: at, updatedAt: now() }).where(eq(customers.id, row.id)).run();
    }
  }

  /** A follower who never opened the mini app still becomes a customer record, ready to be warmed. */
  function findOrCreate(oaUserId: string, appUserId: string | undefined) {
    const matches = db
      .select()
      .from(customers)
      .where(appUserId ? or(eq(customers.zaloOaId, oaUserId), eq(customers.zaloId, appUserId)) : eq(customers.zaloOaId, oaUserId))
      .all();
    const row = matches.find((m) => m.zaloOaId === oaUserId) ?? matches[0];
    if (row) {
      if (!row.zaloOaId) db.update(customers).set({ zaloOaId: oaUserId }).where(eq(customers.id, row.id)).run();
      if (!row.zaloId && appUserId && !matches.some((m) => m.id !== row.id && m.zaloId === appUserId)) {
        db.update(customers).set({ zaloId: appUserId }).where(eq(customers.id, row.id)).run();
      }
      return row;
    }
    return deps.identityRepo.insertCustomer({ zaloId: appUserId ?? null, zaloOaId: oaUserId, name: "Zalo follower" }, now());
  }

  /**
   * The person's data was erased: stored events that name any of their Zalo ids lose their payload and their
   * dedupe key (which may hold the id; Zalo's retries of an event come within minutes, long before any
   * erasure). The rows stay, so event counts do. A rare admin action, so a scan is fine.
   */
  function forgetIds(zaloIds: string[]) {
    const redact = db.$client.prepare(
      `update webhook_events set payload = '{"erased":true}', dedupe_key = 'erased:' || id where instr(payload, ?) > 0 or instr(dedupe_key, ?) > 0`,
    );
    let redacted = 0;
    for (const id of zaloIds) redacted += redact.run(JSON.stringify(id), id).changes;
    return { redacted };
  }

  return { handleEvent, forgetIds };
}

export type OaService = ReturnType<typeof createOaService>;
