import { q, type Awaitable, type Step, type Store } from "../../db/store";
import type { CustomerRepo } from "../customers/repo";
import type { OaRepo } from "./repo";

/**
 * A follower's text message as the auto-replies see it (see auto-replies/service.ts for the outcome). Every hook
 * runs inside the event's transaction and may return a step (an Awaitable), which the body waits on.
 */
export type FollowerMessageHook = (m: { customerId: string; zaloMsgId: string; text: string; at: number; fromOa: boolean }) => unknown;

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
  // System events name no user: what changed to what tells two of them apart within one millisecond.
  if (e.event_name === "change_template_status") {
    const st = e.status as { new_status?: unknown } | undefined;
    return `${e.event_name}:${str(e.timestamp)}:${str(e.template_id)}:${str(st?.new_status) ?? ""}`;
  }
  if (e.event_name === "change_oa_daily_quota") return `${e.event_name}:${str(e.timestamp)}:${str((e.quota as { new_value?: unknown })?.new_value) ?? ""}`;
  return `${e.event_name}:${str(e.timestamp)}:${user}`;
}

/**
 * Zalo stamps each event (`timestamp`, epoch ms, §6.2) and retries late deliveries for hours, so events are
 * ordered by that stamp, not by arrival. A stamp further ahead than this is not believed (a clock gone wrong
 * or a forged body would otherwise outrank every real event after it): it is clamped to the receipt time.
 * Old stamps are kept as they are: a retry hours later is exactly what the ordering is for.
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export function eventTime(stamp: unknown, receivedAt: number): number {
  const t = Number(stamp);
  if (!Number.isFinite(t) || t <= 0) return receivedAt;
  return t > receivedAt + MAX_FUTURE_SKEW_MS ? receivedAt : t;
}

/**
 * What other modules do when a person follows or unfollows; called inside the event's transaction, which may run
 * again on PostgreSQL (so a hook does database steps only, returned as an Awaitable: never a send).
 */
export type FollowHooks = {
  /**
   * `observed`: read from Zalo's state (Graph /me, the follower sync), not a follow that just happened: someone
   * who followed long ago. Their pending prizes are released, but no "new follower" welcome goes out.
   */
  onFollow(p: { customerId: string; at: number; eventKey: string; observed?: boolean }): Awaitable<unknown>;
  onUnfollow(p: { customerId: string; at: number; eventKey: string }): Awaitable<unknown>;
};

/** Acts on OA events. Follow links the OA-scoped id to the person through `user_id_by_app`. */
export function createOaService(deps: {
  store: Store;
  repo: OaRepo;
  customers: Pick<CustomerRepo, "findOrCreateByOaId" | "byZaloOaId" | "byId" | "setFollow" | "touchInteraction">;
  now: () => number;
  followHooks?: FollowHooks;
  /** Delivery and seen receipts for our messages (OA and ZNS). */
  onReceipt?: (e: Record<string, unknown>) => unknown;
  /** The OA's own id: a message whose sender is the OA is never treated as the follower's. */
  oaId?: string;
  /** Text messages, in the event's transaction (the auto-replies; issue #14). */
  onFollowerMessage?: FollowerMessageHook;
  /** A follower's own message (`user_send_*`), once per stored event: the inbox keeps it (auto-replies go beside it). */
  onUserMessage?: (p: { customerId: string; event: Record<string, unknown>; at: number }) => unknown;
  /** A shared location (`user_send_location`), in the event's transaction: the auto-replies' nearest store. */
  onFollowerLocation?: (p: { customerId: string; zaloMsgId: string; event: Record<string, unknown>; at: number }) => unknown;
  /** The person's answer to a request for info (`user_submit_info`), once per stored event. */
  onSubmitInfo?: (p: { customerId: string; event: Record<string, unknown>; at: number }) => unknown;
  /** ZNS/OA system events (§7.7): a template's review status, the OA's daily quota. */
  onTemplateStatus?: (p: { templateId: string; status: unknown; reason: string | null; at: number }) => unknown;
  onQuotaChange?: (p: { prev: number | null; next: number | null; at: number }) => unknown;
}) {
  const { store, repo, customers, now } = deps;
  /** A hook's answer as a step of the body (a plain value on SQLite, a promise on PostgreSQL). */
  const hook = (v: unknown): Step<unknown> => q(v as Awaitable<unknown>);

  /**
   * Stores the event once and applies it in the same transaction. `duplicate`: seen before, nothing done;
   * `stale`: stored, but older than the membership state it would change, so it changed nothing.
   */
  function handleEvent(e: Event): Awaitable<{ duplicate: boolean; stale: boolean }> {
    return store.tx(() => storeAndApply(e));
  }

  function* storeAndApply(e: Event): Step<{ duplicate: boolean; stale: boolean }> {
    if (!(yield* q(repo.record(dedupeKey(e), String(e.event_name ?? "unknown"), JSON.stringify(e), now())))) return { duplicate: true, stale: false };
    return { duplicate: false, stale: (yield* apply(e)) === "stale" };
  }

  // Webhooks share commits on SQLite (store.groupCommit): the events of one event-loop turn are stored and applied
  // in one transaction, each answered only once that commit is done (Zalo retries an event it got no 2xx for).
  // On PostgreSQL each event is a transaction of its own; concurrent deliveries of one event serialize on its key.
  const inGroupCommit = store.groupCommit();

  /** `handleEvent` for the webhook route, in a group commit. */
  const receive = (e: Event): Promise<{ duplicate: boolean; stale: boolean }> => inGroupCommit(() => storeAndApply(e));

  function* apply(e: Event): Step<"applied" | "stale"> {
    const at = eventTime(e.timestamp, now());
    const name = String(e.event_name ?? "");
    if (name === "follow" || name === "unfollow") {
      const oaUserId = str((e.follower as { id?: unknown })?.id);
      if (!oaUserId) return "applied";
      const row = yield* q(customers.findOrCreateByOaId(oaUserId, str(e.user_id_by_app), now()));
      // History first, stale or not: the timeline shows every follow and unfollow by its own time.
      yield* q(repo.recordFollow({ customerId: row.id, kind: name, source: str(e.source) ?? null, at, receivedAt: now() }));
      // The membership state is as new as the latest event applied to it; an older one is history only
      // (no state change, no hooks: a prize never goes to someone who has since unfollowed).
      const stateAt = Math.max(row.followedAt ?? -Infinity, row.unfollowedAt ?? -Infinity);
      if (at < stateAt) return "stale";
      const follow = name === "follow";
      yield* q(customers.setFollow(row.id, follow, at, now()));
      // Same transaction as the stored event: a redelivered follow (deduped above) never issues a prize twice.
      const p = { customerId: row.id, at, eventKey: dedupeKey(e) };
      if (follow) yield* hook(deps.followHooks?.onFollow(p));
      else yield* hook(deps.followHooks?.onUnfollow(p));
      return "applied";
    }
    if (name === "change_template_status") {
      const templateId = str(e.template_id);
      const status = e.status as { new_status?: unknown } | string | undefined;
      const next = typeof status === "object" && status !== null ? status.new_status : status;
      if (templateId) yield* hook(deps.onTemplateStatus?.({ templateId, status: next, reason: str(e.reason) ?? null, at }));
      return "applied";
    }
    if (name === "change_oa_daily_quota") {
      const quota = (e.quota ?? {}) as { prev_value?: unknown; new_value?: unknown };
      const num = (v: unknown) => (v === undefined || v === null || v === "" || !Number.isFinite(Number(v)) ? null : Number(v));
      yield* hook(deps.onQuotaChange?.({ prev: num(quota.prev_value), next: num(quota.new_value), at }));
      return "applied";
    }
    if (name === "user_received_message" || name === "user_seen_message") {
      yield* hook(deps.onReceipt?.(e));
      return "applied";
    }
    // Any user → OA event opens the consultation window (48 h free / 7 days, §5.6).
    if (name.startsWith("user_send_") || name === "user_submit_info" || name.startsWith("user_click")) {
      const oaUserId = str((e.sender as { id?: unknown })?.id);
      if (!oaUserId) return "applied";
      const row = yield* q(customers.findOrCreateByOaId(oaUserId, str(e.user_id_by_app), now()));
      yield* q(customers.touchInteraction(row.id, at, now()));
      const fromOa = oaUserId === deps.oaId;
      // The inbox keeps it first, so an auto-reply queued next joins the conversation it opened.
      if (name.startsWith("user_send_") && !fromOa) yield* hook(deps.onUserMessage?.({ customerId: row.id, event: e, at }));
      if (name === "user_send_text") yield* textMessage(e, row.id, at, fromOa);
      const msgId = str((e.message as { msg_id?: unknown } | undefined)?.msg_id);
      if (name === "user_send_location" && !fromOa && msgId) yield* hook(deps.onFollowerLocation?.({ customerId: row.id, zaloMsgId: msgId, event: e, at }));
      if (name === "user_submit_info" && !fromOa) yield* hook(deps.onSubmitInfo?.({ customerId: row.id, event: e, at }));
      return "applied";
    }
    // The OA's own messages come back as echoes (`oa_send_*`, §6.2: sender and recipient swapped); handed on
    // marked fromOa, so the one rule "never answer the OA" lives in the auto-replies.
    if (name.startsWith("oa_send_")) {
      const person = yield* q(customers.byZaloOaId(str((e.recipient as { id?: unknown })?.id) ?? ""));
      if (person) yield* textMessage(e, person.id, at, true);
    }
    return "applied";
  }

  function* textMessage(e: Event, customerId: string, at: number, fromOa: boolean): Step<void> {
    const msg = e.message as { msg_id?: unknown; text?: unknown } | undefined;
    const zaloMsgId = str(msg?.msg_id);
    if (!zaloMsgId || typeof msg?.text !== "string") return;
    yield* hook(deps.onFollowerMessage?.({ customerId, zaloMsgId, text: msg.text, at, fromOa }));
  }

  /**
   * Follow state read from Zalo itself (Graph /me `is_follower` at sign-in, `user/getlist` in the follower
   * sync), not from a webhook: someone who followed before the product existed never sends one, and followOA
   * for a current follower fires none (zalo-platform.md §1.12). Only a change is applied, through the same
   * follow_events + setFollow + hooks as a webhook, so a pending prize is released at once. The caller's
   * transaction is joined when there is one. Returns whether anything changed.
   */
  function observeFollowState(p: { customerId: string; follows: boolean; source: "graph_me" | "follower_sync" }): Awaitable<boolean> {
    return store.join(function* () {
      const row = yield* q(customers.byId(p.customerId));
      if (!row || row.followsOa === p.follows) return false;
      const at = now();
      // A webhook dated after this reading already decided; an older state is what Zalo just contradicted.
      if (at < Math.max(row.followedAt ?? -Infinity, row.unfollowedAt ?? -Infinity)) return false;
      const kind = p.follows ? "follow" : "unfollow";
      yield* q(repo.recordFollow({ customerId: row.id, kind, source: p.source, at, receivedAt: at }));
      yield* q(customers.setFollow(row.id, p.follows, at, at));
      const h = { customerId: row.id, at, eventKey: `${p.source}:${kind}:${row.id}:${at}`, observed: true };
      if (p.follows) yield* hook(deps.followHooks?.onFollow(h));
      else yield* hook(deps.followHooks?.onUnfollow(h));
      return true;
    });
  }

  /** The person's data was erased: stored events that name any of their Zalo ids are redacted (see the repo). */
  const forgetIds = repo.redactIds;

  return { handleEvent, receive, observeFollowState, forgetIds };
}

export type OaService = ReturnType<typeof createOaService>;
