import { Plus, Trash2 } from "lucide-react";
import type { AutomationCondition, AutomationWhatIf, AutomationWhatIfInput, ConditionOp, ConditionVarKind } from "@mc/shared";
import { fmtNumber } from "@mc/web/format";
import { api } from "../api";
import type { Store } from "../types";
import { ErrorBox, NumInput, useLoad } from "../ui";
import { useDebounced } from "../use-debounced";

/** The facts a rule may read, in the shop's words. */
const FACT_LABEL: Record<string, string> = {
  order_total: "Tổng tiền đơn (đ)",
  store: "Cửa hàng",
  channel: "Hình thức nhận",
  points_earned: "Điểm được cộng",
  points_lapsing: "Số điểm sắp hết hạn",
};
const NUMBER_OPS: Record<ConditionOp, string> = { gte: "≥", lte: "≤", eq: "=", neq: "≠" };
const TEXT_OPS: Partial<Record<ConditionOp, string>> = { eq: "là", neq: "không là" };
const ENUM_LABEL: Record<string, string> = { pickup: "Mang đi / nhận tại quầy", table: "Tại bàn" };

function fresh(v: string, kind: ConditionVarKind, stores: Store[]): AutomationCondition {
  if (kind.type === "number") return { var: v, op: "gte", value: kind.unit === "vnd" ? 200_000 : 100 };
  return { var: v, op: "eq", value: kind.type === "enum" ? kind.values[0]! : (stores[0]?.id ?? "") };
}

/** Rules on the event (all must hold): fact, comparison, value; "Thêm điều kiện" adds one. */
export function ConditionsEditor({
  vars,
  value,
  onChange,
}: {
  vars: Record<string, ConditionVarKind>;
  value: AutomationCondition[];
  onChange: (v: AutomationCondition[]) => void;
}) {
  const stores = useLoad(() => api.get<{ stores: Store[] }>("/api/admin/stores").catch(() => ({ stores: [] as Store[] })));
  const list = stores.data?.stores ?? [];
  const names = Object.keys(vars);
  if (names.length === 0) return <p className="c-small c-muted">Sự kiện này không có điều kiện riêng; dùng phân khúc ở trên.</p>;
  const set = (i: number, c: AutomationCondition) => onChange(value.map((x, j) => (j === i ? c : x)));
  return (
    <div className="c-auto-conditions" data-testid="automation-conditions">
      {value.map((c, i) => {
        const kind = vars[c.var];
        const ops = kind?.type === "number" ? NUMBER_OPS : TEXT_OPS;
        return (
          <div className="c-auto-condition" key={i} data-testid={`automation-condition-${i}`}>
            <select
              className="c-input"
              aria-label="Dữ liệu của sự kiện"
              value={c.var}
              onChange={(e) => set(i, fresh(e.target.value, vars[e.target.value]!, list))}
              data-testid={`condition-var-${i}`}
            >
              {names.map((n) => (
                <option key={n} value={n}>
                  {FACT_LABEL[n] ?? n}
                </option>
              ))}
              {!kind && <option value={c.var}>{c.var} (không dùng được)</option>}
            </select>
            <select
              className="c-input c-auto-op"
              aria-label="So sánh"
              value={c.op}
              onChange={(e) => set(i, { ...c, op: e.target.value as ConditionOp })}
              data-testid={`condition-op-${i}`}
            >
              {Object.entries(ops).map(([op, label]) => (
                <option key={op} value={op}>
                  {label}
                </option>
              ))}
            </select>
            {kind?.type === "number" ? (
              <NumInput
                label="Giá trị"
                value={typeof c.value === "number" ? c.value : null}
                min={0}
                step={kind.unit === "vnd" ? 1000 : 1}
                onChange={(v) => set(i, { ...c, value: v ?? 0 })}
                testId={`condition-value-${i}`}
              />
            ) : (
              <select
                className="c-input"
                aria-label="Giá trị"
                value={String(c.value)}
                onChange={(e) => set(i, { ...c, value: e.target.value })}
                data-testid={`condition-value-${i}`}
              >
                {(kind?.type === "enum" ? kind.values.map((v) => ({ id: v, name: ENUM_LABEL[v] ?? v })) : list).map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
                {kind?.type === "store" && !list.some((s) => s.id === c.value) && <option value={String(c.value)}>(cửa hàng không còn)</option>}
              </select>
            )}
            <button
              type="button"
              className="c-btn c-btn-ghost"
              aria-label="Bỏ điều kiện"
              onClick={() => onChange(value.filter((_, j) => j !== i))}
              data-testid={`condition-remove-${i}`}
            >
              <Trash2 size={16} />
            </button>
          </div>
        );
      })}
      {value.length < 10 && (
        <button type="button" className="c-btn" onClick={() => onChange([...value, fresh(names[0]!, vars[names[0]!]!, list)])} data-testid="condition-add">
          <Plus size={16} /> Thêm điều kiện
        </button>
      )}
    </div>
  );
}

const BASIS_NOTE: Record<AutomationWhatIf["basis"], string | null> = {
  history: null,
  points_lots: "Ước tính từ ngày hết hạn của các lần cộng điểm (chưa trừ điểm khách đã dùng).",
  voucher_expiry: "Ước tính từ ngày hết hạn của voucher chưa dùng lúc đó.",
  runs: "Ước tính từ các lần tự động hoá này đã được kích hoạt.",
};

/** "Trong 30 ngày qua, tự động này sẽ gửi tới N người", for the draft as it is edited (asked 600 ms after the last change). */
export function WhatIfCard({ id, draft }: { id: string; draft: AutomationWhatIfInput }) {
  const key = useDebounced(JSON.stringify(draft), 600);
  const r = useLoad(
    () => api.post<{ whatIf: AutomationWhatIf }>(`/api/admin/automations/${encodeURIComponent(id)}/what-if`, JSON.parse(key) as AutomationWhatIfInput),
    [id, key],
  );
  const w = r.data?.whatIf;
  const note = w ? BASIS_NOTE[w.basis] : null;
  return (
    <div data-testid="automation-what-if" data-loading={r.loading ? "1" : "0"} className="c-auto-whatif">
      <ErrorBox error={r.error} testId="automation-what-if-error" />
      {w && (
        <>
          <p>
            Trong {w.days} ngày qua, tự động này sẽ gửi tới <strong data-testid="what-if-people">{fmtNumber(w.people)}</strong> người
            {w.occurrences > w.people && <span className="c-muted"> ({fmtNumber(w.occurrences)} lần)</span>}.
          </p>
          <p className="c-small c-muted" data-testid="what-if-note">
            {w.exact ? "Tính đúng theo lịch sử sự kiện." : note}
            {w.segmentNow && " Phân khúc tính theo thành viên hiện tại."} Chưa trừ các tin quy tắc gửi sẽ chặn (giờ yên lặng, giới hạn, khách đã bỏ quan tâm).
          </p>
        </>
      )}
    </div>
  );
}
