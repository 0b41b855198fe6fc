import { useCallback, useEffect } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { zalo, ZaloError } from "../../zalo";
import { useToast } from "../../components/use-toast";
import { gamePath, qrParamsFromScan, qrParamsFromSearch, qrParamsOf, type QrParams } from "./api";

let coldStartHandled = false;
// A redirect, not a step forward: no slide-in (ZMPRouter reads `animate` from the navigate options).
const NO_ANIMATION = { replace: true, animate: false } as never;

/** The QR link of a cold start (getRouteParams() at launch), until QrEntry has sent the app to its game. */
export const pendingColdStartQr = (): QrParams | null => (coldStartHandled ? null : qrParamsOf(zalo.getRouteParams()));

/** The game path a cold start's QR link opens, until QrEntry has sent the app there. */
export function pendingColdStartGame(): string | null {
  const p = pendingColdStartQr();
  return p ? gamePath(p) : null;
}

/**
 * Sends an in-store QR deep link (`https://zalo.me/s/<appId>/?store=…&campaign=…&sig=…`) to the game screen.
 * Cold start: the params are in getRouteParams() (location.search), read once per page load.
 * Warm start: Zalo's OpenApp event navigates to "/?store=…"; any root path with the three params is
 * forwarded. Whether the link is genuine is only decided by the server (POST /api/games/resolve).
 */
export function QrEntry() {
  const navigate = useNavigate();
  const { pathname, search } = useLocation();

  useEffect(() => {
    if (coldStartHandled) return;
    const path = pendingColdStartGame();
    coldStartHandled = true; // a later remount (persona switch) must not reopen the game
    if (path) navigate(path, NO_ANIMATION);
  }, [navigate]);

  useEffect(() => {
    if (pathname !== "/" && pathname !== "") return;
    const p = qrParamsFromSearch(search);
    if (p) navigate(gamePath(p), NO_ANIMATION);
  }, [pathname, search, navigate]);

  return null;
}

/** Scan a poster's QR code from inside the app (the home card, the bad-link screen). */
export function useScanGame() {
  const navigate = useNavigate();
  const toast = useToast();
  return useCallback(async () => {
    let text: string;
    try {
      text = await zalo.scanQRCode();
    } catch (e) {
      if (!(e instanceof ZaloError) || e.zaloCode !== -2003) toast.error("Chưa mở được máy quét QR");
      return;
    }
    const p = qrParamsFromScan(text);
    if (p) navigate(gamePath(p));
    else toast.error("Đây không phải mã QR trò chơi của cửa hàng");
  }, [navigate, toast]);
}
