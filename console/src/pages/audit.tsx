import { useState, type FormEvent } from "react";
import { Search } from "lucide-react";
import type { AuditEntry, AuditPage as AuditPageData } from "@mc/shared";
import { api } from "../api";
import { fmtDateTime } from "@mc/web/format";
import { hashQuery, replaceHashQuery } from "../routing";
import { Card, ErrorBox, Field, Spinner, useAction, useLoad } from "../ui";
import { AUDIT_FIELDS } from "../field-labels";
import "./roles.css";

const FILTERS = ["actor", "action", "target", "from", "to"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** What each action is, in Vietnamese (an action not listed shows as written). */
const ACTION_LABEL: Record<string, string> = {
  "operator.create": "Tạo tài khoản quản trị",
  "operator.update": "Sửa tài khoản quản trị",
  "operator.deactivate": "Tạm ngưng tài khoản",
  "operator.reactivate": "Mở lại tài khoản",
  "operator.password_reset": "Đặt lại mật khẩu",
  "operator.password_change": "Tự đổi mật khẩu",
  "role.set": "Đổi vai trò / cửa hàng",
  "customer.tags": "Cập nhật nhãn",
  "customer.birthDate": "Cập nhật ngày sinh",
  "customer.erase": "Xoá dữ liệu cá nhân",
  "customer.export": "Xuất danh sách khách",
  "customer.note": "Ghi chú về khách",
  "points.award": "Tích điểm tại quầy",
  "points.adjust": "Điều chỉnh điểm",
  "voucher.redeem": "Dùng voucher",
  "campaign.create": "Tạo chương trình voucher",
  "campaign.update": "Sửa chương trình voucher",
  "game.create": "Tạo trò chơi",
  "game.update": "Sửa trò chơi",
  "loyalty_rules.set": "Đổi quy tắc tích điểm",
  "warming_rules.set": "Đổi quy tắc chăm sóc",
  "segment.create": "Tạo phân khúc",
  "segment.update": "Sửa phân khúc",
  "segment.delete": "Xoá phân khúc",
  "broadcast.create": "Tạo chiến dịch gửi tin",
  "broadcast.start": "Bắt đầu gửi tin",
  "broadcast.pause": "Tạm dừng gửi tin",
  "broadcast.resume": "Tiếp tục gửi tin",
  "broadcast.cancel": "Huỷ gửi tin",
  "broadcast.tripped": "Ngắt gửi tin tự động",
  "order.place": "Đặt đơn",
  "order.confirmed": "Xác nhận đơn",
  "order.ready": "Đơn sẵn sàng",
  "order.completed": "Hoàn tất đơn",
  "order.cancelled": "Huỷ đơn",
  "zns_template.register": "Đăng ký mẫu ZNS",
};
const ACTOR_KIND: Record<string, string> = { admin: "Quản trị", customer: "Mini app", system: "Hệ thống" };
const actionLabel = (a: string) => ACTION_LABEL[a] ?? a;

const fromHash = (): Filters => {
  const q = hashQuery();
  return Object.fromEntries(FILTERS.map((k) => [k, q.get(k) ?? ""])) as Filters;
};

/** The audit log (owners): who did what, when, to whom; filters stay in the URL, pages load on demand. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(fromHash);
  const [applied, setApplied] = useState<Filters>(draft);
  const [more, setMore] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const query = (f: Filters, after?: string) => {
    const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v.trim() !== ""));
    q.set("limit", "50");
    if (after) q.set("after", after);
    return `/api/admin/audit?${q}`;
  };
  const first = useLoad(async () => {
    const r = await api.get<AuditPageData>(query(applied));
    setMore([]);
    setNext(r.next);
    return r;
  }, [applied]);
  const actions = useLoad(() => api.get<{ actions: string[] }>("/api/admin/audit/actions"));
  const loadMore = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    replaceHashQuery(new URLSearchParams(Object.entries(draft).filter(([, v]) => v.trim() !== "")));
    setApplied({ ...draft });
  };
  const showMore = async () => {
    if (!next) return;
    const r = await loadMore.run(() => api.get<AuditPageData>(query(applied, next)));
    if (r) {
      setMore((m) => [...m, ...r.entries]);
      setNext(r.next);
    }
  };
  const entries = [...(first.data?.entries ?? []), ...more];
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  return (
    <div className="c-page" data-testid="audit-page">
      <div className="c-page-head">
        <div>
          <h1>Nhật ký thao tác</h1>
          <p className="c-muted">Ai đã làm gì, lúc nào, với ai: mọi thay đổi trên trang quản trị và tại quầy.</p>
        </div>
      </div>
      <Card title="Lọc">
        <form onSubmit={submit} className="r-filters">
          <Field label="Người thực hiện" hint="Email quản trị, mã thành viên hoặc ID">
            <input className="c-input" value={draft.actor} onChange={set("actor")} data-testid="audit-actor" />
          </Field>
          <Field label="Thao tác">
            <select className="c-input" value={draft.action} onChange={set("action")} data-testid="audit-action">
              <option value="">Mọi thao tác</option>
              {actions.data?.actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Đối tượng" hint="Mã thành viên hoặc ID (khách, đơn, voucher…)">
            <input className="c-input" value={draft.target} onChange={set("target")} data-testid="audit-target" />
          </Field>
          <Field label="Từ ngày">
            <input className="c-input" type="date" value={draft.from} onChange={set("from")} data-testid="audit-from" />
          </Field>
          <Field label="Đến ngày">
            <input className="c-input" type="date" value={draft.to} onChange={set("to")} data-testid="audit-to" />
          </Field>
          <div className="r-filters-go">
            <button className="c-btn c-btn-primary" data-testid="audit-apply">
              <Search size={16} /> Lọc
            </button>
          </div>
        </form>
      </Card>
      <Card title="Thao tác">
        <ErrorBox error={first.error} testId="audit-error" fields={AUDIT_FIELDS} />
        {first.loading && !first.data ? (
          <Spinner />
        ) : entries.length === 0 ? (
          <p className="c-empty" data-testid="audit-empty">
            Không có thao tác nào khớp bộ lọc.
          </p>
        ) : (
          <>
            <table className="c-table r-cards" data-testid="audit-table">
              <thead>
                <tr>
                  <th>Lúc</th>
                  <th>Người thực hiện</th>
                  <th>Thao tác</th>
                  <th>Đối tượng</th>
                  <th>Chi tiết</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                    <td data-label="Lúc" className="c-nowrap">
                      {fmtDateTime(e.at)}
                    </td>
                    <td data-label="Người thực hiện">
                      {e.actor.name ?? e.actor.id}
                      <div className="c-small c-muted">{ACTOR_KIND[e.actor.kind] ?? e.actor.kind}</div>
                    </td>
                    <td data-label="Thao tác">
                      {actionLabel(e.action)}
                      {e.storeId && <div className="c-small c-muted">Cửa hàng {e.storeId}</div>}
                    </td>
                    <td data-label="Đối tượng">{e.targetName ?? <code className="c-small">{e.targetId ?? "—"}</code>}</td>
                    <td data-label="Chi tiết">
                      <Details value={e.details} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ErrorBox error={loadMore.error} fields={AUDIT_FIELDS} />
            {next && (
              <button className="c-btn" disabled={loadMore.busy} onClick={() => void showMore()} data-testid="audit-more">
                {loadMore.busy ? "Đang tải…" : "Xem thêm"}
              </button>
            )}
          </>
        )}
      </Card>
    </div>
  );
}

/** A row's details as short key: value lines (nested values as compact JSON). */
function Details({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="c-muted">—</span>;
  if (typeof value !== "object") return <span className="c-small">{String(value)}</span>;
  return (
    <ul className="r-details">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <li key={k}>
          <span className="c-muted">{k}:</span> <code>{typeof v === "string" ? v : JSON.stringify(v)}</code>
        </li>
      ))}
    </ul>
  );
}
