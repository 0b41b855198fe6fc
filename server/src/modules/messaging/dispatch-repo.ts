import type { MessagingRepo } from "./repo";

export { PENDING_STATES, type InFlightRow } from "./outbox-repo";

/**
 * The dispatcher's narrow view of the data: the outbox's claim and in-flight bookkeeping (outbox-repo owns
 * the SQL) and broadcast completion (broadcasts-repo). A decided row waits as `ready` (its slot taken,
 * nothing sent); it is `sending` only while its own request to Zalo is in flight. The outbox's are steps on
 * either database (#16); contact, templates and broadcasts are SQLite's still (plain values, so `yield* q(...)`
 * takes them alike).
 */
export function createDispatchRepo(repo: Pick<MessagingRepo, "outbox" | "broadcasts" | "contact" | "templates">) {
  const o = repo.outbox;
  const b = repo.broadcasts;
  return {
    contact: repo.contact,
    claim: o.claim,
    lockCustomers: o.lockCustomers,
    listen: o.listen,
    recoverZns: o.recoverZns,
    toReady: o.toReady,
    toFinal: o.toFinal,
    toSent: o.toSent,
    toRetry: o.toRetry,
    toUncertain: o.toUncertain,
    refuse: o.refuse,
    waits: o.waits,
    notByUid: repo.templates.notByUid,
    markInFlight: o.markInFlight,
    requeueReady: o.requeueReady,
    handBack: o.handBack,
    takeUnresolved: o.takeUnresolved,
    confirmSent: o.confirmSent,
    resend: o.resend,
    checkLater: o.checkLater,
    giveUp: o.giveUp,
    isKnownMsgId: o.isKnownMsgId,
    completeBroadcasts: b.completeBroadcasts,
  };
}

export type DispatchRepo = ReturnType<typeof createDispatchRepo>;
