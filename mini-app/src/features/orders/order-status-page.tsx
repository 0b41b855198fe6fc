import { useCallback, useEffect, useRef, useState } from "react";
import { useLocation, useNavigate, useParams } from "react-router-dom";
import { Page, Spinner } from "zmp-ui";
import { BellRing, Check, CheckCircle2, ChefHat, Clock, Coins, CreditCard, PackageCheck, ReceiptText, UtensilsCrossed, XCircle } from "lucide-react";
import type { OrderStatus } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { toFailure } from "../../session";
import { zalo as zaloSdk, ZaloError } from "../../zalo";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../components/use-toast";
import { BackHeader } from "../../components/back-header";
import { fmtDateTime, fmtNumber } from "@mc/web/format";
import { useLoyalty } from "../../lib/loyalty";
import { useLoad } from "../../lib/use-load";
import { cancelMyOrder, fetchMyOrder, fetchPayment, payWithZalo } from "./api";
import { pickupLabel } from "../../lib/order-labels";
import { paymentLabel, statusHeadline, STEPS } from "./labels";
import { OrderLines } from "./components/order-lines";
import { CancelSheet } from "../../components/cancel-sheet";
import { paymentCheckDelay } from "../../lib/checkout-return";
import "./orders.css";

const POLL_MS = 3000;
const FINAL: OrderStatus[] = ["completed", "cancelled"];
const ICON: Record<OrderStatus, typeof Clock> = { placed: Clock, confirmed: ChefHat, ready: BellRing, completed: PackageCheck, cancelled: XCircle };
const SHOPPER_REASONS = ["Tôi muốn đổi món", "Tôi đặt nhầm cửa hàng", "Tôi không đến kịp"];

/**
 * One order, polled until it is completed or cancelled; pays through Zalo Checkout (a counter order as COD). The
 * sheet runs outside the app: createOrder resolves when it opens, the end comes as PaymentDone / a reopen, which
 * reload at once; meanwhile the payment is checked with backoff (each check may ask Zalo), never every poll.
 */
export default function OrderStatusPage() {
  const { id = "" } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const toast = useToast();
  const [paying, setPaying] = useState(false);
  const [cancelling, setCancelling] = useState<"closed" | "open" | "busy">("closed");
  const { loyalty, refresh: refreshLoyalty } = useLoyalty({ refreshOnMount: false });
  const autoPay = useRef((location.state as { pay?: boolean } | null)?.pay === true);
  const payCheck = useRef({ attempt: 0, next: 0 });

  const {
    data: order,
    error,
    retry,
    reload: load,
    setData: setOrder,
  } = useLoad(
    async () => {
      let o = await fetchMyOrder(id);
      // Zalo payment not confirmed yet: now and then ask the server, which checks Zalo when the callback is late.
      const c = payCheck.current;
      if (o.payment === "zalopay" && o.paymentStatus === "pending" && o.status !== "cancelled" && Date.now() >= c.next) {
        c.next = Date.now() + paymentCheckDelay(c.attempt++);
        const p = await fetchPayment(id).catch(() => null);
        if (p && p.paymentStatus !== o.paymentStatus) o = await fetchMyOrder(id);
      }
      return o;
    },
    [id],
    { pollMs: (o) => (o && !FINAL.includes(o.status) && !paying ? POLL_MS : null) },
  );

  // The sheet closed (PaymentDone) or Zalo reopened the app here: look now, and check the payment afresh.
  useEffect(() => {
    const now = () => {
      payCheck.current = { attempt: 0, next: 0 };
      void load();
    };
    const offDone = zaloSdk.onPaymentDone(now);
    const offOpen = zaloSdk.onOpenApp(now);
    return () => {
      offDone();
      offOpen();
    };
  }, [load]);

  const pay = useCallback(
    async (counter = false) => {
      setPaying(true);
      try {
        await payWithZalo(id);
        payCheck.current = { attempt: 0, next: 0 };
      } catch (e) {
        // Pay at the counter still stands without the COD sheet (a shop without Checkout, a refused sheet).
        if (counter) return;
        if (e instanceof ZaloError) {
          if (e.zaloCode !== -2003 && e.zaloCode !== -1401) toast.error("Chưa mở được thanh toán Zalo, hãy thử lại");
        } else {
          const code = toFailure(e).code;
          toast.error(describeError(code).title);
        }
      } finally {
        setPaying(false);
        void load();
      }
    },
    [id, load, toast],
  );

  // Fresh from the cart with "pay through Zalo": open Checkout once.
  useEffect(() => {
    if (!order || !autoPay.current) return;
    autoPay.current = false;
    navigate(location.pathname, { replace: true, state: null, animate: false } as never);
    if (order.paymentStatus === "unpaid") void pay(order.payment === "counter");
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order?.id]);

  useEffect(() => {
    if (order?.status === "completed") void refreshLoyalty();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order?.status === "completed"]);

  async function cancel(reason: string) {
    setCancelling("busy");
    try {
      setOrder(await cancelMyOrder(id, reason));
      setCancelling("closed");
      toast.success("Đã hủy đơn");
    } catch (e) {
      const code = toFailure(e).code;
      toast.error(describeError(code).title);
      setCancelling("open");
      void load();
    }
  }

  if (!order) {
    return (
      <Page className="mc-page ord-page" hideScrollbar>
        <BackHeader title="Đơn hàng" fallback="/orders" />
        {error ? (
          <div className="mc-content">
            <div className="mcl-inline-error" role="alert">
              <span>{error === ErrorCode.ORDER_NOT_FOUND ? "Không tìm thấy đơn hàng" : describeError(error).title}</span>
              <button className="mcl-link" onClick={retry}>
                Thử lại
              </button>
            </div>
          </div>
        ) : (
          <div className="mcl-loading">
            <Spinner visible />
          </div>
        )}
      </Page>
    );
  }

  const head = statusHeadline(order);
  const Icon = ICON[order.status];
  const stepIndex = STEPS.findIndex((s) => s.status === order.status);
  const needsPay = order.payment === "zalopay" && order.status !== "cancelled" && order.paymentStatus !== "paid" && order.paymentStatus !== "refund_due";
  return (
    <Page className="mc-page ord-page" hideScrollbar>
      <BackHeader title={`Đơn ${order.code}`} fallback="/orders" />
      <div className="mc-content">
        <section className={`mc-card ord-status-hero status-${order.status}`} data-testid="order-status" data-status={order.status}>
          <span className="ord-status-icon">
            <Icon size={30} />
          </span>
          <h2 data-testid="order-status-title">{head.title}</h2>
          {head.sub ? <p>{head.sub}</p> : null}
          <span className="ord-code">
            Mã đơn <b data-testid="order-code">{order.code}</b>
          </span>
          {order.status !== "cancelled" ? (
            <ol className="ord-steps" aria-label="Tiến trình đơn hàng">
              {STEPS.map((s, i) => (
                <li key={s.status} className={i < stepIndex ? "done" : i === stepIndex ? "now" : ""}>
                  <span className="ord-step-dot">{i <= stepIndex ? <Check size={13} strokeWidth={3} /> : null}</span>
                  <span className="ord-step-label">{s.label}</span>
                </li>
              ))}
            </ol>
          ) : null}
        </section>

        {order.status === "completed" && order.pointsEarned > 0 ? (
          <section className="mc-card ord-points" data-testid="order-points">
            <span className="ord-points-icon">
              <Coins size={22} />
            </span>
            <div>
              <b>+{fmtNumber(order.pointsEarned)} điểm</b>
              <span className="mc-muted" data-testid="points-after-order">
                {loyalty ? `Số dư hiện tại: ${fmtNumber(loyalty.balance)} điểm` : "Đang cập nhật số dư…"}
              </span>
            </div>
          </section>
        ) : null}

        {needsPay ? (
          <section className="mc-card ord-pay-card" data-testid="pay-card">
            <p>
              <CreditCard size={18} />{" "}
              {order.paymentStatus === "failed"
                ? "Thanh toán chưa thành công."
                : order.paymentStatus === "pending"
                  ? "Đang chờ kết quả thanh toán…"
                  : "Đơn chờ thanh toán qua Zalo."}
            </p>
            <button className="mc-btn primary" onClick={() => void pay()} disabled={paying} data-testid="pay-now">
              {paying ? "Đang mở thanh toán…" : order.paymentStatus === "unpaid" ? "Thanh toán qua Zalo" : "Thanh toán lại"}
            </button>
          </section>
        ) : null}

        <section className="mc-card mc-list ord-facts">
          <div className="mc-row">
            <span className="mc-row-icon">{order.pickup.type === "table" ? <UtensilsCrossed size={18} /> : <Clock size={18} />}</span>
            <span className="mc-row-label">{order.pickup.type === "table" ? "Gọi tại bàn" : "Giờ nhận"}</span>
            <span className="mc-row-value" data-testid="order-pickup">
              {pickupLabel(order)}
            </span>
          </div>
          <div className="mc-row">
            <span className="mc-row-icon">
              <CreditCard size={18} />
            </span>
            <span className="mc-row-label">Thanh toán</span>
            <span className="mc-row-value" data-testid="order-payment">
              {paymentLabel(order)}
            </span>
          </div>
          <div className="mc-row">
            <span className="mc-row-icon">
              <ReceiptText size={18} />
            </span>
            <span className="mc-row-label">Đặt lúc</span>
            <span className="mc-row-value">{fmtDateTime(order.createdAt)}</span>
          </div>
        </section>

        <section className="mc-card">
          <OrderLines order={order} />
        </section>

        {order.status === "placed" && order.paymentStatus !== "paid" ? (
          <button className="mc-btn outline ord-cancel-btn" onClick={() => setCancelling("open")} data-testid="cancel-order">
            Hủy đơn
          </button>
        ) : null}
        {order.status === "completed" ? (
          <p className="ord-thanks">
            <CheckCircle2 size={16} /> Hoàn tất lúc {order.completedAt ? fmtDateTime(order.completedAt) : ""}
          </p>
        ) : null}
      </div>
      {cancelling !== "closed" ? (
        <CancelSheet reasons={SHOPPER_REASONS} busy={cancelling === "busy"} onClose={() => setCancelling("closed")} onConfirm={(r) => void cancel(r)} />
      ) : null}
    </Page>
  );
}
