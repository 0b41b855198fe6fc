import { useCallback, useEffect } from "react";
import { atom, useRecoilState } from "recoil";
import type { Customer, Loyalty } from "@mc/shared";
import { toFailure, useCustomer } from "../session";
import { api } from "../api/client";

export type MeWithLoyalty = { customer: Customer; loyalty: Loyalty };

let inFlight: Promise<MeWithLoyalty> | null = null;
let primed: { at: number; answer: Promise<MeWithLoyalty> } | null = null;
/** A primed answer older than this is stale (e.g. the app opened on a game first): the cards ask again. */
const PRIMED_FOR_MS = 10_000;

/** GET /api/me with points, tier and member code. Cards mounting together share one request. */
export function fetchMeWithLoyalty(): Promise<MeWithLoyalty> {
  const ready = primed && Date.now() - primed.at < PRIMED_FOR_MS ? primed.answer : null;
  primed = null;
  inFlight ??= (ready ?? api.get<MeWithLoyalty>("/api/me")).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/**
 * The boot sign-in's answer (it carries what GET /api/me gives; app/boot.ts): the home's first card takes it instead
 * of asking the server again, so the member card's QR (the home's largest paint) waits for no further round trip.
 */
export function primeLoyalty(me: MeWithLoyalty) {
  primed = { at: Date.now(), answer: Promise.resolve({ customer: me.customer, loyalty: me.loyalty }) };
}

type LoyaltyState = { customerId: string; loyalty: Loyalty } | null;

/** The signed-in person's points, tier and member code (from GET /api/me), keyed by who it belongs to. */
export const loyaltyState = atom<LoyaltyState>({ key: "wallet.loyalty", default: null });
const loyaltyErrorState = atom<string | null>({ key: "wallet.loyaltyError", default: null });

/**
 * Loyalty for the signed-in customer. Refetches on mount (home is where staff-awarded points show up)
 * and after a persona switch; `setBalance` lets a claim paid with points update the balance at once.
 */
export function useLoyalty({ refreshOnMount = true } = {}) {
  const [customer] = useCustomer();
  const [state, setState] = useRecoilState(loyaltyState);
  const [error, setError] = useRecoilState(loyaltyErrorState);

  // Not useLoad: the answer is recoil state every card shares (one request for all), refreshed on visibility too.
  const refresh = useCallback(async () => {
    try {
      const { customer: who, loyalty } = await fetchMeWithLoyalty();
      setState({ customerId: who.id, loyalty });
      setError(null);
    } catch (e) {
      setError(toFailure(e).code);
    }
  }, [setState, setError]);

  const stale = state === null || state.customerId !== customer.id;
  useEffect(() => {
    if (refreshOnMount || stale) void refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [customer.id]);

  // Back from the counter (Zalo in the background while staff award points): show the new balance.
  useEffect(() => {
    if (!refreshOnMount) return;
    const onVisible = () => document.visibilityState === "visible" && void refresh();
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [refreshOnMount, refresh]);

  const setBalance = useCallback((balance: number) => setState((s) => (s ? { ...s, loyalty: { ...s.loyalty, balance } } : s)), [setState]);

  return { loyalty: stale ? null : state!.loyalty, error, refresh, setBalance };
}
