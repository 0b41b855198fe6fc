import { useState } from "react";
import { useCustomer } from "../session";
import { api } from "../api/client";
import { useLoad } from "./use-load";

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
  // The list and its pick come in one answer: no render has stores but no store (the "no store" screen would flash).
  const { data, error } = useLoad(
    async () => {
      const active = (await fetchMyStores()).filter((s) => s.active);
      const saved = remembered();
      const pick = active.find((s) => s.id === saved) ?? active.find((s) => customer.storeIds.includes(s.id)) ?? active[0];
      return { stores: active, pick: pick?.id ?? null };
    },
    // A new array for every sign-in, so a persona switch reloads too.
    [customer.storeIds],
    { keepData: true },
  );
  // A choice holds for the list it was made on; a new list picks again (from the remembered choice).
  const [chosen, setChosen] = useState<{ on: typeof data; id: string } | null>(null);
  const stores = data?.stores ?? null;
  const storeId = chosen && chosen.on === data ? chosen.id : (data?.pick ?? null);

  const choose = (id: string) => {
    setChosen({ on: data, id });
    try {
      window.localStorage.setItem(KEY, id);
    } catch {
      /* private mode: remembered for this page only */
    }
  };

  return { stores, storeId, store: stores?.find((s) => s.id === storeId) ?? null, choose, error };
}
