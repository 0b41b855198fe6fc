import { useState, type FormEvent } from "react";
import { UserPlus, X } from "lucide-react";
import type { StaffMember } from "@mc/shared";
import { api } from "../api";
import type { Store } from "../types";
import { Badge, Card, ErrorBox, Field, Spinner, useAction, useLoad } from "../ui";
import "./roles.css";
import { StoreChecks } from "../components/store-checks";

type By = "memberCode" | "zaloId" | "zaloOaId";
const BY_LABEL: Record<By, string> = { memberCode: "Mã thành viên", zaloId: "Zalo ID (mini app)", zaloOaId: "ID người quan tâm OA" };
const BY_HINT: Record<By, string> = {
  memberCode: "Mã trên thẻ thành viên trong mini app, ví dụ MC-7K2P-9Q4X.",
  zaloId: "ID Zalo của người đó trong mini app.",
  zaloOaId: "ID người quan tâm, thấy trong công cụ chat của OA.",
};

/**
 * Staff and their stores: an owner grants at every store, a store manager at theirs (the server narrows the
 * list and the stores to theirs). A grant or a revoke works on the person's very next request.
 */
export function StaffPage() {
  // The stores the signed-in account acts at (an owner: every store; a store manager: theirs).
  const data = useLoad(async () => {
    const [st, s] = await Promise.all([api.get<{ staff: StaffMember[] }>("/api/admin/staff"), api.get<{ stores: Store[] }>("/api/staff/stores")]);
    return { staff: st.staff, stores: s.stores };
  });
  const act = useAction();
  const storeName = (id: string) => data.data?.stores.find((s) => s.id === id)?.name ?? id;
  const revoke = async (m: StaffMember, storeIds?: string[]) => {
    if (await act.run(() => api.post(`/api/admin/staff/${m.customerId}/revoke`, storeIds ? { storeIds } : {}))) void data.reload();
  };

  return (
    <div className="c-page" data-testid="staff-page">
      <div className="c-page-head">
        <div>
          <h1>Nhân viên</h1>
          <p className="c-muted">Nhân viên dùng mini app tại quầy: tích điểm, đổi voucher, nhận đơn ở các cửa hàng được giao.</p>
        </div>
      </div>
      <ErrorBox error={data.error} />
      {data.data && <GrantForm stores={data.data.stores} onDone={() => void data.reload()} />}
      <ErrorBox error={act.error} testId="staff-action-error" />
      <Card title="Danh sách nhân viên">
        {data.loading && !data.data ? (
          <Spinner />
        ) : !data.data?.staff.length ? (
          <p className="c-empty" data-testid="staff-empty">
            Chưa có nhân viên nào.
          </p>
        ) : (
          <table className="c-table r-cards" data-testid="staff-table">
            <thead>
              <tr>
                <th>Nhân viên</th>
                <th>Mã thành viên</th>
                <th>Cửa hàng</th>
                <th aria-label="Thao tác" />
              </tr>
            </thead>
            <tbody>
              {data.data.staff.map((m) => (
                <tr key={m.customerId} data-testid={`staff-${m.memberCode}`}>
                  <td data-label="Nhân viên">
                    <strong>{m.name}</strong>
                    {m.role === "admin" && (
                      <>
                        {" "}
                        <Badge tone="info">Quản trị viên</Badge>
                      </>
                    )}
                  </td>
                  <td data-label="Mã thành viên" className="c-nowrap">
                    {m.memberCode}
                  </td>
                  <td data-label="Cửa hàng">
                    {m.role === "admin" ? (
                      "Mọi cửa hàng"
                    ) : (
                      <div className="c-chips">
                        {m.storeIds.map((s) => (
                          <span key={s} className="c-chip r-chip-x">
                            {storeName(s)}
                            <button
                              type="button"
                              className="c-btn c-btn-icon"
                              aria-label={`Thu hồi quyền tại ${storeName(s)}`}
                              disabled={act.busy}
                              onClick={() => void revoke(m, [s])}
                              data-testid={`staff-revoke-${m.memberCode}-${s}`}
                            >
                              <X size={14} />
                            </button>
                          </span>
                        ))}
                      </div>
                    )}
                  </td>
                  <td>
                    <div className="r-actions">
                      {m.role === "staff" && (
                        <button className="c-btn c-btn-sm" disabled={act.busy} onClick={() => void revoke(m)} data-testid={`staff-revoke-all-${m.memberCode}`}>
                          Thu hồi
                        </button>
                      )}
                    </div>
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

function GrantForm({ stores, onDone }: { stores: Store[]; onDone: () => void }) {
  const [by, setBy] = useState<By>("memberCode");
  const [value, setValue] = useState("");
  const [storeIds, setStoreIds] = useState<string[]>(stores.length === 1 ? [stores[0]!.id] : []);
  const [granted, setGranted] = useState<StaffMember | null>(null);
  const save = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGranted(null);
    const r = await save.run(() => api.post<{ staff: StaffMember }>("/api/admin/staff", { [by]: value.trim(), storeIds }));
    if (r) {
      setGranted(r.staff);
      setValue("");
      onDone();
    }
  };
  return (
    <Card title="Thêm nhân viên" testId="staff-grant">
      <form onSubmit={submit}>
        <div className="c-fields">
          <Field label="Tìm theo">
            <select className="c-input" value={by} onChange={(e) => setBy(e.target.value as By)} data-testid="staff-by">
              {(Object.keys(BY_LABEL) as By[]).map((k) => (
                <option key={k} value={k}>
                  {BY_LABEL[k]}
                </option>
              ))}
            </select>
          </Field>
          <Field label={BY_LABEL[by]} hint={BY_HINT[by]}>
            <input className="c-input" required value={value} onChange={(e) => setValue(e.target.value)} data-testid="staff-value" />
          </Field>
        </div>
        <fieldset className="r-fieldset">
          <legend className="c-label">Làm việc tại</legend>
          {stores.length === 0 ? (
            <p className="c-empty">Chưa có cửa hàng nào.</p>
          ) : (
            <StoreChecks stores={stores} value={storeIds} onChange={setStoreIds} testIdPrefix="staff-store-" />
          )}
        </fieldset>
        <ErrorBox
          error={save.error}
          testId="staff-error"
          fields={{ memberCode: BY_LABEL.memberCode, zaloId: BY_LABEL.zaloId, zaloOaId: BY_LABEL.zaloOaId, storeIds: "Làm việc tại" }}
        />
        {granted && (
          <p className="r-done" data-testid="staff-granted">
            Đã cấp quyền nhân viên cho <strong>{granted.name}</strong>.
          </p>
        )}
        <button className="c-btn c-btn-primary" disabled={save.busy || storeIds.length === 0} data-testid="staff-submit">
          <UserPlus size={16} /> {save.busy ? "Đang cấp…" : "Cấp quyền"}
        </button>
      </form>
    </Card>
  );
}
