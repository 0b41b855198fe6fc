import { useNavigate } from "react-router-dom";
import { ChevronRight, Clock, Coins, Gift, History } from "lucide-react";
import { Card } from "../../../components/card";
import { describeError } from "@mc/web/error-messages";
import { useLoyalty } from "../../../lib/loyalty";
import { fmtDate, fmtNumber } from "@mc/web/format";
import "../wallet.css";

/** Home: balance, tier, progress to the next tier and points about to expire. */
export function PointsCard() {
  const { loyalty, error, refresh } = useLoyalty();
  const navigate = useNavigate();

  if (!loyalty) {
    return (
      <Card icon={<Coins size={20} />} title="Điểm thưởng" testId="points-card">
        {error ? (
          <div className="mcl-inline-error">
            <span>{describeError(error).title}</span>
            <button className="mcl-link" onClick={() => void refresh()}>
              Thử lại
            </button>
          </div>
        ) : (
          <div aria-busy="true">
            <span className="sk sk-line dark" style={{ width: "40%", height: 28 }} />
            <span className="sk sk-line dark" style={{ width: "100%", height: 8 }} />
            <span className="sk sk-line dark" style={{ width: "60%" }} />
          </div>
        )}
      </Card>
    );
  }

  const { balance, tier, nextTier, progress, expiringSoon } = loyalty;
  return (
    <Card icon={<Coins size={20} />} title="Điểm thưởng" testId="points-card">
      <div className="mcl-points-top">
        <div className="mcl-points-balance">
          <span className="mcl-points-num" data-testid="points-balance">
            {fmtNumber(balance)}
          </span>
          <span className="mcl-points-unit">điểm</span>
        </div>
        <span className={`mcl-tier tier-${tier.key}`} data-testid="tier-badge">
          Hạng {tier.name}
        </span>
      </div>
      <div className="mcl-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
        <span style={{ width: `${Math.max(2, Math.round(progress * 100))}%` }} />
      </div>
      <p className="mcl-points-next" data-testid="tier-next">
        {nextTier ? (
          <>
            Còn <b>{fmtNumber(nextTier.toNext)} điểm</b> nữa lên hạng {nextTier.name}
          </>
        ) : (
          <>Bạn đang ở hạng cao nhất. Cảm ơn bạn!</>
        )}
      </p>
      <p className={`mcl-expiring${expiringSoon.points > 0 ? " warn" : ""}`} data-testid="points-expiring">
        <Clock size={16} />
        {expiringSoon.points > 0 ? (
          <span>
            <b>{fmtNumber(expiringSoon.points)} điểm</b> sẽ hết hạn{expiringSoon.by ? ` từ ${fmtDate(expiringSoon.by)}` : " sắp tới"}
          </span>
        ) : (
          <span>Không có điểm sắp hết hạn</span>
        )}
      </p>
      <div className="mcl-actions">
        <button className="mcl-chip-btn" onClick={() => navigate("/points")} data-testid="open-points-history">
          <History size={16} /> Lịch sử điểm <ChevronRight size={16} />
        </button>
        <button className="mcl-chip-btn" onClick={() => navigate("/vouchers")} data-testid="open-offers">
          <Gift size={16} /> Đổi ưu đãi <ChevronRight size={16} />
        </button>
      </div>
    </Card>
  );
}
