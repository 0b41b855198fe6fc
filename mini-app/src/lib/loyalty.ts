import { useCallback, useEffect } from "react";
import { atom, useRecoilState } from "recoil";
import type { Customer, Loyalty } from "@mc/shared";
import { toFailure, useCustomer } from "../session";
import { api } from "../api/client";

export type MeWithLoyalty = { customer: Customer; loyalty: Loyalty };

let inFlight: Promise<MeWithLoyalty> | null = null;
let primed: { at: number; answer: Promise<MeWithLoyalty> } | null = null;
/** A primed answer older than this is not used: the cards ask again. */
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
 * Asks for GET /api/me right after the boot sign-in (app/boot.ts), while React renders the home: its first card
 * takes this answer instead of asking again one render later (the member card's QR is the home's largest paint).
 */
export function primeMeWithLoyalty() {
  const answer = api.get<MeWithLoyalty>("/api/me");
  answer.catch(() => {}); // a failure is the taker's to show
  primed = { at: Date.now(), answer };
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
