import type { CustomerNote, TimelineKind, TimelinePage } from "@mc/shared";
import type { Principal } from "../../http/auth";
import type { AssertCanSee } from "../customers/profile";
import type { NotesService } from "../customers/notes";
import type { TimelineService } from "./service";

/**
 * The staff's read-mostly view of a person (issue #12), behind the `{ customer: "visited" }` check: the
 * timeline limited to the caller's stores (plus notes; an admin sees all of it), and a note they may add.
 */
export function createStaffTimeline(deps: { timeline: Pick<TimelineService, "page">; notes: Pick<NotesService, "add">; assertCanSee: AssertCanSee }) {
  async function page(p: Principal, customerId: string, q: { kinds?: readonly TimelineKind[]; before?: string; limit: number }): Promise<TimelinePage> {
    await deps.assertCanSee(p, customerId);
    return deps.timeline.page(customerId, q, p.role === "admin" ? {} : { storeIds: p.storeIds });
  }

  /** The author is the staff member as named on their record (notes.add), audited like the console's notes. */
  async function addNote(p: Principal, customerId: string, text: string): Promise<CustomerNote> {
    await deps.assertCanSee(p, customerId);
    return await deps.notes.add(p, customerId, text);
  }

  return { page, addNote };
}

export type StaffTimeline = ReturnType<typeof createStaffTimeline>;
