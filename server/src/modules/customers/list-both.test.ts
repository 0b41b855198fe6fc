// The CRM list on both databases (issue #16): the same seeded customers give the same rows, in the same order,
// page by page, for searches, filters and every sort, and the same counts, on SQLite and PostgreSQL. Each walk is
// checked against what the seed says (the segment evaluator for the filters, the sort keys for the order), and
// the PostgreSQL walk against the SQLite one.
import { beforeAll, expect, it } from "vitest";
import { CustomerListQuery, DEFAULT_LOYALTY_RULES, DEFAULT_WARMING_RULES, matches, type CustomerSort, type SegmentFacts } from "@mc/shared";
import { q, type Store } from "../../db/store";
import { onBothDatabases } from "../../db/test-stores";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createSegmentRepo } from "../segments/repo";
import { createSegmentService } from "../segments/service";
import { buildFixture, NOW, seedFixture, VN } from "../segments/test-fixture";
import { createCustomerList, filterRules } from "./list";
import { createCustomerListRepo } from "./list-repo";
import { nameKey } from "./search-key";

const fixture = buildFixture(5150, 90);
const people = [...fixture.facts].map(([id, f], i) => ({ id, f, rowOrder: i, name: `Khách ${i}`, key: nameKey(`Khách ${i}`) }));

type Q = Partial<Omit<CustomerListQuery, "sort" | "after" | "limit">>;
/** Searches, filters and their mixes; each is walked in every sort. */
const QUERIES: [string, Q][] = [
  ["everyone", {}],
  ["name prefix", { q: "khach 1" }],
  ["name, marks as typed", { q: "Khách 2" }],
  ["phone's last digits", { q: "012" }],
  ["OA id exactly", { q: "oa-33" }],
  ["tag", { tag: "vip" }],
  ["follower", { follower: "yes" }],
  ["not a follower", { follower: "no" }],
  ["visited a store", { storeId: "s2" }],
  ["tier", { tier: "silver" }],
  ["no order for 30 days", { orderDaysMin: 30 }],
  ["an order within 90 days", { orderDaysMax: 90 }],
  ["a visit between 1 and 365 days ago", { visitDaysMin: 1, visitDaysMax: 365 }],
  ["search and filters together", { q: "khach", tag: "office", follower: "yes" }],
];
const SORTS: CustomerSort[] = ["newest", "name", "points", "lastInteraction"];

const searchHits = (q: string | undefined, p: (typeof people)[number]) => {
  if (!q) return true;
  const words = nameKey(q).split(" ");
  const nameWords = p.key.split(" ");
  const byName = words.every((w) => nameWords.some((n) => n.startsWith(w)));
  const digits = q.replace(/[\s.+\-()]/g, "");
  const byPhone = /^\d{3,}$/.test(digits) && p.f.phone !== null && p.f.phone.endsWith(digits);
  return byName || byPhone || p.f.zaloOaId === q;
};
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const order: Record<CustomerSort, (a: (typeof people)[number], b: (typeof people)[number]) => number> = {
  newest: (a, b) => b.rowOrder - a.rowOrder,
  name: (a, b) => bytes(a.key, b.key) || a.rowOrder - b.rowOrder,
  points: (a, b) => b.f.pointsBalance - a.f.pointsBalance || b.rowOrder - a.rowOrder,
  lastInteraction: (a, b) => (b.f.lastInteractionAt ?? 0) - (a.f.lastInteractionAt ?? 0) || b.rowOrder - a.rowOrder,
};
function expected(q: Q, sort: CustomerSort) {
  const rules = filterRules(q as CustomerListQuery, () => ({ all: [] }));
  const ctx = { now: NOW, timeZone: VN, policy: DEFAULT_WARMING_RULES };
  return people
    .filter((p) => matches(p.f as SegmentFacts, rules, ctx) && searchHits(q.q, p))
    .sort(q.q ? order.newest : order[sort])
    .map((p) => p.id);
}

/** Names and search keys the fixture leaves out (the customers repo writes them beside every name). */
async function seed(store: Store) {
  await seedFixture(store, fixture);
  await store.tx(function* () {
    const rename = store.prepare("update customers set name = ?, search_name = ? where id = ?");
    for (const p of people) yield* q(rename.run(p.name, p.key, p.id));
  });
}

const walks = new Map<string, string[]>();

onBothDatabases(
  "customer-list",
  (store, dialect) => {
    let list: ReturnType<typeof createCustomerList>;
    beforeAll(async () => {
      await seed(store());
      const loyaltyRepo = createLoyaltyRepo(store());
      const segments = createSegmentService({
        store: store(),
        repo: createSegmentRepo(store()),
        loyaltyRepo,
        policy: () => DEFAULT_WARMING_RULES,
        timeZone: VN,
        now: () => NOW,
      });
      list = createCustomerList({
        store: store(),
        repo: createCustomerListRepo(store()),
        segments,
        loyaltyRepo,
        now: () => NOW,
        timeZone: VN,
        slices: { rows: 17, pause: async () => {} },
        windows: { rows: 9, pause: async () => {} },
      });
      expect((await loyaltyRepo.currentRules()).rules.tiers).toEqual(DEFAULT_LOYALTY_RULES.tiers);
    }, 60_000);

    it.each(QUERIES)("%s: every sort, page by page, gives the seed's rows in order, and the count", async (label, q) => {
      for (const sort of SORTS) {
        const got: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 50; pages++) {
          const page = await list.list(CustomerListQuery.parse({ ...q, sort, limit: 7, ...(after ? { after } : {}) }));
          got.push(...page.items.map((i) => i.id));
          if (!page.next) break;
          after = page.next;
        }
        const want = expected(q, sort);
        expect(got, `${label} / ${sort}`).toEqual(want);
        expect((await list.count(CustomerListQuery.parse(q))).count, `${label} count`).toBe(want.length);
        // The same walk on the other database.
        const key = `${label}/${sort}`;
        if (dialect === "postgres" && walks.has(key)) expect(got, `${key}: as on SQLite`).toEqual(walks.get(key));
        else walks.set(key, got);
      }
      // The queries say something: not every one is everyone or no one.
      if (label !== "everyone") expect(expected(q, "newest").length).toBeLessThan(people.filter((p) => !p.f.erased).length);
    });

    it("a page's items carry the tags and tier of each person, as on the row", async () => {
      const page = await list.list(CustomerListQuery.parse({ tag: "student", limit: 100 }));
      expect(page.items.length).toBeGreaterThan(0);
      for (const item of page.items) {
        const f = fixture.facts.get(item.id)!;
        expect([...item.tags].sort()).toEqual([...f.tags].sort());
        expect(item.tier).toBe(f.tier);
        expect(item.followsOa).toBe(f.followsOa);
        expect(item.pointsBalance).toBe(f.pointsBalance);
      }
      const counts = (await list.tags()).tags;
      const want = ["vip", "office", "student"].map((tag) => ({ tag, count: [...fixture.facts.values()].filter((f) => f.tags.includes(tag)).length }));
      expect([...counts].sort((a, b) => a.tag.localeCompare(b.tag))).toEqual(want.filter((t) => t.count > 0).sort((a, b) => a.tag.localeCompare(b.tag)));
    });
  },
  { max: 8 },
);
