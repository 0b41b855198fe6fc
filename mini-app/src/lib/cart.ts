import { useCallback } from "react";
import { atom, useRecoilState, type AtomEffect } from "recoil";

/**
 * The cart, one per store, kept across app restarts (localStorage). A line is a product with its picked
 * options; `unitPriceVnd` and the names are the menu's at the time, for display until the server quotes.
 */
export type CartLine = {
  key: string;
  productId: string;
  name: string;
  imageUrl: string | null;
  optionIds: string[];
  optionNames: string[];
  unitPriceVnd: number;
  quantity: number;
};
export type Carts = Record<string, CartLine[]>;

const KEY = "mc.cart.v1";
export const MAX_QTY = 50;

const persist: AtomEffect<Carts> = ({ setSelf, onSet }) => {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) setSelf(parsed as Carts);
    }
  } catch {
    /* a broken saved cart starts empty */
  }
  onSet((v) => {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(v));
    } catch {
      /* private mode: the cart lasts for this page only */
    }
  });
};

export const cartsState = atom<Carts>({ key: "ord.carts", default: {}, effects: [persist] });

/** The same product with the same options is one line (options compared as a set). */
export const lineKey = (productId: string, optionIds: string[]) => `${productId}|${[...optionIds].sort().join(",")}`;

export function useCart(storeId: string | null) {
  const [carts, setCarts] = useRecoilState(cartsState);
  const lines = (storeId && carts[storeId]) || [];

  const update = useCallback(
    (fn: (lines: CartLine[]) => CartLine[]) => {
      if (!storeId) return;
      setCarts((all) => {
        const next = fn(all[storeId] ?? []);
        const copy = { ...all };
        if (next.length) copy[storeId] = next;
        else delete copy[storeId];
        return copy;
      });
    },
    [storeId, setCarts],
  );

  const add = useCallback(
    (line: Omit<CartLine, "key">) =>
      update((ls) => {
        const key = lineKey(line.productId, line.optionIds);
        const found = ls.find((l) => l.key === key);
        if (found) return ls.map((l) => (l.key === key ? { ...l, ...line, key, quantity: Math.min(MAX_QTY, l.quantity + line.quantity) } : l));
        return [...ls, { ...line, key }];
      }),
    [update],
  );
  const setQuantity = useCallback(
    (key: string, quantity: number) =>
      update((ls) => (quantity <= 0 ? ls.filter((l) => l.key !== key) : ls.map((l) => (l.key === key ? { ...l, quantity: Math.min(MAX_QTY, quantity) } : l)))),
    [update],
  );
  const clear = useCallback(() => update(() => []), [update]);

  const count = lines.reduce((s, l) => s + l.quantity, 0);
  /** An estimate from menu prices, for the cart bar only; the cart screen shows the server's quote. */
  const estimate = lines.reduce((s, l) => s + l.unitPriceVnd * l.quantity, 0);
  return { lines, count, estimate, add, setQuantity, clear };
}
