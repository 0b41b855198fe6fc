/**
 * Races across processes. The in-process "200 concurrent" tests share one event loop and one synchronous
 * connection, where no two transactions can interleave. Here four API instances, each its own process with
 * its own SQLite connection, serve one database file, and every burst is spread over all four: a
 * read-then-write implementation (check in one statement or transaction, write in another) loses here.
 * Each race below was seen to fail with such a variant (redemption: status read, then an unconditional
 * update; claims: stock read, then `issued = n + 1`; plays and awards: no transaction around the checks and
 * writes, balance read then set), variants that the in-process "200 concurrent" tests all let through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { buildEmulator, emulatorOptionsFromEnv } from "@mc/zalo-emulator";
import { fileEnv, forkApi, TEST_ENV } from "./test-support";

const INSTANCES = 4;
const dir = mkdtempSync(join(tmpdir(), "mc-xproc-"));
const dbPath = join(dir, "mc.db");
let emu: Awaited<ReturnType<typeof buildEmulator>>;
let emuUrl: string;
const instances: { url: string; stop(): Promise<void> }[] = [];
let urls: string[] = [];
let db: Database.Database;
let admin: string;

type Res = { status: number; body: any };
async function call(i: number, method: string, path: string, token?: string, body?: unknown): Promise<Res> {
  const res = await fetch(`${urls[i % urls.length]}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emuUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<any>;
}

/** Distinct shoppers signed in through the real flow, each on some instance. */
async function shoppers(n: number) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const u = await control("POST", "/_emu/users", { name: `Khách ${i}` });
      const { accessToken } = await control("POST", `/_emu/users/${u.appUserId}/token`);
      const res = await call(i, "POST", "/api/auth/zalo", undefined, { accessToken });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      return { token: res.body.token as string, id: res.body.customer.id as string };
    }),
  );
}

const count = (q: string, ...args: unknown[]) =>
  (db
    .prepare(q)
    .pluck()
    .get(...args) as number) ?? 0;
/** Fires all the calls at once; call i goes to instance i % INSTANCES, so neighbouring calls race across processes. */
const burst = (n: number, f: (i: number) => Promise<Res>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

let staff: string;
beforeAll(async () => {
  emu = await buildEmulator({ ...emulatorOptionsFromEnv(TEST_ENV), logger: false });
  emuUrl = (await emu.app.listen({ port: 0, host: "127.0.0.1" })).replace("localhost", "127.0.0.1");
  const env = fileEnv(emuUrl, dbPath);
  // The first instance migrates the file and creates the admin; the others open it as it is.
  instances.push(await forkApi(env));
  instances.push(...(await Promise.all(Array.from({ length: INSTANCES - 1 }, () => forkApi(env)))));
  urls = instances.map((i) => i.url);
  db = new Database(dbPath, { readonly: true });

  admin = (await call(0, "POST", "/api/admin/login", undefined, { email: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD })).body.token;
  expect((await call(0, "POST", "/api/admin/stores", admin, { id: "q1", name: "Quận 1" })).status).toBe(201);
  const [person] = await shoppers(1);
  expect((await call(0, "PUT", `/api/admin/customers/${person!.id}/role`, admin, { role: "staff", storeIds: ["q1"] })).status).toBe(200);
  staff = person!.token;
}, 60_000);

afterAll(async () => {
  db?.close();
  await Promise.all(instances.map((i) => i.stop()));
  await emu?.app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function campaign(extra: Record<string, unknown>) {
  const res = await call(0, "POST", "/api/admin/voucher-campaigns", admin, {
    name: "Giảm 10%",
    kind: "percent_off",
    value: 10,
    validDaysAfterClaim: 30,
    perCustomerLimit: 1,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

describe("several API processes on one database file", () => {
  it("redemptions: 20 vouchers, each redeemed 10 times at once across processes, each succeeds exactly once", async () => {
    const c = await campaign({ perCustomerLimit: 20 });
    const [owner] = await shoppers(1);
    const codes: string[] = [];
    // What staff scan: each voucher's live signed QR.
    for (let i = 0; i < 20; i++) {
      const id = (await call(i, "POST", `/api/vouchers/campaigns/${c}/claim`, owner!.token)).body.voucher.id;
      codes.push((await call(i, "GET", `/api/me/vouchers/${id}/qr`, owner!.token)).body.payload);
    }
    // Call i goes to instance i % 4: the ten calls for one voucher land on every instance at once.
    const codeOf = (i: number) => codes[Math.floor(i / 10)]!;
    const results = await burst(200, (i) => call(i, "POST", "/api/staff/vouchers/redeem", staff, { qr: codeOf(i), storeId: "q1" }));
    const byCode = new Map<string, number[]>();
    results.forEach((r, i) => byCode.set(codeOf(i), [...(byCode.get(codeOf(i)) ?? []), r.status]));
    for (const [code, statuses] of byCode)
      expect(
        statuses.filter((s) => s === 200),
        code,
      ).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.code === "VOUCHER_ALREADY_REDEEMED")).toBe(true);
    expect(count("select count(*) from vouchers where campaign_id = ? and status = 'redeemed'", c)).toBe(20);
    expect(count("select count(*) from audit_log where action = 'voucher.redeem'")).toBe(20);
  }, 60_000);

  it("claims: 200 claims of a campaign with stock 10 across processes issue exactly 10, at most one each", async () => {
    const c = await campaign({ stock: 10, perCustomerLimit: 1 });
    const people = await shoppers(40);
    const results = await burst(200, (i) => call(i, "POST", `/api/vouchers/campaigns/${c}/claim`, people[Math.floor(i / 5)]!.token));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    for (const r of results.filter((r) => r.status !== 200))
      expect(["409 CAMPAIGN_OUT_OF_STOCK", "409 CAMPAIGN_LIMIT_REACHED"]).toContain(`${r.status} ${r.body.code}`);
    expect(count("select count(*) from vouchers where campaign_id = ?", c)).toBe(10);
    expect(count("select max(n) from (select count(*) as n from vouchers where campaign_id = ? group by customer_id)", c)).toBe(1);
    expect(count("select issued from voucher_campaigns where id = ?", c)).toBe(10);
  }, 60_000);

  it("claims bought with points: 20 at once across processes, enough points for one gives one", async () => {
    const c = await campaign({ costPoints: 30, perCustomerLimit: 10 });
    const [buyer] = await shoppers(1);
    expect(
      (
        await call(0, "POST", `/api/admin/customers/${buyer!.id}/points/adjust`, admin, {
          delta: 45,
          reason: "Quà chào mừng",
          idempotencyKey: `welcome-${buyer!.id}`,
        })
      ).status,
    ).toBe(200);
    const results = await burst(20, (i) => call(i, "POST", `/api/vouchers/campaigns/${c}/claim`, buyer!.token));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(count("select points_balance from customers where id = ?", buyer!.id)).toBe(15);
    expect(count("select count(*) from vouchers where campaign_id = ?", c)).toBe(1);
  }, 60_000);

  it("plays: the daily limit and a prize's stock hold when plays race across processes", async () => {
    const res = await call(0, "POST", "/api/admin/games", admin, {
      name: "Vòng quay",
      kind: "wheel",
      storeIds: ["q1"],
      playsPerDay: 3,
      prizes: [
        { label: "50 điểm", kind: "points", points: 50, weight: 9, stock: 10 },
        { label: "Chúc may mắn lần sau", kind: "none", weight: 1 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const links = await call(0, "GET", `/api/admin/games/${res.body.id}/qr-links`, admin);
    const params = Object.fromEntries(new URL(links.body.links[0].url).searchParams);
    const people = await shoppers(40);
    const results = await burst(240, (i) => call(i, "POST", "/api/games/play", people[Math.floor(i / 6)]!.token, params));
    expect(results.filter((r) => r.status === 200)).toHaveLength(120);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.code === "GAME_DAILY_LIMIT_REACHED")).toBe(true);
    expect(count("select max(n) from (select count(*) as n from game_draws where campaign_id = ? group by customer_id)", res.body.id)).toBe(3);
    expect(count("select count(*) from game_draws where campaign_id = ? and win = 1", res.body.id)).toBe(10);
    expect(count("select won from game_prizes where campaign_id = ? and kind = 'points'", res.body.id)).toBe(10);
    expect(count("select count(*) from points_ledger where source_key like 'prize:%'")).toBe(10);
  }, 60_000);

  it("what one process changes, every process applies at once: a revoked role, an erased person, new earning rules", async () => {
    const [person] = await shoppers(1);
    expect((await call(0, "PUT", `/api/admin/customers/${person!.id}/role`, admin, { role: "staff", storeIds: ["q1"] })).status).toBe(200);
    // Every instance has now served this staff member (and keeps their role in memory).
    for (let i = 0; i < INSTANCES; i++) expect((await call(i, "GET", "/api/staff/stores", person!.token)).status).toBe(200);
    expect((await call(0, "PUT", `/api/admin/customers/${person!.id}/role`, admin, { role: "customer" })).status).toBe(200);
    for (let i = 0; i < INSTANCES; i++) expect((await call(i, "GET", "/api/staff/stores", person!.token)).status, `instance ${i}`).toBe(403);
    for (let i = 0; i < INSTANCES; i++) expect((await call(i, "GET", "/api/me", person!.token)).status).toBe(200);
    expect((await call(0, "POST", `/api/admin/customers/${person!.id}/erase`, admin, { reason: "Khách yêu cầu" })).status).toBe(200);
    for (let i = 0; i < INSTANCES; i++) expect((await call(i, "GET", "/api/me", person!.token)).status, `instance ${i}`).toBe(401);

    const [member] = await shoppers(1);
    const code = (await call(0, "GET", "/api/me", member!.token)).body.loyalty.memberCode as string;
    const award = (i: number, receiptId: string) =>
      call(i, "POST", "/api/staff/points/award", staff, { memberCode: code, storeId: "q1", amountVnd: 100_000, receiptId });
    const before = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => award(i, `RULES-A-${i}`)));
    const rules = (await call(0, "GET", "/api/admin/loyalty/rules", admin)).body.rules;
    expect((await call(0, "PUT", "/api/admin/loyalty/rules", admin, { ...rules, vndPerPoint: rules.vndPerPoint / 2 })).status).toBe(200);
    const after = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => award(i, `RULES-B-${i}`)));
    for (let i = 0; i < INSTANCES; i++) expect(after[i]!.body.points, `instance ${i}`).toBe(before[i]!.body.points * 2);
  }, 60_000);

  it("awards: one receipt sent 100 times earns once; 100 receipts at once all land on the balance", async () => {
    const [member] = await shoppers(1);
    const code = (await call(0, "GET", "/api/me", member!.token)).body.loyalty.memberCode as string;
    const award = (i: number, receiptId: string) =>
      call(i, "POST", "/api/staff/points/award", staff, { memberCode: code, storeId: "q1", amountVnd: 100_000, receiptId });
    const same = await burst(100, (i) => award(i, "R-SAME"));
    expect(same.every((r) => r.status === 200)).toBe(true);
    expect(same.filter((r) => !r.body.duplicate)).toHaveLength(1);
    const points = same[0]!.body.points as number;
    expect(points).toBeGreaterThan(0);
    const many = await burst(100, (i) => award(i, `R-${i}`));
    expect(many.every((r) => r.status === 200 && !r.body.duplicate)).toBe(true);
    expect(count("select count(*) from points_ledger where customer_id = ?", member!.id)).toBe(101);
    // No lost update: the cached balance is every award answered (the tier may raise later ones), and the ledger's sum.
    const total = points + many.reduce((s, r) => s + (r.body.points as number), 0);
    expect(count("select points_balance from customers where id = ?", member!.id)).toBe(total);
    expect(count("select sum(delta) from points_ledger where customer_id = ?", member!.id)).toBe(total);
    expect(count("select count(distinct balance_after) from points_ledger where customer_id = ?", member!.id)).toBe(101);
  }, 60_000);
});
