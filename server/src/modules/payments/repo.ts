import type { Db } from "../../db/client";
import { recordWebhookEvent } from "../oa/repo";

export function createPaymentRepo(db: Db) {
  /** Stores a verified Zalo event once; false when its key was seen before (Zalo retries). The oa module owns the table. */
  const recordWebhook = (dedupeKey: string, eventName: string, payload: string, at: number) => recordWebhookEvent(db, dedupeKey, eventName, payload, at);

  return { recordWebhook };
}

export type PaymentRepo = ReturnType<typeof createPaymentRepo>;
