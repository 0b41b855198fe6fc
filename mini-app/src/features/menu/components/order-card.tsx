import { useEffect, useRef } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { ChevronRight, Coffee, ReceiptText } from "lucide-react";
import { Card } from "../../../components/card";
import { zalo } from "../../../zalo";
import { useOrderingPlace } from "../../../lib/ordering-place";
import { menuPath, placeFromSearch, placeOf, type OrderQr } from "../entry";
import "../menu.css";

let coldStartHandled = false;
const NO_ANIMATION = { replace: true, animate: false } as never;

/**
 * Home: the way into ordering. It also forwards a table QR (`?store=…&table=…`, no `campaign`) to the menu:
 * on a cold start from getRouteParams() (once per page load), on a warm start from the "/?store=…" path.
 */
export function OrderCard() {
  const navigate = useNavigate();
  const { pathname, search } = useLocation();
  const { chooseStore } = useOrderingPlace();
  // The reminder's link opens that store's cart (the server's copy arrives through CartSync); a QR opens the menu.
  const open = (p: OrderQr) => {
    if (!p.openCart) return navigate(menuPath(p), NO_ANIMATION);
    chooseStore(p.store);
    navigate("/menu/cart", NO_ANIMATION);
  };
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    if (coldStartHandled) return;
    coldStartHandled = true;
    const p = placeOf(zalo.getRouteParams());
    if (p) openRef.current(p);
  }, []);

  useEffect(() => {
    if (pathname !== "/" && pathname !== "") return;
    const p = placeFromSearch(search);
    if (p) openRef.current(p);
  }, [pathname, search]);

  return (
    <Card icon={<Coffee size={20} />} title="Đặt món" testId="order-card">
      <p className="mc-muted">Đặt trước, đến quầy lấy ngay – hoặc quét mã QR trên bàn để gọi món tại chỗ.</p>
      <div className="mcl-actions">
        <button className="mcl-chip-btn" onClick={() => navigate("/menu")} data-testid="open-menu">
          <Coffee size={16} /> Xem thực đơn <ChevronRight size={16} />
        </button>
        <button className="mcl-chip-btn" onClick={() => navigate("/orders")} data-testid="open-my-orders">
          <ReceiptText size={16} /> Đơn của tôi <ChevronRight size={16} />
        </button>
      </div>
    </Card>
  );
}
