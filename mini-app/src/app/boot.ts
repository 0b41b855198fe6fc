import { startBootSignIn } from "../session";
import { primeLoyalty } from "../lib/loyalty";
import { pendingColdStartQr } from "../features/games/qr-entry";
import { primeResolveGame } from "../features/games/api";

/**
 * What the first paint waits for, started before React's first render instead of one render later: the sign-in,
 * and with it either the home's loyalty data (in its answer) or, on a cold start from a store's QR, the game's chunk
 * (fetched while signing in) and the game itself (asked for as soon as there is a token).
 */
export function boot() {
  const signedIn = startBootSignIn();
  const qr = pendingColdStartQr();
  if (qr) {
    void import("../features/games/game-page");
    // Home is not primed: a play may change the points before it shows, so it asks the server then.
    void signedIn.then(
      () => primeResolveGame(qr),
      () => {},
    );
  } else {
    void signedIn.then(primeLoyalty, () => {});
  }
}
