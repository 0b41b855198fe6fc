import { useState, type FormEvent } from "react";
import { KeyRound, Pencil, Plus, Power, X } from "lucide-react";
import type { Operator, OperatorRole } from "@mc/shared";
import { api } from "../api";
import { fmtDateTime } from "@mc/web/format";
import { ROLE_LABEL } from "../labels";
import type { Store } from "../types";
import { Badge, Card, ErrorBox, Field, NotFound, Spinner, useAction, useLoad } from "../ui";
import { go } from "../routing";
import "./roles.css";
import { StoreChecks } from "../components/store-checks";

const ROLES: OperatorRole[] = ["owner", "marketer", "store_manager"];
/** The form's names for the fields a refusal names. */
const FIELDS: Record<string, string> = { email: "Email đăng nhập", name: "Tên hiển thị", role: "Vai trò", storeIds: "Cửa hàng quản lý", password: "Mật khẩu" };
const ROLE_HINT: Record<OperatorRole, string> = {
  owner: "Toàn quyền: tài khoản, nhân viên, cửa hàng, tích điểm, nhật ký.",
  marketer: "Khách hàng, phân khúc, gửi tin, mẫu ZNS, voucher, trò chơi, tổng quan.",
  store_manager: "Chỉ cửa hàng được giao: nhân viên, quầy, đơn, mã QR trò chơi.",
};

/** Console accounts (owners only): who may sign in, with which role and, for a store manager, which stores. */
/** #/accounts, and #/accounts/<id>: that account's form open (a link to it, kept on reload). */
export function AccountsPage({ id }: { id?: string }) {
  const data = useLoad(async () => {
    const [o, s] = await Promise.all([api.get<{ operators: Operator[] }>("/api/admin/operators"), api.get<{ stores: Store[] }>("/api/admin/stores")]);
    return { operators: o.operators, stores: s.stores };
  });
  const [composing, setComposing] = useState(false);
  const editing = id ?? null;
  const setEditing = (next: string | null) => go(next ? `accounts/${encodeURIComponent(next)}` : "accounts");
  const edited = editing ? data.data?.operators.find((o) => o.id === editing) : undefined;
  const [resetting, setResetting] = useState<string | null>(null);
  const act = useAction();
  const storeName = (id: string) => data.data?.stores.find((s) => s.id === id)?.name ?? id;
  const toggle = async (o: Operator) => {
    const r = await act.run(() => api.post<Operator>(`/api/admin/operators/${o.id}/${o.active ? "deactivate" : "reactivate"}`));
    if (r) void data.reload();
  };

  return (
    <div className="c-page" data-testid="accounts-page">
      <div className="c-page-head">
        <div>
          <h1>Tài khoản quản trị</h1>
          <p className="c-muted">Ai được đăng nhập trang quản trị, với vai trò nào. Mỗi thay đổi đều được ghi vào nhật ký.</p>
        </div>
        {!composing && (
          <button className="c-btn c-btn-primary" onClick={() => setComposing(true)} data-testid="account-new">
            <Plus size={16} /> Thêm tài khoản
          </button>
        )}
      </div>
      {composing && data.data && (
        <AccountForm
          stores={data.data.stores}
          onCancel={() => setComposing(false)}
          onDone={() => {
            setComposing(false);
            void data.reload();
          }}
        />
      )}
      <ErrorBox error={data.error} />
      <ErrorBox error={act.error} testId="account-action-error" />
      <Card title="Tài khoản">
        {data.loading && !data.data ? (
          <Spinner />
        ) : !data.data?.operators.length ? (
          <p className="c-empty">Chưa có tài khoản nào.</p>
        ) : (
          <table className="c-table r-cards" data-testid="accounts-table">
            <thead>
              <tr>
                <th>Tên</th>
                <th>Email</th>
                <th>Vai trò</th>
                <th>Cửa hàng</th>
                <th>Trạng thái</th>
                <th aria-label="Thao tác" />
              </tr>
            </thead>
            <tbody>
              {data.data.operators.map((o) => (
                <tr key={o.id} data-testid={`account-${o.email}`}>
                  <td data-label="Tên">
                    <strong>{o.name || "—"}</strong>
                    <div className="c-small c-muted">Tạo {fmtDateTime(o.createdAt)}</div>
                  </td>
                  <td data-label="Email">{o.email}</td>
                  <td data-label="Vai trò">
                    <Badge tone={o.role === "owner" ? "info" : "muted"} testId={`account-role-${o.email}`}>
                      {ROLE_LABEL[o.role]}
                    </Badge>
                  </td>
                  <td data-label="Cửa hàng">{o.role === "store_manager" ? o.storeIds.map(storeName).join(", ") : "Mọi cửa hàng"}</td>
                  <td data-label="Trạng thái">
                    <Badge tone={o.active ? "ok" : "bad"}>{o.active ? "Đang dùng" : "Đã tạm ngưng"}</Badge>
                  </td>
                  <td>
                    <div className="r-actions">
                      <button className="c-btn c-btn-sm" onClick={() => setEditing(editing === o.id ? null : o.id)} data-testid={`account-edit-${o.email}`}>
                        <Pencil size={14} /> Sửa
                      </button>
                      <button
                        className="c-btn c-btn-sm"
                        onClick={() => setResetting(resetting === o.id ? null : o.id)}
                        data-testid={`account-password-${o.email}`}
                      >
                        <KeyRound size={14} /> Đặt mật khẩu
                      </button>
                      <button className="c-btn c-btn-sm" disabled={act.busy} onClick={() => void toggle(o)} data-testid={`account-toggle-${o.email}`}>
                        <Power size={14} /> {o.active ? "Tạm ngưng" : "Mở lại"}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {editing && data.data && !edited && <NotFound what="tài khoản" back={{ href: "#/accounts", label: "Về danh sách tài khoản" }} />}
      {edited && data.data && (
        <AccountForm
          key={edited.id}
          stores={data.data.stores}
          operator={edited}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            void data.reload();
          }}
        />
      )}
      {resetting && data.data && (
        <PasswordForm
          key={resetting}
          operator={data.data.operators.find((o) => o.id === resetting)!}
          onDone={() => {
            setResetting(null);
            void data.reload();
          }}
        />
      )}
    </div>
  );
}

/** A new account (with its first password), or an existing one's name, role and stores. */
function AccountForm({ stores, operator, onDone, onCancel }: { stores: Store[]; operator?: Operator; onDone: () => void; onCancel: () => void }) {
  const [email, setEmail] = useState(operator?.email ?? "");
  const [name, setName] = useState(operator?.name ?? "");
  const [role, setRole] = useState<OperatorRole>(operator?.role ?? "marketer");
  const [storeIds, setStoreIds] = useState<string[]>(operator?.storeIds ?? []);
  const [password, setPassword] = useState("");
  const save = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name: name.trim(), role, storeIds: role === "store_manager" ? storeIds : [] };
    const r = await save.run(() =>
      operator
        ? api.put<Operator>(`/api/admin/operators/${operator.id}`, body)
        : api.post<Operator>("/api/admin/operators", { ...body, email: email.trim(), password }),
    );
    if (r) onDone();
  };
  return (
    <Card
      title={operator ? `Sửa tài khoản ${operator.email}` : "Tài khoản mới"}
      testId="account-form"
      actions={
        <button type="button" className="c-btn c-btn-ghost c-btn-sm" onClick={onCancel} aria-label="Đóng">
          <X size={16} />
        </button>
      }
    >
      <form onSubmit={submit}>
        <div className="c-fields">
          {!operator && (
            <Field label="Email đăng nhập">
              <input className="c-input" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="account-email" />
            </Field>
          )}
          <Field label="Tên hiển thị">
            <input className="c-input" required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} data-testid="account-name" />
          </Field>
          <Field label="Vai trò" hint={ROLE_HINT[role]}>
            <select className="c-input" value={role} onChange={(e) => setRole(e.target.value as OperatorRole)} data-testid="account-role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </select>
          </Field>
          {!operator && (
            <Field label="Mật khẩu ban đầu" hint="Ít nhất 10 ký tự; người dùng nên tự đổi sau khi đăng nhập.">
              <NewPassword value={password} onChange={setPassword} testId="account-password" />
            </Field>
          )}
        </div>
        {role === "store_manager" && (
          <fieldset className="r-fieldset">
            <legend className="c-label">Cửa hàng quản lý</legend>
            <StoreChecks stores={stores} value={storeIds} onChange={setStoreIds} testIdPrefix="account-store-" />
          </fieldset>
        )}
        <ErrorBox error={save.error} testId="account-error" fields={FIELDS} />
        <div className="c-row">
          <button className="c-btn c-btn-primary" disabled={save.busy} data-testid="account-save">
            {save.busy ? "Đang lưu…" : operator ? "Lưu thay đổi" : "Tạo tài khoản"}
          </button>
        </div>
      </form>
    </Card>
  );
}

function PasswordForm({ operator, onDone }: { operator: Operator; onDone: () => void }) {
  const [password, setPassword] = useState("");
  const save = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save.run(() => api.post<Operator>(`/api/admin/operators/${operator.id}/password`, { password }))) onDone();
  };
  return (
    <Card title={`Đặt mật khẩu mới cho ${operator.email}`} testId="password-form">
      <form onSubmit={submit}>
        <p className="c-muted c-small">Mọi phiên đăng nhập hiện có của tài khoản này sẽ kết thúc.</p>
        <Field label="Mật khẩu mới" hint="Ít nhất 10 ký tự.">
          <NewPassword value={password} onChange={setPassword} testId="password-new" />
        </Field>
        <ErrorBox error={save.error} fields={FIELDS} />
        <button className="c-btn c-btn-primary" disabled={save.busy} data-testid="password-save">
          Đặt mật khẩu
        </button>
      </form>
    </Card>
  );
}

/** A new password (the server's rule: at least 10 characters). */
function NewPassword({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <input
      className="c-input"
      type="password"
      autoComplete="new-password"
      required
      minLength={10}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      data-testid={testId}
    />
  );
}
