import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Zalo's webhook MAC (zalo-platform.md §6.1): plain SHA-256 hex of app_id + rawBody + timestamp + OA secret key,
 * where app_id and timestamp are string fields of the body itself. Not an HMAC.
 */
export function webhookMac(appId: string, rawBody: string | Buffer, timestamp: string, oaSecretKey: string): string {
  return createHash("sha256").update(appId).update(rawBody).update(timestamp).update(oaSecretKey).digest("hex");
}

export type SignatureCheck = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

/** Verifies `X-ZEvent-Signature: mac=<hex>` over the raw bytes, before anything trusts the body. */
export function verifyWebhook(opts: { rawBody: Buffer; header: string | undefined; appId: string; oaSecretKey: string }): SignatureCheck {
  if (!opts.header) return { ok: false, reason: "missing X-ZEvent-Signature" };
  const given = opts.header.trim().replace(/^mac=/i, "");
  if (!/^[0-9a-f]{64}$/i.test(given)) return { ok: false, reason: "malformed signature" };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(opts.rawBody.toString("utf8"));
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  if (typeof body !== "object" || body === null) return { ok: false, reason: "body is not an object" };
  const timestamp = String(body.timestamp ?? "");
  const b = Buffer.from(given.toLowerCase(), "hex");
  const matches = (appId: string) => {
    const a = Buffer.from(webhookMac(appId, opts.rawBody, timestamp, opts.oaSecretKey), "hex");
    return a.length === b.length && timingSafeEqual(a, b);
  };
  if (body.app_id !== undefined && body.app_id !== null) {
    if (String(body.app_id) !== opts.appId) return { ok: false, reason: "app_id does not match this app" };
    return matches(opts.appId) ? { ok: true, body } : { ok: false, reason: "signature mismatch" };
  }
  // ZNS and OA system events (`change_oa_daily_quota`, §7.7) carry no app_id. Zalo signs for the app whose
  // webhook URL this is, so the MAC's first term is our own app id [INFERRED]; an empty first term is the other
  // reading, accepted too. Either way only a sender holding the OA secret key can make the MAC.
  if (matches(opts.appId) || matches("")) return { ok: true, body };
  return { ok: false, reason: "signature mismatch" };
}
