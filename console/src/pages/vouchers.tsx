import { useRef, useState, useEffect, type FormEvent, type ReactNode } from "react";
import { Pencil, Plus, Power, Save } from "lucide-react";
import { CampaignInput, type AdminCampaign, type Campaign, type VoucherKind } from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { detailOfIssue, fieldProblems } from "@mc/web/validation-text";
import { api } from "../api";
import type { Store } from "../types";
import { Badge, Card, ErrorBox, NumInput, Spinner, useAction, useLoad } from "../ui";
import { fmtDateTime, fmtNumber, fmtVnd } from "@mc/web/format";
import { StoreChecks } from "../components/store-checks";
import "./vouchers.css";

const KIND_LABEL: Record<VoucherKind, string> = { amount_off: "Giảm tiền", percent_off: "Giảm %", free_item: "Tặng món" };

const describe = (c: Pick<Campaign, "kind" | "value" | "freeItem" | "maxDiscountVnd">) =>
  c.kind === "amount_off"
    ? `Giảm ${fmtVnd(c.value)}`
    : c.kind === "percent_off"
      ? `Giảm ${c.value}%${c.maxDiscountVnd ? ` (tối đa ${fmtVnd(c.maxDiscountVnd)})` : ""}`
      : `Tặng ${c.freeItem ?? "món"}`;

const BLANK: CampaignInput = {
  name: "",
  description: "",
  kind: "amount_off",
  value: 20000,
  maxDiscountVnd: null,
  freeItem: null,
  minSpendVnd: 0,
  stock: null,
  perCustomerLimit: 1,
  validFrom: null,
  validTo: null,
  validDaysAfterClaim: 30,
  costPoints: 0,
  storeIds: [],
  requiresFollow: false,
  listed: true,
  active: true,
};

const draftOf = (c: Campaign): CampaignInput => ({
  name: c.name,
  description: c.description,
  kind: c.kind,
  value: c.value,
  maxDiscountVnd: c.maxDiscountVnd,
  freeItem: c.freeItem,
  minSpendVnd: c.minSpendVnd,
  stock: c.stock,
  perCustomerLimit: c.perCustomerLimit,
  validFrom: c.validFrom,
  validTo: c.validTo,
  validDaysAfterClaim: c.validDaysAfterClaim,
  costPoints: c.costPoints,
  storeIds: c.storeIds,
  requiresFollow: c.requiresFollow,
  listed: c.listed,
  active: c.active,
});

/** Field labels as the form says them, for the server's problems that have no field of their own here. */
const LABELS: Record<string, string> = {
  name: "Tên",
  description: "Mô tả",
  value: "Mức giảm",
  maxDiscountVnd: "Giảm tối đa",
  freeItem: "Món tặng",
  minSpendVnd: "Đơn tối thiểu",
  stock: "Kho",
  perCustomerLimit: "Mỗi khách tối đa",
  validTo: "Chương trình kết thúc lúc",
  validDaysAfterClaim: "Hết hạn sau khi nhận",
  costPoints: "Điểm đổi",
  storeIds: "Áp dụng tại",
};

/** The first problem per field path, in Vietnamese. */
const byField = (problems: { field: string; text: string }[]) => {
  const out = new Map<string, string>();
  for (const p of problems) if (!out.has(p.field)) out.set(p.field, p.text);
  return out;
};
/** The shared schema's own verdict on the draft, worded as the server's would be. */
function problemsOf(d: CampaignInput): Map<string, string> {
  const r = CampaignInput.safeParse(d);
  return r.success ? new Map() : byField(fieldProblems(r.error.issues.map(detailOfIssue)));
}
const serverProblems = (e: unknown) =>
  e instanceof ApiError && e.code === "VALIDATION_FAILED" ? byField(fieldProblems(e.details)) : new Map<string, string>();

/** An ISO instant as the value of a datetime-local input (the browser's own zone), and back. */
const pad = (n: number) => String(n).padStart(2, "0");
const toLocalInput = (iso: string | null) => {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : null);

type Editing = { mode: "new" } | { mode: "edit"; campaign: AdminCampaign } | null;

export function VouchersPage() {
  const list = useLoad(() => api.get<{ campaigns: AdminCampaign[] }>("/api/admin/voucher-campaigns"));
  const [editing, setEditing] = useState<Editing>(null);
  const toggle = useAction();
  const setActive = async (c: AdminCampaign, active: boolean) => {
    if (await toggle.run(() => api.put<Campaign>(`/api/admin/voucher-campaigns/${encodeURIComponent(c.id)}/active`, { active }))) void list.reload();
  };
  return (
    <div className="c-page" data-testid="vouchers-page">
      <div className="c-page-head">
        <div>
          <h1>Voucher</h1>
          <p className="c-muted">Các chương trình voucher: khách đổi điểm hoặc nhận miễn phí trong mini app, hoặc trúng qua trò chơi.</p>
        </div>
        {!editing && (
          <button className="c-btn c-btn-primary" onClick={() => setEditing({ mode: "new" })} data-testid="voucher-new">
            <Plus size={16} /> Tạo chương trình
          </button>
        )}
      </div>
      {editing && (
        <CampaignEditor
          key={editing.mode === "edit" ? editing.campaign.id : "new"}
          campaign={editing.mode === "edit" ? editing.campaign : null}
          onDone={() => {
            setEditing(null);
            void list.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <ErrorBox error={toggle.error} testId="voucher-toggle-error" />
      <Card title="Chương trình">
        <ErrorBox error={list.error} />
        {list.loading && !list.data ? (
          <Spinner />
        ) : !list.data?.campaigns.length ? (
          <p className="c-empty">Chưa có chương trình nào.</p>
        ) : (
          <table className="c-table v-cards" data-testid="voucher-list">
            <thead>
              <tr>
                <th>Tên</th>
                <th>Ưu đãi</th>
                <th className="c-num-col">Đã phát / kho</th>
                <th className="c-num-col">Đã dùng</th>
                <th className="c-num-col">Hết hạn</th>
                <th>Dùng tại</th>
                <th>Trạng thái</th>
                <th aria-label="Thao tác" />
              </tr>
            </thead>
            <tbody>
              {list.data.campaigns.map((c) => (
                <tr key={c.id} data-testid={`voucher-row-${c.id}`} data-active={c.active ? "1" : "0"}>
                  <td data-label="Tên">
                    <strong data-testid="voucher-name">{c.name}</strong>
                    {c.description && <div className="c-small c-muted">{c.description}</div>}
                    <div className="c-small c-muted">
                      {c.validTo ? `đến ${fmtDateTime(c.validTo)}` : ""}
                      {c.validDaysAfterClaim ? `${c.validTo ? " · " : ""}dùng trong ${c.validDaysAfterClaim} ngày sau khi nhận` : ""}
                    </div>
                  </td>
                  <td data-label="Ưu đãi">
                    {describe(c)}
                    {c.minSpendVnd > 0 && <div className="c-small c-muted">Đơn từ {fmtVnd(c.minSpendVnd)}</div>}
                    <div className="c-small c-muted">{c.costPoints ? `${fmtNumber(c.costPoints)} điểm` : "Miễn phí"}</div>
                  </td>
                  <td data-label="Đã phát / kho" className="c-num-col" data-testid="voucher-issued">
                    {fmtNumber(c.stats.issued)} / {c.stock === null ? "∞" : fmtNumber(c.stock)}
                  </td>
                  <td data-label="Đã dùng" className="c-num-col" data-testid="voucher-redeemed">
                    {fmtNumber(c.stats.redeemed)}
                    {c.stats.issued > 0 && <div className="c-small c-muted">{Math.round((c.stats.redeemed / c.stats.issued) * 100)}%</div>}
                  </td>
                  <td data-label="Hết hạn (chưa dùng)" className="c-num-col" data-testid="voucher-expired">
                    {fmtNumber(c.stats.expired)}
                  </td>
                  <td data-label="Dùng tại" data-testid="voucher-by-store">
                    {c.stats.byStore.length === 0 ? (
                      <span className="c-muted c-small">Chưa có lượt dùng</span>
                    ) : (
                      <ul className="v-stores">
                        {c.stats.byStore.map((s) => (
                          <li key={s.storeId} data-testid={`voucher-store-${s.storeId}`}>
                            <span>{s.storeName}</span> <strong>{fmtNumber(s.redeemed)}</strong>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td data-label="Trạng thái">
                    <div className="v-badges">
                      <Badge tone={c.active ? "ok" : "muted"} testId="voucher-state">
                        {c.active ? "Đang chạy" : "Đã tắt"}
                      </Badge>
                      {!c.listed && <Badge tone="info">Chỉ làm giải thưởng</Badge>}
                      {c.requiresFollow && <Badge tone="info">Cần quan tâm OA</Badge>}
                    </div>
                  </td>
                  <td>
                    <div className="v-actions">
                      <button className="c-btn c-btn-sm" onClick={() => setEditing({ mode: "edit", campaign: c })} data-testid="voucher-edit">
                        <Pencil size={14} /> Sửa
                      </button>
                      <button
                        className="c-btn c-btn-sm"
                        disabled={toggle.busy}
                        onClick={() => void setActive(c, !c.active)}
                        data-testid={c.active ? "voucher-deactivate" : "voucher-reactivate"}
                      >
                        <Power size={14} /> {c.active ? "Tắt" : "Bật lại"}
                      </button>
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

function VField(props: { label: string; error?: string | null; testId: string; wide?: boolean; hint?: string; children: ReactNode }) {
  return (
    <label className={`c-field${props.wide ? " c-field-wide" : ""}${props.error ? " v-bad" : ""}`}>
      <span className="c-label">{props.label}</span>
      {props.children}
      {props.hint && <span className="c-hint">{props.hint}</span>}
      {props.error && (
        <span className="v-err" data-testid={`${props.testId}-error`}>
          {props.error}
        </span>
      )}
    </label>
  );
}

/**
 * Creates or edits a campaign. The draft is checked with the shared CampaignInput schema and each problem
 * shows next to its field, in Vietnamese; the save is one request (the server's transaction: all or nothing).
 */
function CampaignEditor({ campaign, onDone, onCancel }: { campaign: AdminCampaign | null; onDone: () => void; onCancel: () => void }) {
  const stores = useLoad(() => api.get<{ stores: Store[] }>("/api/admin/stores"));
  const [c, setC] = useState<CampaignInput>(campaign ? draftOf(campaign) : BLANK);
  const [tried, setTried] = useState(false);
  const save = useAction();
  const ref = useRef<HTMLFormElement>(null);
  // A block body: newer browsers' scrollIntoView returns a promise, which React would take for a cleanup.
  useEffect(() => {
    void ref.current?.scrollIntoView({ block: "start" });
  }, []);
  const set = (patch: Partial<CampaignInput>) => setC((x) => ({ ...x, ...patch }));
  const local = problemsOf(c);
  const problems = tried ? new Map([...serverProblems(save.error), ...local]) : new Map<string, string>();
  const err = (path: string) => problems.get(path) ?? null;
  const known = new Set(Object.keys(LABELS));
  const other = [...problems].filter(([k]) => !known.has(k));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (local.size > 0) return;
    const r = await save.run(() =>
      campaign
        ? api.put<Campaign>(`/api/admin/voucher-campaigns/${encodeURIComponent(campaign.id)}`, c)
        : api.post<Campaign>("/api/admin/voucher-campaigns", c),
    );
    if (r) onDone();
  };
  return (
    <form onSubmit={submit} ref={ref} noValidate>
      <Card title={campaign ? `Sửa chương trình: ${campaign.name}` : "Chương trình mới"} testId="voucher-compose">
        <div className="v-grid">
          <VField label="Tên" wide error={err("name")} testId="voucher-name-input">
            <input className="c-input" value={c.name} onChange={(e) => set({ name: e.target.value })} data-testid="voucher-name-input" />
          </VField>
          <VField label="Loại" testId="voucher-kind">
            <select className="c-input" value={c.kind} onChange={(e) => set({ kind: e.target.value as VoucherKind })} data-testid="voucher-kind">
              {(Object.keys(KIND_LABEL) as VoucherKind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </VField>
          {c.kind === "free_item" ? (
            <VField label="Món tặng" error={err("freeItem")} testId="voucher-free-item">
              <input className="c-input" value={c.freeItem ?? ""} onChange={(e) => set({ freeItem: e.target.value || null })} data-testid="voucher-free-item" />
            </VField>
          ) : (
            <VField label={c.kind === "amount_off" ? "Giảm (₫)" : "Giảm (%)"} error={err("value")} testId="voucher-value">
              <NumInput value={c.value} min={0} onChange={(v) => set({ value: v ?? 0 })} testId="voucher-value" />
            </VField>
          )}
          {c.kind === "percent_off" && (
            <VField label="Giảm tối đa (₫)" error={err("maxDiscountVnd")} testId="voucher-max">
              <NumInput value={c.maxDiscountVnd} min={1} allowEmpty onChange={(v) => set({ maxDiscountVnd: v })} testId="voucher-max" />
            </VField>
          )}
        </div>
        <VField label="Mô tả" wide error={err("description")} testId="voucher-description">
          <input className="c-input" value={c.description} onChange={(e) => set({ description: e.target.value })} data-testid="voucher-description" />
        </VField>
        <div className="v-grid">
          <VField label="Đơn tối thiểu (₫)" error={err("minSpendVnd")} testId="voucher-min-spend">
            <NumInput value={c.minSpendVnd} min={0} onChange={(v) => set({ minSpendVnd: v ?? 0 })} testId="voucher-min-spend" />
          </VField>
          <VField label="Điểm đổi (0 = miễn phí)" error={err("costPoints")} testId="voucher-cost">
            <NumInput value={c.costPoints} min={0} onChange={(v) => set({ costPoints: v ?? 0 })} testId="voucher-cost" />
          </VField>
          <VField label="Kho (trống = không giới hạn)" error={err("stock")} testId="voucher-stock">
            <NumInput value={c.stock} min={0} allowEmpty onChange={(v) => set({ stock: v })} testId="voucher-stock" />
          </VField>
          <VField label="Mỗi khách tối đa" error={err("perCustomerLimit")} testId="voucher-limit">
            <NumInput value={c.perCustomerLimit} min={1} max={100} onChange={(v) => set({ perCustomerLimit: v ?? 1 })} testId="voucher-limit" />
          </VField>
          <VField label="Hết hạn sau khi nhận (ngày)" error={err("validDaysAfterClaim")} testId="voucher-days">
            <NumInput value={c.validDaysAfterClaim} min={1} allowEmpty onChange={(v) => set({ validDaysAfterClaim: v })} testId="voucher-days" />
          </VField>
          <VField label="Chương trình kết thúc lúc" error={err("validTo")} testId="voucher-valid-to">
            <input
              className="c-input"
              type="datetime-local"
              value={toLocalInput(c.validTo)}
              onChange={(e) => set({ validTo: fromLocalInput(e.target.value) })}
              data-testid="voucher-valid-to"
            />
          </VField>
        </div>
        <VField label="Áp dụng tại (để trống = mọi cửa hàng)" wide error={err("storeIds")} testId="voucher-stores">
          <StoreChecks stores={stores.data?.stores ?? []} value={c.storeIds} onChange={(storeIds) => set({ storeIds })} testIdPrefix="voucher-store-check-" />
        </VField>
        <div className="c-row">
          <label className="c-check c-check-inline">
            <input type="checkbox" checked={c.requiresFollow} onChange={(e) => set({ requiresFollow: e.target.checked })} /> Cần quan tâm OA
          </label>
          <label className="c-check c-check-inline">
            <input type="checkbox" checked={c.listed} onChange={(e) => set({ listed: e.target.checked })} data-testid="voucher-listed" /> Hiện trong danh mục
            của khách
          </label>
          <label className="c-check c-check-inline">
            <input type="checkbox" checked={c.active} onChange={(e) => set({ active: e.target.checked })} data-testid="voucher-active" /> Đang chạy
          </label>
        </div>
        {other.length > 0 && (
          <ul className="v-err v-other">
            {other.map(([k, v]) => (
              <li key={k}>{v}</li>
            ))}
          </ul>
        )}
        {tried && local.size > 0 && (
          <p className="v-err" role="alert" data-testid="voucher-problems">
            Còn {local.size} chỗ cần sửa (đánh dấu đỏ).
          </p>
        )}
        {/* Problems the server placed on a field show there; anything else (a conflict, Zalo, the network) here. */}
        <ErrorBox error={save.error && serverProblems(save.error).size === 0 ? save.error : null} testId="voucher-save-error" fields={LABELS} />
        <div className="c-row c-row-end">
          <button type="button" className="c-btn" onClick={onCancel} data-testid="voucher-cancel">
            Huỷ
          </button>
          <button type="submit" className="c-btn c-btn-primary" disabled={save.busy} data-testid="voucher-save">
            <Save size={16} /> {campaign ? "Lưu thay đổi" : "Tạo chương trình"}
          </button>
        </div>
      </Card>
    </form>
  );
}
