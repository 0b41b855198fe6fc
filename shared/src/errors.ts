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
  /** `/ready`: this instance is starting, draining for shutdown, or its database does not answer (details.reason). */
  NOT_READY: "NOT_READY",
  /** An idempotency key sent again for another subject or amount: a different request, refused. */
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  // auth
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  ZALO_TOKEN_INVALID: "ZALO_TOKEN_INVALID",
  PHONE_TOKEN_INVALID: "PHONE_TOKEN_INVALID",
  ADMIN_LOGIN_FAILED: "ADMIN_LOGIN_FAILED",
  /** Too many wrong console passwords for one account, from anywhere: wait (details.retryAfterSeconds). */
  ADMIN_LOGIN_LOCKED: "ADMIN_LOGIN_LOCKED",
  /** A web-console operator's token on a route for shoppers signed in with Zalo: operators are not customers. */
  CUSTOMER_ONLY: "CUSTOMER_ONLY",
  ZALO_UNAVAILABLE: "ZALO_UNAVAILABLE",
  /** Zalo refused for load at sign-in or the phone exchange (-32, a 5xx, its transient codes): retry, the sign-in itself is fine. */
  ZALO_BUSY: "ZALO_BUSY",
  /** The console's OA connect came back with a state that is unknown, used, expired or not an owner's. */
  OA_CONNECT_STATE_INVALID: "OA_CONNECT_STATE_INVALID",
  /** The OA admin declined on Zalo's consent page (no code came back). */
  OA_CONNECT_DENIED: "OA_CONNECT_DENIED",
  /** Zalo refused the consent's code (expired, used, wrong verifier or app). */
  OA_CONNECT_FAILED: "OA_CONNECT_FAILED",
  // webhooks
  WEBHOOK_SIGNATURE_INVALID: "WEBHOOK_SIGNATURE_INVALID",
  WEBHOOK_PAYLOAD_INVALID: "WEBHOOK_PAYLOAD_INVALID",
  // customers
  CUSTOMER_NOT_FOUND: "CUSTOMER_NOT_FOUND",
  // loyalty and vouchers: the mini app and the staff counter switch on these
  INSUFFICIENT_POINTS: "INSUFFICIENT_POINTS",
  MEMBER_NOT_FOUND: "MEMBER_NOT_FOUND",
  PURCHASE_TOO_SMALL: "PURCHASE_TOO_SMALL",
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
  /** A typed counter code past its QR's life, or the voucher's printed code (never accepted at the counter). */
  VOUCHER_CODE_EXPIRED: "VOUCHER_CODE_EXPIRED",
  // games: in-store QR links, plays and prizes
  QR_LINK_INVALID: "QR_LINK_INVALID",
  GAME_NOT_FOUND: "GAME_NOT_FOUND",
  GAME_NOT_ACTIVE: "GAME_NOT_ACTIVE",
  GAME_NOT_STARTED: "GAME_NOT_STARTED",
  GAME_ENDED: "GAME_ENDED",
  GAME_DAILY_LIMIT_REACHED: "GAME_DAILY_LIMIT_REACHED",
  GAME_PLAY_LIMIT_REACHED: "GAME_PLAY_LIMIT_REACHED",
  DRAW_NOT_FOUND: "DRAW_NOT_FOUND",
  /** An edit sets a prize's stock below what was already won (details.prize: its index, details.won). */
  GAME_PRIZE_STOCK_BELOW_WON: "GAME_PRIZE_STOCK_BELOW_WON",
  /** An edit changes what a prize gives (kind, voucher campaign, points) after it was drawn (details.prize: its index). */
  GAME_PRIZE_LOCKED: "GAME_PRIZE_LOCKED",
  // messaging
  TEMPLATE_NOT_FOUND: "TEMPLATE_NOT_FOUND",
  TEMPLATE_DATA_INVALID: "TEMPLATE_DATA_INVALID",
  // orders
  MENU_CATEGORY_NOT_FOUND: "MENU_CATEGORY_NOT_FOUND",
  PRODUCT_NOT_FOUND: "PRODUCT_NOT_FOUND",
  PRODUCT_UNAVAILABLE: "PRODUCT_UNAVAILABLE",
  OPTION_INVALID: "OPTION_INVALID",
  STORE_UNAVAILABLE: "STORE_UNAVAILABLE",
  PICKUP_TIME_INVALID: "PICKUP_TIME_INVALID",
  // stores and their opening hours
  STORE_NOT_FOUND: "STORE_NOT_FOUND",
  /** A table order while the store is closed (details.opensAt: its next opening, ISO). */
  STORE_CLOSED: "STORE_CLOSED",
  /** A pickup time outside the store's opening hours (details.opensAt: the first opening from that time, ISO). */
  PICKUP_OUTSIDE_HOURS: "PICKUP_OUTSIDE_HOURS",
  ORDER_NOT_FOUND: "ORDER_NOT_FOUND",
  ORDER_TOTAL_MISMATCH: "ORDER_TOTAL_MISMATCH",
  ORDER_STATUS_INVALID: "ORDER_STATUS_INVALID",
  ORDER_NOT_PAID: "ORDER_NOT_PAID",
  ORDER_ALREADY_PAID: "ORDER_ALREADY_PAID",
  ORDER_PAYMENT_METHOD_INVALID: "ORDER_PAYMENT_METHOD_INVALID",
  VOUCHER_MIN_SPEND_NOT_MET: "VOUCHER_MIN_SPEND_NOT_MET",
  VOUCHER_NOT_APPLICABLE: "VOUCHER_NOT_APPLICABLE",
  VOUCHER_IN_USE: "VOUCHER_IN_USE",
  CHECKOUT_NOT_CONFIGURED: "CHECKOUT_NOT_CONFIGURED",
  // console accounts and staff grants
  OPERATOR_NOT_FOUND: "OPERATOR_NOT_FOUND",
  /** Another console account already signs in with this email. */
  OPERATOR_EMAIL_TAKEN: "OPERATOR_EMAIL_TAKEN",
  /** The change would leave the shop with no active owner (nobody could manage accounts any more). */
  LAST_OWNER: "LAST_OWNER",
  /** The right password for a deactivated console account: an owner must reactivate it. */
  ADMIN_ACCOUNT_DISABLED: "ADMIN_ACCOUNT_DISABLED",
  /** Changing one's own console password: the current password given is not it. */
  PASSWORD_INCORRECT: "PASSWORD_INCORRECT",
  /** A staff grant for someone who is a mini-app admin: they already act at every store. */
  STAFF_IS_ADMIN: "STAFF_IS_ADMIN",
  // menu images and order
  /** An upload that is not a JPEG, PNG, WebP or GIF picture (by its bytes, whatever its name or type says). */
  IMAGE_UNSUPPORTED: "IMAGE_UNSUPPORTED",
  /** An upload over the size limit (bytes or pixels). */
  IMAGE_TOO_LARGE: "IMAGE_TOO_LARGE",
  /** A product names an image the server never made. */
  IMAGE_NOT_FOUND: "IMAGE_NOT_FOUND",
  /** A reorder that does not list exactly the menu as it is now (someone changed it meanwhile). */
  MENU_ORDER_STALE: "MENU_ORDER_STALE",
  /** A broadcast scheduled for a time already past (when it is created). */
  SCHEDULE_IN_PAST: "SCHEDULE_IN_PAST",
  // ZNS templates imported from Zalo
  /** A send with a template the shop switched off in the console. */
  TEMPLATE_DISABLED: "TEMPLATE_DISABLED",
  /** A send with a template Zalo has not approved (status other than ENABLE when last read). */
  TEMPLATE_NOT_APPROVED: "TEMPLATE_NOT_APPROVED",
  /** An import of a template id Zalo does not know for this OA (-109). */
  TEMPLATE_NOT_AT_ZALO: "TEMPLATE_NOT_AT_ZALO",
  /** Zalo's answer names a tag this build cannot read: the admin picks the tag. */
  TEMPLATE_TAG_UNKNOWN: "TEMPLATE_TAG_UNKNOWN",
  // automations
  /** No automation with this id. */
  AUTOMATION_NOT_FOUND: "AUTOMATION_NOT_FOUND",
  /** A `{var}` in an automation's text or template params that its trigger does not carry. */
  AUTOMATION_PLACEHOLDER_UNKNOWN: "AUTOMATION_PLACEHOLDER_UNKNOWN",
  /** An automation's condition names a saved segment that does not exist (or was deleted). */
  AUTOMATION_SEGMENT_NOT_FOUND: "AUTOMATION_SEGMENT_NOT_FOUND",
  /** A rule on the event that its trigger cannot check (unknown var, op or value; details.problems). */
  AUTOMATION_CONDITION_INVALID: "AUTOMATION_CONDITION_INVALID",
  // the OA inbox
  /** A conversation that does not exist, or that the caller's stores do not see. */
  CONVERSATION_NOT_FOUND: "CONVERSATION_NOT_FOUND",
  /** A reply after Zalo's 7-day window since the person's last message closed (details.closedAt, ISO): use a ZNS template. */
  REPLY_WINDOW_CLOSED: "REPLY_WINDOW_CLOSED",
  /** No canned answer with this id. */
  CANNED_NOT_FOUND: "CANNED_NOT_FOUND",
  /** A canned answer names a `{variable}` other than {name}, {points}, {last_order} (details.unknown). */
  CANNED_VARIABLE_UNKNOWN: "CANNED_VARIABLE_UNKNOWN",
  /** An assignee who is not a staff member of the conversation's store (nor, for admins, a console account). */
  ASSIGNEE_INVALID: "ASSIGNEE_INVALID",
  /** An inbox image that is not a JPG or PNG (by its bytes): Zalo's OA image upload takes only these. */
  ATTACHMENT_TYPE_UNSUPPORTED: "ATTACHMENT_TYPE_UNSUPPORTED",
  /** An inbox image over Zalo's 1 MB upload limit (details.maxBytes). */
  ATTACHMENT_TOO_LARGE: "ATTACHMENT_TOO_LARGE",
  /** Zalo refused the upload (details.zaloCode), e.g. the OA's monthly upload limit. */
  ZALO_UPLOAD_REJECTED: "ZALO_UPLOAD_REJECTED",
  /** A request for the person's info when the shop already has their name and phone. */
  CUSTOMER_INFO_COMPLETE: "CUSTOMER_INFO_COMPLETE",
  // ratings of completed orders
  /** A rating for an order that is not completed (placed, in progress or cancelled): only a finished order is rated. */
  ORDER_NOT_RATEABLE: "ORDER_NOT_RATEABLE",
  /** The order was rated already: one rating per order, never changed afterwards (details.rating). */
  RATING_EXISTS: "RATING_EXISTS",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type ApiError = { code: ErrorCode | string; message: string; requestId?: string; details?: unknown };

export function isApiError(x: unknown): x is ApiError {
  return typeof x === "object" && x !== null && typeof (x as ApiError).code === "string" && typeof (x as ApiError).message === "string";
}
