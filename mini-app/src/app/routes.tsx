import { lazy, Suspense } from "react";
import { Route } from "react-router-dom";
import { AnimationRoutes, Spinner } from "zmp-ui";
import { HomePage } from "../features/home/home-page";
import { homeCards } from "./home-cards";

// Home ships in the entry chunk; every other route is its own chunk.
const AccountPage = lazy(() => import("../features/account/account-page"));

function Lazy({ children }: { children: React.ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="mc-center">
          <Spinner visible />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

export function AppRoutes() {
  return (
    <AnimationRoutes>
      <Route path="/" element={<HomePage cards={homeCards} />} />
      <Route
        path="/account"
        element={
          <Lazy>
            <AccountPage />
          </Lazy>
        }
      />
    </AnimationRoutes>
  );
}
