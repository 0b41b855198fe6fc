import { afterEach, describe, expect, it } from "vitest";
import { bearer, newShopper, startHarness, type Harness } from "./test-support";

// One config value, SHOP_TIME_ZONE, decides the shop's day everywhere. New York (UTC-4 in March after
// DST) is far from both UTC and UTC+7, so a day counted in either would land on the wrong date.
const TZ = "America/New_York";
const LATE_EVENING = Date.parse("2026-03-10T03:30:00Z"); // 23:30 on 9 March in New York, 10:30 on 10 March in Hanoi

let h: Harness;
afterEach(async () => h.close());

async function start() {
  h = await startHarness({ SHOP_TIME_ZONE: TZ });
  await h.control("POST", "/_emu/clock", { now: LATE_EVENING });
  const admin = await h.adminToken();
  const call = async (method: "GET" | "POST" | "PUT", url: string, payload?: unknown, token = admin) => {
    const res = await h.app.inject({ method, url, headers: bearer(token), payload: payload as any });
    return { status: res.statusCode, body: res.json() as any };
  };
  return { admin, call };
}

describe("SHOP_TIME_ZONE", () => {
  it("game plays per day reset at the shop's local midnight", async () => {
    const { call } = await start();
    await call("POST", "/api/admin/stores", { id: "q1", name: "Cửa hàng" });
    const g = await call("POST", "/api/admin/games", {
      name: "Vòng quay",
      kind: "wheel",
      storeIds: ["q1"],
      playsPerDay: 1,
      prizes: [
        { label: "1 điểm", kind: "points", points: 1, weight: 1 },
        { label: "Chúc may mắn", kind: "none", weight: 1 },
      ],
    });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    const links = await call("GET", `/api/admin/games/${g.body.id}/qr-links`);
    const params = Object.fromEntries(new URL(links.body.links[0].url).searchParams);
    const s = await newShopper(h, "Khách");

    expect((await call("POST", "/api/games/play", params, s.token)).status).toBe(200);
    const again = await call("POST", "/api/games/play", params, s.token);
    expect([again.status, again.body.code]).toEqual([409, "GAME_DAILY_LIMIT_REACHED"]);

    await h.control("POST", "/_emu/clock", { advanceMs: 3600_000 }); // 00:30 on 10 March in New York; the same day in UTC and UTC+7
    expect((await call("POST", "/api/games/play", params, s.token)).status).toBe(200);
  });

  it("the keep-warm floor's one message a day is keyed by the shop's date", async () => {
    const { call } = await start();
    const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
    await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
    const s = await newShopper(h, "Khách");
    expect((await h.control("POST", `/_emu/users/${s.appUserId}/follow`)).delivered).toBe(true);
    expect((await call("POST", `/api/admin/customers/${s.customer.id}/points/adjust`, { delta: 120, reason: "Quà", idempotencyKey: "g1" })).status).toBe(200);
    h.app.services.db.$client.prepare("delete from outbox").run();

    await h.control("POST", "/_emu/clock", { advanceMs: 15 * 86_400_000 }); // 23:30 on 24 March in New York, 25 March in UTC
    expect((await call("POST", "/api/admin/jobs/keep-warm")).body.queued).toBe(1);
    const keys = h.app.services.db.$client.prepare("select dedupe_key from outbox where source = 'floor'").pluck().all();
    expect(keys).toEqual([`floor:${s.customer.id}:2026-03-24`]);
  });

  it("the warming rules carry the shop's time zone; a rule set cannot pick another", async () => {
    const { call } = await start();
    const current = await call("GET", "/api/admin/warming-rules");
    expect(current.body.rules.timeZone).toBe(TZ);
    const put = await call("PUT", "/api/admin/warming-rules", { rules: { ...current.body.rules, timeZone: "Asia/Tokyo" } });
    expect(put.status).toBe(200);
    expect((await call("GET", "/api/admin/warming-rules")).body.rules.timeZone).toBe(TZ);
  });
});
