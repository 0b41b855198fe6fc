import type { LedgerEntry } from "@mc/shared";
import { api } from "../../api/client";

export type PointsPage = { entries: LedgerEntry[]; nextBefore: number | null };

export function fetchPoints(before: number | null, limit = 20): Promise<PointsPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== null) q.set("before", String(before));
  return api.get<PointsPage>(`/api/me/points?${q}`);
}
