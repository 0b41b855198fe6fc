import { useEffect, useState } from "react";
import { atom, useRecoilState, useSetRecoilState, type AtomEffect } from "recoil";
import type { PublicStore } from "@mc/shared";
import { useCustomer } from "../session";
import { api } from "../api/client";
import { storeInfoState } from "./store-status";

/**
 * Where the shopper is ordering: the store (remembered across restarts) and, when they came from a
 * table QR (`?store=…&table=…`), the table. A table choice lasts until another store is picked.
 */
export type OrderingPlace = { storeId: string | null; table: string | null };
export type KnownStore = { id: string; name: string; address: string };

const KEY = "mc.order.place";

function persisted<T>(key: string): AtomEffect<T> {
  return ({ setSelf, onSet }) => {
    try {
      const raw = window.localStorage.getItem(key);
      if (raw) setSelf(JSON.parse(raw) as T);
    } catch {
      /* nothing saved, or private mode */
    }
    onSet((v) => {
      try {
        window.localStorage.setItem(key, JSON.stringify(v));
      } catch {
        /* private mode: kept for this page only */
      }
    });
  };
}

export const orderingPlaceState = atom<OrderingPlace>({ key: "ord.place", default: { storeId: null, table: null }, effects: [persisted<OrderingPlace>(KEY)] });

/** Stores this device has ordered at (ids from QR codes and past choices), with names when known. */
export const knownStoresState = atom<KnownStore[]>({ key: "ord.knownStores", default: [], effects: [persisted<KnownStore[]>("mc.order.stores")] });

export function useOrderingPlace() {
  const [place, setPlace] = useRecoilState(orderingPlaceState);
  const [known, setKnown] = useRecoilState(knownStoresState);
  const remember = (s: KnownStore) =>
    setKnown((list) => {
      const i = list.findIndex((k) => k.id === s.id);
      if (i < 0) return [...list, s];
      const prev = list[i]!;
      // Keep a real name over a bare id.
      const next = { id: s.id, name: s.name !== s.id ? s.name : prev.name, address: s.address || prev.address };
      return next.name === prev.name && next.address === prev.address ? list : list.map((k, j) => (j === i ? next : k));
    });
  return {
    place,
    known,
    chooseStore: (storeId: string) => {
      remember({ id: storeId, name: storeId, address: "" });
      setPlace((p) => (p.storeId === storeId ? p : { storeId, table: null }));
    },
    openTable: (storeId: string, table: string | null) => {
      remember({ id: storeId, name: storeId, address: "" });
      setPlace({ storeId, table });
    },
    leaveTable: () => setPlace((p) => ({ ...p, table: null })),
    remember,
  };
}

const fetchStores = () => api.get<{ stores: PublicStore[] }>("/api/stores").then((r) => r.stores);

/** The stores the picker offers: every active store (GET /api/stores), named, remembered on the device, open or closed now. */
export function useStoreChoices() {
  const [customer] = useCustomer();
  const { known, remember } = useOrderingPlace();
  const setInfo = useSetRecoilState(storeInfoState);
  const [loaded, setLoaded] = useState(false);
  // Not useLoad: the answer goes into the remembered stores (recoil) and `loaded` must not turn true before it has.
  useEffect(() => {
    let alive = true;
    fetchStores()
      .then((list) => {
        list.forEach((s) => remember({ id: s.id, name: s.name, address: s.address }));
        setInfo((prev) => ({ ...prev, ...Object.fromEntries(list.map((s) => [s.id, s])) }));
      })
      .catch(() => undefined)
      .finally(() => alive && setLoaded(true));
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [customer.id, customer.role]);
  return { stores: known, loaded };
}

/** A display name for a store id: the known name, else the id itself. */
export const storeName = (known: KnownStore[], id: string | null) => (id ? (known.find((s) => s.id === id)?.name ?? id) : "");
