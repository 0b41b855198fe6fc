import { RecoilRoot } from "recoil";
import { App as ZaUIApp, SnackbarProvider, ZMPRouter } from "zmp-ui";
import { SessionGate } from "./session-gate";
import { AppRoutes } from "./routes";
import { BottomNav, OpenAppListener } from "./layout";
import { QrEntry } from "../features/games/qr-entry";
import { CartSync } from "../lib/cart-sync";
import { RateEntry } from "../features/rating/rate-entry";

// Inside Zalo the URL is /zapps/<appId>/…; anywhere else (demo, tests, a plain browser) use an in-memory router.
const inZalo = typeof window !== "undefined" && window.location.pathname.startsWith("/zapps/");

export function App() {
  return (
    <RecoilRoot>
      <ZaUIApp>
        <SnackbarProvider>
          <SessionGate>
            <CartSync />
            <ZMPRouter memoryRouter={!inZalo}>
              <OpenAppListener />
              <QrEntry />
              <RateEntry />
              <AppRoutes />
              <BottomNav />
            </ZMPRouter>
          </SessionGate>
        </SnackbarProvider>
      </ZaUIApp>
    </RecoilRoot>
  );
}
