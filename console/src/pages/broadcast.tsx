import { useEffect, useState } from "react";
import { ArrowLeft, Clock, Eye, OctagonAlert, Pause, Play, RefreshCw, XCircle } from "lucide-react";
import { api } from "../api";
import { CATEGORY_LABEL, COUNT_LABEL, STATE_LABEL, notSentOf, reasonLabel, zaloReason } from "../labels";
import type { BroadcastView, Preview } from "../types";
import { Badge, Card, ErrorBox, LoadError, Spinner, useAction, useLoad } from "../ui";
import { stateTone } from "./broadcasts";
import { fmtDateTime, fmtNumber, fmtPct } from "@mc/web/format";

const LIVE = new Set(["planning", "running", "paused", "tripped", "scheduled"]);

export function BroadcastPage({ id }: { id: string }) {
  const view = useLoad(() => api.get<BroadcastView>(`/api/admin/broadcasts/${encodeURIComponent(id)}`), [id]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const prev = useAction();
  const act = useAction();
  const b = view.data;

  // Live progress: poll every 2 s while the broadcast can still change.
  const state = b?.state;
  const { reload } = view;
  useEffect(() => {
    if (!state || !LIVE.has(state)) return;
    const t = setInterval(() => void reload(), 2000);
    return () => clearInterval(t);
  }, [state, reload]);

  const loadPreview = async () => {
    const p = await prev.run(() => api.get<Preview>(`/api/admin/broadcasts/${encodeURIComponent(id)}/preview`));
    if (p) setPreview(p);
  };
  useEffect(() => {
    if (b?.state === "draft" && !preview && !prev.busy && !prev.error) void loadPreview();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [b?.state]);

  const doAction = async (action: "start" | "pause" | "resume" | "cancel") => {
    if (action === "cancel" && !window.confirm("Huỷ chiến dịch? Các tin chưa gửi sẽ không được gửi nữa.")) return;
    const r = await act.run(() => api.post<BroadcastView>(`/api/admin/broadcasts/${encodeURIComponent(id)}/${action}`));
    if (r) view.setData(r);
  };

  if (!b)
    return (
      <div className="c-page">
        <a href="#/broadcasts" className="c-back">
          <ArrowLeft size={16} /> Chiến dịch gửi tin
        </a>
        {view.error ? <LoadError error={view.error} what="chiến dịch" back={{ href: "#/broadcasts", label: "Về danh sách chiến dịch" }} /> : <Spinner />}
      </div>
    );

  return (
    <div className="c-page" data-testid="broadcast-page">
      <a href="#/broadcasts" className="c-back">
        <ArrowLeft size={16} /> Chiến dịch gửi tin
      </a>
      <div className="c-page-head">
        <div>
          <h1 data-testid="broadcast-title">{b.name}</h1>
          <p className="c-muted">
            {CATEGORY_LABEL[b.category]} · {b.state === "scheduled" ? "chờ đến giờ gửi" : b.startedAt ? `bắt đầu ${fmtDateTime(b.startedAt)}` : "chưa bắt đầu"}
            {b.scheduledAt ? ` · lên lịch ${fmtDateTime(b.scheduledAt)}` : ""}
            {b.finishedAt ? ` · kết thúc ${fmtDateTime(b.finishedAt)}` : ""}
            {b.audience?.segment && (
              <>
                {" · "}
                <a href={`#/segments/${encodeURIComponent(b.audience.segment.id)}`} data-testid="bc-segment-link">
                  phân khúc đã lưu, phiên bản {b.audience.segment.version}
                </a>
              </>
            )}
          </p>
        </div>
        <div className="c-row">
          <Badge tone={stateTone(b.state)} testId="bc-state">
            {STATE_LABEL[b.state] ?? b.state}
          </Badge>
          {b.state === "draft" && (
            <button className="c-btn c-btn-primary" disabled={act.busy} onClick={() => doAction("start")} data-testid="bc-start">
              <Play size={16} /> Bắt đầu gửi
            </button>
          )}
          {(b.state === "running" || b.state === "scheduled") && (
            <button className="c-btn" disabled={act.busy} onClick={() => doAction("pause")} data-testid="bc-pause">
              <Pause size={16} /> Tạm dừng
            </button>
          )}
          {(b.state === "paused" || b.state === "tripped") && (
            <button className="c-btn c-btn-primary" disabled={act.busy} onClick={() => doAction("resume")} data-testid="bc-resume">
              <Play size={16} /> Tiếp tục
            </button>
          )}
          {["draft", "planning", "scheduled", "running", "paused", "tripped"].includes(b.state) && (
            <button className="c-btn c-btn-danger" disabled={act.busy} onClick={() => doAction("cancel")} data-testid="bc-cancel">
              <XCircle size={16} /> Huỷ
            </button>
          )}
        </div>
      </div>
      <ErrorBox error={act.error} testId="bc-action-error" />

      {b.state === "tripped" && (
        <div className="c-alert c-alert-bad" data-testid="bc-tripped">
          <OctagonAlert size={22} />
          <div>
            <strong>Chiến dịch đã tự ngắt.</strong> Tỉ lệ bỏ quan tâm ({fmtPct(b.unfollowRate)}, {fmtNumber(b.unfollows)} người) đã vượt ngưỡng an toàn. Các tin
            còn lại đang được giữ lại; xem lại nội dung và người nhận trước khi bấm «Tiếp tục», hoặc huỷ chiến dịch.
          </div>
        </div>
      )}

      {b.state === "draft" ? (
        <Card
          title="Xem trước"
          testId="bc-preview"
          actions={
            <button className="c-btn c-btn-sm" onClick={loadPreview} disabled={prev.busy} data-testid="bc-preview-refresh">
              {prev.busy ? <RefreshCw size={16} className="c-spin" /> : <Eye size={16} />} Tính lại
            </button>
          }
        >
          <ErrorBox error={prev.error} />
          {preview ? <PreviewView p={preview} scheduledAt={b.scheduledAt} /> : <Spinner label="Đang tính…" />}
        </Card>
      ) : (
        <Progress b={b} />
      )}
    </div>
  );
}

function PreviewView({ p, scheduledAt }: { p: Preview; scheduledAt: string | null }) {
  const reasons = Object.entries(p.reasons).sort((a, b) => b[1] - a[1]);
  return (
    <div data-testid="bc-preview-result">
      {scheduledAt && (
        <p className="c-notice" data-testid="pv-scheduled">
          <Clock size={18} />
          <span>
            Đã lên lịch: bắt đầu gửi lúc <strong>{fmtDateTime(scheduledAt)}</strong> sau khi bấm «Bắt đầu gửi». Xem trước tính theo quy tắc lúc này; mỗi tin
            được xét lại lúc gửi.
          </span>
        </p>
      )}
      <div className="c-stats">
        <Stat label="Người nhận" value={p.audience} testId="pv-audience" />
        <Stat label="Gửi ngay" value={p.send} tone="ok" testId="pv-send" />
        <Stat label="Tạm giữ" value={p.hold} tone="warn" testId="pv-hold" />
        <Stat label="Không gửi" value={p.suppress} tone="muted" testId="pv-suppress" />
        <Stat label="Sẽ hết hạn" value={p.expire} tone="muted" testId="pv-expire" />
      </div>
      <div className="c-grid-2 c-gap-sm">
        <table className="c-table c-table-compact">
          <thead>
            <tr>
              <th>Kênh gửi (cho người gửi ngay)</th>
              <th className="c-num-col">Số người</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>Tin tư vấn (CS)</td>
              <td className="c-num-col">
                {fmtNumber(p.channels.cs)} <span className="c-muted">({fmtNumber(p.freeCs)} miễn phí)</span>
              </td>
            </tr>
            <tr>
              <td>Mẫu qua UID</td>
              <td className="c-num-col">{fmtNumber(p.channels.template_uid)}</td>
            </tr>
            <tr>
              <td>ZNS qua số điện thoại</td>
              <td className="c-num-col">{fmtNumber(p.channels.zns)}</td>
            </tr>
            <tr className="c-tr-strong">
              <td>Quota ZNS cần dùng</td>
              <td className="c-num-col" data-testid="pv-quota">
                {fmtNumber(p.quotaNeeded)}
              </td>
            </tr>
          </tbody>
        </table>
        <ReasonTable reasons={reasons} until={p.holdUntil} empty="Không ai bị giữ hay chặn." title="Lý do giữ / không gửi" />
      </div>
    </div>
  );
}

/** Reasons by count; a held reason says when its messages may go ("Sẽ gửi lúc …"). */
function ReasonTable({ reasons, until, empty, title }: { reasons: [string, number][]; until?: Record<string, string>; empty: string; title: string }) {
  return (
    <table className="c-table c-table-compact" data-testid="reason-table">
      <thead>
        <tr>
          <th>{title}</th>
          <th className="c-num-col">Số người</th>
        </tr>
      </thead>
      <tbody>
        {reasons.length === 0 ? (
          <tr>
            <td colSpan={2} className="c-muted">
              {empty}
            </td>
          </tr>
        ) : (
          reasons.map(([k, n]) => (
            <tr key={k}>
              <td title={k}>
                {reasonLabel(k)}
                {until?.[k] && (
                  <div className="c-small c-muted" data-testid={`held-until-${k}`}>
                    Sẽ gửi lúc {fmtDateTime(until[k])}
                  </div>
                )}
              </td>
              <td className="c-num-col">{fmtNumber(n)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function Stat({ label, value, tone, testId }: { label: string; value: number; tone?: string; testId?: string }) {
  return (
    <div className={`c-stat${tone ? ` c-stat-${tone}` : ""}`}>
      <div className="c-stat-value" data-testid={testId}>
        {fmtNumber(value)}
      </div>
      <div className="c-stat-label">{label}</div>
    </div>
  );
}

function Progress({ b }: { b: BroadcastView }) {
  const c = b.counts;
  const total = Math.max(b.recipients, 1);
  const blocked = notSentOf(c);
  const pending = c.queued + c.sending + c.held;
  const processed = b.recipients - pending;
  const seg = (n: number) => `${(n / total) * 100}%`;
  const reasons = Object.entries(b.reasons).sort((a, b) => b[1] - a[1]);
  const nextHeld = Object.values(b.heldUntil ?? {}).sort()[0];
  return (
    <>
      <Card title="Tiến độ" testId="bc-progress">
        {b.state === "scheduled" && b.scheduledAt && (
          <p className="c-notice" data-testid="bc-scheduled">
            <Clock size={18} />
            <span>
              Đã lên lịch: sẽ gửi lúc <strong>{fmtDateTime(b.scheduledAt)}</strong>. Chưa tin nào được gửi; bạn vẫn có thể tạm dừng hoặc huỷ.
            </span>
          </p>
        )}
        <div className="c-progress-head">
          <span data-testid="bc-progress-text">
            Đã xử lý {fmtNumber(Math.max(processed, 0))}/{fmtNumber(b.recipients)} người ({fmtPct(b.recipients ? processed / b.recipients : 0)})
          </span>
          {b.state === "running" && <Spinner label="Đang cập nhật mỗi 2 giây" />}
        </div>
        <div
          className={`c-progress${b.state === "tripped" ? " c-progress-tripped" : ""}`}
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={b.recipients}
          aria-valuenow={processed}
        >
          <div className="c-seg-sent" style={{ width: seg(c.sent) }} title={`Đã gửi ${c.sent}`} />
          <div className="c-seg-blocked" style={{ width: seg(blocked) }} title={`Không gửi ${blocked}`} />
          <div className="c-seg-held" style={{ width: seg(c.held) }} title={`Tạm giữ ${c.held}`} />
        </div>
        <div className="c-legend">
          <span>
            <i className="c-dot c-seg-sent" /> Đã gửi
          </span>
          <span>
            <i className="c-dot c-seg-blocked" /> Không gửi / lỗi / không rõ / hết hạn
          </span>
          <span>
            <i className="c-dot c-seg-held" /> Tạm giữ
          </span>
          <span>
            <i className="c-dot c-dot-empty" /> Chờ gửi
          </span>
        </div>
        <div className="c-stats c-stats-4">
          <Stat label="Đã gửi" value={c.sent} tone="ok" testId="count-sent" />
          <Stat label="Đã nhận" value={c.delivered} testId="count-delivered" />
          <Stat label="Đã xem" value={c.seen} testId="count-seen" />
          <div className={`c-stat${b.state === "tripped" || b.unfollows > 0 ? " c-stat-bad" : ""}`}>
            <div className="c-stat-value" data-testid="bc-unfollows">
              {fmtNumber(b.unfollows)} <span className="c-stat-sub">({fmtPct(b.unfollowRate)})</span>
            </div>
            <div className="c-stat-label">Bỏ quan tâm sau tin</div>
          </div>
        </div>
        <div className="c-stats c-stats-7 c-stats-8">
          {(["queued", "sending", "held", "suppressed", "failed", "unknown", "expired", "cancelled"] as const).map((k) => (
            <div key={k} className="c-stat c-stat-sm">
              <div className="c-stat-value" data-testid={`count-${k}`}>
                {fmtNumber(c[k])}
              </div>
              <div className="c-stat-label">{COUNT_LABEL[k]}</div>
            </div>
          ))}
        </div>
        {c.held > 0 && nextHeld && (
          <p className="c-hint" data-testid="bc-held-next">
            {fmtNumber(c.held)} tin đang tạm giữ; sớm nhất sẽ gửi lúc {fmtDateTime(nextHeld)} (xem lý do bên dưới).
          </p>
        )}
        {c.unknown > 0 && (
          <p className="c-hint" data-testid="bc-unknown-hint">
            {fmtNumber(c.unknown)} tin đang gửi dở khi hệ thống dừng đột ngột và Zalo không xác nhận được đã đến hay chưa. Các tin này không được gửi lại, để
            khách không nhận trùng.
          </p>
        )}
      </Card>
      <div className="c-grid-2">
        <Card title="Giữ / không gửi theo lý do">
          <ReasonTable reasons={reasons} until={b.heldUntil} empty="Chưa có ai bị giữ hay chặn." title="Lý do" />
        </Card>
        <Card title="Lỗi từ Zalo">
          {b.failedByCode.length === 0 ? (
            <p className="c-empty">Không có lỗi.</p>
          ) : (
            <table className="c-table c-table-compact" data-testid="bc-failed">
              <thead>
                <tr>
                  <th>Mã</th>
                  <th>Lý do</th>
                  <th className="c-num-col">Số tin</th>
                </tr>
              </thead>
              <tbody>
                {b.failedByCode.map((f) => (
                  <tr key={String(f.code)}>
                    <td>
                      <code>{f.code ?? "—"}</code>
                    </td>
                    {/* Zalo's English words for a code this table does not know stay a tooltip, for support */}
                    <td title={f.reason ?? undefined}>{zaloReason(f.code)}</td>
                    <td className="c-num-col">{fmtNumber(f.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}
