import { BellRing, Coins, Gift, Percent, Smile } from "lucide-react";
import type { GameSlice } from "@mc/shared";
import { Card } from "../../../components/card";
import { fmtPoints } from "@mc/web/format";
import { percent } from "../labels";

/** The published odds: weight / sum of weights, exactly what the server draws with. */
export function OddsList({ slices }: { slices: GameSlice[] }) {
  return (
    <Card icon={<Percent size={20} />} title="Tỉ lệ trúng" testId="game-odds">
      <ul className="game-odds">
        {slices.map((s) => {
          const Icon = s.kind === "voucher" ? Gift : s.kind === "points" ? Coins : Smile;
          return (
            <li key={s.id} className={`game-odds-row kind-${s.kind}`} data-testid="game-odds-row">
              <span className="game-odds-icon">
                <Icon size={18} />
              </span>
              <span className="game-odds-text">
                <span className="game-odds-label">{s.label}</span>
                {s.kind === "points" && s.points ? <small>Cộng {fmtPoints(s.points)}</small> : null}
                {s.requiresFollow ? (
                  <small className="game-odds-follow">
                    <BellRing size={12} /> Cần quan tâm OA để nhận
                  </small>
                ) : null}
                <span className="game-odds-bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(s.odds * 100, s.odds > 0 ? 2 : 0)}%` }} />
                </span>
              </span>
              <span className="game-odds-value">{percent(s.odds)}</span>
            </li>
          );
        })}
      </ul>
      <p className="mc-muted game-odds-note">Kết quả do hệ thống quyết định ngẫu nhiên theo đúng tỉ lệ trên.</p>
    </Card>
  );
}
