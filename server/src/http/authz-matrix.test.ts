/**
 * The authorization matrix: every route of the OpenAPI document × every kind of caller, with the verdict
 * derived from what the route declares (`config.access` and `config.scope`, see http/auth.ts). A new route
 * is in the matrix the moment it is registered; one that declares nothing fails here (and at start-up).
 * Every refusal must also leave the database exactly as it was.
 */
import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OperatorRole } from "@mc/shared";
import type { Access, Scope } from "./auth";
import { bearer, newShopper, startHarness, TEST_ENV, type Harness } from "../test-support";
import { databaseDigest, routeTable, SAMPLE_BODIES, SAMPLE_QUERIES, type RouteEntry } from "./route-table";

let h: Harness;
const X = "q1";
const Y = "q3";
const who = {} as Record<
  "operator" | "marketer" | "managerX" | "deactivated" | "passwordReset" | "a" | "b" | "staffX" | "miniAdmin",
  { token: string; id: string }
>;
const forged = {} as Record<"wrong key" | "alg none" | "expired" | "no exp", string>;
const res = {} as {
  voucher: string;
  draw: string;
  orderX: string;
  orderY: string;
  visitorX: string;
  visitorY: string;
  codeX: string;
  codeY: string;
  gameXY: string;
  gameY: string;
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
function jwt(payload: Record<string, unknown>, secret: string, alg = "HS256") {
  const head = `${b64({ alg, typ: "JWT" })}.${b64(payload)}`;
  return alg === "none" ? `${head}.` : `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

async function as(token: string | null, method: string, url: string, payload?: unknown) {
  const r = await h.app.inject({
    method: method as "GET",
    url,
    headers: token ? bearer(token) : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  let body: any = null;
  try {
    body = r.json();
  } catch {}
  return { status: r.statusCode, code: body?.code as string | undefined, body };
}

beforeAll(async () => {
  h = await startHarness();
  const operator = await h.adminToken();
  who.operator = { token: operator, id: "operator" };
  const admin = (method: string, url: string, payload?: unknown) => as(operator, method, url, payload);
  for (const [id, name] of [
    [X, "Quận 1"],
    [Y, "Quận 3"],
  ])
    expect((await admin("POST", "/api/admin/stores", { id, name })).status).toBe(201);
  // Console accounts of each role (the bootstrap operator is an owner), and two whose sessions were ended.
  const account = async (email: string, role: OperatorRole, storeIds: string[] = []) => {
    const created = await admin("POST", "/api/admin/operators", { email, name: email.split("@")[0], role, storeIds, password: "a-long-password-1" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const login = await as(null, "POST", "/api/admin/login", { email, password: "a-long-password-1" });
    expect(login.status).toBe(200);
    expect(login.body.admin).toMatchObject({ role, storeIds });
    return { token: login.body.token as string, id: created.body.id as string };
  };
  who.marketer = await account("marketer@shop.vn", "marketer");
  who.managerX = await account("manager@shop.vn", "store_manager", [X]);
  who.deactivated = await account("gone@shop.vn", "marketer");
  expect((await admin("POST", `/api/admin/operators/${who.deactivated.id}/deactivate`)).status).toBe(200);
  who.passwordReset = await account("reset@shop.vn", "owner");
  expect((await admin("POST", `/api/admin/operators/${who.passwordReset.id}/password`, { password: "another-password-2" })).status).toBe(200);
  const staff = await h.login("staff");
  expect((await admin("PUT", `/api/admin/customers/${staff.customer.id}/role`, { role: "staff", storeIds: [X] })).status).toBe(200);
  who.staffX = { token: staff.token, id: staff.customer.id };
  const miniAdmin = await h.login("admin");
  expect((await admin("PUT", `/api/admin/customers/${miniAdmin.customer.id}/role`, { role: "admin" })).status).toBe(200);
  who.miniAdmin = { token: miniAdmin.token, id: miniAdmin.customer.id };
  for (const k of ["a", "b"] as const) {
    const s = await newShopper(h, `Khách ${k}`);
    who[k] = { token: s.token, id: s.customer.id };
  }

  // Shopper A's resources of every owned kind: a voucher, a draw, an order at each store.
  const campaign = await admin("POST", "/api/admin/voucher-campaigns", {
    name: "Giảm 10%",
    kind: "percent_off",
    value: 10,
    validDaysAfterClaim: 30,
    perCustomerLimit: 5,
  });
  expect(campaign.status).toBe(201);
  res.voucher = (await as(who.a.token, "POST", `/api/vouchers/campaigns/${campaign.body.id}/claim`)).body.voucher.id;
  const game = await admin("POST", "/api/admin/games", {
    name: "Vòng quay",
    kind: "wheel",
    storeIds: [X, Y],
    playsPerDay: 5,
    prizes: [
      { label: "1 điểm", kind: "points", points: 1, weight: 1 },
      { label: "Chúc may mắn", kind: "none", weight: 1 },
    ],
  });
  expect(game.status, JSON.stringify(game.body)).toBe(201);
  res.gameXY = game.body.id;
  const gameY = await admin("POST", "/api/admin/games", { ...GAME_Y, storeIds: [Y] });
  expect(gameY.status).toBe(201);
  res.gameY = gameY.body.id;
  const link = (await admin("GET", `/api/admin/games/${game.body.id}/qr-links`)).body.links[0].url as string;
  res.draw = (await as(who.a.token, "POST", "/api/games/play", Object.fromEntries(new URL(link).searchParams))).body.draw.id;
  const category = await admin("POST", "/api/admin/menu/categories", { name: "Đồ uống", position: 1 });
  const product = await admin("POST", "/api/admin/menu/products", { categoryId: category.body.id, name: "Trà đá", priceVnd: 10_000, storeIds: [X, Y] });
  expect(product.status).toBe(201);
  const order = async (storeId: string, n: number) => {
    const o = await as(who.a.token, "POST", "/api/orders", {
      storeId,
      items: [{ productId: product.body.id, quantity: 1 }],
      pickup: { type: "table", table: "5" },
      payment: "counter",
      expectedTotal: 10_000,
      requestId: `matrix-order-${n}`,
    });
    expect(o.status, JSON.stringify(o.body)).toBe(201);
    return o.body.order.id as string;
  };
  res.orderX = await order(X, 1);
  res.orderY = await order(Y, 2);
  // People a staff member may or may not open ({ customer: "visited" }): A earned points at X, B only at Y.
  for (const [k, storeId] of [
    ["a", X],
    ["b", Y],
  ] as const) {
    const memberCode = (await as(who[k].token, "GET", "/api/me")).body.loyalty.memberCode;
    res[k === "a" ? "codeX" : "codeY"] = memberCode;
    const award = await admin("POST", "/api/staff/points/award", { memberCode, storeId, amountVnd: 50_000, receiptId: `matrix-visit-${k}` });
    expect(award.status, JSON.stringify(award.body)).toBe(200);
  }
  res.visitorX = who.a.id;
  res.visitorY = who.b.id;

  // Forged sessions, each claiming to be the mini-app admin (the caller every route lets in).
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: who.miniAdmin.id, kind: "customer", iat: now };
  forged["wrong key"] = jwt({ ...claims, exp: now + 3600 }, "not-the-secret-not-the-secret-not-the-secret");
  forged["alg none"] = jwt({ ...claims, exp: now + 3600 }, "", "none");
  forged["expired"] = jwt({ ...claims, iat: now - 7200, exp: now - 3600 }, TEST_ENV.JWT_SECRET);
  forged["no exp"] = jwt(claims, TEST_ENV.JWT_SECRET);
}, 60_000);
afterAll(async () => h.close());

const GAME_Y = {
  name: "Vòng quay Quận 3",
  kind: "wheel",
  playsPerDay: 1,
  prizes: [
    { label: "1 điểm", kind: "points", points: 1, weight: 1 },
    { label: "Chúc may mắn", kind: "none", weight: 1 },
  ],
};

type Verdict = "allowed" | "unauthenticated" | "forbidden" | "not-found" | "unsigned";
/** Refusals that say "not you" (as opposed to a business 403 such as FOLLOW_REQUIRED). */
const REFUSAL_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN", "STORE_FORBIDDEN", "CUSTOMER_ONLY"]);
const RANK: Record<Access, number> = { public: -1, webhook: -1, customer: 0, staff: 1, admin: 2 };

type Subject = {
  name: string;
  token: () => string | null;
  rank: number;
  /** A console operator, with their role. */
  console?: OperatorRole;
  applies?: (r: RouteEntry) => boolean;
  target?: "other-person" | "other-store";
};
const SUBJECTS: Subject[] = [
  { name: "anonymous", token: () => null, rank: -1 },
  ...(["wrong key", "alg none", "expired", "no exp"] as const).map((k) => ({ name: `forged JWT (${k})`, token: () => forged[k], rank: -1 })),
  // Sessions that ended: the account was deactivated, or its password was reset since.
  { name: "deactivated console account", token: () => who.deactivated.token, rank: -1 },
  { name: "console session from before a password reset", token: () => who.passwordReset.token, rank: -1 },
  { name: "shopper B on A's resources", token: () => who.b.token, rank: 0, applies: (r: RouteEntry) => isOwner(r.scope), target: "other-person" as const },
  {
    name: "staff of X on store Y",
    token: () => who.staffX.token,
    rank: 1,
    applies: (r: RouteEntry) => isStore(r.scope) || isVisited(r.scope),
    target: "other-store" as const,
  },
  {
    name: "store manager of X on store Y",
    token: () => who.managerX.token,
    rank: 1,
    console: "store_manager",
    applies: (r: RouteEntry) => isStore(r.scope) || isVisited(r.scope),
    target: "other-store" as const,
  },
  { name: "shopper A", token: () => who.a.token, rank: 0 },
  { name: "staff of X", token: () => who.staffX.token, rank: 1 },
  { name: "mini-app admin", token: () => who.miniAdmin.token, rank: 2 },
  { name: "console owner", token: () => who.operator.token, rank: 2, console: "owner" },
  { name: "console marketer", token: () => who.marketer.token, rank: 2, console: "marketer" },
  { name: "console store manager of X", token: () => who.managerX.token, rank: 1, console: "store_manager" },
];

const isOwner = (s?: Scope): s is { owner: "voucher" | "draw" | "order" } => typeof s === "object" && "owner" in s;
const isStore = (s?: Scope): s is { store: "params" | "body" | "order" | "game" } => typeof s === "object" && "store" in s;
const isVisited = (s?: Scope): s is { customer: "visited" } => typeof s === "object" && "customer" in s;

/** The verdict a route's declarations call for. */
function expected(r: RouteEntry, s: Subject): Verdict {
  if (r.access === "webhook") return "unsigned";
  if (r.access === "public") return "allowed";
  if (s.rank < 0) return "unauthenticated";
  // Console operators have no customer record: shopper routes are not for them.
  if (r.access === "customer" && s.console) return "forbidden";
  if (s.console) {
    // Counter routes: owners and store managers (staff of their stores), never marketers.
    if (r.access === "staff" && s.console === "marketer") return "forbidden";
    // Console routes: owners all; the others those whose `roles` name them.
    if (r.access === "admin" && s.console !== "owner" && !(r.roles as readonly string[]).includes(s.console)) return "forbidden";
  } else if (s.rank < RANK[r.access]) return "forbidden";
  if (s.target === "other-person") return "not-found";
  // A person staff may not open does not exist for them; another store's action is refused.
  if (s.target === "other-store") return isVisited(r.scope) ? "not-found" : "forbidden";
  return "allowed";
}

/** The request a subject makes: params and body point at A's resource, or at the store under test. */
function request(r: RouteEntry, s: Subject) {
  const store = s.target === "other-store" ? Y : X;
  const ids: Record<string, string> = { voucher: res.voucher, draw: res.draw, order: res.orderX };
  const url = r.url.replace(/:(\w+)/g, (_, name: string) => {
    if (name === "storeId") return store;
    // An auto-reply rule that exists, so an allowed save really saves.
    if (name === "intent") return "points";
    if (name === "id" && isOwner(r.scope)) return ids[r.scope.owner]!;
    if (name === "id" && isStore(r.scope) && r.scope.store === "order") return s.target === "other-store" ? res.orderY : res.orderX;
    // A game at X and Y, or (for a store manager of X) one at Y only.
    if (name === "id" && isStore(r.scope) && r.scope.store === "game") return s.target === "other-store" ? res.gameY : res.gameXY;
    if (name === "id" && isVisited(r.scope)) return s.target === "other-store" ? res.visitorY : res.visitorX;
    // A person named by their member code (the counter's way to a profile).
    if (name === "code" && isVisited(r.scope)) return s.target === "other-store" ? res.codeY : res.codeX;
    return "zzzz";
  });
  const sample = SAMPLE_BODIES[`${r.method} ${r.url}`];
  const body = r.method === "GET" ? undefined : JSON.parse(JSON.stringify(sample ?? {}).replaceAll('"$STORE"', JSON.stringify(store)));
  const query = SAMPLE_QUERIES[`${r.method} ${r.url}`];
  const qs = query ? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, v === "$STORE" ? store : v]))}` : "";
  return { url: url + qs, body };
}

function judge(v: Verdict, got: { status: number; code?: string }, anonymous?: { status: number }) {
  switch (v) {
    case "allowed":
      // Past the gate: whatever the route then says (a 401 ADMIN_LOGIN_FAILED, a 404) is its own business.
      return got.status < 500 && !((got.status === 401 || got.status === 403) && REFUSAL_CODES.has(got.code ?? ""));
    case "unauthenticated":
      return got.status === 401 && got.code === "UNAUTHENTICATED";
    case "forbidden":
      return got.status === 403 && REFUSAL_CODES.has(got.code ?? "");
    case "not-found":
      return got.status === 404;
    case "unsigned":
      return got.status < 500 && got.status === anonymous?.status;
  }
}

describe("authorization matrix", () => {
  it("every route of the OpenAPI document declares who may call it and what it acts on", () => {
    const declared = new Set(routeTable(h.app).map((r) => `${r.method} ${r.url}`));
    const doc = (h.app as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect(documented.length).toBeGreaterThan(60);
    for (const op of documented) expect.soft(declared.has(op), `${op} has no access declaration`).toBe(true);
    for (const r of routeTable(h.app))
      if (r.access === "customer" || r.access === "staff") expect.soft(r.scope, `${r.method} ${r.url} declares no scope`).toBeDefined();
    // Scoped routes with a body need a sample that passes validation, or the matrix would only ever see a 400.
    for (const r of routeTable(h.app)) {
      if ((isOwner(r.scope) || isStore(r.scope)) && r.method !== "GET" && r.hasBody) {
        expect.soft(SAMPLE_BODIES[`${r.method} ${r.url}`], `add a sample body for ${r.method} ${r.url} in route-table.ts`).toBeDefined();
      }
    }
  });

  it("every route × every caller gets the verdict its declarations call for, and a refusal changes nothing", async () => {
    const routes = routeTable(h.app);
    const failures: string[] = [];
    // Refusals first, so that no allowed call (a cancel, a redemption) has moved A's resources yet.
    const order = [...SUBJECTS].sort((p, q) => (Number(!!p.target || p.rank < 0) > Number(!!q.target || q.rank < 0) ? -1 : 0));
    const anonymous = new Map<string, { status: number }>();
    let cells = 0;
    for (const s of order) {
      for (const r of routes) {
        if (s.applies && !s.applies(r)) continue;
        const verdict = expected(r, s);
        const { url, body } = request(r, s);
        const before = verdict === "allowed" ? null : databaseDigest(h.app.services.db);
        const got = await as(s.token(), r.method, url, body);
        cells++;
        if (s.name === "anonymous") anonymous.set(`${r.method} ${r.url}`, got);
        if (!judge(verdict, got, anonymous.get(`${r.method} ${r.url}`)))
          failures.push(`${s.name} → ${r.method} ${r.url}: expected ${verdict}, got ${got.status} ${got.code ?? ""}`);
        else if (before !== null && databaseDigest(h.app.services.db) !== before)
          failures.push(`${s.name} → ${r.method} ${r.url}: refused (${got.status}) but the database changed`);
      }
    }
    expect(cells).toBeGreaterThan(routes.length * 7);
    expect(failures).toEqual([]);
  }, 60_000);

  it("a malformed Authorization header is 401 UNAUTHENTICATED on every guarded route, never a 5xx", async () => {
    const valid = who.miniAdmin.token;
    const headers = [
      "",
      "Bearer",
      "Bearer ",
      `bearer  ${valid} extra`,
      `Basic ${valid}`,
      `Bearer ${valid}x`,
      `Bearer ${valid.split(".").slice(0, 2).join(".")}`,
      "Bearer a.b.c",
      "Bearer ...",
      `Bearer ${"A".repeat(20_000)}`,
      "Bearer e30.e30.",
      `Bearer ${b64({ alg: "HS256" })}.${Buffer.from("not json").toString("base64url")}.sig`,
    ];
    const guarded = routeTable(h.app).filter((r) => r.access !== "public" && r.access !== "webhook");
    const failures: string[] = [];
    for (const r of guarded) {
      for (const authorization of headers) {
        const got = await h.app.inject({ method: r.method as "GET", url: r.url.replace(/:(\w+)/g, "zzzz"), headers: { authorization } });
        if (got.statusCode !== 401 || got.json().code !== "UNAUTHENTICATED")
          failures.push(`${r.method} ${r.url} with "${authorization.slice(0, 40)}": ${got.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("the matrix's database digest sees a change in any table", () => {
    const before = databaseDigest(h.app.services.db);
    h.app.services.db.$client.prepare("update stores set name = name || '!' where id = ?").run(Y);
    expect(databaseDigest(h.app.services.db)).not.toBe(before);
    h.app.services.db.$client.prepare("update stores set name = substr(name, 1, length(name) - 1) where id = ?").run(Y);
    expect(databaseDigest(h.app.services.db)).toBe(before);
    expect(createHash("sha256").update("").digest("hex")).not.toBe(before);
  });
});
