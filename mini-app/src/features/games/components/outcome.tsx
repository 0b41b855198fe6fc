import type { ReactNode } from "react";
import { useNavigate } from "react-router-dom";
import { BellRing, CircleAlert, CircleCheck, Coins, Gift, Hourglass, House, LoaderCircle, RotateCcw, Smile, Store, Wallet } from "lucide-react";
import type { GameDraw } from "@mc/shared";
import { useFollowToClaim } from "../../../lib/use-follow-to-claim";
import { fetchDraw } from "../api";
import { fmtPoints } from "@mc/web/format";

type Props = {
  draw: GameDraw;
  storeName: string;
  playsLeft: number;
  walletPath: string;
  onPlayAgain: () => void;
};

/** What the shopper won, straight from the server's draw; a follow-gated prize goes through the OA follow. */
export function Outcome({ draw, storeName, playsLeft, walletPath, onPlayAgain }: Props) {
  const footer = <OutcomeFooter storeName={storeName} playsLeft={playsLeft} onPlayAgain={onPlayAgain} />;
  if (!draw.win) {
    return (
      <OutcomeCard tone="none" icon={<Smile size={44} />} title="Chúc bạn may mắn lần sau" testId="game-outcome-none" footer={footer}>
        <p>
          Ô dừng: <b>{draw.slice.label}</b>. Đừng buồn, ghé cửa hàng lần sau để thử vận may tiếp nhé!
        </p>
      </OutcomeCard>
    );
  }
  if (draw.state === "pending_follow") return <FollowToClaim draw={draw} walletPath={walletPath} footer={footer} />;
  if (draw.state === "issued") return <Claimed draw={draw} walletPath={walletPath} footer={footer} />;
  return <Lost draw={draw} footer={footer} />;
}

function prizeTitle(draw: GameDraw) {
  return draw.slice.kind === "points" && draw.points ? `+${fmtPoints(draw.points)}` : draw.slice.label;
}

function Claimed({ draw, walletPath, footer }: { draw: GameDraw; walletPath: string; footer: ReactNode }) {
  const navigate = useNavigate();
  if (draw.slice.kind === "points") {
    return (
      <OutcomeCard
        tone="win"
        icon={<Coins size={44} />}
        kicker="Chúc mừng bạn!"
        title={prizeTitle(draw)}
        testId="game-outcome-claimed"
        confetti
        footer={footer}
      >
        <p className="game-status ok" data-testid="game-claimed">
          <CircleCheck size={18} /> Điểm đã vào tài khoản
        </p>
      </OutcomeCard>
    );
  }
  return (
    <OutcomeCard
      tone="win"
      icon={<Gift size={44} />}
      kicker="Chúc mừng bạn đã trúng"
      title={prizeTitle(draw)}
      testId="game-outcome-claimed"
      confetti
      footer={footer}
    >
      <p className="game-status ok" data-testid="game-claimed">
        <CircleCheck size={18} /> Quà đã vào ví
      </p>
      <p className="game-outcome-hint">Mở ví voucher và đưa mã cho nhân viên khi thanh toán.</p>
      {walletPath !== "/" ? (
        <button className="mc-btn primary" onClick={() => navigate(walletPath)} data-testid="game-open-wallet">
          <Wallet size={18} /> Xem ví voucher
        </button>
      ) : null}
    </OutcomeCard>
  );
}

function Lost({ draw, footer }: { draw: GameDraw; footer: ReactNode }) {
  return (
    <OutcomeCard tone="none" icon={<CircleAlert size={44} />} title="Rất tiếc, quà chưa thể trao" testId="game-outcome-lost" footer={footer}>
      <p>
        Phần quà <b>{draw.slice.label}</b> {draw.state === "void" ? "đã bị huỷ do bạn bỏ quan tâm OA trước khi nhận." : "không còn phát được nữa."} Hãy hỏi nhân
        viên cửa hàng nếu cần hỗ trợ.
      </p>
    </OutcomeCard>
  );
}

function FollowToClaim({ draw, walletPath, footer }: { draw: GameDraw; walletPath: string; footer: ReactNode }) {
  const { state, follow, recheck } = useFollowToClaim(draw.id, { fetchDraw });
  if (state.status === "issued") return <Claimed draw={state.draw} walletPath={walletPath} footer={footer} />;
  if (state.status === "lost") return <Lost draw={state.draw} footer={footer} />;

  const busy = state.status === "following" || state.status === "waiting";
  return (
    <OutcomeCard
      tone="win"
      icon={<Gift size={44} />}
      kicker="Chúc mừng bạn đã trúng"
      title={prizeTitle(draw)}
      testId="game-outcome-follow"
      confetti={state.status === "idle"}
      footer={footer}
    >
      {state.status === "waiting" || state.status === "following" ? (
        <p className="game-status wait" data-testid="game-claim-waiting" aria-live="polite">
          <LoaderCircle size={18} className="game-spin-icon" /> {state.status === "following" ? "Đang mở Zalo…" : "Đang chờ Zalo xác nhận lượt quan tâm…"}
        </p>
      ) : state.status === "timeout" ? (
        <div className="game-notice" data-testid="game-claim-timeout" role="status">
          <Hourglass size={18} />
          <span>Zalo chưa gửi xác nhận lượt quan tâm. Quà sẽ tự vào ví ngay khi Zalo xác nhận, bạn có thể kiểm tra lại sau ít phút.</span>
        </div>
      ) : state.status === "declined" ? (
        <div className="game-notice" data-testid="game-claim-declined" role="status">
          <CircleAlert size={18} />
          <span>Bạn chưa quan tâm OA nên quà chưa vào ví. Quà vẫn được giữ cho bạn, hãy thử lại nhé.</span>
        </div>
      ) : state.status === "error" ? (
        <div className="game-notice" data-testid="game-claim-error" role="status">
          <CircleAlert size={18} />
          <span>Chưa kiểm tra được trạng thái quà (mã lỗi {state.code}). Kiểm tra kết nối mạng rồi thử lại.</span>
        </div>
      ) : (
        <p className="game-outcome-hint">Quan tâm Official Account của cửa hàng để nhận quà vào ví. Quà được giữ cho bạn đến khi Zalo xác nhận.</p>
      )}
      {state.status === "timeout" || state.status === "error" ? (
        <button className="mc-btn primary" onClick={() => void recheck()} data-testid="game-claim-recheck">
          <RotateCcw size={18} /> Kiểm tra lại
        </button>
      ) : (
        <button className="mc-btn primary" onClick={() => void follow()} disabled={busy} data-testid="game-follow">
          <BellRing size={18} /> {busy ? "Đang xử lý…" : "Quan tâm OA để nhận quà"}
        </button>
      )}
    </OutcomeCard>
  );
}

function OutcomeFooter({ storeName, playsLeft, onPlayAgain }: { storeName: string; playsLeft: number; onPlayAgain: () => void }) {
  const navigate = useNavigate();
  return (
    <div className="game-outcome-footer">
      <span className="game-chip dark">
        <Store size={14} /> {storeName}
      </span>
      <p className="game-plays" data-testid="game-plays-left">
        {playsLeft > 0 ? (
          <>
            Bạn còn <b>{playsLeft}</b> lượt chơi hôm nay
          </>
        ) : (
          "Bạn đã hết lượt chơi hôm nay, hẹn gặp lại vào ngày mai!"
        )}
      </p>
      <div className="game-actions row">
        {playsLeft > 0 ? (
          <button className="mc-btn outline" onClick={onPlayAgain} data-testid="game-play-again">
            <RotateCcw size={18} /> Chơi tiếp
          </button>
        ) : null}
        <button className="mc-btn outline" onClick={() => navigate("/")} data-testid="game-back-home">
          <House size={18} /> Trang chủ
        </button>
      </div>
    </div>
  );
}

function OutcomeCard({
  tone,
  icon,
  kicker,
  title,
  testId,
  confetti,
  footer,
  children,
}: {
  tone: "win" | "none";
  icon: ReactNode;
  kicker?: string;
  title: string;
  testId: string;
  confetti?: boolean;
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className={`game-outcome ${tone}`} data-testid={testId}>
      {confetti ? <Confetti /> : null}
      <span className="game-outcome-icon">{icon}</span>
      {kicker ? <span className="game-outcome-kicker">{kicker}</span> : null}
      <h2 className="game-outcome-title" data-testid="game-outcome-title">
        {title}
      </h2>
      <div className="game-outcome-body">{children}</div>
      {footer}
    </section>
  );
}

const CONFETTI = ["#0068ff", "#ffc93c", "#ff5a5f", "#12a150", "#7ab6ff", "#ff9f1c"];

function Confetti() {
  return (
    <span className="game-confetti" aria-hidden="true">
      {Array.from({ length: 18 }, (_, i) => (
        <i
          key={i}
          style={{
            left: `${(i * 53) % 100}%`,
            background: CONFETTI[i % CONFETTI.length],
            animationDelay: `${(i % 6) * 0.12}s`,
            transform: `rotate(${i * 37}deg)`,
          }}
        />
      ))}
    </span>
  );
}
