import { createHmac, timingSafeEqual } from "node:crypto";
import { checkoutMacData } from "@mc/shared";

/**
 * Zalo Checkout SDK MACs (zalo-platform.md §8.2–§8.4): HMAC-SHA256 hex keyed with the Checkout private key,
 * over the sorted `k=v&…` string of the fields. The private key never leaves the server.
 */
export const checkoutMac = (privateKey: string, params: Record<string, unknown>) =>
  createHmac("sha256", privateKey).update(checkoutMacData(params)).digest("hex");

/** getOrderStatus: `appId={appId}&orderId={orderId}&privateKey={privateKey}` (§8.4). */
export const orderStatusMac = (privateKey: string, appId: string, orderId: string) =>
  createHmac("sha256", privateKey).update(`appId=${appId}&orderId=${orderId}&privateKey=${privateKey}`).digest("hex");

/** updateOrderStatus: `appId={appId}&orderId={orderId}&resultCode={resultCode}&privateKey={privateKey}` (§8.4). */
export const updateStatusMac = (privateKey: string, appId: string, orderId: string, resultCode: number) =>
  createHmac("sha256", privateKey).update(`appId=${appId}&orderId=${orderId}&resultCode=${resultCode}&privateKey=${privateKey}`).digest("hex");

/** notify: `appId={appId}&orderId={orderId}&method={method}` (§8.3). */
export const notifyMac = (privateKey: string, appId: string, orderId: string, method: string) =>
  createHmac("sha256", privateKey).update(`appId=${appId}&orderId=${orderId}&method=${method}`).digest("hex");

/** Constant-time comparison of two hex MACs. */
export function sameMac(expected: string, given: unknown): boolean {
  if (typeof given !== "string" || !/^[0-9a-f]+$/i.test(given)) return false;
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(given.toLowerCase(), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `extradata` comes back URL-encoded in callbacks (§8.3) and verbatim elsewhere: accept both. */
export function parseExtradata(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== "string" || !raw) return null;
  for (const s of [raw, safeDecode(raw)]) {
    try {
      const v = JSON.parse(s ?? "");
      if (typeof v === "object" && v !== null) return v as Record<string, unknown>;
    } catch {
      /* try the next form */
    }
  }
  return null;
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
