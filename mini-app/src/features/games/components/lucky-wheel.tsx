import { useEffect, useRef, useState } from "react";
import { Coins, Gift, Smile, Star } from "lucide-react";
import type { GameSlice } from "@mc/shared";

const SIZE = 300;
const C = SIZE / 2;
const R = 136; // slices; the rim is drawn from R to C
export const SPIN_MS = 2800;

const point = (deg: number, r: number) => {
  const a = (deg * Math.PI) / 180;
  return [C + r * Math.sin(a), C - r * Math.cos(a)] as const;
};

function slicePath(i: number, n: number) {
  const seg = 360 / n;
  const [x0, y0] = point(i * seg, R);
  const [x1, y1] = point((i + 1) * seg, R);
  return `M ${C} ${C} L ${x0} ${y0} A ${R} ${R} 0 ${seg > 180 ? 1 : 0} 1 ${x1} ${y1} Z`;
}

type Palette = { fill: string; text: string };
const BLUE: Palette = { fill: "#0068ff", text: "#ffffff" };
const WHITE: Palette = { fill: "#ffffff", text: "#0050c8" };
const GOLD: Palette = { fill: "#ffc93c", text: "#6b3d00" };

/** Alternate blue and white; an odd count ends on gold so two neighbours never share a colour. */
function paletteOf(i: number, n: number): Palette {
  if (n % 2 === 1 && i === n - 1) return GOLD;
  return i % 2 === 0 ? BLUE : WHITE;
}

/** Labels run from near the rim toward the hub (radius 104 → 30): shrink long ones so they stop short of it. */
const LABEL_SPAN = 72;
const fontFor = (label: string, n: number) => Math.max(9, Math.min(n > 8 ? 11 : 13, LABEL_SPAN / (label.length * 0.6)));

const short = (s: string, max = 14) => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

const KindIcon = ({ kind, ...rest }: { kind: GameSlice["kind"]; x: number; y: number; size: number; color: string }) => {
  const Icon = kind === "voucher" ? Gift : kind === "points" ? Coins : Smile;
  return <Icon {...rest} strokeWidth={2.2} />;
};

/**
 * The wheel draws every published slice at the same size (the odds are listed separately) and only ever
 * stops where it is told: `target` is the slice index the server drew. Each new `spinId` spins again
 * from where the wheel stands.
 */
export function LuckyWheel({
  slices,
  target,
  spinId,
  reducedMotion,
  onLanded,
}: {
  slices: GameSlice[];
  target: number | null;
  spinId: number;
  reducedMotion: boolean;
  onLanded: () => void;
}) {
  const n = slices.length;
  const seg = 360 / n;
  const bulbs = Math.max(12, n * 2);
  const [rotation, setRotation] = useState(0);
  const [spinning, setSpinning] = useState(false);
  const landed = useRef(onLanded);
  landed.current = onLanded;
  const rot = useRef(0);

  useEffect(() => {
    if (target === null || spinId === 0) return;
    // Land inside the drawn slice (not always dead centre, so it looks like a real wheel), pointer at the top.
    const jitter = (Math.random() - 0.5) * seg * 0.6;
    const want = (((360 - (target + 0.5) * seg - jitter) % 360) + 360) % 360;
    const base = rot.current - (((rot.current % 360) + 360) % 360);
    const next = base + (reducedMotion ? 360 : 360 * 6) + want;
    rot.current = next;
    setSpinning(!reducedMotion);
    setRotation(next);
    const t = setTimeout(
      () => {
        setSpinning(false);
        landed.current();
      },
      reducedMotion ? 250 : SPIN_MS + 150,
    );
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [spinId]);

  return (
    <div
      className={`game-wheel${spinning ? " spinning" : ""}`}
      data-testid="game-wheel"
      data-spinning={spinning ? "true" : "false"}
      role="img"
      aria-label="Vòng quay may mắn"
    >
      <div
        className="game-wheel-rotor"
        style={{
          transform: `rotate(${rotation}deg)`,
          transition: reducedMotion ? "none" : `transform ${SPIN_MS}ms cubic-bezier(0.15, 0.6, 0.08, 1)`,
        }}
      >
        <svg viewBox={`0 0 ${SIZE} ${SIZE}`} width="100%" height="100%" aria-hidden="true">
          <defs>
            <radialGradient id="game-rim" cx="50%" cy="50%" r="50%">
              <stop offset="88%" stopColor="#0a57d6" />
              <stop offset="100%" stopColor="#003a99" />
            </radialGradient>
          </defs>
          <circle cx={C} cy={C} r={C} fill="url(#game-rim)" />
          {slices.map((s, i) => {
            const p = paletteOf(i, n);
            const mid = (i + 0.5) * seg;
            return (
              <g key={s.id} data-slice={i}>
                <path d={slicePath(i, n)} fill={p.fill} stroke="#d6e6ff" strokeWidth={1} />
                <g transform={`rotate(${mid} ${C} ${C})`}>
                  <KindIcon kind={s.kind} x={C - 9} y={C - R + 10} size={18} color={p.text} />
                  <text
                    x={C}
                    y={C - R + 36}
                    transform={`rotate(-90 ${C} ${C - R + 36})`}
                    textAnchor="end"
                    dominantBaseline="central"
                    fill={p.text}
                    fontSize={fontFor(short(s.label), n)}
                    fontWeight={700}
                  >
                    {short(s.label)}
                  </text>
                </g>
              </g>
            );
          })}
          {Array.from({ length: bulbs }, (_, i) => {
            const [x, y] = point((i * 360) / bulbs, C - 7);
            return <circle key={i} cx={x} cy={y} r={3.2} fill={i % 2 ? "#ffe27a" : "#ffffff"} />;
          })}
        </svg>
      </div>
      <span className="game-wheel-pointer" aria-hidden="true" />
      <span className="game-wheel-hub" aria-hidden="true">
        <Star size={22} fill="#ffc93c" color="#ffc93c" />
      </span>
    </div>
  );
}
