/** How the caller should react to a Zalo error; the dispatcher and routes branch on `kind`, never on text. */
export type ZaloErrorKind = "token" | "rate_limit" | "quota" | "transient" | "invalid_user_token" | "permanent" | "request_invalid" | "oa_disconnected";
// oa_disconnected: Zalo refused the OA's refresh token (spent, revoked, expired). Nothing sent with the OA
// token can go until an OA admin connects again (the console asks): messages wait, they do not fail.
// request_invalid: the request could not even be built here (a header with characters HTTP forbids, a bad
// URL). Nothing reached Zalo, so it says nothing about Zalo being up, and sending it again cannot help.

// Zalo's codes (zalo-platform.md §3.1, §4, §5.8, §7.5).
const TOKEN = new Set([-216, -220, -124]);
const RATE = new Set([-32]);
const QUOTA = new Set([-144, -211, -1441, -147]);
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
  if (TRANSIENT.has(code)) return "transient";
  if (USER_TOKEN.has(code)) return "invalid_user_token";
  return "permanent";
}
