import type { Db } from "../../db/client";

export type CannedRow = { id: string; label: string; text: string; position: number; updated_at: number };

/** The canned_answers table: this file is its only writer. */
export function createCannedRepo(db: Db) {
  const c = db.$client;
  const all = c.prepare("select id, label, text, position, updated_at from canned_answers order by position, label");
  const one = c.prepare("select id, label, text, position, updated_at from canned_answers where id = ?");
  const insert = c.prepare("insert into canned_answers (id, label, text, position, created_at, updated_at) values (@id, @label, @text, @position, @t, @t)");
  const update = c.prepare("update canned_answers set label = @label, text = @text, position = @position, updated_at = @t where id = @id");
  const remove = c.prepare("delete from canned_answers where id = ?");
  return {
    list: () => all.all() as CannedRow[],
    byId: (id: string) => one.get(id) as CannedRow | undefined,
    insert: (p: { id: string; label: string; text: string; position: number; t: number }) => void insert.run(p),
    update: (p: { id: string; label: string; text: string; position: number; t: number }) => update.run(p).changes === 1,
    remove: (id: string) => remove.run(id).changes === 1,
  };
}
export type CannedRepo = ReturnType<typeof createCannedRepo>;
