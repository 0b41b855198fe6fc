import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../test-support";

let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(async () => h.close());

const one = <T = any>(q: string, ...args: unknown[]) => h.app.services.db.$client.prepare(q).get(...args) as T;

async function signInUser(appUserId: string) {
  const { accessToken } = await h.control("POST", `/_emu/users/${appUserId}/token`);
  const res = await h.app.inject({ method: "POST", url: "/api/auth/zalo", payload: { accessToken } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe("existing followers at sign-in (zalo-platform.md §1.12)", () => {
  it("someone who already follows the OA is a follower from their first sign-in, with their OA id, and no webhook", async () => {
    const u = await h.control("POST", "/_emu/users", { name: "Phạm Văn Cũ", follower: true, userInfoConsent: true });
    const { customer } = await signInUser(u.appUserId);
    expect(customer).toMatchObject({ followsOa: true, zaloOaId: u.oaUserId, name: "Phạm Văn Cũ" });
    expect(one("select count(*) as n from webhook_events").n).toBe(0);
    expect(one("select kind, source from follow_events")).toEqual({ kind: "follow", source: "graph_me" });
    // Their welcome is the follow automation's, once.
    await signInUser(u.appUserId);
    expect(one("select count(*) as n from follow_events").n).toBe(1);
  });

  it("followOA for a current follower fires no webhook at the emulator (Zalo has nothing to announce)", async () => {
    const out = await h.control("POST", "/_emu/personas/staff/follow");
    expect(out).toMatchObject({ delivered: false, unchanged: true });
  });

  it("Graph saying the person no longer follows ends the follow (an unfollow whose webhook was lost)", async () => {
    const u = await h.control("POST", "/_emu/users", { name: "Lê Thị Đi", follower: true, userInfoConsent: true });
    expect((await signInUser(u.appUserId)).customer.followsOa).toBe(true);
    await h.control("PATCH", `/_emu/users/${u.appUserId}`, { follower: false });
    expect((await signInUser(u.appUserId)).customer.followsOa).toBe(false);
    expect(one("select kind, source from follow_events order by id desc limit 1")).toEqual({ kind: "unfollow", source: "graph_me" });
  });
});

describe("names need scope.userInfo (zalo-platform.md §1.13)", () => {
  it("without consent Graph gives only the id: a known name is never replaced by a placeholder", async () => {
    const u = await h.control("POST", "/_emu/users", { name: "Nguyễn Thị Tên", userInfoConsent: true });
    expect((await signInUser(u.appUserId)).customer.name).toBe("Nguyễn Thị Tên");
    await h.control("PATCH", `/_emu/users/${u.appUserId}`, { userInfoConsent: false });
    const { customer } = await signInUser(u.appUserId);
    expect(customer.name).toBe("Nguyễn Thị Tên");
    expect(one("select name, avatar from customers")).toMatchObject({ name: "Nguyễn Thị Tên", avatar: expect.any(String) });
  });

  it("a first sign-in without consent is an unnamed customer until the person grants it", async () => {
    const u = await h.control("POST", "/_emu/users", { name: "Trần Văn Mới", userInfoConsent: false });
    expect((await signInUser(u.appUserId)).customer.name).toBe("Khách Zalo");
    await h.control("PATCH", `/_emu/users/${u.appUserId}`, { userInfoConsent: true });
    expect((await signInUser(u.appUserId)).customer.name).toBe("Trần Văn Mới");
  });
});
