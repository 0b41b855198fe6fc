/** How the caller should react to a Zalo error; the dispatcher and routes branch on `kind`, never on text. */
export type ZaloErrorKind =
  | "token"
  | "rate_limit"
  | "quota"
  | "transient"
  | "invalid_user_token"
  | "permanent"
  | "request_invalid"
  // Refusals that say where or when a message may go instead of failing it (the dispatcher routes or holds):
  | "cs_window" // CS refused for this person: outside the 7-day window or not a follower (§5.6, §5.8)
  | "not_by_uid" // this template cannot go by UID (§5.3): ZNS by phone instead
  | "night" // not at this hour (§5.8 -234, §7.5 -133)
  | "balance" // the Zalo Cloud Account cannot pay (§5.8 -321, §7.5 -115 / -137)
  | "template_limit" // this template's daily limit (§7.5 -147): that template only, not the whole channel
  | "oa_disconnected";
// oa_disconnected: Zalo refused the OA's refresh token (spent, revoked, expired). Nothing sent with the OA
// token can go until an OA admin connects again (the console asks): messages wait, they do not fail.
// request_invalid: the request could not even be built here (a header with characters HTTP forbids, a bad
// URL). Nothing reached Zalo, so it says nothing about Zalo being up, and sending it again cannot help.

// Zalo's codes (zalo-platform.md §3.1, §4, §5.8, §7.5).
const TOKEN = new Set([-216, -220, -124]);
const RATE = new Set([-32]);
const QUOTA = new Set([-144, -211, -1441]);
const CS_WINDOW = new Set([-230, -213]);
const NOT_BY_UID = new Set([-249]);
const NIGHT = new Set([-133, -234]);
const BALANCE = new Set([-321, -115, -137]);
const TEMPLATE_LIMIT = new Set([-147]);
const TRANSIENT = new Set([-100, -200, -1500]);
const USER_TOKEN = new Set([452, -1241, -242]);

export class ZaloError extends Error {
  readonly kind: ZaloErrorKind;
  constructor(
    /** Zalo's own error number; 0 when the failure is ours (timeout, bad JSON, network). */
    readonly zaloCode: number,
    message: string,
    readonly endpoint: string,
    kind?: ZaloErrorKind,
    /**
     * The request reached Zalo but its answer was lost (a timeout or reset after it went out, an answer
     * that is not Zalo's JSON): Zalo may have acted on it. Sending it again could be a second message.
     */
    readonly maybeDelivered = false,
  ) {
    super(`Zalo ${endpoint} failed (${zaloCode}): ${message}`);
    this.name = "ZaloError";
    this.kind = kind ?? classify(zaloCode);
  }
}

export function classify(code: number): ZaloErrorKind {
  if (TOKEN.has(code)) return "token";
  if (RATE.has(code)) return "rate_limit";
  if (QUOTA.has(code)) return "quota";
  if (CS_WINDOW.has(code)) return "cs_window";
  if (NOT_BY_UID.has(code)) return "not_by_uid";
  if (NIGHT.has(code)) return "night";
  if (BALANCE.has(code)) return "balance";
  if (TEMPLATE_LIMIT.has(code)) return "template_limit";
  if (TRANSIENT.has(code)) return "transient";
  if (USER_TOKEN.has(code)) return "invalid_user_token";
  return "permanent";
}
