// The automations' guarantees on both databases, through the services built on the store, with real concurrency
// (on PostgreSQL a pool of 8 connections, SERIALIZABLE bodies run again on conflicts, SKIP LOCKED claims; on
// SQLite one connection, each body whole).
import { expect, it } from "vitest";
import { dayKey } from "@mc/shared";
import { onBothDatabases } from "../../db/test-stores";
import type { Store } from "../../db/store";
import { SYSTEM } from "../../lib/audit";
import { createSigner } from "../../lib/signed-token";
import { createCustomerRepo } from "../customers/repo";
import { createIdentityRepo } from "../identity/repo";
import { createLoyaltyRepo } from "../loyalty/repo";
import { mapStep } from "../../db/store";
import { createOutboxRepo } from "../messaging/outbox-repo";
import { createQueue } from "../messaging/queue";
import { createOrderRepo } from "../orders/repo";
import { createStoreRepo } from "../stores/repo";
import { createVoucherRepo } from "../vouchers/repo";
import { createVoucherService } from "../vouchers/service";
import { createDailyScans } from "./daily-scans";
import { createExpiringScan } from "./expiring-scan";
import { createAutomationHistoryRepo } from "./history-repo";
import { createAutomationRepo } from "./repo";
import { createAutomationService } from "./service";
import { createTimerWorker } from "./timers";
import { createWhatIf } from "./what-if";

const HOUR = 3_600_000;
const TZ = "Asia/Ho_Chi_Minh";
// 10:00 in Vietnam: a birthday scan's "today" is 2026-11-20 there.
const T0 = Date.UTC(2026, 10, 20, 3);
const rnd = () => Math.random().toString(36).slice(2, 10);

async function setUp(store: Store) {
  const clock = { t: T0 };
  const now = () => clock.t;
  const customers = createCustomerRepo(store);
  const stores = createStoreRepo(store);
  const repo = createAutomationRepo(store);
  const outbox = createOutboxRepo(store);
  // Text messages only: the templates repo (SQLite's still) is never read.
  const queue = createQueue({ repo: { template: () => undefined, queue: outbox.queue }, now });
  const segments = { contains: () => true, exists: () => true };
  const automations = createAutomationService({
    store,
    repo,
    queue: queue.queue,
    segments,
    templateExists: () => false,
    storeExists: () => true,
    whatIf: createWhatIf({ history: createAutomationHistoryRepo(store), segments, timeZone: TZ, now }),
    nameOf: (id) => mapStep(customers.byId(id), (c) => c?.name ?? null),
    now,
  });
  const vouchers = createVoucherService({
    store,
    repo: createVoucherRepo(store),
    loyaltyRepo: createLoyaltyRepo(store),
    identityRepo: createIdentityRepo(customers, stores),
    operatorExists: () => false,
    qrSigner: createSigner("test-secret", "voucher-qr"),
    now,
  });
  const one = <T>(sql: string, ...p: unknown[]) => store.prepare<T>(sql, "pluck").get(...p) as Promise<T> | T;
  const all = <T>(sql: string, ...p: unknown[]) => store.prepare<T>(sql).all(...p) as Promise<T[]> | T[];
  // The recipes SQLite's migrations seed stay out of the way: each test adds the automation it checks.
  await store.prepare("update automations set enabled = ?").run(0);
  const automation = async (a: { trigger: string; waitHours?: number; text?: string; voucherCampaignId?: string }) => {
    const id = `a-${rnd()}`;
    await store
      .prepare(
        `insert into automations (id, name, trigger, enabled, wait_hours, category, priority, source, text, expires_hours, voucher_campaign_id, updated_at)
         values (?, ?, ?, ?, ?, 'care', 5, ?, ?, 24, ?, ?)`,
      )
      .run(id, `Tự động ${id}`, a.trigger, 1, a.waitHours ?? 0, `src-${id}`, a.text ?? "Chào {name}", a.voucherCampaignId ?? null, T0);
    return id;
  };
  const shopper = (name = "Lan") => customers.insertCustomer({ zaloId: `z-${rnd()}`, zaloOaId: null, name }, T0);
  const messagesOf = (automationId: string) =>
    all<{ dedupe_key: string; customer_id: string; text: string }>(
      "select dedupe_key, customer_id, text from outbox where dedupe_key like ? order by dedupe_key",
      `auto:${automationId}:%`,
    );
  const runsOf = (automationId: string) =>
    all<{ id: number; occurrence_key: string; customer_id: string; state: string; lease_owner: string | null }>(
      "select id, occurrence_key, customer_id, state, lease_owner from automation_runs where automation_id = ? order by id",
      automationId,
    );
  return { clock, now, customers, repo, automations, vouchers, one, all, automation, shopper, messagesOf, runsOf };
}

/** Ticks a worker until a claim finds nothing it may take; how many timers it ended. */
async function ticks(w: { tick: () => Promise<number> }) {
  let total = 0;
  for (let n; (n = await w.tick()) > 0;) total += n;
  return total;
}

onBothDatabases(
  "automations",
  (store) => {
    it("an event delivered 50 times at once fires each automation once per person and occurrence (the dedupe key)", async () => {
      const { automations, automation, shopper, messagesOf, runsOf } = await setUp(store());
      const id = await automation({ trigger: "order_completed", text: "Cảm ơn {name}, đơn {code}" });
      const people = await Promise.all(Array.from({ length: 4 }, (_, i) => shopper(`Khách ${i}`)));
      const events = people.flatMap((p) =>
        // Two occurrences per person: each its own message; each delivered 50 times concurrently.
        ["order:1", "order:2"].map((occurrenceKey) => ({
          trigger: "order_completed" as const,
          customerId: p.id,
          occurrenceKey: `${p.id}:${occurrenceKey}`,
          vars: { code: occurrenceKey },
        })),
      );
      await Promise.all(events.flatMap((e) => Array.from({ length: 50 }, () => automations.onEvent(e))));
      const runs = await runsOf(id);
      expect(runs).toHaveLength(events.length);
      expect(runs.every((r) => r.state === "queued")).toBe(true);
      const sent = await messagesOf(id);
      expect(sent.map((m) => m.dedupe_key).sort()).toEqual(events.map((e) => `auto:${id}:${e.occurrenceKey}`).sort());
      expect(sent.find((m) => m.customer_id === people[0]!.id)!.text).toBe("Cảm ơn Khách 0, đơn order:1");
    });

    it("due timers claimed by 5 concurrent workers are each processed exactly once; a lapsed lease is processed again, once", async () => {
      const { clock, now, repo, automations, automation, shopper, messagesOf, runsOf } = await setUp(store());
      const id = await automation({ trigger: "first_purchase", waitHours: 1 });
      const people = await Promise.all(Array.from({ length: 6 }, (_, i) => shopper(`Khách ${i}`)));
      const N = 240;
      for (let i = 0; i < N; i++) await automations.onEvent({ trigger: "first_purchase", customerId: people[i % 6]!.id, occurrenceKey: `t${i}`, vars: {} });
      expect((await runsOf(id)).every((r) => r.state === "waiting")).toBe(true);

      clock.t = T0 + 2 * HOUR;
      // A worker that claimed 40 due timers and died before firing them.
      const dead = await repo.claim({ owner: "dead", until: now() + 60_000, now: now(), n: 40 });
      expect(dead).toHaveLength(40);
      const worker = () => createTimerWorker({ store: store(), repo, fire: automations.fire, now, options: { batchSize: 25, chunkSize: 10, leaseMs: 60_000 } });
      const workers = Array.from({ length: 5 }, worker);
      const done = await Promise.all(workers.map(ticks));
      // Every timer but the dead worker's, each ended by exactly one worker; the dead one's still held.
      expect(done.reduce((a, b) => a + b, 0)).toBe(N - 40);
      expect(done.filter((n) => n > 0).length).toBeGreaterThan(1);
      let runs = await runsOf(id);
      expect(runs.filter((r) => r.state === "waiting").map((r) => r.id)).toEqual(dead.map((r) => r.id).sort((a, b) => a - b));
      expect(await messagesOf(id)).toHaveLength(N - 40);

      // Its lease lapses: the five take its timers over, concurrently, and each is processed once more, once.
      clock.t += 61_000;
      const again = await Promise.all(workers.map(ticks));
      expect(again.reduce((a, b) => a + b, 0)).toBe(40);
      runs = await runsOf(id);
      expect(runs.every((r) => r.state === "queued" && r.lease_owner === null)).toBe(true);
      const sent = await messagesOf(id);
      expect(sent).toHaveLength(N);
      expect(new Set(sent.map((m) => m.dedupe_key)).size).toBe(N);
      // The dead worker, back, cannot finish what was taken over from it.
      expect(await repo.finish({ id: dead[0]!.id, owner: "dead", now: now(), state: "queued", reason: null })).toBe(false);
    });

    it("a cancel ends a person's waiting timers of one prefix, even one a worker claimed; an erasure ends the rest", async () => {
      const { clock, now, repo, automations, automation, shopper, messagesOf, runsOf } = await setUp(store());
      const id = await automation({ trigger: "cart_abandoned", waitHours: 2 });
      const [a, b] = [await shopper("An"), await shopper("Bình")];
      for (const [p, k] of [
        [a, "cart:1:v1"],
        [a, "cart:1:v2"],
        [a, "cart:2:v1"],
        [b, "cart:1:v1"],
      ] as const)
        await automations.onEvent({ trigger: "cart_abandoned", customerId: p.id, occurrenceKey: `${p.id}:${k}`, vars: {} });
      clock.t = T0 + 3 * HOUR;
      const worker = createTimerWorker({ store: store(), repo, fire: automations.fire, now });
      const claimed = await repo.claim({ owner: worker.owner, until: now() + 60_000, now: now(), n: 100 });
      expect(claimed.filter((r) => r.automation_id === id)).toHaveLength(4);
      expect(await automations.cancelWaiting({ trigger: "cart_abandoned", customerId: a.id, keyPrefix: `${a.id}:cart:1:`, reason: "ORDER_PLACED" })).toBe(2);
      expect(await automations.forgetCustomer(b.id, now())).toBe(1);
      clock.t += 61_000;
      await ticks(worker);
      expect((await runsOf(id)).map((r) => [r.occurrence_key, r.state])).toEqual([
        [`${a.id}:cart:1:v1`, "cancelled"],
        [`${a.id}:cart:1:v2`, "cancelled"],
        [`${a.id}:cart:2:v1`, "queued"],
        [`${b.id}:cart:1:v1`, "cancelled"],
      ]);
      expect((await messagesOf(id)).map((m) => m.dedupe_key)).toEqual([`auto:${id}:${a.id}:cart:2:v1`]);
    });

    it("expiring points and vouchers, scanned by 4 processes at once, are each reminded once per person and lapse", async () => {
      const s = await setUp(store());
      const loyaltyRepo = createLoyaltyRepo(store());
      const voucherRepo = createVoucherRepo(store());
      const points = await s.automation({ trigger: "points_expiring", text: "{name}: {points} điểm hết hạn {date}" });
      const vouchers = await s.automation({ trigger: "voucher_expiring", text: "{name}: {voucher} hết hạn {date}" });
      const campaignId = `k-${rnd()}`;
      await voucherRepo.insertCampaign({ id: campaignId, name: "Giảm 20k", kind: "amount_off", value: 20_000, createdAt: T0, updatedAt: T0 });
      const people = await Promise.all(Array.from({ length: 9 }, (_, i) => s.shopper(`Khách ${i}`)));
      const DAY = 24 * HOUR;
      for (const [i, p] of people.entries()) {
        // Two lots lapsing the same day (one reminder, their sum) and one outside the 7 days; a voucher within 3 days.
        for (const [k, delta, at] of [
          ["a", 40, T0 + 2 * DAY],
          ["b", 60, T0 + 2 * DAY + HOUR],
          ["c", 10, T0 + 20 * DAY],
        ] as const)
          await loyaltyRepo.append({
            customerId: p.id,
            kind: "earn",
            delta,
            reason: "test",
            sourceKey: `t:${p.id}:${k}`,
            actor: SYSTEM,
            expiresAt: at,
            now: T0 - DAY,
          });
        await voucherRepo.insertVoucher({
          id: `v-${p.id}`,
          campaignId,
          customerId: p.id,
          code: `C${i}${rnd()}`.slice(0, 10),
          source: "claim",
          sourceKey: `v:${p.id}`,
          issuedAt: T0 - DAY,
          expiresAt: T0 + DAY,
        });
      }
      const scan = () =>
        createExpiringScan({ store: store(), automations: s.automations, loyalty: loyaltyRepo, vouchers: voucherRepo, timeZone: TZ, now: s.now, pageSize: 4 });
      await Promise.all(Array.from({ length: 4 }, () => scan().run()));
      await scan().run();
      const pts = await s.messagesOf(points);
      expect(pts).toHaveLength(people.length);
      expect(pts.find((m) => m.customer_id === people[0]!.id)!.text).toBe("Khách 0: 100 điểm hết hạn 22/11/2026");
      const vs = await s.messagesOf(vouchers);
      expect(vs.map((m) => m.dedupe_key).sort()).toEqual(people.map((p) => `auto:${vouchers}:v-${p.id}`).sort());
      expect((await s.runsOf(points)).length + (await s.runsOf(vouchers)).length).toBe(2 * people.length);
    });

    it("a birthday voucher is issued exactly once a year per person under 6 concurrent scans", async () => {
      const s = await setUp(store());
      const campaignId = `k-${rnd()}`;
      await createVoucherRepo(store()).insertCampaign({
        id: campaignId,
        name: "Quà sinh nhật",
        kind: "amount_off",
        value: 30_000,
        validDaysAfterClaim: 30,
        perCustomerLimit: 5,
        createdAt: T0,
        updatedAt: T0,
      });
      const id = await s.automation({ trigger: "birthday", text: "Chúc mừng sinh nhật {name}! {voucher_line}", voucherCampaignId: campaignId });
      const today = dayKey(T0, TZ).slice(5);
      const people = await Promise.all(Array.from({ length: 23 }, (_, i) => s.shopper(`Khách ${i}`)));
      for (const p of people) await s.customers.setBirthDate(p.id, `1990-${today}`, T0);
      const other = await s.shopper("Không phải hôm nay");
      await s.customers.setBirthDate(other.id, "1990-01-01", T0);

      // Six processes' scans at once, in pages of 5, so their transactions over one page collide.
      const scan = () =>
        createDailyScans({
          store: store(),
          automations: s.automations,
          customers: s.customers,
          orders: createOrderRepo(store()),
          vouchers: { issue: s.vouchers.issue, campaignName: (k) => mapStep(createVoucherRepo(store()).campaign(k), (c) => c?.name ?? null) },
          segments: { contains: () => true },
          timeZone: TZ,
          now: s.now,
          pageSize: 5,
        });
      const year = async (y: string) => {
        await Promise.all(Array.from({ length: 6 }, () => scan().run({ force: true })));
        const perPerson = await s.all<{ customer_id: string; n: number; keys: string }>(
          "select customer_id, count(*) as n, min(source_key) as keys from vouchers where campaign_id = ? and source_key like ? group by customer_id",
          campaignId,
          `birthday:%:${y}`,
        );
        expect(perPerson).toHaveLength(people.length);
        expect(perPerson.every((r) => r.n === 1 && r.keys === `birthday:${r.customer_id}:${y}`)).toBe(true);
        const runs = (await s.runsOf(id)).filter((r) => r.occurrence_key.endsWith(`:${y}`));
        expect(runs).toHaveLength(people.length);
      };
      await year("2026");
      const sent = await s.messagesOf(id);
      expect(sent).toHaveLength(people.length);
      expect(sent[0]!.text).toContain('voucher "Quà sinh nhật" đã có trong ví');
      expect(await s.one("select count(*) from vouchers where customer_id = ?", other.id)).toBe(0);
      // The what-if replays this trigger from its own runs, read in id slices.
      s.clock.t = T0 + HOUR;
      expect(await s.automations.whatIf(id, {})).toMatchObject({ people: people.length, occurrences: people.length, exact: false, basis: "runs" });

      // A year later: once more each, and only once.
      s.clock.t = T0 + 365 * 24 * HOUR;
      expect(dayKey(s.clock.t, TZ).slice(5)).toBe(today);
      await year("2027");
      expect(await s.one("select count(*) from vouchers where campaign_id = ?", campaignId)).toBe(2 * people.length);
      expect(await s.messagesOf(id)).toHaveLength(2 * people.length);
    });
  },
  { max: 8 },
);
