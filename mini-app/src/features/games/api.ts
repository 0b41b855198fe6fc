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

let primed: { path: string; at: number; answer: Promise<GameConfig> } | null = null;
/** A primed answer older than this is not used (plays left may have changed): the page asks again. */
const PRIMED_FOR_MS = 10_000;

/** The game behind a link, with the plays left today. A primed answer for the same link is taken once. */
export function resolveGame(p: QrParams): Promise<GameConfig> {
  const ready = primed?.path === gamePath(p) && Date.now() - primed.at < PRIMED_FOR_MS ? primed.answer : null;
  primed = null;
  return ready ?? api.post<GameConfig>("/api/games/resolve", p);
}

/**
 * A cold start from a store's QR asks for its game right after the boot sign-in (app/boot.ts), while React renders
 * and the game page's chunk arrives, instead of once that page has mounted.
 */
export function primeResolveGame(p: QrParams) {
  const answer = api.post<GameConfig>("/api/games/resolve", p);
  answer.catch(() => {}); // a failure is the page's to show, when it takes this answer
  primed = { path: gamePath(p), at: Date.now(), answer };
}

/** The server draws; the browser only animates to what it drew. `requestId` makes a retried tap idempotent. */
export const playGame = (p: QrParams, requestId: string) => api.post<PlayResult>("/api/games/play", { ...p, requestId });

export const fetchDraw = (id: string) => api.get<{ draw: GameDraw }>(`/api/games/draws/${encodeURIComponent(id)}`).then((r) => r.draw);
