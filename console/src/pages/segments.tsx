import { Plus } from "lucide-react";
import { api } from "../api";
import { go } from "../routing";
import { countRules } from "../segment-draft";
import type { SegmentView } from "../crm-types";
import { Card, ErrorBox, Spinner, useLoad } from "../ui";
import { actorName } from "../actor";
import { fmtDateTime } from "@mc/web/format";

/** #/segments: the saved audiences, newest change first. */
export function SegmentsPage() {
  const list = useLoad(() => api.get<{ segments: SegmentView[] }>("/api/admin/segments"));
  return (
    <div className="c-page" data-testid="segments-page">
      <div className="c-page-head">
        <div>
          <h1>Phân khúc khách hàng</h1>
          <p className="c-muted">Nhóm khách theo điều kiện (hạng, điểm, lần ghé, đơn hàng, nhãn…), lưu lại để lọc danh sách khách và gửi chiến dịch.</p>
        </div>
        <a className="c-btn c-btn-primary" href="#/segments/new" data-testid="segment-new">
          <Plus size={16} /> Tạo phân khúc
        </a>
      </div>
      <Card>
        <ErrorBox error={list.error} />
        {list.loading && !list.data ? (
          <Spinner />
        ) : !list.data?.segments.length ? (
          !list.error && <p className="c-empty">Chưa có phân khúc nào. Bấm «Tạo phân khúc» để bắt đầu.</p>
        ) : (
          <table className="c-table c-table-click c-table-cards" data-testid="segment-list">
            <thead>
              <tr>
                <th>Tên</th>
                <th>Mô tả</th>
                <th className="c-num-col">Điều kiện</th>
                <th className="c-num-col">Phiên bản</th>
                <th>Sửa lần cuối</th>
              </tr>
            </thead>
            <tbody>
              {list.data.segments.map((s) => (
                <tr key={s.id} onClick={() => go(`segments/${s.id}`)} data-testid={`segment-row-${s.id}`}>
                  <td data-label="Tên">
                    <a href={`#/segments/${s.id}`} onClick={(e) => e.stopPropagation()}>
                      {s.name}
                    </a>
                  </td>
                  <td data-label="Mô tả" className="c-muted">
                    {s.description || "—"}
                  </td>
                  <td data-label="Điều kiện" className="c-num-col">
                    {countRules(s.rules)}
                  </td>
                  <td data-label="Phiên bản" className="c-num-col">
                    v{s.version}
                  </td>
                  <td data-label="Sửa lần cuối">
                    {fmtDateTime(s.updatedAt)} <span className="c-muted c-small">· {actorName(s.updatedBy)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
