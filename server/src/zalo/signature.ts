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
  const appId = String(body.app_id ?? "");
  const timestamp = String(body.timestamp ?? "");
  if (appId !== opts.appId) return { ok: false, reason: "app_id does not match this app" };
  const expected = webhookMac(appId, opts.rawBody, timestamp, opts.oaSecretKey);
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(given.toLowerCase(), "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "signature mismatch" };
  return { ok: true, body };
}
