/**
 * The demo menu's pictures, drawn here as SVG (no network, no stock photos): an iced glass with its layers, a hot
 * cup, and the cakes and breads. The seed renders each to PNG and uploads it through the menu's image path, like
 * a shop owner's photo. No text in them, so no font is needed.
 */

export type Art =
  | {
      kind: "iced";
      bg: string;
      /** Liquid colours, bottom to top. */
      layers: string[];
      /** A layer of cream or foam on top. */
      cream?: string;
      pearls?: boolean;
      /** A fruit slice on the rim: its flesh and peel colours. */
      fruit?: [string, string];
      leaf?: boolean;
      straw: string;
    }
  | { kind: "hot"; bg: string; cup: string; coffee: string; foam?: string }
  | { kind: "flan" | "tiramisu" | "sponge" | "croissant" | "banh-mi"; bg: string };

const S = 600;

function backdrop(bg: string) {
  return `<rect width="${S}" height="${S}" fill="${bg}"/>
  <circle cx="300" cy="318" r="220" fill="#fff" fill-opacity="0.35"/>
  <ellipse cx="300" cy="520" rx="170" ry="22" fill="#000" fill-opacity="0.08"/>`;
}

function iced(a: Extract<Art, { kind: "iced" }>) {
  // The glass: a trapezoid from (190,150)-(410,150) down to (220,515)-(380,515).
  const top = 170;
  const bottom = 510;
  const xAt = (y: number, side: -1 | 1) => 300 + side * (110 - ((y - 150) / 365) * 30);
  const band = (y0: number, y1: number) => `M${xAt(y0, -1)},${y0} L${xAt(y0, 1)},${y0} L${xAt(y1, 1)},${y1} L${xAt(y1, -1)},${y1} Z`;
  const levels = a.layers.length;
  const liquidTop = a.cream ? top + 40 : top;
  const stops = a.layers
    .map((c, i) => `<stop offset="${(i / Math.max(1, levels - 1)).toFixed(2)}" stop-color="${c}"/>`)
    .reverse()
    .join("");
  const liquid = `<linearGradient id="liq" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient>
  <path d="${band(liquidTop, bottom)}" fill="${levels > 1 ? "url(#liq)" : a.layers[0]}"/>`;
  const cream = a.cream ? `<path d="${band(top, liquidTop + 4)}" fill="${a.cream}"/>` : "";
  const ice = [
    [250, 230, -12],
    [318, 250, 10],
    [276, 300, 4],
    [330, 330, -8],
  ]
    .map(
      ([x, y, r]) => `<rect x="${x}" y="${y}" width="52" height="48" rx="10" fill="#fff" fill-opacity="0.45" transform="rotate(${r} ${x! + 26} ${y! + 24})"/>`,
    )
    .join("");
  const pearls = a.pearls
    ? Array.from({ length: 14 }, (_, i) => {
        const x = 238 + (i % 7) * 21 + (i >= 7 ? 10 : 0);
        const y = 492 - (i >= 7 ? 20 : 0);
        return `<circle cx="${x}" cy="${y}" r="10" fill="#3b2416"/>`;
      }).join("")
    : "";
  const fruit = a.fruit
    ? `<g transform="translate(402 168)"><circle r="46" fill="${a.fruit[1]}"/><circle r="38" fill="${a.fruit[0]}"/>
       ${Array.from({ length: 8 }, (_, i) => `<line x1="0" y1="0" x2="${(Math.cos((i * Math.PI) / 4) * 34).toFixed(1)}" y2="${(Math.sin((i * Math.PI) / 4) * 34).toFixed(1)}" stroke="#fff" stroke-opacity="0.6" stroke-width="3"/>`).join("")}
       <circle r="6" fill="#fff" fill-opacity="0.7"/></g>`
    : "";
  const leaf = a.leaf
    ? `<path d="M205,160 C175,120 190,95 230,100 C235,130 225,150 205,160 Z" fill="#3f9b4f"/><path d="M205,160 C208,135 215,118 228,104" stroke="#2d7a3b" stroke-width="3" fill="none"/>`
    : "";
  return `${backdrop(a.bg)}
  <rect x="322" y="70" width="18" height="300" rx="8" fill="${a.straw}" transform="rotate(14 331 220)"/>
  ${liquid}${cream}${ice}${pearls}
  <path d="${band(150, bottom)}" fill="#fff" fill-opacity="0.18" stroke="#fff" stroke-width="8" stroke-linejoin="round"/>
  <path d="M${xAt(190, -1) + 14},190 L${xAt(470, -1) + 14},470" stroke="#fff" stroke-opacity="0.6" stroke-width="10" stroke-linecap="round"/>
  ${fruit}${leaf}`;
}

function hot(a: Extract<Art, { kind: "hot" }>) {
  return `${backdrop(a.bg)}
  <ellipse cx="300" cy="470" rx="190" ry="40" fill="#fff"/>
  <ellipse cx="300" cy="462" rx="150" ry="26" fill="#000" fill-opacity="0.06"/>
  <path d="M420,300 C500,300 500,400 415,400" stroke="${a.cup}" stroke-width="26" fill="none"/>
  <path d="M160,260 L440,260 C440,380 400,460 300,460 C200,460 160,380 160,260 Z" fill="${a.cup}"/>
  <ellipse cx="300" cy="260" rx="140" ry="34" fill="${a.coffee}"/>
  ${a.foam ? `<path d="M300,282 C250,262 250,232 278,232 C290,232 298,242 300,250 C302,242 310,232 322,232 C350,232 350,262 300,282 Z" fill="${a.foam}"/>` : ""}
  <path d="M250,200 C230,170 270,150 250,120 M300,195 C280,165 320,145 300,110 M350,200 C330,170 370,150 350,120" stroke="#fff" stroke-opacity="0.7" stroke-width="8" fill="none" stroke-linecap="round"/>`;
}

function pastry(kind: "flan" | "tiramisu" | "sponge" | "croissant" | "banh-mi", bg: string) {
  const plate = `<ellipse cx="300" cy="450" rx="210" ry="50" fill="#fff"/><ellipse cx="300" cy="444" rx="160" ry="32" fill="#000" fill-opacity="0.05"/>`;
  switch (kind) {
    case "flan":
      return `${backdrop(bg)}${plate}
      <path d="M190,430 L230,270 L370,270 L410,430 Z" fill="#f6c453"/>
      <ellipse cx="300" cy="430" rx="110" ry="22" fill="#f0b43c"/>
      <ellipse cx="300" cy="270" rx="70" ry="16" fill="#8a4b12"/>
      <path d="M232,268 C240,300 250,300 255,280 C262,310 272,312 278,282 C290,318 305,318 312,284 C320,312 332,312 340,282 C348,302 360,300 368,268 Z" fill="#8a4b12"/>
      <circle cx="300" cy="246" r="16" fill="#c0392b"/><path d="M300,232 C305,218 315,214 322,212" stroke="#2d7a3b" stroke-width="4" fill="none"/>`;
    case "tiramisu":
      return `${backdrop(bg)}${plate}
      <path d="M180,300 L420,300 L420,430 L180,430 Z" fill="#f3e6cf"/>
      <rect x="180" y="334" width="240" height="26" fill="#7a4a2a"/>
      <rect x="180" y="392" width="240" height="26" fill="#7a4a2a"/>
      <rect x="180" y="280" width="240" height="24" rx="6" fill="#5b3520"/>
      ${Array.from({ length: 18 }, (_, i) => `<circle cx="${196 + (i % 9) * 26}" cy="${286 + Math.floor(i / 9) * 10}" r="3" fill="#3a2013"/>`).join("")}
      <path d="M330,250 C345,225 370,225 380,250 C370,262 345,262 330,250 Z" fill="#3f9b4f"/>`;
    case "sponge":
      return `${backdrop(bg)}${plate}
      <path d="M170,430 C170,300 230,240 300,240 C370,240 430,300 430,430 Z" fill="#f7d774"/>
      <path d="M170,430 C170,400 430,400 430,430 Z" fill="#e9b949"/>
      ${[
        [240, 320],
        [300, 290],
        [360, 330],
        [270, 380],
        [335, 385],
      ]
        .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="16" fill="#f08a24"/><circle cx="${x! - 4}" cy="${y! - 4}" r="5" fill="#ffd29a"/>`)
        .join("")}
      ${Array.from({ length: 10 }, (_, i) => `<path d="M${200 + i * 22},${275 + Math.abs(5 - i) * 8} l8,-16" stroke="#b86b1b" stroke-width="4" stroke-linecap="round"/>`).join("")}`;
    case "croissant":
      return `${backdrop(bg)}${plate}
      <path d="M150,400 C170,300 240,250 300,250 C360,250 430,300 450,400 C420,380 400,370 380,380 C360,330 330,320 300,320 C270,320 240,330 220,380 C200,370 180,380 150,400 Z" fill="#d9892b"/>
      ${[
        [230, 300, 260, 380],
        [270, 268, 285, 350],
        [330, 268, 315, 350],
        [370, 300, 340, 380],
      ]
        .map(([x1, y1, x2, y2]) => `<path d="M${x1},${y1} Q300,330 ${x2},${y2}" stroke="#a85f16" stroke-width="6" fill="none" stroke-linecap="round"/>`)
        .join("")}
      <path d="M240,290 C270,270 330,270 360,290" stroke="#f3c27a" stroke-width="8" fill="none" stroke-linecap="round"/>`;
    case "banh-mi":
      return `${backdrop(bg)}${plate}
      <g transform="rotate(-14 300 360)">
      <path d="M130,380 C130,300 470,300 470,380 C470,420 130,420 130,380 Z" fill="#e0a040"/>
      <path d="M150,372 C220,350 380,350 450,372 L450,384 C380,365 220,365 150,384 Z" fill="#f6e7c1"/>
      <path d="M160,366 C200,344 230,350 260,340 C300,350 330,338 360,348 C390,340 420,350 440,366" stroke="#3f9b4f" stroke-width="14" fill="none" stroke-linecap="round"/>
      <path d="M170,372 C220,360 260,362 300,356 C340,362 380,358 430,370" stroke="#c0392b" stroke-width="10" fill="none" stroke-linecap="round"/>
      <path d="M200,360 L215,352 M300,350 L312,344 M380,352 L392,346" stroke="#f08a24" stroke-width="8" stroke-linecap="round"/>
      ${[200, 260, 320, 380].map((x) => `<path d="M${x},318 l28,-10" stroke="#b86b1b" stroke-width="6" stroke-linecap="round"/>`).join("")}
      </g>`;
  }
}

/** The picture as an SVG document (600 × 600). */
export function demoArtSvg(a: Art): string {
  const body = a.kind === "iced" ? iced(a) : a.kind === "hot" ? hot(a) : pastry(a.kind, a.bg);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}" viewBox="0 0 ${S} ${S}">${body}</svg>`;
}
