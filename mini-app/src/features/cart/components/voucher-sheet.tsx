import { Spinner } from "zmp-ui";
import { Check, Ticket as TicketIcon, X } from "lucide-react";
import type { Voucher } from "@mc/shared";
import { describeError } from "@mc/web/error-messages";
import { conditions, voucherDates, voucherLabel } from "../../../lib/voucher-labels";
import { useLoad } from "../../../lib/use-load";
import { fetchActiveVouchers } from "../api";

/** My active vouchers to apply to this order; whether one applies is the server's call (via the quote). */
export function VoucherSheet({
  storeId,
  selected,
  onPick,
  onClose,
}: {
  storeId: string;
  selected: string | null;
  onPick: (v: Voucher | null) => void;
  onClose: () => void;
}) {
  const { data: vouchers, error } = useLoad(fetchActiveVouchers, []);
  // Vouchers for another store go last (the server would refuse them here).
  const sorted = vouchers ? [...vouchers].sort((a, b) => Number(!usableAt(a, storeId)) - Number(!usableAt(b, storeId))) : null;

  return (
    <div className="ord-sheet-backdrop" onClick={onClose}>
      <div
        className="ord-sheet ord-sheet-list"
        role="dialog"
        aria-modal="true"
        aria-label="Chọn voucher"
        onClick={(e) => e.stopPropagation()}
        data-testid="voucher-sheet"
      >
        <div className="ord-sheet-head">
          <h2>Chọn voucher</h2>
          <button className="ord-sheet-x" onClick={onClose} aria-label="Đóng">
            <X size={20} />
          </button>
        </div>
        <div className="ord-sheet-scroll">
          {error ? (
            <div className="mcl-inline-error" role="alert">
              {describeError(error).title}
            </div>
          ) : !sorted ? (
            <div className="mcl-loading">
              <Spinner visible />
            </div>
          ) : sorted.length === 0 ? (
            <div className="mcl-empty">
              <TicketIcon size={36} />
              <p>Bạn chưa có voucher nào</p>
              <span className="mc-muted">Nhận ưu đãi ở mục Ưu đãi nhé!</span>
            </div>
          ) : (
            sorted.map((v) => {
              const here = usableAt(v, storeId);
              const on = v.id === selected;
              return (
                <button
                  key={v.id}
                  className={`ord-voucher${on ? " on" : ""}${here ? "" : " muted"}`}
                  onClick={() => onPick(on ? null : v)}
                  data-testid="voucher-option"
                  data-voucher={v.id}
                >
                  <span className="ord-voucher-main">
                    <b>{voucherLabel(v.campaign)}</b>
                    <span>{v.campaign.name}</span>
                    <small>
                      {conditions(v.campaign).join(" · ")} · {voucherDates(v)}
                    </small>
                    {here ? null : <small className="warn">Không áp dụng tại cửa hàng này</small>}
                  </span>
                  <span className="ord-radio">{on ? <Check size={14} strokeWidth={3} /> : null}</span>
                </button>
              );
            })
          )}
        </div>
        {selected ? (
          <div className="ord-sheet-foot">
            <button className="mc-btn outline" onClick={() => onPick(null)} data-testid="voucher-remove">
              Không dùng voucher
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}

const usableAt = (v: Voucher, storeId: string) => v.campaign.storeIds.length === 0 || v.campaign.storeIds.includes(storeId);
