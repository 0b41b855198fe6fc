import { useState } from "react";
import { Page, Spinner } from "zmp-ui";
import { BellRing, ChefHat, Clock, Inbox, PackageCheck, Store as StoreIcon, UtensilsCrossed, Wallet } from "lucide-react";
import type { Order, OrderStatus } from "@mc/shared";
import { toFailure, useCustomer } from "../../session";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../components/use-toast";
import { BackHeader } from "../../components/back-header";
import { fmtTime, fmtVnd } from "@mc/web/format";
import { useCounterStore } from "../../lib/duty-store";
import { useLoad } from "../../lib/use-load";
import { pickupLabel, statusLabel } from "../../lib/order-labels";
import { fetchStoreOrders, moveOrder } from "./api";
import { CancelSheet } from "../../components/cancel-sheet";
import { DutyStoreCard } from "../../components/duty-store-card";
import { StaffOnly } from "../../components/staff-only";
import "./staff-orders.css";

const LIVE: OrderStatus[] = ["placed", "confirmed", "ready"];
const POLL_MS = 4000;
const STAFF_REASONS = ["Hết nguyên liệu", "Cửa hàng quá tải", "Khách không đến nhận", "Khách yêu cầu hủy"];
const NEXT: Partial<Record<OrderStatus, { to: "confirmed" | "ready" | "completed"; label: string; icon: typeof Clock }>> = {
  placed: { to: "confirmed", label: "Xác nhận", icon: ChefHat },
  confirmed: { to: "ready", label: "Đã xong món", icon: BellRing },
  ready: { to: "completed", label: "Hoàn tất", icon: PackageCheck },
};

function ago(iso: string, now: number) {
  const min = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  return min < 1 ? "vừa xong" : min < 60 ? `${min} phút trước` : `lúc ${fmtTime(iso)}`;
}

/** Staff "Đơn hàng": incoming orders at the store they are at, moved along or cancelled with a reason. */
export default function StaffOrdersPage() {
  const [customer] = useCustomer();
  const { stores, store, storeId, choose, error: storeError } = useCounterStore();
  const [filter, setFilter] = useState<OrderStatus>("placed");
  const [busy, setBusy] = useState<string | null>(null);
  const [cancelFor, setCancelFor] = useState<Order | null>(null);
  const [now, setNow] = useState(Date.now());
  const toast = useToast();

  // A store switch starts blank and drops answers still coming for the previous store.
  const {
    data: orders,
    error,
    retry,
    reload: load,
    setData: setOrders,
  } = useLoad(
    async () => {
      const list = await fetchStoreOrders(storeId!, LIVE);
      setNow(Date.now());
      return list;
    },
    [storeId],
    { enabled: storeId !== null, pollMs: POLL_MS },
  );

  async function move(o: Order, to: "confirmed" | "ready" | "completed" | "cancelled", reason?: string) {
    setBusy(o.id);
    try {
      const next = await moveOrder(o.id, to, reason);
      setOrders((list) => (list ? (LIVE.includes(next.status) ? list.map((x) => (x.id === next.id ? next : x)) : list.filter((x) => x.id !== next.id)) : list));
      if (to === "completed") toast.success(`Đơn ${o.code} hoàn tất${next.pointsEarned > 0 ? ` · khách được cộng ${next.pointsEarned} điểm` : ""}`);
      else if (to === "cancelled") toast.info(`Đã hủy đơn ${o.code}`);
      else toast.success(`Đơn ${o.code}: ${statusLabel[next.status]}`);
      if (to === "cancelled") setCancelFor(null);
    } catch (e) {
      const code = toFailure(e).code;
      toast.error(describeError(code).title);
      void load();
    } finally {
      setBusy(null);
    }
  }

  if (customer.role === "customer") return <StaffOnly title="Đơn hàng" testId="staff-orders-forbidden" />;

  const count = (s: OrderStatus) => orders?.filter((o) => o.status === s).length ?? 0;
  const shown = orders?.filter((o) => o.status === filter) ?? [];
  return (
    <Page className="mc-page ord-page" hideScrollbar>
      <BackHeader title="Đơn hàng" />
      <div className="mc-content">
        <DutyStoreCard stores={stores} store={store} storeId={storeId} choose={choose} testId="staff-orders-store" />

        <div className="ord-filter" role="tablist">
          {LIVE.map((s) => (
            <button
              key={s}
              role="tab"
              aria-selected={filter === s}
              className={filter === s ? "active" : ""}
              onClick={() => setFilter(s)}
              data-testid={`staff-filter-${s}`}
            >
              {s === "placed" ? "Mới" : s === "confirmed" ? "Đang làm" : "Chờ lấy"}
              <span className="ord-count">{count(s)}</span>
            </button>
          ))}
        </div>

        {storeError || error ? (
          <div className="mcl-inline-error" role="alert">
            <span>{describeError((storeError ?? error)!).title}</span>
            <button className="mcl-link" onClick={retry}>
              Thử lại
            </button>
          </div>
        ) : stores && !store ? (
          <div className="mcl-empty">
            <StoreIcon size={40} />
            <p>Bạn chưa được phân công cửa hàng nào</p>
          </div>
        ) : !orders ? (
          <div className="mcl-loading">
            <Spinner visible />
          </div>
        ) : shown.length === 0 ? (
          <div className="mcl-empty" data-testid="staff-orders-empty">
            <Inbox size={40} />
            <p>{filter === "placed" ? "Chưa có đơn mới" : filter === "confirmed" ? "Không có đơn đang làm" : "Không có đơn chờ lấy"}</p>
            <span className="mc-muted">Danh sách tự cập nhật mỗi vài giây.</span>
          </div>
        ) : (
          shown.map((o) => {
            const next = NEXT[o.status];
            const unpaidZalo = o.payment === "zalopay" && o.paymentStatus !== "paid";
            const blocked = next?.to === "confirmed" && unpaidZalo;
            return (
              <article
                key={o.id}
                className={`mc-card ord-ticket status-${o.status}`}
                data-testid="staff-order"
                data-order={o.id}
                data-code={o.code}
                data-status={o.status}
              >
                <header className="ord-ticket-head">
                  <span className="ord-ticket-code">#{o.code}</span>
                  <span className="ord-ticket-who">
                    <b>{o.customerName || "Khách"}</b>
                    <small>{ago(o.createdAt, now)}</small>
                  </span>
                  <span className={`ord-pill status-${o.status}`}>{statusLabel[o.status]}</span>
                </header>
                <div className="ord-ticket-tags">
                  <span className={`ord-tag${o.pickup.type === "table" ? " table" : ""}`}>
                    {o.pickup.type === "table" ? <UtensilsCrossed size={14} /> : <Clock size={14} />} {pickupLabel(o)}
                  </span>
                  <span className={`ord-tag${unpaidZalo ? " warn" : o.paymentStatus === "paid" ? " ok" : ""}`}>
                    <Wallet size={14} />{" "}
                    {o.payment === "counter"
                      ? o.paymentStatus === "paid"
                        ? "Đã thu tiền"
                        : "Thu tại quầy"
                      : o.paymentStatus === "paid"
                        ? "Đã trả qua Zalo"
                        : "Chờ trả qua Zalo"}
                  </span>
                </div>
                <ul className="ord-ticket-lines">
                  {o.lines.map((l, i) => (
                    <li key={i}>
                      <b>{l.quantity}×</b>
                      <span>
                        {l.name}
                        {l.options.length ? <small>{l.options.map((x) => x.name).join(", ")}</small> : null}
                      </span>
                    </li>
                  ))}
                </ul>
                <div className="ord-ticket-total">
                  <span>{o.discountVnd > 0 ? `Đã giảm ${fmtVnd(o.discountVnd)} (voucher)` : "Tổng cộng"}</span>
                  <b>{fmtVnd(o.totalVnd)}</b>
                </div>
                <div className="ord-ticket-actions">
                  <button className="mc-btn outline ord-danger-outline" onClick={() => setCancelFor(o)} disabled={busy === o.id} data-testid="staff-cancel">
                    Hủy
                  </button>
                  {next ? (
                    <button
                      className="mc-btn primary"
                      onClick={() => void move(o, next.to)}
                      disabled={busy === o.id || blocked}
                      data-testid={`staff-${next.to}`}
                    >
                      <next.icon size={18} /> {blocked ? "Chờ thanh toán" : next.label}
                    </button>
                  ) : null}
                </div>
              </article>
            );
          })
        )}
      </div>
      {cancelFor ? (
        <CancelSheet
          title={`Hủy đơn #${cancelFor.code}`}
          reasons={STAFF_REASONS}
          busy={busy === cancelFor.id}
          onClose={() => setCancelFor(null)}
          onConfirm={(r) => void move(cancelFor, "cancelled", r)}
        />
      ) : null}
    </Page>
  );
}
