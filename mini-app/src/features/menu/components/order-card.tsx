import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { ChevronRight, Coffee, ReceiptText } from "lucide-react";
import { Card } from "../../../components/card";
import { zalo } from "../../../zalo";
import { menuPath, placeFromSearch, placeOf } from "../entry";
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

  useEffect(() => {
    if (coldStartHandled) return;
    coldStartHandled = true;
    const p = placeOf(zalo.getRouteParams());
    if (p) navigate(menuPath(p), NO_ANIMATION);
  }, [navigate]);

  useEffect(() => {
    if (pathname !== "/" && pathname !== "") return;
    const p = placeFromSearch(search);
    if (p) navigate(menuPath(p), NO_ANIMATION);
  }, [pathname, search, navigate]);

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
