import { useState } from "react";
import { Plus, Save } from "lucide-react";
import type { Campaign, CampaignInput, VoucherKind } from "@mc/shared";
import { api } from "../api";
import type { Store } from "../types";
import { Badge, Card, ErrorBox, Field, NumInput, Spinner, useAction, useLoad } from "../ui";
import { fmtDateTime, fmtNumber, fmtVnd } from "@mc/web/format";
import { StoreChecks } from "../components/store-checks";

const KIND_LABEL: Record<VoucherKind, string> = { amount_off: "Giảm tiền", percent_off: "Giảm %", free_item: "Tặng món" };

const describe = (c: Pick<Campaign, "kind" | "value" | "freeItem" | "maxDiscountVnd">) =>
  c.kind === "amount_off"
    ? `Giảm ${fmtVnd(c.value)}`
    : c.kind === "percent_off"
      ? `Giảm ${c.value}%${c.maxDiscountVnd ? ` (tối đa ${fmtVnd(c.maxDiscountVnd)})` : ""}`
      : `Tặng ${c.freeItem ?? "món"}`;

export function VouchersPage() {
  const list = useLoad(() => api.get<{ campaigns: Campaign[] }>("/api/admin/voucher-campaigns"));
  const [composing, setComposing] = useState(false);
  return (
    <div className="c-page" data-testid="vouchers-page">
      <div className="c-page-head">
        <div>
          <h1>Voucher</h1>
          <p className="c-muted">Các chương trình voucher: khách đổi điểm hoặc nhận miễn phí trong mini app, hoặc trúng qua trò chơi.</p>
        </div>
        {!composing && (
          <button className="c-btn c-btn-primary" onClick={() => setComposing(true)} data-testid="voucher-new">
            <Plus size={16} /> Tạo chương trình
          </button>
        )}
      </div>
      {composing && (
        <Compose
          onDone={() => {
            setComposing(false);
            void list.reload();
          }}
          onCancel={() => setComposing(false)}
        />
      )}
      <Card title="Chương trình">
        <ErrorBox error={list.error} />
        {list.loading && !list.data ? (
          <Spinner />
        ) : !list.data?.campaigns.length ? (
          <p className="c-empty">Chưa có chương trình nào.</p>
        ) : (
          <table className="c-table">
            <thead>
              <tr>
                <th>Tên</th>
                <th>Ưu đãi</th>
                <th className="c-num-col">Điểm đổi</th>
                <th className="c-num-col">Đã phát / kho</th>
                <th>Hiệu lực</th>
                <th>Trạng thái</th>
              </tr>
            </thead>
            <tbody>
              {list.data.campaigns.map((c) => (
                <tr key={c.id}>
                  <td>
                    <strong>{c.name}</strong>
                    {c.description && <div className="c-small c-muted">{c.description}</div>}
                  </td>
                  <td>
                    {describe(c)}
                    {c.minSpendVnd > 0 && <div className="c-small c-muted">Đơn từ {fmtVnd(c.minSpendVnd)}</div>}
                  </td>
                  <td className="c-num-col">{c.costPoints ? fmtNumber(c.costPoints) : "Miễn phí"}</td>
                  <td className="c-num-col">
                    {fmtNumber(c.issued)} / {c.stock === null ? "∞" : fmtNumber(c.stock)}
                  </td>
                  <td className="c-small">
                    {c.validTo ? `đến ${fmtDateTime(c.validTo)}` : ""}
                    {c.validDaysAfterClaim ? `${c.validTo ? " · " : ""}${c.validDaysAfterClaim} ngày sau khi nhận` : ""}
                  </td>
                  <td>
                    <Badge tone={c.active ? "ok" : "muted"}>{c.active ? "Đang chạy" : "Tắt"}</Badge>{" "}
                    {!c.listed && <Badge tone="info">Chỉ làm giải thưởng</Badge>}
                    {c.requiresFollow && <Badge tone="info">Cần quan tâm OA</Badge>}
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

function Compose({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const stores = useLoad(() => api.get<{ stores: Store[] }>("/api/admin/stores"));
  const [c, setC] = useState<CampaignInput>({
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
  });
  const save = useAction();
  const set = (patch: Partial<CampaignInput>) => setC((x) => ({ ...x, ...patch }));
  const submit = async () => {
    const r = await save.run(() => api.post<Campaign>("/api/admin/voucher-campaigns", c));
    if (r) onDone();
  };
  return (
    <Card title="Chương trình mới" testId="voucher-compose">
      <div className="c-row">
        <Field label="Tên" wide>
          <input className="c-input" value={c.name} maxLength={80} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field label="Loại">
          <select className="c-input" value={c.kind} onChange={(e) => set({ kind: e.target.value as VoucherKind })}>
            {(Object.keys(KIND_LABEL) as VoucherKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </Field>
        {c.kind === "free_item" ? (
          <Field label="Món tặng">
            <input className="c-input" value={c.freeItem ?? ""} onChange={(e) => set({ freeItem: e.target.value || null })} />
          </Field>
        ) : (
          <Field label={c.kind === "amount_off" ? "Giảm (₫)" : "Giảm (%)"}>
            <NumInput value={c.value} min={0} onChange={(v) => set({ value: v ?? 0 })} />
          </Field>
        )}
        {c.kind === "percent_off" && (
          <Field label="Giảm tối đa (₫)">
            <NumInput value={c.maxDiscountVnd} min={1} allowEmpty onChange={(v) => set({ maxDiscountVnd: v })} />
          </Field>
        )}
      </div>
      <Field label="Mô tả" wide>
        <input className="c-input" value={c.description} maxLength={400} onChange={(e) => set({ description: e.target.value })} />
      </Field>
      <div className="c-row">
        <Field label="Đơn tối thiểu (₫)">
          <NumInput value={c.minSpendVnd} min={0} onChange={(v) => set({ minSpendVnd: v ?? 0 })} />
        </Field>
        <Field label="Điểm đổi (0 = miễn phí)">
          <NumInput value={c.costPoints} min={0} onChange={(v) => set({ costPoints: v ?? 0 })} />
        </Field>
        <Field label="Kho (trống = không giới hạn)">
          <NumInput value={c.stock} min={0} allowEmpty onChange={(v) => set({ stock: v })} />
        </Field>
        <Field label="Mỗi khách tối đa">
          <NumInput value={c.perCustomerLimit} min={1} max={100} onChange={(v) => set({ perCustomerLimit: v ?? 1 })} />
        </Field>
      </div>
      <div className="c-row">
        <Field label="Hết hạn sau khi nhận (ngày)">
          <NumInput value={c.validDaysAfterClaim} min={1} allowEmpty onChange={(v) => set({ validDaysAfterClaim: v })} />
        </Field>
        <Field label="Chương trình kết thúc lúc">
          <input className="c-input" type="datetime-local" onChange={(e) => set({ validTo: e.target.value ? new Date(e.target.value).toISOString() : null })} />
        </Field>
      </div>
      <Field label="Áp dụng tại (để trống = mọi cửa hàng)" wide>
        <StoreChecks stores={stores.data?.stores ?? []} value={c.storeIds} onChange={(storeIds) => set({ storeIds })} />
      </Field>
      <div className="c-row">
        <label className="c-check c-check-inline">
          <input type="checkbox" checked={c.requiresFollow} onChange={(e) => set({ requiresFollow: e.target.checked })} /> Cần quan tâm OA
        </label>
        <label className="c-check c-check-inline">
          <input type="checkbox" checked={c.listed} onChange={(e) => set({ listed: e.target.checked })} /> Hiện trong danh mục của khách
        </label>
        <label className="c-check c-check-inline">
          <input type="checkbox" checked={c.active} onChange={(e) => set({ active: e.target.checked })} /> Đang chạy
        </label>
      </div>
      <ErrorBox error={save.error} />
      <div className="c-row c-row-end">
        <button className="c-btn" onClick={onCancel}>
          Huỷ
        </button>
        <button className="c-btn c-btn-primary" disabled={save.busy || c.name.trim().length < 2} onClick={submit}>
          <Save size={16} /> Tạo chương trình
        </button>
      </div>
    </Card>
  );
}
