import type { Db } from "../../db/client";

/** Outbox states that still have work to do; a broadcast is done when none of its rows is in one. */
export const PENDING_STATES = "('queued','held','ready','sending')";

export type InFlightRow = { id: number; customer_id: string; channel: "cs" | "template_uid"; text: string | null; image_url: string | null; sent_at: number; broadcast_id: string | null };

/**
 * The dispatcher's in-flight bookkeeping and broadcast completion. A decided row waits as `ready` (its slot
 * taken, nothing sent); it is `sending` only while its own request to Zalo is in flight.
 */
export function createDispatchRepo(db: Db) {
  const c = db.$client;
  const inFlight = c.prepare(
    "update outbox set state = 'sending', attempts = attempts + 1, sent_at = @t, lease_until = @until, updated_at = @t where id = @id and lease_owner = @owner and state = 'ready'",
  );
  // Never attempted: a stopped dispatcher's `ready` rows go back to the queue and are decided again.
  const requeueReady = c.prepare(
    "update outbox set state = 'queued', channel = null, free = null, sent_at = null, lease_owner = null, lease_until = null, updated_at = @t where state = 'ready' and lease_until < @t",
  );
  // ZNS and CS/template rows left in flight are resolved differently (receipts vs the conversation).
  const takeUnresolved = c.prepare(
    `update outbox set lease_owner = @owner, lease_until = @until, updated_at = @t where id in (
       select id from outbox where state = 'sending' and channel in ('cs','template_uid') and lease_until < @t order by id limit @n)
     returning id, customer_id, channel, text, image_url, sent_at, broadcast_id`,
  );
  const confirm = c.prepare(
    "update outbox set state = 'sent', zalo_msg_id = @msgId, reason = 'FOUND_IN_CONVERSATION', lease_owner = null, lease_until = null, updated_at = @t where id = @id and lease_owner = @owner and state = 'sending'",
  );
  const resend = c.prepare(
    "update outbox set state = 'queued', channel = null, free = null, sent_at = null, reason = 'RESEND_AFTER_CRASH', lease_owner = null, lease_until = null, updated_at = @t where id = @id and lease_owner = @owner and state = 'sending'",
  );
  const later = c.prepare("update outbox set lease_until = @until, updated_at = @t where id = @id and lease_owner = @owner and state = 'sending'");
  const unknown = c.prepare(
    "update outbox set state = 'failed', reason = 'OUTCOME_UNKNOWN', lease_owner = null, lease_until = null, updated_at = @t where id = @id and lease_owner = @owner and state = 'sending'",
  );
  const knownMsg = c.prepare("select 1 from outbox where zalo_msg_id = ? limit 1").pluck();
  const complete = c.prepare(
    `update broadcasts set state = 'done', finished_at = @t where id = @id and state = 'running'
       and not exists (select 1 from outbox where broadcast_id = @id and state in ${PENDING_STATES})`,
  );

  return {
    /** Takes a `ready` row into flight; false if its lease was lost meanwhile (someone else has it). */
    markInFlight: (p: { id: number; owner: string; t: number; until: number }) => inFlight.run(p).changes === 1,
    requeueReady: (t: number) => requeueReady.run({ t }).changes,
    /** Leases up to `n` CS/template rows a stopped dispatcher left in flight, to learn their outcome. */
    takeUnresolved: (p: { owner: string; t: number; until: number; n: number }) => takeUnresolved.all(p) as InFlightRow[],
    confirmSent: (p: { id: number; owner: string; msgId: string; t: number }) => confirm.run(p).changes === 1,
    resend: (p: { id: number; owner: string; t: number }) => resend.run(p).changes === 1,
    checkLater: (p: { id: number; owner: string; t: number; until: number }) => later.run(p).changes === 1,
    giveUp: (p: { id: number; owner: string; t: number }) => unknown.run(p).changes === 1,
    /** A Zalo message id already recorded on some row (so it is not another row's lost message). */
    isKnownMsgId: (msgId: string) => knownMsg.get(msgId) !== undefined,
    /** Marks each running broadcast whose rows are all final as done. Call in the transaction that finalised them. */
    completeBroadcasts(ids: Iterable<string | null | undefined>, t: number) {
      for (const id of new Set(ids)) if (id) complete.run({ id, t });
    },
  };
}

export type DispatchRepo = ReturnType<typeof createDispatchRepo>;
