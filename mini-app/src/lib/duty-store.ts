import { useEffect, useState } from "react";
import { toFailure, useCustomer } from "../session";
import { api } from "../api/client";

export type Store = { id: string; name: string; address: string; active: boolean; createdAt: number };

export const fetchMyStores = () => api.get<{ stores: Store[] }>("/api/staff/stores").then((r) => r.stores);

const KEY = "mc.counter.store";

function remembered(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The stores this staff member works at, and the one they are at now (remembered on this device). */
export function useCounterStore() {
  const [customer] = useCustomer();
  const [stores, setStores] = useState<Store[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [storeId, setStoreId] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    fetchMyStores().then(
      (list) => {
        if (!alive) return;
        const active = list.filter((s) => s.active);
        setStores(active);
        const saved = remembered();
        const pick = active.find((s) => s.id === saved) ?? active.find((s) => customer.storeIds.includes(s.id)) ?? active[0];
        setStoreId(pick?.id ?? null);
      },
      (e) => alive && setError(toFailure(e).code),
    );
    return () => {
      alive = false;
    };
  }, [customer.id, customer.storeIds]);

  const choose = (id: string) => {
    setStoreId(id);
    try {
      window.localStorage.setItem(KEY, id);
    } catch {
      /* private mode: remembered for this page only */
    }
  };

  return { stores, storeId, store: stores?.find((s) => s.id === storeId) ?? null, choose, error };
}
