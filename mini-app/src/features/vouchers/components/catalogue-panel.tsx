import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { Spinner } from "zmp-ui";
import { BellRing, Coins, Gift, QrCode } from "lucide-react";
import type { CatalogueItem } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { followOa, toFailure, useCustomer } from "../../../session";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../../components/use-toast";
import { config } from "../../../config";
import { useLoyalty } from "../../../lib/loyalty";
import { fmtNumber } from "@mc/web/format";
import { newRequestId } from "@mc/web/request-id";
import { useLoad } from "../../../lib/use-load";
import { claimCampaign, fetchCatalogue } from "../api";
import { blockedReason, conditions, validityOfOffer, voucherLabel } from "../../../lib/voucher-labels";
import { ConfirmSheet } from "./confirm-sheet";
import { Ticket } from "./ticket";

/** "Ưu đãi": offers to claim for free or buy with points; blocked ones say why. */
export function CataloguePanel() {
  const { data: items, error, retry, reload } = useLoad(fetchCatalogue, []);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<CatalogueItem | null>(null);
  const [claimed, setClaimed] = useState<Record<string, string>>({}); // campaignId → voucherId claimed here
  const { loyalty, setBalance } = useLoyalty();
  const [, setCustomer] = useCustomer();
  const navigate = useNavigate();
  const toast = useToast();

  async function claim(item: CatalogueItem) {
    setBusy(item.id);
    try {
      const { voucher, balance } = await claimCampaign(item.id, newRequestId("claim"));
      setBalance(balance);
      setClaimed((c) => ({ ...c, [item.id]: voucher.id }));
      toast.success(item.costPoints > 0 ? `Đã đổi ${fmtNumber(item.costPoints)} điểm lấy voucher` : "Đã thêm voucher vào ví");
      await reload();
    } catch (e) {
      const code = toFailure(e).code;
      toast.error(describeError(code).title);
      await reload();
    } finally {
      setBusy(null);
      setConfirm(null);
    }
  }

  async function follow(item: CatalogueItem) {
    setBusy(item.id);
    try {
      const me = await followOa(config.oaId);
      setCustomer(me);
      if (me.followsOa) toast.success("Cảm ơn bạn đã quan tâm! Giờ bạn có thể nhận ưu đãi.");
      else toast.info("Zalo đang xác nhận, vui lòng đợi giây lát");
      await reload();
    } catch (e) {
      toast.error(describeError(toFailure(e).code).title);
    } finally {
      setBusy(null);
    }
  }

  if (error && !items) {
    return (
      <div className="mcl-inline-error" role="alert">
        <span>{describeError(error).title}</span>
        <button className="mcl-link" onClick={retry}>
          Thử lại
        </button>
      </div>
    );
  }
  if (!items) {
    return (
      <div className="mcl-loading">
        <Spinner visible />
      </div>
    );
  }
  if (items.length === 0) {
    return (
      <div className="mcl-empty" data-testid="offers-empty">
        <Gift size={40} />
        <p>Chưa có ưu đãi nào</p>
        <span className="mc-muted">Quay lại sau để không bỏ lỡ ưu đãi mới nhé.</span>
      </div>
    );
  }

  const balance = loyalty?.balance ?? null;
  return (
    <div className="mcl-list" data-testid="offers">
      {balance !== null ? (
        <div className="mcl-balance-strip">
          <Coins size={18} /> Bạn đang có <b data-testid="offers-balance">{fmtNumber(balance)} điểm</b>
        </div>
      ) : null}
      {items.map((item) => {
        const justClaimed = claimed[item.id];
        const validity = validityOfOffer(item);
        return (
          <Ticket
            key={item.id}
            kind={item.kind}
            value={item.value}
            muted={!item.claimable && !justClaimed}
            testId="offer"
            data={{ campaign: item.id, blocked: item.blockedBy ?? "" }}
          >
            <span className="mcl-ticket-label">{voucherLabel(item)}</span>
            <span className="mcl-ticket-name" data-testid="offer-name">
              {item.name}
            </span>
            {item.description ? <span className="mcl-ticket-desc">{item.description}</span> : null}
            <span className="mcl-ticket-meta">{[...conditions(item), validity].filter(Boolean).join(" · ")}</span>
            {item.remaining !== null && item.remaining <= 20 && item.remaining > 0 ? (
              <span className="mcl-ticket-hot">Chỉ còn {fmtNumber(item.remaining)} lượt</span>
            ) : null}
            <span className="mcl-ticket-foot">
              <span className={`mcl-cost${item.costPoints > 0 ? " points" : ""}`}>
                {item.costPoints > 0 ? `${fmtNumber(item.costPoints)} điểm` : "Miễn phí"}
              </span>
              {justClaimed ? (
                <button className="mcl-small-btn primary" onClick={() => navigate(`/vouchers/${justClaimed}`)} data-testid="offer-use">
                  <QrCode size={16} /> Dùng ngay
                </button>
              ) : item.claimable ? (
                <button
                  className="mcl-small-btn primary"
                  disabled={busy !== null}
                  onClick={() => (item.costPoints > 0 ? setConfirm(item) : void claim(item))}
                  data-testid="offer-claim"
                >
                  {busy === item.id ? "Đang nhận…" : item.costPoints > 0 ? `Đổi ${fmtNumber(item.costPoints)} điểm` : "Nhận"}
                </button>
              ) : item.blockedBy === ErrorCode.FOLLOW_REQUIRED ? (
                <button className="mcl-small-btn outline" disabled={busy !== null} onClick={() => void follow(item)} data-testid="offer-follow">
                  <BellRing size={15} /> {busy === item.id ? "Đang xử lý…" : blockedReason(item, balance)}
                </button>
              ) : (
                <button className="mcl-small-btn" disabled data-testid="offer-blocked">
                  {blockedReason(item, balance)}
                </button>
              )}
            </span>
          </Ticket>
        );
      })}
      {confirm ? (
        <ConfirmSheet
          title="Đổi điểm lấy voucher?"
          confirmLabel={`Đổi ${fmtNumber(confirm.costPoints)} điểm`}
          busy={busy === confirm.id}
          onConfirm={() => void claim(confirm)}
          onCancel={() => setConfirm(null)}
        >
          <p className="mcl-sheet-text">
            <b>{voucherLabel(confirm)}</b> · {confirm.name}
          </p>
          <p className="mc-muted">
            Số dư sau khi đổi: {balance !== null ? `${fmtNumber(balance - confirm.costPoints)} điểm` : "—"}. Điểm đã đổi không hoàn lại.
          </p>
        </ConfirmSheet>
      ) : null}
    </div>
  );
}
