import { ZALO_CODE_TEXT } from "@mc/web/zalo-reasons";
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
export const zaloReason = (code: number | null | undefined, fallback?: string | null) =>
  (code != null && ZALO_CODE_TEXT[code]) || fallback || (code != null ? `Lỗi Zalo ${code}` : "Không rõ");

/** Recipients not sent to (blocked, failed, outcome unknown, expired or cancelled): the list and the detail page agree. */
export const notSentOf = (c: Counts) => c.suppressed + c.failed + c.unknown + c.expired + c.cancelled;

/** The console's roles (the server's OperatorRole). */
export type ConsoleRole = "owner" | "marketer" | "store_manager";
export const ROLE_LABEL: Record<ConsoleRole, string> = { owner: "Chủ cửa hàng", marketer: "Marketing", store_manager: "Quản lý cửa hàng" };
