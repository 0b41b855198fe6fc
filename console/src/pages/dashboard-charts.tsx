import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { fmtNumber, fmtPct } from "@mc/web/format";

/** One series of a day chart: its label, colour and a value per day. */
export type DaySeries = { label: string; color: string; values: number[] };

export const EMPTY_TEXT = "Chưa có dữ liệu trong khoảng này";

/** `2026-11-23` → `23/11`. */
export const shortDay = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}`;

/** A chart card: title, legend, and its loading or empty state in place of the chart. */
export function ChartCard({
  title,
  hint,
  testId,
  state,
  legend,
  children,
}: {
  title: string;
  hint?: ReactNode;
  testId: string;
  state: "loading" | "empty" | "ready";
  legend?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <section className="c-card d-chart" data-testid={testId} data-state={state} aria-busy={state === "loading"}>
      <header className="d-chart-head">
        <h2>{title}</h2>
        {hint && <div className="c-muted c-small">{hint}</div>}
      </header>
      {state === "loading" ? (
        <div className="d-skeleton" data-testid={`${testId}-loading`}>
          <span className="d-skeleton-bar" />
          <span className="c-spinner">Đang tải…</span>
        </div>
      ) : state === "empty" ? (
        <div className="c-empty d-empty" data-testid={`${testId}-empty`}>
          {EMPTY_TEXT}
        </div>
      ) : (
        <>
          {legend}
          {children}
        </>
      )}
    </section>
  );
}

/** The legend: a dot and a label per series, with the value on the day the cursor (or a tap) is on. */
export function Legend({ series, at, days, format = fmtNumber }: { series: DaySeries[]; at: number | null; days: string[]; format?: (n: number) => string }) {
  return (
    <div className="d-legend">
      {at !== null && <span className="d-legend-day">{shortDay(days[at]!)}</span>}
      {series.map((s) => (
        <span key={s.label} className="d-legend-item">
          <i className="c-dot" style={{ background: s.color }} />
          {s.label}
          {at !== null && <b>{format(s.values[at] ?? 0)}</b>}
        </span>
      ))}
    </div>
  );
}

const AXIS = { stroke: "#667085", grid: { stroke: "#eef1f5", width: 1 }, ticks: { show: false }, font: "11px system-ui, sans-serif" };

/**
 * A chart of values per day, drawn by uPlot on a canvas that follows its box's width (phone or desktop).
 * `stack`: bars stacked in series order (the first at the bottom); otherwise lines.
 */
export function DayChart({
  days,
  series,
  stack,
  height = 220,
  format = fmtNumber,
  testId,
}: {
  days: string[];
  series: DaySeries[];
  stack?: boolean;
  height?: number;
  format?: (n: number) => string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState<number | null>(null);
  const data = useMemo(() => {
    const x = days.map((_, i) => i);
    if (!stack) return [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
    // Cumulative sums, drawn top of the stack first so each lower series paints over the one above it.
    const sums: number[][] = [];
    series.forEach((s, i) => sums.push(s.values.map((v, d) => v + (i > 0 ? sums[i - 1]![d]! : 0))));
    return [x, ...sums.reverse()] as uPlot.AlignedData;
  }, [days, series, stack]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ordered = stack ? [...series].reverse() : series;
    const few = days.length <= 3;
    const bars = uPlot.paths.bars!({ size: [days.length > 45 ? 0.9 : 0.7, 48], gap: days.length > 45 ? 0 : 1 });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: false },
      padding: [8, 8, 0, 0],
      cursor: { y: false, points: { show: !stack }, drag: { x: false, y: false } },
      scales: { x: { time: false, range: (_u, min, max) => (stack ? [min - 0.5, max + 0.5] : [min - (few ? 0.5 : 0), max + (few ? 0.5 : 0)]) } },
      axes: [
        {
          ...AXIS,
          size: 26,
          space: 44,
          incrs: [1, 2, 3, 7, 14, 30, 60],
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) && days[t] ? shortDay(days[t]!) : "")),
        },
        { ...AXIS, size: 44, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? compact(t) : "")) },
      ],
      series: [
        {},
        ...ordered.map((s) =>
          stack
            ? { label: s.label, stroke: s.color, fill: s.color, width: 0, paths: bars, points: { show: false } }
            : { label: s.label, stroke: s.color, width: 2, points: { show: few || days.length <= 14, size: 6, fill: s.color } },
        ),
      ],
      hooks: { setCursor: [(u) => setAt(u.cursor.idx ?? null)] },
    };
    const u = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [data, days, series, stack, height]);

  return (
    <>
      <Legend series={series} at={at} days={days} format={format} />
      <div ref={box} className="d-canvas" data-testid={testId} onMouseLeave={() => setAt(null)} />
    </>
  );
}

/** 1234 → 1,2k; axis labels stay short on a phone. */
function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1_000_000) return `${(n / 1_000_000).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}tr`;
  if (a >= 1000) return `${(n / 1000).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}k`;
  return String(n);
}

/**
 * Named categories (a broadcast, a store) compared by one ratio: horizontal bars in HTML, so long
 * Vietnamese names wrap and read on a 360 px screen instead of crowding a chart axis.
 */
export function RatioBars({
  rows,
  color,
  testId,
}: {
  rows: { key: string; label: string; ratio: number; detail: ReactNode }[];
  color: string;
  testId?: string;
}) {
  const max = Math.max(0.0001, ...rows.map((r) => r.ratio));
  return (
    <ul className="d-bars" data-testid={testId}>
      {rows.map((r) => (
        <li key={r.key} data-testid={testId ? `${testId}-${r.key}` : undefined}>
          <div className="d-bars-label">
            <span className="d-bars-name">{r.label}</span>
            <b>{fmtPct(r.ratio)}</b>
          </div>
          <div className="d-bars-track">
            <span style={{ width: `${Math.max(r.ratio > 0 ? 2 : 0, (r.ratio / max) * 100)}%`, background: color }} />
          </div>
          <div className="c-muted c-small">{r.detail}</div>
        </li>
      ))}
    </ul>
  );
}
