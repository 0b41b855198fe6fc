import type { Customer, LedgerEntry, Loyalty } from "@mc/shared";
import { api } from "../../api/client";

export type MeWithLoyalty = { customer: Customer; loyalty: Loyalty };
export type PointsPage = { entries: LedgerEntry[]; nextBefore: number | null };

let inFlight: Promise<MeWithLoyalty> | null = null;

/** GET /api/me with points, tier and member code. Cards mounting together share one request. */
export function fetchMeWithLoyalty(): Promise<MeWithLoyalty> {
  inFlight ??= api.get<MeWithLoyalty>("/api/me").finally(() => {
    inFlight = null;
  });
  return inFlight;
}

export function fetchPoints(before: number | null, limit = 20): Promise<PointsPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== null) q.set("before", String(before));
  return api.get<PointsPage>(`/api/me/points?${q}`);
}
