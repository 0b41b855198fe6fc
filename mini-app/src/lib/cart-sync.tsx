import { useEffect, useRef } from "react";
import { useRecoilState } from "recoil";
import type { SavedCart } from "@mc/shared";
import { api } from "../api/client";
import { useCustomer } from "../session";
import { cartsState, lineKey, type CartLine, type Carts } from "./cart";

/**
 * Keeps the local carts (instant, offline) and the server's (another device, after a reinstall, the abandoned-cart
 * reminder's link) in step. Per store, `synced` is the items both last agreed on: a local cart that still matches it
 * takes the server's newer version; one that differs was changed here and is saved (debounced PUT). The server
 * prices and names the lines; the local copy keeps them for display.
 */
type SyncMeta = Record<string, { version: number; synced: string }>;

const DEBOUNCE_MS = 800;
const metaKey = (customerId: string) => `mc.cart.sync.v1:${customerId}`;
const itemsKey = (lines: Pick<CartLine, "productId" | "optionIds" | "quantity">[] | undefined) =>
  JSON.stringify((lines ?? []).map((l) => [l.productId, [...l.optionIds].sort(), l.quantity]));

function readMeta(customerId: string): SyncMeta {
  try {
    const raw = window.localStorage.getItem(metaKey(customerId));
    const parsed = raw ? (JSON.parse(raw) as unknown) : null;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as SyncMeta) : {};
  } catch {
    return {};
  }
}
function writeMeta(customerId: string, meta: SyncMeta) {
  try {
    window.localStorage.setItem(metaKey(customerId), JSON.stringify(meta));
  } catch {
    /* private mode: synced again on the next start */
  }
}

const toLines = (c: SavedCart): CartLine[] =>
  c.lines.map((l) => ({
    key: lineKey(l.productId, l.optionIds),
    productId: l.productId,
    name: l.name,
    imageUrl: l.imageUrl,
    optionIds: l.optionIds,
    optionNames: l.optionNames,
    unitPriceVnd: l.unitPriceVnd,
    quantity: l.quantity,
  }));

const fetchCarts = () => api.get<{ carts: SavedCart[] }>("/api/me/carts").then((r) => r.carts);
const saveCart = (storeId: string, lines: CartLine[]) =>
  api
    .put<{ cart: SavedCart | null }>(`/api/me/carts/${encodeURIComponent(storeId)}`, {
      items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, optionIds: l.optionIds })),
    })
    .then((r) => r.cart);

/** Mounted once below the session gate. */
export function CartSync() {
  const [customer] = useCustomer();
  const [carts, setCarts] = useRecoilState(cartsState);
  const meta = useRef<SyncMeta>({});
  const loaded = useRef(false);
  const latest = useRef<Carts>(carts);
  latest.current = carts;
  const timers = useRef(new Map<string, number>());
  const id = customer.id;

  // On sign-in (and a persona switch): the server's carts, taken where this device has nothing newer.
  useEffect(() => {
    let alive = true;
    loaded.current = false;
    meta.current = readMeta(id);
    fetchCarts()
      .then((server) => {
        if (!alive) return;
        const m = meta.current;
        const next: Carts = { ...latest.current };
        const onServer = new Set(server.map((c) => c.storeId));
        for (const c of server) {
          const local = next[c.storeId];
          const changedHere = !!local?.length && itemsKey(local) !== m[c.storeId]?.synced;
          if (changedHere) continue; // saved by the effect below
          next[c.storeId] = toLines(c);
          m[c.storeId] = { version: c.version, synced: itemsKey(next[c.storeId]) };
        }
        // Gone from the server (ordered, emptied elsewhere) and not changed here since: gone here too.
        for (const storeId of Object.keys(next)) {
          if (!onServer.has(storeId) && m[storeId] && itemsKey(next[storeId]) === m[storeId].synced) {
            delete next[storeId];
            delete m[storeId];
          }
        }
        writeMeta(id, m);
        loaded.current = true;
        setCarts(next);
      })
      .catch(() => {
        // Offline: the local carts stand; what changed is saved once the server answers a later change.
        if (alive) loaded.current = true;
      });
    return () => {
      alive = false;
    };
  }, [id, setCarts]);

  // Each local change, per store, saved after a short pause (a few taps make one save).
  useEffect(() => {
    if (!loaded.current) return;
    const m = meta.current;
    const stores = new Set([...Object.keys(carts), ...Object.keys(m)]);
    for (const storeId of stores) {
      const key = itemsKey(carts[storeId]);
      if (key === (m[storeId]?.synced ?? itemsKey([]))) continue;
      window.clearTimeout(timers.current.get(storeId));
      timers.current.set(
        storeId,
        window.setTimeout(() => {
          timers.current.delete(storeId);
          const lines = latest.current[storeId] ?? [];
          const sent = itemsKey(lines);
          saveCart(storeId, lines)
            .then((saved) => {
              if (saved) m[storeId] = { version: saved.version, synced: sent };
              else delete m[storeId];
              writeMeta(id, m);
            })
            .catch(() => {
              /* refused (an item left the menu: the cart screen says so) or offline: the local cart stands */
            });
        }, DEBOUNCE_MS),
      );
    }
  }, [carts, id]);

  useEffect(() => {
    const t = timers.current;
    return () => t.forEach((h) => window.clearTimeout(h));
  }, []);
  return null;
}
