import { useNavigate } from "react-router-dom";
import { Spinner } from "zmp-ui";
import { ChevronRight, Ticket as TicketIcon } from "lucide-react";
import type { VoucherStatus } from "@mc/shared";
import { describeError } from "@mc/web/error-messages";
import { useLoad } from "../../../lib/use-load";
import { fetchMyVouchers } from "../api";
import { conditions, statusLabel, voucherDates, voucherLabel } from "../../../lib/voucher-labels";
import { Ticket } from "./ticket";

const TABS: { key: Extract<VoucherStatus, "active" | "used" | "expired">; label: string; empty: string }[] = [
  { key: "active", label: "Dùng được", empty: "Bạn chưa có voucher nào. Nhận ưu đãi ở mục Ưu đãi nhé!" },
  { key: "used", label: "Đã dùng", empty: "Chưa có voucher nào đã dùng." },
  { key: "expired", label: "Hết hạn", empty: "Không có voucher hết hạn." },
];

/** "Ví voucher": my vouchers by status; an active one opens its QR. */
export function WalletPanel({ status, onStatus }: { status: VoucherStatus; onStatus: (s: VoucherStatus) => void }) {
  const { data: vouchers, error, retry } = useLoad(() => fetchMyVouchers(status), [status], { blankRetry: true });
  const navigate = useNavigate();

  const tab = TABS.find((t) => t.key === status) ?? TABS[0]!;
  return (
    <div className="mcl-list">
      <div className="mcl-subtabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.key}
            role="tab"
            aria-selected={t.key === status}
            className={t.key === status ? "active" : ""}
            onClick={() => onStatus(t.key)}
            data-testid={`wallet-tab-${t.key}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {error ? (
        <div className="mcl-inline-error" role="alert">
          <span>{describeError(error).title}</span>
          <button className="mcl-link" onClick={retry}>
            Thử lại
          </button>
        </div>
      ) : vouchers === null ? (
        <div className="mcl-loading">
          <Spinner visible />
        </div>
      ) : vouchers.length === 0 ? (
        <div className="mcl-empty" data-testid="wallet-empty">
          <TicketIcon size={40} />
          <p>{tab.empty}</p>
        </div>
      ) : (
        vouchers.map((v) => (
          <Ticket
            key={v.id}
            kind={v.campaign.kind}
            value={v.campaign.value}
            muted={v.status !== "active"}
            onClick={() => navigate(`/vouchers/${v.id}`)}
            testId="wallet-voucher"
            data={{ voucher: v.id, status: v.status }}
          >
            <span className="mcl-ticket-label">{voucherLabel(v.campaign)}</span>
            <span className="mcl-ticket-name">{v.campaign.name}</span>
            <span className="mcl-ticket-meta">{conditions(v.campaign).join(" · ")}</span>
            <span className="mcl-ticket-foot">
              <span className={`mcl-status-pill status-${v.status}`}>{v.status === "active" ? voucherDates(v) : statusLabel[v.status]}</span>
              {v.status === "active" ? (
                <span className="mcl-ticket-go">
                  Dùng ngay <ChevronRight size={16} />
                </span>
              ) : (
                <span className="mcl-ticket-date">{voucherDates(v)}</span>
              )}
            </span>
          </Ticket>
        ))
      )}
    </div>
  );
}
