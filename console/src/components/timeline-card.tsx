import { useEffect, useRef, useState } from "react";
import type { TimelineItem, TimelineKind, TimelinePage } from "@mc/shared";
import { api } from "../api";
import { TIMELINE_KINDS, TIMELINE_LABEL } from "../crm-labels";
import { Card, ErrorBox, Spinner } from "../ui";
import { TIMELINE_ICON } from "./timeline-icons";
import { fmtDateTime } from "@mc/web/format";

const PAGE = 30;

type State = { items: TimelineItem[]; next: string | null; loading: boolean; error: unknown };

/** Pages of one person's timeline (newest first) for some kinds; `version` reloads from the top. */
export function useTimeline(customerId: string, kinds: TimelineKind[], version: number, limit = PAGE) {
  const [s, setS] = useState<State>({ items: [], next: null, loading: true, error: null });
  const seq = useRef(0);
  const base = `/api/admin/customers/${encodeURIComponent(customerId)}/timeline?limit=${limit}${kinds.length ? `&kinds=${kinds.join(",")}` : ""}`;
  useEffect(() => {
    const my = ++seq.current;
    setS((x) => ({ ...x, loading: true, error: null }));
    api
      .get<TimelinePage>(base)
      .then((p) => my === seq.current && setS({ items: p.items, next: p.next, loading: false, error: null }))
      .catch((error: unknown) => my === seq.current && setS({ items: [], next: null, loading: false, error }));
  }, [base, version]);
  const more = async () => {
    if (!s.next) return;
    const my = seq.current;
    setS((x) => ({ ...x, loading: true }));
    try {
      const p = await api.get<TimelinePage>(`${base}&before=${encodeURIComponent(s.next)}`);
      if (my === seq.current) setS((x) => ({ items: [...x.items, ...p.items], next: p.next, loading: false, error: null }));
    } catch (error) {
      if (my === seq.current) setS((x) => ({ ...x, loading: false, error }));
    }
  };
  return { ...s, more };
}

/** Everything that happened to the person, one list: filter by kind, page with «Xem thêm». */
export function TimelineCard({ customerId, version, storeName }: { customerId: string; version: number; storeName: (id: string) => string }) {
  const [kinds, setKinds] = useState<TimelineKind[]>([]);
  const t = useTimeline(customerId, kinds, version);
  const toggle = (k: TimelineKind) => setKinds((ks) => (ks.includes(k) ? ks.filter((x) => x !== k) : TIMELINE_KINDS.filter((x) => x === k || ks.includes(x))));
  return (
    <Card title="Dòng thời gian" testId="timeline-card">
      <div className="c-chips c-kind-chips" role="group" aria-label="Lọc theo loại">
        <button
          type="button"
          className={`c-chip${kinds.length === 0 ? " on" : ""}`}
          aria-pressed={kinds.length === 0}
          onClick={() => setKinds([])}
          data-testid="timeline-kind-all"
        >
          Tất cả
        </button>
        {TIMELINE_KINDS.map((k) => {
          const Icon = TIMELINE_ICON[k];
          return (
            <button
              key={k}
              type="button"
              className={`c-chip${kinds.includes(k) ? " on" : ""}`}
              aria-pressed={kinds.includes(k)}
              onClick={() => toggle(k)}
              data-testid={`timeline-kind-${k}`}
            >
              <Icon size={14} aria-hidden /> {TIMELINE_LABEL[k]}
            </button>
          );
        })}
      </div>
      <ErrorBox error={t.error} testId="timeline-error" />
      {t.loading && !t.items.length ? (
        <Spinner />
      ) : !t.items.length ? (
        !t.error && (
          <p className="c-empty" data-testid="timeline-empty">
            {kinds.length ? "Không có mục nào thuộc loại đã chọn." : "Chưa có hoạt động nào."}
          </p>
        )
      ) : (
        <ol className="c-timeline" data-testid="timeline">
          {t.items.map((it) => (
            <TimelineRow key={it.key} it={it} storeName={storeName} />
          ))}
        </ol>
      )}
      {t.next && (
        <div className="c-row c-row-center">
          <button className="c-btn" onClick={() => void t.more()} disabled={t.loading} data-testid="timeline-more">
            {t.loading ? "Đang tải…" : "Xem thêm"}
          </button>
        </div>
      )}
    </Card>
  );
}

function TimelineRow({ it, storeName }: { it: TimelineItem; storeName: (id: string) => string }) {
  const Icon = TIMELINE_ICON[it.kind] ?? TIMELINE_ICON.admin;
  return (
    <li
      className={`c-tl c-tl-${it.kind}${it.data.low === true ? " c-tl-low" : ""}`}
      data-kind={it.kind}
      data-low={it.data.low === true || undefined}
      data-testid="timeline-item"
    >
      <span className="c-tl-icon" title={TIMELINE_LABEL[it.kind]} aria-hidden>
        <Icon size={15} />
      </span>
      <div className="c-tl-body">
        <div className="c-tl-title">
          <span className="c-sr-only">{TIMELINE_LABEL[it.kind]}: </span>
          {it.title}
        </div>
        {it.detail && <div className="c-tl-detail">{it.detail}</div>}
        <div className="c-small c-muted">
          <time dateTime={it.at}>{fmtDateTime(it.at)}</time>
          {it.actor && ` · ${it.actor}`}
          {it.storeId && ` · ${storeName(it.storeId)}`}
        </div>
      </div>
    </li>
  );
}
