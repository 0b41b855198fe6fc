import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteStore } from "../../db/store";
import { DEFAULT_WARMING_RULES } from "@mc/shared";
import { bearer, memberCodeOf, newShopper, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { openDb } from "../../db/client";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createSegmentRepo } from "./repo";
import { createSegmentService } from "./service";

describe("saved segments over the API", () => {
  let h: Harness;
  let admin: string;
  let staff: string;
  beforeEach(async () => {
    h = await startHarness();
    const s = await withStoreAndStaff(h);
    admin = s.admin;
    staff = s.staff.token;
  });
  afterEach(async () => h.close());

  const api = (method: string, url: string, payload?: unknown, token = admin) =>
    h.app.inject({ method: method as any, url, headers: bearer(token), payload: payload as any });
  const count = (table: string) => h.app.services.db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;

  it("create, preview (count and sample), edit as a new version, list, delete", async () => {
    const vip = await newShopper(h, "Chị Lan");
    const regular = await newShopper(h, "Anh Minh");
    await newShopper(h, "Bạn Hoa");
    expect((await api("PUT", `/api/admin/customers/${vip.customer.id}/tags`, { tags: ["vip"] })).statusCode).toBe(200);
    const award = await api(
      "POST",
      "/api/staff/points/award",
      { memberCode: await memberCodeOf(h, regular.token), storeId: "q1", amountVnd: 120_000, receiptId: "R-1" },
      staff,
    );
    expect(award.statusCode).toBe(200);

    const created = await api("POST", "/api/admin/segments", { name: "Khách VIP", rules: { all: [{ kind: "tags", tags: [" VIP "] }] } });
    expect(created.statusCode).toBe(201);
    const seg = created.json();
    expect(seg).toMatchObject({ name: "Khách VIP", version: 1, rules: { all: [{ kind: "tags", tags: ["vip"], match: "any" }] } });

    const preview = (await api("GET", `/api/admin/segments/${seg.id}/preview`)).json();
    expect(preview.count).toBe(1);
    expect(preview.sample).toEqual([
      { id: vip.customer.id, name: "Chị Lan", memberCode: await memberCodeOf(h, vip.token), tier: { key: "member", name: "Thành viên" } },
    ]);

    // The editor's live count of a draft: VIP or visited Quận 1 (the award was a visit there).
    const draft = {
      any: [
        { kind: "tags", tags: ["vip"] },
        { kind: "visitedStore", storeIds: ["q1"], days: 30 },
      ],
    };
    const live = (await api("POST", "/api/admin/segments/preview", { rules: draft })).json();
    expect(live.count).toBe(2);
    expect(live.sample.map((p: any) => p.id).sort()).toEqual([vip.customer.id, regular.customer.id].sort());

    const edited = await api("PUT", `/api/admin/segments/${seg.id}`, { name: "VIP hoặc Quận 1", rules: draft });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().version).toBe(2);
    const full = (await api("GET", `/api/admin/segments/${seg.id}`)).json();
    expect(full.versions.map((v: any) => [v.version, v.name])).toEqual([
      [2, "VIP hoặc Quận 1"],
      [1, "Khách VIP"],
    ]);
    expect(full.versions[1].rules).toEqual(seg.rules);
    expect((await api("GET", `/api/admin/segments/${seg.id}/preview`)).json().count).toBe(2);
    expect((await api("GET", "/api/admin/segments")).json().segments.map((s: any) => s.id)).toEqual([seg.id]);

    expect((await api("DELETE", `/api/admin/segments/${seg.id}`)).statusCode).toBe(200);
    expect((await api("GET", `/api/admin/segments/${seg.id}`)).json().code).toBe("NOT_FOUND");
    expect((await api("GET", `/api/admin/segments/${seg.id}/preview`)).statusCode).toBe(404);
    expect((await api("DELETE", `/api/admin/segments/${seg.id}`)).statusCode).toBe(404);
    expect((await api("PUT", `/api/admin/segments/${seg.id}`, { name: "x y", rules: draft })).statusCode).toBe(404);
    expect((await api("GET", "/api/admin/segments")).json().segments).toEqual([]);
    // Versions stay: a broadcast that used the segment can still say what it was.
    expect(count("segment_versions")).toBe(2);
    const actions = h.app.services.db.$client.prepare("select action from audit_log where target_id = ? order by id").pluck().all(seg.id);
    expect(actions).toEqual(["segment.create", "segment.update", "segment.delete"]);
  });

  it("a broadcast takes a saved segment: its rules as of the broadcast's creation are what is previewed and planned", async () => {
    const lan = await newShopper(h, "Chị Lan");
    const minh = await newShopper(h, "Anh Minh");
    const db = h.app.services.db.$client;
    // Both reachable followers (the OA follow flow is not what this test is about).
    db.prepare("update customers set zalo_oa_id = 'oa-' || id, follows_oa = 1 where id in (?, ?)").run(lan.customer.id, minh.customer.id);
    await api("PUT", `/api/admin/customers/${lan.customer.id}/tags`, { tags: ["vip"] });
    const seg = (await api("POST", "/api/admin/segments", { name: "Khách VIP", rules: { all: [{ kind: "tags", tags: ["vip"] }] } })).json();
    const body = (audience: unknown) => ({ name: "Cuối tuần", category: "care", content: { text: "Chào bạn!" }, audience });

    expect((await api("POST", "/api/admin/broadcasts", body({ segmentId: seg.id, tags: ["vip"] }))).statusCode).toBe(400);
    expect((await api("POST", "/api/admin/broadcasts", body({ segmentId: "sg-nope" }))).statusCode).toBe(404);
    const created = await api("POST", "/api/admin/broadcasts", body({ segmentId: seg.id }));
    expect(created.statusCode).toBe(201);
    const b = created.json();
    expect(b.audience.segment).toMatchObject({ id: seg.id, version: 1 });

    // Editing the segment afterwards (now it would match no one) does not move this broadcast's audience.
    await api("PUT", `/api/admin/segments/${seg.id}`, { name: "Không ai", rules: { all: [{ kind: "tags", tags: ["nobody"] }] } });
    expect((await api("GET", `/api/admin/broadcasts/${b.id}/preview`)).json().audience).toBe(1);
    expect((await api("POST", `/api/admin/broadcasts/${b.id}/start`)).statusCode).toBe(200);
    expect(db.prepare("select customer_id from outbox where broadcast_id = ?").pluck().all(b.id)).toEqual([lan.customer.id]);
  });

  it("a tier the loyalty rules do not have is a 400 and writes nothing", async () => {
    const before = [count("segments"), count("segment_versions"), count("audit_log")];
    const res = await api("POST", "/api/admin/segments", { name: "Kim cương", rules: { all: [{ kind: "tier", tiers: ["diamond"] }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    expect((await api("POST", "/api/admin/segments/preview", { rules: { any: [{ kind: "tier", tiers: ["diamond"] }] } })).statusCode).toBe(400);
    expect([count("segments"), count("segment_versions"), count("audit_log")]).toEqual(before);
  });
});

describe("segment counts run in slices", () => {
  it("counts across slices add up to one query's count, the sample stops at 20, and the event loop is served between slices", async () => {
    const db = openDb(":memory:");
    const c = db.$client;
    const ins = c.prepare("insert into customers (id, name, member_code, follows_oa, created_at, updated_at) values (?, ?, ?, ?, 0, 0)");
    for (let i = 0; i < 150; i++) ins.run(`p${String(i).padStart(3, "0")}`, `Khách ${i}`, `MEMB${String(i).padStart(4, "0")}`, i % 3 === 0 ? 1 : 0);
    let pauses = 0;
    const store = sqliteStore(db);
    const segments = createSegmentService({
      store,
      repo: createSegmentRepo(store),
      loyaltyRepo: createLoyaltyRepo(store),
      policy: () => DEFAULT_WARMING_RULES,
      timeZone: "Asia/Ho_Chi_Minh",
      now: () => Date.UTC(2026, 10, 23),
      slices: { rows: 10, pause: async () => void pauses++ },
    });
    const rules = { all: [{ kind: "follower" as const, follows: true }] };
    const { count, sample } = await segments.preview(rules);
    expect(count).toBe(50);
    expect(await createSegmentRepo(store).ids(await segments.compile(rules))).toHaveLength(50);
    expect(sample[0]!.memberCode).toBe("MC-MEMB-0000");
    expect(sample.map((p) => p.id)).toEqual(Array.from({ length: 20 }, (_, k) => `p${String(k * 3).padStart(3, "0")}`));
    expect(pauses).toBe(14); // 15 slices of 10 rowids
    db.$client.close();
  });
});
