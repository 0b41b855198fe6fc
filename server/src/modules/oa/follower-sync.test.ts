import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, startHarness, type Harness } from "../../test-support";

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await startHarness();
  admin = await h.adminToken();
});
afterEach(async () => h.close());

const one = (q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).get(...args) as any;
const api = (method: "GET" | "POST", url = "/api/admin/oa/follower-sync") => h.app.inject({ method, url, headers: bearer(admin) });
const settled = () => h.app.services.followerSync.settled();

/** Followers who followed before the product existed: Zalo knows them, our database does not. */
async function oldFollowers(n: number) {
  for (let i = 0; i < n; i += 40)
    await Promise.all(
      Array.from({ length: Math.min(40, n - i) }, (_, j) => h.control("POST", "/_emu/users", { name: `Người theo dõi ${i + j}`, follower: true })),
    );
}

describe("follower sync over user/getlist (zalo-platform.md §5.7)", () => {
  it("pages Zalo's list 50 at a time in the background and backfills every follower with their OA id and name", async () => {
    await oldFollowers(118); // + the staff and admin personas: 120 followers
    expect((await api("GET")).json()).toEqual({ sync: null });
    const started = await api("POST");
    expect(started.statusCode).toBe(202);
    expect(started.json().sync).toMatchObject({ state: "running", read: 0 });
    await settled();
    expect((await api("GET")).json().sync).toMatchObject({ state: "done", read: 120, total: 120, newFollowers: 120, created: 120, error: null });
    const pages = (await h.control("GET", "/_emu/requests?path=/openapi/v3.0/oa/user/getlist")) as any[];
    expect(pages.map((p) => JSON.parse(p.query.data))).toEqual([
      { offset: 0, count: 50, is_follower: true },
      { offset: 50, count: 50, is_follower: true },
      { offset: 100, count: 50, is_follower: true },
    ]);
    expect(one("select count(*) as n from customers where follows_oa = 1 and zalo_oa_id is not null").n).toBe(120);
    expect(one("select count(*) as n from customers where name like 'Người theo dõi %'").n).toBe(118);
    expect(one("select count(*) as n from follow_events where source = 'follower_sync'").n).toBe(120);
    // A second run finds them all known: nothing new, no second follow.
    await api("POST");
    await settled();
    expect((await api("GET")).json().sync).toMatchObject({ state: "done", read: 120, newFollowers: 0, created: 0 });
    expect(one("select count(*) as n from follow_events").n).toBe(120);
  });

  it("a run stopped by Zalo being busy keeps its cursor and resumes from it, never re-reading a page", async () => {
    await oldFollowers(98); // 100 followers: two pages
    await h.control("POST", "/_emu/faults", { match: "/openapi/v3.0/oa/user/getlist", error: -32, times: 1, after: 1 });
    // The second page fails: the first page's 50 are kept, and the run waits to be resumed.
    await api("POST");
    await settled();
    const paused = (await api("GET")).json().sync;
    expect(paused).toMatchObject({ state: "running", paused: true, read: 50 });
    expect(paused.error).toMatch(/-32|rate/i);
    await api("POST");
    await settled();
    expect((await api("GET")).json().sync).toMatchObject({ id: paused.id, state: "done", read: 100, newFollowers: 100 });
    expect(one("select count(*) as n from follower_syncs").n).toBe(1);
    const offsets = ((await h.control("GET", "/_emu/requests?path=/openapi/v3.0/oa/user/getlist")) as any[]).map((p) => JSON.parse(p.query.data).offset);
    expect(offsets).toEqual([0, 50, 50]); // the failed page again, the first one never
  });

  it("a person already known from the mini app is linked, not duplicated, and becomes a follower", async () => {
    const { customer } = await h.login("shopper");
    expect(customer.followsOa).toBe(false);
    await h.control("PATCH", "/_emu/users/5521000000000000001", { follower: true });
    await api("POST");
    await settled();
    expect(one("select count(*) as n from customers").n).toBe(3);
    expect(one("select follows_oa from customers where id = ?", customer.id)).toEqual({ follows_oa: 1 });
  });
});
