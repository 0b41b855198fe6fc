// The ratings' guarantees on both databases with real concurrency (PostgreSQL: a pool, SERIALIZABLE bodies run
// again on conflict; SQLite: one connection): one rating per order, and a low rating's inbox note exactly once.
import { expect, it } from "vitest";
import { ErrorCode, type Rating } from "@mc/shared";
import { onBothDatabases } from "../../db/test-stores";
import { q, type Store } from "../../db/store";
import { AppError } from "../../errors";
import { createCustomerRepo } from "../customers/repo";
import { createCannedRepo } from "../inbox/canned-repo";
import { createInboxRepo } from "../inbox/repo";
import { createInboxService } from "../inbox/service";
import { createOutboxRepo } from "../messaging/outbox-repo";
import { createOrderRepo } from "../orders/repo";
import { createStoreRepo } from "../stores/repo";
import { createRatingRepo } from "./repo";
import { createRatingService } from "./service";

const NOW = Date.UTC(2026, 10, 20, 3);

async function setUp(store: Store) {
  const customers = createCustomerRepo(store);
  const stores = createStoreRepo(store);
  const orderRepo = createOrderRepo(store);
  const outbox = createOutboxRepo(store);
  const inboxRepo = createInboxRepo(store);
  const inbox = createInboxService({ store, repo: inboxRepo, canned: createCannedRepo(store), queue: (m) => outbox.queue(m, NOW), now: () => NOW });
  // The orders service's rule, on its repo: another person's order looks like a missing one.
  const ownRow = (customerId: string, id: string) =>
    store.read(function* () {
      const o = yield* q(orderRepo.order(id));
      if (!o || o.customerId !== customerId) throw new AppError(ErrorCode.ORDER_NOT_FOUND, "Order not found");
      return o;
    });
  const ratings = createRatingService({ store, repo: createRatingRepo(store), orders: { ownRow }, inbox, now: () => NOW });
  const storeId = `s-${Math.random().toString(36).slice(2, 8)}`;
  await stores.insert({ id: storeId, name: "Quầy Q1", createdAt: NOW });
  const shopper = await customers.insertCustomer({ zaloId: `z-${Math.random()}`, zaloOaId: null, name: "Lan" }, NOW);
  const insertOrder = store.prepare(
    `insert into orders (id, code, customer_id, store_id, status, pickup_type, payment_method, subtotal_vnd, total_vnd, request_key, created_at, updated_at)
     values (?, ?, ?, ?, 'completed', 'pickup', 'counter', 50000, 50000, ?, ?, ?)`,
  );
  const order = async () => {
    const id = `o-${Math.random().toString(36).slice(2, 10)}`;
    await insertOrder.run(id, `C-${id}`, shopper.id, storeId, `rk-${id}`, NOW, NOW);
    return id;
  };
  const one = async <T>(sql: string, ...p: unknown[]) => (await store.prepare<T>(sql).get(...p))!;
  return { ratings, inboxRepo, shopper, order, one, storeId };
}

onBothDatabases(
  "ratings",
  (store) => {
    it("50 concurrent submits of one order: one rating, the rest RATING_EXISTS, one inbox note", async () => {
      const { ratings, inboxRepo, shopper, order, one } = await setUp(store());
      const id = await order();
      const settled = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => (async () => ratings.submit(shopper.id, id, { stars: 1 + (i % 2), comment: `lần ${i}` }))()),
      );
      const won = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const refused = settled.flatMap((r) => (r.status === "rejected" ? [(r.reason as AppError).code] : []));
      expect(won).toHaveLength(1);
      expect(refused).toEqual(Array(49).fill(ErrorCode.RATING_EXISTS));
      expect(await one("select count(*) as n from order_ratings where order_id = ?", id)).toEqual({ n: 1 });
      const conv = (await inboxRepo.byId((await inboxRepo.find(shopper.id))!))!;
      expect({ unread: conv.unread, needsPerson: conv.needs_person }).toEqual({ unread: 1, needsPerson: 1 });
      expect(await one("select count(*) as n from conversation_messages where conversation_id = ? and kind = 'rating'", conv.id)).toEqual({ n: 1 });
      const view = await ratings.view(shopper.id, id);
      expect(view.rateable).toBe(false);
      expect(view.rating).toEqual(won[0] as Rating);
    });

    it("concurrent low ratings of different orders each count once in the one conversation they open", async () => {
      const { ratings, inboxRepo, shopper, order, one, storeId } = await setUp(store());
      const ids = await Promise.all(Array.from({ length: 20 }, () => order()));
      const results = await Promise.all(ids.map(async (id) => ratings.submit(shopper.id, id, { stars: 2, comment: "nguội" })));
      expect(results.map((r) => r.orderId).sort()).toEqual([...ids].sort());
      expect(await one("select count(*) as n from conversations where customer_id = ?", shopper.id)).toEqual({ n: 1 });
      const conv = (await inboxRepo.byId((await inboxRepo.find(shopper.id))!))!;
      expect(conv.unread).toBe(20);
      // The console's list: filtered and keyset-paged the same way on both (PostgreSQL picks its own indexes).
      const page1 = await ratings.list({ storeId, low: "true", limit: 8 });
      const page2 = await ratings.list({ storeId, low: "true", limit: 8, before: page1.next!.before, beforeId: page1.next!.beforeId });
      const page3 = await ratings.list({ storeId, low: "true", limit: 8, before: page2.next!.before, beforeId: page2.next!.beforeId });
      expect(page3.next).toBeNull();
      expect([...page1.ratings, ...page2.ratings, ...page3.ratings].map((r) => r.orderId)).toEqual([...ids].sort().reverse());
      expect((await ratings.list({ storeId, stars: 5, limit: 8 })).ratings).toEqual([]);
      expect((await ratings.list({ stars: 2, limit: 100 })).ratings.filter((r) => r.storeId === storeId)).toHaveLength(20);
      await ratings.forget(shopper.id);
      expect((await ratings.list({ storeId, limit: 1 })).ratings[0]).toMatchObject({ comment: "", stars: 2 });
      const summary = await ratings.summary();
      expect(summary.stores.find((s) => s.storeId === storeId)).toMatchObject({ count: 20, low: 20, average: 2 });
    });
  },
  { max: 8 },
);
