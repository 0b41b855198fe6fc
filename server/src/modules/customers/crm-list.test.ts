import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncRepo } from "../../db/test-sync";
import { sqliteStore } from "../../db/store";
import { CustomerExportQuery, CustomerListQuery, DEFAULT_LOYALTY_RULES, DEFAULT_WARMING_RULES, maskPhone } from "@mc/shared";
import { bearer, everyTurn, startHarness, withStoreAndStaff, type Harness } from "../../test-support";
import { tx } from "../../db/client";
import { SYSTEM } from "../../lib/audit";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createSegmentRepo } from "../segments/repo";
import { createSegmentService } from "../segments/service";
import { createCustomerListRepo } from "./list-repo";
import { createCustomerList } from "./list";
import { createCustomerRepo } from "./repo";

const DAY = 86_400_000;
let h: Harness;
let admin: string;
let staff: { token: string; id: string };
let now: number;
const ids = {} as Record<"lan" | "lam" | "khoa" | "binh" | "erased", string>;
const codes = {} as Record<"lan" | "lam", string>;

const db = () => h.app.services.db;
const sql = (q: string, ...args: unknown[]) =>
  db()
    .$client.prepare(q)
    .all(...args) as any[];
const get = (url: string, token = admin) => h.app.inject({ method: "GET", url, headers: bearer(token) });
const list = async (query: Record<string, string | number>) => {
  const res = await get(`/api/admin/customers?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: any[]; next: string | null; sort: string };
};
const names = async (query: Record<string, string | number>) => (await list({ limit: 100, ...query })).items.map((i) => i.name).sort();
/** Every page of a list, following `next`. */
async function allPages(query: Record<string, string | number>) {
  const items: any[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const page = await list({ ...query, ...(after ? { after } : {}) });
    items.push(...page.items);
    after = page.next;
    pages++;
  } while (after);
  return { items, pages };
}

type Person = {
  name: string;
  phone?: string;
  oaId?: string;
  follows?: boolean;
  unfollowedDaysAgo?: number;
  tags?: string[];
  /** Points earned at a store, in date order. */
  earn?: { points: number; storeId?: string; daysAgo: number; expiresInDays?: number }[];
  lastInteractionDaysAgo?: number;
};

function seed(people: Person[]): string[] {
  const repo = syncRepo(createCustomerRepo, db());
  const loyalty = syncRepo(createLoyaltyRepo, db());
  let n = 0;
  return tx(db(), () =>
    people.map((p) => {
      const c = repo.insertCustomer({ zaloId: `z-${p.name}-${n++}-${Math.random()}`, zaloOaId: p.oaId ?? null, name: p.name }, now);
      if (p.phone) repo.setPhone(c.id, p.phone, now);
      if (p.follows) repo.setFollow(c.id, true, now - DAY, now);
      if (p.unfollowedDaysAgo !== undefined) repo.setFollow(c.id, false, now - p.unfollowedDaysAgo * DAY, now);
      if (p.tags) repo.setTags(c.id, p.tags);
      if (p.lastInteractionDaysAgo !== undefined) repo.touchInteraction(c.id, now - p.lastInteractionDaysAgo * DAY, now);
      for (const [i, e] of (p.earn ?? []).entries()) {
        const at = now - e.daysAgo * DAY;
        loyalty.append({
          customerId: c.id,
          kind: "earn",
          delta: e.points,
          reason: "test",
          sourceKey: `test:${c.id}:${i}`,
          storeId: e.storeId ?? null,
          actor: SYSTEM,
          expiresAt: at + (e.expiresInDays ?? 365) * DAY,
          now: at,
        });
      }
      return c.id;
    }),
  );
}

let order = 0;
const completedOrder = (customerId: string, storeId: string, daysAgo: number) =>
  db()
    .$client.prepare(
      `insert into orders (id, code, customer_id, store_id, status, pickup_type, payment_method, subtotal_vnd, total_vnd, request_key, created_at, updated_at, completed_at)
       values (?, ?, ?, ?, 'completed', 'table', 'counter', 10000, 10000, ?, ?, ?, ?)`,
    )
    .run(`o${++order}`, `C${order}`, customerId, storeId, `rk${order}`, now - daysAgo * DAY, now - daysAgo * DAY, now - daysAgo * DAY);

/** A list service on the harness's database, for what the API cannot show (slices, pages, the stream's pauses). */
function directList(opts: { slices?: { rows: number }; exportPage?: number; windows?: { rows: number } } = {}) {
  const clock = () => h.emu.clock.now();
  const store = sqliteStore(db());
  const loyaltyRepo = createLoyaltyRepo(store);
  const segments = createSegmentService({
    store,
    repo: createSegmentRepo(store),
    loyaltyRepo,
    policy: () => DEFAULT_WARMING_RULES,
    timeZone: "Asia/Ho_Chi_Minh",
    now: clock,
  });
  return createCustomerList({ store, repo: createCustomerListRepo(store), segments, loyaltyRepo, now: clock, timeZone: "Asia/Ho_Chi_Minh", ...opts });
}

beforeAll(async () => {
  h = await startHarness();
  now = h.emu.clock.now();
  const s = await withStoreAndStaff(h);
  admin = s.admin;
  staff = { token: s.staff.token, id: s.staff.customer.id };
  [ids.lan, ids.lam, ids.khoa, ids.binh, ids.erased] = seed([
    {
      name: "Nguyễn Thị Lan",
      phone: "84912345678",
      oaId: "oa-lan",
      follows: true,
      tags: ["vip"],
      earn: [{ points: 2500, storeId: "q1", daysAgo: 2, expiresInDays: 10 }],
      lastInteractionDaysAgo: 1,
    },
    { name: "Đặng Văn Lâm", phone: "84987650123", earn: [{ points: 600, storeId: "q3", daysAgo: 40 }], tags: ["office"], lastInteractionDaysAgo: 40 },
    { name: "Trần Quốc Khánh", unfollowedDaysAgo: 3 },
    { name: "Nguyen Van Binh", phone: "84900000999", follows: true, tags: ["office", "vip"] },
    { name: "Nguyễn Văn Xoá", phone: "84911112222", tags: ["vip"], earn: [{ points: 50, storeId: "q1", daysAgo: 1 }] },
  ]);
  for (const k of ["lan", "lam"] as const) codes[k] = sql("select member_code from customers where id = ?", ids[k])[0].member_code;
  completedOrder(ids.lan, "q1", 5);
  completedOrder(ids.lam, "q3", 60);
  const erased = await h.app.inject({
    method: "POST",
    url: `/api/admin/customers/${ids.erased}/erase`,
    headers: bearer(admin),
    payload: { reason: "Khách yêu cầu" },
  });
  expect(erased.statusCode).toBe(200);
}, 60_000);
afterAll(async () => h.close());

describe("search", () => {
  it("finds a name by word prefixes, with or without the marks, đ as d", async () => {
    expect(await names({ q: "nguyen" })).toEqual(["Nguyen Van Binh", "Nguyễn Thị Lan"]);
    expect(await names({ q: "Nguyễn" })).toEqual(["Nguyen Van Binh", "Nguyễn Thị Lan"]);
    expect(await names({ q: "NGUYỄN thị" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ q: "ng th la" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ q: "lan nguyen" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ q: "dang" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ q: "đặng" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ q: "Đ" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ q: "van lam" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ q: "khanh" })).toEqual(["Trần Quốc Khánh"]);
    // A word is matched from its start only; a word no one has finds no one.
    expect(await names({ q: "guyen" })).toEqual([]);
    expect(await names({ q: "nguyen lam" })).toEqual([]);
  });

  it("finds the last digits of a phone (3 or more), and a whole number in any usual form", async () => {
    expect(await names({ q: "678" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ q: "5678" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ q: "0123" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ q: "999" })).toEqual(["Nguyen Van Binh"]);
    for (const q of ["0912345678", "0912 345 678", "+84 912 345 678", "84912345678", "912.345.678"]) expect(await names({ q })).toEqual(["Nguyễn Thị Lan"]);
    // Two digits are too few to mean a phone; the middle of a number is not its end.
    expect(await names({ q: "78" })).toEqual([]);
    expect(await names({ q: "1234" })).toEqual([]);
  });

  it("finds a member code as typed or as on the card, and either Zalo id exactly", async () => {
    const card = `MC-${codes.lan.slice(0, 4)}-${codes.lan.slice(4)}`;
    expect(await names({ q: card })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ q: codes.lam.toLowerCase() })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ q: "oa-lan" })).toEqual(["Nguyễn Thị Lan"]);
    const zaloId = sql("select zalo_id from customers where id = ?", ids.khoa)[0].zalo_id;
    expect(await names({ q: zaloId })).toEqual(["Trần Quốc Khánh"]);
    expect(await names({ q: zaloId.slice(0, -1) })).toEqual([]);
  });

  it("never shows an erased person, by old name, phone or anything", async () => {
    expect(await names({ q: "xoa" })).toEqual([]);
    expect(await names({ q: "2222" })).toEqual([]);
    expect(await names({ q: "khach da xoa" })).toEqual([]);
    const everyone = await allPages({ limit: 100 });
    expect(everyone.items.map((i) => i.id)).not.toContain(ids.erased);
    expect((await get(`/api/admin/customers/count?tag=vip`)).json().count).toBe(2);
  });

  it("follows a rename and an erasure (the FTS index is kept in step by the customers' writes)", async () => {
    const repo = syncRepo(createCustomerRepo, db());
    const zaloId = `z-rename-${Math.random()}`;
    const c = repo.upsertFromZalo({ zaloId, name: "Hoàng Yến", avatar: null, oaUserId: null, isFollower: null }, now);
    expect(await names({ q: "yen" })).toEqual(["Hoàng Yến"]);
    repo.upsertFromZalo({ zaloId, name: "Hoàng Xuyến Yên", avatar: null, oaUserId: null, isFollower: null }, now);
    expect(await names({ q: "xuyen" })).toEqual(["Hoàng Xuyến Yên"]);
    expect(await names({ q: "hoang yen" })).toEqual(["Hoàng Xuyến Yên"]);
    expect(await names({ q: "hoang yến" })).toEqual(["Hoàng Xuyến Yên"]);
    // The index's own pages: the word is there, and after the erasure it is gone from them (secure-delete),
    // not merely marked deleted until a later merge.
    const indexHolds = (word: string) =>
      Buffer.concat(sql("select block from customers_fts_data where block is not null").map((r) => r.block as Buffer)).includes(word);
    expect(indexHolds("xuyen")).toBe(true);
    tx(db(), () => repo.erase(c.id, now));
    expect(await names({ q: "hoang" })).toEqual([]);
    expect(indexHolds("xuyen")).toBe(false);
    db().$client.prepare("insert into customers_fts(customers_fts) values ('integrity-check')").run();
  });

  it("gives a row written without a search key one at start (fillSearchKeys)", async () => {
    db()
      .$client.prepare("insert into customers (id, name, member_code, created_at, updated_at) values ('raw-1', 'Lý Thường Kiệt', 'RAWW2222', ?, ?)")
      .run(now, now);
    expect(await names({ q: "kiet" })).toEqual([]);
    expect(await syncRepo(createCustomerRepo, db()).fillSearchKeys()).toEqual({ filled: 1 });
    expect(await names({ q: "kiet" })).toEqual(["Lý Thường Kiệt"]);
    expect(await syncRepo(createCustomerRepo, db()).fillSearchKeys()).toEqual({ filled: 0 });
  });
});

describe("filters", () => {
  it("tier, follower, store visited, tag (as typed), days since the last order and visit", async () => {
    expect(await names({ tier: "gold" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ tier: "silver" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ follower: "yes" })).toEqual(["Nguyen Van Binh", "Nguyễn Thị Lan"]);
    expect(await names({ follower: "no", q: "nguyen" })).toEqual([]);
    expect(await names({ storeId: "q1" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ storeId: "q3" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ tag: "vip" })).toEqual(["Nguyen Van Binh", "Nguyễn Thị Lan"]);
    expect(await names({ tag: " VIP " })).toEqual(["Nguyen Van Binh", "Nguyễn Thị Lan"]);
    expect(await names({ tag: "office", follower: "no" })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ orderDaysMax: 10 })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ orderDaysMin: 30, orderDaysMax: 90 })).toEqual(["Đặng Văn Lâm"]);
    // No order for 30 days: never having ordered counts.
    const quiet = await names({ orderDaysMin: 30 });
    expect(quiet).toContain("Đặng Văn Lâm");
    expect(quiet).toContain("Trần Quốc Khánh");
    expect(quiet).not.toContain("Nguyễn Thị Lan");
    expect(await names({ visitDaysMax: 10 })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ visitDaysMin: 30, visitDaysMax: 50 })).toEqual(["Đặng Văn Lâm"]);
    expect(await names({ visitDaysMin: 30, q: "nguyen" })).toEqual(["Nguyen Van Binh"]);
  });

  it("a saved segment, AND-ed with the rest", async () => {
    const seg = await h.app.inject({
      method: "POST",
      url: "/api/admin/segments",
      headers: bearer(admin),
      payload: { name: "Khách VIP", rules: { all: [{ kind: "tags", tags: ["vip"] }] } },
    });
    expect(seg.statusCode).toBe(201);
    const segmentId = seg.json().id;
    expect(await names({ segmentId })).toEqual(["Nguyen Van Binh", "Nguyễn Thị Lan"]);
    expect(await names({ segmentId, tier: "gold" })).toEqual(["Nguyễn Thị Lan"]);
    expect(await names({ segmentId, q: "binh" })).toEqual(["Nguyen Van Binh"]);
    expect((await get(`/api/admin/customers/count?segmentId=${segmentId}&follower=yes`)).json()).toEqual({ count: 2 });
  });

  it("refuses what it cannot mean: an unknown tier or segment, min above max, a cursor that is not one", async () => {
    const bad = async (qs: string, status: number, code: string) => {
      for (const path of ["/api/admin/customers", "/api/admin/customers/count", "/api/admin/customers/export.csv"]) {
        if (path !== "/api/admin/customers" && qs.startsWith("after")) continue;
        const res = await get(`${path}?${qs}`);
        expect([path, qs, res.statusCode, res.json().code]).toEqual([path, qs, status, code]);
      }
    };
    await bad("tier=platinum", 400, "VALIDATION_FAILED");
    await bad("segmentId=sg-none", 404, "NOT_FOUND");
    await bad("orderDaysMin=30&orderDaysMax=10", 400, "VALIDATION_FAILED");
    await bad("visitDaysMin=5&visitDaysMax=1", 400, "VALIDATION_FAILED");
    await bad("after=not-a-cursor", 400, "VALIDATION_FAILED");
    await bad(`after=${Buffer.from('{"s":"name","k":5,"r":1}').toString("base64url")}&sort=name`, 400, "VALIDATION_FAILED");
    const page = await list({ sort: "points", limit: 1 });
    await bad(`after=${page.next}&sort=name`, 400, "VALIDATION_FAILED");
    expect(sql("select count(*) as n from audit_log where action = 'customer.export'")[0].n).toBe(0);
  });
});

describe("sorts and keyset pages", () => {
  beforeAll(() => {
    // Ties on every key (points, names, interaction days) and people with no interaction at all.
    const people: Person[] = Array.from({ length: 60 }, (_, i) => ({
      name: `Khách ${["An", "Bình", "Chi", "Dũng", "Hà"][i % 5]} ${i % 7}`,
      earn: i % 3 === 0 ? [] : [{ points: (i % 4) * 100, storeId: "q1", daysAgo: 1 + (i % 5) }],
      ...(i % 4 === 0 ? {} : { lastInteractionDaysAgo: i % 6 }),
      tags: i % 10 === 0 ? ["sorted"] : [],
    }));
    seed(people);
  });

  /** Everyone listed (not erased), in each sort's order, straight from the table. */
  function expected(sort: string): string[] {
    const rows = sql(
      "select id, rowid, search_name as k, points_balance as p, coalesce(last_interaction_at, 0) as li from customers where erased_at is null",
    ) as { id: string; rowid: number; k: string; p: number; li: number }[];
    const cmp: Record<string, (a: (typeof rows)[0], b: (typeof rows)[0]) => number> = {
      newest: (a, b) => b.rowid - a.rowid,
      name: (a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.rowid - b.rowid),
      points: (a, b) => b.p - a.p || b.rowid - a.rowid,
      lastInteraction: (a, b) => b.li - a.li || b.rowid - a.rowid,
    };
    return rows.sort(cmp[sort]).map((r) => r.id);
  }

  it.each(["newest", "name", "points", "lastInteraction"])("%s: pages of 7 cover everyone once, in order", async (sort) => {
    const { items, pages } = await allPages({ sort, limit: 7 });
    const want = expected(sort);
    expect(want.length).toBeGreaterThan(60);
    expect(pages).toBe(Math.ceil(want.length / 7));
    expect(items.map((i) => i.id)).toEqual(want);
  });

  it("a no-interaction person sorts after everyone who has one; points sort by balance", async () => {
    const { items } = await allPages({ sort: "lastInteraction", limit: 50 });
    const firstNull = items.findIndex((i) => i.lastInteractionAt === null);
    expect(firstNull).toBeGreaterThan(0);
    expect(items.slice(firstNull).every((i) => i.lastInteractionAt === null)).toBe(true);
    const points = (await allPages({ sort: "points", limit: 50 })).items.map((i) => i.pointsBalance);
    expect(points).toEqual([...points].sort((a, b) => b - a));
    expect(points[0]).toBe(2500);
  });

  it("a filtered list pages the same way; a search pages newest first whatever the sort", async () => {
    const tagged = await allPages({ sort: "name", tag: "sorted", limit: 2 });
    expect(tagged.items.map((i) => i.id)).toEqual(expected("name").filter((id) => tagged.items.some((i) => i.id === id)));
    expect(tagged.items).toHaveLength(6);
    const search = await allPages({ q: "khach", sort: "points", limit: 9 });
    expect(search.items).toHaveLength(60);
    expect(search.items.map((i) => i.id)).toEqual(expected("newest").filter((id) => search.items.some((i) => i.id === id)));
    expect((await list({ q: "khach", sort: "points", limit: 1 })).sort).toBe("newest");
    expect((await list({ sort: "points", limit: 1 })).sort).toBe("points");
    // Search and exact keys together: Lan by her phone and everyone whose name starts with those digits.
    expect((await allPages({ q: "5678", limit: 1 })).items.map((i) => i.name)).toEqual(["Nguyễn Thị Lan"]);
  });

  it("a filter few pass is walked in windows, the event loop served between them, to the same page", async () => {
    const windowed = directList({ windows: { rows: 5 } });
    for (const sort of ["newest", "name", "points", "lastInteraction"] as const) {
      let turns = 0;
      const stop = everyTurn(() => turns++);
      const page = await windowed.list(CustomerListQuery.parse({ tag: "sorted", sort, limit: 4 }));
      stop();
      expect(turns).toBeGreaterThan(0);
      const api = await list({ tag: "sorted", sort, limit: 4 });
      expect(page.items.map((i) => i.id)).toEqual(api.items.map((i) => i.id));
      const rest = await windowed.list(CustomerListQuery.parse({ tag: "sorted", sort, limit: 4, after: page.next! }));
      expect(rest.items.map((i) => i.id)).toEqual((await list({ tag: "sorted", sort, limit: 4, after: api.next! })).items.map((i) => i.id));
      expect([...page.items, ...rest.items].map((i) => i.id).sort()).toEqual(
        sql("select customer_id from customer_tags where tag = 'sorted'")
          .map((r) => r.customer_id)
          .sort(),
      );
    }
  });

  it("each item says what the list shows: tier, tags, masked phone, member code as on the card", async () => {
    const [lan] = (await list({ q: "nguyen thi lan" })).items;
    expect(lan).toEqual({
      id: ids.lan,
      name: "Nguyễn Thị Lan",
      avatar: null,
      memberCode: `MC-${codes.lan.slice(0, 4)}-${codes.lan.slice(4)}`,
      phoneMasked: "84•••••5678",
      followsOa: true,
      role: "customer",
      tier: "gold",
      pointsBalance: 2500,
      tags: ["vip"],
      lastInteractionAt: new Date(now - DAY).toISOString(),
      createdAt: new Date(now).toISOString(),
    });
  });
});

describe("count", () => {
  it("equals what the list pages through, for searches and filters, counted in slices", async () => {
    const sliced = directList({ slices: { rows: 5 } });
    const queries: Record<string, string>[] = [
      {},
      { q: "khach" },
      { q: "nguyen" },
      { q: "5678" },
      { tag: "vip" },
      { tier: "member", follower: "no" },
      { q: "khach an", storeId: "q1" },
    ];
    for (const query of queries) {
      const listed = (await allPages({ ...query, limit: 100 })).items.length;
      expect([query, (await get(`/api/admin/customers/count?${new URLSearchParams(query)}`)).json().count]).toEqual([query, listed]);
      expect([query, (await sliced.count(CustomerListQuery.parse(query))).count]).toEqual([query, listed]);
    }
  });
});

describe("tags", () => {
  it("lists the tags in use with how many people carry each, most used first", async () => {
    const res = await get("/api/admin/tags");
    expect(res.statusCode).toBe(200);
    expect(res.json().tags).toEqual([
      { tag: "sorted", count: 6 },
      { tag: "office", count: 2 },
      { tag: "vip", count: 2 },
    ]);
  });
});

/** RFC 4180 back to rows (the test's own reader, not the writer's code). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") (row.push(cell), (cell = ""));
    else if (ch === "\r" && text[i + 1] === "\n") (row.push(cell), rows.push(row), (row = []), (cell = ""), i++);
    else cell += ch;
  }
  if (cell || row.length) (row.push(cell), rows.push(row));
  return rows;
}

describe("export", () => {
  beforeAll(() => {
    const people: Person[] = Array.from({ length: 2500 }, (_, i) => ({
      name: `Khách Xuất ${i}`,
      ...(i % 2 ? { phone: `8490${String(i).padStart(7, "0")}` } : {}),
      ...(i % 3 ? {} : { follows: true }),
      ...(i % 7 ? {} : { tags: ["xuat", "lẻ"] }),
      ...(i % 11 ? {} : { earn: [{ points: 600, storeId: "q3", daysAgo: 3 }] }),
    }));
    people.push({ name: '=HYPERLINK("http://x","Xuất")' }, { name: 'Xuất, "Bà Tư"\nQuận 3' }, { name: "@Xuất" }, { name: "-Xuất+1" });
    seed(people);
  });

  const exportCsv = (qs: string) => get(`/api/admin/customers/export.csv?${qs}`);
  const tierName = (key: string) => DEFAULT_LOYALTY_RULES.tiers.find((t) => t.key === key)!.name;

  it("streams the current filter as UTF-8 CSV with a BOM, the same rows in the list's order", async () => {
    const res = await exportCsv("q=xuat");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="khach-hang-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parseCsv(res.body.replace(/^\ufeff/, ""));
    expect(header).toEqual(["Mã thành viên", "Họ tên", "Số điện thoại", "Hạng", "Điểm", "Quan tâm OA", "Thẻ", "Ngày tạo"]);
    const listed = (await allPages({ q: "xuat", limit: 100 })).items;
    expect(listed).toHaveLength(2504);
    expect(rows).toEqual(
      listed.map((i) => [
        i.memberCode,
        /^[=+\-@]/.test(i.name) ? `'${i.name}` : i.name,
        i.phoneMasked ?? "",
        tierName(i.tier),
        String(i.pointsBalance),
        i.followsOa ? "Có" : "Không",
        i.tags.join(", "),
        expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
      ]),
    );
    expect(rows.some((r) => r[3] === "Bạc")).toBe(true);
    // A cell a spreadsheet would run as a formula stays text; commas, quotes and new lines stay in their cell.
    expect(res.body).toContain(`,"'=HYPERLINK(""http://x"",""Xuất"")",`);
    expect(res.body).toContain(`,"Xuất, ""Bà Tư""\nQuận 3",`);
    expect(res.body).toContain(",'@Xuất,");
    expect(res.body).toContain(",'-Xuất+1,");
    // Filters apply as in the list.
    expect(parseCsv((await exportCsv("q=xuat&tag=xuat&follower=yes")).body).length - 1).toBe(
      listed.filter((i) => i.tags.includes("xuat") && i.followsOa).length,
    );
  });

  it("masks phones unless fullPhones=1, and audits every export when it starts, with its filters", async () => {
    const audits = () => sql("select actor_kind, action, details from audit_log where action = 'customer.export' order by id");
    const before = audits().length;
    const masked = parseCsv((await exportCsv("q=xuat&tag=xuat")).body.replace(/^\ufeff/, "")).slice(1);
    const full = parseCsv((await exportCsv("q=xuat&tag=xuat&fullPhones=1")).body.replace(/^\ufeff/, "")).slice(1);
    expect(full.map((r) => r[0])).toEqual(masked.map((r) => r[0]));
    const phones = new Map(sql("select member_code as m, phone from customers").map((r) => [`MC-${r.m.slice(0, 4)}-${r.m.slice(4)}`, r.phone]));
    expect(full.some((r) => r[2] !== "")).toBe(true);
    for (const [i, r] of full.entries()) {
      expect(r[2]).toBe(phones.get(r[0]) ?? "");
      expect(masked[i]![2]).toBe(r[2] ? maskPhone(r[2]) : "");
    }
    const logged = audits().slice(before);
    expect(logged.map((a) => ({ ...a, details: JSON.parse(a.details) }))).toEqual([
      { actor_kind: "admin", action: "customer.export", details: { filters: { q: "xuat", tag: "xuat" }, fullPhones: false } },
      { actor_kind: "admin", action: "customer.export", details: { filters: { q: "xuat", tag: "xuat" }, fullPhones: true } },
    ]);
  });

  it("reads page by page with the event loop served between pages; the audit is written before the first row", async () => {
    const exporter = directList({ exportPage: 1000 });
    const before = sql("select count(*) as n from audit_log where action = 'customer.export'")[0].n;
    const op = { kind: "operator", id: "op-1", console: "owner", role: "admin", storeIds: [] } as const;
    const { rows } = await exporter.exportCsv(op, CustomerExportQuery.parse({ q: "xuat", fullPhones: "1" }));
    expect(sql("select count(*) as n from audit_log where action = 'customer.export'")[0].n).toBe(before + 1);
    let turns = 0;
    const stop = everyTurn(() => turns++);
    const seen: { turns: number; lines: number }[] = [];
    for await (const chunk of rows) seen.push({ turns, lines: chunk.split("\r\n").length - 1 });
    stop();
    // The header, then three pages of at most 1000 people (2504 in all).
    expect(seen.map((s) => s.lines)).toEqual([1, 1000, 1000, 504]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.turns).toBeGreaterThan(seen[i - 1]!.turns);
  });
});

describe("profile", () => {
  it("shows an admin the person: Zalo ids, masked phone, tier and points expiring, prefs, consent, tags, birth date", async () => {
    syncRepo(createCustomerRepo, db()).setPrefs(ids.lan, JSON.stringify({ offersPerWeek: 1, pausedUntil: null, mutedCategories: ["promotion"] }), now);
    db().$client.prepare("update customers set birth_date = '1990-12-03' where id = ?").run(ids.lan);
    const res = await get(`/api/admin/customers/${ids.lan}/profile`);
    expect(res.statusCode, res.body).toBe(200);
    const { profile } = res.json();
    const row = sql("select zalo_id from customers where id = ?", ids.lan)[0];
    expect(profile).toEqual({
      id: ids.lan,
      name: "Nguyễn Thị Lan",
      avatar: null,
      zaloId: row.zalo_id,
      zaloOaId: "oa-lan",
      phoneMasked: "84•••••5678",
      memberCode: `MC-${codes.lan.slice(0, 4)}-${codes.lan.slice(4)}`,
      role: "customer",
      storeIds: [],
      followsOa: true,
      followedAt: new Date(now - DAY).toISOString(),
      unfollowedAt: null,
      lastInteractionAt: new Date(now - DAY).toISOString(),
      birthDate: "1990-12-03",
      tags: ["vip"],
      points: { balance: 2500, tier: "gold", tierName: "Vàng", expiring: { points: 2500, by: new Date(now - 2 * DAY + 10 * DAY).toISOString() } },
      prefs: { offersPerWeek: 1, pausedUntil: null, mutedCategories: ["promotion"] },
      consent: { promotions: true, care: true, reason: null },
      erased: false,
      createdAt: new Date(now).toISOString(),
    });
  });

  it("says what the send policy's consent says: an unfollower gets no care or promotion", async () => {
    const { profile } = (await get(`/api/admin/customers/${ids.khoa}/profile`)).json();
    expect(profile).toMatchObject({
      followsOa: false,
      unfollowedAt: new Date(now - 3 * DAY).toISOString(),
      consent: { promotions: false, care: false, reason: "UNFOLLOWED" },
      prefs: { offersPerWeek: null, pausedUntil: null, mutedCategories: [] },
      points: { balance: 0, tier: "member", tierName: "Thành viên", expiring: { points: 0, by: null } },
    });
  });

  it("shows role and stores, and an erased person as erased; a missing id is CUSTOMER_NOT_FOUND", async () => {
    expect((await get(`/api/admin/customers/${staff.id}/profile`)).json().profile).toMatchObject({ role: "staff", storeIds: ["q1"] });
    const erased = (await get(`/api/admin/customers/${ids.erased}/profile`)).json().profile;
    expect(erased).toMatchObject({ erased: true, zaloId: null, zaloOaId: null, phoneMasked: null, tags: [], points: { balance: 50 } });
    const missing = await get("/api/admin/customers/nobody/profile");
    expect([missing.statusCode, missing.json().code]).toEqual([404, "CUSTOMER_NOT_FOUND"]);
  });

  it("staff see only people who visited one of their stores; anyone else is exactly a missing id", async () => {
    const asStaff = (id: string) => get(`/api/staff/customers/${id}/profile`, staff.token);
    const own = await asStaff(ids.lan);
    expect(own.statusCode).toBe(200);
    expect(own.json().profile).toMatchObject({ id: ids.lan, phoneMasked: "84•••••5678", points: { tier: "gold" } });
    const missing = await asStaff("nobody");
    for (const id of [ids.lam, ids.khoa, ids.erased]) {
      const res = await asStaff(id);
      expect([id, res.statusCode, res.json().code, res.json().message]).toEqual([id, 404, "CUSTOMER_NOT_FOUND", missing.json().message]);
    }
    expect(missing.statusCode).toBe(404);
    // A completed order at the staff's store is a visit too; an admin sees anyone on the same route.
    completedOrder(ids.khoa, "q1", 20);
    expect((await asStaff(ids.khoa)).statusCode).toBe(200);
    expect((await get(`/api/staff/customers/${ids.lam}/profile`)).statusCode).toBe(200);
  });
});
