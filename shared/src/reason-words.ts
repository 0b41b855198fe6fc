/** The send policy's reasons in words (Vietnamese): the shared `Reason` type plus outbox-only ones. The console shows them, and the CRM's timeline and warming state say them. */
export const REASON_LABEL: Record<string, string> = {
  UNFOLLOWED: "Đã bỏ quan tâm OA",
  NO_CHANNEL: "Không có kênh gửi phù hợp",
  OUTSIDE_CS_WINDOW: "Quá 7 ngày từ lần tương tác cuối (ngoài cửa sổ CS)",
  NOT_A_FOLLOWER: "Chưa quan tâm OA",
  NO_PHONE: "Chưa có số điện thoại (không gửi được ZNS)",
  PROMOTION_HOURS: "Ngoài khung giờ Zalo cho phép gửi khuyến mãi",
  ZNS_USER_PROMOTION_LIMIT: "Đã đủ lượt ZNS khuyến mãi của người này",
  QUOTA_EXHAUSTED: "Hết hạn mức gửi (quota)",
  CS_PROMOTION_OFF: "Không gửi khuyến mãi qua tin tư vấn (CS): cần mẫu khuyến mãi",
  TEMPLATE_NOT_UID: "Mẫu này không gửi được theo UID (Zalo từ chối, -249)",
  TEMPLATE_DAILY_LIMIT: "Mẫu ZNS đã hết lượt gửi trong ngày (sẽ gửi lại vào ngày mai)",
  ZALO_NIGHT: "Zalo không cho gửi mẫu này ban đêm (sẽ gửi khi được phép)",
  ZCA_BALANCE: "Tài khoản Zalo Cloud hết tiền: tạm giữ đến khi nạp thêm",
  PAUSED_BY_CUSTOMER: "Khách tạm dừng nhận ưu đãi",
  MUTED_BY_CUSTOMER: "Khách đã tắt loại tin này",
  CUSTOMER_WEEKLY_LIMIT: "Đã đủ số ưu đãi/tuần khách chọn",
  QUIET_HOURS: "Trong giờ yên lặng (sẽ gửi khi hết giờ)",
  CAP_REACHED: "Đạt giới hạn tần suất của cửa hàng",
  FATIGUE: "Khách vừa bỏ quan tâm sau tin gần đây (giảm tần suất)",
  EXPIRED: "Tin đã hết hạn",
  BROADCAST_CANCELLED: "Chiến dịch đã bị huỷ",
  RESEND_AFTER_CRASH: "Gửi lại sau sự cố",
  OUTCOME_UNKNOWN: "Không rõ kết quả gửi",
  TEMPLATE_UNKNOWN: "Mẫu ZNS chưa được đăng ký",
  TEMPLATE_DISABLED: "Mẫu ZNS đang tắt",
  TEMPLATE_NOT_APPROVED: "Mẫu ZNS chưa được Zalo duyệt",
  CUSTOMER_GONE: "Không còn khách hàng này",
  CUSTOMER_ERASED: "Khách đã được xoá dữ liệu cá nhân",
  OUTCOME_UNCERTAIN: "Đang kiểm tra kết quả gửi",
  FOUND_IN_CONVERSATION: "Đã thấy tin trong hội thoại OA (đã gửi)",
  RETRY: "Lỗi tạm thời, sẽ thử lại",
  AUTOMATION_OFF: "Tự động hoá đã tắt trước khi đến giờ gửi",
  NOT_IN_SEGMENT: "Không thuộc phân khúc điều kiện",
  SEGMENT_DELETED: "Phân khúc điều kiện đã bị xoá",
  CONDITION_NOT_MET: "Sự kiện không khớp điều kiện",
  CONTENT_EMPTY: "Nội dung trống",
  OA_DISCONNECTED: "Chờ kết nối lại OA (Zalo từ chối mã làm mới)",
};

/** Outbox reasons may carry detail after a colon ("NOT_A_FOLLOWER:cs:NOT_A_FOLLOWER"). */
export function reasonLabel(code: string): string {
  const head = code.split(":")[0]!;
  return REASON_LABEL[head] ?? code;
}

/** The policy's reasons as short clauses for a sentence ("Có thể nhận ưu đãi từ 08:00 ngày 3/12 (đang trong giờ yên lặng)"). */
export const REASON_CLAUSE: Record<string, string> = {
  UNFOLLOWED: "đã bỏ quan tâm OA",
  NO_CHANNEL: "không có kênh gửi phù hợp",
  OUTSIDE_CS_WINDOW: "lâu chưa tương tác với OA",
  NOT_A_FOLLOWER: "chưa quan tâm OA",
  NO_PHONE: "chưa có số điện thoại",
  PROMOTION_HOURS: "ngoài khung giờ Zalo cho gửi khuyến mãi",
  ZNS_USER_PROMOTION_LIMIT: "đã đủ lượt ZNS khuyến mãi",
  CS_PROMOTION_OFF: "khuyến mãi không gửi qua tin tư vấn (cần mẫu khuyến mãi)",
  TEMPLATE_NOT_UID: "mẫu không gửi được theo UID",
  QUOTA_EXHAUSTED: "hết hạn mức gửi hôm nay",
  PAUSED_BY_CUSTOMER: "khách tạm dừng nhận ưu đãi",
  MUTED_BY_CUSTOMER: "khách đã tắt loại tin này",
  CUSTOMER_WEEKLY_LIMIT: "đã đủ số ưu đãi mỗi tuần khách chọn",
  QUIET_HOURS: "đang trong giờ yên lặng",
  CAP_REACHED: "đã đạt giới hạn tần suất của cửa hàng",
  FATIGUE: "đang giảm tần suất sau khi khách bỏ quan tâm",
  EXPIRED: "tin đã hết hạn",
};

export function reasonClause(code: string): string {
  const head = code.split(":")[0]!;
  const label = REASON_LABEL[head];
  return REASON_CLAUSE[head] ?? (label ? label.charAt(0).toLowerCase() + label.slice(1) : code);
}
