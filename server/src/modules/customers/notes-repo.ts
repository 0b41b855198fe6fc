import type { Db } from "../../db/client";

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
export function createNotesRepo(db: Db) {
  const c = db.$client;
  const insertStmt = c.prepare(
    "insert into customer_notes (id, customer_id, author_kind, author_id, author_name, text, created_at) values (@id, @customer_id, @author_kind, @author_id, @author_name, @text, @created_at)",
  );
  const rangeStmt = c.prepare(
    "select * from customer_notes indexed by customer_notes_customer_idx where customer_id = @customerId and created_at between @min and @max order by created_at desc limit @n",
  );
  const forgetStmt = c.prepare("delete from customer_notes where customer_id = ?");
  // The author's name as it is now, kept on the note: an operator by email, a mini-app admin by name.
  const operatorEmail = c.prepare("select coalesce(nullif(name, ''), email) from admin_users where id = ?").pluck();
  const customerName = c.prepare("select name from customers where id = ?").pluck();

  return {
    insert: (row: NoteRow) => void insertStmt.run(row),
    /** A person's notes with min ≤ created_at ≤ max, newest first. */
    range: (p: { customerId: string; min: number; max: number; n: number }) => rangeStmt.all(p) as NoteRow[],
    /** The person's data was erased: their notes go (inside the erasure's transaction). */
    forget: (customerId: string) => ({ deleted: forgetStmt.run(customerId).changes }),
    authorName: (kind: "operator" | "customer", id: string) => (kind === "operator" ? operatorEmail.get(id) : customerName.get(id)) as string | undefined,
  };
}

export type NotesRepo = ReturnType<typeof createNotesRepo>;
