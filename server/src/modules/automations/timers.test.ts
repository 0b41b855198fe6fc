import { describe, expect, it } from "vitest";
import { openDb } from "../../db/client";
import { createAutomationRepo, type RunEnd } from "./repo";
import { syncRepo } from "../../db/test-sync";
import { sqliteStore } from "../../db/store";
import { createTimerWorker } from "./timers";

const T0 = Date.UTC(2026, 10, 23, 3, 0);

describe("timer worker turns", () => {
  it("claims in a turn of its own and fires a bounded chunk per turn", async () => {
    const db = openDb(":memory:");
    const repo = syncRepo(createAutomationRepo, db);
    for (let i = 0; i < 120; i++)
      repo.insertRun({
        automationId: "order-feedback",
        occurrenceKey: `t:${i}`,
        customerId: "c1",
        vars: "{}",
        state: "waiting",
        reason: null,
        dueAt: T0,
        now: T0,
      });
    // The turn a fire runs in: a counter moved by setImmediate, so a fire in the claim's turn sees the claim's count.
    let turn = 0;
    let claimTurn = -1;
    const fireTurns: number[] = [];
    const tick = () => setImmediate(() => (turn++, pending && tick()));
    let pending = true;
    tick();
    const worker = createTimerWorker({
      store: sqliteStore(db),
      repo: {
        ...repo,
        claim: (p) => ((claimTurn = turn), repo.claim(p)),
      },
      fire: (): RunEnd => (fireTurns.push(turn), { state: "queued", reason: null }),
      now: () => T0 + 1,
      options: { batchSize: 100, chunkSize: 10, budgetMs: 1_000 },
    });
    const done = await worker.tick();
    pending = false;
    expect(done).toBe(100);
    // Not one fire in the claim's turn, and at most a chunk's worth in any turn.
    expect(fireTurns.filter((t) => t === claimTurn)).toEqual([]);
    const perTurn = new Map<number, number>();
    for (const t of fireTurns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBe(10);
    expect(perTurn.size).toBe(10);
    db.$client.close();
  });
});
