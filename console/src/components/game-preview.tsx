import { oddsOf, type GameKind, type PrizeKind } from "@mc/shared";
import { fmtPct } from "@mc/web/format";

export type PreviewSlice = { label: string; kind: PrizeKind; weight: number };

const COLORS = ["#0068ff", "#ffb020", "#12b76a", "#f04438", "#7a5af8", "#06aed4", "#ee46bc", "#66c61c", "#fd853a", "#2e90fa", "#f79009", "#875bf7"];
const R = 120;

/** A point on the wheel's circle at `turn` (0–1, clockwise from 12 o'clock). */
const at = (turn: number, r: number) => [R + r * Math.sin(turn * 2 * Math.PI), R - r * Math.cos(turn * 2 * Math.PI)] as const;

/** Labels longer than fit a slice are cut with an ellipsis (the full text is in the list beside it). */
const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The game drawn from the form as it is: the wheel with each slice as wide as its odds (a zero-weight slice is
 * never drawn, so it has no width), or the scratch card; the published odds underneath. The mini app's wheel
 * draws equal slices and lists these odds beside it: here the widths show the admin what the weights mean.
 */
export function GamePreview({ kind, name, slices }: { kind: GameKind; name: string; slices: PreviewSlice[] }) {
  const odds = oddsOf(slices.map((s) => (Number.isFinite(s.weight) && s.weight > 0 ? s.weight : 0)));
  const total = odds.reduce((a, o) => a + o, 0);
  return (
    <div className="gm-preview" data-testid="game-preview" data-kind={kind}>
      {kind === "wheel" ? <Wheel slices={slices} odds={odds} empty={total === 0} /> : <Scratch name={name} />}
      {kind === "wheel" ? <p className="c-hint">Mỗi ô rộng theo tỉ lệ trúng. Trên mini app các ô bằng nhau, tỉ lệ được công bố bên dưới.</p> : null}
      <ul className="gm-odds" aria-label="Tỉ lệ trúng">
        {slices.map((s, i) => (
          <li key={i} data-testid="preview-odds">
            <span className="gm-swatch" style={{ background: COLORS[i % COLORS.length] }} aria-hidden />
            <span className="gm-odds-label">{s.label || `Giải ${i + 1}`}</span>
            <b>{fmtPct(odds[i] ?? 0)}</b>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Wheel({ slices, odds, empty }: { slices: PreviewSlice[]; odds: number[]; empty: boolean }) {
  let start = 0;
  const shown = slices.flatMap((s, i) => {
    const width = odds[i] ?? 0;
    const from = start;
    start += width;
    return width > 0 ? [{ s, i, from, width }] : [];
  });
  return (
    <svg className="gm-wheel" viewBox={`-6 -14 ${2 * R + 12} ${2 * R + 20}`} role="img" aria-label="Vòng quay xem trước" data-testid="preview-wheel">
      <circle cx={R} cy={R} r={R + 4} fill="#1d2939" />
      {empty ? <circle cx={R} cy={R} r={R} fill="#eef1f5" /> : null}
      {shown.map(({ s, i, from, width }) => {
        const color = COLORS[i % COLORS.length];
        const mid = from + width / 2;
        // Along the radius, ending just inside the rim (the left half turned over, so no label is upside down).
        const [lx, ly] = at(mid, R - 10);
        const left = mid > 0.5;
        const rotate = mid * 360 - 90 + (left ? 180 : 0);
        const body =
          width >= 0.999 ? (
            <circle cx={R} cy={R} r={R} fill={color} />
          ) : (
            <path
              d={`M${R},${R} L${at(from, R).join(",")} A${R},${R} 0 ${width > 0.5 ? 1 : 0} 1 ${at(from + width, R).join(",")} Z`}
              fill={color}
              stroke="#fff"
              strokeWidth={1.5}
            />
          );
        return (
          <g key={i} data-testid="preview-slice" data-label={s.label} data-share={width.toFixed(4)}>
            {body}
            {width >= 0.04 ? (
              <text
                x={lx}
                y={ly}
                transform={`rotate(${rotate} ${lx} ${ly})`}
                textAnchor={left ? "start" : "end"}
                dominantBaseline="middle"
                className="gm-wheel-text"
              >
                {short(s.label || `Giải ${i + 1}`, width > 0.15 ? 13 : 8)}
              </text>
            ) : null}
          </g>
        );
      })}
      <circle cx={R} cy={R} r={16} fill="#fff" stroke="#1d2939" strokeWidth={3} />
      <path d={`M${R - 10},-10 L${R + 10},-10 L${R},14 Z`} fill="#f04438" stroke="#fff" strokeWidth={1.5} />
    </svg>
  );
}

function Scratch({ name }: { name: string }) {
  return (
    <div className="gm-scratch" role="img" aria-label="Thẻ cào xem trước" data-testid="preview-scratch">
      <div className="gm-scratch-title">{name || "Thẻ cào"}</div>
      <div className="gm-scratch-foil">Cào để nhận quà</div>
      <div className="gm-scratch-foot">Quà do máy chủ bốc theo tỉ lệ bên dưới</div>
    </div>
  );
}
