import { expect, it } from "vitest";
import { q } from "../../db/store";
import { onBothDatabases } from "../../db/test-stores";
import { createCustomerRepo, createPointsColumns } from "./repo";

onBothDatabases("customers", (store) => {
  const repo = () => createCustomerRepo(store());
  let n = 0;
  const zid = () => `z-${++n}-${Math.random()}`;
  const row = (id: string) =>
    store()
      .prepare<{ fatigue_until: number | null; prefs: string; updated_at: number; birth_date: string | null; zalo_oa_id: string | null }>(
        "select fatigue_until, prefs, updated_at, birth_date, zalo_oa_id, points_balance, points_earned_total from customers where id = ?",
      )
      .get(id) as Promise<Record<string, unknown>>;

  it("sets and clears the fatigue mark (messaging's unfollow rule)", async () => {
    const r = repo();
    const c = await r.insertCustomer({ zaloId: zid(), zaloOaId: null, name: "Lan" }, 1_000);
    await r.setFatigueUntil(c.id, 5_000);
    expect((await row(c.id)).fatigue_until).toBe(5_000);
    await r.setFatigueUntil(c.id, null);
    expect((await row(c.id)).fatigue_until).toBeNull();
  });

  it("stores the message preferences as given and stamps the row", async () => {
    const r = repo();
    const c = await r.insertCustomer({ zaloId: zid(), zaloOaId: null, name: "Lan" }, 1_000);
    await r.setPrefs(c.id, '{"maxOffersPerWeek":1}', 2_000);
    expect(await row(c.id)).toMatchObject({ prefs: '{"maxOffersPerWeek":1}', updated_at: 2_000 });
  });

  it("records a birthday, with or without the year, and not for an erased person", async () => {
    const r = repo();
    const c = await r.insertCustomer({ zaloId: zid(), zaloOaId: null, name: "Lan" }, 1_000);
    expect(await r.setBirthDate(c.id, "1996-05-14", 2_000)).toBe(true);
    expect(await row(c.id)).toMatchObject({ birth_date: "1996-05-14", updated_at: 2_000 });
    expect(await r.setBirthDate(c.id, "05-14", 3_000)).toBe(true);
    expect((await row(c.id)).birth_date).toBe("05-14");
    expect(await r.erase(c.id, 4_000)).toEqual({ tagsRemoved: 0 });
    expect(await r.setBirthDate(c.id, "1996-05-14", 5_000)).toBe(false);
    expect((await row(c.id)).birth_date).toBeNull();
  });

  it("finds this month's birthdays in either stored form, a page at a time", async () => {
    const r = repo();
    const ids: string[] = [];
    for (const b of ["1990-11-02", "11-02", "1985-11-03", "1990-12-02"]) {
      const c = await r.insertCustomer({ zaloId: zid(), zaloOaId: null, name: "B" }, 1_000);
      await r.setBirthDate(c.id, b, 1_000);
      ids.push(c.id);
    }
    const first = await r.birthdaysPage({ mmdd: ["11-02"], after: 0, n: 1 });
    expect(first.map((x) => x.id)).toEqual([ids[0]]);
    const rest = await r.birthdaysPage({ mmdd: ["11-02"], after: first[0]!.rowid, n: 10 });
    expect(rest.map((x) => x.id)).toEqual([ids[1]]);
  });

  it("moves the points columns, and a debit below zero writes nothing", async () => {
    const r = repo();
    const c = await r.insertCustomer({ zaloId: zid(), zaloOaId: null, name: "Lan" }, 1_000);
    const bump = createPointsColumns(store());
    expect(await bump(c.id, 30, 30)).toEqual([30, 30]);
    expect(await bump(c.id, -10, 0)).toEqual([20, 30]);
    expect(await bump(c.id, -21, 0)).toBeUndefined();
    expect(await row(c.id)).toMatchObject({ points_balance: 20, points_earned_total: 30 });
  });

  it("an OA event links the follower to the person the mini app already knows, once", async () => {
    const r = repo();
    const app = zid();
    const oa = zid();
    const known = await r.insertCustomer({ zaloId: app, zaloOaId: null, name: "Lan" }, 1_000);
    expect((await r.findOrCreateByOaId(oa, app, 2_000)).id).toBe(known.id);
    expect((await row(known.id)).zalo_oa_id).toBe(oa);
    const oa2 = zid();
    const stranger = await r.findOrCreateByOaId(oa2, undefined, 3_000);
    expect(stranger).toMatchObject({ zaloId: null, zaloOaId: oa2, name: "Zalo follower" });
    expect((await r.findOrCreateByOaId(oa2, undefined, 4_000)).id).toBe(stranger.id);
  });

  it("upserts the person Graph /me names, merging a follower first met by the OA, and keeps a known name", async () => {
    const r = repo();
    const oa = zid();
    const follower = await r.findOrCreateByOaId(oa, undefined, 1_000);
    const app = zid();
    const signedIn = await r.upsertFromZalo({ zaloId: app, name: "Lan", avatar: null, oaUserId: oa, isFollower: true }, 2_000);
    expect(signedIn).toMatchObject({ id: follower.id, zaloId: app, zaloOaId: oa, name: "Lan", searchName: "lan" });
    const again = await r.upsertFromZalo({ zaloId: app, name: null, avatar: "a.png", oaUserId: null, isFollower: null }, 3_000);
    expect(again).toMatchObject({ id: follower.id, name: "Lan", avatar: "a.png" });
  });

  it("keeps staff roles and stores, lists staff, and drops a cached principal when its role changes", async () => {
    const s = store();
    const r = repo();
    await s.prepare("insert into stores (id, name, created_at) values (?, ?, 0) on conflict do nothing").run("st-a", "A");
    await s.prepare("insert into stores (id, name, created_at) values (?, ?, 0) on conflict do nothing").run("st-b", "B");
    const c = await r.insertCustomer({ zaloId: zid(), zaloOaId: null, name: "Staff Person" }, 1_000);
    expect(await r.principalOf(c.id)).toEqual({ id: c.id, role: "customer", storeIds: [] });
    await r.setRole(c.id, "staff", ["st-b", "st-a"], 2_000);
    expect(await r.principalOf(c.id)).toMatchObject({ role: "staff" });
    expect([...(await r.principalOf(c.id))!.storeIds].sort()).toEqual(["st-a", "st-b"]);
    expect((await r.staffList()).find((x) => x.id === c.id)).toMatchObject({ role: "staff", storeIds: ["st-a", "st-b"] });
    // Roles, stores and tags of one person change together or not at all.
    await expect(
      (async () =>
        s.tx(function* () {
          yield* q(r.setTags(c.id, ["vip"]));
          yield* q(r.setRole(c.id, "customer", [], 3_000));
          throw new Error("undo");
        }))(),
    ).rejects.toThrow("undo");
    expect(await r.tagsOf(c.id)).toEqual([]);
    expect(await r.principalOf(c.id)).toMatchObject({ role: "staff" });
    expect((await r.erase(c.id, 4_000))!.tagsRemoved).toBe(0);
    expect(await r.principalOf(c.id)).toBeUndefined();
  });
});
