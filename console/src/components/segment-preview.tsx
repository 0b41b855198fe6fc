import { useEffect, useRef, useState } from "react";
import type { SegmentGroup } from "@mc/shared";
import { api } from "../api";
import type { SegmentPreview } from "../crm-types";
import { useDebounced } from "../use-debounced";
import { ErrorBox, Spinner } from "../ui";
import { SEGMENT_FIELDS } from "../field-labels";
import { fmtNumber } from "@mc/web/format";

/**
 * The editor's live count: draft rules are counted (debounced, nothing saved) as they change; only the
 * newest answer is shown, so a slow count never overwrites a newer one.
 */
export function useSegmentPreview(rules: SegmentGroup, valid: boolean) {
  const key = valid ? JSON.stringify(rules) : null;
  const settled = useDebounced(key, 400);
  const [state, setState] = useState<{ data: SegmentPreview | null; error: unknown; loading: boolean; for: string | null }>({
    data: null,
    error: null,
    loading: false,
    for: null,
  });
  const seq = useRef(0);
  useEffect(() => {
    if (settled === null) return;
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    api
      .post<SegmentPreview>("/api/admin/segments/preview", { rules: JSON.parse(settled) as SegmentGroup })
      .then((data) => my === seq.current && setState({ data, error: null, loading: false, for: settled }))
      .catch((error: unknown) => my === seq.current && setState((s) => ({ ...s, error, loading: false, for: settled })));
  }, [settled]);
  // Typing ahead of the debounce, or rules that cannot be counted yet: the shown figure is stale.
  const stale = key === null || key !== state.for || state.loading;
  return { ...state, stale, invalid: key === null };
}

export function PreviewPanel({ preview }: { preview: ReturnType<typeof useSegmentPreview> }) {
  const { data, error, stale, invalid } = preview;
  return (
    <div className="c-seg-preview" data-testid="segment-preview" aria-live="polite" aria-busy={stale && !invalid}>
      <div className="c-stat">
        <div className="c-stat-label">Số người khớp lúc này</div>
        <div className={`c-stat-value${stale ? " c-stale" : ""}`} data-testid="segment-count" data-stale={stale ? "1" : "0"}>
          {data ? fmtNumber(data.count) : "—"}
        </div>
        {invalid ? (
          <div className="c-hint">Sửa các điều kiện đang báo lỗi để đếm.</div>
        ) : stale ? (
          <Spinner label="Đang đếm…" />
        ) : (
          <div className="c-hint">Đếm trên dữ liệu hiện tại; con số thay đổi khi khách thay đổi.</div>
        )}
      </div>
      <ErrorBox error={error} testId="segment-preview-error" fields={SEGMENT_FIELDS} />
      {data && (
        <>
          <h3>Một vài người khớp{data.count > data.sample.length ? ` (${data.sample.length} trong ${fmtNumber(data.count)})` : ""}</h3>
          {data.sample.length === 0 ? (
            <p className="c-empty">Chưa có ai khớp các điều kiện này.</p>
          ) : (
            <ul className="c-sample" data-testid="segment-sample">
              {data.sample.map((p) => (
                <li key={p.id}>
                  <a href={`#/customers/${p.id}`}>{p.name || "(không tên)"}</a>
                  <span className="c-muted c-small">
                    {p.memberCode} · {p.tier.name}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
