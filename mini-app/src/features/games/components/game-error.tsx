import { CalendarClock, CalendarX, House, QrCode, RefreshCw, ScanQrCode, WifiOff } from "lucide-react";
import { ErrorCode } from "@mc/shared/errors";
import { useNavigate } from "react-router-dom";
import { describeGameError } from "../labels";

/** A friendly full screen instead of a crash: what went wrong, and what the shopper can do next. */
export function GameError({ code, onRetry, onScan }: { code: string; onRetry?: () => void; onScan?: () => void }) {
  const navigate = useNavigate();
  const text = describeGameError(code);
  const Icon =
    code === ErrorCode.QR_LINK_INVALID
      ? QrCode
      : code === ErrorCode.GAME_NOT_STARTED
        ? CalendarClock
        : code === ErrorCode.GAME_ENDED || code === ErrorCode.GAME_NOT_ACTIVE || code === ErrorCode.GAME_NOT_FOUND
          ? CalendarX
          : WifiOff;
  return (
    <div className="game-error" role="alert" data-testid="game-error" data-code={code}>
      <span className={`game-error-icon${code === ErrorCode.QR_LINK_INVALID ? " warn" : ""}`}>
        <Icon size={38} />
      </span>
      <h1>{text.title}</h1>
      <p>{text.hint}</p>
      {text.steps ? (
        <ol className="game-error-steps">
          {text.steps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
      ) : null}
      <div className="game-actions">
        {text.retry && onRetry ? (
          <button className="mc-btn primary" onClick={onRetry}>
            <RefreshCw size={18} /> Thử lại
          </button>
        ) : null}
        {code === ErrorCode.QR_LINK_INVALID && onScan ? (
          <button className="mc-btn primary" onClick={onScan} data-testid="game-rescan">
            <ScanQrCode size={18} /> Quét lại mã QR
          </button>
        ) : null}
        <button className="mc-btn outline" onClick={() => navigate("/", { replace: true })} data-testid="game-home">
          <House size={18} /> Về trang chủ
        </button>
      </div>
      <small>Mã lỗi: {code}</small>
    </div>
  );
}
