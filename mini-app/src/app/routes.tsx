import { lazy, Suspense } from "react";
import { Route } from "react-router-dom";
import { AnimationRoutes, Spinner } from "zmp-ui";
import { HomePage } from "../features/home/home-page";
import { homeCards } from "./home-cards";
import { COUNTER_PATH, STAFF_CUSTOMER_ROUTE } from "../lib/staff-links";
import { pendingColdStartGame } from "../features/games/qr-entry";

// Home ships in the entry chunk; every other route is its own chunk.
const AccountPage = lazy(() => import("../features/account/account-page"));
const PrefsPage = lazy(() => import("../features/prefs/prefs-page"));
const PointsHistoryPage = lazy(() => import("../features/wallet/points-history-page"));
const VouchersPage = lazy(() => import("../features/vouchers/vouchers-page"));
const VoucherDetailPage = lazy(() => import("../features/vouchers/voucher-detail-page"));
const CounterPage = lazy(() => import("../features/staff/counter-page"));
const GamePage = lazy(() => import("../features/games/game-page"));
const MenuPage = lazy(() => import("../features/menu/menu-page"));
const CartPage = lazy(() => import("../features/cart/cart-page"));
const OrdersPage = lazy(() => import("../features/orders/orders-page"));
const OrderStatusPage = lazy(() => import("../features/orders/order-status-page"));
const StaffOrdersPage = lazy(() => import("../features/staff-orders/staff-orders-page"));
const RatingPage = lazy(() => import("../features/rating/rating-page"));
const StaffCustomerPage = lazy(() => import("../features/staff-customer/staff-customer-page"));

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

/** Home, except on a cold start from a store's QR: QrEntry is about to open the game, so no home flashes first. */
function HomeRoute() {
  if (pendingColdStartGame()) {
    return (
      <div className="mc-center" data-testid="game-opening">
        <Spinner visible />
      </div>
    );
  }
  return <HomePage cards={homeCards} />;
}

export function AppRoutes() {
  return (
    <AnimationRoutes>
      <Route path="/" element={<HomeRoute />} />
      <Route
        path="/game"
        element={
          <Lazy>
            <GamePage walletPath="/vouchers?view=wallet" />
          </Lazy>
        }
      />
      <Route
        path="/points"
        element={
          <Lazy>
            <PointsHistoryPage />
          </Lazy>
        }
      />
      <Route
        path="/vouchers"
        element={
          <Lazy>
            <VouchersPage />
          </Lazy>
        }
      />
      <Route
        path="/vouchers/:id"
        element={
          <Lazy>
            <VoucherDetailPage />
          </Lazy>
        }
      />
      <Route
        path={COUNTER_PATH}
        element={
          <Lazy>
            <CounterPage />
          </Lazy>
        }
      />
      <Route
        path="/message-prefs"
        element={
          <Lazy>
            <PrefsPage />
          </Lazy>
        }
      />
      <Route
        path="/menu"
        element={
          <Lazy>
            <MenuPage />
          </Lazy>
        }
      />
      <Route
        path="/menu/cart"
        element={
          <Lazy>
            <CartPage />
          </Lazy>
        }
      />
      <Route
        path="/orders"
        element={
          <Lazy>
            <OrdersPage />
          </Lazy>
        }
      />
      <Route
        path="/orders/:id"
        element={
          <Lazy>
            <OrderStatusPage />
          </Lazy>
        }
      />
      <Route
        path="/rate/:orderId"
        element={
          <Lazy>
            <RatingPage />
          </Lazy>
        }
      />
      <Route
        path="/staff/orders"
        element={
          <Lazy>
            <StaffOrdersPage />
          </Lazy>
        }
      />
      <Route
        path={STAFF_CUSTOMER_ROUTE}
        element={
          <Lazy>
            <StaffCustomerPage />
          </Lazy>
        }
      />
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
