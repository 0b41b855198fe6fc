import { type Store, mapStep } from "../../db/store";

export type FollowerSyncRow = {
  id: number;
  state: "running" | "done" | "failed";
  next_offset: number;
  total: number | null;
  seen: number;
  new_followers: number;
  created: number;
  error: string | null;
  started_by: string;
  lease_until: number | null;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
};

/** The follower_syncs table: this file is its only writer. */
export function createFollowerSyncRepo(store: Store) {
  const P = (sql: string) => store.prepare(sql);
  const latest = store.prepare<FollowerSyncRow>("select * from follower_syncs order by id desc limit 1");
  const running = store.prepare<FollowerSyncRow>("select * from follower_syncs where state = 'running' order by id desc limit 1");
  const byId = store.prepare<FollowerSyncRow>("select * from follower_syncs where id = ?");
  const insert = store.prepare<{ id: number }>(
    "insert into follower_syncs (state, started_by, lease_until, started_at, updated_at) values ('running', @by, @until, @t, @t) returning id",
  );
  // Taken only when free (no lease, or it ran out: the process that held it stopped): one runner per run.
  const take = P(
    "update follower_syncs set lease_until = @until, updated_at = @t where id = @id and state = 'running' and (lease_until is null or lease_until < @t)",
  );
  const page = P(
    `update follower_syncs set next_offset = @next, total = @total, seen = seen + @seen, new_followers = new_followers + @newFollowers,
       created = created + @created, lease_until = @until, updated_at = @t where id = @id and state = 'running'`,
  );
  const finish = P(
    "update follower_syncs set state = @state, error = @error, lease_until = null, finished_at = @t, updated_at = @t where id = @id and state = 'running'",
  );
  const release = P("update follower_syncs set lease_until = null, error = @error, updated_at = @t where id = @id and state = 'running'");
  const one = (r: { changes: number }) => r.changes === 1;
  const none = () => undefined;
  return {
    latest: () => latest.get(),
    running: () => running.get(),
    byId: (id: number) => byId.get(id),
    insert: (p: { by: string; until: number; t: number }) => mapStep(insert.get(p), (r) => r!.id),
    take: (p: { id: number; until: number; t: number }) => mapStep(take.run(p), one),
    savePage: (p: { id: number; next: number; total: number; seen: number; newFollowers: number; created: number; until: number; t: number }) =>
      mapStep(page.run(p), one),
    finish: (p: { id: number; state: "done" | "failed"; error: string | null; t: number }) => mapStep(finish.run(p), none),
    /** Stopped by a transient error: left running, without a lease, to resume from its cursor. */
    release: (p: { id: number; error: string; t: number }) => mapStep(release.run(p), none),
  };
}

export type FollowerSyncRepo = ReturnType<typeof createFollowerSyncRepo>;
