import { sqliteStore, syncView } from "../../../db/store";
import { createNotesRepo } from "../../customers/notes-repo";
import { toNote } from "../../customers/notes";
import { scan, type SourceFactory } from "../kit";

/** The shop's notes about the person. Staff see them too, whatever their stores (no store filter). */
export const noteSource: SourceFactory = ({ db }) => {
  // The timeline's sources are synchronous SQLite code still: the ported notes repo as it sees it.
  const repo = syncView(sqliteStore(db), createNotesRepo(sqliteStore(db)));
  return {
    kind: "note",
    page: (customerId, before, limit) =>
      scan({
        before,
        limit,
        range: (min, max, n) => repo.range({ customerId, min, max, n }),
        id: (r) => r.id,
        hi: (r) => r.created_at,
        items: (r) => [
          {
            key: `note:${r.id}`,
            kind: "note",
            at: r.created_at,
            title: "Ghi chú",
            detail: r.text,
            storeId: null,
            actor: r.author_name,
            data: toNote(r),
          },
        ],
      }),
  };
};
