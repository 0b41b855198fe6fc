import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_LOYALTY_RULES, loyaltyRulesChanges, type LoyaltyRules } from "@mc/shared";
import { bearer, startHarness, TEST_ENV, type Harness } from "../../test-support";
import { databaseDigest } from "../../http/route-table";

let h: Harness;
let owner: string;
beforeEach(async () => {
  h = await startHarness();
  owner = await h.adminToken();
});
afterEach(async () => h.close());

async function call(method: "GET" | "PUT" | "POST", url: string, token: string, payload?: unknown) {
  const res = await h.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
}
const put = (rules: unknown, token = owner) => call("PUT", "/api/admin/loyalty/rules", token, rules);
const R = DEFAULT_LOYALTY_RULES;

describe("what a new version of the loyalty rules changed", () => {
  it("says each field that moved; tiers are matched by key, so a rename is a name change", () => {
    const next: LoyaltyRules = {
      ...R,
      vndPerPoint: 5_000,
      pointsValidDays: 180,
      tiers: [
        { ...R.tiers[0]!, name: "Thành viên mới" },
        { ...R.tiers[1]!, threshold: 400 },
        { key: "diamond", name: "Kim cương", threshold: 9000, multiplier: 2 },
      ],
    };
    expect(loyaltyRulesChanges(R, next)).toEqual([
      { path: "vndPerPoint", from: 10_000, to: 5_000 },
      { path: "pointsValidDays", from: 365, to: 180 },
      { path: "tiers.gold", from: R.tiers[2], to: null },
      { path: "tiers.member.name", from: "Thành viên", to: "Thành viên mới" },
      { path: "tiers.silver.threshold", from: 500, to: 400 },
      { path: "tiers.diamond", from: null, to: next.tiers[2] },
    ]);
    expect(loyaltyRulesChanges(R, structuredClone(R))).toEqual([]);
  });
});

describe("loyalty rules versions", () => {
  it("each save is a version with who and what changed, audited in the same transaction; the history reads them back", async () => {
    const haAccount = await call("POST", "/api/admin/operators", owner, { email: "ha@shop.vn", name: "Hà", role: "owner", password: "a-long-password-1" });
    const ha = (await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: "ha@shop.vn", password: "a-long-password-1" } })).json().token;

    const v1 = await put({ ...R, vndPerPoint: 5_000 });
    expect(v1.body).toEqual({ version: 1, rules: { ...R, vndPerPoint: 5_000 }, changes: [{ path: "vndPerPoint", from: 10_000, to: 5_000 }] });
    const v2 = await put({ ...R, vndPerPoint: 5_000, expiringSoonDays: 14 }, ha);
    expect(v2.body.version).toBe(2);

    const read = (await call("GET", "/api/admin/loyalty/rules", owner)).body;
    expect(read.version).toBe(2);
    expect(read.rules.expiringSoonDays).toBe(14);
    expect(read.history.map((v: any) => [v.version, v.changedByName, v.changes])).toEqual([
      [2, "Hà", [{ path: "expiringSoonDays", from: 30, to: 14 }]],
      [1, TEST_ENV.ADMIN_EMAIL, [{ path: "vndPerPoint", from: 10_000, to: 5_000 }]],
    ]);
    expect(read.history[0]).toMatchObject({ changedBy: `admin:${haAccount.body.id}`, rules: { expiringSoonDays: 14 } });
    const audits = h.app.services.db.$client
      .prepare("select actor_id, action, target_id, details from audit_log where action = 'loyalty_rules.set' order by id")
      .all();
    expect(audits).toEqual([
      { actor_id: expect.any(String), action: "loyalty_rules.set", target_id: "1", details: JSON.stringify({ changes: v1.body.changes }) },
      { actor_id: haAccount.body.id, action: "loyalty_rules.set", target_id: "2", details: JSON.stringify({ changes: v2.body.changes }) },
    ]);
  });

  it("the same rules again save no version; invalid rules save nothing at all, with the field to fix", async () => {
    await put({ ...R, vndPerPoint: 5_000 });
    const digest = databaseDigest(h.app.services.db);
    expect((await put({ ...R, vndPerPoint: 5_000 })).body).toMatchObject({ version: 1, changes: [] });
    const bad: [unknown, string][] = [
      [{ ...R, tiers: [] }, "tiers"],
      [{ ...R, tiers: [R.tiers[1], R.tiers[0]] }, "tiers"],
      [{ ...R, tiers: [R.tiers[0], { ...R.tiers[1], key: "member" }] }, "tiers"],
      [{ ...R, pointsValidDays: 5 }, "pointsValidDays"],
      [{ ...R, vndPerPoint: 5_000, extra: 1 }, ""],
    ];
    for (const [rules, field] of bad) {
      const res = await put(rules);
      expect([res.status, res.body.code], JSON.stringify(rules)).toEqual([400, "VALIDATION_FAILED"]);
      if (field) expect(JSON.stringify(res.body.details)).toContain(field);
    }
    expect(databaseDigest(h.app.services.db)).toBe(digest);
  });

  it("pages the history past its first page", async () => {
    for (let i = 1; i <= 25; i++) await put({ ...R, vndPerPoint: 1_000 * i });
    const first = (await call("GET", "/api/admin/loyalty/rules/versions?limit=10", owner)).body;
    expect(first.versions.map((v: any) => v.version)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(first.versions[9].changes).toEqual([{ path: "vndPerPoint", from: 15_000, to: 16_000 }]);
    const rest = (await call("GET", `/api/admin/loyalty/rules/versions?limit=20&before=${first.nextBefore}`, owner)).body;
    expect(rest.versions.map((v: any) => v.version)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(rest.nextBefore).toBeNull();
    expect(rest.versions.at(-1).changes).toEqual([{ path: "vndPerPoint", from: 10_000, to: 1_000 }]);
  });

  it("marketers read the rules and their history (their segments name the tiers) but cannot change them", async () => {
    await call("POST", "/api/admin/operators", owner, { email: "lan@shop.vn", name: "Lan", role: "marketer", password: "a-long-password-1" });
    const lan = (await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email: "lan@shop.vn", password: "a-long-password-1" } })).json()
      .token;
    expect((await call("GET", "/api/admin/loyalty/rules", lan)).status).toBe(200);
    expect((await call("GET", "/api/admin/loyalty/rules/versions", lan)).status).toBe(200);
    const refused = await put({ ...R, vndPerPoint: 1_000 }, lan);
    expect([refused.status, refused.body.code]).toEqual([403, "FORBIDDEN"]);
    expect((await call("GET", "/api/admin/loyalty/rules", owner)).body.version).toBe(0);
  });
});
