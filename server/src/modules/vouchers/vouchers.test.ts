import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";

let h: Harness;
let ctx: Awaited<ReturnType<typeof withStoreAndStaff>>;
beforeEach(async () => {
  h = await startHarness();
  ctx = await withStoreAndStaff(h);
});
afterEach(async () => h.close());

const sql = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as any[];

async function campaign(over: Record<string, unknown> = {}) {
  const res = await h.app.inject({
    method: "POST",
    url: "/api/admin/voucher-campaigns",
    headers: bearer(ctx.admin),
    payload: { name: "Giảm 20K cho đơn từ 50K", kind: "amount_off", value: 20_000, minSpendVnd: 50_000, validDaysAfterClaim: 30, ...over },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

const liveQr = async (token: string, voucherId: string) =>
  (await h.app.inject({ method: "GET", url: `/api/me/vouchers/${voucherId}/qr`, headers: bearer(token) })).json();
const claim = (token: string, id: string) => h.app.inject({ method: "POST", url: `/api/vouchers/campaigns/${id}/claim`, headers: bearer(token) });
const counter = (action: "inspect" | "redeem", payload: Record<string, unknown>, token = ctx.staff.token) =>
  h.app.inject({ method: "POST", url: `/api/staff/vouchers/${action}`, headers: bearer(token), payload: { storeId: ctx.storeId, ...payload } });

describe("claiming", () => {
  it("a shopper claims a free voucher, sees it in the catalogue and in my vouchers", async () => {
    const c = await campaign();
    const shopper = await h.login("shopper");
    const cat = (await h.app.inject({ method: "GET", url: "/api/vouchers/catalogue", headers: bearer(shopper.token) })).json().items;
    expect(cat).toEqual([expect.objectContaining({ id: c.id, claimable: true, blockedBy: null })]);
    const res = await claim(shopper.token, c.id);
    expect(res.statusCode).toBe(200);
    expect(res.json().voucher).toMatchObject({ status: "active", code: expect.stringMatching(/^[0-9A-Z]{8}$/), campaign: { id: c.id } });
    const again = await claim(shopper.token, c.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("CAMPAIGN_LIMIT_REACHED");
    const mine = (await h.app.inject({ method: "GET", url: "/api/me/vouchers?status=active", headers: bearer(shopper.token) })).json().vouchers;
    expect(mine).toHaveLength(1);
  });

  it("200 concurrent claims of a campaign with stock 10 issue exactly 10; per-customer limits hold", async () => {
    const c = await campaign({ stock: 10, perCustomerLimit: 1 });
    // Signed in ten at a time: the race under test is the claims, not 40 sign-ins against the emulator.
    const shoppers: Awaited<ReturnType<typeof newShopper>>[] = [];
    for (let b = 0; b < 40; b += 10) shoppers.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => newShopper(h, `Khách ${b + i}`)))));
    const attempts = shoppers.flatMap((s) => Array.from({ length: 5 }, () => claim(s.token, c.id)));
    const results = await Promise.all(attempts);
    expect(results).toHaveLength(200);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(10);
    expect(new Set(results.filter((r) => r.statusCode !== 200).map((r) => r.json().code))).toEqual(
      new Set(["CAMPAIGN_OUT_OF_STOCK", "CAMPAIGN_LIMIT_REACHED"]),
    );
    expect(sql("select count(*) as n from vouchers")[0].n).toBe(10);
    expect(sql("select max(n) as m from (select count(*) as n from vouchers group by customer_id)")[0].m).toBe(1);
    expect(sql("select issued from voucher_campaigns")[0].issued).toBe(10);
  });

  it("buying with points is one transaction: enough points for one means one voucher, whatever the concurrency", async () => {
    const c = await campaign({ costPoints: 30, perCustomerLimit: 10 });
    const shopper = await h.login("shopper");
    await h.app.inject({
      method: "POST",
      url: `/api/admin/customers/${shopper.customer.id}/points/adjust`,
      headers: bearer(ctx.admin),
      payload: { delta: 45, reason: "Quà chào mừng", idempotencyKey: "welcome" },
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => claim(shopper.token, c.id)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === "INSUFFICIENT_POINTS")).toBe(true);
    expect(sql("select points_balance from customers where id = ?", shopper.customer.id)[0].points_balance).toBe(15);
    expect(sql("select kind, delta from points_ledger where kind = 'spend'")).toEqual([{ kind: "spend", delta: -30 }]);
    expect(sql("select count(*) as n from vouchers")[0].n).toBe(1);
  });

  it("a campaign that requires following waits for the verified follow webhook", async () => {
    const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
    await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
    const c = await campaign({ requiresFollow: true });
    const shopper = await h.login("shopper");
    const before = await claim(shopper.token, c.id);
    expect(before.statusCode).toBe(403);
    expect(before.json().code).toBe("FOLLOW_REQUIRED");
    await h.control("POST", "/_emu/personas/shopper/follow");
    expect((await claim(shopper.token, c.id)).statusCode).toBe(200);
  });

  it("bad input: unknown campaign 404, invalid campaign 400, ended campaign 409", async () => {
    const shopper = await h.login("shopper");
    const unknown = await claim(shopper.token, "nope");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("CAMPAIGN_NOT_FOUND");
    const bad = await h.app.inject({
      method: "POST",
      url: "/api/admin/voucher-campaigns",
      headers: bearer(ctx.admin),
      payload: { name: "x", kind: "percent_off", value: 150 },
    });
    expect(bad.statusCode).toBe(400);
    const negative = await h.app.inject({
      method: "POST",
      url: "/api/admin/voucher-campaigns",
      headers: bearer(ctx.admin),
      payload: { name: "Âm", kind: "amount_off", value: -1000, validDaysAfterClaim: 3 },
    });
    expect(negative.statusCode).toBe(400);
    const ended = await campaign({ validTo: new Date(h.emu.clock.now() + 60_000).toISOString() });
    await h.control("POST", "/_emu/clock", { advanceMs: 120_000 });
    const late = await claim(shopper.token, ended.id);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe("CAMPAIGN_NOT_ACTIVE");
  });
});

describe("the counter", () => {
  async function issued(over: Record<string, unknown> = {}) {
    const c = await campaign(over);
    const shopper = await h.login("shopper");
    const v = (await claim(shopper.token, c.id)).json().voucher;
    const qr = (await h.app.inject({ method: "GET", url: `/api/me/vouchers/${v.id}/qr`, headers: bearer(shopper.token) })).json();
    return { shopper, v, qr };
  }

  it("staff scan the QR, see whose it is, redeem; the shopper then sees it used; a second redemption is refused, naming who redeemed it", async () => {
    const { shopper, v, qr } = await issued();
    expect(qr).toMatchObject({ code: expect.stringMatching(/^\d{6}$/), refreshInSeconds: 30, payload: expect.stringMatching(/^MCV1\./) });
    const look = await counter("inspect", { qr: qr.payload });
    expect(look.json()).toMatchObject({ owner: { name: "Nguyễn Thu Hà" }, validHere: true, voucher: { status: "active" }, redeemedBy: null });
    const ok = await counter("redeem", { qr: qr.payload });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ voucher: { status: "used" }, redeemedBy: "Trần Minh Khoa" });
    const mine = (await h.app.inject({ method: "GET", url: `/api/me/vouchers/${v.id}`, headers: bearer(shopper.token) })).json().voucher;
    expect(mine).toMatchObject({ status: "used", redeemedStoreId: "q1" });
    // Looking a used voucher up names the staff member too.
    expect((await counter("inspect", { qr: qr.payload })).json()).toMatchObject({ voucher: { status: "used" }, redeemedBy: "Trần Minh Khoa" });
    const twice = await counter("redeem", { code: qr.code });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({
      code: "VOUCHER_ALREADY_REDEEMED",
      details: { storeId: "q1", storeName: "Quận 1", staffName: "Trần Minh Khoa", redeemedAt: expect.any(String) },
    });
    expect(sql("select actor_id, store_id, target_id from audit_log where action = 'voucher.redeem'")).toEqual([
      { actor_id: ctx.staff.customer.id, store_id: "q1", target_id: v.id },
    ]);
  });

  it('the redeemer is named for the counter: an operator as "Quản trị viên", nobody known as null (never a placeholder)', async () => {
    const { qr } = await issued();
    const ok = await counter("redeem", { qr: qr.payload }, ctx.admin);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().redeemedBy).toBe("Quản trị viên");
    const twice = await counter("redeem", { code: qr.code });
    expect(twice.json()).toMatchObject({ code: "VOUCHER_ALREADY_REDEEMED", details: { staffName: "Quản trị viên" } });
    // A row redeemed before who redeemed it was recorded (or by someone since erased) names nobody.
    h.app.services.db.$client.prepare("update vouchers set redeemed_by = null").run();
    expect((await counter("inspect", { qr: qr.payload })).json()).toMatchObject({ voucher: { status: "used" }, redeemedBy: null });
    h.app.services.db.$client.prepare("update vouchers set redeemed_by = 'gone'").run();
    expect((await counter("redeem", { code: qr.code })).json().details.staffName).toBeNull();
  });

  it("the typed code is a 6-digit code that rotates with the QR: a screenshot's code stops working, the printed voucher code never works", async () => {
    const { shopper, v, qr } = await issued();
    // Read out with a space, as the screen shows it.
    const look = await counter("inspect", { code: `${qr.code.slice(0, 3)} ${qr.code.slice(3)}` });
    expect(look.statusCode).toBe(200);
    expect(look.json().voucher.id).toBe(v.id);
    // The next QR brings the next code; the one before lives as long as its own QR.
    await h.control("POST", "/_emu/clock", { advanceMs: 30_000 });
    const next = await liveQr(shopper.token, v.id);
    expect(next.code).toMatch(/^\d{6}$/);
    expect(next.code).not.toBe(qr.code);
    await h.control("POST", "/_emu/clock", { advanceMs: 31_000 });
    const stale = await counter("inspect", { code: qr.code });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().code).toBe("VOUCHER_CODE_EXPIRED");
    // The voucher's own code (in any screenshot of the wallet) is no way in at the counter.
    const printed = await counter("redeem", { code: v.code });
    expect(printed.statusCode).toBe(400);
    expect(printed.json().code).toBe("VOUCHER_CODE_EXPIRED");
    expect((await counter("inspect", { code: "000000" === next.code ? "111111" : "000000" })).json().code).toBe("VOUCHER_NOT_FOUND");
    expect(sql("select status from vouchers where id = ?", v.id)[0].status).toBe("issued");
    const ok = await counter("redeem", { code: next.code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().voucher.status).toBe("used");
  });

  it("a code checked just before it expired can still be confirmed for 5 minutes, never looked up again", async () => {
    const { v, qr } = await issued();
    expect((await counter("inspect", { code: qr.code })).statusCode).toBe(200);
    // Past its 60 s while staff read the voucher over: a new check is refused, the confirmation goes through.
    await h.control("POST", "/_emu/clock", { advanceMs: 60_000 + 4 * 60_000 });
    expect((await counter("inspect", { code: qr.code })).json().code).toBe("VOUCHER_CODE_EXPIRED");
    const ok = await counter("redeem", { code: qr.code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().voucher).toMatchObject({ id: v.id, status: "used" });
  });

  it("a code more than 5 minutes past its expiry is refused at confirmation too", async () => {
    const { v, qr } = await issued();
    await h.control("POST", "/_emu/clock", { advanceMs: 60_000 + 5 * 60_000 });
    const late = await counter("redeem", { code: qr.code });
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe("VOUCHER_CODE_EXPIRED");
    expect(sql("select status from vouchers where id = ?", v.id)[0].status).toBe("issued");
  });

  it("a shopper whose phone cannot show the voucher: staff list the member's usable vouchers from the member card and redeem one", async () => {
    const usable = await campaign({ name: "Giảm 20K" });
    const elsewhere = await campaign({ name: "Chỉ Quận 3", storeIds: ["q3"] });
    const shopper = await h.login("shopper");
    const other = await newShopper(h, "Người khác");
    const v = (await claim(shopper.token, usable.id)).json().voucher;
    await claim(shopper.token, elsewhere.id);
    const others = (await claim(other.token, usable.id)).json().voucher;
    const code = (await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(shopper.token) })).json().loyalty.memberCode as string;

    const list = await h.app.inject({
      method: "POST",
      url: "/api/staff/vouchers/by-member",
      headers: bearer(ctx.staff.token),
      payload: { memberCode: code.toLowerCase(), storeId: ctx.storeId },
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ owner: { name: "N. T. Hà" } });
    expect(list.json().vouchers.map((x: any) => x.id)).toEqual([v.id]); // not the q3-only one, nor anyone else's

    // Redeeming from the list needs the member code the voucher belongs to.
    const wrongMember = await counter("redeem", { memberCode: code, voucherId: others.id });
    expect(wrongMember.statusCode).toBe(404);
    expect(wrongMember.json().code).toBe("VOUCHER_NOT_FOUND");
    const ok = await counter("redeem", { memberCode: code, voucherId: v.id });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ voucher: { id: v.id, status: "used" }, redeemedBy: "Trần Minh Khoa" });
    expect(sql("select json_extract(details, '$.via') as via from audit_log where action = 'voucher.redeem'")).toEqual([{ via: "member" }]);
    expect(
      (
        await h.app.inject({
          method: "POST",
          url: "/api/staff/vouchers/by-member",
          headers: bearer(ctx.staff.token),
          payload: { memberCode: code, storeId: ctx.storeId },
        })
      ).json().vouchers,
    ).toEqual([]);
    // Customers cannot list anyone's vouchers this way; staff only at their own store.
    expect(
      (
        await h.app.inject({
          method: "POST",
          url: "/api/staff/vouchers/by-member",
          headers: bearer(other.token),
          payload: { memberCode: code, storeId: ctx.storeId },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await h.app.inject({
          method: "POST",
          url: "/api/staff/vouchers/by-member",
          headers: bearer(ctx.staff.token),
          payload: { memberCode: code, storeId: "q3" },
        })
      ).json().code,
    ).toBe("STORE_FORBIDDEN");
    expect(
      (
        await h.app.inject({
          method: "POST",
          url: "/api/staff/vouchers/by-member",
          headers: bearer(ctx.staff.token),
          payload: { memberCode: "MC-ZZZZ-ZZZZ", storeId: ctx.storeId },
        })
      ).json().code,
    ).toBe("MEMBER_NOT_FOUND");
  });

  it("200 concurrent redemptions of one voucher: exactly one succeeds", async () => {
    const { qr } = await issued();
    const results = await Promise.all(Array.from({ length: 200 }, () => counter("redeem", { code: qr.code })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.statusCode !== 200);
    expect(refused).toHaveLength(199);
    expect(refused.every((r) => r.json().code === "VOUCHER_ALREADY_REDEEMED")).toBe(true);
    expect(sql("select count(*) as n from audit_log where action = 'voucher.redeem'")[0].n).toBe(1);
  });

  it("redemptions racing in one shared commit: each voucher once, refusals and a database fault answered alone", async () => {
    const c = await campaign({ perCustomerLimit: 20 });
    const shopper = await h.login("shopper");
    const codes: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const v = (await claim(shopper.token, c.id)).json().voucher;
      ids.push(v.id);
      codes.push((await liveQr(shopper.token, v.id)).code);
    }
    // A fault only the database sees, for one voucher (as a full disk or a broken constraint would be).
    const doomed = codes[5]!;
    h.app.services.db.$client.exec(`create trigger boom before update of status on vouchers when old.id = '${ids[5]}' begin select raise(abort, 'boom'); end`);
    const unknown = codes.includes("999999") ? "999998" : "999999";
    const asks = [...codes, codes[0]!, codes[1]!, unknown];
    const results = await Promise.all(asks.map((code) => counter("redeem", { code })));
    const byCode = (code: string) =>
      results
        .filter((_, i) => asks[i] === code)
        .map((r) => r.statusCode)
        .sort();
    expect(byCode(codes[0]!)).toEqual([200, 409]);
    expect(byCode(codes[1]!)).toEqual([200, 409]);
    expect(byCode(doomed)).toEqual([500]);
    for (const code of codes.slice(2)) if (code !== doomed) expect(byCode(code)).toEqual([200]);
    expect(results.at(-1)!.json().code).toBe("VOUCHER_NOT_FOUND");
    expect(sql("select count(*) as n from vouchers where status = 'redeemed'")[0].n).toBe(11);
    expect(sql("select count(*) as n from audit_log where action = 'voucher.redeem'")[0].n).toBe(11);
    expect(sql("select status from vouchers where id = ?", ids[5])[0].status).toBe("issued");
  });

  it("a screenshot of the QR stops working after about a minute; a forged QR is refused", async () => {
    const { qr, v } = await issued();
    const [kind, id, exp, mac] = qr.payload.split(".");
    const forged = await counter("redeem", { qr: `${kind}.${id}.${Number(exp) + 3600}.${mac}` });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().code).toBe("QR_INVALID");
    expect((await counter("redeem", { qr: "hello" })).json().code).toBe("QR_INVALID");
    await h.control("POST", "/_emu/clock", { advanceMs: 61_000 });
    const stale = await counter("redeem", { qr: qr.payload });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().code).toBe("QR_EXPIRED");
    expect(sql("select status from vouchers where id = ?", v.id)[0].status).toBe("issued");
  });

  it("expired vouchers, other stores and other staff are refused", async () => {
    const { v, qr } = await issued({ storeIds: ["q3"] });
    const wrongStore = await counter("redeem", { code: qr.code });
    expect(wrongStore.statusCode).toBe(422);
    expect(wrongStore.json().code).toBe("VOUCHER_NOT_VALID_AT_STORE");
    const notMyStore = await counter("redeem", { code: qr.code, storeId: "q3" });
    expect(notMyStore.statusCode).toBe(403);
    expect(notMyStore.json().code).toBe("STORE_FORBIDDEN");

    // A voucher that expires in 30 s: its live code lives no longer, and what the counter says is that the voucher expired.
    const c2 = await campaign({ name: "Hết hạn sau 1 ngày", validDaysAfterClaim: 1 });
    const shopper = await h.login("shopper");
    const v2 = (await claim(shopper.token, c2.id)).json().voucher;
    await h.control("POST", "/_emu/clock", { advanceMs: 86_400_000 - 30_000 });
    const late = await liveQr(shopper.token, v2.id);
    await h.control("POST", "/_emu/clock", { advanceMs: 20_000 });
    expect((await counter("inspect", { code: late.code })).json().voucher.status).toBe("active");
    await h.control("POST", "/_emu/clock", { advanceMs: 20_000 });
    const expired = await counter("redeem", { code: late.code });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe("VOUCHER_EXPIRED");
    const memberCode = (await h.app.inject({ method: "GET", url: "/api/me", headers: bearer(shopper.token) })).json().loyalty.memberCode;
    expect((await counter("redeem", { memberCode, voucherId: v2.id })).json().code).toBe("VOUCHER_EXPIRED");
    const mine = (await h.app.inject({ method: "GET", url: "/api/me/vouchers?status=expired", headers: bearer(shopper.token) })).json().vouchers;
    expect(mine.map((x: any) => x.id)).toContain(v2.id);
    expect(v.id).toBeTruthy();
  });

  it("a customer cannot see, show or redeem another customer's voucher", async () => {
    const { v, qr } = await issued();
    const other = await newShopper(h, "Người khác");
    expect((await h.app.inject({ method: "GET", url: `/api/me/vouchers/${v.id}`, headers: bearer(other.token) })).statusCode).toBe(404);
    expect((await h.app.inject({ method: "GET", url: `/api/me/vouchers/${v.id}/qr`, headers: bearer(other.token) })).statusCode).toBe(404);
    const redeem = await counter("redeem", { code: qr.code }, other.token);
    expect(redeem.statusCode).toBe(403);
    expect(sql("select status from vouchers where id = ?", v.id)[0].status).toBe("issued");
  });

  it("staff send exactly one of qr, code or member card + voucher", async () => {
    const both = await counter("redeem", { qr: "a", code: "123456" });
    expect(both.statusCode).toBe(400);
    expect(both.json().code).toBe("VALIDATION_FAILED");
    expect((await counter("redeem", { code: "123456", voucherId: "x", memberCode: "MC-ZZZZ-ZZZZ" })).statusCode).toBe(400);
    expect((await counter("redeem", { voucherId: "x" })).statusCode).toBe(400);
  });
});
