import type { Db } from "../../db/client";
import { webhookEvents } from "../../db/schema";

export function createPaymentRepo(db: Db) {
  /** Stores a verified Zalo event once; false when its key was seen before (Zalo retries). */
  const recordWebhook = (dedupeKey: string, eventName: string, payload: string, at: number) =>
    db.insert(webhookEvents).values({ dedupeKey, eventName, payload, receivedAt: at }).onConflictDoNothing().run().changes === 1;

  return { recordWebhook };
}

export type PaymentRepo = ReturnType<typeof createPaymentRepo>;
