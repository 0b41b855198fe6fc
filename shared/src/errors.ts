/**
 * Stable error codes. The server answers every failure as `{ code, message, requestId }`
 * and the mini app switches on `code`, never on the message text.
 */
export const ErrorCode = {
  // generic
  VALIDATION_FAILED: "VALIDATION_FAILED",
  NOT_FOUND: "NOT_FOUND",
  RATE_LIMITED: "RATE_LIMITED",
  INTERNAL: "INTERNAL",
  CONFLICT: "CONFLICT",
  // auth
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  ZALO_TOKEN_INVALID: "ZALO_TOKEN_INVALID",
  PHONE_TOKEN_INVALID: "PHONE_TOKEN_INVALID",
  ADMIN_LOGIN_FAILED: "ADMIN_LOGIN_FAILED",
  ZALO_UNAVAILABLE: "ZALO_UNAVAILABLE",
  // webhooks
  WEBHOOK_SIGNATURE_INVALID: "WEBHOOK_SIGNATURE_INVALID",
  WEBHOOK_PAYLOAD_INVALID: "WEBHOOK_PAYLOAD_INVALID",
  // customers
  CUSTOMER_NOT_FOUND: "CUSTOMER_NOT_FOUND",
  // loyalty and vouchers: the mini app and the staff counter switch on these
  INSUFFICIENT_POINTS: "INSUFFICIENT_POINTS",
  MEMBER_NOT_FOUND: "MEMBER_NOT_FOUND",
  STORE_FORBIDDEN: "STORE_FORBIDDEN",
  CAMPAIGN_NOT_FOUND: "CAMPAIGN_NOT_FOUND",
  CAMPAIGN_NOT_ACTIVE: "CAMPAIGN_NOT_ACTIVE",
  CAMPAIGN_OUT_OF_STOCK: "CAMPAIGN_OUT_OF_STOCK",
  CAMPAIGN_LIMIT_REACHED: "CAMPAIGN_LIMIT_REACHED",
  FOLLOW_REQUIRED: "FOLLOW_REQUIRED",
  VOUCHER_NOT_FOUND: "VOUCHER_NOT_FOUND",
  VOUCHER_ALREADY_REDEEMED: "VOUCHER_ALREADY_REDEEMED",
  VOUCHER_EXPIRED: "VOUCHER_EXPIRED",
  VOUCHER_VOID: "VOUCHER_VOID",
  VOUCHER_NOT_VALID_AT_STORE: "VOUCHER_NOT_VALID_AT_STORE",
  QR_INVALID: "QR_INVALID",
  QR_EXPIRED: "QR_EXPIRED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type ApiError = { code: ErrorCode | string; message: string; requestId?: string; details?: unknown };

export function isApiError(x: unknown): x is ApiError {
  return typeof x === "object" && x !== null && typeof (x as ApiError).code === "string" && typeof (x as ApiError).message === "string";
}
