import { createHash } from "node:crypto";
import { q, type Awaitable, type Store, type SyncView } from "../../db/store";

const hashedKey = (dedupeKey: string) => `h:${createHash("sha256").update(dedupeKey).digest("base64url")}`;

/**
 * Stores a verified Zalo event once; false when its key was seen before (Zalo retries). The one insert into
 * webhook_events, whichever module received the event (OA webhooks here, Checkout's callbacks in payments): a
 * step inside the caller's transaction. The key is stored hashed: it may name a person (event + time + user id),
 * and it must outlive an erasure so that a retry Zalo sends hours later is still known as one. Of concurrent
 * records of one key, one inserts (PostgreSQL serializes or retries the others).
 */
export function createWebhookEventRecorder(store: Store) {
  // Prepared once: every webhook runs it (building the insert each time cost more than the insert).
  const stmt = store.prepare("insert into webhook_events (dedupe_key, event_name, payload, received_at) values (?, ?, ?, ?) on conflict do nothing");
  return (dedupeKey: string, eventName: string, payload: string, at: number): Awaitable<boolean> => {
    const r = stmt.run(hashedKey(dedupeKey), eventName, payload, at);
    return r instanceof Promise ? r.then((x) => x.changes === 1) : r.changes === 1;
  };
}

/** The webhook_events and follow_events tables: this module is their only writer. */
export function createOaRepo(store: Store) {
  const record = createWebhookEventRecorder(store);
  const followStmt = store.prepare("insert into follow_events (customer_id, kind, source, at, received_at) values (?, ?, ?, ?, ?)");
  /** One follow or unfollow, in the transaction of its stored webhook event (so once per event). */
  const recordFollow = (p: { customerId: string; kind: "follow" | "unfollow"; source: string | null; at: number; receivedAt: number }): Awaitable<unknown> =>
    followStmt.run(p.customerId, p.kind, p.source, p.at, p.receivedAt);

  const redactStmt = store.prepare({
    sqlite: `update webhook_events set payload = '{"erased":true}', dedupe_key = case when dedupe_key like 'h:%' then dedupe_key else 'erased:' || id end where instr(payload, ?) > 0 or instr(dedupe_key, ?) > 0`,
    pg: `update webhook_events set payload = '{"erased":true}', dedupe_key = case when dedupe_key like 'h:%' then dedupe_key else 'erased:' || id end where strpos(payload, ?) > 0 or strpos(dedupe_key, ?) > 0`,
  });
  /**
   * Stored events that name any of these Zalo ids lose their payload. Their (hashed) dedupe key stays, so a
   * late retry of such an event is still a duplicate and cannot bring the person back. Keys stored raw before
   * keys were hashed go too. The rows stay, so event counts do. A rare admin action, so a scan is fine.
   */
  const redactIds = (zaloIds: string[]) =>
    store.join(function* () {
      let redacted = 0;
      for (const id of zaloIds) redacted += (yield* q(redactStmt.run(JSON.stringify(id), id))).changes;
      return { redacted };
    });

  return { record, recordFollow, redactIds };
}

export type OaRepo = ReturnType<typeof createOaRepo>;
export type OaRepoSync = SyncView<OaRepo>;
