import { syncStep } from "../../db/store";
import type { CustomerWrites } from "./customer-writes";
import { idFromTrackingId } from "./dispatcher";
import type { MessagingRepo } from "./repo";

const DAY = 86_400_000;

/** Delivery receipts and unfollows (called by the OA webhook in its transaction). */
export function createReceipts(deps: {
  repo: Pick<MessagingRepo, "outbox" | "currentRules">;
  customerWrites: Pick<CustomerWrites, "setFatigueUntil">;
  /** The broadcast's circuit breaker, checked after an unfollow is blamed on it. */
  checkBreaker: (broadcastId: string) => void;
  now: () => number;
}) {
  const { repo, now } = deps;
  const outbox = repo.outbox;

  function applyReceipt(e: Record<string, any>) {
    const t = now();
    const at = Number(e.message?.delivery_time ?? e.timestamp) || t;
    const ids: string[] = [e.message?.msg_id, ...(e.message?.msg_ids ?? [])].filter(Boolean).map(String);
    if (e.event_name === "user_received_message") {
      const own = e.message?.tracking_id ? idFromTrackingId(String(e.message.tracking_id)) : null;
      if (own !== null) syncStep(outbox.markDelivered(own, at, t));
      for (const id of ids) syncStep(outbox.markDeliveredByMsg(id, at, t));
    } else if (e.event_name === "user_seen_message") {
      for (const id of ids) syncStep(outbox.markSeenByMsg(id, at, t));
    }
  }

  /** An unfollow soon after a message: tighten that person's promotions and count it against the campaign. */
  function onUnfollow(customerId: string, at: number) {
    const { rules } = repo.currentRules();
    const last = syncStep(outbox.lastSentTo(customerId, at - rules.fatigue.unfollowWithinHours * 3_600_000));
    if (!last) return;
    syncStep(outbox.blameUnfollow(last.id, at));
    deps.customerWrites.setFatigueUntil(customerId, at + rules.fatigue.tightenForDays * DAY);
    if (last.broadcast_id) deps.checkBreaker(last.broadcast_id);
  }

  return { applyReceipt, onUnfollow };
}
