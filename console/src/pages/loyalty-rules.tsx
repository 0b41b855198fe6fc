import { useEffect, useState } from "react";
import { Plus, Save, Trash2 } from "lucide-react";
import type { LoyaltyRules, RulesChange, Tier } from "@mc/shared";
import { api } from "../api";
import { fmtDateTime, fmtNumber } from "@mc/web/format";
import { Card, ErrorBox, Field, NumInput, Spinner, useAction, useLoad } from "../ui";
import "./roles.css";

type Version = { version: number; changedBy: string; changedByName: string | null; createdAt: number; rules: LoyaltyRules; changes: RulesChange[] };
type RulesView = { version: number; rules: LoyaltyRules; history: Version[] };

const FIELD_LABEL: Record<string, string> = {
  vndPerPoint: "Số tiền cho 1 điểm",
  tierWindowDays: "Xét hạng theo điểm tích trong (ngày)",
  pointsValidDays: "Điểm hết hạn sau (ngày)",
  expiringSoonDays: "Báo sắp hết hạn trước (ngày)",
  name: "tên",
  threshold: "mốc điểm",
  multiplier: "hệ số",
};

/** The form's names for the fields a refusal names (`tiers.1.threshold`: the second tier's). */
const FIELDS: Record<string, string> = {
  vndPerPoint: "Số tiền cho 1 điểm",
  tierWindowDays: "Xét hạng theo điểm tích trong",
  pointsValidDays: "Điểm hết hạn sau",
  expiringSoonDays: "Báo sắp hết hạn trước",
  tiers: "Hạng thành viên",
  "tiers.*.key": "Mã hạng",
  "tiers.*.name": "Tên hạng",
  "tiers.*.threshold": "Mốc điểm của hạng",
  "tiers.*.multiplier": "Hệ số của hạng",
};

/** "tiers.silver.threshold" → "Hạng silver: mốc điểm". */
function changeLabel(path: string): string {
  const [head, key, field] = path.split(".");
  if (head !== "tiers") return FIELD_LABEL[path] ?? path;
  return field ? `Hạng ${key}: ${FIELD_LABEL[field] ?? field}` : `Hạng ${key}`;
}
const show = (v: unknown) =>
  v === null || v === undefined ? "—" : typeof v === "number" ? fmtNumber(v) : typeof v === "object" ? ((v as Tier).name ?? JSON.stringify(v)) : String(v);

/** The earning rule, tiers and expiry (owners), with every saved version: who changed what, when. */
export function LoyaltyRulesPage() {
  const data = useLoad(() => api.get<RulesView>("/api/admin/loyalty/rules"));
  const [rules, setRules] = useState<LoyaltyRules | null>(null);
  const [saved, setSaved] = useState<{ version: number; changes: RulesChange[] } | null>(null);
  const save = useAction();
  useEffect(() => {
    if (data.data && !rules) setRules(structuredClone(data.data.rules));
  }, [data.data, rules]);
  const set = (patch: Partial<LoyaltyRules>) => setRules((r) => (r ? { ...r, ...patch } : r));
  const setTier = (i: number, patch: Partial<Tier>) => set({ tiers: rules!.tiers.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
  const submit = async () => {
    setSaved(null);
    const r = await save.run(() => api.put<{ version: number; rules: LoyaltyRules; changes: RulesChange[] }>("/api/admin/loyalty/rules", rules));
    if (r) {
      setSaved({ version: r.version, changes: r.changes });
      setRules(structuredClone(r.rules));
      void data.reload();
    }
  };

  return (
    <div className="c-page" data-testid="loyalty-page">
      <div className="c-page-head">
        <div>
          <h1>Tích điểm & hạng thành viên</h1>
          <p className="c-muted">Mỗi lần lưu là một phiên bản mới, ghi rõ ai đổi gì, lúc nào. Quy tắc được kiểm tra toàn bộ: sai một chỗ thì không lưu gì.</p>
        </div>
      </div>
      <ErrorBox error={data.error} />
      {!rules ? (
        data.loading && <Spinner />
      ) : (
        <Card title={`Quy tắc đang áp dụng · ${data.data?.version ? `phiên bản ${data.data.version}` : "mặc định"}`} testId="loyalty-form">
          <div className="c-fields">
            <Field label="Số tiền cho 1 điểm (₫)" hint="Trước khi nhân hệ số hạng.">
              <NumInput value={rules.vndPerPoint} min={100} onChange={(v) => set({ vndPerPoint: v ?? 0 })} testId="loyalty-vnd-per-point" />
            </Field>
            <Field label="Điểm hết hạn sau (ngày)">
              <NumInput value={rules.pointsValidDays} min={30} onChange={(v) => set({ pointsValidDays: v ?? 0 })} testId="loyalty-valid-days" />
            </Field>
            <Field label="Xét hạng theo điểm tích trong (ngày)">
              <NumInput value={rules.tierWindowDays} min={30} onChange={(v) => set({ tierWindowDays: v ?? 0 })} testId="loyalty-window-days" />
            </Field>
            <Field label="Báo sắp hết hạn trước (ngày)">
              <NumInput value={rules.expiringSoonDays} min={1} onChange={(v) => set({ expiringSoonDays: v ?? 0 })} testId="loyalty-soon-days" />
            </Field>
          </div>
          <h3 className="r-subhead">Hạng thành viên</h3>
          <table className="c-table c-table-form r-cards">
            <thead>
              <tr>
                <th>Mã</th>
                <th>Tên hạng</th>
                <th className="c-num-col">Từ (điểm)</th>
                <th className="c-num-col">Hệ số</th>
                <th aria-label="Xoá" />
              </tr>
            </thead>
            <tbody>
              {rules.tiers.map((t, i) => (
                <tr key={i}>
                  <td data-label="Mã">
                    <input
                      className="c-input"
                      aria-label={`Mã hạng ${i + 1}`}
                      value={t.key}
                      maxLength={20}
                      onChange={(e) => setTier(i, { key: e.target.value })}
                    />
                  </td>
                  <td data-label="Tên hạng">
                    <input
                      className="c-input"
                      aria-label={`Tên hạng ${i + 1}`}
                      value={t.name}
                      maxLength={40}
                      onChange={(e) => setTier(i, { name: e.target.value })}
                    />
                  </td>
                  <td data-label="Từ (điểm)" className="c-num-col">
                    <NumInput
                      label={`Từ (điểm), hạng ${i + 1}`}
                      value={t.threshold}
                      min={0}
                      onChange={(v) => setTier(i, { threshold: v ?? 0 })}
                      testId={`loyalty-tier-threshold-${i}`}
                    />
                  </td>
                  <td data-label="Hệ số" className="c-num-col">
                    <NumInput
                      label={`Hệ số, hạng ${i + 1}`}
                      value={t.multiplier}
                      min={1}
                      max={10}
                      step={0.05}
                      onChange={(v) => setTier(i, { multiplier: v ?? 1 })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="c-btn c-btn-icon"
                      aria-label={`Xoá hạng ${t.name}`}
                      disabled={rules.tiers.length <= 1}
                      onClick={() => set({ tiers: rules.tiers.filter((_, j) => j !== i) })}
                    >
                      <Trash2 size={16} />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="c-btn c-btn-sm"
            onClick={() => {
              const last = rules.tiers.at(-1);
              set({
                tiers: [
                  ...rules.tiers,
                  { key: `tier${rules.tiers.length + 1}`, name: "Hạng mới", threshold: (last?.threshold ?? 0) + 1000, multiplier: last?.multiplier ?? 1 },
                ],
              });
            }}
          >
            <Plus size={14} /> Thêm hạng
          </button>
          <ErrorBox error={save.error} testId="loyalty-error" fields={FIELDS} />
          {saved && (
            <p className="r-done" data-testid="loyalty-saved">
              {saved.changes.length ? `Đã lưu phiên bản ${saved.version}.` : "Không có gì thay đổi."}
            </p>
          )}
          <div className="c-row">
            <button className="c-btn c-btn-primary" disabled={save.busy} onClick={() => void submit()} data-testid="loyalty-save">
              <Save size={16} /> {save.busy ? "Đang lưu…" : "Lưu phiên bản mới"}
            </button>
          </div>
        </Card>
      )}
      <Card title="Lịch sử thay đổi" testId="loyalty-history">
        {data.loading && !data.data ? (
          <Spinner />
        ) : !data.data?.history.length ? (
          <p className="c-empty">Chưa đổi lần nào: đang dùng quy tắc mặc định.</p>
        ) : (
          <ol className="r-history">
            {data.data.history.map((v) => (
              <li key={v.version} data-testid={`loyalty-v${v.version}`}>
                <div>
                  <strong>Phiên bản {v.version}</strong> · {v.changedByName ?? v.changedBy} · <span className="c-muted">{fmtDateTime(v.createdAt)}</span>
                </div>
                <ul>
                  {v.changes.length === 0 ? (
                    <li className="c-muted">Không đổi gì</li>
                  ) : (
                    v.changes.map((c) => (
                      <li key={c.path}>
                        {changeLabel(c.path)}: {show(c.from)} → {show(c.to)}
                      </li>
                    ))
                  )}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}
