import { type Store, mapStep } from "../../db/store";

export type CannedRow = { id: string; label: string; text: string; position: number; updated_at: number };

/** The canned_answers table: this file is its only writer. */
export function createCannedRepo(store: Store) {
  const all = store.prepare<CannedRow>("select id, label, text, position, updated_at from canned_answers order by position, label");
  const one = store.prepare<CannedRow>("select id, label, text, position, updated_at from canned_answers where id = ?");
  const insert = store.prepare("insert into canned_answers (id, label, text, position, created_at, updated_at) values (@id, @label, @text, @position, @t, @t)");
  const update = store.prepare("update canned_answers set label = @label, text = @text, position = @position, updated_at = @t where id = @id");
  const remove = store.prepare("delete from canned_answers where id = ?");
  return {
    list: () => all.all(),
    byId: (id: string) => one.get(id),
    insert: (p: { id: string; label: string; text: string; position: number; t: number }) => mapStep(insert.run(p), () => undefined),
    update: (p: { id: string; label: string; text: string; position: number; t: number }) => mapStep(update.run(p), (r) => r.changes === 1),
    remove: (id: string) => mapStep(remove.run(id), (r) => r.changes === 1),
  };
}
export type CannedRepo = ReturnType<typeof createCannedRepo>;
