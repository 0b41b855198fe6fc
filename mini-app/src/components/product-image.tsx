import { useState } from "react";
import { Coffee, CupSoda, Croissant, IceCreamCone, type LucideIcon } from "lucide-react";
import { config } from "../config";

const ICONS: LucideIcon[] = [Coffee, CupSoda, Croissant, IceCreamCone];
const TINTS = ["#e8f1ff", "#fff3e6", "#eafaf1", "#f4ecff"];

function pick(seed: string) {
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** An uploaded picture's path is the API's (`/api/menu/images/…`); a shop's own URL is used as it is. */
const imageSrc = (src: string) => (src.startsWith("/") ? `${config.apiUrl}${src}` : src);

/** The product photo, or (none, or it fails to load) a soft tile with a drink/food icon picked from the name. */
export function ProductImage({ src, name, size = 76, radius = 14 }: { src: string | null; name: string; size?: number | "fill"; radius?: number }) {
  const [broken, setBroken] = useState(false);
  const h = pick(name);
  const lower = name.toLowerCase();
  const Icon = /cà phê|cafe|coffee|bạc xỉu/.test(lower)
    ? Coffee
    : /bánh|croissant|bread/.test(lower)
      ? Croissant
      : /^kem|ice cream/.test(lower)
        ? IceCreamCone
        : /trà|soda|nước|sinh tố/.test(lower)
          ? CupSoda
          : ICONS[h % ICONS.length]!;
  const box = size === "fill" ? { width: "100%", height: "100%" } : { width: size, height: size };
  return (
    <span className="ord-img" style={{ ...box, borderRadius: radius, background: TINTS[h % TINTS.length] }} aria-hidden="true">
      {src && !broken ? (
        <img src={imageSrc(src)} alt="" onError={() => setBroken(true)} loading="lazy" />
      ) : (
        <Icon size={size === "fill" ? 56 : Math.round(size * 0.42)} strokeWidth={1.6} />
      )}
    </span>
  );
}
