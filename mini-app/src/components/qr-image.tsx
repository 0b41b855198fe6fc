import { useEffect, useState } from "react";
import QRCode from "qrcode";

/**
 * A crisp SVG QR code. `data-payload` carries the exact encoded text (tests and the staff emulator read it
 * from the DOM; a real counter scans the image).
 */
export function QrImage({ value, size = 200, label, testId }: { value: string; size?: number; label: string; testId?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    QRCode.toString(value, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#141415", light: "#ffffff" } }).then(
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
