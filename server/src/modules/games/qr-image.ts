import { createRequire } from "node:module";
import { renderAsync } from "@resvg/resvg-js";
import { qrSvg } from "./links";

/**
 * The caption font ships with the server as an npm package (Be Vietnam Pro, OFL: full Vietnamese diacritics),
 * so the PNG looks the same on any machine: no system font, no network. resvg reads TTF/OTF files, not woff.
 */
const FONT = "Be Vietnam Pro";
const require = createRequire(import.meta.url);
const fontFiles = ["400Regular/BeVietnamPro_400Regular.ttf", "700Bold/BeVietnamPro_700Bold.ttf"].map((f) =>
  require.resolve(`@expo-google-fonts/be-vietnam-pro/${f}`),
);

/** Width of the printable PNG in pixels (the SVG is 512 wide: twice that stays sharp on an A5 poster). */
export const QR_PNG_WIDTH = 1024;

/**
 * A printable PNG: the same picture as the SVG download (QR code, store name, game name), rasterised by resvg
 * off the event loop. The SVG asks for Arial/Helvetica/sans-serif; with system fonts off, every one of those
 * falls back to the bundled font.
 */
export async function qrPrintPng(url: string, caption: { title: string; subtitle?: string }, width = QR_PNG_WIDTH): Promise<Buffer> {
  const svg = await qrSvg(url, caption);
  const image = await renderAsync(svg, {
    fitTo: { mode: "width", value: width },
    background: "#ffffff",
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return image.asPng();
}
