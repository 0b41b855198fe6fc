import type { GameConfig, GameDraw, PlayResult } from "@mc/shared";
import { api } from "../../api/client";

/** The route params of an in-store QR deep link; only the server can tell whether `sig` is genuine. */
export type QrParams = { store: string; campaign: string; sig: string };

/** The QR params in a record (getRouteParams(), a query string), or null when any of the three is missing. */
export function qrParamsOf(p: Record<string, string | undefined>): QrParams | null {
  const { store, campaign, sig } = p;
  return store && campaign && sig ? { store, campaign, sig } : null;
}

export function qrParamsFromSearch(search: string): QrParams | null {
  const q = new URLSearchParams(search);
  return qrParamsOf({ store: q.get("store") ?? undefined, campaign: q.get("campaign") ?? undefined, sig: q.get("sig") ?? undefined });
}

/** What a scanned QR code says, if it is one of our game links (`https://zalo.me/s/<appId>/?store=…`). */
export function qrParamsFromScan(text: string): QrParams | null {
  try {
    return qrParamsFromSearch(new URL(text.trim()).search);
  } catch {
    return null;
  }
}

export const gamePath = (p: QrParams) => `/game?${new URLSearchParams(p).toString()}`;

export const resolveGame = (p: QrParams) => api.post<GameConfig>("/api/games/resolve", p);

/** The server draws; the browser only animates to what it drew. `requestId` makes a retried tap idempotent. */
export const playGame = (p: QrParams, requestId: string) => api.post<PlayResult>("/api/games/play", { ...p, requestId });

export const fetchDraw = (id: string) => api.get<{ draw: GameDraw }>(`/api/games/draws/${encodeURIComponent(id)}`).then((r) => r.draw);
