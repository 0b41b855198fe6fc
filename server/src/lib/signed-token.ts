import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Short-lived tokens the server signs and later checks itself (voucher QR codes): `<kind>.<id>.<exp>.<mac>`.
 * The MAC is a truncated HMAC-SHA256 under a key derived from the server secret for that purpose only.
 */
export function createSigner(secret: string, purpose: string) {
  const key = createHmac("sha256", secret).update(`master-channel:${purpose}`).digest();
  const mac = (data: string) => createHmac("sha256", key).update(data).digest("base64url").slice(0, 22);

  function sign(kind: string, id: string, expiresAtMs: number): string {
    const data = `${kind}.${id}.${Math.floor(expiresAtMs / 1000)}`;
    return `${data}.${mac(data)}`;
  }

  type Verified = { ok: true; id: string; expiresAt: number } | { ok: false; reason: "malformed" | "forged" | "expired" };

  function verify(kind: string, token: string, now: number): Verified {
    const parts = token.trim().split(".");
    if (parts.length !== 4 || parts[0] !== kind || !/^\d{9,12}$/.test(parts[2]!)) return { ok: false, reason: "malformed" };
    const data = parts.slice(0, 3).join(".");
    const want = Buffer.from(mac(data));
    const got = Buffer.from(parts[3]!);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: "forged" };
    const expiresAt = Number(parts[2]) * 1000;
    if (expiresAt <= now) return { ok: false, reason: "expired" };
    return { ok: true, id: parts[1]!, expiresAt };
  }

  return { sign, verify };
}
