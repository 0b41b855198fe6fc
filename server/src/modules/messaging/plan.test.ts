import { sqliteStore } from "../../db/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syncRepo } from "../../db/test-sync";
import { DEFAULT_WARMING_RULES, decide, type PolicyMessage } from "@mc/shared";
import { openDb, type Db } from "../../db/client";
import type { SliceOptions } from "../../db/chunked";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createCustomerRepo } from "../customers/repo";
import { createDispatcher } from "./dispatcher";
import { createMessagingRepo } from "./repo";
import { createMessagingService } from "./service";
import { createRulesRepo } from "./rules-repo";
import { everyTurn } from "../../test-support";

// Broadcast previews and plans in slices (service level, fresh in-memory database per test). Time is
// frozen at 10:00 in Vietnam: inside every sending window.
const NOW = Date.UTC(2026, 10, 23, 3, 0);
const HOUR = 3_600_000;
const admin = { kind: "operator" as const, id: "op1", console: "owner" as const, role: "admin" as const, storeIds: [] };

let db: Db;
beforeEach(() => {
  db = openDb(":memory:");
});
afterEach(() => db.$client.close());

const sql = (q: string, ...args: unknown[]) => db.$client.prepare(q).all(...args) as any[];
/** A fresh service on the same database: what a restarted process builds. */
const service = (slices?: SliceOptions) =>
  createMessagingService({
    db,
    repo: createMessagingRepo(db),
    loyaltyRepo: syncRepo(createLoyaltyRepo, db),
    customers: syncRepo(createCustomerRepo, db),
    zalo: {} as never,
    now: () => NOW,
    slices,
  });

function seed(n: number, vary = false) {
  const insert = db.$client.prepare(
    "insert into customers (id, zalo_oa_id, phone, name, member_code, follows_oa, unfollowed_at, last_interaction_at, prefs, fatigue_until, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  for (let i = 0; i < n; i++) {
    // With `vary`, people differ in every fact the policy reads (consent, window, prefs, fatigue).
    const follows = !vary || i % 7 !== 3 ? 1 : 0;
    const lastSeen = !vary ? NOW - HOUR : [NOW - HOUR, NOW - 72 * HOUR, NOW - 10 * 24 * HOUR, null][i % 4]!;
    const prefs = vary && i % 5 === 1 ? JSON.stringify({ offersPerWeek: null, pausedUntil: null, mutedCategories: ["promotion"] }) : "{}";
    insert.run(
      `cust-${String(i).padStart(4, "0")}`,
      `oa${i}`,
      vary && i % 3 === 0 ? null : `8490${i}`,
      `Khách ${i}`,
      `M${i}`,
      follows,
      vary && i % 6 === 5 ? NOW - 50 * 24 * HOUR : null,
      lastSeen,
      prefs,
      vary && i % 9 === 4 ? NOW + HOUR : null,
      NOW,
      NOW,
    );
  }
}

function broadcast(svc: ReturnType<typeof service>, category: "care" | "promotion" = "promotion") {
  return svc.createBroadcast(admin, {
    name: "Cuối tuần",
    category,
    content: { text: "Giảm 20%!" },
    audience: { followersOnly: true },
    scheduledAt: null,
    expiresAt: null,
    breakerRate: 0.02,
    breakerMinSent: 200,
  }).id;
}

describe("a broadcast is planned in slices", () => {
  it("a start to 10 customers writes its rows 3 at a time, serving the event loop between slices; nothing is claimable before the last", async () => {
    seed(10);
    const svc = service({ rows: 3 });
    const id = broadcast(svc, "care");
    const dispatcher = createDispatcher({ store: sqliteStore(db), repo: createMessagingRepo(db), zalo: {} as never, now: () => NOW });
    const seen: string[] = [];
    const claimed: number[] = [];
    const stop = everyTurn(() => {
      const b = sql("select state, recipients from broadcasts where id = ?", id)[0];
      seen.push(`${b.state}:${b.recipients}`);
      // The dispatcher's claim is synchronous up to its first await: an empty claim returns 0 untouched.
      if (b.state === "planning") void dispatcher.tick().then((n) => claimed.push(n));
    });
    const view = await svc.start(admin, id);
    stop();

    expect(view).toMatchObject({ state: "running", recipients: 10, counts: { queued: 10 } });
    // Another macrotask ran after each of the first three slices (and saw the plan's progress).
    expect(seen).toEqual(expect.arrayContaining(["planning:3", "planning:6", "planning:9"]));
    expect(seen.indexOf("planning:3")).toBeLessThan(seen.indexOf("planning:6"));
    expect(claimed.length).toBeGreaterThanOrEqual(3);
    expect(claimed.every((n) => n === 0)).toBe(true);
    expect(sql("select count(distinct customer_id) n, count(*) total from outbox where broadcast_id = ?", id)[0]).toEqual({ n: 10, total: 10 });
    expect(sql("select action from audit_log where target_id = ? order by id", id).map((r) => r.action)).toEqual([
      "broadcast.create",
      "broadcast.start",
      "broadcast.planned",
    ]);
  });

  it("a crash inside a slice loses only that slice; after a restart the plan resumes from its mark and nobody gets two rows", async () => {
    seed(10);
    const id = broadcast(service());
    // The process dies in the third slice, after its rows are inserted but before the mark moves.
    db.$client.exec(
      `create temp trigger crash before update of planned_through on broadcasts when new.planned_through = 9 begin select raise(abort, 'simulated crash'); end`,
    );
    await expect(service({ rows: 3 }).start(admin, id)).rejects.toThrow("simulated crash");
    expect(sql("select state, planned_through, recipients from broadcasts where id = ?", id)[0]).toEqual({
      state: "planning",
      planned_through: 6,
      recipients: 6,
    });
    expect(sql("select count(*) n from outbox where broadcast_id = ?", id)[0].n).toBe(6);

    db.$client.exec("drop trigger crash");
    const restarted = service({ rows: 4 });
    expect(await restarted.resumePlans()).toEqual({ resumed: 1 });
    expect(restarted.broadcastView(id)).toMatchObject({ state: "running", recipients: 10 });
    expect(sql("select count(distinct customer_id) n, count(*) total from outbox where broadcast_id = ?", id)[0]).toEqual({ n: 10, total: 10 });
    expect(await restarted.resumePlans()).toEqual({ resumed: 0 });
  });

  it("two planners of the same broadcast (a restart racing a slow one) never write a customer twice", async () => {
    seed(11);
    const svc = service({ rows: 2 });
    const id = broadcast(svc);
    const other = service({ rows: 3 });
    const [view] = await Promise.all([svc.start(admin, id), other.resumePlans()]);
    expect(view).toMatchObject({ state: "running", recipients: 11 });
    expect(sql("select count(distinct customer_id) n, count(*) total from outbox where broadcast_id = ?", id)[0]).toEqual({ n: 11, total: 11 });
  });

  it("a cancel during the plan stops it at the next slice; the rows written so far are cancelled; a pause is refused", async () => {
    seed(10);
    const svc = service({ rows: 3 });
    const id = broadcast(svc);
    const outcomes: Promise<string>[] = [];
    const stop = everyTurn(() => {
      if (outcomes.length || sql("select recipients from broadcasts where id = ?", id)[0].recipients !== 3) return;
      for (const action of ["pause", "cancel"] as const) {
        outcomes.push(
          svc.setState(admin, id, action).then(
            (v) => `${action}:${v.state}`,
            (e) => `${action}:${e.code}`,
          ),
        );
      }
    });
    const view = await svc.start(admin, id);
    stop();
    expect(await Promise.all(outcomes)).toEqual(["pause:CONFLICT", "cancel:cancelled"]);
    expect(view).toMatchObject({ state: "cancelled", recipients: 3, counts: { cancelled: 3, queued: 0 } });
    expect(sql("select count(*) n from outbox where broadcast_id = ?", id)[0].n).toBe(3);
  });
});

describe("a broadcast cancelled", () => {
  it("cancels its unsent rows in slices; nothing is claimed meanwhile; a crash midway is finished after a restart", async () => {
    seed(10);
    const svc = service({ rows: 3 });
    const id = broadcast(svc, "care");
    await service().start(admin, id);
    // The process dies in the third slice of the cancel (rows 7 to 9).
    db.$client.exec(
      `create temp trigger crash before update of state on outbox when old.id = 7 and new.state = 'cancelled' begin select raise(abort, 'simulated crash'); end`,
    );
    await expect(svc.setState(admin, id, "cancel")).rejects.toThrow("simulated crash");
    expect(sql("select state, count(*) n from outbox where broadcast_id = ? group by state order by state", id)).toEqual([
      { state: "cancelled", n: 6 },
      { state: "queued", n: 4 },
    ]);
    const dispatcher = createDispatcher({ store: sqliteStore(db), repo: createMessagingRepo(db), zalo: {} as never, now: () => NOW });
    expect(await dispatcher.tick()).toBe(0); // the broadcast is cancelled: its queued rows are never claimed

    db.$client.exec("drop trigger crash");
    await service({ rows: 3 }).resumePlans();
    expect(service().broadcastView(id)).toMatchObject({ state: "cancelled", counts: { cancelled: 10, queued: 0 } });
  });
});

describe("a broadcast preview in slices", () => {
  it("counts what `decide` says for each person, whatever the slice size, with the event loop served between slices", async () => {
    seed(40, true);
    // This shop sends offers by CS (off by default): the audience then splits over many reasons, not one.
    createRulesRepo(db, DEFAULT_WARMING_RULES.timeZone).addVersion(
      { ...DEFAULT_WARMING_RULES, zalo: { ...DEFAULT_WARMING_RULES.zalo, promotionsByCs: true } },
      "test",
      null,
      NOW,
    );
    // Recent sends for some: decided against their own history (the weekly promotion cap of 2, a care send).
    const send = db.$client.prepare(
      "insert into outbox (customer_id, category, source, state, channel, sent_at, created_at, updated_at) values (?, ?, 'test', 'sent', 'cs', ?, ?, ?)",
    );
    for (const i of [0, 2, 8, 9, 20, 33]) {
      const who = `cust-${String(i).padStart(4, "0")}`;
      send.run(who, "promotion", NOW - 24 * HOUR, NOW, NOW);
      if (i % 2 === 0) send.run(who, "promotion", NOW - 48 * HOUR, NOW, NOW);
      if (i === 9) send.run(who, "care", NOW - 2 * HOUR, NOW, NOW);
    }
    const one = service({ rows: 1_000_000 });
    const id = broadcast(one);

    // The truth: every follower decided one by one, against their own history.
    const repo = createMessagingRepo(db);
    const { rules } = repo.currentRules();
    const msg: PolicyMessage = { category: "promotion", priority: 3, hasText: true, template: null, expiresAt: null };
    const truth: Record<string, number> = {};
    for (const { id: who } of sql("select id from customers where follows_oa = 1")) {
      const d = decide(repo.policyCustomer(who)!, msg, NOW, rules, repo.history(who, NOW));
      const key = d.action === "send" ? `send:${d.channel}` : `${d.action}:${d.reason}`;
      truth[key] = (truth[key] ?? 0) + 1;
    }

    let turns = 0;
    const stop = everyTurn(() => turns++);
    const sliced = await service({ rows: 3 }).preview(id);
    stop();
    const whole = await one.preview(id);

    expect(sliced).toEqual(whole);
    const got: Record<string, number> = {};
    for (const [ch, n] of Object.entries(sliced.channels)) if (n) got[`send:${ch}`] = n;
    for (const [reason, n] of Object.entries(sliced.reasons)) {
      const action = ["hold", "suppress", "expire"].find((a) => truth[`${a}:${reason}`]) ?? "?";
      got[`${action}:${reason}`] = n;
    }
    expect(got).toEqual(truth);
    expect(sliced.audience).toBe(sql("select count(*) n from customers where follows_oa = 1")[0].n);
    expect(Object.keys(truth).length).toBeGreaterThan(3); // the seed does exercise several outcomes
    expect(turns).toBeGreaterThanOrEqual(12); // 40 customers, 3 a slice: 14 slices, a turn between each
  });
});

describe("the dispatcher's claim", () => {
  it("takes the first rows by priority then id across messages and running broadcasts, never those of a broadcast being planned or paused", async () => {
    seed(12);
    const ids = sql("select id from customers order by rowid").map((r) => r.id as string);
    const addBroadcast = db.$client.prepare(
      "insert into broadcasts (id, name, category, audience, state, created_by, created_at) values (?, 'b', 'care', '{}', ?, 'test', ?)",
    );
    for (const [id, state] of [
      ["bRun1", "running"],
      ["bPlan", "planning"],
      ["bPaused", "paused"],
      ["bRun2", "running"],
    ])
      addBroadcast.run(id, state, NOW);
    const queue = db.$client.prepare(
      "insert into outbox (customer_id, category, priority, source, text, state, broadcast_id, created_at, updated_at) values (?, 'care', ?, 'test', 'Xin chào', 'queued', ?, ?, ?)",
    );
    // [customer index, priority, broadcast]: the outbox ids follow this order.
    const rows: [number, number, string | null][] = [
      [0, 3, "bPlan"],
      [1, 9, "bPaused"],
      [2, 3, "bRun1"],
      [3, 2, null],
      [4, 3, "bRun2"],
      [5, 6, null],
      [6, 3, "bRun1"],
      [7, 3, "bRun2"],
      [8, 3, "bPlan"],
      [9, 5, null],
    ];
    for (const [who, priority, b] of rows) queue.run(ids[who], priority, b, NOW, NOW);
    const sentTo: string[] = [];
    const zalo = { sendCs: async (m: { oaUserId: string }) => (sentTo.push(m.oaUserId), { message_id: `m${sentTo.length}` }) };
    const dispatcher = createDispatcher({
      store: sqliteStore(db),
      repo: createMessagingRepo(db),
      zalo: zalo as never,
      now: () => NOW,
      options: { batchSize: 4 },
    });

    const claimedBy = (n: number) =>
      sql("select o.id from outbox o where o.state = 'sent' order by o.id")
        .map((r) => r.id)
        .slice(0, n);
    expect(await dispatcher.tick()).toBe(4);
    // Priority 6 and 5 first, then the two priority-3 rows of running broadcasts with the lowest ids.
    expect(claimedBy(4)).toEqual([3, 5, 6, 10]);
    expect(await dispatcher.tick()).toBe(3); // bRun1's and bRun2's second rows, then the priority-2 message
    expect(sql("select count(*) n from outbox where state = 'sent'")[0].n).toBe(7);
    expect(sql("select id from outbox where state = 'queued' order by id").map((r) => r.id)).toEqual([1, 2, 9]);
    expect(await dispatcher.tick()).toBe(0);

    // The console's view counts a broadcast's rows in slices of its id range: the same counts as one query.
    const svc = service({ rows: 1 });
    for (const b of ["bRun1", "bPlan", "bPaused"]) expect(await svc.broadcastViewSliced(b)).toEqual(svc.broadcastView(b));
    expect((await svc.broadcastViewSliced("bRun1")).counts).toMatchObject({ sent: 2, queued: 0 });
    db.$client.prepare("update outbox set state = 'failed', zalo_error = -201 where id = 2").run();
    expect((await svc.broadcastViewSliced("bPaused")).counts).toMatchObject({ failed: 1, queued: 0 });
  });
});
