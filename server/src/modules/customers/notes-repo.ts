import { q, type Store, type SyncView } from "../../db/store";

export type NoteRow = {
  id: string;
  customer_id: string;
  author_kind: "admin" | "customer" | "system";
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
};

/** `customer_notes`: what the shop writes about a person. This file is its only writer. */
export function createNotesRepo(store: Store) {
  const insertStmt = store.prepare(
    "insert into customer_notes (id, customer_id, author_kind, author_id, author_name, text, created_at) values (@id, @customer_id, @author_kind, @author_id, @author_name, @text, @created_at)",
  );
  const RANGE = "where customer_id = @customerId and created_at between @min and @max order by created_at desc limit @n";
  const rangeStmt = store.prepare<NoteRow>({
    sqlite: `select * from customer_notes indexed by customer_notes_customer_idx ${RANGE}`,
    pg: `select id, customer_id, author_kind, author_id, author_name, text, created_at from customer_notes ${RANGE}`,
  });
  const forgetStmt = store.prepare("delete from customer_notes where customer_id = ?");
  // The author's name as it is now, kept on the note: an operator by email, a mini-app admin by name.
  const operatorEmail = store.prepare<string>("select coalesce(nullif(name, ''), email) from admin_users where id = ?", "pluck");
  const customerName = store.prepare<string>("select name from customers where id = ?", "pluck");

  return {
    insert: (row: NoteRow) =>
      store.join(function* () {
        yield* q(insertStmt.run(row));
      }),
    /** A person's notes with min ≤ created_at ≤ max, newest first. */
    range: (p: { customerId: string; min: number; max: number; n: number }) => rangeStmt.all(p),
    /** The person's data was erased: their notes go (inside the erasure's transaction). */
    forget: (customerId: string) =>
      store.join(function* () {
        return { deleted: (yield* q(forgetStmt.run(customerId))).changes };
      }),
    authorName: (kind: "operator" | "customer", id: string) => (kind === "operator" ? operatorEmail.get(id) : customerName.get(id)),
  };
}

export type NotesRepo = ReturnType<typeof createNotesRepo>;
/** The notes repo as synchronous SQLite code not ported yet sees it (the timeline, the webhook's shared info). */
export type NotesRepoSync = SyncView<NotesRepo>;
