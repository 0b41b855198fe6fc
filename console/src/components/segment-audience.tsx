import { Pencil } from "lucide-react";
import { api } from "../api";
import type { SegmentPreview, SegmentView } from "../crm-types";
import { ErrorBox, Field, Spinner, useLoad } from "../ui";
import { fmtNumber } from "@mc/web/format";

/** The broadcast form's "saved segment" audience: pick one, see how many it matches now. */
export function SegmentAudience({ segmentId, onChange }: { segmentId: string; onChange: (id: string) => void }) {
  const list = useLoad(() => api.get<{ segments: SegmentView[] }>("/api/admin/segments"));
  const count = useLoad(
    () => (segmentId ? api.get<SegmentPreview>(`/api/admin/segments/${encodeURIComponent(segmentId)}/preview`) : Promise.resolve(null)),
    [segmentId],
  );
  const segments = list.data?.segments ?? [];
  const chosen = segments.find((s) => s.id === segmentId);
  if (list.loading && !list.data) return <Spinner />;
  return (
    <div className="c-subbox" data-testid="bc-segment-box">
      <ErrorBox error={list.error} />
      {!segments.length && !list.error ? (
        <p className="c-empty">
          Chưa có phân khúc nào. <a href="#/segments/new">Tạo phân khúc</a>
        </p>
      ) : (
        <Field label="Phân khúc đã lưu" hint={chosen?.description || undefined}>
          <select className="c-input" value={segmentId} onChange={(e) => onChange(e.target.value)} data-testid="bc-segment">
            <option value="">— Chọn phân khúc —</option>
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} (v{s.version})
              </option>
            ))}
          </select>
        </Field>
      )}
      {segmentId && (
        <div className="c-inline c-small" data-testid="bc-segment-count">
          {count.loading ? (
            <Spinner label="Đang đếm…" />
          ) : count.data ? (
            <span>
              Khớp <strong>{fmtNumber(count.data.count)}</strong> người lúc này (trước khi lọc theo quan tâm OA và quy tắc chăm sóc).
            </span>
          ) : null}
          <a href={`#/segments/${encodeURIComponent(segmentId)}`} className="c-inline">
            <Pencil size={13} /> Sửa
          </a>
        </div>
      )}
      <ErrorBox error={count.error} />
      <p className="c-hint">Danh sách người nhận dùng điều kiện của phiên bản hiện tại, ghi lại lúc tạo chiến dịch.</p>
    </div>
  );
}
