import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteStore } from "../../db/store";
import { bearer, memberCodeOf, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";

let h: Harness;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
beforeEach(async () => {
  h = await startHarness();
  ctx = await withStoreAndStaff(h);
});
afterEach(async () => h.close());

const DAY = 86_400_000;
const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];

/** The cached balance must always equal the ledger, and never be negative; the running earn sums match it too. */
function assertLedgerConsistent() {
  const rows = sql(
    `select c.id, c.points_balance as cached, coalesce(sum(l.delta), 0) as ledger, min(coalesce(l.balance_after, 0)) as low
     from customers c left join points_ledger l on l.customer_id = c.id group by c.id`,
  );
  for (const r of rows) {
    expect(r.cached).toBe(r.ledger);
    expect(r.low).toBeGreaterThanOrEqual(0);
  }
  // The tier window's running sums too: every customer's earn total, and each entry's sum so far.
  const totals = sql(
    "select c.points_earned_total as cached, coalesce((select sum(delta) from points_ledger l where l.customer_id = c.id and l.kind = 'earn'), 0) as ledger from customers c",
  );
  for (const t of totals) expect(t.cached).toBe(t.ledger);
  const drifted = sql(
    `select count(*) as n from points_ledger l where l.earned_to_date !=
       (select coalesce(sum(case when m.kind = 'earn' then m.delta else 0 end), 0) from points_ledger m where m.customer_id = l.customer_id and m.id <= l.id)`,
  );
  expect(drifted[0].n).toBe(0);
}

async function award(amountVnd: number, receiptId: string, memberCode: string, storeId = ctx.storeId, token = ctx.staff.token) {
  return h.app.inject({ method: "POST", url: "/api/staff/points/award", headers: bearer(token), payload: { memberCode, storeId, amountVnd, receiptId } });
}

describe("points at the counter", () => {
  it("awards points by member code, once per receipt, and shows them on the shopper's home", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    expect(code).toMatch(/^MC-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const first = await award(125_000, "R-1001", code);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ points: 12, balance: 12, duplicate: false, member: { name: "N. T. Hà" } });
    // A retried or double-tapped award for the same receipt earns nothing more.
    const again = await award(125_000, "R-1001", code.toLowerCase().replace(/-/g, " "));
    expect(again.json()).toMatchObject({ points: 12, balance: 12, duplicate: true });

    const me = await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(shopper.token) });
    expect(me.json().loyalty).toMatchObject({ balance: 12, tier: { key: "member" }, nextTier: { key: "silver", toNext: 488 }, earnedInWindow: 12 });
    const hist = await h.app.inject({ method: "GET", url: "/api/me/points", headers: bearer(shopper.token) });
    expect(hist.json().entries).toEqual([
      expect.objectContaining({ kind: "earn", delta: 12, balanceAfter: 12, storeId: "q1", reason: expect.stringContaining("125") }),
    ]);
    assertLedgerConsistent();
    expect(sql("select action, store_id from audit_log where action = 'points.award'")).toEqual([{ action: "points.award", store_id: "q1" }]);
  });

  it("200 concurrent awards of the same receipt earn once", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    const results = await Promise.all(Array.from({ length: 200 }, () => award(100_000, "R-RACE", code)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(results.filter((r) => !r.json().duplicate)).toHaveLength(1);
    expect(sql("select count(*) as n from points_ledger")[0].n).toBe(1);
    assertLedgerConsistent();
  });

  it("concurrent awards share a commit, but one failing award leaves the others whole", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    // 5 000đ earns nothing → 400 from inside the shared transaction; the rest go through.
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => award(i % 3 === 0 ? 5_000 : 100_000, `R-mix-${i}`, code)));
    expect(results.map((r) => r.statusCode)).toEqual(Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 400 : 200)));
    const ok = results.filter((r) => r.statusCode === 200).map((r) => r.json());
    expect(ok.map((r) => r.balance).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 10));
    expect(sql("select count(*) as n from points_ledger")[0].n).toBe(20);
    expect(sql("select count(*) as n from audit_log where action = 'points.award'")[0].n).toBe(20);
    assertLedgerConsistent();
  });

  it("an award that throws mid-batch is answered alone; the batch's other awards and refusals stand", async () => {
    const a = await h.login("shopper");
    const b = await newShopper(h, "Trần Văn B");
    const codes = [await memberCodeOf(h, a.token), await memberCodeOf(h, b.token)];
    // A fault only the database sees (as a full disk or a broken constraint would be), for one receipt.
    h.app.services.db.$client.exec(
      "create trigger boom before insert on points_ledger when new.source_key like '%R-boom' begin select raise(abort, 'boom'); end",
    );
    const reqs = Array.from({ length: 24 }, (_, i) =>
      i === 7 ? award(100_000, "R-boom", codes[0]!) : i === 11 ? award(100_000, "R-ghost", "MC-ZZZZ-ZZZZ") : award(100_000, `R-b-${i}`, codes[i % 2]!),
    );
    const results = await Promise.all(reqs);
    expect(results.map((r) => r.statusCode)).toEqual(Array.from({ length: 24 }, (_, i) => (i === 7 ? 500 : i === 11 ? 404 : 200)));
    expect(results[11]!.json().code).toBe("MEMBER_NOT_FOUND");
    expect(sql("select count(*) as n from points_ledger")[0].n).toBe(22);
    expect(sql("select count(*) as n from audit_log where action = 'points.award'")[0].n).toBe(22);
    expect(sql("select count(*) as n from points_ledger where source_key like '%R-boom'")[0].n).toBe(0);
    assertLedgerConsistent();
  });

  it("the tier window counts only earn points dated inside it, whatever else the ledger holds", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    const adj = (delta: number, key: string) =>
      h.app.inject({
        method: "POST",
        url: `/api/admin/customers/${shopper.customer.id}/points/adjust`,
        headers: bearer(ctx.admin),
        payload: { delta, reason: "Điều chỉnh", idempotencyKey: key },
      });
    const window = async () => (await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(shopper.token) })).json().loyalty;
    await award(3_000_000, "R-w1", code); // day 0: 300
    await h.control("POST", "/_emu/clock", { advanceMs: 100 * DAY });
    await award(1_000_000, "R-w2", code); // day 100: 100
    await adj(40, "w-adj"); // not an earn: never counts toward a tier
    await adj(-20, "w-adj2");
    await h.control("POST", "/_emu/clock", { advanceMs: 200 * DAY });
    await award(2_000_000, "R-w3", code); // day 300: 200 → 600 earned in 365 days: silver (×1.25 from now on)
    expect(await window()).toMatchObject({ earnedInWindow: 600, tier: { key: "silver" } });
    await h.control("POST", "/_emu/clock", { advanceMs: 66 * DAY }); // day 366: the day-0 lot left the window
    expect(await window()).toMatchObject({ earnedInWindow: 300, tier: { key: "member" } });
    await h.control("POST", "/_emu/clock", { advanceMs: 100 * DAY }); // day 466: only day 300's
    expect((await window()).earnedInWindow).toBe(200);
    await h.control("POST", "/_emu/clock", { advanceMs: 300 * DAY }); // day 766: nothing left
    expect((await window()).earnedInWindow).toBe(0);
    // The same answer as summing the window's rows.
    const since = (await h.control("GET", "/_emu/clock")).now - 365 * DAY;
    expect(
      sql("select coalesce(sum(delta), 0) as n from points_ledger where customer_id = ? and kind = 'earn' and created_at >= ?", shopper.customer.id, since)[0]
        .n,
    ).toBe(0);
    assertLedgerConsistent();
  });

  it("applies the tier multiplier once the shopper has climbed", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    await award(5_000_000, "R-big", code); // 500 points → silver
    const next = await award(100_000, "R-after", code);
    expect(next.json().points).toBe(12); // 10 × 1.25, floored
  });

  it("staff can only award at their own store; customers not at all; bad input is 400", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    const elsewhere = await award(100_000, "R-2", code, ctx.otherStoreId);
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().code).toBe("STORE_FORBIDDEN");
    expect((await award(100_000, "R-3", code, ctx.storeId, shopper.token)).statusCode).toBe(403);
    const negative = await award(-5, "R-4", code);
    expect(negative.statusCode).toBe(400);
    expect(negative.json().code).toBe("VALIDATION_FAILED");
    const unknown = await award(100_000, "R-5", "MC-ZZZZ-ZZZZ");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("MEMBER_NOT_FOUND");
    expect(sql("select count(*) as n from points_ledger")[0].n).toBe(0);
  });
});

describe("manual adjustments", () => {
  it("adjusts with a reason, audited, and never below zero", async () => {
    const shopper = await h.login("shopper");
    const adj = (delta: number, key: string) =>
      h.app.inject({
        method: "POST",
        url: `/api/admin/customers/${shopper.customer.id}/points/adjust`,
        headers: bearer(ctx.admin),
        payload: { delta, reason: "Bù điểm sự cố máy POS", idempotencyKey: key },
      });
    expect((await adj(50, "k1")).json()).toMatchObject({ balance: 50, duplicate: false });
    expect((await adj(50, "k1")).json()).toMatchObject({ balance: 50, duplicate: true });
    const tooMuch = await adj(-51, "k2");
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().code).toBe("INSUFFICIENT_POINTS");
    expect((await adj(-50, "k3")).json().balance).toBe(0);
    expect((await adj(0, "k4")).statusCode).toBe(400);
    expect(sql("select count(*) as n from audit_log where action = 'points.adjust'")[0].n).toBe(2);
    assertLedgerConsistent();
    // Staff cannot adjust.
    const staffTry = await h.app.inject({
      method: "POST",
      url: `/api/admin/customers/${shopper.customer.id}/points/adjust`,
      headers: bearer(ctx.staff.token),
      payload: { delta: 5, reason: "xin thêm", idempotencyKey: "k5" },
    });
    expect(staffTry.statusCode).toBe(403);
  });
});

describe("history", () => {
  it("pages newest first by date, insert order breaking ties, and never shows another shopper's entries", async () => {
    const shopper = await h.login("shopper");
    const other = await newShopper(h, "Lê Thị C");
    const code = await memberCodeOf(h, shopper.token);
    const otherCode = await memberCodeOf(h, other.token);
    // 7 entries: three at one instant (the clock is frozen), then a day apart; the other shopper's in between.
    for (let i = 1; i <= 7; i++) {
      await award(100_000 * i, `R-h${i}`, code);
      await award(100_000, `R-o${i}`, otherCode);
      if (i >= 3) await h.control("POST", "/_emu/clock", { advanceMs: DAY });
    }
    const page = async (before?: number) =>
      (await h.app.inject({ method: "GET", url: `/api/me/points?limit=3${before ? `&before=${before}` : ""}`, headers: bearer(shopper.token) })).json();
    const seen: number[] = [];
    let p = await page();
    for (;;) {
      seen.push(...p.entries.map((e: any) => e.delta));
      if (!p.nextBefore) break;
      p = await page(p.nextBefore);
    }
    expect(seen).toEqual([70, 60, 50, 40, 30, 20, 10]);
    // A cursor from someone else's ledger shows nothing of theirs, nor of anyone's.
    const otherId = sql("select id from points_ledger where customer_id = ? limit 1", other.customer.id)[0].id;
    expect((await page(otherId)).entries).toEqual([]);
  });
});

describe("expiry", () => {
  it("writes expiry as ledger entries, oldest points first, and shows what expires soon", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    await award(1_000_000, "R-old", code); // 100 points, valid 365 days
    await h.control("POST", "/_emu/clock", { advanceMs: 200 * DAY });
    await award(500_000, "R-new", code); // 50 points
    await h.control("POST", "/_emu/clock", { advanceMs: 150 * DAY }); // the first lot expires in 15 days
    const soon = (await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(shopper.token) })).json().loyalty.expiringSoon;
    expect(soon.points).toBe(100);

    await h.control("POST", "/_emu/clock", { advanceMs: 16 * DAY });
    const run = await h.app.inject({ method: "POST", url: "/api/admin/jobs/expire-points", headers: bearer(ctx.admin) });
    expect(run.json()).toEqual({ expired: 100 });
    // Running it again changes nothing.
    expect((await h.app.inject({ method: "POST", url: "/api/admin/jobs/expire-points", headers: bearer(ctx.admin) })).json()).toEqual({ expired: 0 });
    const hist = (await h.app.inject({ method: "GET", url: "/api/me/points", headers: bearer(shopper.token) })).json().entries;
    expect(hist[0]).toMatchObject({ kind: "expire", delta: -100, balanceAfter: 50 });
    assertLedgerConsistent();
  });
});

describe("rules", () => {
  it("admins version the earning rule; invalid rules are refused", async () => {
    const get = await h.app.inject({ method: "GET", url: "/api/admin/loyalty/rules", headers: bearer(ctx.admin) });
    const rules = get.json().rules;
    const put = await h.app.inject({ method: "PUT", url: "/api/admin/loyalty/rules", headers: bearer(ctx.admin), payload: { ...rules, vndPerPoint: 1000 } });
    expect(put.json().version).toBe(1);
    const bad = await h.app.inject({ method: "PUT", url: "/api/admin/loyalty/rules", headers: bearer(ctx.admin), payload: { ...rules, tiers: [] } });
    expect(bad.statusCode).toBe(400);
    const shopper = await h.login("shopper");
    expect((await award(5_000, "R-x", await memberCodeOf(h, shopper.token))).json().points).toBe(5);
  });
});

describe("idempotency keys belong to one subject", () => {
  it("a receipt already used for one member, sent for another, is 409 IDEMPOTENCY_KEY_REUSED: nothing earned, nothing of the first shown", async () => {
    const a = await h.login("shopper");
    const b = await newShopper(h, "Trần Văn B");
    const codeA = await memberCodeOf(h, a.token);
    const codeB = await memberCodeOf(h, b.token);
    expect((await award(100_000, "R-7", codeA)).json()).toMatchObject({ points: 10, duplicate: false });

    const forB = await award(900_000, "R-7", codeB);
    expect(forB.statusCode).toBe(409);
    expect(forB.json().code).toBe("IDEMPOTENCY_KEY_REUSED");
    // Neither A's name nor A's balance leaks to whoever typed B's card.
    expect(forB.body).not.toContain("Nguyễn Thu Hà");
    expect(forB.body).not.toContain('"balance"');
    // The same member with another amount is another purchase, not a retry.
    const otherAmount = await award(900_000, "R-7", codeA);
    expect(otherAmount.statusCode).toBe(409);
    expect(otherAmount.json().code).toBe("IDEMPOTENCY_KEY_REUSED");
    // The real retry is still a duplicate.
    expect((await award(100_000, "R-7", codeA)).json()).toMatchObject({ member: { name: "N. T. Hà" }, points: 10, balance: 10, duplicate: true });

    expect(sql("select customer_id, delta from points_ledger")).toEqual([{ customer_id: a.customer.id, delta: 10 }]);
    assertLedgerConsistent();
  });

  it("a retried award whose first run lifted the member a tier is still the same purchase", async () => {
    const shopper = await h.login("shopper");
    const code = await memberCodeOf(h, shopper.token);
    expect((await award(5_000_000, "R-lift", code)).json()).toMatchObject({ points: 500, duplicate: false }); // → silver
    const again = await award(5_000_000, "R-lift", code);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ points: 500, balance: 500, duplicate: true });
  });

  it("a reused receipt in a shared commit is refused without undoing or re-running the batch", async () => {
    const { createLoyaltyRepo } = await import("./repo");
    const { createLoyaltyService } = await import("./service");
    const { createIdentityRepo } = await import("../identity/repo");
    const { createCustomerRepo } = await import("../customers/repo");
    const { createStoreRepo } = await import("../stores/repo");
    const store = sqliteStore(h.app.services.db);
    const loyalty = createLoyaltyService({
      store,
      repo: createLoyaltyRepo(store),
      identityRepo: createIdentityRepo(createCustomerRepo(store), createStoreRepo(store)),
      now: () => Date.now(),
    });
    const a = await h.login("shopper");
    const b = await newShopper(h, "Trần Văn B");
    const codeA = await memberCodeOf(h, a.token);
    const codeB = await memberCodeOf(h, b.token);
    const actor = { kind: "customer" as const, id: ctx.staff.customer.id, role: "staff" as const, storeIds: ["q1"] };
    // Count the transactions the batch opens: one shared commit, no re-run of each award alone.
    const client = store.sqlite.$client;
    const transaction = client.transaction.bind(client);
    let opened = 0;
    client.transaction = ((fn: any) => (opened++, transaction(fn))) as typeof client.transaction;
    try {
      const runs = Array.from({ length: 8 }, (_, i) =>
        loyalty.award({ actor, memberCode: i === 5 ? codeB : codeA, storeId: "q1", amountVnd: 100_000, receiptId: i === 5 ? "R-b0" : `R-b${i}` }),
      );
      const settled = await Promise.allSettled(runs);
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
      expect((settled[5] as PromiseRejectedResult).reason.code).toBe("IDEMPOTENCY_KEY_REUSED");
      expect(opened).toBe(1);
    } finally {
      client.transaction = transaction;
    }
    expect(sql("select count(*) as n from points_ledger where customer_id = ?", a.customer.id)[0].n).toBe(7);
    expect(sql("select count(*) as n from points_ledger where customer_id = ?", b.customer.id)[0].n).toBe(0);
    assertLedgerConsistent();
  });

  it("an adjustment key used for one customer, sent for another or with another delta, is 409", async () => {
    const a = await h.login("shopper");
    const b = await newShopper(h, "Trần Văn B");
    const adj = (id: string, delta: number, key: string, reason = "Bù điểm sự cố máy POS") =>
      h.app.inject({
        method: "POST",
        url: `/api/admin/customers/${id}/points/adjust`,
        headers: bearer(ctx.admin),
        payload: { delta, reason, idempotencyKey: key },
      });
    expect((await adj(a.customer.id, 50, "k-1")).json()).toMatchObject({ balance: 50, duplicate: false });
    const forB = await adj(b.customer.id, 50, "k-1");
    expect(forB.statusCode).toBe(409);
    expect(forB.json().code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(forB.body).not.toContain('"balance"');
    const otherDelta = await adj(a.customer.id, 500, "k-1");
    expect(otherDelta.statusCode).toBe(409);
    expect(otherDelta.json().code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect((await adj(a.customer.id, 50, "k-1")).json()).toMatchObject({ balance: 50, duplicate: true });
    expect(sql("select customer_id, delta from points_ledger")).toEqual([{ customer_id: a.customer.id, delta: 50 }]);
    assertLedgerConsistent();
  });
});
