import { ErrorCode } from "@mc/shared/errors";
import { describeError } from "../../components/errors";

export type GameErrorText = { title: string; hint: string; steps?: string[]; retry: boolean };

/** What the shopper reads when a game cannot open or be played; screens switch on the code only. */
export function describeGameError(code: string): GameErrorText {
  switch (code) {
    case ErrorCode.QR_LINK_INVALID:
      return {
        title: "Mã QR không hợp lệ",
        hint: "Mã QR này không đúng hoặc đã bị chỉnh sửa nên không mở được trò chơi.",
        steps: ["Quét lại mã QR in tại quầy bằng Zalo.", "Nếu vẫn không được, hãy nhờ nhân viên cửa hàng hỗ trợ."],
        retry: false,
      };
    case ErrorCode.GAME_NOT_FOUND:
      return { title: "Trò chơi không còn nữa", hint: "Chương trình này đã được gỡ. Hỏi nhân viên cửa hàng về các ưu đãi đang có nhé.", retry: false };
    case ErrorCode.GAME_ENDED:
      return { title: "Chương trình đã kết thúc", hint: "Cảm ơn bạn đã quan tâm! Hãy theo dõi OA để không bỏ lỡ chương trình tiếp theo.", retry: false };
    case ErrorCode.GAME_NOT_STARTED:
      return { title: "Chương trình chưa bắt đầu", hint: "Trò chơi sẽ mở trong thời gian tới. Bạn quay lại sau nhé!", retry: false };
    case ErrorCode.GAME_NOT_ACTIVE:
      return { title: "Trò chơi đang tạm dừng", hint: "Trò chơi hiện không diễn ra tại cửa hàng này. Hỏi nhân viên để biết thêm nhé.", retry: false };
    case ErrorCode.GAME_DAILY_LIMIT_REACHED:
      return { title: "Bạn đã hết lượt hôm nay", hint: "Quay lại cửa hàng vào ngày mai để chơi tiếp nhé!", retry: false };
    case ErrorCode.GAME_PLAY_LIMIT_REACHED:
      return { title: "Bạn đã dùng hết lượt chơi", hint: "Bạn đã chơi đủ số lượt của chương trình này. Cảm ơn bạn đã tham gia!", retry: false };
    default: {
      const base = describeError(code);
      return { ...base, retry: true };
    }
  }
}

export const isLimitCode = (code: string) => code === ErrorCode.GAME_DAILY_LIMIT_REACHED || code === ErrorCode.GAME_PLAY_LIMIT_REACHED;

export const percent = (odds: number) => {
  const p = odds * 100;
  if (p === 0) return "0%";
  if (p < 0.1) return "<0,1%";
  return `${p.toLocaleString("vi-VN", { maximumFractionDigits: p < 10 ? 1 : 0 })}%`;
};

export const pointsText = (n: number) => `${n.toLocaleString("vi-VN")} điểm`;
