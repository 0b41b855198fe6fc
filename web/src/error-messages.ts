import { ErrorCode } from "@mc/shared/errors";
import { ClientErrorCode } from "./api-client";

export type ErrorText = { title: string; hint: string };

/**
 * What a person reads for each error code, in Vietnamese: every server `ErrorCode` and every client code, one
 * table for the mini app and the console. Screens switch on the code, never on the server's (English) message;
 * a screen with more to say (a voucher's redemption time, the bill number) words it itself.
 */
export const ERROR_MESSAGES: Record<ErrorCode | ClientErrorCode, ErrorText> = {
  // the client's own
  NETWORK: { title: "Không kết nối được máy chủ", hint: "Kiểm tra kết nối mạng rồi thử lại nhé." },
  BAD_RESPONSE: { title: "Máy chủ trả lời không như mong đợi", hint: "Vui lòng thử lại sau ít phút." },
  ZALO: { title: "Chưa lấy được thông tin Zalo", hint: "Zalo chưa phản hồi hoặc bạn chưa cho phép. Hãy thử lại." },
  // generic
  VALIDATION_FAILED: { title: "Thông tin chưa hợp lệ", hint: "Kiểm tra lại các mục bên dưới rồi thử lại." },
  NOT_FOUND: { title: "Không tìm thấy", hint: "Mục này không tồn tại hoặc đã bị xoá." },
  RATE_LIMITED: { title: "Bạn thao tác hơi nhanh", hint: "Đợi một chút rồi thử lại nhé." },
  NOT_READY: { title: "Máy chủ đang khởi động lại", hint: "Đợi vài giây rồi thử lại nhé." },
  INTERNAL: { title: "Máy chủ đang gặp sự cố", hint: "Vui lòng thử lại sau ít phút." },
  CONFLICT: { title: "Dữ liệu vừa được thay đổi ở nơi khác", hint: "Tải lại trang rồi thử lại." },
  IDEMPOTENCY_KEY_REUSED: { title: "Yêu cầu này trùng mã với một yêu cầu khác", hint: "Kiểm tra lại số hoá đơn hoặc thông tin vừa nhập." },
  // auth
  UNAUTHENTICATED: { title: "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại", hint: "" },
  FORBIDDEN: { title: "Bạn không có quyền thực hiện thao tác này", hint: "" },
  ZALO_TOKEN_INVALID: { title: "Phiên đăng nhập Zalo đã hết hạn", hint: "Vui lòng đăng nhập lại bằng Zalo." },
  PHONE_TOKEN_INVALID: { title: "Chưa xác minh được số điện thoại", hint: "Mã xác nhận của Zalo đã hết hạn. Hãy thử lại." },
  ADMIN_LOGIN_FAILED: { title: "Sai email hoặc mật khẩu", hint: "Kiểm tra lại rồi đăng nhập lần nữa." },
  ADMIN_LOGIN_LOCKED: { title: "Tài khoản tạm khoá vì nhập sai mật khẩu nhiều lần", hint: "Vui lòng đợi vài phút rồi đăng nhập lại." },
  CUSTOMER_ONLY: { title: "Chức năng này dành cho khách hàng", hint: "Hãy đăng nhập bằng Zalo trong mini app." },
  ZALO_UNAVAILABLE: { title: "Zalo đang tạm thời gián đoạn", hint: "Vui lòng thử lại sau ít phút." },
  OA_CONNECT_STATE_INVALID: { title: "Phiên kết nối OA không hợp lệ hoặc đã hết hạn", hint: "Hãy bấm “Kết nối OA” lại từ trang Kết nối OA." },
  OA_CONNECT_DENIED: { title: "Chưa được cấp quyền OA", hint: "Quản trị viên OA đã từ chối trên trang của Zalo. Bấm “Kết nối OA” để thử lại." },
  OA_CONNECT_FAILED: { title: "Zalo từ chối mã kết nối OA", hint: "Mã đã hết hạn hoặc đã dùng. Bấm “Kết nối OA” để thử lại." },
  ZALO_BUSY: { title: "Zalo đang bận, thử lại", hint: "Zalo đang quá tải trong giây lát. Hãy thử lại sau vài giây." },
  // webhooks (Zalo's calls; a person sees these only in a log)
  WEBHOOK_SIGNATURE_INVALID: { title: "Chữ ký sự kiện từ Zalo không hợp lệ", hint: "" },
  WEBHOOK_PAYLOAD_INVALID: { title: "Dữ liệu sự kiện từ Zalo không hợp lệ", hint: "" },
  // customers
  CUSTOMER_NOT_FOUND: { title: "Không tìm thấy khách hàng", hint: "" },
  // loyalty and vouchers
  INSUFFICIENT_POINTS: { title: "Chưa đủ điểm", hint: "Số điểm hiện có không đủ cho thao tác này." },
  MEMBER_NOT_FOUND: { title: "Không tìm thấy thành viên", hint: "Kiểm tra lại mã thành viên." },
  PURCHASE_TOO_SMALL: { title: "Số tiền chưa đủ để tích điểm", hint: "" },
  STORE_FORBIDDEN: { title: "Bạn không làm việc tại cửa hàng này", hint: "" },
  CAMPAIGN_NOT_FOUND: { title: "Không tìm thấy ưu đãi", hint: "" },
  CAMPAIGN_NOT_ACTIVE: { title: "Ưu đãi hiện không áp dụng", hint: "" },
  CAMPAIGN_OUT_OF_STOCK: { title: "Ưu đãi đã hết lượt", hint: "" },
  CAMPAIGN_LIMIT_REACHED: { title: "Bạn đã nhận ưu đãi này rồi", hint: "" },
  FOLLOW_REQUIRED: { title: "Hãy quan tâm OA để nhận ưu đãi này", hint: "" },
  VOUCHER_NOT_FOUND: { title: "Không tìm thấy voucher", hint: "" },
  VOUCHER_ALREADY_REDEEMED: { title: "Voucher đã được sử dụng", hint: "" },
  VOUCHER_EXPIRED: { title: "Voucher đã hết hạn", hint: "" },
  VOUCHER_VOID: { title: "Voucher đã bị hủy", hint: "" },
  VOUCHER_NOT_VALID_AT_STORE: { title: "Voucher không áp dụng tại cửa hàng này", hint: "" },
  QR_INVALID: { title: "Mã QR không hợp lệ", hint: "Quét lại mã QR trên điện thoại của khách." },
  QR_EXPIRED: { title: "Mã QR đã hết hạn", hint: "Nhờ khách mở lại voucher để có mã mới." },
  VOUCHER_CODE_EXPIRED: { title: "Mã 6 số đã hết hạn", hint: "Nhờ khách đọc mã mới đang hiện trên voucher." },
  // games
  QR_LINK_INVALID: { title: "Mã QR không hợp lệ", hint: "Mã QR này không đúng hoặc đã bị chỉnh sửa nên không mở được trò chơi." },
  GAME_NOT_FOUND: { title: "Trò chơi không còn nữa", hint: "Chương trình này đã được gỡ. Hỏi nhân viên cửa hàng về các ưu đãi đang có nhé." },
  GAME_NOT_ACTIVE: { title: "Trò chơi đang tạm dừng", hint: "Trò chơi hiện không diễn ra tại cửa hàng này. Hỏi nhân viên để biết thêm nhé." },
  GAME_NOT_STARTED: { title: "Chương trình chưa bắt đầu", hint: "Trò chơi sẽ mở trong thời gian tới. Bạn quay lại sau nhé!" },
  GAME_ENDED: { title: "Chương trình đã kết thúc", hint: "Cảm ơn bạn đã quan tâm! Hãy theo dõi OA để không bỏ lỡ chương trình tiếp theo." },
  GAME_DAILY_LIMIT_REACHED: { title: "Bạn đã hết lượt hôm nay", hint: "Quay lại cửa hàng vào ngày mai để chơi tiếp nhé!" },
  GAME_PLAY_LIMIT_REACHED: { title: "Bạn đã dùng hết lượt chơi", hint: "Bạn đã chơi đủ số lượt của chương trình này. Cảm ơn bạn đã tham gia!" },
  GAME_PRIZE_STOCK_BELOW_WON: { title: "Số lượng giải không được ít hơn số đã trúng", hint: "Đặt số lượng ít nhất bằng số giải đã trúng." },
  GAME_PRIZE_LOCKED: { title: "Giải đã có người trúng: không đổi được loại quà", hint: "Thêm một giải mới và bỏ giải cũ ra khỏi trò chơi." },
  DRAW_NOT_FOUND: { title: "Không tìm thấy lượt chơi", hint: "" },
  // messaging
  TEMPLATE_NOT_FOUND: { title: "Không tìm thấy mẫu tin", hint: "Mẫu ZNS này chưa được đăng ký hoặc đã bị xoá." },
  TEMPLATE_DATA_INVALID: { title: "Dữ liệu cho mẫu tin chưa hợp lệ", hint: "Kiểm tra lại các tham số của mẫu." },
  // menu and orders
  MENU_CATEGORY_NOT_FOUND: { title: "Không tìm thấy danh mục", hint: "" },
  PRODUCT_NOT_FOUND: { title: "Không tìm thấy món", hint: "" },
  PRODUCT_UNAVAILABLE: { title: "Có món vừa hết, vui lòng bỏ món đó khỏi giỏ", hint: "" },
  OPTION_INVALID: { title: "Tùy chọn của một món không còn hợp lệ, vui lòng chọn lại", hint: "" },
  STORE_UNAVAILABLE: { title: "Cửa hàng đang tạm ngưng nhận đơn", hint: "" },
  PICKUP_TIME_INVALID: { title: "Giờ nhận không hợp lệ, hãy chọn lại", hint: "" },
  // stores and their opening hours
  STORE_NOT_FOUND: { title: "Không tìm thấy cửa hàng này", hint: "" },
  STORE_CLOSED: { title: "Cửa hàng đang đóng cửa, hãy quay lại khi cửa hàng mở", hint: "" },
  PICKUP_OUTSIDE_HOURS: { title: "Cửa hàng không mở cửa vào giờ bạn chọn, hãy chọn giờ khác", hint: "" },
  ORDER_NOT_FOUND: { title: "Không tìm thấy đơn hàng", hint: "" },
  ORDER_TOTAL_MISMATCH: { title: "Giá vừa thay đổi, vui lòng kiểm tra lại tổng tiền", hint: "" },
  ORDER_STATUS_INVALID: { title: "Đơn vừa được cập nhật, vui lòng tải lại", hint: "" },
  ORDER_NOT_PAID: { title: "Đơn thanh toán qua Zalo chưa được thanh toán", hint: "" },
  ORDER_ALREADY_PAID: { title: "Đơn đã thanh toán: nhờ nhân viên hủy và hoàn tiền", hint: "" },
  ORDER_PAYMENT_METHOD_INVALID: { title: "Cách thanh toán này không dùng được cho đơn", hint: "Hãy chọn cách thanh toán khác." },
  VOUCHER_MIN_SPEND_NOT_MET: { title: "Đơn chưa đạt giá trị tối thiểu của voucher", hint: "" },
  VOUCHER_NOT_APPLICABLE: { title: "Voucher không giảm được cho đơn này (hãy thêm món được tặng vào giỏ)", hint: "" },
  VOUCHER_IN_USE: { title: "Voucher đang được dùng cho một đơn khác chưa hoàn tất", hint: "" },
  CHECKOUT_NOT_CONFIGURED: { title: "Cửa hàng chưa bật thanh toán qua Zalo", hint: "" },
  // console accounts and staff grants
  OPERATOR_NOT_FOUND: { title: "Không tìm thấy tài khoản quản trị", hint: "Tài khoản này không tồn tại." },
  OPERATOR_EMAIL_TAKEN: { title: "Email này đã có tài khoản", hint: "Dùng email khác, hoặc sửa tài khoản đang có." },
  LAST_OWNER: { title: "Cửa hàng cần ít nhất một chủ đang hoạt động", hint: "Hãy cấp vai trò chủ cho một tài khoản khác trước." },
  ADMIN_ACCOUNT_DISABLED: { title: "Tài khoản đã bị tạm ngưng", hint: "Liên hệ chủ cửa hàng để mở lại tài khoản." },
  PASSWORD_INCORRECT: { title: "Mật khẩu hiện tại chưa đúng", hint: "Nhập lại mật khẩu bạn đang dùng." },
  STAFF_IS_ADMIN: { title: "Người này đang là quản trị viên", hint: "Quản trị viên đã làm việc được ở mọi cửa hàng." },
  // menu images and order
  IMAGE_UNSUPPORTED: { title: "Tệp này không phải ảnh dùng được", hint: "Hãy chọn ảnh JPEG, PNG, WebP hoặc GIF." },
  IMAGE_TOO_LARGE: { title: "Ảnh quá lớn", hint: "Hãy chọn ảnh dưới 8 MB (tối đa 40 triệu điểm ảnh)." },
  IMAGE_NOT_FOUND: { title: "Không tìm thấy ảnh này", hint: "Hãy tải ảnh lên lại." },
  MENU_ORDER_STALE: { title: "Thực đơn vừa được thay đổi ở nơi khác", hint: "Trang đã tải lại thực đơn mới nhất, hãy sắp xếp lại." },
  SCHEDULE_IN_PAST: { title: "Thời điểm gửi đã qua", hint: "Chọn một thời điểm trong tương lai, hoặc để trống để gửi khi bấm bắt đầu." },
  // ZNS templates imported from Zalo
  TEMPLATE_DISABLED: { title: "Mẫu ZNS này đang tắt", hint: "Bật lại mẫu ở trang Mẫu ZNS, hoặc chọn mẫu khác." },
  TEMPLATE_NOT_APPROVED: {
    title: "Mẫu ZNS chưa được Zalo duyệt",
    hint: "Chỉ mẫu đang hoạt động (ENABLE) trên Zalo mới gửi được; hãy cập nhật lại từ Zalo sau khi được duyệt.",
  },
  TEMPLATE_NOT_AT_ZALO: { title: "Zalo không có mẫu với mã này", hint: "Kiểm tra lại mã mẫu trong trang quản lý ZNS của Zalo." },
  TEMPLATE_TAG_UNKNOWN: { title: "Không đọc được tag của mẫu từ Zalo", hint: "Hãy chọn tag cho mẫu rồi nhập lại." },
  AUTOMATION_NOT_FOUND: { title: "Không tìm thấy tự động hoá", hint: "Tự động hoá này không tồn tại. Hãy quay lại danh sách." },
  AUTOMATION_PLACEHOLDER_UNKNOWN: {
    title: "Biến không có trong sự kiện này",
    hint: "Nội dung dùng một biến {…} mà sự kiện kích hoạt không có. Chỉ dùng các biến được liệt kê dưới ô nội dung.",
  },
  AUTOMATION_SEGMENT_NOT_FOUND: { title: "Không tìm thấy phân khúc", hint: "Phân khúc đã chọn không còn nữa. Hãy chọn phân khúc khác hoặc bỏ điều kiện." },
  AUTOMATION_CONDITION_INVALID: {
    title: "Điều kiện không dùng được cho sự kiện này",
    hint: "Một điều kiện nhắc tới dữ liệu, phép so sánh hoặc cửa hàng mà sự kiện này không có. Hãy sửa hoặc bỏ điều kiện đó.",
  },
  CONVERSATION_NOT_FOUND: { title: "Không tìm thấy cuộc trò chuyện này", hint: "Có thể cuộc trò chuyện thuộc cửa hàng khác." },
  CANNED_NOT_FOUND: { title: "Không tìm thấy câu trả lời mẫu", hint: "Có thể câu trả lời mẫu vừa bị xoá. Hãy tải lại danh sách." },
  CANNED_VARIABLE_UNKNOWN: {
    title: "Câu trả lời mẫu có biến không hợp lệ",
    hint: "Chỉ dùng các biến {name}, {points}, {last_order}.",
  },
  ASSIGNEE_INVALID: { title: "Người được giao không hợp lệ", hint: "Chỉ giao cho nhân viên của cửa hàng đã chọn." },
  REPLY_WINDOW_CLOSED: {
    title: "Đã quá 7 ngày kể từ tin nhắn cuối của khách: Zalo không cho trả lời tư vấn",
    hint: "Hãy gửi một mẫu ZNS thay cho tin trả lời.",
  },
  ATTACHMENT_TYPE_UNSUPPORTED: { title: "Zalo chỉ nhận ảnh JPG hoặc PNG", hint: "Hãy chọn ảnh JPG hoặc PNG để gửi cho khách." },
  ATTACHMENT_TOO_LARGE: { title: "Ảnh quá lớn để gửi qua Zalo", hint: "Zalo nhận ảnh tối đa 1 MB: hãy chọn ảnh nhỏ hơn hoặc giảm kích thước ảnh." },
  ZALO_UPLOAD_REJECTED: { title: "Zalo không nhận ảnh này", hint: "Có thể OA đã hết lượt tải ảnh trong tháng. Hãy thử lại sau hoặc gửi tin chữ." },
  CUSTOMER_INFO_COMPLETE: { title: "Đã có tên và số điện thoại của khách", hint: "Không cần xin thêm thông tin." },
  ORDER_NOT_RATEABLE: { title: "Đơn này chưa thể đánh giá", hint: "Bạn có thể đánh giá sau khi đơn đã hoàn tất." },
  RATING_EXISTS: { title: "Bạn đã đánh giá đơn này rồi", hint: "Mỗi đơn chỉ đánh giá một lần. Cảm ơn bạn đã góp ý!" },
};

const UNKNOWN: ErrorText = { title: "Đã có lỗi xảy ra", hint: "Vui lòng thử lại sau ít phút." };

/** The Vietnamese title and hint for a code; a code this build does not know reads as a generic error. */
export function describeError(code: string): ErrorText {
  return Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, code) ? ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES] : UNKNOWN;
}
