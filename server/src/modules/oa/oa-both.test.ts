// The oa module's guarantees on both databases, through its services with real concurrency (on PostgreSQL a pool
// of connections and SERIALIZABLE transactions whose losers run again; on SQLite one connection and the webhook's
// group commit). A hook's work counts only as committed rows: a body PostgreSQL ran twice left no trace of its first run.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { onBothDatabases } from "../../db/test-stores";
import { q, type Store } from "../../db/store";
import { createCustomerRepo } from "../customers/repo";
import { createGameRepo } from "../games/repo";
import { createGameService } from "../games/service";
import { createLinkSigner } from "../games/links";
import { createIdentityRepo } from "../identity/repo";
import { createIdentityService } from "../identity/service";
import { createLoyaltyRepo } from "../loyalty/repo";
import { createOutboxRepo } from "../messaging/outbox-repo";
import { createStoreRepo } from "../stores/repo";
import { createFollowerSync } from "./follower-sync";
import { createOaRepo } from "./repo";
import { createFollowerSyncRepo } from "./sync-repo";
import type { Principal } from "../../http/auth";
import { createOaService } from "./service";

const NOW = Date.UTC(2026, 10, 20, 3);

function setUp(store: Store) {
  const customers = createCustomerRepo(store);
  const stores = createStoreRepo(store);
  const identityRepo = createIdentityRepo(customers, stores);
  const outbox = createOutboxRepo(store);
  const games = createGameService({
    store,
    repo: createGameRepo(store),
    vouchers: { issue: () => Promise.reject(new Error("no voucher prizes here")) },
    loyaltyRepo: createLoyaltyRepo(store),
    identityRepo,
    links: createLinkSigner("test-secret", "mini-app-1"),
    now: () => NOW,
    timeZone: "Asia/Ho_Chi_Minh",
  });
  const oa = createOaService({
    store,
    repo: createOaRepo(store),
    customers,
    now: () => NOW,
    followHooks: {
      // As the container wires it: the games' step, then a welcome queued in the same body. Its dedupe key is
      // new on every run of the hook, so only "the hook ran once" leaves exactly one row.
      onFollow: (p) =>
        store.join(function* () {
          yield* q(games.onFollow(p));
          if (p.observed) return;
          yield* q(
            outbox.queue(
              { customerId: p.customerId, category: "transactional", dedupeKey: `welcome-test:${randomUUID()}`, source: "automation", text: "Chào bạn!" },
              NOW,
            ),
          );
        }),
      onUnfollow: (p) => games.onUnfollow(p),
    },
  });
  const identity = (me: { id: string; oaUserId: string | null; isFollower: boolean | null }) =>
    createIdentityService({
      customers,
      zalo: {
        getMe: async () => ({ id: me.id, name: "Lan", avatar: null, oaUserId: me.oaUserId, isFollower: me.isFollower }),
        exchangePhoneToken: () => Promise.reject(new Error("unused")),
      },
      issueToken: () => "token",
      now: () => NOW,
      observeFollow: (p) => oa.observeFollowState(p),
    });
  const rows = async <T>(sql: string, ...p: unknown[]) => (await store.prepare<T>(sql).all(...p)) as T[];
  const count = async (sql: string, ...p: unknown[]) => Number(await store.prepare(sql, "pluck").get(...p));
  const followerSync = (zaloFollowers: string[]) =>
    createFollowerSync({
      store,
      repo: createFollowerSyncRepo(store),
      customers,
      zalo: {
        getFollowers: async ({ offset, count }) => ({ total: zaloFollowers.length, userIds: zaloFollowers.slice(offset, offset + count) }),
        getUserDetail: async () => ({ user_id_by_app: "", display_name: "Khách" }) as never,
      },
      observeFollowState: oa.observeFollowState,
      now: () => NOW,
    });
  return { oa, customers, identity, followerSync, rows, count };
}

const uid = () => randomUUID().slice(0, 12);
const follow = (oaId: string, t: number, extra: Record<string, unknown> = {}) => ({
  event_name: "follow",
  timestamp: String(t),
  follower: { id: oaId },
  source: "oa_profile",
  ...extra,
});
const unfollow = (oaId: string, t: number) => ({ event_name: "unfollow", timestamp: String(t), follower: { id: oaId } });

onBothDatabases(
  "oa",
  (store) => {
    it("one follow delivered 50 times at once is stored once, recorded once and welcomed once", async () => {
      const { oa, count } = setUp(store());
      const oaId = `oa-${uid()}`;
      const e = follow(oaId, NOW - 1000);
      const results = await Promise.all(Array.from({ length: 50 }, () => oa.receive(structuredClone(e))));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(results.filter((r) => r.duplicate)).toHaveLength(49);
      const id = await store().prepare<string>("select id from customers where zalo_oa_id = ?", "pluck").get(oaId);
      expect(await count("select count(*) from customers where zalo_oa_id = ?", oaId)).toBe(1);
      expect(await count("select count(*) from follow_events where customer_id = ?", id)).toBe(1);
      expect(await count("select count(*) from outbox where customer_id = ?", id)).toBe(1);
      expect(await count("select count(*) from webhook_events where event_name = 'follow' and payload like ?", `%${oaId}%`)).toBe(1);
    });

    it("one message (one msg_id) delivered 50 times at once is stored and handed on once", async () => {
      const { oa, count } = setUp(store());
      const oaId = `oa-${uid()}`;
      const msgId = `m-${uid()}`;
      const e = { event_name: "user_send_text", timestamp: String(NOW - 500), sender: { id: oaId }, message: { msg_id: msgId, text: "xin chào" } };
      // Messages differ in their stamp when Zalo retries: the msg id alone is the key.
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => oa.receive({ ...e, timestamp: String(NOW - 500 + i) })));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await count("select count(*) from webhook_events where payload like ?", `%${msgId}%`)).toBe(1);
      expect(await count("select count(*) from customers where zalo_oa_id = ?", oaId)).toBe(1);
    });

    it("follow and unfollow delivered out of order, all at once and twice each, end in the state of the later event", async () => {
      const { oa, customers, rows } = setUp(store());
      // Half the people followed then unfollowed, half unfollowed then followed again; every event arrives
      // twice, the later one first, all concurrently.
      const people = Array.from({ length: 20 }, (_, i) => ({ oaId: `oa-${uid()}`, endsFollowing: i % 2 === 1 }));
      const t1 = NOW - 60_000;
      const t2 = NOW - 30_000;
      const deliveries = people.flatMap((p) => {
        const first = p.endsFollowing ? unfollow(p.oaId, t1) : follow(p.oaId, t1);
        const later = p.endsFollowing ? follow(p.oaId, t2) : unfollow(p.oaId, t2);
        return [later, first, later, first];
      });
      const results = await Promise.all(deliveries.map((e) => oa.receive(structuredClone(e))));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(people.length * 2);
      for (const p of people) {
        const c = (await customers.byZaloOaId(p.oaId))!;
        expect({ follows: c.followsOa, at: p.endsFollowing ? c.followedAt : c.unfollowedAt }).toEqual({ follows: p.endsFollowing, at: t2 });
        // Both are history, by their own time.
        const history = await rows<{ kind: string; at: number }>("select kind, at from follow_events where customer_id = ? order by at", c.id);
        expect(history.map((h) => h.kind)).toEqual(p.endsFollowing ? ["unfollow", "follow"] : ["follow", "unfollow"]);
      }
    });

    it("a follower first seen by a webhook and then signing in to the mini app is one customer", async () => {
      const { oa, identity, count } = setUp(store());
      const oaId = `oa-${uid()}`;
      const appId = `app-${uid()}`;
      await oa.receive(follow(oaId, NOW - 1000));
      const { customer } = await identity({ id: appId, oaUserId: oaId, isFollower: true }).loginWithZalo("token-abc");
      expect(await count("select count(*) from customers where zalo_oa_id = ? or zalo_id = ?", oaId, appId)).toBe(1);
      const row = (await store()
        .prepare<{ id: string; zalo_id: string; zalo_oa_id: string }>("select id, zalo_id, zalo_oa_id from customers where zalo_oa_id = ?")
        .get(oaId))!;
      expect(row).toEqual({ id: customer.id, zalo_id: appId, zalo_oa_id: oaId });
      // Already a follower by the webhook: Graph /me saying so changes nothing, so one follow event.
      expect(await count("select count(*) from follow_events where customer_id = ?", row.id)).toBe(1);
    });

    it("webhooks and sign-ins of the same people at the same moment still leave one customer each", async () => {
      const { oa, identity, count } = setUp(store());
      const people = Array.from({ length: 15 }, () => ({ oaId: `oa-${uid()}`, appId: `app-${uid()}` }));
      const settled = await Promise.allSettled(
        people.flatMap((p, i) => [
          // Half the webhooks name the app id too (user_id_by_app), half do not.
          oa.receive(follow(p.oaId, NOW - 1000, i % 2 ? { user_id_by_app: p.appId } : {})),
          identity({ id: p.appId, oaUserId: p.oaId, isFollower: true }).loginWithZalo("token-abc"),
        ]),
      );
      expect(settled.filter((s) => s.status === "rejected").map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
      for (const p of people) {
        expect(await count("select count(*) from customers where zalo_oa_id = ? or zalo_id = ?", p.oaId, p.appId)).toBe(1);
        expect(await count("select count(*) from customers where zalo_oa_id = ? and zalo_id = ? and follows_oa = ?", p.oaId, p.appId, 1)).toBe(1);
      }
    });

    it("ten starts of the follower sync at once make one run, paged by one runner; each follower is marked once", async () => {
      const { followerSync, count } = setUp(store());
      const owner = { kind: "operator", id: "op-1", role: "owner" } as unknown as Principal;
      const followers = Array.from({ length: 120 }, () => `oa-${uid()}`);
      // Ten processes (each its own sync service) over the one database.
      const syncs = Array.from({ length: 10 }, () => followerSync(followers));
      const views = await Promise.all(syncs.map((s) => s.start(owner)));
      await Promise.all(syncs.map((s) => s.settled()));
      expect(new Set(views.map((v) => v.id)).size).toBe(1);
      const id = views[0]!.id;
      expect(await count("select count(*) from follower_syncs where id >= ?", id)).toBe(1);
      const run = (await store()
        .prepare<{ state: string; seen: number; new_followers: number; created: number }>(
          "select state, seen, new_followers, created from follower_syncs where id = ?",
        )
        .get(id))!;
      expect(run).toEqual({ state: "done", seen: 120, new_followers: 120, created: 120 });
      const marks = await count(
        `select count(*) from follow_events f join customers c on c.id = f.customer_id where c.zalo_oa_id in (${followers.map(() => "?").join(", ")})`,
        ...followers,
      );
      expect(marks).toBe(120);
    });
  },
  { max: 8 },
);
