/**
 * A table (or counter) QR: `https://zalo.me/s/<appId>/?store=…&table=…`; the abandoned-cart reminder's link adds
 * `open=cart` (shared cartDeepLink) to reopen that store's cart. Game links carry `campaign` and are not ours.
 */
export type OrderQr = { store: string; table: string | null; openCart?: boolean };

export function placeOf(p: Record<string, string | undefined>): OrderQr | null {
  if (!p.store || p.campaign) return null;
  const table = p.table?.trim() ? p.table.trim().slice(0, 20) : null;
  return p.open === "cart" ? { store: p.store, table, openCart: true } : { store: p.store, table };
}

export function placeFromSearch(search: string): OrderQr | null {
  const q = new URLSearchParams(search);
  return placeOf({
    store: q.get("store") ?? undefined,
    table: q.get("table") ?? undefined,
    campaign: q.get("campaign") ?? undefined,
    open: q.get("open") ?? undefined,
  });
}

/** What a scanned code says: a link with `?store=`, or null. */
export function placeFromQr(text: string): OrderQr | null {
  try {
    return placeFromSearch(new URL(text.trim()).search);
  } catch {
    return null;
  }
}

export const menuPath = (p: OrderQr) => `/menu?${new URLSearchParams(p.table ? { store: p.store, table: p.table } : { store: p.store }).toString()}`;
