import { useEffect, useState } from "react";
import QRCode, { type QRCodeSegment } from "qrcode";

/** QR alphanumeric mode's characters (ISO 18004): member codes fit it, and their QR stays small. */
const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

/**
 * A crisp SVG QR code. The one segment's mode is given: qrcode's own segment optimiser is most of its time on a
 * slow phone's first paint (the member card's QR is the home's largest paint), for codes too short to gain from it. `data-payload` carries the exact encoded text (tests and the staff emulator read it
 * from the DOM; a real counter scans the image).
 */
export function QrImage({ value, size = 200, label, testId }: { value: string; size?: number; label: string; testId?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    const segment: QRCodeSegment = ALPHANUMERIC.test(value) ? { data: value, mode: "alphanumeric" } : { data: new TextEncoder().encode(value), mode: "byte" };
    QRCode.toString([segment], { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#141415", light: "#ffffff" } }).then(
      (svg) => alive && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => alive && setSrc(null),
    );
    return () => {
      alive = false;
    };
  }, [value]);
  return (
    <div className="mcl-qr" style={{ width: size, height: size }} data-testid={testId} data-payload={value} data-ready={src ? "1" : "0"}>
      {src ? <img src={src} alt={label} width={size} height={size} /> : null}
    </div>
  );
}
