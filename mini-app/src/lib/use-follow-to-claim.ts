import { useCallback, useEffect, useRef, useState } from "react";
import type { GameDraw } from "@mc/shared";
import { signIn, useCustomer } from "../session";
import { zalo, ZaloError } from "../zalo";
import { config } from "../config";
import { ApiError } from "@mc/web/api-client";

/**
 * Follow the OA to receive a follow-gated prize. The client never claims the follow itself: it opens
 * Zalo's follow dialog, then polls the draw until the server (told by Zalo's signed `follow` webhook, or by
 * Graph /me at the sign-in that follows) marks it issued. A webhook that never comes ends in `timeout`, from which the shopper can check again.
 */
export type FollowClaim =
  | { status: "idle" }
  | { status: "following" }
  | { status: "waiting" }
  | { status: "issued"; draw: GameDraw }
  | { status: "lost"; draw: GameDraw }
  | { status: "timeout" }
  | { status: "declined" }
  | { status: "error"; code: string };

export type FollowClaimOptions = {
  /** How often to ask the server, and for how long before showing the timeout message. */
  pollMs?: number;
  timeoutMs?: number;
  fetchDraw: (id: string) => Promise<GameDraw>;
};

export function useFollowToClaim(drawId: string, opts: FollowClaimOptions) {
  const { pollMs = 1000, timeoutMs = 30_000, fetchDraw } = opts;
  const [state, setState] = useState<FollowClaim>({ status: "idle" });
  const [, setCustomer] = useCustomer();
  const run = useRef(0);

  useEffect(
    () => () => {
      run.current++; // unmounted: stop any poll in flight
    },
    [],
  );

  const poll = useCallback(async () => {
    const mine = ++run.current;
    const until = Date.now() + timeoutMs;
    setState({ status: "waiting" });
    let lastCode: string | null = null;
    while (run.current === mine) {
      try {
        const draw = await fetchDraw(drawId);
        if (run.current !== mine) return;
        if (draw.state === "issued") return setState({ status: "issued", draw });
        if (draw.state === "void" || draw.state === "failed") return setState({ status: "lost", draw });
        lastCode = null;
      } catch (e) {
        // A blip while waiting is not fatal: keep asking until the deadline.
        lastCode = e instanceof ApiError ? e.code : "UNKNOWN";
      }
      if (Date.now() >= until) {
        if (run.current === mine) setState(lastCode ? { status: "error", code: lastCode } : { status: "timeout" });
        return;
      }
      await new Promise((ok) => setTimeout(ok, pollMs));
    }
  }, [drawId, fetchDraw, pollMs, timeoutMs]);

  const follow = useCallback(async () => {
    setState({ status: "following" });
    try {
      await zalo.followOA(config.oaId);
    } catch (e) {
      // -201: the shopper closed Zalo's follow dialog.
      if (e instanceof ZaloError) return setState({ status: "declined" });
      return setState({ status: "error", code: e instanceof ApiError ? e.code : "UNKNOWN" });
    }
    // Someone who already followed gets no follow webhook (zalo-platform.md §1.12): signing in again has the
    // server read the follow state from Zalo itself (Graph /me), which releases the prize at once.
    signIn().then(
      (r) => setCustomer(r.customer),
      () => undefined,
    );
    await poll();
  }, [poll, setCustomer]);

  return { state, follow, recheck: poll };
}
