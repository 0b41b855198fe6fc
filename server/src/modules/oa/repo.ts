import type { Db } from "../../db/client";
import { webhookEvents } from "../../db/schema";

/**
 * Stores a verified Zalo event once; false when its key was seen before (Zalo retries). The one insert into
 * webhook_events, whichever module received the event (OA webhooks here, Checkout's callbacks in orders).
 */
export const recordWebhookEvent = (db: Db, dedupeKey: string, eventName: string, payload: string, at: number) =>
  db.insert(webhookEvents).values({ dedupeKey, eventName, payload, receivedAt: at }).onConflictDoNothing().run().changes === 1;

/** The webhook_events table: this module is its only writer. */
export function createOaRepo(db: Db) {
  const record = (dedupeKey: string, eventName: string, payload: string, at: number) => recordWebhookEvent(db, dedupeKey, eventName, payload, at);

  /**
   * Stored events that name any of these Zalo ids lose their payload and their dedupe key (which may hold
   * the id; Zalo's retries of an event come within minutes, long before any erasure). The rows stay, so
   * event counts do. A rare admin action, so a scan is fine.
   */
  function redactIds(zaloIds: string[]) {
    const redact = db.$client.prepare(
      `update webhook_events set payload = '{"erased":true}', dedupe_key = 'erased:' || id where instr(payload, ?) > 0 or instr(dedupe_key, ?) > 0`,
    );
    let redacted = 0;
    for (const id of zaloIds) redacted += redact.run(JSON.stringify(id), id).changes;
    return { redacted };
  }

  return { record, redactIds };
}

export type OaRepo = ReturnType<typeof createOaRepo>;
