import { useCallback } from "react";
import { useRecoilState, useRecoilValue, useSetRecoilState } from "recoil";
import type { Customer } from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { signIn, takeBootSignIn } from "./api";
import { sessionState } from "./state";

export function toFailure(e: unknown): { code: string; message: string } {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  return { code: "UNKNOWN", message: e instanceof Error ? e.message : String(e) };
}

/** Starts (or restarts, e.g. after a persona switch) the sign-in; the gate renders from `sessionState`. */
export function useSignIn() {
  const setSession = useSetRecoilState(sessionState);
  return useCallback(
    async (opts: { quiet?: boolean } = {}) => {
      // Not useLoad: the session is app-wide recoil state the gate renders from, and a quiet re-login keeps it on failure.
      if (!opts.quiet) setSession({ status: "loading" });
      try {
        const { customer } = await (takeBootSignIn() ?? signIn());
        setSession({ status: "ready", customer });
        return customer;
      } catch (e) {
        // A quiet re-login (persona switch) keeps the current session on failure; the caller reports it.
        if (!opts.quiet) setSession({ status: "error", ...toFailure(e) });
        return null;
      }
    },
    [setSession],
  );
}

/** The signed-in customer; only call below the session gate. */
export function useCustomer(): [Customer, (c: Customer) => void] {
  const [session, setSession] = useRecoilState(sessionState);
  const set = useCallback((customer: Customer) => setSession({ status: "ready", customer }), [setSession]);
  if (session.status !== "ready") throw new Error("useCustomer outside a signed-in session");
  return [session.customer, set];
}

export const useSessionState = () => useRecoilValue(sessionState);
