// The outbox as the queue on both databases (#16): claims never overlap (FOR UPDATE SKIP LOCKED on PostgreSQL),
// a lapsed lease is claimable again, one customer's decide + slot is serialized, and a queued row wakes a listener.
import { expect, it } from "vitest";
import { q, type Store } from "../../db/store";
import { onBothDatabases } from "../../db/test-stores";
import { createOutboxRepo, type OutboxRepo } from "./outbox-repo";

const NOW = 1_780_000_000_000;
const LEASE = 60_000;

// customers is another module's table; a test writes its own fixtures.
async function customer(s: Store, id: string) {
  await s.prepare("insert into customers (id, name, member_code, created_at, updated_at) values (?, ?, ?, 0, 0)").run(id, id, `m-${id}`);
}

async function queueRows(outbox: OutboxRepo, customerId: string, n: number, tag: string, priority = 5, broadcastId: string | null = null) {
  for (let i = 0; i < n; i++)
    expect(
      await outbox.queue({ customerId, category: "care", priority, dedupeKey: `${tag}:${customerId}:${i}`, source: "test", text: `hi ${i}`, broadcastId }, NOW),
    ).toBe(true);
}

// broadcasts is the broadcasts repo's table; the claim reads its state.
async function broadcast(s: Store, id: string, state: "running" | "paused") {
  await s
    .prepare("insert into broadcasts (id, name, category, audience, state, created_by, created_at) values (?, ?, 'care', '{}', ?, 'test', 0)")
    .run(id, id, state);
}

const stateOf = (s: Store) =>
  s.prepare<{ id: number; state: string; lease_owner: string | null }>("select id, state, lease_owner from outbox where customer_id = ?");

onBothDatabases(
  "outbox_repo",
  (store, dialect) => {
    it("never gives one row to two claimers, many claiming at once, and every row is claimed once", async () => {
      const s = store();
      const outbox = createOutboxRepo(s);
      const ids = Array.from({ length: 8 }, (_, i) => `claim-${i}`);
      // Rows outside broadcasts and in a running broadcast are claimed (through each source's own first n); a
      // paused broadcast's never are.
      await broadcast(s, "b-running", "running");
      await broadcast(s, "b-paused", "paused");
      for (const [i, id] of ids.entries()) {
        await customer(s, id);
        await queueRows(outbox, id, 15, "claim");
        await queueRows(outbox, id, 10, "claim-b", 3, "b-running");
        if (i < 2) await queueRows(outbox, id, 5, "claim-p", 3, "b-paused");
      }
      // A second queue of the same cause is a no-op (the dedupe key).
      expect(await outbox.queue({ customerId: ids[0]!, category: "care", dedupeKey: `claim:${ids[0]}:0`, source: "test", text: "again" }, NOW)).toBe(false);
      const got = new Map<number, string>();
      const duplicates: number[] = [];
      // Rounds of 16 concurrent claimers of 7 rows each until a round finds nothing (skipped rows are found later).
      for (let round = 0; round < 100; round++) {
        const claims = await Promise.all(
          Array.from({ length: 16 }, async (_, k) => {
            const owner = `owner-${round}-${k}`;
            return { owner, rows: await outbox.claim({ owner, until: NOW + LEASE, now: NOW, n: 7 }) };
          }),
        );
        let n = 0;
        for (const c of claims)
          for (const r of c.rows) {
            n++;
            if (got.has(r.id)) duplicates.push(r.id);
            got.set(r.id, c.owner);
            expect(r.lease_owner).toBe(c.owner);
          }
        if (n === 0) break;
      }
      expect(duplicates).toEqual([]);
      expect(got.size).toBe(200);
      // What each claimer got is what the table says it holds.
      for (const id of ids) for (const r of await stateOf(s).all(id)) expect(r.lease_owner ?? undefined).toBe(got.get(r.id));
      const paused = await s.prepare("select count(*) from outbox where broadcast_id = 'b-paused' and lease_owner is null", "pluck").get();
      expect(paused).toBe(10);
      // All leased: nothing more to claim until the leases lapse.
      expect(await outbox.claim({ owner: "late", until: NOW + 2 * LEASE, now: NOW + 1, n: 500 })).toEqual([]);
    });

    it("gives a row whose lease lapsed to the next claimer, not before", async () => {
      const s = store();
      const outbox = createOutboxRepo(s);
      await customer(s, "lapse");
      // First in claim order (the suite's other rows are claimable too once their leases lapse).
      await queueRows(outbox, "lapse", 3, "lapse", 9);
      const first = await outbox.claim({ owner: "a", until: NOW + LEASE, now: NOW, n: 10 });
      const mine = first.filter((r) => r.customer_id === "lapse").map((r) => r.id);
      expect(mine).toHaveLength(3);
      expect((await outbox.claim({ owner: "b", until: NOW + LEASE + 500, now: NOW + LEASE - 1, n: 10 })).filter((r) => r.customer_id === "lapse")).toEqual([]);
      // a stopped: its lease is over at NOW + LEASE.
      const again = await outbox.claim({ owner: "b", until: NOW + 2 * LEASE + 1, now: NOW + LEASE + 1, n: 10 });
      expect(again.filter((r) => r.customer_id === "lapse").map((r) => r.id)).toEqual(mine);
      // a's leftovers are no longer its own: deciding one under a's name changes nothing.
      await outbox.toReady({ id: mine[0]!, owner: "a", channel: "cs", free: true, t: NOW + LEASE + 2, until: NOW + 3 * LEASE });
      expect((await stateOf(s).all("lapse")).map((r) => [r.state, r.lease_owner])).toEqual([
        ["queued", "b"],
        ["queued", "b"],
        ["queued", "b"],
      ]);
    });

    it("lets only one of many concurrent decide + slot bodies for one customer take the slot the cap allows", async () => {
      const s = store();
      const outbox = createOutboxRepo(s);
      const CONTENDERS = 8;
      for (let trial = 0; trial < (dialect === "postgres" ? 5 : 1); trial++) {
        const who = `cap-${trial}`;
        await customer(s, who);
        await queueRows(outbox, who, CONTENDERS, "cap");
        // Each row claimed by a dispatcher of its own, as when several processes hold rows of one person.
        const claimed: { id: number; owner: string }[] = [];
        for (let k = 0; k < CONTENDERS; k++) {
          const rows = await outbox.claim({ owner: `d${k}`, until: NOW + LEASE, now: NOW, n: 1 });
          claimed.push({ id: rows[0]!.id, owner: `d${k}` });
        }
        let runs = 0;
        // The cap: one message in the window. Decide from the person's history, then take the slot.
        const outcomes = await Promise.all(
          claimed.map(({ id, owner }) =>
            s.tx(function* () {
              runs++;
              yield* q(outbox.lockCustomers([who]));
              const history = yield* q(outbox.history(who, NOW - 86_400_000));
              if (history.length >= 1) {
                yield* q(outbox.toFinal({ id, owner, state: "held", reason: "CAP_REACHED", notBefore: NOW + 86_400_000, t: NOW }));
                return "held";
              }
              yield* q(outbox.toReady({ id, owner, channel: "cs", free: true, t: NOW, until: NOW + LEASE }));
              return "ready";
            }),
          ),
        );
        expect(outcomes.filter((o) => o === "ready")).toHaveLength(1);
        const states = (await stateOf(s).all(who)).map((r) => r.state).sort();
        expect(states).toEqual([...Array(CONTENDERS - 1).fill("held"), "ready"]);
        expect(runs).toBeGreaterThanOrEqual(CONTENDERS);
      }
    });

    if (dialect === "sqlite") {
      it("has nothing to listen to on SQLite (the dispatcher polls), and locking a customer is a no-op", () => {
        const outbox = createOutboxRepo(store());
        expect(outbox.listen(() => {})).toBeUndefined();
        expect(outbox.lockCustomers(["x"])).toBeUndefined();
      });
    }

    if (dialect === "postgres") {
      it("wakes a LISTEN outbox connection when a queued row commits, not for a rolled-back or deduplicated one", async () => {
        const s = store();
        const outbox = createOutboxRepo(s);
        await customer(s, "wake");
        let wakes = 0;
        let woke: () => void = () => {};
        const listener = outbox.listen(() => (wakes++, woke()))!;
        try {
          await listener.ready;
          const afterReady = wakes; // one wake on (re)connect: rows queued while not listening are looked for
          expect(afterReady).toBe(1);
          const nextWake = () => new Promise<void>((r) => (woke = r));
          const quiet = () => new Promise((r) => setTimeout(r, 300));

          // Rolled back: no notification.
          await expect(
            (async () =>
              s.tx(function* () {
                yield* q(outbox.queue({ customerId: "wake", category: "care", dedupeKey: "wake:0", source: "test", text: "x" }, NOW));
                throw new Error("undo");
              }))(),
          ).rejects.toThrow("undo");
          await quiet();
          expect(wakes).toBe(afterReady);

          // Committed: one wake for a transaction of several rows.
          const woken = nextWake();
          await s.tx(function* () {
            for (let i = 1; i <= 3; i++)
              yield* q(outbox.queue({ customerId: "wake", category: "care", dedupeKey: `wake:${i}`, source: "test", text: "x" }, NOW));
          });
          await woken;
          await quiet();
          expect(wakes).toBe(afterReady + 1);

          // The same cause again: nothing inserted, nothing announced. A test send (no customer) is announced.
          expect(await outbox.queue({ customerId: "wake", category: "care", dedupeKey: "wake:1", source: "test", text: "x" }, NOW)).toBe(false);
          await quiet();
          expect(wakes).toBe(afterReady + 1);
          const woken2 = nextWake();
          const id = await outbox.queueTestSend({ phone: "84900000000", template: { id: "t1", data: {} }, development: true, expiresAt: NOW + 1000 }, NOW);
          expect(typeof id).toBe("number");
          await woken2;
          expect((await outbox.testSend(id))?.state).toBe("queued");
        } finally {
          await listener.close();
        }
      });

      it("keeps trying to open a listener that cannot connect, and stops when closed", async () => {
        // The same store with a pool pointing nowhere (port 1): only the listener's client reads it.
        const unreachable = Object.create(store(), { pool: { value: { options: { connectionString: "postgres://postgres@127.0.0.1:1/none" } } } }) as Store;
        const errors: Error[] = [];
        let wakes = 0;
        const listener = createOutboxRepo(unreachable).listen(
          () => wakes++,
          (err) => errors.push(err),
        )!;
        await expect(listener.ready).rejects.toThrow();
        const deadline = Date.now() + 5000;
        while (errors.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(errors.length).toBeGreaterThanOrEqual(2); // tried again
        await listener.close();
        const after = errors.length;
        await new Promise((r) => setTimeout(r, 1300));
        expect(errors.length).toBe(after);
        expect(wakes).toBe(0);
      });

      it("hands a lost listener connection back with a wake once it is open again", async () => {
        const s = store();
        const outbox = createOutboxRepo(s);
        let wakes = 0;
        const listener = outbox.listen(() => wakes++)!;
        try {
          await listener.ready;
          expect(wakes).toBe(1);
          // Another session ends the listener's backend (a server restart, a cut connection).
          await s.prepare("select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen outbox' and pid <> pg_backend_pid()").all();
          const deadline = Date.now() + 5000;
          while (wakes < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          expect(wakes).toBe(2);
          await customer(s, "rewake");
          await outbox.queue({ customerId: "rewake", category: "care", dedupeKey: "rewake:0", source: "test", text: "x" }, NOW);
          while (wakes < 3 && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 50));
          expect(wakes).toBe(3);
        } finally {
          await listener.close();
        }
      });
    }
  },
  { max: 10 },
);
