import { startBootSignIn } from "../session";
import { primeMeWithLoyalty } from "../lib/loyalty";
import { pendingColdStartGame } from "../features/games/qr-entry";

/**
 * What the first paint waits for, started before React's first render instead of one render later: the sign-in,
 * then either the game chunk of a cold start from a store's QR (fetched while signing in) or the home's data.
 */
export function boot() {
  const signedIn = startBootSignIn();
  if (pendingColdStartGame()) void import("../features/games/game-page");
  else void signedIn.then(primeMeWithLoyalty, () => {});
}
