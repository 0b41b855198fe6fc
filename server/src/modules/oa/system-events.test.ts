import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { bearer, startHarness, TEST_ENV, withStoreAndStaff, type Harness } from "../../test-support";

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await startHarness();
  admin = (await withStoreAndStaff(h)).admin;
  const url = await h.app.listen({ port: 0, host: "127.0.0.1" });
  await h.control("POST", "/_emu/config", { webhookUrl: `${url}/webhooks/zalo` });
});
afterEach(async () => h.close());

const one = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).get(...args) as any;
const api = (method: string, url: string, payload?: unknown) => h.app.inject({ method: method as any, url, headers: bearer(admin), payload: payload as any });

describe("ZNS and OA system webhooks (zalo-platform.md §7.7), some with no app_id", () => {
  it("a quota change (no app_id in the body) is verified, stored and acted on: messages held for the quota go now", async () => {
    // A ZNS message held until midnight because the old quota ran out.
    await api("POST", "/api/admin/zns/templates/import", { templateId: "100001" });
    const queued = await api("POST", "/api/admin/zns/test-send", {
      phone: "84912345678",
      templateId: "100001",
      data: { customer_name: "Hà", order_code: "A-1", amount: "45000" },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().id;
    const midnight = h.emu.clock.now() + 10 * 3600_000;
    h.app.services.db.$client.prepare("update outbox set state = 'held', reason = 'QUOTA_EXHAUSTED', not_before = ? where id = ?").run(midnight, id);

    const out = await h.control("POST", "/_emu/zns/quota", { dailyQuota: 2000 });
    expect(out).toMatchObject({ delivered: true, status: 200 });
    expect(one("select event_name from webhook_events")).toEqual({ event_name: "change_oa_daily_quota" });
    expect(one("select not_before from outbox where id = ?", id).not_before).toBeLessThanOrEqual(h.emu.clock.now());
    expect(JSON.parse(one("select details from audit_log where action = 'zns.quota_change'").details)).toMatchObject({ next: 2000, released: 1 });
  });

  it("a body without app_id and a wrong MAC is still a 401", async () => {
    const raw = JSON.stringify({
      event_name: "change_oa_daily_quota",
      oaId: TEST_ENV.ZALO_OA_ID,
      quota: { prev_value: 1, new_value: 9 },
      timestamp: "1760000000000",
    });
    const mac = createHash("sha256").update(`${TEST_ENV.ZALO_APP_ID}${raw}1760000000000not-the-secret`).digest("hex");
    const res = await h.app.inject({
      method: "POST",
      url: "/webhooks/zalo",
      headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` },
      payload: raw,
    });
    expect(res.statusCode).toBe(401);
    expect(one("select count(*) as n from webhook_events").n).toBe(0);
  });

  it("a template's review result syncs its status: a disabled template is no longer usable, a re-enabled one is", async () => {
    expect((await api("POST", "/api/admin/zns/templates/import", { templateId: "100002" })).json().usable).toBe(true);
    const out = await h.control("POST", "/_emu/templates/100002/status", { status: "DISABLE", reason: "Chất lượng thấp" });
    expect(out).toMatchObject({ delivered: true, status: 200 });
    const list = (await api("GET", "/api/admin/zns/templates")).json().templates as any[];
    expect(list.find((t) => t.id === "100002")).toMatchObject({ zaloStatus: "DISABLE", usable: false });
    await h.control("POST", "/_emu/templates/100002/status", { status: "ENABLE" });
    const again = (await api("GET", "/api/admin/zns/templates")).json().templates as any[];
    expect(again.find((t) => t.id === "100002")).toMatchObject({ zaloStatus: "ENABLE", usable: true });
  });
});
