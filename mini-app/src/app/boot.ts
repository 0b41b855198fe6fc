import { startBootSignIn } from "../session";
import { primeLoyalty } from "../lib/loyalty";
import { pendingColdStartGame } from "../features/games/qr-entry";

/**
 * What the first paint waits for, started before React's first render instead of one render later: the sign-in
 * and with it either the home's loyalty data (in its answer) or, on a cold start from a store's QR, the game's chunk.
 */
export function boot() {
  const signedIn = startBootSignIn();
  // A game opens first: its play may change the points before home shows, so home asks the server then.
  if (pendingColdStartGame()) void import("../features/games/game-page");
  else void signedIn.then(primeLoyalty, () => {});
}
