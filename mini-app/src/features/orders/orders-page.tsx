import { useNavigate } from "react-router-dom";
import { Page, Spinner } from "zmp-ui";
import { ChevronRight, ReceiptText } from "lucide-react";
import { describeError } from "@mc/web/error-messages";
import { BackHeader } from "../../components/back-header";
import { fmtDateTime, fmtVnd } from "@mc/web/format";
import { useLoad } from "../../lib/use-load";
import { fetchMyOrders } from "./api";
import { statusLabel } from "../../lib/order-labels";
import { linesSummary } from "./labels";
import "./orders.css";

/** My orders, newest first; live ones on top of the list are refreshed every few seconds. */
export default function OrdersPage() {
  const navigate = useNavigate();
  const {
    data: orders,
    error,
    retry,
  } = useLoad(fetchMyOrders, [], { pollMs: (list) => (list?.some((o) => o.status !== "completed" && o.status !== "cancelled") ? 5000 : null) });

  return (
    <Page className="mc-page ord-page" hideScrollbar>
      <BackHeader title="Đơn của tôi" fallback="/menu" />
      <div className="mc-content">
        {error ? (
          <div className="mcl-inline-error" role="alert">
            <span>{describeError(error).title}</span>
            <button className="mcl-link" onClick={retry}>
              Thử lại
            </button>
          </div>
        ) : !orders ? (
          <div className="mcl-loading">
            <Spinner visible />
          </div>
        ) : orders.length === 0 ? (
          <div className="mcl-empty" data-testid="orders-empty">
            <ReceiptText size={40} />
            <p>Bạn chưa có đơn hàng nào</p>
            <button className="mc-btn primary ord-empty-btn" onClick={() => navigate("/menu")}>
              Đặt món ngay
            </button>
          </div>
        ) : (
          orders.map((o) => (
            <button key={o.id} className="mc-card ord-history" onClick={() => navigate(`/orders/${o.id}`)} data-testid="order-row" data-status={o.status}>
              <span className="ord-history-top">
                <b>Đơn {o.code}</b>
                <span className={`ord-pill status-${o.status}`}>{statusLabel[o.status]}</span>
              </span>
              <span className="ord-history-lines">{linesSummary(o)}</span>
              <span className="ord-history-foot">
                <span className="mc-muted">{fmtDateTime(o.createdAt)}</span>
                <b>
                  {fmtVnd(o.totalVnd)} <ChevronRight size={16} />
                </b>
              </span>
            </button>
          ))
        )}
      </div>
    </Page>
  );
}
