import type { ZnsTemplateView } from "@mc/shared";

export type Counts = {
  queued: number;
  held: number;
  sending: number;
  sent: number;
  delivered: number;
  seen: number;
  suppressed: number;
  failed: number;
  unknown: number;
  expired: number;
  cancelled: number;
};

export type BroadcastView = {
  id: string;
  name: string;
  category: "care" | "promotion";
  state: string;
  recipients: number;
  /** As created; a saved segment's rules are recorded with the version then in force. */
  audience?: { followersOnly?: boolean; segment?: { id: string; version: number } };
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  counts: Counts;
  reasons: Record<string, number>;
  /** Per hold reason, when its held messages may go next (ISO). */
  heldUntil?: Record<string, string>;
  failedByCode: { code: number | null; reason: string | null; count: number }[];
  unfollows: number;
  unfollowRate: number;
};

export type Preview = {
  audience: number;
  send: number;
  hold: number;
  suppress: number;
  expire: number;
  reasons: Record<string, number>;
  /** Per hold reason, the earliest its messages may go (ISO). */
  holdUntil?: Record<string, string>;
  channels: { cs: number; template_uid: number; zns: number };
  freeCs: number;
  quotaNeeded: number;
};

export type ZnsTemplate = ZnsTemplateView;
export type Store = { id: string; name: string; address: string; active: boolean };
