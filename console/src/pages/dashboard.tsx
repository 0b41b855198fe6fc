import { useMemo, useState, type FormEvent } from "react";
import type { DashboardView } from "@mc/shared";
import { api } from "../api";
import { hashQuery, replaceHashQuery } from "../routing";
import { reasonLabel } from "../labels";
import { ErrorBox, useLoad } from "../ui";
import { DASHBOARD_FIELDS } from "../field-labels";
import { ChartCard, DayChart, RatioBars, shortDay, type DaySeries } from "./dashboard-charts";
import "./dashboard.css";
import { fmtNumber, fmtVnd } from "@mc/web/format";

const PRESETS = [7, 30, 60, 90] as const;
const MAX_DAYS = 366;
const COLORS = {
  green: "#12a26b",
  red: "#d92d20",
  blue: "#0068ff",
  navy: "#1d3a6e",
  sky: "#7cb4ff",
  amber: "#f0a43a",
  gray: "#98a2b3",
  purple: "#7a5af8",
  teal: "#0e9384",
  pink: "#dd2590",
};
const STORE_COLORS = [COLORS.blue, COLORS.amber, COLORS.teal, COLORS.purple, COLORS.pink, COLORS.navy, COLORS.green, COLORS.gray];

/** A local calendar day `YYYY-MM-DD`, `back` days before today. */
function localDay(back = 0): string {
  const d = new Date();
  d.setDate(d.getDate() - back);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
const span = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
const fmtDay = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);

type Range = { from: string; to: string; preset: number | null };

const presetRange = (days: number): Range => ({ from: localDay(days - 1), to: localDay(0), preset: days });
/** The range a link asks for (#/dashboard?days=7, ?from=…&to=…), else the last 30 days. */
function rangeOfUrl(): Range {
  const q = hashQuery();
  const days = Number(q.get("days"));
  if ((PRESETS as readonly number[]).includes(days)) return presetRange(days);
  const from = q.get("from") ?? "";
  const to = q.get("to") ?? "";
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (day.test(from) && day.test(to) && from <= to && span(from, to) <= MAX_DAYS) return { from, to, preset: null };
  return presetRange(30);
}
/** The range in the URL, so a link (or a reload) shows the same days. */
const rememberRange = (r: Range) =>
  replaceHashQuery(new URLSearchParams(r.preset === 30 ? {} : r.preset !== null ? { days: String(r.preset) } : { from: r.from, to: r.to }));

export default function DashboardPage() {
  const [range, setRangeState] = useState<Range>(rangeOfUrl);
  const setRange = (r: Range) => {
    setRangeState(r);
    rememberRange(r);
  };
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null);
  const [customError, setCustomError] = useState<string | null>(null);
  const view = useLoad(() => api.get<DashboardView>(`/api/admin/dashboard?from=${range.from}&to=${range.to}`), [range.from, range.to]);
  // The figures on screen are always the range's: while another range loads, every chart shows its loading state.
  const d = view.loading || view.data?.from !== range.from || view.data?.to !== range.to ? null : view.data;

  const pick = (days: number) => {
    setCustom(null);
    setCustomError(null);
    setRange(presetRange(days));
  };
  const applyCustom = (e: FormEvent) => {
    e.preventDefault();
    if (!custom) return;
    if (!custom.from || !custom.to) return setCustomError("Chọn cả ngày bắt đầu và ngày kết thúc.");
    if (custom.from > custom.to) return setCustomError("Ngày bắt đầu phải trước ngày kết thúc.");
    if (span(custom.from, custom.to) > MAX_DAYS) return setCustomError(`Tối đa ${MAX_DAYS} ngày.`);
    setCustomError(null);
    setRange({ ...custom, preset: null });
  };

  return (
    <div className="c-page d-page" data-testid="dashboard-page">
      <div className="d-head">
        <div>
          <h1>Tổng quan</h1>
          <p className="c-muted" data-testid="dash-range">
            {fmtDay(range.from)} – {fmtDay(range.to)} · {span(range.from, range.to)} ngày{d ? ` · giờ ${d.timeZone}` : ""}
          </p>
        </div>
        <div className="d-range" role="group" aria-label="Khoảng thời gian">
          <div className="c-seg">
            {PRESETS.map((n) => (
              <button key={n} type="button" className={range.preset === n && !custom ? "on" : ""} onClick={() => pick(n)} data-testid={`range-${n}`}>
                {n} ngày
              </button>
            ))}
            <button
              type="button"
              className={custom || range.preset === null ? "on" : ""}
              onClick={() => setCustom(custom ? null : { from: range.from, to: range.to })}
              data-testid="range-custom"
            >
              Tuỳ chọn
            </button>
          </div>
        </div>
      </div>
      {custom && (
        <form className="c-card d-custom" onSubmit={applyCustom} data-testid="range-form">
          <label className="c-field">
            <span className="c-label">Từ ngày</span>
            <input
              className="c-input"
              type="date"
              value={custom.from}
              onChange={(e) => setCustom({ ...custom, from: e.target.value })}
              data-testid="range-from"
            />
          </label>
          <label className="c-field">
            <span className="c-label">Đến ngày</span>
            <input className="c-input" type="date" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.target.value })} data-testid="range-to" />
          </label>
          <button className="c-btn c-btn-primary" data-testid="range-apply">
            Áp dụng
          </button>
          {customError && (
            <div className="c-error d-custom-error" role="alert" data-testid="range-error">
              {customError}
            </div>
          )}
        </form>
      )}
      <ErrorBox error={view.error} testId="dash-error" fields={DASHBOARD_FIELDS} />
      {!view.error && <Charts d={d} />}
    </div>
  );
}

function Totals({ d }: { d: DashboardView | null }) {
  const items = d
    ? [
        { label: "Quan tâm mới (ròng)", value: sum(d.followers.map((f) => f.net)), testId: "total-net" },
        { label: "Tin đã gửi", value: sum(d.messages.map((m) => m.sent)), testId: "total-sent" },
        { label: "Voucher đã dùng", value: sum(d.redemptions.map((r) => r.total)), testId: "total-redeemed" },
        { label: "Điểm đã tích", value: sum(d.points.map((p) => p.earned)), testId: "total-earned" },
      ]
    : null;
  return (
    <div className="d-totals" data-testid="dash-totals" data-state={d ? "ready" : "loading"}>
      {(items ?? [0, 1, 2, 3].map((i) => ({ label: "", value: null, testId: `total-${i}` }))).map((t) => (
        <div className="c-stat" key={t.testId}>
          <div className="c-stat-value" data-testid={t.testId}>
            {t.value === null ? <span className="d-skeleton-text" /> : fmtNumber(t.value)}
          </div>
          <div className="c-stat-label">{t.label || "\u00a0"}</div>
        </div>
      ))}
    </div>
  );
}

function Charts({ d }: { d: DashboardView | null }) {
  const state = (has: boolean) => (!d ? "loading" : has ? "ready" : "empty");
  const days = d?.days ?? [];

  const followers = useMemo<DaySeries[]>(
    () =>
      d
        ? [
            { label: "Quan tâm", color: COLORS.green, values: d.followers.map((f) => f.follows) },
            { label: "Bỏ quan tâm", color: COLORS.red, values: d.followers.map((f) => f.unfollows) },
            { label: "Ròng", color: COLORS.blue, values: d.followers.map((f) => f.net) },
          ]
        : [],
    [d],
  );
  const messages = useMemo<DaySeries[]>(
    () =>
      d
        ? [
            // Each on the day it happened (a message sent one day may be seen the next): lines, not a stack.
            { label: "Đã gửi", color: COLORS.sky, values: d.messages.map((m) => m.sent) },
            { label: "Đã nhận", color: COLORS.blue, values: d.messages.map((m) => m.delivered) },
            { label: "Đã xem", color: COLORS.navy, values: d.messages.map((m) => m.seen) },
            { label: "Tạm giữ", color: COLORS.amber, values: d.messages.map((m) => m.held) },
            { label: "Không gửi", color: COLORS.gray, values: d.messages.map((m) => m.suppressed) },
            { label: "Lỗi", color: COLORS.red, values: d.messages.map((m) => m.failed) },
            { label: "Khác", color: "#d0d5dd", values: d.messages.map((m) => m.pending + m.expired + m.cancelled) },
          ]
        : [],
    [d],
  );
  const cost = useMemo<DaySeries[]>(
    () =>
      d
        ? [
            { label: "CS miễn phí", color: COLORS.green, values: d.cost.days.map((c) => c.csFree) },
            { label: "CS tính phí", color: COLORS.teal, values: d.cost.days.map((c) => c.csPaid) },
            { label: "Mẫu qua UID", color: COLORS.purple, values: d.cost.days.map((c) => c.templateUid) },
            { label: "ZNS", color: COLORS.amber, values: d.cost.days.map((c) => c.zns) },
          ]
        : [],
    [d],
  );
  const redemptions = useMemo<DaySeries[]>(() => {
    if (!d) return [];
    const used = d.stores.filter((s) => d.redemptions.some((r) => (r.byStore[s.id] ?? 0) > 0));
    return used.map((s, i) => ({ label: s.name, color: STORE_COLORS[i % STORE_COLORS.length]!, values: d.redemptions.map((r) => r.byStore[s.id] ?? 0) }));
  }, [d]);
  const points = useMemo<DaySeries[]>(
    () =>
      d
        ? [
            { label: "Tích", color: COLORS.green, values: d.points.map((p) => p.earned) },
            { label: "Dùng", color: COLORS.blue, values: d.points.map((p) => p.spent) },
            { label: "Hết hạn", color: COLORS.amber, values: d.points.map((p) => p.expired) },
          ]
        : [],
    [d],
  );
  const any = (series: DaySeries[]) => series.some((s) => s.values.some((v) => v !== 0));
  const reasons = useMemo(() => {
    if (!d) return [];
    const m = new Map<string, { outcome: "held" | "suppressed"; code: string; n: number }>();
    for (const day of d.messages)
      for (const [outcome, by] of [
        ["suppressed", day.suppressedBy],
        ["held", day.heldBy],
      ] as const)
        for (const [code, n] of Object.entries(by)) {
          const k = `${outcome}:${code}`;
          const r = m.get(k) ?? { outcome, code, n: 0 };
          r.n += n;
          m.set(k, r);
        }
    return [...m.values()].sort((a, b) => b.n - a.n);
  }, [d]);
  const paid = d ? sum(d.cost.days.map((c) => c.templateUid + c.zns)) : 0;

  return (
    <>
      <Totals d={d} />
      <div className="d-grid">
        <ChartCard title="Người quan tâm OA" hint="Lượt quan tâm, bỏ quan tâm và chênh lệch mỗi ngày" testId="chart-followers" state={state(any(followers))}>
          <DayChart days={days} series={followers} />
        </ChartCard>

        <ChartCard
          title="Tin nhắn theo kết quả"
          hint="Mỗi việc tính vào ngày nó xảy ra: gửi đi, khách nhận, khách xem, bị tạm giữ hay không gửi; «Tạm giữ» gồm tin đang chờ và tin hết hạn khi đang chờ"
          testId="chart-messages"
          state={state(any(messages))}
        >
          <DayChart days={days} series={messages} />
          {reasons.length > 0 && (
            <table className="c-table c-table-compact d-reasons" data-testid="message-reasons">
              <thead>
                <tr>
                  <th>Lý do tạm giữ / không gửi</th>
                  <th className="c-num-col">Số tin</th>
                </tr>
              </thead>
              <tbody>
                {reasons.map((r) => (
                  <tr key={`${r.outcome}:${r.code}`}>
                    <td>
                      <i className="c-dot" style={{ background: r.outcome === "held" ? COLORS.amber : COLORS.gray }} /> {reasonLabel(r.code)}
                    </td>
                    <td className="c-num-col">{fmtNumber(r.n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </ChartCard>

        <ChartCard title="Chi phí gửi tin" hint="Tin đã gửi: CS miễn phí so với mẫu UID và ZNS tính phí" testId="chart-cost" state={state(any(cost))}>
          <DayChart days={days} series={cost} stack />
          {d && (
            <p className="d-note" data-testid="cost-estimate">
              {fmtNumber(paid)} tin tính phí
              {d.cost.estimatedVnd !== null && d.cost.znsPriceVnd !== null
                ? ` · ước tính ${fmtVnd(d.cost.estimatedVnd)} (${fmtVnd(d.cost.znsPriceVnd)}/tin)`
                : " · đặt ZNS_PRICE_VND để ước tính chi phí"}
            </p>
          )}
        </ChartCard>

        <ChartCard
          title="Tỉ lệ bỏ quan tâm theo chiến dịch"
          hint="Người bỏ quan tâm ngay sau tin của chiến dịch, trên số tin đã gửi"
          testId="chart-unfollows"
          state={state((d?.broadcasts.length ?? 0) > 0)}
        >
          {d && (
            <RatioBars
              testId="unfollow-bars"
              color={COLORS.red}
              rows={d.broadcasts.map((b) => ({
                key: b.id,
                label: b.name,
                ratio: b.rate,
                detail: `${fmtNumber(b.unfollows)} bỏ quan tâm / ${fmtNumber(b.sent)} đã gửi${b.startedAt ? ` · ${shortDay(b.startedAt.slice(0, 10))}` : ""}`,
              }))}
            />
          )}
        </ChartCard>

        <ChartCard title="Voucher đã dùng theo cửa hàng" hint="Số voucher đổi tại quầy mỗi ngày" testId="chart-redemptions" state={state(any(redemptions))}>
          <DayChart days={days} series={redemptions} stack />
        </ChartCard>

        <ChartCard
          title="Trò chơi QR → quan tâm OA"
          hint="Người chơi mới tại mỗi cửa hàng đã quan tâm OA trong 7 ngày sau lượt chơi đầu"
          testId="chart-games"
          state={state((d?.games.length ?? 0) > 0)}
        >
          {d && (
            <RatioBars
              testId="game-bars"
              color={COLORS.green}
              rows={d.games.map((g) => ({
                key: g.storeId,
                label: g.storeName,
                ratio: g.rate,
                detail: `${fmtNumber(g.followed)} quan tâm / ${fmtNumber(g.newPlayers)} người chơi mới · ${fmtNumber(g.plays)} lượt chơi`,
              }))}
            />
          )}
        </ChartCard>

        <ChartCard title="Điểm thưởng" hint="Điểm tích, dùng và hết hạn mỗi ngày" testId="chart-points" state={state(any(points))}>
          <DayChart days={days} series={points} />
          {d && sum(d.points.map((p) => p.adjusted)) !== 0 && (
            <p className="d-note">Điều chỉnh tay và hoàn điểm: {fmtNumber(sum(d.points.map((p) => p.adjusted)))} điểm</p>
          )}
        </ChartCard>
      </div>
      {d && (
        <p className="c-muted c-small d-took" data-testid="dash-took">
          Số liệu tính trong {fmtNumber(d.took.ms)} ms ({fmtNumber(d.took.slices)} lượt truy vấn ngắn)
        </p>
      )}
    </>
  );
}
