import { PNG } from "pngjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { webhookMac } from "../../zalo/signature";
import { bearer, startHarness, TEST_ENV, type Harness } from "../../test-support";

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await startHarness();
  admin = await h.adminToken();
  await api("POST", "/api/admin/stores", admin, { id: "q1", name: "Cửa hàng Quận 1" });
  await api("POST", "/api/admin/stores", admin, { id: "q3", name: "Cửa hàng Quận 3" });
});
afterEach(async () => h.close());

const DAY = 86_400_000;

async function api(method: "GET" | "POST" | "PUT", url: string, token: string, payload?: unknown) {
  const res = await h.app.inject({ method, url, headers: bearer(token), payload: payload as any });
  return { status: res.statusCode, body: res.json() as any, raw: res };
}

const sql = <T = any>(q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).all(...args) as T[];
const one = <T = any>(q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).get(...args) as T;

/** Distinct shoppers through the real sign-in flow: emulator user → Zalo token → /api/auth/zalo. */
async function shoppers(n: number, prefix = "s") {
  const out: { token: string; customer: any; appUserId: string; oaUserId: string }[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async (_, j) => {
        const u = await h.control("POST", "/_emu/users", { name: `${prefix}-${i + j}` });
        const { accessToken } = await h.control("POST", `/_emu/users/${u.appUserId}/token`);
        const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
        if (res.statusCode !== 200) throw new Error(res.body);
        return { ...res.json(), appUserId: u.appUserId, oaUserId: u.oaUserId };
      }),
    );
    out.push(...batch);
  }
  return out;
}

async function voucherCampaign(extra: Record<string, unknown> = {}) {
  const res = await api("POST", "/api/admin/voucher-campaigns", admin, {
    name: "Giảm 20k (giải thưởng)",
    kind: "amount_off",
    value: 20_000,
    validDaysAfterClaim: 30,
    perCustomerLimit: 100,
    listed: false,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

type PrizeSpec = {
  label: string;
  kind: "voucher" | "points" | "none";
  weight: number;
  stock?: number | null;
  points?: number;
  voucherCampaignId?: string;
  requiresFollow?: boolean;
};

async function game(prizes: PrizeSpec[], extra: Record<string, unknown> = {}) {
  const res = await api("POST", "/api/admin/games", admin, {
    name: "Vòng quay may mắn",
    kind: "wheel",
    storeIds: ["q1", "q3"],
    playsPerDay: 1,
    prizes,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const links = await api("GET", `/api/admin/games/${res.body.id}/qr-links`, admin);
  const params = (store: string) =>
    Object.fromEntries(new URL(links.body.links.find((l: any) => l.storeId === store).url).searchParams) as { store: string; campaign: string; sig: string };
  return { id: res.body.id as string, game: res.body, params };
}

const NONE: PrizeSpec = { label: "Chúc may mắn lần sau", kind: "none", weight: 0 };

function signed(event: Record<string, unknown>, secret: string = TEST_ENV.ZALO_OA_SECRET_KEY) {
  const raw = JSON.stringify(event);
  const mac = webhookMac(String(event.app_id), raw, String(event.timestamp), secret);
  return { raw, headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` } };
}

const followEvent = (who: { oaUserId: string; appUserId: string }, name: "follow" | "unfollow" = "follow", timestamp = "1760000000000") => ({
  app_id: TEST_ENV.ZALO_APP_ID,
  oa_id: TEST_ENV.ZALO_OA_ID,
  user_id_by_app: who.appUserId,
  event_name: name,
  follower: { id: who.oaUserId },
  source: "oa_profile",
  timestamp,
});

async function deliver(event: Record<string, unknown>, secret?: string) {
  const { raw, headers } = signed(event, secret);
  return h.app.inject({ method: "POST", url: "/webhooks/zalo", headers, payload: raw });
}

describe("in-store QR links", () => {
  it("each store gets a signed Zalo Mini App deep link that opens the right game", async () => {
    const g = await game([
      { label: "50 điểm", kind: "points", points: 50, weight: 1, stock: 5 },
      { ...NONE, weight: 3 },
    ]);
    const links = (await api("GET", `/api/admin/games/${g.id}/qr-links`, admin)).body.links;
    expect(links.map((l: any) => l.storeId).sort()).toEqual(["q1", "q3"]);
    for (const l of links)
      expect(l.url).toMatch(new RegExp(`^https://zalo\\.me/s/${TEST_ENV.ZALO_MINI_APP_ID}/\\?store=${l.storeId}&campaign=${g.id}&sig=[A-Za-z0-9_-]{22}$`));

    const [s] = await shoppers(1);
    const res = await api("POST", "/api/games/resolve", s!.token, { ...g.params("q3"), utm_source: "zalo-qr" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ campaign: { id: g.id, kind: "wheel" }, store: { id: "q3", name: "Cửa hàng Quận 3" }, playsLeftToday: 1 });
    expect(res.body.slices.map((x: any) => [x.label, x.odds])).toEqual([
      ["50 điểm", 0.25],
      ["Chúc may mắn lần sau", 0.75],
    ]);
  });

  it("a tampered, unsigned or cross-store link gets QR_LINK_INVALID and plays nothing", async () => {
    const g = await game([{ label: "50 điểm", kind: "points", points: 50, weight: 1 }, NONE]);
    const [s] = await shoppers(1);
    const q1 = g.params("q1");
    const q3 = g.params("q3");
    const bad = [
      { ...q1, store: "q3" }, // the q1 signature on the q3 store
      { ...q1, sig: q3.sig },
      { ...q1, campaign: "another-game" },
      { store: q1.store, campaign: q1.campaign }, // unsigned
      {},
    ];
    for (const body of bad) {
      for (const url of ["/api/games/resolve", "/api/games/play"]) {
        const res = await api("POST", url, s!.token, body);
        expect.soft(res.status, `${url} ${JSON.stringify(body)}`).toBe(400);
        expect.soft(res.body.code).toBe("QR_LINK_INVALID");
      }
    }
    expect(one("select count(*) as n from game_draws").n).toBe(0);
    expect(one("select count(*) as n from points_ledger").n).toBe(0);
    expect((await api("GET", "/api/me", s!.token)).body.loyalty.balance).toBe(0);
  });

  it("the admin downloads a print-ready SVG or PNG with the store's name", async () => {
    const g = await game([{ label: "50 điểm", kind: "points", points: 50, weight: 1 }, NONE], { name: "Quay là trúng <Tết>" });
    const svg = await h.app.inject({ method: "GET", url: `/api/admin/games/${g.id}/qr?store=q1&format=svg`, headers: bearer(admin) });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toContain("image/svg+xml");
    expect(svg.headers["content-disposition"]).toMatch(/^attachment; filename="qr-q1-.+\.svg"$/);
    expect(svg.body).toContain("Cửa hàng Quận 1");
    expect(svg.body).toContain("Quay là trúng &lt;Tết&gt;");
    expect(svg.body.match(/<svg/g)).toHaveLength(2);

    const png = await h.app.inject({ method: "GET", url: `/api/admin/games/${g.id}/qr?store=q3&format=png`, headers: bearer(admin) });
    expect(png.statusCode).toBe(200);
    expect(png.headers["content-type"]).toBe("image/png");
    expect(png.headers["content-disposition"]).toMatch(/^attachment; filename="qr-q3-.+\.png"$/);
    expect(png.rawPayload.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // Print-ready too: under the square QR code, a caption band with the names drawn in it.
    const img = PNG.sync.read(png.rawPayload);
    expect(img.height).toBeGreaterThan(img.width + 100);
    let dark = 0;
    for (let i = img.width * img.width * 4; i < img.data.length; i += 4) if (img.data[i]! < 128) dark++;
    expect(dark).toBeGreaterThan(2000);

    const elsewhere = await api("POST", "/api/admin/stores", admin, { id: "q7", name: "Quận 7" });
    expect(elsewhere.status).toBe(201);
    expect((await h.app.inject({ method: "GET", url: `/api/admin/games/${g.id}/qr?store=q7`, headers: bearer(admin) })).statusCode).toBe(404);
  });

  it("an edit keeps stock counters by prize id, refuses stock below what was won, and retires left-out slices", async () => {
    const g = await game(
      [{ label: "1 điểm", kind: "points", points: 1, weight: 1, stock: 5 }, { label: "2 điểm", kind: "points", points: 2, weight: 0 }, NONE],
      { kind: "scratch", playsPerDay: 3 },
    );
    const [s] = await shoppers(1);
    for (let i = 0; i < 3; i++) await api("POST", "/api/games/play", s!.token, g.params("q1"));
    const [p1, p2, none] = g.game.prizes;
    const won = (await api("GET", `/api/admin/games/${g.id}`, admin)).body.prizes[0].won as number;
    expect(won).toBe(3);
    const input = (stock: number) => ({
      name: "Cào là trúng",
      kind: "scratch",
      storeIds: ["q1"],
      playsPerDay: 3,
      prizes: [
        { id: p1.id, label: "1 điểm", kind: "points", points: 1, weight: 3, stock },
        { id: none.id, ...NONE, weight: 1 },
      ],
    });
    const low = await api("PUT", `/api/admin/games/${g.id}`, admin, input(2));
    expect([low.status, low.body.code, low.body.details]).toEqual([409, "GAME_PRIZE_STOCK_BELOW_WON", { prize: 0, won: 3 }]);
    expect((await api("GET", `/api/admin/games/${g.id}`, admin)).body.name).toBe("Vòng quay may mắn"); // nothing saved
    const res = await api("PUT", `/api/admin/games/${g.id}`, admin, input(10));
    expect(res.status).toBe(200);
    expect(res.body.prizes.map((x: any) => [x.id, x.won, x.remaining, x.odds])).toEqual([
      [p1.id, won, 10 - won, 0.75],
      [none.id, 0, null, 0.25],
    ]);
    expect(res.body.prizes.some((x: any) => x.id === p2.id)).toBe(false);
    const cfg = await api("POST", "/api/games/resolve", s!.token, g.params("q1"));
    expect(cfg.body.campaign.kind).toBe("scratch");
    expect(cfg.body.slices.map((x: any) => x.label)).toEqual(["1 điểm", NONE.label]);
    // The q3 link stops working once the game no longer runs there.
    expect((await api("POST", "/api/games/resolve", s!.token, g.params("q3"))).body.code).toBe("GAME_NOT_ACTIVE");
  });

  it("what a prize gives is fixed once someone got it; its label, weight and stock still change, and a refused edit saves nothing", async () => {
    const g = await game([{ label: "5 điểm", kind: "points", points: 5, weight: 1 }, { label: "7 điểm", kind: "points", points: 7, weight: 0 }, NONE], {
      playsPerDay: 2,
    });
    const [s] = await shoppers(1);
    expect((await api("POST", "/api/games/play", s!.token, g.params("q1"))).body.draw).toMatchObject({ win: true, points: 5 });
    const [won, unwon, none] = g.game.prizes;
    const body = (prizes: unknown[]) => ({ name: "Vòng quay mới", kind: "wheel", storeIds: ["q1", "q3"], playsPerDay: 2, prizes });
    for (const changed of [{ points: 50 }, { kind: "voucher", points: null, voucherCampaignId: await voucherCampaign() }]) {
      const res = await api(
        "PUT",
        `/api/admin/games/${g.id}`,
        admin,
        body([Object.assign({ id: won.id, label: "5 điểm", kind: "points", points: 5, weight: 1 }, changed), { id: none.id, ...NONE }]),
      );
      expect([res.status, res.body.code, res.body.details]).toEqual([409, "GAME_PRIZE_LOCKED", { prize: 0 }]);
    }
    // The no-prize slice got no one yet here; one that had would be locked the same way.
    const after = (await api("GET", `/api/admin/games/${g.id}`, admin)).body;
    expect([after.name, after.prizes[0].points, after.prizes[0].won]).toEqual(["Vòng quay may mắn", 5, 1]);
    const ok = await api(
      "PUT",
      `/api/admin/games/${g.id}`,
      admin,
      body([
        { id: won.id, label: "Năm điểm", kind: "points", points: 5, weight: 2, stock: 1 },
        { id: unwon.id, label: "Voucher", kind: "voucher", voucherCampaignId: await voucherCampaign(), weight: 0 },
        { id: none.id, ...NONE, weight: 1 },
      ]),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.prizes.map((x: any) => [x.label, x.kind, x.won, x.remaining])).toEqual([
      ["Năm điểm", "points", 1, 0],
      ["Voucher", "voucher", 0, null],
      [NONE.label, "none", 0, null],
    ]);
    // The shopper's earlier draw keeps its points; the stock now equal to what was won gives no more.
    expect((await api("GET", "/api/me", s!.token)).body.loyalty.balance).toBe(5);
  });

  it("stock edits racing plays never oversell: what was won always equals what was given and never passes the stock", async () => {
    const g = await game([{ label: "1 điểm", kind: "points", points: 1, weight: 1, stock: 50 }, NONE]);
    const [p, none] = g.game.prizes;
    const people = await shoppers(60);
    const edit = () =>
      api("PUT", `/api/admin/games/${g.id}`, admin, {
        name: "Vòng quay may mắn",
        kind: "wheel",
        storeIds: ["q1", "q3"],
        prizes: [
          { id: p.id, label: "1 điểm", kind: "points", points: 1, weight: 1, stock: 20 },
          { id: none.id, ...NONE },
        ],
      });
    const plays = people.map((x) => api("POST", "/api/games/play", x.token, g.params("q1")));
    const edits = [0, 1, 2, 3, 4].map(() => edit());
    const results = await Promise.all([...plays, ...edits]);
    expect(results.slice(0, 60).every((r) => r.status === 200)).toBe(true);
    const editCodes = results.slice(60).map((r) => (r.status === 200 ? "ok" : r.body.code));
    expect(editCodes.every((c) => c === "ok" || c === "GAME_PRIZE_STOCK_BELOW_WON")).toBe(true);
    const row = one("select won, stock from game_prizes where id = ?", p.id);
    const wins = one("select count(*) as n from game_draws where win = 1").n;
    const given = one("select count(*) as n from points_ledger where kind = 'earn'").n;
    expect(row.won).toBeLessThanOrEqual(row.stock);
    expect([wins, given]).toEqual([row.won, row.won]);
    // 60 players against the stock in force: every unit went, none more (20 if an edit landed in time, else 50).
    expect(row.won).toBe(row.stock);
    expect(row.stock).toBe(editCodes.includes("ok") ? 20 : 50);
  });

  it("the draw log filters by store, prize, state and shop-local day, in keyset pages", async () => {
    const g = await game([{ label: "1 điểm", kind: "points", points: 1, weight: 1, stock: 3 }, NONE]);
    const [p, none] = g.game.prizes;
    const people = await shoppers(5);
    for (const [i, x] of people.entries()) expect((await api("POST", "/api/games/play", x.token, g.params(i < 3 ? "q1" : "q3"))).status).toBe(200);
    const log = async (q: string) => {
      const res = await api("GET", `/api/admin/games/${g.id}/draws?${q}`, admin);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { draws: any[]; nextBefore: number | null };
    };
    expect((await log("")).draws).toHaveLength(5);
    expect((await log("store=q1")).draws.map((d) => d.storeId)).toEqual(["q1", "q1", "q1"]);
    expect((await log(`prize=${p.id}`)).draws.every((d) => d.slice.id === p.id && d.win)).toBe(true);
    expect((await log(`prize=${p.id}`)).draws).toHaveLength(3);
    expect((await log(`prize=${none.id}`)).draws.map((d) => d.fallbackReason)).toEqual(["out_of_stock", "out_of_stock"]);
    expect((await log("state=issued")).draws).toHaveLength(3);
    expect((await log("state=none&store=q3")).draws).toHaveLength(2);
    const today = one("select day from game_draws limit 1").day as string;
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
    expect((await log(`from=${today}&to=${today}`)).draws).toHaveLength(5);
    expect((await log(`to=${yesterday}`)).draws).toHaveLength(0);
    // Pages of 2, newest first, with the filter kept.
    const first = await log("limit=2&store=q1");
    expect(first.draws).toHaveLength(2);
    const second = await log(`limit=2&store=q1&before=${first.nextBefore}`);
    expect(second.draws.map((d) => d.id)).not.toContain(first.draws[0].id);
    expect([...first.draws, ...second.draws].map((d) => d.customer.name)).toEqual(["s-2", "s-1", "s-0"]);
    for (const q of ["from=02-12-2026", "to=2026-02-30", "state=won"]) {
      const bad = await api("GET", `/api/admin/games/${g.id}/draws?${q}`, admin);
      expect([q, bad.status, bad.body.code]).toEqual([q, 400, "VALIDATION_FAILED"]);
    }
  });

  it("refuses customers and staff on the admin game routes", async () => {
    const [s] = await shoppers(1);
    for (const [method, url] of [
      ["GET", "/api/admin/games"],
      ["POST", "/api/admin/games"],
      ["GET", "/api/admin/games/x/qr?store=q1"],
      ["GET", "/api/admin/games/x/draws"],
    ] as const) {
      expect((await api(method, url, s!.token, method === "POST" ? {} : undefined)).status).toBe(403);
    }
  });
});

describe("playing", () => {
  it("not started, ended and inactive games get clear codes", async () => {
    const at = (await h.control("GET", "/_emu/clock")).now as number;
    const [s] = await shoppers(1);
    const later = await game([{ label: "50 điểm", kind: "points", points: 50, weight: 1 }, NONE], { startsAt: new Date(at + DAY).toISOString() });
    const res = await api("POST", "/api/games/play", s!.token, later.params("q1"));
    expect([res.status, res.body.code]).toEqual([409, "GAME_NOT_STARTED"]);

    const ended = await game([{ label: "50 điểm", kind: "points", points: 50, weight: 1 }, NONE], { endsAt: new Date(at + 60_000).toISOString() });
    expect((await api("POST", "/api/games/resolve", s!.token, ended.params("q1"))).status).toBe(200);
    await h.control("POST", "/_emu/clock", { advanceMs: 120_000 });
    for (const url of ["/api/games/resolve", "/api/games/play"]) {
      const r = await api("POST", url, s!.token, ended.params("q1"));
      expect([r.status, r.body.code]).toEqual([410, "GAME_ENDED"]);
    }

    const off = await game([{ label: "50 điểm", kind: "points", points: 50, weight: 1 }, NONE], { active: false });
    const r = await api("POST", "/api/games/play", s!.token, off.params("q1"));
    expect([r.status, r.body.code]).toEqual([409, "GAME_NOT_ACTIVE"]);
    expect(one("select count(*) as n from game_draws").n).toBe(0);
  });

  it("a points prize lands in the ledger in the same play, with the loyalty expiry", async () => {
    const g = await game([{ label: "50 điểm", kind: "points", points: 50, weight: 1, stock: 3 }, NONE]);
    const [s] = await shoppers(1);
    const res = await api("POST", "/api/games/play", s!.token, g.params("q1"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      draw: { win: true, state: "issued", points: 50, slice: { label: "50 điểm", index: 0 }, storeId: "q1" },
      playsLeftToday: 0,
    });
    const entry = one("select kind, delta, source_key, store_id, expires_at, created_at from points_ledger");
    expect(entry).toMatchObject({ kind: "earn", delta: 50, source_key: `prize:${res.body.draw.id}`, store_id: "q1" });
    expect(entry.expires_at - entry.created_at).toBe(365 * DAY);
    const me = await api("GET", "/api/me", s!.token);
    expect(me.body.loyalty.balance).toBe(50);
    const view = (await api("GET", `/api/admin/games/${g.id}`, admin)).body;
    expect(view.prizes[0]).toMatchObject({ stock: 3, won: 1, remaining: 2, odds: 1 });
    expect(view.plays).toBe(1);
  });

  it("a voucher prize is issued through the voucher service as an unlisted prize voucher", async () => {
    const vc = await voucherCampaign();
    const g = await game([{ label: "Voucher 20k", kind: "voucher", voucherCampaignId: vc, weight: 1, stock: 10 }, NONE]);
    const [s] = await shoppers(1);
    const res = await api("POST", "/api/games/play", s!.token, g.params("q1"));
    expect(res.body.draw).toMatchObject({ win: true, state: "issued" });
    const mine = await api("GET", "/api/me/vouchers", s!.token);
    expect(mine.body.vouchers).toHaveLength(1);
    expect(mine.body.vouchers[0]).toMatchObject({ id: res.body.draw.voucherId, source: "prize", status: "active" });
  });

  it("the plays-per-day and plays-per-campaign limits answer with their own codes", async () => {
    const g = await game(
      [
        { label: "1 điểm", kind: "points", points: 1, weight: 1 },
        { ...NONE, weight: 1 },
      ],
      { playsPerDay: 2, playsPerCustomer: 3 },
    );
    const [s] = await shoppers(1);
    expect((await api("POST", "/api/games/play", s!.token, g.params("q1"))).status).toBe(200);
    expect((await api("POST", "/api/games/play", s!.token, g.params("q3"))).body.playsLeftToday).toBe(0);
    const third = await api("POST", "/api/games/play", s!.token, g.params("q1"));
    expect([third.status, third.body.code]).toEqual([409, "GAME_DAILY_LIMIT_REACHED"]);

    await h.control("POST", "/_emu/clock", { advanceMs: DAY });
    expect((await api("POST", "/api/games/resolve", s!.token, g.params("q1"))).body.playsLeftToday).toBe(1);
    expect((await api("POST", "/api/games/play", s!.token, g.params("q1"))).status).toBe(200);
    const fourth = await api("POST", "/api/games/play", s!.token, g.params("q1"));
    expect([fourth.status, fourth.body.code]).toEqual([409, "GAME_PLAY_LIMIT_REACHED"]);
    expect(one("select count(*) as n from game_draws").n).toBe(3);
  });

  it("a retried play with the same requestId returns the same draw and uses one play", async () => {
    const g = await game([{ label: "1 điểm", kind: "points", points: 1, weight: 1 }, NONE], { playsPerDay: 5 });
    const [s] = await shoppers(1);
    const body = { ...g.params("q1"), requestId: "tap-0001-abcd" };
    const [a, b] = await Promise.all([api("POST", "/api/games/play", s!.token, body), api("POST", "/api/games/play", s!.token, body)]);
    expect(a.body.draw.id).toBe(b.body.draw.id);
    expect(one("select count(*) as n from game_draws").n).toBe(1);
    expect(one("select count(*) as n from points_ledger").n).toBe(1);
  });

  it("the store's daily prize budget turns further wins into the no-prize slice, recorded with the reason", async () => {
    const g = await game([{ label: "1 điểm", kind: "points", points: 1, weight: 1 }, NONE], { dailyPrizeBudgetPerStore: 2 });
    const people = await shoppers(5);
    for (const p of people.slice(0, 4)) await api("POST", "/api/games/play", p.token, g.params("q1"));
    const other = await api("POST", "/api/games/play", people[4]!.token, g.params("q3"));
    expect(other.body.draw.win).toBe(true); // the budget is per store
    const draws = (await api("GET", `/api/admin/games/${g.id}/draws`, admin)).body.draws;
    const q1 = draws.filter((d: any) => d.storeId === "q1");
    expect(q1.filter((d: any) => d.win)).toHaveLength(2);
    expect(q1.filter((d: any) => !d.win).map((d: any) => [d.slice.kind, d.state, d.fallbackReason])).toEqual([
      ["none", "none", "daily_budget"],
      ["none", "none", "daily_budget"],
    ]);
    expect(draws[0]).toMatchObject({ customer: { id: people[4]!.customer.id, name: "s-4" }, storeId: "q3" });
    expect(typeof draws[0].at).toBe("string");
  });

  it("a shopper sees only their own draws", async () => {
    const g = await game([{ label: "1 điểm", kind: "points", points: 1, weight: 1 }, NONE]);
    const [a, b] = await shoppers(2);
    const play = await api("POST", "/api/games/play", a!.token, g.params("q1"));
    expect((await api("GET", `/api/games/draws/${play.body.draw.id}`, a!.token)).status).toBe(200);
    const other = await api("GET", `/api/games/draws/${play.body.draw.id}`, b!.token);
    expect([other.status, other.body.code]).toEqual([404, "DRAW_NOT_FOUND"]);
    expect((await api("GET", "/api/games/draws", b!.token)).body.draws).toEqual([]);
    expect((await api("GET", "/api/games/draws", a!.token)).body.draws).toHaveLength(1);
  });
});

describe("under concurrency", () => {
  it("1,000 concurrent plays against a prize with stock 10 give exactly 10 winners", async () => {
    const vc = await voucherCampaign();
    const g = await game(
      [
        { label: "Voucher 20k", kind: "voucher", voucherCampaignId: vc, weight: 9, stock: 10 },
        { ...NONE, weight: 1 },
      ],
      { playsPerDay: 4 },
    );
    const people = await shoppers(250);
    const results = await Promise.all(people.flatMap((p) => [0, 1, 2, 3].map((i) => api("POST", "/api/games/play", p.token, g.params(i % 2 ? "q1" : "q3")))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.draw.win)).toHaveLength(10);
    expect(one("select count(*) as n from game_draws").n).toBe(1000);
    expect(one("select count(*) as n from game_draws where win = 1").n).toBe(10);
    expect(one("select count(*) as n from vouchers where source = 'prize'").n).toBe(10);
    expect(one("select won, stock from game_prizes where kind = 'voucher'")).toEqual({ won: 10, stock: 10 });
    // Past the stock, a drawn prize lands on "no prize" and says why.
    expect(one("select count(*) as n from game_draws where fallback_reason = 'out_of_stock'").n).toBeGreaterThan(800);
    const view = (await api("GET", `/api/admin/games/${g.id}`, admin)).body;
    expect(view.prizes[0]).toMatchObject({ remaining: 0, odds: 0.9 });
  }, 60_000);

  it("the daily play limit holds when one person fires many plays at once", async () => {
    const g = await game(
      [
        { label: "1 điểm", kind: "points", points: 1, weight: 1 },
        { ...NONE, weight: 1 },
      ],
      { playsPerDay: 3 },
    );
    const people = await shoppers(40);
    const results = await Promise.all(people.flatMap((p) => Array.from({ length: 8 }, () => api("POST", "/api/games/play", p.token, g.params("q1")))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(40 * 3);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === "GAME_DAILY_LIMIT_REACHED")).toBe(true);
    const perPerson = sql<{ n: number }>("select count(*) as n from game_draws group by customer_id");
    expect(perPerson).toHaveLength(40);
    expect(perPerson.every((r) => r.n === 3)).toBe(true);
  }, 60_000);
});

describe("prizes that require following the OA", () => {
  async function pendingPrize() {
    const vc = await voucherCampaign();
    const g = await game([{ label: "Voucher 20k", kind: "voucher", voucherCampaignId: vc, weight: 1, stock: 5, requiresFollow: true }, NONE]);
    const [s] = await shoppers(1);
    const play = await api("POST", "/api/games/play", s!.token, g.params("q1"));
    expect(play.body.draw).toMatchObject({ win: true, requiresFollow: true, state: "pending_follow", voucherId: null });
    return { g, s: s!, drawId: play.body.draw.id as string };
  }

  const vouchersOf = (customerId: string) => one("select count(*) as n from vouchers where customer_id = ?", customerId).n;

  it("is released at the next sign-in when Graph /me says the person already follows (no webhook comes for them)", async () => {
    const { s, drawId } = await pendingPrize();
    // They followed long ago (or followOA found them following): Zalo sends no webhook (§1.12). Graph /me,
    // asked by the server with its appsecret_proof, is Zalo's own word, not the client's.
    await h.control("PATCH", `/_emu/users/${s.appUserId}`, { follower: true });
    expect((await api("GET", `/api/games/draws/${drawId}`, s.token)).body.draw.state).toBe("pending_follow");
    const { accessToken } = await h.control("POST", `/_emu/users/${s.appUserId}/token`);
    expect((await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } })).json().customer.followsOa).toBe(true);
    const poll = await api("GET", `/api/games/draws/${drawId}`, s.token);
    expect(poll.body.draw.state).toBe("issued");
    expect(vouchersOf(s.customer.id)).toBe(1);
    expect(one("select count(*) as n from follow_events where source = 'graph_me' and kind = 'follow'").n).toBe(1);
    // A second sign-in changes nothing more: no second voucher, no second notice.
    const again = await h.control("POST", `/_emu/users/${s.appUserId}/token`);
    await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken: again.accessToken } });
    expect(vouchersOf(s.customer.id)).toBe(1);
    expect(one("select count(*) as n from outbox where source = 'game'").n).toBe(1);
  });

  it("a forged or unsigned follow webhook changes nothing", async () => {
    const { s, drawId } = await pendingPrize();
    expect((await deliver(followEvent(s), "wrong-secret")).statusCode).toBe(401);
    const unsigned = await h.app.inject({
      method: "POST",
      url: "/webhooks/zalo",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(followEvent(s)),
    });
    expect(unsigned.statusCode).toBe(401);
    expect((await api("GET", `/api/games/draws/${drawId}`, s.token)).body.draw.state).toBe("pending_follow");
    expect(vouchersOf(s.customer.id)).toBe(0);
    expect(one("select count(*) as n from outbox").n).toBe(0);
  });

  it("the follow webhook issues the prize once, however many times it is delivered, and queues one welcome and one prize notice", async () => {
    const { g, s, drawId } = await pendingPrize();
    const event = followEvent(s);
    const results = await Promise.all([1, 2, 3].map(() => deliver(event)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect((await deliver(event)).json().duplicate).toBe(true); // a later replay too

    const poll = await api("GET", `/api/games/draws/${drawId}`, s.token);
    expect(poll.body.draw).toMatchObject({ state: "issued" });
    expect(vouchersOf(s.customer.id)).toBe(1);
    const mine = await api("GET", "/api/me/vouchers", s.token);
    expect(mine.body.vouchers[0]).toMatchObject({ id: poll.body.draw.voucherId, source: "prize" });
    const queued = sql("select customer_id, source, category from outbox order by id");
    expect(queued).toEqual([
      { customer_id: s.customer.id, source: "game", category: "transactional" },
      { customer_id: s.customer.id, source: "welcome", category: "care" },
    ]);
    expect((await api("GET", `/api/admin/games/${g.id}`, admin)).body.prizes[0]).toMatchObject({ won: 1, remaining: 4 });
  });

  it("works end to end with the emulator's own signed follow webhook", async () => {
    const { s, drawId } = await pendingPrize();
    const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
    await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
    expect((await h.control("POST", `/_emu/users/${s.appUserId}/follow`)).delivered).toBe(true);
    expect((await api("GET", `/api/games/draws/${drawId}`, s.token)).body.draw.state).toBe("issued");
  });

  it("an unfollow before the follow voids the pending prize and returns its stock", async () => {
    const { g, s, drawId } = await pendingPrize();
    expect((await deliver(followEvent(s, "unfollow", "1760000000001"))).statusCode).toBe(200);
    expect((await api("GET", `/api/games/draws/${drawId}`, s.token)).body.draw.state).toBe("void");
    expect((await api("GET", `/api/admin/games/${g.id}`, admin)).body.prizes[0]).toMatchObject({ won: 0, remaining: 5 });
    // A later follow does not bring a void prize back.
    await deliver(followEvent(s, "follow", "1760000000002"));
    expect((await api("GET", `/api/games/draws/${drawId}`, s.token)).body.draw.state).toBe("void");
    expect(vouchersOf(s.customer.id)).toBe(0);
  });

  it("a person the follow webhook already marked as a follower gets the prize at once", async () => {
    const vc = await voucherCampaign();
    const g = await game([{ label: "Voucher 20k", kind: "voucher", voucherCampaignId: vc, weight: 1, requiresFollow: true }, NONE]);
    const [s] = await shoppers(1);
    await deliver(followEvent(s!));
    const play = await api("POST", "/api/games/play", s!.token, g.params("q1"));
    expect(play.body.draw).toMatchObject({ requiresFollow: true, state: "issued" });
    expect(vouchersOf(s!.customer.id)).toBe(1);
  });
});
