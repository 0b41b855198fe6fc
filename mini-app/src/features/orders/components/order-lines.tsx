import type { Order } from "@mc/shared";
import { fmtVnd } from "@mc/web/format";

/** The priced lines and totals of an order, exactly as the server stored them. */
export function OrderLines({ order }: { order: Order }) {
  return (
    <div className="ord-receipt" data-testid="order-lines">
      {order.lines.map((l, i) => (
        <div className="ord-receipt-line" key={i}>
          <span className="ord-receipt-qty">{l.quantity}×</span>
          <span className="ord-receipt-name">
            {l.name}
            {l.options.length ? <small>{l.options.map((o) => o.name).join(", ")}</small> : null}
          </span>
          <span>{fmtVnd(l.lineTotalVnd)}</span>
        </div>
      ))}
      <div className="ord-total-row">
        <span>Tạm tính</span>
        <span>{fmtVnd(order.subtotalVnd)}</span>
      </div>
      {order.discountVnd > 0 ? (
        <div className="ord-total-row discount">
          <span>Giảm giá voucher</span>
          <span>−{fmtVnd(order.discountVnd)}</span>
        </div>
      ) : null}
      <div className="ord-total-row grand">
        <span>Tổng cộng</span>
        <span data-testid="order-total">{fmtVnd(order.totalVnd)}</span>
      </div>
    </div>
  );
}
