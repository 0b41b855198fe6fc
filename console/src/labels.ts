import type { Counts } from "./types";

export { REASON_LABEL, reasonLabel } from "@mc/shared";

/** Vietnamese labels for the server's codes (the send policy's reasons are shared: the server's timeline says them too). */

export const STATE_LABEL: Record<string, string> = {
  draft: "Nháp",
  planning: "Đang lập danh sách",
  scheduled: "Đã lên lịch",
  running: "Đang gửi",
  paused: "Tạm dừng",
  tripped: "Ngắt tự động",
  done: "Hoàn tất",
  cancelled: "Đã huỷ",
};

export const CATEGORY_LABEL: Record<string, string> = { care: "Chăm sóc", promotion: "Khuyến mãi", transactional: "Giao dịch", any: "Mọi loại" };
export const CHANNEL_LABEL: Record<string, string> = { cs: "Tin tư vấn (CS)", template_uid: "Mẫu qua UID", zns: "ZNS qua SĐT", any: "Mọi kênh" };

export const COUNT_LABEL: Record<string, string> = {
  queued: "Chờ gửi",
  held: "Tạm giữ",
  sending: "Đang gửi",
  sent: "Đã gửi",
  delivered: "Đã nhận",
  seen: "Đã xem",
  suppressed: "Không gửi",
  failed: "Lỗi",
  unknown: "Không rõ kết quả",
  expired: "Hết hạn",
  cancelled: "Đã huỷ",
};

/** A ZNS test send's state, as the admin reads it while it goes through the outbox. */
export const TEST_SEND_LABEL: Record<string, string> = {
  queued: "Đang chờ gửi…",
  ready: "Đang chờ gửi…",
  held: "Đang chờ gửi…",
  sending: "Đang gửi…",
  sent: "Đã gửi",
  delivered: "Đã gửi, người nhận đã nhận",
  seen: "Đã gửi, người nhận đã xem",
  expired: "Hết hạn: tin thử chưa được gửi đi (bộ gửi tin có đang chạy?)",
  cancelled: "Đã huỷ",
  suppressed: "Không gửi",
  failed: "Không gửi được",
};

export const TAG_LABEL: Record<number, string> = { 1: "1 · Giao dịch", 2: "2 · Chăm sóc khách hàng", 3: "3 · Khuyến mãi" };

/** Zalo's ZNS/OA error codes in Vietnamese (the server sends an English reason; this wins when known). */
const ZALO_ERROR_VI: Record<number, string> = {
  [-32]: "Vượt giới hạn tốc độ gọi của Zalo",
  [-108]: "Số điện thoại không hợp lệ",
  [-109]: "Mã mẫu không hợp lệ",
  [-111]: "Dữ liệu mẫu bị trống",
  [-112]: "Dữ liệu mẫu không hợp lệ",
  [-114]: "Người nhận không hoạt động, từ chối, hoặc dùng Zalo phiên bản cũ",
  [-115]: "Hết quota hoặc số dư ZNS",
  [-117]: "Không có quyền dùng mẫu này",
  [-118]: "Số điện thoại chưa có tài khoản Zalo",
  [-119]: "Tài khoản này không nhận được tin",
  [-124]: "Access token của OA không hợp lệ",
  [-126]: "Ví thử nghiệm (chế độ development) đã hết hạn mức",
  [-127]: "Chế độ development chỉ gửi được tới quản trị viên của app/OA",
  [-131]: "Mẫu chưa được duyệt",
  [-133]: "Không được gửi mẫu này vào ban đêm",
  [-139]: "Người nhận từ chối loại tin này",
  [-141]: "Người nhận từ chối tin từ OA này",
  [-144]: "Hết quota ZNS trong ngày",
  [-1121]: "Có tham số quá dài",
  [-1122]: "Thiếu tham số",
  [-1124]: "Tham số sai định dạng",
  [-1441]: "Hết quota khuyến mãi trong tháng",
  [-1472]: "Người nhận đã nhận một tin khuyến mãi hôm nay",
  [-201]: "Có trường không hợp lệ",
  [-213]: "Người nhận chưa quan tâm OA",
  [-216]: "Access token của OA không hợp lệ",
  [-220]: "Access token của OA đã hết hạn",
  [-227]: "Người nhận không hoạt động trên Zalo quá 45 ngày",
  [-230]: "Người nhận chưa tương tác với OA trong 7 ngày",
  [-234]: "Không được gửi khuyến mãi vào ban đêm",
  [-244]: "Người nhận đã chặn loại tin này",
  [-249]: "Mẫu này không gửi được qua user id",
};
export const zaloReason = (code: number | null | undefined, fallback?: string | null) =>
  (code != null && ZALO_ERROR_VI[code]) || fallback || (code != null ? `Lỗi Zalo ${code}` : "Không rõ");

/** Recipients not sent to (blocked, failed, outcome unknown, expired or cancelled): the list and the detail page agree. */
export const notSentOf = (c: Counts) => c.suppressed + c.failed + c.unknown + c.expired + c.cancelled;

/** The console's roles (the server's OperatorRole). */
export type ConsoleRole = "owner" | "marketer" | "store_manager";
export const ROLE_LABEL: Record<ConsoleRole, string> = { owner: "Chủ cửa hàng", marketer: "Marketing", store_manager: "Quản lý cửa hàng" };
