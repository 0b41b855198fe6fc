import type { Store } from "../../db/store";
import { createWebhookEventRecorder } from "../oa/repo";

export function createPaymentRepo(store: Store) {
  /** Stores a verified Zalo event once; false when its key was seen before (Zalo retries). The oa module owns the table. */
  const recordWebhook = createWebhookEventRecorder(store);

  return { recordWebhook };
}

export type PaymentRepo = ReturnType<typeof createPaymentRepo>;
