import pg from "pg";
import type { Category } from "@mc/shared";
import { outbox } from "../../db/schema";
import { q, type Awaitable, type Sql, type Store, mapStep } from "../../db/store";

/**
 * The only writer of `outbox`: every statement that inserts or updates a row is here, so a change to the
 * row's life (its states, leases, reasons) is read in one file. Callers run these inside their own
 * transaction (`yield* q(outbox.x(...))` in a body); only the multi-statement ones join it (store.join).
 * Both databases (#16): each method returns an Awaitable (a value on SQLite, a Promise on PostgreSQL).
 */

export type NewMessage = {
  customerId: string;
  category: Category;
  priority?: number;
  dedupeKey: string;
  source: string;
  text?: string | null;
  imageUrl?: string | null;
  /** A CS `message.attachment` as Zalo takes it (an uploaded image's attachment id, a request for user info): CS only. */
  attachment?: Record<string, unknown> | null;
  template?: { id: string; data: Record<string, string> } | null;
  expiresAt?: number | null;
  notBefore?: number | null;
  broadcastId?: string | null;
};

/** The source of the admin's ZNS test sends (rows with no customer, addressed to `to_phone`). */
export const TEST_SEND_SOURCE = "zns_test";

/** Outbox states that still have work to do; a broadcast is done when none of its rows is in one. */
export const PENDING_STATES = "('queued','held','ready','sending')";
// `ready` = decided and about to go: it has taken its slot under the caps.
export const SENT_STATES = "('ready','sending','sent','delivered','seen')";
/** How far back the policy reads a person's sends. */
export const HISTORY_DAYS = 31;
export const recentSince = (now: number) => now - HISTORY_DAYS * 86_400_000;
/**
 * "Has a send in the history window" for `customers c` (bind `recentSince(now)`): the people whose own history
 * the policy must see; one probe of `outbox_customer_sent_idx` each.
 */
export const HAS_RECENT_SEND = `exists (select 1 from outbox o where o.customer_id = c.id and o.state in ${SENT_STATES} and o.sent_at >= ?)`;

/** The columns a new row is written with, in order: `queue` and the broadcast plan's insert-select both use them. */
const NEW_ROW_COLUMNS = [
  "customer_id",
  "category",
  "priority",
  "dedupe_key",
  "source",
  "text",
  "image_url",
  "template_id",
  "template_data",
  "state",
  "not_before",
  "expires_at",
  "broadcast_id",
  "created_at",
  "updated_at",
] as const;
type NewRowColumn = (typeof NEW_ROW_COLUMNS)[number];
const insertInto = (extra: string[] = []) => `insert into outbox (${[...NEW_ROW_COLUMNS, ...extra].join(", ")})`;
const INSERT_INTO = insertInto();
/** One SQL expression per column (a `?` unless given), in column order. */
const valuesOf = (fixed: Partial<Record<NewRowColumn, string>>) => NEW_ROW_COLUMNS.map((col) => fixed[col] ?? "?").join(", ");

export type InFlightRow = {
  id: number;
  customer_id: string | null;
  channel: "cs" | "template_uid";
  text: string | null;
  image_url: string | null;
  cs_attachment: string | null;
  sent_at: number;
  broadcast_id: string | null;
  dedupe_key: string | null;
  template_id: string | null;
};
type Row = Record<string, any>;

/** The NOTIFY channel a queued row is announced on (PostgreSQL), at its transaction's commit. */
export const OUTBOX_CHANNEL = "outbox";
/** PostgreSQL: every insert announces itself; NOTIFY is delivered at commit, and one per transaction however many rows. */
const NOTIFY = ` returning pg_notify('${OUTBOX_CHANNEL}', '')`;
/** The advisory-lock class of "deciding for this customer" (pg_advisory_xact_lock(class, hashtext(customer))): 'outb'. */
const DECIDE_LOCK_CLASS = 0x6f757462;

export function createOutboxRepo(store: Store) {
  const c = { prepare: (sql: Sql) => store.prepare<Row>(sql) };
  const pgOnly = store.dialect === "postgres";

  // ---- new rows ----

  const insertSql = `${insertInto(["cs_attachment"])} values (${valuesOf({ state: "'queued'" })}, ?) on conflict(dedupe_key) where dedupe_key is not null do nothing`;
  const insert = c.prepare({ sqlite: insertSql, pg: insertSql + NOTIFY });

  /** Queues one message; the dedupe key makes a second queue of the same cause a no-op. Call inside the cause's transaction. */
  function queue(m: NewMessage, now: number): Awaitable<boolean> {
    return mapStep(
      insert.run(
        m.customerId,
        m.category,
        m.priority ?? 5,
        m.dedupeKey,
        m.source,
        m.text ?? null,
        m.imageUrl ?? null,
        m.template?.id ?? null,
        m.template ? JSON.stringify(m.template.data) : null,
        m.notBefore ?? null,
        m.expiresAt ?? null,
        m.broadcastId ?? null,
        now,
        now,
        m.attachment ? JSON.stringify(m.attachment) : null,
      ),
      (r) => r.changes === 1,
    );
  }

  /** Test sends: the same columns, plus the bare phone they go to (no customer) and ZNS development mode. */
  const insertTestSql = `${insertInto(["to_phone", "development"])} values (${valuesOf({ customer_id: "null", category: "'transactional'", priority: "9", dedupe_key: "null", source: `'${TEST_SEND_SOURCE}'`, text: "null", image_url: "null", state: "'queued'", not_before: "null", broadcast_id: "null" })}, ?, ?)`;
  const insertTest = store.prepare<number>(
    { sqlite: `${insertTestSql} returning id`, pg: `${insertTestSql} returning id, pg_notify('${OUTBOX_CHANNEL}', '')` },
    "pluck",
  );
  const testRow = c.prepare(
    `select id, state, reason, zalo_msg_id, zalo_error, sent_at, delivered_at from outbox where id = ? and source = '${TEST_SEND_SOURCE}'`,
  );

  /**
   * The admin's ZNS test send to one phone: a row like any other (the dispatcher sends it, a receipt
   * settles it), addressed to the phone rather than a customer, so no one's caps or history count it.
   */
  function queueTestSend(
    p: { phone: string; template: { id: string; data: Record<string, string> }; development: boolean; expiresAt: number },
    now: number,
  ): Awaitable<number> {
    return mapStep(insertTest.get(p.template.id, JSON.stringify(p.template.data), p.expiresAt, now, now, p.phone, p.development ? 1 : 0), Number);
  }

  /**
   * The broadcast plan's insert: one row per customer of the audience (`where` over `customers c`) in a
   * rowid slice, with the same columns as `queue`. Returns a writer for that audience.
   */
  function audienceInsert(where: string) {
    // Rowid slices of customers: the broadcast plan is SQLite's only (not ported to PostgreSQL yet).
    const stmt = store.sqlite.$client.prepare(
      `${INSERT_INTO} select ${valuesOf({ customer_id: "c.id", priority: "3", dedupe_key: "null", source: "'broadcast'", state: "'queued'" })}
       from customers c where c.rowid > ? and c.rowid <= ? and (${where})`,
    );
    return (
      b: {
        id: string;
        category: string;
        text: string | null;
        imageUrl: string | null;
        templateId: string | null;
        templateData: string | null;
        scheduledAt: number | null;
        expiresAt: number | null;
      },
      slice: { lo: number; hi: number; params: unknown[] },
      t: number,
    ) =>
      stmt.run(b.category, b.text, b.imageUrl, b.templateId, b.templateData, b.scheduledAt, b.expiresAt, b.id, t, t, slice.lo, slice.hi, ...slice.params)
        .changes;
  }

  // ---- receipts, unfollows, rules, erasure ----

  const delivered = c.prepare("update outbox set state = 'delivered', delivered_at = ?, updated_at = ? where id = ? and state in ('sending','sent')");
  const deliveredByMsg = c.prepare(
    "update outbox set state = 'delivered', delivered_at = ?, updated_at = ? where zalo_msg_id = ? and state in ('sending','sent')",
  );
  const seenByMsg = c.prepare(
    "update outbox set state = 'seen', seen_at = ?, delivered_at = coalesce(delivered_at, ?), updated_at = ? where zalo_msg_id = ? and state in ('sending','sent','delivered')",
  );
  const lastSentTo = c.prepare(
    "select id, broadcast_id, sent_at from outbox where customer_id = ? and state in ('sent','delivered','seen') and sent_at >= ? order by sent_at desc limit 1",
  );
  const blame = c.prepare("update outbox set unfollow_blamed_at = ? where id = ?");
  const redecideHeld = c.prepare(
    `update outbox set not_before = ?, updated_at = ? where state = 'held' and reason in ('QUIET_HOURS','CAP_REACHED','PROMOTION_HOURS','FATIGUE','CUSTOMER_WEEKLY_LIMIT')`,
  );
  // A row being sent (leased and marked sending) finishes; anything not yet sent never goes. The text and
  // template data of every other row are dropped: they carry the person's name and what we told them. That is
  // no change of state, so updated_at stays: an ended row is counted on the day it ended (the dashboard).
  const cancelUnsent = c.prepare(
    "update outbox set state = 'cancelled', reason = 'CUSTOMER_ERASED', lease_owner = null, lease_until = null, updated_at = ? where customer_id = ? and state in ('queued','held','ready') returning broadcast_id",
  );
  const blankContent = c.prepare(
    "update outbox set text = null, image_url = null, cs_attachment = null, template_data = null where customer_id = ? and state != 'sending'",
  );
  const replay = c.prepare(
    `select o.id, o.customer_id, o.category, o.priority, o.text, o.image_url, o.cs_attachment, o.template_id, o.expires_at, o.created_at, o.state, t.tag, t.uid
     from outbox o left join zns_templates t on t.id = o.template_id where o.created_at >= ? and o.customer_id is not null order by o.customer_id, o.created_at, o.id`,
  );

  // ---- a broadcast's rows ----

  // Every state spelled out, so each slice is one seek per state into `outbox_broadcast_idx` (broadcast, state, rowid).
  const STATES = outbox.state.enumValues.map((v) => `'${v}'`).join(",");
  const sliceStates = c.prepare(
    `select state, count(*) as n from outbox where broadcast_id = ? and state in (${STATES}) and id > ? and id <= ? group by state`,
  );
  const span = c.prepare(
    `select min(lo) as lo, max(hi) as hi from (${outbox.state.enumValues
      .map(
        (v) =>
          `select (select min(id) from outbox where broadcast_id = @id and state = '${v}') as lo, (select max(id) from outbox where broadcast_id = @id and state = '${v}') as hi`,
      )
      .join(" union all ")}) s`,
  );
  // A decided row waiting its turn ('ready') has not gone out either: the dispatcher only sends a row it can still
  // move from ready to sending. Only requests already in flight finish.
  const cancelSlice = c.prepare(
    "update outbox set state = 'cancelled', reason = 'BROADCAST_CANCELLED', updated_at = ? where broadcast_id = ? and state in ('queued','held','ready') and id > ? and id <= ?",
  );
  const stateCounts = c.prepare("select state, count(*) as n from outbox where broadcast_id = ? group by state");
  const unknownCount = store.prepare<number>(
    "select count(*) as n from outbox where broadcast_id = ? and state = 'failed' and reason = 'OUTCOME_UNKNOWN'",
    "pluck",
  );
  const failedByCode = c.prepare(
    "select zalo_error as code, count(*) as n from outbox where broadcast_id = ? and state = 'failed' and reason is distinct from 'OUTCOME_UNKNOWN' group by zalo_error",
  );
  const reasonCounts = c.prepare(
    "select reason, count(*) as n from outbox where broadcast_id = ? and state in ('held','suppressed','expired') group by reason",
  );
  // When each reason's held rows may go next (the decision's `until`, kept as not_before).
  const heldUntil = c.prepare(
    "select reason, min(not_before) as until from outbox where broadcast_id = ? and state = 'held' and not_before is not null group by reason",
  );
  const unfollowCount = store.prepare<number>("select count(*) as n from outbox where broadcast_id = ? and unfollow_blamed_at is not null", "pluck");
  const breakerStats = c.prepare(
    "select count(*) filter (where sent_at is not null) as sent, count(unfollow_blamed_at) as unfollows from outbox where broadcast_id = ?",
  );

  // ---- the dispatcher ----

  // The first @n by priority of the messages outside broadcasts and of each running broadcast, then the
  // first @n of those: the same rows as one ordered scan of everything queued, but walking
  // `outbox_claim_idx` per source, so the rows of a broadcast being planned, paused or tripped (a million
  // of them) are never read, and a running one's are read only as far as @n.
  const claimable = "o.state in ('queued', 'held') and coalesce(o.not_before, 0) <= @now and (o.lease_until is null or o.lease_until < @now)";
  const firstClaimable = (source: string) =>
    `select o.id, o.priority from outbox o where ${source} and ${claimable} order by o.priority desc, o.id limit @n for update of o skip locked`;
  const claim = c.prepare({
    sqlite: `
    update outbox set lease_owner = @owner, lease_until = @until, updated_at = @now
    where id in (
      select id from outbox
      where id in (select o.id from outbox o where o.broadcast_id is null and ${claimable} order by o.priority desc, o.id limit @n)
         or id in (
           select x.id from broadcasts b join outbox x on x.id in (
             select o.id from outbox o where o.broadcast_id = b.id and ${claimable} order by o.priority desc, o.id limit @n)
           where b.state = 'running')
      order by priority desc, id limit @n)
    returning *`,
    // The same rows, for several dispatchers claiming at once: each source's first @n skips the rows another
    // claim holds locked (FOR UPDATE SKIP LOCKED) instead of waiting on them or taking them twice, and a row
    // another claim leased and committed meanwhile is re-read at its new version, no longer claimable. Written
    // for PostgreSQL's planner: a lateral first @n per running broadcast (a correlated `in` there is run once per
    // outbox row), and the chosen ids as an array, so the update seeks them by key rather than scanning the table.
    pg: `
    update outbox set lease_owner = @owner, lease_until = @until, updated_at = @now
    where id = any (array(
      select id from (
        select * from (${firstClaimable("o.broadcast_id is null")}) loose
        union all
        select x.* from broadcasts b cross join lateral (${firstClaimable("o.broadcast_id = b.id")}) x where b.state = 'running'
      ) c order by priority desc, id limit @n))
    returning *`,
  });
  // Deciding for a customer: PostgreSQL serializes the bodies that decide and take a slot for the same person
  // (two dispatchers with rows of one person), in one order (sorted ids) so two batches never wait in a cycle.
  // SQLite's IMMEDIATE transaction already runs one body at a time.
  const lockCustomers = pgOnly
    ? store.prepare(`select pg_advisory_xact_lock(${DECIDE_LOCK_CLASS}, hashtext(id)) from (select distinct id from unnest(?::text[]) as u(id) order by id) s`)
    : null;
  const historyOf = c.prepare(
    `select o.category, o.channel, o.sent_at, t.tag from outbox o left join zns_templates t on t.id = o.template_id
     where o.customer_id = ? and o.state in ${SENT_STATES} and o.sent_at >= ?`,
  );
  const recoverZns = c.prepare(
    "update outbox set state = 'queued', lease_owner = null, lease_until = null, sent_at = null, reason = 'RESEND_AFTER_CRASH', updated_at = @now where state = 'sending' and channel = 'zns' and lease_until < @cutoff",
  );
  // Decided, slot taken, not yet sent (sent_at is when the slot was taken; it moves to the real send time).
  const toReady = c.prepare(
    "update outbox set state = 'ready', channel = ?, free = ?, sent_at = ?, lease_until = ?, reason = null, updated_at = ? where id = ? and lease_owner = ? and state in ('queued','held')",
  );
  // Only a row still waiting: one cancelled while its batch was being claimed stays cancelled.
  const toFinal = c.prepare(
    "update outbox set state = ?, reason = ?, not_before = ?, lease_owner = null, lease_until = null, updated_at = ? where id = ? and lease_owner = ? and state in ('queued','held')",
  );
  const toSent = c.prepare(
    "update outbox set state = case when state = 'sending' then 'sent' else state end, zalo_msg_id = ?, lease_owner = null, lease_until = null, updated_at = ? where id = ?",
  );
  const toRetry = c.prepare(
    "update outbox set state = ?, reason = ?, zalo_error = ?, not_before = ?, sent_at = null, lease_owner = null, lease_until = null, updated_at = ? where id = ? and state = 'sending'",
  );
  // Zalo refused this channel for this row: remembered on the row, which is decided again at once.
  const refuseRest = `reason = @reason, zalo_error = @zaloError, not_before = null, channel = null, free = null, sent_at = null, lease_owner = null, lease_until = null,
       updated_at = @t where id = @id and state = 'sending'`;
  const refuse = c.prepare({
    sqlite: `update outbox set state = 'queued', refused = json_insert(coalesce(refused, '[]'), '$[#]', json_object('channel', @channel, 'reason', @reason)), ${refuseRest}`,
    pg: `update outbox set state = 'queued',
       refused = (coalesce(refused, '[]')::jsonb || jsonb_build_array(jsonb_build_object('channel', @channel::text, 'reason', @reason::text)))::text, ${refuseRest}`,
  });
  // What waits on the whole account or one template (held by the dispatcher): the longest such wait.
  const waits = c.prepare(
    "select reason, template_id, max(not_before) as until from outbox where state = 'held' and reason in ('ZCA_BALANCE', 'TEMPLATE_DAILY_LIMIT') group by reason, template_id",
  );
  // The admin topped the account up: everything it held goes again now.
  const heldWaits = c.prepare(
    "select reason, count(*) as n, min(not_before) as next from outbox where state = 'held' and reason in ('ZCA_BALANCE', 'TEMPLATE_DAILY_LIMIT', 'ZALO_NIGHT') group by reason",
  );
  const resumeHeld = c.prepare("update outbox set not_before = @t, updated_at = @t where state = 'held' and reason = @reason");
  const uncertain = c.prepare("update outbox set lease_until = @t, reason = 'OUTCOME_UNCERTAIN', updated_at = @t where id = @id and state = 'sending'");
  const inFlight = c.prepare(
    "update outbox set state = 'sending', attempts = attempts + 1, sent_at = @t, lease_until = @until, updated_at = @t where id = @id and lease_owner = @owner and state = 'ready'",
  );
  // Never attempted: a stopped dispatcher's `ready` rows go back to the queue and are decided again.
  const requeueReady = c.prepare(
    "update outbox set state = 'queued', channel = null, free = null, sent_at = null, lease_owner = null, lease_until = null, updated_at = @t where state = 'ready' and lease_until < @t",
  );
  // Shutdown: a stopping dispatcher hands back what it claimed and has not sent, claimable by another at once
  // (not after the lease). A row whose answer it could not record is left for recovery with its lease over.
  const handBackReady = c.prepare(
    "update outbox set state = 'queued', channel = null, free = null, sent_at = null, lease_owner = null, lease_until = null, updated_at = @t where lease_owner = @owner and state = 'ready'",
  );
  const handBackClaimed = c.prepare(
    "update outbox set lease_owner = null, lease_until = null, updated_at = @t where lease_owner = @owner and state in ('queued','held')",
  );
  const handBackInFlight = c.prepare(
    "update outbox set lease_until = @t, updated_at = @t where lease_owner = @owner and state = 'sending' and lease_until > @t",
  );
  // ZNS and CS/template rows left in flight are resolved differently (receipts vs the conversation).
  const takeUnresolved = c.prepare(
    `update outbox set lease_owner = @owner, lease_until = @until, updated_at = @t where id in (
       select id from outbox where state = 'sending' and channel in ('cs','template_uid') and lease_until < @t order by id limit @n)
     returning id, customer_id, channel, text, image_url, cs_attachment, sent_at, broadcast_id, dedupe_key, template_id`,
  );
  // A taken row's outcome (found, resent, unknown) lets its lease go, only while this dispatcher still holds it in flight.
  const settled = "lease_owner = null, lease_until = null, updated_at = @t where id = @id and lease_owner = @owner and state = 'sending'";
  const confirm = c.prepare(`update outbox set state = 'sent', zalo_msg_id = @msgId, reason = 'FOUND_IN_CONVERSATION', ${settled}`);
  const resend = c.prepare(`update outbox set state = 'queued', channel = null, free = null, sent_at = null, reason = 'RESEND_AFTER_CRASH', ${settled}`);
  const later = c.prepare("update outbox set lease_until = @until, updated_at = @t where id = @id and lease_owner = @owner and state = 'sending'");
  const unknown = c.prepare(`update outbox set state = 'failed', reason = 'OUTCOME_UNKNOWN', ${settled}`);
  const knownMsg = store.prepare("select 1 from outbox where zalo_msg_id = ? limit 1", "pluck");

  // ZNS held for an exhausted quota wait for midnight; a raised quota lets them be decided again now.
  const releaseQuotaHeld = c.prepare(
    "update outbox set not_before = @t, updated_at = @t where state = 'held' and reason = 'QUOTA_EXHAUSTED' and (not_before is null or not_before > @t)",
  );
  const changes = (r: Awaitable<{ changes: number }>) => mapStep(r, (x) => x.changes);
  const one = (r: Awaitable<{ changes: number }>) => mapStep(r, (x) => x.changes === 1);
  const none = (r: Awaitable<unknown>) => mapStep(r, () => undefined);
  const byKey = <K extends string>(rows: Awaitable<Row[]>, key: K) =>
    mapStep(rows, (rs) => Object.fromEntries(rs.map((r) => [r[key], r.n])) as Record<string, number>);

  return {
    queue,
    audienceInsert,
    queueTestSend,
    testSend: (id: number) =>
      testRow.get(id) as Awaitable<
        | {
            id: number;
            state: string;
            reason: string | null;
            zalo_msg_id: string | null;
            zalo_error: number | null;
            sent_at: number | null;
            delivered_at: number | null;
          }
        | undefined
      >,

    /** A delivery receipt for our own row (by tracking id) or for a Zalo message id. */
    markDelivered: (id: number, at: number, t: number) => changes(delivered.run(at, t, id)),
    markDeliveredByMsg: (msgId: string, at: number, t: number) => changes(deliveredByMsg.run(at, t, msgId)),
    markSeenByMsg: (msgId: string, at: number, t: number) => changes(seenByMsg.run(at, at, t, msgId)),
    /** The last message that reached this person since `since`. */
    lastSentTo: (customerId: string, since: number) =>
      lastSentTo.get(customerId, since) as Awaitable<{ id: number; broadcast_id: string | null; sent_at: number } | undefined>,
    blameUnfollow: (id: number, at: number) => none(blame.run(at, id)),
    /** Messages held by the old rules are decided again now under the new ones (e.g. quiet hours turned off). */
    redecideHeld: (t: number) => changes(redecideHeld.run(t, t)),
    /** The person's data was erased: cancels what was still to be sent to them. Inside the erasure's transaction. */
    forgetCustomer: (customerId: string, now: number) =>
      store.join(function* () {
        const rows = (yield* q(cancelUnsent.all(now, customerId))) as { broadcast_id: string | null }[];
        yield* q(blankContent.run(customerId));
        return { cancelled: rows.length, broadcastIds: rows.map((r) => r.broadcast_id) };
      }),
    /** Every message to a customer since `since` (test sends are no one's), by person then time, with its template's tag (the what-if replay). */
    replaySince: (since: number) => replay.all(since),
    /** A person's messages that took a slot (decided to go, or gone) since `since`, with their template's tag: the policy's history. */
    history: (customerId: string, since: number) =>
      historyOf.all(customerId, since) as Awaitable<{ category: string; channel: string | null; sent_at: number; tag: number | null }[]>,

    /** The id range of a broadcast's rows (null when it has none). */
    broadcastSpan: (id: string) => span.get({ id }) as Awaitable<{ lo: number | null; hi: number | null }>,
    broadcastStatesIn: (id: string, after: number, upTo: number) => sliceStates.all(id, after, upTo) as Awaitable<{ state: string; n: number }[]>,
    cancelBroadcastSlice: (id: string, after: number, upTo: number, t: number) => changes(cancelSlice.run(t, id, after, upTo)),
    broadcastStates: (id: string) => byKey(stateCounts.all(id), "state"),
    broadcastUnknown: (id: string) => unknownCount.get(id) as Awaitable<number>,
    broadcastFailedByCode: (id: string) => failedByCode.all(id) as Awaitable<{ code: number | null; n: number }[]>,
    broadcastReasons: (id: string) => byKey(reasonCounts.all(id), "reason"),
    broadcastUnfollows: (id: string) => unfollowCount.get(id) as Awaitable<number>,
    broadcastHeldUntil: (id: string) => mapStep(heldUntil.all(id), (rs) => Object.fromEntries(rs.map((r) => [r.reason, r.until])) as Record<string, number>),
    breakerStats: (id: string) => breakerStats.get(id) as Awaitable<{ sent: number; unfollows: number }>,

    /** Leases up to `n` claimable rows (see `claim`). Outside a transaction: on PostgreSQL one statement commits the lease at once. */
    claim: (p: { owner: string; until: number; now: number; n: number }) => claim.all(p),
    /**
     * Inside the body that decides these customers' rows and takes their slots: waits until no other body
     * deciding for one of them runs (PostgreSQL; a no-op on SQLite, whose transactions already run one at a time).
     */
    lockCustomers: (customerIds: string[]): Awaitable<void> => (lockCustomers && customerIds.length ? none(lockCustomers.all(customerIds)) : undefined),
    /** ZNS rows a stopped dispatcher left in flight with no receipt by `cutoff`: queued again. */
    recoverZns: (now: number, cutoff: number) => changes(recoverZns.run({ now, cutoff })),
    toReady: (p: { id: number; owner: string; channel: string; free: boolean; t: number; until: number }) =>
      none(toReady.run(p.channel, p.free ? 1 : 0, p.t, p.until, p.t, p.id, p.owner)),
    toFinal: (p: { id: number; owner: string; state: "held" | "expired" | "suppressed" | "failed"; reason: string; notBefore: number | null; t: number }) =>
      none(toFinal.run(p.state, p.reason, p.notBefore, p.t, p.id, p.owner)),
    toSent: (id: number, msgId: string, t: number) => none(toSent.run(msgId, t, id)),
    /** Zalo raised the daily quota (`change_oa_daily_quota`): messages held for the old one may go now. */
    releaseQuotaHeld: (t: number) => changes(releaseQuotaHeld.run({ t })),
    toRetry: (p: { id: number; state: "queued" | "held" | "failed"; reason: string; zaloError: number | null; notBefore: number | null; t: number }) =>
      none(toRetry.run(p.state, p.reason, p.zaloError, p.notBefore, p.t, p.id)),
    /** Zalo refused the row on `channel` (the window, a follow, a template not by UID): decided again without it. */
    refuse: (p: { id: number; channel: string; reason: string; zaloError: number | null; t: number }) => none(refuse.run(p)),
    /** Until when the account (ZCA_BALANCE) or a template (TEMPLATE_DAILY_LIMIT) makes rows wait. */
    waits: () => waits.all() as Awaitable<{ reason: "ZCA_BALANCE" | "TEMPLATE_DAILY_LIMIT"; template_id: string | null; until: number | null }[]>,
    /** How many rows wait on Zalo (the account's balance, a template's daily limit, the night), and the next retry. */
    heldWaits: () => heldWaits.all() as Awaitable<{ reason: string; n: number; next: number | null }[]>,
    /** Held rows of one reason go again at `t` (the admin's resume). */
    resumeHeld: (p: { reason: string; t: number }) => changes(resumeHeld.run(p)),
    /** Its answer was lost after it reached Zalo: left in flight with the lease over, for recovery to settle. */
    toUncertain: (p: { id: number; t: number }) => none(uncertain.run(p)),
    /** Takes a `ready` row into flight; false if its lease was lost meanwhile (someone else has it). */
    markInFlight: (p: { id: number; owner: string; t: number; until: number }) => one(inFlight.run(p)),
    requeueReady: (t: number) => changes(requeueReady.run({ t })),
    /** Everything `owner` holds goes back (see above); how many rows. */
    handBack: (p: { owner: string; t: number }) =>
      store.join(function* () {
        let n = 0;
        for (const stmt of [handBackReady, handBackClaimed, handBackInFlight]) n += (yield* q(stmt.run(p))).changes;
        return n;
      }),
    /** Leases up to `n` CS/template rows a stopped dispatcher left in flight, to learn their outcome. */
    takeUnresolved: (p: { owner: string; t: number; until: number; n: number }) => takeUnresolved.all(p) as Awaitable<InFlightRow[]>,
    confirmSent: (p: { id: number; owner: string; msgId: string; t: number }) => one(confirm.run(p)),
    resend: (p: { id: number; owner: string; t: number }) => one(resend.run(p)),
    checkLater: (p: { id: number; owner: string; t: number; until: number }) => one(later.run(p)),
    giveUp: (p: { id: number; owner: string; t: number }) => one(unknown.run(p)),
    /** A Zalo message id already recorded on some row (so it is not another row's lost message). */
    isKnownMsgId: (msgId: string) => mapStep(knownMsg.get(msgId), (v) => v !== undefined),
    /**
     * PostgreSQL: calls `wake` whenever a row is queued (every insert here NOTIFYs at its commit), on a client of
     * its own (LISTEN holds its connection for good, so never one of the pool's). A lost connection is opened
     * again, with a `wake` (what was queued meanwhile was not announced). Undefined on SQLite (nothing to listen to).
     */
    listen: (wake: () => void, log?: (err: Error) => void) => (pgOnly ? listenForQueued(store, wake, log) : undefined),
  };
}

/** See `listen` above. */
function listenForQueued(store: Store, wake: () => void, log?: (err: Error) => void) {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: store.pool.options.connectionString });
    client = c;
    // Once per client: an error, its end, or a failed connect; `client` is no longer `c` after it (or after close).
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = null;
      c.end().catch(() => {});
      if (err) log?.(err);
      if (!closed) retry = setTimeout(() => (opening = open().catch(() => {})), 1000);
    };
    c.on("notification", (n) => n.channel === OUTBOX_CHANNEL && wake());
    c.on("error", lost);
    c.on("end", () => lost());
    try {
      await c.connect();
      await c.query(`listen ${OUTBOX_CHANNEL}`);
    } catch (err) {
      lost(err as Error);
      throw err;
    }
    wake();
  };
  const ready = open();
  let opening: Promise<void> = ready.catch(() => {});
  return {
    /** Resolves once the first LISTEN is in place (it rejects if that failed; it is tried again each second meanwhile). */
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      await opening;
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
