import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../db/client";
import { createCustomerRepo, createPointsColumns, type CustomerRepo } from "./repo";

let db: Db;
let repo: CustomerRepo;
beforeEach(() => {
  db = openDb(":memory:");
  repo = createCustomerRepo(db);
});
afterEach(() => db.$client.close());

const row = (id: string) => db.$client.prepare("select * from customers where id = ?").get(id) as Record<string, unknown>;

describe("the customers repo's writes for other modules", () => {
  it("sets and clears the fatigue mark (messaging's unfollow rule)", () => {
    const c = repo.insertCustomer({ zaloId: "z1", zaloOaId: null, name: "Lan" }, 1_000);
    repo.setFatigueUntil(c.id, 5_000);
    expect(row(c.id).fatigue_until).toBe(5_000);
    repo.setFatigueUntil(c.id, null);
    expect(row(c.id).fatigue_until).toBeNull();
  });

  it("stores the message preferences as given and stamps the row", () => {
    const c = repo.insertCustomer({ zaloId: "z1", zaloOaId: null, name: "Lan" }, 1_000);
    repo.setPrefs(c.id, '{"maxOffersPerWeek":1}', 2_000);
    expect(row(c.id)).toMatchObject({ prefs: '{"maxOffersPerWeek":1}', updated_at: 2_000 });
  });

  it("records a birthday, with or without the year, and not for an erased person", () => {
    const c = repo.insertCustomer({ zaloId: "z1", zaloOaId: null, name: "Lan" }, 1_000);
    expect(repo.setBirthDate(c.id, "1996-05-14", 2_000)).toBe(true);
    expect(row(c.id)).toMatchObject({ birth_date: "1996-05-14", updated_at: 2_000 });
    expect(repo.setBirthDate(c.id, "05-14", 3_000)).toBe(true);
    expect(row(c.id).birth_date).toBe("05-14");
    repo.erase(c.id, 4_000);
    expect(repo.setBirthDate(c.id, "1996-05-14", 5_000)).toBe(false);
    expect(row(c.id).birth_date).toBeNull();
  });

  it("moves the points columns, and a debit below zero writes nothing", () => {
    const c = repo.insertCustomer({ zaloId: "z1", zaloOaId: null, name: "Lan" }, 1_000);
    const bump = createPointsColumns(db);
    expect(bump(c.id, 30, 30)).toEqual([30, 30]);
    expect(bump(c.id, -10, 0)).toEqual([20, 30]);
    expect(bump(c.id, -21, 0)).toBeUndefined();
    expect(row(c.id)).toMatchObject({ points_balance: 20, points_earned_total: 30 });
  });

  it("an OA event links the follower to the person the mini app already knows, once", () => {
    const known = repo.insertCustomer({ zaloId: "app-1", zaloOaId: null, name: "Lan" }, 1_000);
    expect(repo.findOrCreateByOaId("oa-1", "app-1", 2_000).id).toBe(known.id);
    expect(row(known.id).zalo_oa_id).toBe("oa-1");
    const stranger = repo.findOrCreateByOaId("oa-2", undefined, 3_000);
    expect(stranger).toMatchObject({ zaloId: null, zaloOaId: "oa-2", name: "Zalo follower" });
    expect(repo.findOrCreateByOaId("oa-2", undefined, 4_000).id).toBe(stranger.id);
  });
});
