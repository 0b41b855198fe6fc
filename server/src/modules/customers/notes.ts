import { randomUUID } from "node:crypto";
import { ErrorCode, type CustomerNote } from "@mc/shared";
import { q, type Store } from "../../db/store";
import { actorOf, audit } from "../../lib/audit";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import type { CustomerRepo } from "./repo";
import type { NoteRow, NotesRepo } from "./notes-repo";

export const toNote = (r: NoteRow): CustomerNote => ({
  id: r.id,
  text: r.text,
  authorKind: r.author_kind,
  authorId: r.author_id,
  authorName: r.author_name,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Notes the shop keeps about a person (shown in their timeline). */
export function createNotesService(deps: { store: Store; repo: NotesRepo; customers: Pick<CustomerRepo, "byId">; now: () => number }) {
  const { store, repo, now } = deps;
  // Notes only add rows (no read-check-write on shared state): concurrent notes share commits on SQLite.
  const inGroup = store.groupCommit();

  /** Audited without its text: the note is personal data the erasure deletes, the audit log stays. */
  const add = (actor: Principal, customerId: string, text: string): Promise<CustomerNote> =>
    inGroup(function* () {
      const person = yield* q(deps.customers.byId(customerId));
      if (!person) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
      if (person.erasedAt !== null) throw new AppError(ErrorCode.CONFLICT, "This customer's data was erased: no notes about them");
      const a = actorOf(actor);
      const row: NoteRow = {
        id: randomUUID(),
        customer_id: customerId,
        author_kind: a.kind,
        author_id: a.id,
        author_name: (yield* q(repo.authorName(actor.kind, actor.id))) ?? (actor.kind === "operator" ? "Quản trị viên" : "Nhân viên"),
        text,
        created_at: now(),
      };
      yield* q(repo.insert(row));
      yield* q(audit(store, { actor: a, action: "customer.note", targetId: customerId, details: { noteId: row.id, length: text.length }, at: row.created_at }));
      return toNote(row);
    });

  return { add, forget: repo.forget };
}

export type NotesService = ReturnType<typeof createNotesService>;
