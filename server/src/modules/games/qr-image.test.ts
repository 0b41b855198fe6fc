import { PNG } from "pngjs";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { QR_QUIET_ZONE } from "./links";
import { QR_PNG_WIDTH, qrPrintPng } from "./qr-image";

const URL = "https://zalo.me/s/1234567890/game?store=q1&campaign=c1&sig=abcdefghijklmnopqrstuv";
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const isDark = (png: PNG, x: number, y: number) => {
  const i = (y * png.width + x) * 4;
  return png.data[i]! < 128 && png.data[i + 1]! < 128 && png.data[i + 2]! < 128;
};

/** How many dark pixels each row of [from, to) holds. */
function darkInRows(png: PNG, from: number, to: number) {
  let dark = 0;
  for (let y = from; y < to; y++)
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! < 128 && png.data[i + 1]! < 128 && png.data[i + 2]! < 128) dark++;
    }
  return dark;
}

describe("the printable QR PNG", () => {
  it("is the QR code with the store's and the game's names drawn underneath, diacritics included", async () => {
    const buf = await qrPrintPng(URL, { title: "Cà Phê Sài Gòn · Nguyễn Huệ", subtitle: "Quay là trúng Tết" });
    expect(buf.subarray(0, 8)).toEqual(SIGNATURE);
    const png = PNG.sync.read(buf);
    // The SVG is 512 × (512 QR + 110 caption): scaled to the print width, the caption band sits under a square QR.
    expect(png.width).toBe(QR_PNG_WIDTH);
    expect(png.height).toBe(Math.round((QR_PNG_WIDTH * 622) / 512));
    const s = QR_PNG_WIDTH / 512;
    expect(darkInRows(png, 0, QR_PNG_WIDTH)).toBeGreaterThan(QR_PNG_WIDTH * 50); // the code itself
    expect(darkInRows(png, QR_PNG_WIDTH, Math.round(560 * s))).toBeGreaterThan(2000); // store name (32px bold)
    expect(darkInRows(png, Math.round(560 * s), png.height)).toBeGreaterThan(1000); // game name (24px)
  });

  it("leaves a quiet zone of 4 modules of white on every side of the code (ISO/IEC 18004)", async () => {
    const png = PNG.sync.read(await qrPrintPng(URL, { title: "Quận 1" }));
    const modules = QRCode.create(URL, { errorCorrectionLevel: "M" }).modules.size;
    const px = QR_PNG_WIDTH / (modules + 2 * QR_QUIET_ZONE); // pixels per module
    expect(QR_QUIET_ZONE).toBeGreaterThanOrEqual(4);
    // The dark extent of the square (the caption below is left out): its first and last dark row and column.
    let top = Infinity,
      bottom = -1,
      left = Infinity,
      right = -1;
    for (let y = 0; y < QR_PNG_WIDTH; y++)
      for (let x = 0; x < png.width; x++)
        if (isDark(png, x, y)) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
    // Finder patterns sit in three corners, so the code's dark extent starts exactly at the quiet zone's edge.
    for (const margin of [top, left, QR_PNG_WIDTH - 1 - bottom, png.width - 1 - right]) {
      expect(margin).toBeGreaterThanOrEqual(Math.floor(4 * px) - 1);
      expect(margin).toBeLessThanOrEqual(Math.ceil(QR_QUIET_ZONE * px) + 1);
    }
  });

  it("draws the text itself: an empty caption leaves the band white, and the marks over ễ/ệ change the pixels", async () => {
    const blank = PNG.sync.read(await qrPrintPng(URL, { title: "" }));
    expect(blank.height).toBe(Math.round((QR_PNG_WIDTH * 592) / 512));
    expect(darkInRows(blank, QR_PNG_WIDTH, blank.height)).toBe(0);

    const plain = PNG.sync.read(await qrPrintPng(URL, { title: "Nguyen Hue" }));
    const marked = PNG.sync.read(await qrPrintPng(URL, { title: "Nguyễn Huệ" }));
    expect(darkInRows(plain, QR_PNG_WIDTH, plain.height)).toBeGreaterThan(500);
    expect(darkInRows(marked, QR_PNG_WIDTH, marked.height)).toBeGreaterThan(darkInRows(plain, QR_PNG_WIDTH, plain.height));
  });
});
