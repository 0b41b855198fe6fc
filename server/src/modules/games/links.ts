import { createHmac } from "node:crypto";
import QRCode from "qrcode";
import { checkQrLink, qrDeepLink, qrLinkData, type QrLinkParams } from "@mc/shared";

/**
 * The MAC of printed QR links. Unlike voucher QR tokens these never expire (a poster stays on the wall),
 * so the signature covers only `qr1|store|campaign`, under a key derived from the server secret for this
 * purpose alone. 22 base64url chars = 132 bits: short enough for a dense-free QR, far beyond guessing.
 */
export function createLinkSigner(secret: string, miniAppId: string) {
  const key = createHmac("sha256", secret).update("master-channel:qr-link").digest();
  const mac = (data: string) => createHmac("sha256", key).update(data).digest("base64url").slice(0, 22);

  return {
    mac,
    link: (store: string, campaign: string) => qrDeepLink({ miniAppId, store, campaign, sig: mac(qrLinkData(store, campaign)) }),
    verify: (p: QrLinkParams) => checkQrLink(p, mac),
  };
}

export type LinkSigner = ReturnType<typeof createLinkSigner>;

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[ch]!);

/** Modules of white around the printed code. */
export const QR_QUIET_ZONE = 4;

/** A printable SVG: the QR code with the store's name (and the game's) underneath. */
export async function qrSvg(url: string, caption: { title: string; subtitle?: string }): Promise<string> {
  const size = 512;
  // The quiet zone: 4 modules of white on every side, the least ISO/IEC 18004 asks for (a poster's frame or a
  // dark counter right at the edge must not read as part of the code).
  const inner = (await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: QR_QUIET_ZONE, width: size }))
    .replace(/<\?xml[^>]*>/, "")
    .replace("<svg ", `<svg x="0" y="0" `)
    .trim();
  const height = size + (caption.subtitle ? 110 : 80);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${height}" viewBox="0 0 ${size} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    inner,
    `<text x="${size / 2}" y="${size + 36}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="32" font-weight="bold" fill="#000000">${escapeXml(caption.title)}</text>`,
    caption.subtitle
      ? `<text x="${size / 2}" y="${size + 76}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="24" fill="#333333">${escapeXml(caption.subtitle)}</text>`
      : "",
    `</svg>`,
  ].join("\n");
}
