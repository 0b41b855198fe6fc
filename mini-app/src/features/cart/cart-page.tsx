import { useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { useSetRecoilState } from "recoil";
import { Page, Spinner } from "zmp-ui";
import {
  AlertCircle,
  Banknote,
  ChevronRight,
  Clock,
  Minus,
  Plus,
  ShoppingBag,
  Store as StoreIcon,
  TicketPercent,
  Trash2,
  UtensilsCrossed,
  Wallet,
} from "lucide-react";
import type { PaymentMethod, Quote, Voucher } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { ApiError } from "@mc/web/api-client";
import { toFailure } from "../../session";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../components/use-toast";
import { BackHeader } from "../../components/back-header";
import { fmtVnd } from "@mc/web/format";
import { newRequestId } from "@mc/web/request-id";
import { voucherLabel } from "../../lib/voucher-labels";
import { storeName, useOrderingPlace } from "../../lib/ordering-place";
import { ProductImage } from "../../components/product-image";
import { MAX_QTY, useCart } from "../../lib/cart";
import { useLoad } from "../../lib/use-load";
import { hoursRefusal, statusLine, storeInfoState } from "../../lib/store-status";
import { fetchPickupSlots, placeOrder, quoteCart } from "./api";
import { voucherProblem } from "./labels";
import { VoucherSheet } from "./components/voucher-sheet";
import { PickupTimes } from "./components/pickup-times";
import "./cart.css";

/** Refusals about the store's hours or state: say so, and ask for its times again. */
const HOURS_CODES = new Set<string>([ErrorCode.PICKUP_OUTSIDE_HOURS, ErrorCode.STORE_CLOSED, ErrorCode.STORE_UNAVAILABLE]);
type QuoteState =
  { status: "loading" } | { status: "ok"; quote: Quote; voucherApplied: boolean } | { status: "error"; code: string; message: string; productId?: string };

/** The cart: lines, voucher, pickup time or table, payment; every total shown is the server's quote. */
export default function CartPage() {
  const navigate = useNavigate();
  const toast = useToast();
  const { place, known } = useOrderingPlace();
  const cart = useCart(place.storeId);
  const [voucher, setVoucher] = useState<Voucher | null>(null);
  const [voucherError, setVoucherError] = useState<string | null>(null);
  const [sheet, setSheet] = useState(false);
  const [quote, setQuote] = useState<QuoteState>({ status: "loading" });
  const [slot, setSlot] = useState<string | null>(null);
  const [table, setTable] = useState(place.table ?? "");
  const [payment, setPayment] = useState<PaymentMethod>("counter");
  const [busy, setBusy] = useState(false);
  const [nonce, setNonce] = useState(0);
  const requestId = useRef(newRequestId("ord"));
  const setStoreInfo = useSetRecoilState(storeInfoState);
  const seq = useRef(0);

  const items = useMemo(() => cart.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, optionIds: l.optionIds })), [cart.lines]);
  const itemsKey = JSON.stringify(items);

  useEffect(() => setTable(place.table ?? ""), [place.table]);

  // The store's pickup times and open/closed state, from the server's clock (a phone's may be wrong); again every
  // minute, so the earliest time moves on while the cart is open.
  const slots = useLoad(() => fetchPickupSlots(place.storeId!), [place.storeId], { enabled: !!place.storeId, pollMs: 60_000 });
  const view = slots.data;
  useEffect(() => {
    if (!view) return;
    setStoreInfo((prev) => ({ ...prev, [view.store.id]: view.store }));
    // Keep the shopper's pick while it is still offered; otherwise the earliest.
    setSlot((cur) => (cur && view.days.some((d) => d.slots.includes(cur)) ? cur : (view.days[0]?.slots[0] ?? null)));
  }, [view, setStoreInfo]);

  // Quote on every change (debounced). A voucher that does not apply shows why, and the cart is quoted without it.
  // Not useLoad: debounced, and two requests (with, then without the voucher) make one answer with its error's details.
  useEffect(() => {
    if (!place.storeId || items.length === 0) return;
    const my = ++seq.current;
    setQuote({ status: "loading" });
    const t = window.setTimeout(async () => {
      const storeId = place.storeId!;
      try {
        if (voucher) {
          try {
            const q = await quoteCart({ storeId, items, voucherId: voucher.id });
            if (my !== seq.current) return;
            setVoucherError(null);
            setQuote({ status: "ok", quote: q, voucherApplied: true });
            return;
          } catch (e) {
            const problem = e instanceof ApiError ? voucherProblem(e.code, e.details) : null;
            if (!problem) throw e;
            if (my !== seq.current) return;
            setVoucherError(problem);
          }
        } else setVoucherError(null);
        const q = await quoteCart({ storeId, items });
        if (my !== seq.current) return;
        setQuote({ status: "ok", quote: q, voucherApplied: false });
      } catch (e) {
        if (my !== seq.current) return;
        const f = toFailure(e);
        const productId = e instanceof ApiError ? (e.details as { productId?: string } | undefined)?.productId : undefined;
        setQuote({ status: "error", code: f.code, message: f.message, productId });
      }
    }, 250);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [place.storeId, itemsKey, voucher?.id, nonce]);

  const q = quote.status === "ok" ? quote.quote : null;
  const tableMode = !!place.table;
  const closedForTable = tableMode && !!view && !view.store.status.openNow;
  const canOrder = !!q && !busy && !!view && (tableMode ? table.trim().length > 0 && !closedForTable : !!slot);

  async function submit() {
    if (!q || !place.storeId) return;
    setBusy(true);
    try {
      const { order } = await placeOrder({
        storeId: place.storeId,
        items,
        voucherId: quote.status === "ok" && quote.voucherApplied ? voucher?.id : undefined,
        pickup: tableMode ? { type: "table", table: table.trim() } : { type: "pickup", at: slot! },
        payment,
        expectedTotal: q.totalVnd,
        requestId: requestId.current,
      });
      requestId.current = newRequestId("ord");
      cart.clear();
      navigate(`/orders/${order.id}`, { replace: true, state: { pay: true } }); // both go through Checkout (cash as COD)
    } catch (e) {
      const f = toFailure(e);
      const vp = e instanceof ApiError ? voucherProblem(f.code, e.details) : null;
      const hours =
        HOURS_CODES.has(f.code) && e instanceof ApiError ? hoursRefusal(f.code, e.details, view ? Date.parse(view.store.status.at) : Date.now()) : null;
      if (hours) {
        // The hours changed since the times were listed (a holiday added, the store closed): list them again.
        toast.error(hours);
        void slots.reload();
      } else if (vp) {
        // e.g. VOUCHER_IN_USE (only placing knows): drop the voucher, say why, re-quote without it.
        setVoucher(null);
        toast.error(vp);
      } else if (f.code === ErrorCode.ORDER_TOTAL_MISMATCH || f.code === ErrorCode.PRODUCT_UNAVAILABLE || f.code === ErrorCode.OPTION_INVALID) {
        toast.error(describeError(f.code).title);
        // Re-quote so the screen shows the server's current total or the line that needs attention.
        const productId = e instanceof ApiError ? (e.details as { productId?: string } | undefined)?.productId : undefined;
        if (f.code === ErrorCode.ORDER_TOTAL_MISMATCH) setNonce((n) => n + 1);
        else {
          seq.current++;
          setQuote({ status: "error", code: f.code, message: f.message, productId });
        }
      } else {
        toast.error(describeError(f.code).title);
      }
    } finally {
      setBusy(false);
    }
  }

  if (!place.storeId || cart.lines.length === 0) {
    return (
      <Page className="mc-page ord-page" hideScrollbar>
        <BackHeader title="Giỏ hàng" fallback="/menu" />
        <div className="mcl-empty" data-testid="cart-empty">
          <ShoppingBag size={44} />
          <p>Giỏ hàng đang trống</p>
          <span className="mc-muted">Chọn món bạn thích từ thực đơn nhé.</span>
          <button className="mc-btn primary ord-empty-btn" onClick={() => navigate("/menu")}>
            Xem thực đơn
          </button>
        </div>
      </Page>
    );
  }

  const lineOf = (i: number) => (q ? q.lines[i] : undefined);
  return (
    <Page className="mc-page ord-page ord-has-footer" hideScrollbar>
      <BackHeader title="Giỏ hàng" fallback="/menu" />
      <div className="mc-content">
        <section className="mc-card ord-place-row">
          <span className="ord-store-icon">{tableMode ? <UtensilsCrossed size={20} /> : <StoreIcon size={20} />}</span>
          <div className="ord-store-main">
            <span className="mc-muted">{tableMode ? "Gọi món tại bàn" : "Đến lấy tại"}</span>
            {/* The server's name (a phone opening a reminder's link may know only the store's id) */}
            <b data-testid="cart-store">{view?.store.id === place.storeId ? view.store.name : storeName(known, place.storeId)}</b>
            {view ? (
              <span
                className={`ord-store-status${view.store.status.openNow ? " open" : ""}`}
                data-testid="cart-store-status"
                data-open={view.store.status.openNow}
              >
                <Clock size={13} /> {statusLine(view.store)}
              </span>
            ) : null}
          </div>
        </section>

        <section className="mc-card ord-lines" data-testid="cart-lines">
          {cart.lines.map((l, i) => {
            const priced = lineOf(i);
            const bad = quote.status === "error" && quote.productId === l.productId;
            return (
              <div className={`ord-line${bad ? " bad" : ""}`} key={l.key} data-testid="cart-line">
                <ProductImage src={l.imageUrl} name={l.name} size={56} radius={12} />
                <div className="ord-line-main">
                  <span className="ord-line-name">{l.name}</span>
                  {l.optionNames.length ? <span className="ord-line-opts">{l.optionNames.join(", ")}</span> : null}
                  {bad ? <span className="ord-line-bad">{describeError(quote.code).title}</span> : null}
                  <div className="ord-line-foot">
                    <b data-testid="line-total">{priced ? fmtVnd(priced.lineTotalVnd) : fmtVnd(l.unitPriceVnd * l.quantity)}</b>
                    <div className="ord-stepper small">
                      <button onClick={() => cart.setQuantity(l.key, l.quantity - 1)} aria-label={l.quantity === 1 ? "Xóa món" : "Bớt"}>
                        {l.quantity === 1 ? <Trash2 size={15} /> : <Minus size={15} />}
                      </button>
                      <span data-testid="line-qty">{l.quantity}</span>
                      <button onClick={() => cart.setQuantity(l.key, l.quantity + 1)} disabled={l.quantity >= MAX_QTY} aria-label="Thêm">
                        <Plus size={15} />
                      </button>
                    </div>
                  </div>
                </div>
              </div>
            );
          })}
          <button className="mcl-link ord-more" onClick={() => navigate("/menu")}>
            <Plus size={16} /> Thêm món
          </button>
        </section>

        <button className="mc-card ord-row-btn" onClick={() => setSheet(true)} data-testid="open-vouchers">
          <span className="ord-row-icon">
            <TicketPercent size={20} />
          </span>
          <span className="ord-row-text">
            <b>{voucher ? voucherLabel(voucher.campaign) : "Chọn voucher"}</b>
            <small data-testid="voucher-state" className={voucherError ? "warn" : voucher && quote.status === "ok" && quote.voucherApplied ? "ok" : ""}>
              {voucher
                ? (voucherError ?? (quote.status === "ok" && quote.voucherApplied ? `Đã áp dụng: ${voucher.campaign.name}` : "Đang kiểm tra…"))
                : "Dùng ưu đãi trong ví voucher của bạn"}
            </small>
          </span>
          <ChevronRight size={18} />
        </button>

        <section className="mc-card">
          {tableMode ? (
            <label className="ord-field">
              <span className="ord-field-label">
                <UtensilsCrossed size={16} /> Số bàn
              </span>
              <input className="ord-input" value={table} maxLength={20} onChange={(e) => setTable(e.target.value)} data-testid="table-input" inputMode="text" />
              {closedForTable ? (
                <span className="ord-closed-note" role="alert" data-testid="table-closed">
                  Cửa hàng đang đóng cửa: chưa gọi món tại bàn được
                </span>
              ) : null}
            </label>
          ) : (
            <PickupTimes view={view} error={slots.error} selected={slot} onPick={setSlot} onRetry={slots.retry} />
          )}
        </section>

        <section className="mc-card">
          <span className="ord-field-label">Thanh toán</span>
          <div className="ord-pay" role="radiogroup" aria-label="Thanh toán">
            <button
              role="radio"
              aria-checked={payment === "counter"}
              className={payment === "counter" ? "on" : ""}
              onClick={() => setPayment("counter")}
              data-testid="pay-counter"
            >
              <Banknote size={22} />
              <span>
                <b>Trả tại quầy</b>
                <small>Tiền mặt, thẻ hoặc chuyển khoản khi nhận món</small>
              </span>
            </button>
            <button
              role="radio"
              aria-checked={payment === "zalopay"}
              className={payment === "zalopay" ? "on" : ""}
              onClick={() => setPayment("zalopay")}
              data-testid="pay-zalo"
            >
              <Wallet size={22} />
              <span>
                <b>Thanh toán qua Zalo</b>
                <small>ZaloPay, ví điện tử, thẻ ngân hàng</small>
              </span>
            </button>
          </div>
        </section>

        <section className="mc-card ord-totals" data-testid="cart-totals">
          {quote.status === "error" && !quote.productId ? (
            <div className="mcl-inline-error" role="alert">
              <span>
                <AlertCircle size={16} /> {describeError(quote.code).title}
              </span>
              <button className="mcl-link" onClick={() => setNonce((n) => n + 1)}>
                Thử lại
              </button>
            </div>
          ) : null}
          <div className="ord-total-row">
            <span>Tạm tính</span>
            <span data-testid="subtotal">{q ? fmtVnd(q.subtotalVnd) : "…"}</span>
          </div>
          {q && q.discountVnd > 0 ? (
            <div className="ord-total-row discount">
              <span>Giảm giá voucher</span>
              <span data-testid="discount">−{fmtVnd(q.discountVnd)}</span>
            </div>
          ) : null}
          <div className="ord-total-row grand">
            <span>Tổng cộng</span>
            <span data-testid="total">{q ? fmtVnd(q.totalVnd) : quote.status === "loading" ? <Spinner visible /> : "—"}</span>
          </div>
        </section>
      </div>

      <div className="ord-footer">
        <button className="mc-btn primary" disabled={!canOrder} onClick={() => void submit()} data-testid="place-order">
          {busy ? "Đang đặt món…" : q ? `${payment === "zalopay" ? "Đặt và thanh toán" : "Đặt món"} · ${fmtVnd(q.totalVnd)}` : "Đang tính tiền…"}
        </button>
      </div>

      {sheet ? (
        <VoucherSheet
          storeId={place.storeId}
          selected={voucher?.id ?? null}
          onClose={() => setSheet(false)}
          onPick={(v) => {
            setVoucher(v);
            setVoucherError(null);
            setSheet(false);
          }}
        />
      ) : null}
    </Page>
  );
}
