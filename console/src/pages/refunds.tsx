import { useState } from "react";
import type { CheckoutReportTask, RefundTask } from "@mc/shared";
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

// Zalo Checkout's error codes (zalo-platform.md §8.4), said for an owner.
const CHECKOUT_REFUSAL: Record<number, string> = {
  [-2001]: "Zalo từ chối: không có quyền (kiểm tra Mini App ID và khóa Checkout)",
  [-2002]: "Zalo từ chối: phiên không hợp lệ",
  [-2003]: "Zalo đang bận (quá nhiều yêu cầu)",
  [-2101]: "Sai chữ ký (MAC): kiểm tra khóa Checkout của Mini App",
  [-2102]: "Zalo không đọc được dữ liệu gửi đi",
  [-2103]: "Zalo báo thiếu hoặc sai thông tin đơn",
  [-2104]: "Phương thức thanh toán không hợp lệ",
  [-2105]: "Kết quả báo cáo không hợp lệ",
  [-2201]: "Phương thức thanh toán không hợp lệ",
};
const reportReason = (r: CheckoutReportTask) =>
  r.zaloCode !== null
    ? (CHECKOUT_REFUSAL[r.zaloCode] ?? `Zalo từ chối (mã ${r.zaloCode})`)
    : /no Checkout order id/.test(r.error)
      ? "Đơn chưa có mã đơn Checkout của Zalo"
      : "Không kết nối được Zalo";
const REPORT_LABEL: Record<CheckoutReportTask["resultCode"], string> = { 1: "Đã hoàn tất", [-1]: "Đóng đơn chưa thanh toán", 2: "Đã hoàn tiền" };

/**
 * COD and bank orders whose result Zalo must be told (updateOrderStatus) but keeps refusing: while it does, the
 * order stays open in Zalo's Checkout. The `checkout-reports` job retries them; an owner can retry at once.
 */
function StuckReports() {
  const data = useLoad(() => api.get<{ reports: CheckoutReportTask[] }>("/api/admin/checkout-reports").then((r) => r.reports));
  const act = useAction();
  const [refused, setRefused] = useState<string | null>(null);
  const retry = async (r: CheckoutReportTask) => {
    const res = await act.run(() => api.post<{ sent: boolean }>(`/api/admin/orders/${encodeURIComponent(r.orderId)}/checkout-report/retry`, {}));
    if (res) setRefused(res.sent ? null : r.orderId);
    void data.reload();
  };
  if (!data.data?.length && !data.error) return null;
  return (
    <Card title="Báo cáo Checkout chưa gửi được">
      <p className="c-muted c-small">
        Đơn tiền mặt (COD) hoặc chuyển khoản phải báo kết quả cho Zalo Checkout. Zalo đang từ chối các báo cáo dưới đây; hệ thống tự thử lại, hoặc bạn thử lại
        ngay sau khi sửa nguyên nhân.
      </p>
      <ErrorBox error={data.error} />
      <ErrorBox error={act.error} testId="report-error" />
      <table className="c-table r-cards" data-testid="reports-table">
        <thead>
          <tr>
            <th>Đơn</th>
            <th>Báo cáo</th>
            <th>Lý do</th>
            <th>Thử lại lúc</th>
            <th aria-label="Thao tác" />
          </tr>
        </thead>
        <tbody>
          {data.data?.map((r) => (
            <tr key={r.orderId} data-testid={`report-${r.code}`}>
              <td data-label="Đơn">
                <strong>{r.code}</strong>
                <div className="c-small c-muted">
                  {fmtVnd(r.totalVnd)} · {r.checkoutMethod ? (METHOD_LABEL[r.checkoutMethod] ?? r.checkoutMethod) : "Zalo Checkout"}
                </div>
              </td>
              <td data-label="Báo cáo">{REPORT_LABEL[r.resultCode]}</td>
              <td data-label="Lý do">
                <span data-testid="report-reason">{reportReason(r)}</span>
                {refused === r.orderId ? (
                  <div className="c-small" data-testid="report-refused-again">
                    <Badge tone="warn">Zalo vẫn từ chối</Badge>
                  </div>
                ) : null}
              </td>
              <td data-label="Thử lại lúc" className="c-nowrap" data-testid="report-next">
                {r.nextTryAt ? fmtDateTime(r.nextTryAt) : "Trong vòng 1 phút"}
              </td>
              <td>
                <button className="c-btn" disabled={act.busy} onClick={() => void retry(r)} data-testid="report-retry">
                  Thử lại ngay
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

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
      <StuckReports />
      <p className="c-small c-muted">
        <Badge tone="info">Ghi nhận</Badge> Mỗi lần đánh dấu được ghi vào nhật ký thao tác.
      </p>
    </div>
  );
}
