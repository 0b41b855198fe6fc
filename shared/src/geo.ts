/** Where things are: the auto-reply's "nearest store" for a follower who shares their location. */

export type LatLng = { lat: number; lng: number };

const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG)
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine: accurate to ~0.5 % on a sphere, plenty for "which store is closer"). */
export function haversineMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  // min(1, …): rounding can push h a hair above 1 for antipodal points, and asin(>1) is NaN.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export const isLatLng = (p: { lat?: unknown; lng?: unknown }): p is LatLng =>
  typeof p.lat === "number" && typeof p.lng === "number" && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180 && Number.isFinite(p.lat + p.lng);

/**
 * The nearest store to `at` among those with a position, preferring one open now: an open store at any distance
 * beats a closed one (the person wants somewhere to go now); with none open, the nearest closed one, so the answer
 * can say when it opens. Ties keep the list's order. Null when no store has a position.
 */
export function nearestStore<S extends { lat: number | null; lng: number | null; openNow: boolean }>(
  at: LatLng,
  stores: readonly S[],
): { store: S; meters: number } | null {
  let best: { store: S; meters: number } | null = null;
  for (const s of stores) {
    if (s.lat === null || s.lng === null) continue;
    const meters = haversineMeters(at, { lat: s.lat, lng: s.lng });
    if (!best || (s.openNow && !best.store.openNow) || (s.openNow === best.store.openNow && meters < best.meters)) best = { store: s, meters };
  }
  return best;
}

/** "350 m", "1,2 km", "12 km" (Vietnamese decimal comma). */
export function distanceWords(meters: number): string {
  if (meters < 1000) return `${Math.max(10, Math.round(meters / 10) * 10)} m`;
  if (meters < 10_000) return `${(Math.round(meters / 100) / 10).toFixed(1).replace(".", ",")} km`;
  return `${Math.round(meters / 1000)} km`;
}

/** A shared location from a `user_send_location` webhook: `message.attachments[].payload.coordinates` (§6.2). */
export function locationOf(e: { message?: { attachments?: unknown } }): LatLng | null {
  const list = Array.isArray(e.message?.attachments)
    ? (e.message.attachments as { type?: unknown; payload?: { coordinates?: Record<string, unknown> } }[])
    : [];
  for (const a of list) {
    const c = a?.type === "location" ? a.payload?.coordinates : undefined;
    if (!c) continue;
    // Ids and numbers may come as strings (§5.1).
    const p = { lat: Number(c.latitude), lng: Number(c.longitude) };
    if (c.latitude !== undefined && c.longitude !== undefined && c.latitude !== "" && c.longitude !== "" && isLatLng(p)) return p;
  }
  return null;
}
