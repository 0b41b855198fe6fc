import type { FastifyReply } from "fastify";

/**
 * Zalo's error numbers, by name. Sources: zalo-platform.md §3 (Graph), §4 (OAuth), §5.8 (OA), §7.5 (ZNS).
 * Where the doc leaves a code open ([UNCONFIRMED]) the emulator picks one here, so it is easy to change.
 */
export const ZaloCode = {
  OK: 0,

  // Graph (§3.1, §3.2)
  SESSION_KEY_INVALID: 452, // invalid or expired user access token
  APPSECRET_PROOF_INVALID: -242, // §3.1: "-242 / -1241 Invalid appsecret_proof"
  /** §3.2 leaves the code for a reused/expired phone code open: we answer -201 "code is invalid". */
  PHONE_CODE_INVALID: -201,
  /** §1.11: a `miniapp_id` that is not a Mini App of this Zalo App. The code is [UNCONFIRMED]: -201 "<field> is invalid". */
  MINIAPP_ID_INVALID: -201,

  // OA API (§5.8)
  RATE_LIMIT: -32,
  ATTACHMENT_EXPIRED: -100, // §5.5: "attachment_id was expired"
  FIELD_INVALID: -201, // "<field> is invalid!"
  API_NOT_SUPPORTED: -209, // also what the discontinued transaction/promotion endpoints answer (§1.8, §5.4)
  PARAM_EXCEEDS_LIMIT: -210, // also a file over the upload size limit ([UNCONFIRMED] pick)
  OUT_OF_QUOTA: -211, // also the monthly upload limit ([UNCONFIRMED] pick)
  USER_NOT_FOLLOWER: -213,
  OA_TOKEN_INVALID: -216,
  OA_TOKEN_EXPIRED: -220,
  NO_INTERACTION_7D: -230,
  NIGHT_NOT_ALLOWED_OA: -234,
  TEMPLATE_NOT_UID: -249,
  ZCA_OUT_OF_MONEY: -321, // the Zalo Cloud Account that pays for template messages is empty

  // ZNS (§7.5)
  APP_SECRET_INVALID: -104, // also used by Graph /me/info for a wrong `secret_key`
  PHONE_INVALID: -108,
  TEMPLATE_ID_INVALID: -109,
  TEMPLATE_DATA_EMPTY: -111,
  TEMPLATE_DATA_INVALID: -112,
  ZALO_ACCOUNT_NOT_EXIST: -118,
  BODY_EMPTY: -121,
  BODY_NOT_JSON: -122,
  ZNS_TOKEN_INVALID: -124,
  DEV_MODE_ADMIN_ONLY: -127,
  TEMPLATE_NOT_APPROVED: -131,
  PARAMETER_INVALID: -132,
  NIGHT_NOT_ALLOWED: -133,
  DAILY_QUOTA_EXCEEDED: -144,
  TEMPLATE_DAILY_LIMIT: -147,
  PARAM_TOO_LONG: -1121,
  PARAM_MISSING: -1122,
  PARAM_FORMAT_INVALID: -1124, // §7.4
  PROMOTION_DAILY_PER_USER: -1472,
  PROMOTION_MONTHLY_PER_USER: -1441,

  // OAuth v4 (§4): only -14002/-14003 are documented; the others are [UNCONFIRMED] picks.
  OAUTH_INVALID_PARAM: -14001,
  OAUTH_INVALID_APP_ID: -14002,
  OAUTH_INVALID_SECRET: -14004,
  OAUTH_INVALID_REFRESH_TOKEN: -14005,
  OAUTH_INVALID_CODE: -14019,
  OAUTH_INVALID_REDIRECT_URI: -14003, // §4, documented
  OAUTH_INVALID_CODE_VERIFIER: -14021, // a code_verifier whose S256 is not the code_challenge: [UNCONFIRMED] pick
} as const;

/** Zalo answers HTTP 200 even on failure (§1.1); success or failure is only `error`. */
export function zaloError(reply: FastifyReply, error: number, message: string) {
  return reply.code(200).send({ error, message });
}

export function zaloOk(reply: FastifyReply, data: unknown, extra: Record<string, unknown> = {}) {
  return reply.code(200).send({ error: 0, message: "Success", data, ...extra });
}

/** The OAuth token endpoint's own failure shape (§4): `error`, `error_name`, `error_reason`. */
export function oauthError(reply: FastifyReply, error: number, name: string, reason: string) {
  return reply.code(200).send({ error, error_name: name, error_reason: reason });
}
