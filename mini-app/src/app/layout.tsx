import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { BottomNavigation } from "zmp-ui";
import { zalo } from "../zalo";
import { useCustomer } from "../session";
import { tabOf, tabs as allTabs } from "./tabs";

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

/** Warm start: Zalo reopens the running app with a new path (another QR scanned, a link tapped). */
export function OpenAppListener() {
  const navigate = useNavigate();
  useEffect(() => zalo.onOpenApp((path) => navigate(path.startsWith("/") ? path : `/${path}`)), [navigate]);
  return null;
}
