import type { CustomerNote, CustomerProfile, TimelineKind, TimelinePage } from "@mc/shared";
import { api } from "../../api/client";

/**
 * The staff's read-mostly view of a person (server: customers/routes.ts and timeline/routes.ts), behind the
 * "visited one of my stores" check: anyone else is CUSTOMER_NOT_FOUND, exactly like an id that does not exist.
 */
const base = (id: string) => `/api/staff/customers/${encodeURIComponent(id)}`;

export const fetchProfile = (id: string) => api.get<{ profile: CustomerProfile }>(`${base(id)}/profile`).then((r) => r.profile);

/** One page of the timeline, newest first; `before` is the previous page's `next`. */
export function fetchTimeline(id: string, q: { kinds: readonly TimelineKind[]; before?: string | null; limit: number }) {
  const params = new URLSearchParams({ limit: String(q.limit) });
  if (q.kinds.length) params.set("kinds", q.kinds.join(","));
  if (q.before) params.set("before", q.before);
  return api.get<TimelinePage>(`${base(id)}/timeline?${params.toString()}`);
}

export const addNote = (id: string, text: string) => api.post<{ note: CustomerNote }>(`${base(id)}/notes`, { text }).then((r) => r.note);
