import { ErrorCode, type FollowerSyncView } from "@mc/shared";
import { q, type Step, type Store } from "../../db/store";
import { yieldToEventLoop } from "../../db/chunked";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import type { ZaloClient } from "../../zalo/client";
import { ZaloError } from "../../zalo/errors";
import type { CustomerRepo } from "../customers/repo";
import type { OaService } from "./service";
import type { FollowerSyncRepo, FollowerSyncRow } from "./sync-repo";

/** Zalo's page size and deepest offset for `user/getlist` (§5.7 [THIRD-PARTY]). */
export const PAGE = 50;
export const MAX_OFFSET = 9951;

/**
 * Backfills the OA's existing followers (they never sent a follow webhook, §1.12): pages `user/getlist`, asks
 * `user/detail` for the app-scoped id of anyone not known yet (so a shopper known from the mini app is linked,
 * not duplicated), and marks each a follower through the oa module's door (follow_events, hooks: a pending
 * prize is released). Off the request thread: `start` answers at once and the pages run in the background, one
 * short transaction each, with the cursor saved after every page. A run whose process stopped keeps its cursor
 * and resumes from it at the next start; a lease keeps a second process off a run in progress (one transaction
 * decides whether to take the open run or begin one, so two starts at once never make two runs).
 */
export function createFollowerSync(deps: {
  store: Store;
  repo: FollowerSyncRepo;
  customers: Pick<CustomerRepo, "byZaloOaId" | "findOrCreateByOaId">;
  zalo: Pick<ZaloClient, "getFollowers" | "getUserDetail">;
  observeFollowState: OaService["observeFollowState"];
  now: () => number;
  log?: { warn(o: object, msg: string): void };
  leaseMs?: number;
}) {
  const { store, repo, customers, zalo, now } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  let active: Promise<void> | null = null;
  let stopping = false;

  function view(r: FollowerSyncRow): FollowerSyncView {
    return {
      id: r.id,
      state: r.state,
      read: r.seen,
      total: r.total,
      paused: r.state === "running" && (r.lease_until === null || r.lease_until < now()),
      newFollowers: r.new_followers,
      created: r.created,
      error: r.error,
      startedAt: new Date(r.started_at).toISOString(),
      finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
    };
  }

  async function current(): Promise<FollowerSyncView | null> {
    const r = await repo.latest();
    return r ? view(r) : null;
  }

  /** Starts a run, or resumes the one a stopped process left; a run in progress elsewhere is just shown. */
  async function start(actor: Principal): Promise<FollowerSyncView> {
    const t = now();
    const until = t + leaseMs;
    const decided = await store.tx(function* (): Step<{ id: number } | { busy: FollowerSyncRow }> {
      const open = yield* q(repo.running());
      if (open) {
        // Another process is paging it: shown as it is.
        if (!(yield* q(repo.take({ id: open.id, until, t })))) return { busy: open };
        return { id: open.id };
      }
      const id = yield* q(repo.insert({ by: actorOf(actor).id, until, t }));
      yield* q(audit(store, { actor: actorOf(actor), action: "oa.follower_sync.start", targetId: String(id), at: t }));
      return { id };
    });
    if ("busy" in decided) return view(decided.busy);
    active = run(decided.id).finally(() => (active = null));
    return view((await repo.byId(decided.id))!);
  }

  async function run(id: number) {
    try {
      for (;;) {
        const row = await repo.byId(id);
        if (!row || row.state !== "running") return;
        if (stopping) return void (await repo.release({ id, error: "stopped with the server", t: now() }));
        const offset = row.next_offset;
        const page = await zalo.getFollowers({ offset, count: PAGE });
        // Who is not known by their OA id yet: user/detail links them to a mini-app customer (or names them).
        const details = new Map<string, { appUserId?: string; name?: string }>();
        for (const oaUserId of page.userIds) {
          if (await customers.byZaloOaId(oaUserId)) continue;
          const d = await zalo.getUserDetail(oaUserId).catch((err) => {
            if (err instanceof ZaloError && err.kind === "permanent") return null; // gone meanwhile: OA id only
            throw err;
          });
          details.set(oaUserId, { appUserId: d?.user_id_by_app || undefined, name: d?.display_name || undefined });
        }
        const t = now();
        const counts = await store.tx(function* () {
          let newFollowers = 0;
          let created = 0;
          for (const oaUserId of page.userIds) {
            const known = yield* q(customers.byZaloOaId(oaUserId));
            const d = details.get(oaUserId);
            const person = known ?? (yield* q(customers.findOrCreateByOaId(oaUserId, d?.appUserId, t, d?.name)));
            if (!known && person.zaloOaId === oaUserId && person.createdAt === t) created++;
            if (yield* q(deps.observeFollowState({ customerId: person.id, follows: true, source: "follower_sync" }))) newFollowers++;
          }
          const next = offset + page.userIds.length;
          // Only while this process still holds the run (a finished or failed run is not written over).
          yield* q(repo.savePage({ id, next, total: page.total, seen: page.userIds.length, newFollowers, created, until: t + leaseMs, t }));
          return { next };
        });
        // Zalo's list ends at its total, or at the deepest offset it pages to.
        if (page.userIds.length === 0 || counts.next >= page.total || counts.next > MAX_OFFSET) {
          const capped = counts.next > MAX_OFFSET && counts.next < page.total;
          await repo.finish({ id, state: "done", error: capped ? `Zalo pages only the first ${MAX_OFFSET + PAGE} followers` : null, t: now() });
          return;
        }
        await yieldToEventLoop();
      }
    } catch (err) {
      const transient = err instanceof ZaloError && err.kind !== "permanent" && err.kind !== "request_invalid";
      const message = (err as Error).message;
      deps.log?.warn({ err: message, id }, "follower sync stopped");
      // Zalo busy or the token being refreshed: the run keeps its cursor and resumes at the next start.
      if (transient) await repo.release({ id, error: message, t: now() });
      else await repo.finish({ id, state: "failed", error: message, t: now() });
    }
  }

  /** The run in this process, for tests. */
  const settled = () => active ?? Promise.resolve();
  /** Shutdown: the page in flight finishes, the run keeps its cursor and resumes at the next start. */
  async function stop() {
    stopping = true;
    await settled();
  }

  async function mustExist(): Promise<FollowerSyncView> {
    const v = await current();
    if (!v) throw new AppError(ErrorCode.NOT_FOUND, "No follower sync has run yet");
    return v;
  }

  return { start, current, mustExist, settled, stop };
}

export type FollowerSync = ReturnType<typeof createFollowerSync>;
