import { useState } from "react";
import type { RefundTask } from "@mc/shared";
import { api } from "../api";
import { fmtDateTime, fmtVnd } from "@mc/web/format";
import { Badge, Card, ErrorBox, Spinner, useAction, useLoad } from "../ui";
import "./roles.css";

const METHOD_LABEL: Record<string, string> = { COD: "Tiền mặt tại quầy (COD)", BANK: "Chuyển khoản" };
const methodLabel = (r: RefundTask) =>
  r.checkoutMethod
    ? (METHOD_LABEL[r.checkoutMethod] ?? `Zalo Checkout · ${r.checkoutMethod}`)
    : r.payment === "counter"
      ? "Tiền mặt tại quầy"
      : "Zalo Checkout";

/**
 * Refunds to make by hand: cancelled orders that had been paid. Zalo's Checkout has no refund API, so the money
 * goes back outside the system (the payment partner's merchant page, cash, a transfer); marking it done is audited
 * and, for a COD or bank order, reported to Zalo as refunded.
 */
export function RefundsPage() {
  const data = useLoad(() => api.get<{ refunds: RefundTask[] }>("/api/admin/refunds").then((r) => r.refunds));
  const act = useAction();
  const [open, setOpen] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const done = async (r: RefundTask) => {
    if (await act.run(() => api.post(`/api/admin/orders/${encodeURIComponent(r.orderId)}/refunded`, { note }))) {
      setOpen(null);
      setNote("");
      void data.reload();
    }
  };

  return (
    <div className="c-page" data-testid="refunds-page">
      <div className="c-page-head">
        <div>
          <h1>Hoàn tiền</h1>
          <p className="c-muted">
            Đơn đã thanh toán rồi bị hủy. Zalo chưa có API hoàn tiền cho Checkout: hoàn tiền cho khách (trang quản lý của đối tác thanh toán, tiền mặt hoặc
            chuyển khoản), rồi đánh dấu đã hoàn.
          </p>
        </div>
      </div>
      <ErrorBox error={data.error} />
      <ErrorBox error={act.error} testId="refund-error" />
      <Card title="Chờ hoàn tiền">
        {data.loading && !data.data ? (
          <Spinner />
        ) : !data.data?.length ? (
          <p className="c-empty" data-testid="refunds-empty">
            Không còn đơn nào chờ hoàn tiền.
          </p>
        ) : (
          <table className="c-table r-cards" data-testid="refunds-table">
            <thead>
              <tr>
                <th>Đơn</th>
                <th>Số tiền</th>
                <th>Thanh toán</th>
                <th>Hủy lúc</th>
                <th aria-label="Thao tác" />
              </tr>
            </thead>
            <tbody>
              {data.data.map((r) => (
                <tr key={r.orderId} data-testid={`refund-${r.code}`}>
                  <td data-label="Đơn">
                    <strong>{r.code}</strong>
                    {r.cancelReason ? <div className="c-small c-muted">Lý do: {r.cancelReason}</div> : null}
                  </td>
                  <td data-label="Số tiền" className="c-nowrap">
                    {fmtVnd(r.totalVnd)}
                  </td>
                  <td data-label="Thanh toán">
                    {methodLabel(r)}
                    {r.zaloTransId ? <div className="c-small c-muted">Mã giao dịch {r.zaloTransId}</div> : null}
                  </td>
                  <td data-label="Hủy lúc" className="c-nowrap">
                    {r.cancelledAt ? fmtDateTime(r.cancelledAt) : ""}
                  </td>
                  <td>
                    {open === r.orderId ? (
                      <form
                        className="c-inline-form"
                        onSubmit={(e) => {
                          e.preventDefault();
                          void done(r);
                        }}
                      >
                        <input
                          className="c-input"
                          value={note}
                          onChange={(e) => setNote(e.target.value)}
                          placeholder="Đã hoàn thế nào (ví dụ: trả tiền mặt tại quầy)"
                          aria-label="Ghi chú hoàn tiền"
                          data-testid="refund-note"
                          maxLength={300}
                          autoFocus
                        />
                        <button className="c-btn primary" disabled={act.busy || note.trim().length < 3} data-testid="refund-confirm">
                          Xác nhận đã hoàn
                        </button>
                        <button type="button" className="c-btn" onClick={() => setOpen(null)}>
                          Hủy
                        </button>
                      </form>
                    ) : (
                      <button className="c-btn" onClick={() => (setOpen(r.orderId), setNote(""))} data-testid="refund-mark">
                        Đánh dấu đã hoàn
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <p className="c-small c-muted">
        <Badge tone="info">Ghi nhận</Badge> Mỗi lần đánh dấu được ghi vào nhật ký thao tác.
      </p>
    </div>
  );
}
