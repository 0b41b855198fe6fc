import { ErrorCode } from "@mc/shared/errors";
import { describeError } from "@mc/web/error-messages";

export type GameErrorText = { title: string; hint: string; steps?: string[]; retry: boolean };

/** Codes after which trying again cannot help: the game is gone, over, not yet open, or out of plays. */
const FINAL: ReadonlySet<string> = new Set([
  ErrorCode.QR_LINK_INVALID,
  ErrorCode.GAME_NOT_FOUND,
  ErrorCode.GAME_ENDED,
  ErrorCode.GAME_NOT_STARTED,
  ErrorCode.GAME_NOT_ACTIVE,
  ErrorCode.GAME_DAILY_LIMIT_REACHED,
  ErrorCode.GAME_PLAY_LIMIT_REACHED,
]);

/** What the shopper reads when a game cannot open or be played (the shared table's words); screens switch on the code only. */
export function describeGameError(code: string): GameErrorText {
  const text = { ...describeError(code), retry: !FINAL.has(code) };
  if (code === ErrorCode.QR_LINK_INVALID)
    return { ...text, steps: ["Quét lại mã QR in tại quầy bằng Zalo.", "Nếu vẫn không được, hãy nhờ nhân viên cửa hàng hỗ trợ."] };
  return text;
}

export const isLimitCode = (code: string) => code === ErrorCode.GAME_DAILY_LIMIT_REACHED || code === ErrorCode.GAME_PLAY_LIMIT_REACHED;

export const percent = (odds: number) => {
  const p = odds * 100;
  if (p === 0) return "0%";
  if (p < 0.1) return "<0,1%";
  return `${p.toLocaleString("vi-VN", { maximumFractionDigits: p < 10 ? 1 : 0 })}%`;
};
