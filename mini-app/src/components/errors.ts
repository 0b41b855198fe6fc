import { ErrorCode } from "@mc/shared/errors";
import { ClientErrorCode } from "../api/client";

/** Friendly Vietnamese text per error code: screens switch on `code`, never on server message text. */
export function describeError(code: string): { title: string; hint: string } {
  switch (code) {
    case ClientErrorCode.NETWORK:
      return { title: "Không kết nối được máy chủ", hint: "Kiểm tra kết nối mạng rồi thử lại nhé." };
    case ClientErrorCode.ZALO:
      return { title: "Chưa lấy được thông tin Zalo", hint: "Zalo chưa phản hồi hoặc bạn chưa cho phép. Hãy thử lại." };
    case ErrorCode.ZALO_TOKEN_INVALID:
    case ErrorCode.UNAUTHENTICATED:
      return { title: "Phiên đăng nhập đã hết hạn", hint: "Vui lòng đăng nhập lại bằng Zalo." };
    case ErrorCode.ZALO_UNAVAILABLE:
      return { title: "Zalo đang tạm thời gián đoạn", hint: "Vui lòng thử lại sau ít phút." };
    case ErrorCode.RATE_LIMITED:
      return { title: "Bạn thao tác hơi nhanh", hint: "Đợi một chút rồi thử lại nhé." };
    case ErrorCode.PHONE_TOKEN_INVALID:
      return { title: "Chưa xác minh được số điện thoại", hint: "Mã xác nhận của Zalo đã hết hạn. Hãy thử lại." };
    case ErrorCode.ADMIN_LOGIN_LOCKED:
      return { title: "Tài khoản tạm khoá vì nhập sai mật khẩu nhiều lần", hint: "Vui lòng đợi vài phút rồi đăng nhập lại." };
    case ErrorCode.CUSTOMER_ONLY:
      return { title: "Chức năng này dành cho khách hàng", hint: "Hãy đăng nhập bằng Zalo trong mini app." };
    case ErrorCode.FORBIDDEN:
      return { title: "Bạn không có quyền thực hiện thao tác này", hint: "" };
    case ErrorCode.VALIDATION_FAILED:
      return { title: "Thông tin chưa hợp lệ", hint: "Kiểm tra lại các mục bên dưới rồi thử lại." };
    // console accounts and staff grants
    case ErrorCode.ADMIN_LOGIN_FAILED:
      return { title: "Sai email hoặc mật khẩu", hint: "Kiểm tra lại rồi đăng nhập lần nữa." };
    case ErrorCode.ADMIN_ACCOUNT_DISABLED:
      return { title: "Tài khoản đã bị tạm ngưng", hint: "Liên hệ chủ cửa hàng để mở lại tài khoản." };
    case ErrorCode.OPERATOR_NOT_FOUND:
      return { title: "Không tìm thấy tài khoản quản trị", hint: "Tài khoản này không tồn tại." };
    case ErrorCode.OPERATOR_EMAIL_TAKEN:
      return { title: "Email này đã có tài khoản", hint: "Dùng email khác, hoặc sửa tài khoản đang có." };
    case ErrorCode.LAST_OWNER:
      return { title: "Cửa hàng cần ít nhất một chủ đang hoạt động", hint: "Hãy cấp vai trò chủ cho một tài khoản khác trước." };
    case ErrorCode.PASSWORD_INCORRECT:
      return { title: "Mật khẩu hiện tại chưa đúng", hint: "Nhập lại mật khẩu bạn đang dùng." };
    case ErrorCode.STAFF_IS_ADMIN:
      return { title: "Người này đang là quản trị viên", hint: "Quản trị viên đã làm việc được ở mọi cửa hàng." };
    case ErrorCode.MEMBER_NOT_FOUND:
      return { title: "Không tìm thấy thành viên", hint: "Kiểm tra lại mã thành viên hoặc Zalo ID." };
    case ErrorCode.STORE_FORBIDDEN:
      return { title: "Bạn không làm việc tại cửa hàng này", hint: "" };
    default:
      return { title: "Đã có lỗi xảy ra", hint: "Vui lòng thử lại sau ít phút." };
  }
}
