import { useEffect, useRef } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { BottomNavigation } from "zmp-ui";
import { zalo } from "../zalo";
import { useCustomer } from "../session";
import { tabOf, tabs as allTabs } from "./tabs";
import { openAppTarget } from "../lib/checkout-return";

export function BottomNav() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const [customer] = useCustomer();
  const tabs = allTabs.filter((t) => !t.roles || t.roles.includes(customer.role));
  const active = tabOf(tabs, pathname)?.path ?? "/";
  return (
    <BottomNavigation fixed activeKey={active} onChange={(key) => navigate(key, { animate: false } as never)} className="mc-bottom-nav">
      {tabs.map(({ path, label, icon: Icon }) => (
        <BottomNavigation.Item
          key={path}
          itemKey={path}
          label={label}
          icon={<Icon size={22} strokeWidth={1.8} />}
          activeIcon={<Icon size={22} strokeWidth={2.4} />}
        />
      ))}
    </BottomNavigation>
  );
}

/**
 * Warm start: Zalo reopens the running app with a new path (another QR scanned, a link tapped, or Checkout's
 * redirect after the payment sheet: then back to the order being paid, not home).
 */
export function OpenAppListener() {
  const navigate = useNavigate();
  const location = useLocation();
  const here = useRef(location.pathname);
  here.current = location.pathname;
  useEffect(
    () =>
      zalo.onOpenApp((path) => {
        const to = openAppTarget(path);
        // Already there (the order page listens itself): no new history entry, no remount.
        if (to !== here.current) navigate(to);
      }),
    [navigate],
  );
  return null;
}
