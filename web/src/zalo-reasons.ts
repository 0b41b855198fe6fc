import { REASON_LABEL, ZALO_ERROR_TEXT, reasonLabel } from "@mc/shared";

/**
 * Zalo's error codes in Vietnamese (zalo-platform.md §5.8 OA API, §7.5 ZNS), for a message Zalo refused. The
 * server's ZALO_ERROR_TEXT is English (logs, admin test sends); this is what staff read.
 */
export const ZALO_CODE_TEXT: Record<number, string> = {
  [-32]: "Zalo đang bận (quá giới hạn số lần gọi), sẽ thử lại",
  [-100]: "Tệp đính kèm đã hết hạn",
  [-108]: "Số điện thoại không hợp lệ",
  [-109]: "Mã mẫu ZNS không hợp lệ",
  [-111]: "Dữ liệu mẫu trống",
  [-112]: "Dữ liệu mẫu không hợp lệ",
  [-114]: "Người nhận không hoạt động, đã từ chối, hoặc dùng Zalo phiên bản cũ",
  [-115]: "Hết hạn mức hoặc số dư ZNS",
  [-117]: "OA không có quyền dùng mẫu này",
  [-118]: "Số điện thoại này không có tài khoản Zalo",
  [-119]: "Tài khoản này không nhận được tin",
  [-124]: "Mã truy cập OA không hợp lệ",
  [-126]: "Ví thử nghiệm (chế độ development) đã hết hạn mức",
  [-127]: "Chế độ development chỉ gửi được tới quản trị viên của app/OA",
  [-131]: "Mẫu chưa được Zalo duyệt",
  [-133]: "Zalo không cho gửi mẫu này ban đêm",
  [-137]: "Không trừ được tiền tài khoản Zalo Cloud",
  [-139]: "Người nhận đã từ chối loại tin này",
  [-141]: "Người nhận đã chặn tin từ OA này",
  [-144]: "Đã hết hạn mức ZNS trong ngày",
  [-147]: "Mẫu đã hết lượt gửi trong ngày",
  [-200]: "Zalo gửi không được (lỗi tạm thời của Zalo)",
  [-201]: "Tin có trường dữ liệu không hợp lệ",
  [-204]: "OA đã bị vô hiệu hoá",
  [-205]: "OA không tồn tại",
  [-209]: "Ứng dụng chưa được kích hoạt hoặc không hỗ trợ API này",
  [-210]: "Tham số vượt quá giới hạn Zalo cho phép",
  [-211]: "Hết hạn mức gửi (quota)",
  [-212]: "Ứng dụng chưa đăng ký API này",
  [-213]: "Khách chưa quan tâm OA",
  [-216]: "Mã truy cập OA không hợp lệ",
  [-217]: "Khách đã chặn lời mời từ OA",
  [-218]: "Khách đã nhận đủ số tin cho phép",
  [-219]: "Ứng dụng đã bị gỡ hoặc vô hiệu hoá",
  [-220]: "Mã truy cập OA đã hết hạn",
  [-221]: "OA cần được xác thực",
  [-223]: "OA chưa được cấp quyền dùng API này",
  [-224]: "Cần nâng cấp gói dịch vụ của OA",
  [-227]: "Khách bị khoá hoặc không dùng Zalo quá 45 ngày",
  [-230]: "Khách không tương tác với OA trong 7 ngày qua (hết cửa sổ trả lời)",
  [-232]: "Khách chưa tương tác hoặc cửa sổ trả lời đã hết",
  [-233]: "Loại tin không hợp lệ",
  [-234]: "Zalo không cho gửi ban đêm (22:00–06:00)",
  [-235]: "API này không dành cho loại OA này",
  [-237]: "Nhóm đã bị vô hiệu hoá",
  [-240]: "Zalo đã ngừng loại tin này (MessageV2)",
  [-242]: "Chữ ký appsecret_proof không hợp lệ",
  [-244]: "Khách đã hạn chế nhận loại tin này",
  [-248]: "Tin vi phạm tiêu chuẩn của Zalo",
  [-249]: "Mẫu này không gửi được theo UID",
  [-320]: "Ứng dụng cần liên kết tài khoản Zalo Cloud",
  [-321]: "Tài khoản Zalo Cloud hết tiền",
  [-1121]: "Một tham số quá dài",
  [-1122]: "Thiếu một tham số",
  [-1124]: "Một tham số sai định dạng",
  [-1441]: "Đã hết hạn mức khuyến mãi trong tháng",
  [-1472]: "Khách đã nhận một tin khuyến mãi hôm nay",
};

/** The dispatcher's own reasons for a message that ended without Zalo's word on it. */
const OWN_TEXT: Record<string, string> = {
  SEND_FAILED: "Không gửi được tới Zalo (lỗi kết nối)",
};

// Rows stored before the reason was a code held Zalo's English text ("Recipient does not follow the OA").
const FROM_ENGLISH = new Map(Object.entries(ZALO_ERROR_TEXT).map(([code, text]) => [text, Number(code)]));

const zaloCodeText = (code: number) => `Zalo từ chối: ${ZALO_CODE_TEXT[code] ?? "lỗi không rõ"} (mã ${code})`;

/**
 * Why a message was held or not sent, in Vietnamese: a send-policy reason ("NOT_A_FOLLOWER:cs:…"), Zalo's
 * refusal ("ZALO_ERROR:-201"), or (older rows) Zalo's English text.
 */
export function sendReasonText(reason: string): string {
  const [head, detail] = [reason.split(":")[0]!, reason.slice(reason.indexOf(":") + 1)];
  if (head === "ZALO_ERROR" && /^-?\d+$/.test(detail)) return zaloCodeText(Number(detail));
  if (head === "RETRY") return REASON_LABEL.RETRY!;
  if (OWN_TEXT[head]) return OWN_TEXT[head];
  if (REASON_LABEL[head]) return reasonLabel(reason);
  const old = FROM_ENGLISH.get(reason) ?? Number(/^Zalo error (-?\d+)$/.exec(reason)?.[1] ?? NaN);
  return Number.isNaN(old) ? "Zalo không nhận tin này" : zaloCodeText(old);
}
