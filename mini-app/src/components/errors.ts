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
    default:
      return { title: "Đã có lỗi xảy ra", hint: "Vui lòng thử lại sau ít phút." };
  }
}
