import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { q, type Store } from "../../db/store";
import type { AutomationRepo, AutomationRow } from "./repo";
import type { AutomationService } from "./service";

type Log = { info: (o: object, m?: string) => void; error: (o: object, m?: string) => void };

/**
 * The durable timers' worker, with the dispatcher's lease pattern: claim due `waiting` runs with an owner and a
 * lease (one transaction), then fire them in small chunks (one transaction each), yielding to the event loop
 * between chunks so no request waits long behind a million due timers. A worker killed between the two
 * leaves leased rows that another (or the restarted one) claims once the lease lapses; the outbox dedupe key
 * `auto:<id>:<occurrence>` makes a second fire of an already queued message a no-op.
 */
export function createTimerWorker(deps: {
  store: Store;
  repo: Pick<AutomationRepo, "claim" | "finish" | "byId" | "holds">;
  fire: AutomationService["fire"];
  now: () => number;
  log?: Log;
  /** The expiring triggers' scan, run at start and every `scanEveryMs` (hourly) while the worker runs. */
  scan?: () => Promise<unknown>;
  options?: { batchSize?: number; chunkSize?: number; budgetMs?: number; leaseMs?: number; everyMs?: number; scanEveryMs?: number };
}) {
  const { store, repo, now } = deps;
  const o = { batchSize: 500, chunkSize: 50, budgetMs: 10, leaseMs: 60_000, everyMs: 1_000, scanEveryMs: 3_600_000, ...deps.options };
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  let scanTimer: NodeJS.Timeout | null = null;
  let scanning: Promise<unknown> | null = null;
  function scanNow() {
    if (!deps.scan || scanning || stopped) return;
    scanning = deps
      .scan()
      .catch((err) => deps.log?.error({ err }, "automation expiring scan failed"))
      .finally(() => (scanning = null));
  }
  const yieldNow = () => new Promise<void>((r) => setImmediate(r));
  // The time budget guards SQLite's event loop (a chunk is one synchronous transaction there); on PostgreSQL each
  // statement awaits the network and the loop is free meanwhile, so a chunk is chunkSize fires.
  const budgeted = store.dialect === "sqlite";

  /** One claim and its fires; returns how many timers ended. */
  async function tick(): Promise<number> {
    const t = now();
    // A statement of its own, not a body: on PostgreSQL it skips the rows other workers' claims hold (see the repo).
    const rows = await repo.claim({ owner, until: t + o.leaseMs, now: t, n: o.batchSize });
    // The claim is a turn of its own: with the first chunk after it, one turn would hold both.
    if (rows.length > 0) await yieldNow();
    let done = 0;
    const automations = new Map<string, AutomationRow | undefined>();
    for (let i = 0; i < rows.length;) {
      const first = i;
      // The body keeps its position to itself: PostgreSQL may run it again from the start.
      const chunk = await store.tx(
        function* () {
          // A chunk ends at chunkSize fires or budgetMs, whichever comes first: on a busy machine (or a costly
          // template) a fixed count could hold the event loop for far longer than the requests can wait.
          const t0 = performance.now();
          const last = Math.min(rows.length, first + o.chunkSize);
          const at = now();
          automations.clear();
          let n = 0;
          let j = first;
          for (; j < last && (j === first || !budgeted || performance.now() - t0 < o.budgetMs); j++) {
            const r = rows[j]!;
            // Cancelled since the claim (its cause went away: an order, an emptied cart): nothing goes.
            if (!(yield* q(repo.holds(r.id, owner)))) continue;
            if (!automations.has(r.automation_id)) automations.set(r.automation_id, yield* q(repo.byId(r.automation_id)));
            const outcome = yield* q(
              deps.fire(
                automations.get(r.automation_id),
                { automationId: r.automation_id, occurrenceKey: r.occurrence_key, customerId: r.customer_id, vars: JSON.parse(r.vars) },
                at,
              ),
            );
            if (yield* q(repo.finish({ id: r.id, owner, now: at, ...outcome }))) n++;
          }
          return { n, next: j };
          // READ COMMITTED on PostgreSQL: the body serialises itself on its rows (each leased to this worker and
          // locked by `holds`; the outbox's dedupe key for the message). SERIALIZABLE's page-level read locks made
          // the chunks of concurrent workers, disjoint rows all, fail one another over and over.
        },
        { isolation: "read committed" },
      );
      done += chunk.n;
      i = chunk.next;
      await yieldNow();
    }
    return done;
  }

  /** Runs ticks until nothing is due (each batch yields), then sleeps `everyMs`. */
  async function drain() {
    while (!stopped) {
      let n = 0;
      try {
        n = await tick();
      } catch (err) {
        deps.log?.error({ err }, "automation timers: a batch failed");
      }
      if (n < 1) break;
      await yieldNow();
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain().finally(() => {
        running = null;
        schedule();
      });
    }, o.everyMs);
    timer.unref?.();
  }

  return {
    owner,
    tick,
    /** Every due timer, now (tests; the loop does this on its own). */
    drain: async () => {
      const was = stopped;
      stopped = false;
      try {
        await drain();
      } finally {
        stopped = was;
      }
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
      if (deps.scan) {
        scanNow();
        scanTimer = setInterval(scanNow, o.scanEveryMs);
        scanTimer.unref?.();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (scanTimer) clearInterval(scanTimer);
      scanTimer = null;
      await Promise.all([running, scanning]);
    },
  };
}

export type TimerWorker = ReturnType<typeof createTimerWorker>;
