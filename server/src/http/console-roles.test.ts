/**
 * What each console role sees beyond the gate (the matrix proves the gate itself): a marketer's export masks
 * phones, a store manager sees only their stores' games, draws and QR codes, and works the counter of their
 * stores like staff.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, memberCodeOf, newShopper, startHarness, type Harness } from "../test-support";

let h: Harness;
const t = {} as Record<"owner" | "marketer" | "manager", string>;
const game = {} as Record<"q1" | "q3" | "all", string>;

async function call(method: "GET" | "POST" | "PUT", url: string, token: string, payload?: unknown) {
  const res = await h.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as object }) });
  let body: any = null;
  try {
    body = res.json();
  } catch {}
  return { status: res.statusCode, body, text: res.body };
}
const WHEEL = {
  kind: "wheel",
  playsPerDay: 5,
  prizes: [
    { label: "1 điểm", kind: "points", points: 1, weight: 1 },
    { label: "Chúc may mắn", kind: "none", weight: 1 },
  ],
};

beforeAll(async () => {
  h = await startHarness();
  t.owner = await h.adminToken();
  for (const [id, name] of [
    ["q1", "Quận 1"],
    ["q3", "Quận 3"],
  ])
    await call("POST", "/api/admin/stores", t.owner, { id, name });
  for (const [k, role, storeIds] of [
    ["marketer", "marketer", []],
    ["manager", "store_manager", ["q1"]],
  ] as const) {
    const email = `${k}@shop.vn`;
    expect((await call("POST", "/api/admin/operators", t.owner, { email, name: k, role, storeIds, password: "a-long-password-1" })).status).toBe(201);
    t[k] = (await h.app.inject({ method: "POST", url: "/api/admin/login", payload: { email, password: "a-long-password-1" } })).json().token;
  }
  for (const [k, storeIds] of [
    ["q1", ["q1"]],
    ["q3", ["q3"]],
    ["all", []],
  ] as const) {
    const g = await call("POST", "/api/admin/games", t.marketer, { ...WHEEL, name: `Vòng quay ${k}`, storeIds });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    game[k] = g.body.id;
  }
}, 60_000);
afterAll(async () => h.close());

describe("a marketer", () => {
  it("exports the customer list with masked phones; full phones are the owner's", async () => {
    const masked = await call("GET", "/api/admin/customers/export.csv", t.marketer);
    expect(masked.status).toBe(200);
    const full = await call("GET", "/api/admin/customers/export.csv?fullPhones=1", t.marketer);
    expect([full.status, full.body?.code]).toEqual([403, "FORBIDDEN"]);
    expect((await call("GET", "/api/admin/customers/export.csv?fullPhones=1", t.owner)).status).toBe(200);
    const exports = h.app.services.db.$client.prepare("select details from audit_log where action = 'customer.export' order by id").pluck().all() as string[];
    expect(exports.map((d) => JSON.parse(d).fullPhones)).toEqual([false, true]);
  });

  it("runs campaigns and the CRM but not the shop's settings", async () => {
    for (const url of [
      "/api/admin/customers",
      "/api/admin/segments",
      "/api/admin/broadcasts",
      "/api/admin/warming-rules",
      "/api/admin/games",
      "/api/admin/loyalty/rules",
    ])
      expect((await call("GET", url, t.marketer)).status, url).toBe(200);
    for (const url of ["/api/admin/operators", "/api/admin/audit", "/api/admin/staff", "/api/admin/menu/products"])
      expect((await call("GET", url, t.marketer)).status, url).toBe(403);
  });
});

describe("a store manager", () => {
  it("sees the games that run at their stores, and of those only their stores' QR codes", async () => {
    const list = (await call("GET", "/api/admin/games", t.manager)).body.games.map((g: any) => g.name);
    expect(list.sort()).toEqual(["Vòng quay all", "Vòng quay q1"]);
    expect((await call("GET", "/api/admin/games", t.owner)).body.games).toHaveLength(3);
    expect((await call("GET", `/api/admin/games/${game.q3}`, t.manager)).body.code).toBe("STORE_FORBIDDEN");
    const links = (await call("GET", `/api/admin/games/${game.all}/qr-links`, t.manager)).body.links;
    expect(links.map((l: any) => l.storeId)).toEqual(["q1"]);
    expect((await call("GET", `/api/admin/games/${game.all}/qr-links`, t.owner)).body.links.map((l: any) => l.storeId).sort()).toEqual(["q1", "q3"]);
    expect((await call("GET", `/api/admin/games/${game.all}/qr?store=q1`, t.manager)).status).toBe(200);
    expect((await call("GET", `/api/admin/games/${game.all}/qr?store=q3`, t.manager)).body.code).toBe("STORE_FORBIDDEN");
  });

  it("reads the draw log of their stores only", async () => {
    const shopper = await newShopper(h, "Khách chơi");
    for (const l of (await call("GET", `/api/admin/games/${game.all}/qr-links`, t.owner)).body.links) {
      const play = await call("POST", "/api/games/play", shopper.token, {
        ...Object.fromEntries(new URL(l.url).searchParams),
        requestId: `play-at-${l.storeId}`,
      });
      expect(play.status, JSON.stringify(play.body)).toBe(200);
    }
    const stores = async (token: string, q = "") =>
      (await call("GET", `/api/admin/games/${game.all}/draws${q}`, token)).body.draws.map((d: any) => d.storeId).sort();
    expect(await stores(t.owner)).toEqual(["q1", "q3"]);
    expect(await stores(t.manager)).toEqual(["q1"]);
    // A filter narrows what they may see, never widens it: another store's filter finds nothing.
    expect(await stores(t.owner, "?store=q3")).toEqual(["q3"]);
    expect(await stores(t.manager, "?store=q3")).toEqual([]);
  });

  it("works the counter of their stores like staff, and opens the people who visited them", async () => {
    const shopper = await newShopper(h, "Khách quầy");
    const code = await memberCodeOf(h, shopper.token);
    const award = (storeId: string, receiptId: string) =>
      call("POST", "/api/staff/points/award", t.manager, { memberCode: code, storeId, amountVnd: 50_000, receiptId });
    const other = await newShopper(h, "Khách Quận 3");
    expect(
      (
        await call("POST", "/api/staff/points/award", t.owner, {
          memberCode: await memberCodeOf(h, other.token),
          storeId: "q3",
          amountVnd: 50_000,
          receiptId: "R-q3",
        })
      ).status,
    ).toBe(200);

    expect((await award("q1", "R-1")).status).toBe(200);
    expect((await award("q3", "R-2")).body.code).toBe("STORE_FORBIDDEN");
    expect((await call("GET", "/api/staff/stores", t.manager)).body.stores.map((s: any) => s.id)).toEqual(["q1"]);
    expect((await call("GET", `/api/staff/customers/${shopper.customer.id}/profile`, t.manager)).body.profile.name).toBe("Khách quầy");
    expect((await call("GET", `/api/staff/customers/${other.customer.id}/profile`, t.manager)).body.code).toBe("CUSTOMER_NOT_FOUND");
    // The award is the manager's, as an operator's.
    expect(
      h.app.services.db.$client.prepare("select actor_kind from audit_log where action = 'points.award' and target_id = ?").pluck().all(shopper.customer.id),
    ).toEqual(["admin"]);
  });
});
