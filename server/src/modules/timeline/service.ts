import { ErrorCode, TIMELINE_KINDS, type TimelineItem, type TimelineKind, type TimelinePage } from "@mc/shared";
import { AppError } from "../../errors";
import { compareItems, decodeCursor, encodeCursor, type Item, type PageOpts, type Source, type SourceDeps, type SourceFactory } from "./kit";
import { SOURCES } from "./registry";

/** Merges lists each sorted newest first into one, up to `limit` items: the heads are compared, the best taken. */
export function mergeSorted(lists: readonly Item[][], limit: number): Item[] {
  const heads = lists.map(() => 0);
  const out: Item[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const h = lists[i]![heads[i]!];
      if (h && (best < 0 || compareItems(h, lists[best]![heads[best]!]!) < 0)) best = i;
    }
    if (best < 0) break;
    out.push(lists[best]![heads[best]!++]!);
  }
  return out;
}

const toWire = (i: Item): TimelineItem => ({ ...i, at: new Date(i.at).toISOString() });

/** The `kinds` query value ("order,points"): all when absent or empty. */
export function parseKinds(s: string | undefined): TimelineKind[] | undefined {
  if (!s || !s.trim()) return undefined;
  const kinds = [...new Set(s.split(",").map((k) => k.trim()))];
  const unknown = kinds.filter((k) => !(TIMELINE_KINDS as readonly string[]).includes(k));
  if (unknown.length) throw new AppError(ErrorCode.VALIDATION_FAILED, `Unknown timeline kind: ${unknown.join(", ")}`, { known: [...TIMELINE_KINDS] });
  return kinds as TimelineKind[];
}

/**
 * One timeline per person: every source's page after the cursor, merged by (time desc, key). Each source
 * answers its own `limit + 1` best, so the merge knows whether a next page exists without counting.
 */
export function createTimelineService(deps: SourceDeps & { customerExists: (id: string) => boolean; sources?: readonly SourceFactory[] }) {
  const sources: Source[] = (deps.sources ?? SOURCES).map((make) => make(deps));
  const kinds = sources.map((s) => s.kind);
  if (new Set(kinds).size !== kinds.length) throw new Error(`Two timeline sources share a kind: ${kinds.join(", ")}`);

  /** The admin view (all of it), or a staff view with `opts.storeIds` (items at those stores, and notes). */
  function page(customerId: string, q: { kinds?: readonly TimelineKind[]; before?: string; limit: number }, opts: PageOpts = {}): TimelinePage {
    if (!deps.customerExists(customerId)) throw new AppError(ErrorCode.CUSTOMER_NOT_FOUND, "Customer not found");
    const before = q.before ? decodeCursor(q.before) : null;
    const chosen = q.kinds?.length ? sources.filter((s) => q.kinds!.includes(s.kind)) : sources;
    const merged = mergeSorted(
      chosen.map((s) => s.page(customerId, before, q.limit + 1, opts)),
      q.limit + 1,
    );
    const items = merged.slice(0, q.limit);
    return { items: items.map(toWire), next: merged.length > q.limit ? encodeCursor(items[items.length - 1]!) : null };
  }

  return { page };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
