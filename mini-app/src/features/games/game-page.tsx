import { useCallback, useRef, useState } from "react";
import { useLocation } from "react-router-dom";
import { Page, Spinner } from "zmp-ui";
import { Disc3, Sparkles, Store, Ticket } from "lucide-react";
import type { GameConfig, GameDraw } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { ApiError } from "@mc/web/api-client";
import { PageHeader } from "../../components/page-header";
import { useToast } from "../../components/use-toast";
import { useLoad } from "../../lib/use-load";
import { playGame, qrParamsFromSearch, resolveGame, type QrParams } from "./api";
import { newRequestId } from "@mc/web/request-id";
import { describeGameError, isLimitCode } from "./labels";
import { useScanGame } from "./qr-entry";
import { useReducedMotion } from "./use-reduced-motion";
import { GameError } from "./components/game-error";
import { LuckyWheel } from "./components/lucky-wheel";
import { ScratchCard } from "./components/scratch-card";
import { OddsList } from "./components/odds-list";
import { Outcome } from "./components/outcome";
import "./games.css";

/** `/game?store=…&campaign=…&sig=…`: the game a store's QR code opened. `walletPath` is where won vouchers live. */
export default function GamePage({ walletPath = "/" }: { walletPath?: string }) {
  const { search } = useLocation();
  const params = qrParamsFromSearch(search);
  return (
    <Page className="mc-page game-page" hideScrollbar>
      {params ? <GameView key={search} params={params} walletPath={walletPath} /> : <BadLink />}
    </Page>
  );
}

function BadLink() {
  const scan = useScanGame();
  return <GameError code={ErrorCode.QR_LINK_INVALID} onScan={() => void scan()} />;
}

/** ready → playing (waiting for the server's draw) → revealing (wheel spins / card is scratched) → result. */
type Phase = { name: "ready" } | { name: "playing" } | { name: "revealing"; draw: GameDraw; index: number } | { name: "result"; draw: GameDraw };

function GameView({ params, walletPath }: { params: QrParams; walletPath: string }) {
  const { data: game, error, retry } = useLoad(() => resolveGame(params), [params], { blankRetry: true });
  // A play the server refuses for good (e.g. the game ended meanwhile) ends on the same error screen.
  const [fatal, setFatal] = useState<string | null>(null);
  const scan = useScanGame();

  const code = fatal ?? error;
  if (code) {
    const again = () => {
      setFatal(null);
      retry();
    };
    return <GameError code={code} onRetry={again} onScan={() => void scan()} />;
  }
  if (!game) {
    return (
      <div className="mc-center" data-testid="game-loading">
        <Spinner visible />
      </div>
    );
  }
  return <Playing game={game} params={params} walletPath={walletPath} onFatal={setFatal} />;
}

function Playing({ game, params, walletPath, onFatal }: { game: GameConfig; params: QrParams; walletPath: string; onFatal: (code: string) => void }) {
  const toast = useToast();
  const reducedMotion = useReducedMotion();
  const [phase, setPhase] = useState<Phase>({ name: "ready" });
  const [playsLeft, setPlaysLeft] = useState(game.playsLeftToday);
  const [limitCode, setLimitCode] = useState<string | null>(null);
  const [spinId, setSpinId] = useState(0);
  // One id per play: a retried request after a network blip returns the same draw instead of playing twice.
  const requestId = useRef<string | null>(null);
  const isWheel = game.campaign.kind === "wheel";

  async function play() {
    if (phase.name !== "ready" || playsLeft <= 0) return;
    setPhase({ name: "playing" });
    requestId.current ??= newRequestId("play");
    try {
      const { draw, playsLeftToday } = await playGame(params, requestId.current);
      requestId.current = null;
      setPlaysLeft(playsLeftToday);
      // Find the drawn slice by id (positions can have gaps after an edit); the index is the fallback.
      const byId = game.slices.findIndex((s) => s.id === draw.slice.id);
      const index = byId >= 0 ? byId : Math.min(Math.max(draw.slice.index, 0), game.slices.length - 1);
      setPhase({ name: "revealing", draw, index });
      setSpinId((n) => n + 1);
    } catch (e) {
      const code = e instanceof ApiError ? e.code : "UNKNOWN";
      setPhase({ name: "ready" });
      if (isLimitCode(code)) {
        requestId.current = null;
        setPlaysLeft(0);
        setLimitCode(code);
      } else if (code === ErrorCode.QR_LINK_INVALID || code.startsWith("GAME_")) {
        onFatal(code);
      } else {
        toast.error(describeGameError(code).title);
      }
    }
  }

  const landed = useCallback(() => setPhase((p) => (p.name === "revealing" ? { name: "result", draw: p.draw } : p)), []);

  if (phase.name === "result") {
    return (
      <>
        <GameHeader game={game} />
        <div className="mc-content game-content">
          <Outcome
            draw={phase.draw}
            storeName={game.store.name}
            playsLeft={playsLeft}
            walletPath={walletPath}
            onPlayAgain={() => setPhase({ name: "ready" })}
          />
        </div>
      </>
    );
  }

  const busy = phase.name !== "ready";
  // The last play lowers the count mid-spin: the limit message only replaces the button once the outcome is shown.
  const out = playsLeft <= 0 && phase.name === "ready";
  return (
    <>
      <GameHeader game={game} />
      <div className="game-stage">
        <div className="game-stage-meta">
          <span className="game-chip" data-testid="game-store">
            <Store size={14} /> {game.store.name}
          </span>
          <h2 className="game-title">{game.campaign.name}</h2>
          {game.campaign.description ? <p className="game-desc">{game.campaign.description}</p> : null}
        </div>
        {isWheel ? (
          <LuckyWheel
            slices={game.slices}
            target={phase.name === "revealing" ? phase.index : null}
            spinId={spinId}
            reducedMotion={reducedMotion}
            onLanded={landed}
          />
        ) : (
          <ScratchCard key={spinId} ready={phase.name === "revealing"} reducedMotion={reducedMotion} onRevealed={landed}>
            {phase.name === "revealing" ? <ScratchPrize draw={phase.draw} /> : null}
          </ScratchCard>
        )}
        <div className="game-stage-actions">
          {out ? (
            <div className="game-notice light" data-testid="game-limit" role="status">
              <Sparkles size={18} />
              <span>
                {limitCode === ErrorCode.GAME_PLAY_LIMIT_REACHED
                  ? describeGameError(limitCode).hint
                  : "Bạn đã hết lượt chơi hôm nay. Quay lại cửa hàng vào ngày mai để chơi tiếp nhé!"}
              </span>
            </div>
          ) : isWheel || phase.name !== "revealing" ? (
            <button className="mc-btn game-cta" onClick={() => void play()} disabled={busy} data-testid="game-play">
              {isWheel ? <Disc3 size={20} className={busy ? "game-spin-icon" : undefined} /> : <Ticket size={20} />}
              {phase.name === "playing"
                ? "Đang lấy kết quả…"
                : phase.name === "revealing"
                  ? isWheel
                    ? "Đang quay…"
                    : "Cào lớp bạc để xem quà"
                  : isWheel
                    ? "Quay ngay"
                    : "Nhận thẻ cào"}
            </button>
          ) : (
            <p className="game-scratch-hint">Dùng ngón tay cào lớp bạc để xem quà</p>
          )}
          {!out && phase.name === "ready" ? (
            <p className="game-plays light" data-testid="game-plays-left">
              Bạn còn <b>{playsLeft}</b> lượt chơi hôm nay
            </p>
          ) : null}
        </div>
      </div>
      <div className="mc-content game-content">
        <OddsList slices={game.slices} />
      </div>
    </>
  );
}

function ScratchPrize({ draw }: { draw: GameDraw }) {
  return (
    <div className={`game-scratch-result${draw.win ? " win" : ""}`} data-testid="game-scratch-result">
      <span>{draw.win ? "Bạn trúng" : "Kết quả"}</span>
      <b>{draw.slice.label}</b>
    </div>
  );
}

function GameHeader({ game }: { game: GameConfig }) {
  return <PageHeader title={game.campaign.kind === "wheel" ? "Vòng quay may mắn" : "Thẻ cào may mắn"} />;
}
