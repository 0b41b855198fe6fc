import { createHash } from "node:crypto";
import type { Clock, EmulatorState, WebhookDelivery } from "./state";

/** §6.1: `mac=` + plain SHA-256 hex of app_id + rawBody + timestamp + OA secret key (not an HMAC). */
export function signWebhook(appId: string, rawBody: string, timestamp: string, secret: string): string {
  return createHash("sha256")
    .update(appId + rawBody + timestamp + secret, "utf8")
    .digest("hex");
}

export type DeliveryOutcome = { delivered: boolean; status: number | null; attempts: number; deliveryId: number | null; error?: string };

/**
 * Sends signed webhooks to the configured URL. The first attempt is awaited (tests stay deterministic);
 * failures (non-2xx or network) are retried in the background on `config.retrySchedule`, the same body
 * and signature each time, with a `num_retry` header as §6.1 describes.
 */
export function createWebhookSender(state: EmulatorState, clock: Clock) {
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 1;

  async function attempt(d: WebhookDelivery, retry: number): Promise<void> {
    const headers: Record<string, string> = { ...d.headers };
    if (retry > 0) headers["num_retry"] = String(retry);
    try {
      const res = await fetch(d.url, { method: "POST", headers, body: d.body, signal: AbortSignal.timeout(state.config.webhookTimeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      d.attempts.push({ at: clock.now(), status: res.status });
      if (res.ok) d.delivered = true;
    } catch (err) {
      d.attempts.push({ at: clock.now(), status: null, error: (err as Error).message });
    }
    if (d.delivered) {
      d.done = true;
      return;
    }
    const delay = state.config.retrySchedule[retry];
    if (delay === undefined) {
      d.done = true;
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(d, retry + 1);
    }, delay);
    timers.add(timer);
  }

  /**
   * Builds, signs and sends one event (`event_name` and `timestamp` strings). An event with no `app_id` (ZNS/OA
   * system events, §7.7) is signed with this app's id as the first term: Zalo signs for the app whose webhook
   * URL it calls [INFERRED].
   */
  async function send(event: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<DeliveryOutcome> {
    const url = state.config.webhookUrl;
    if (!url) return { delivered: false, status: null, attempts: 0, deliveryId: null, error: "no webhook url configured" };
    const body = JSON.stringify(event);
    const mac = signWebhook(String(event.app_id ?? state.config.appId), body, String(event.timestamp), state.config.oaSecretKey);
    const d: WebhookDelivery = {
      id: nextId++,
      eventName: String(event.event_name),
      url,
      body,
      headers: { "content-type": "application/json", "X-ZEvent-Signature": `mac=${mac}`, ...extraHeaders },
      attempts: [],
      delivered: false,
      done: false,
    };
    state.webhooks.push(d);
    await attempt(d, 0);
    const last = d.attempts.at(-1);
    return {
      delivered: d.delivered,
      status: last?.status ?? null,
      attempts: d.attempts.length,
      deliveryId: d.id,
      ...(last?.error ? { error: last.error } : {}),
    };
  }

  /** A timer that `cancelAll` (app close, reset) clears too. */
  function later(delayMs: number, fn: () => void) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, delayMs);
    timers.add(timer);
  }

  function cancelAll() {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  }

  return { send, later, cancelAll };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;

/** Event builders (§6.2, §7.7). Ids and timestamps are strings. */
export const events = {
  follow: (c: { appId: string; oaId: string; appUserId: string; oaUserId: string; now: number }, name: "follow" | "unfollow") => ({
    app_id: c.appId,
    oa_id: c.oaId,
    user_id_by_app: c.appUserId,
    event_name: name,
    follower: { id: c.oaUserId },
    source: "oa_profile",
    timestamp: String(c.now),
  }),
  userSendText: (c: { appId: string; oaId: string; appUserId: string; oaUserId: string; now: number; msgId: string; text: string }) => ({
    app_id: c.appId,
    user_id_by_app: c.appUserId,
    event_name: "user_send_text",
    sender: { id: c.oaUserId },
    recipient: { id: c.oaId },
    message: { msg_id: c.msgId, text: c.text },
    timestamp: String(c.now),
  }),
  /** `user_send_<kind>` with `message.attachments` (§6.2); a caption rides in `text`. */
  userSendMedia: (c: {
    appId: string;
    oaId: string;
    appUserId: string;
    oaUserId: string;
    now: number;
    msgId: string;
    kind: "image" | "gif" | "sticker" | "link" | "location" | "file" | "audio" | "video";
    payload: Record<string, unknown>;
    text?: string;
  }) => ({
    app_id: c.appId,
    user_id_by_app: c.appUserId,
    event_name: `user_send_${c.kind}`,
    sender: { id: c.oaUserId },
    recipient: { id: c.oaId },
    message: { msg_id: c.msgId, ...(c.text ? { text: c.text } : {}), attachments: [{ type: c.kind, payload: c.payload }] },
    timestamp: String(c.now),
  }),
  /** §6.2: an OA message reached the user (sender = the OA, recipient = the user; msg_id and msg_ids, shape unconfirmed). */
  oaReceived: (c: { appId: string; oaId: string; appUserId: string | null; oaUserId: string; msgId: string; now: number }) => ({
    app_id: c.appId,
    ...(c.appUserId ? { user_id_by_app: c.appUserId } : {}),
    event_name: "user_received_message",
    sender: { id: c.oaId },
    recipient: { id: c.oaUserId },
    message: { msg_id: c.msgId, msg_ids: [c.msgId], delivery_time: String(c.now) },
    timestamp: String(c.now),
  }),
  znsReceived: (c: { appId: string; oaId: string; phone: string; msgId: string; deliveryTime: number; trackingId: string | null; now: number }) => ({
    app_id: c.appId,
    event_name: "user_received_message",
    sender: { id: c.oaId },
    recipient: { id: c.phone },
    message: { msg_id: c.msgId, delivery_time: String(c.deliveryTime), ...(c.trackingId !== null ? { tracking_id: c.trackingId } : {}) },
    timestamp: String(c.now),
  }),
  /**
   * §6.2 `user_submit_info`: the follower's answer to a request for user info. `nested` is the newer shape one
   * [THIRD-PARTY] sample shows (`user_dob`, `gender`, `full_address`); the flat one is the documented default.
   */
  userSubmitInfo: (c: {
    appId: string;
    oaId: string;
    oaUserId: string;
    now: number;
    info: { name?: string; phone?: string; address?: string; city?: string; district?: string; ward?: string };
    nested?: boolean;
  }) => ({
    app_id: c.appId,
    event_name: "user_submit_info",
    sender: { id: c.oaUserId },
    recipient: { id: c.oaId },
    info: c.nested
      ? {
          name: c.info.name,
          phone: c.info.phone,
          full_address: { user_city: c.info.city, user_ward: c.info.ward, user_address: c.info.address },
        }
      : c.info,
    timestamp: String(c.now),
  }),
  /** §7.7: a template's review result (ZNS header). Status literals as `/template/info/v2` names them [INFERRED]. */
  templateStatus: (c: { appId: string; oaId: string; templateId: string; prev: string; next: string; reason: string; now: number }) => ({
    event_name: "change_template_status",
    oa_id: c.oaId,
    app_id: c.appId,
    template_id: c.templateId,
    status: { prev_status: c.prev, new_status: c.next },
    reason: c.reason,
    timestamp: String(c.now),
  }),
  /** §7.7: the OA's daily ZNS quota changed. Zalo's sample has no `app_id` (and `oaId`, camel case). */
  quotaChange: (c: { oaId: string; prev: number; next: number; now: number }) => ({
    event_name: "change_oa_daily_quota",
    oaId: c.oaId,
    quota: { prev_value: c.prev, new_value: c.next },
    timestamp: String(c.now),
  }),
  // §6.2: the seen event's message shape is [UNCONFIRMED]; we send both msg_id and msg_ids.
  userSeen: (c: { appId: string; oaId: string; appUserId: string | null; recipientId: string; msgId: string; now: number }) => ({
    app_id: c.appId,
    ...(c.appUserId ? { user_id_by_app: c.appUserId } : {}),
    event_name: "user_seen_message",
    sender: { id: c.oaId },
    recipient: { id: c.recipientId },
    message: { msg_id: c.msgId, msg_ids: [c.msgId] },
    timestamp: String(c.now),
  }),
};
