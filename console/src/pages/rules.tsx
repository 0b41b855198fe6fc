import { useEffect, useState } from "react";
import { FlaskConical, Plus, Save, Trash2 } from "lucide-react";
import type { CapRule, WarmingRules } from "@mc/shared";
import { api, session } from "../api";
import { CATEGORY_LABEL, CHANNEL_LABEL, reasonLabel } from "../labels";
import { Card, ErrorBox, Field, NumInput, Spinner, useAction, useLoad } from "../ui";
import { fmtDateTime, fmtNumber } from "@mc/web/format";

type HistoryRow = { version: number; changedBy: string; note: string | null; createdAt: string; rules: WarmingRules };
type RulesView = { version: number; rules: WarmingRules; history: HistoryRow[] };
export type WhatIf = {
  messages: number;
  current: { send: number; notSent: number };
  draft: { send: number; hold: number; suppress: number; expire: number };
  reasons: Record<string, number>;
  becameBlocked: number;
  becameSent: number;
  note: string;
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Light checks before the server's own (which also knows e.g. quiet hours vs. promotion hours). */
function localProblems(r: WarmingRules): string[] {
  const out: string[] = [];
  r.caps.forEach((c, i) => {
    if (!Number.isInteger(c.max) || c.max < 1) out.push(`Giới hạn #${i + 1}: số tin tối đa phải ≥ 1`);
    if (!Number.isInteger(c.windowHours) || c.windowHours < 1) out.push(`Giới hạn #${i + 1}: khoảng thời gian phải ≥ 1 giờ`);
  });
  if (r.quietHours) {
    if (!HHMM.test(r.quietHours.start) || !HHMM.test(r.quietHours.end)) out.push("Giờ yên lặng: dùng dạng HH:MM");
    else if (r.quietHours.start === r.quietHours.end) out.push("Giờ yên lặng: giờ bắt đầu và kết thúc không được trùng nhau");
  }
  const p = r.zalo.promotionHours;
  if (!HHMM.test(p.start) || !HHMM.test(p.end)) out.push("Giờ khuyến mãi của Zalo: dùng dạng HH:MM");
  if (!r.welcomeText.trim()) out.push("Lời chào không được để trống");
  if (r.floor.enabled && r.floor.silentDays < 1) out.push("Giữ ấm: số ngày im lặng phải ≥ 1");
  return out;
}

/** "admin:<id>" → the signed-in admin's email when it is them. */
function who(changedBy: string) {
  const me = session.admin();
  return me && changedBy.endsWith(`:${me.id}`) ? me.email : changedBy;
}

const clone = <T,>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** The form's names for the fields a refused save points at (`{ rules, note }`). */
const RULE_FIELDS: Record<string, string> = {
  "rules.quietHours": "Giờ yên lặng",
  "rules.quietHours.start": "Giờ yên lặng: từ",
  "rules.quietHours.end": "Giờ yên lặng: đến",
  "rules.timeZone": "Múi giờ",
  "rules.caps": "Giới hạn tần suất",
  "rules.caps.*.max": "Giới hạn tần suất: số tin tối đa",
  "rules.caps.*.windowHours": "Giới hạn tần suất: trong mỗi (giờ)",
  "rules.floor.silentDays": "Im lặng bao nhiêu ngày",
  "rules.floor.templateId": "Mẫu ZNS giữ ấm",
  "rules.welcomeText": "Lời chào khi khách quan tâm OA",
  "rules.fatigue.unfollowWithinHours": "Bỏ quan tâm trong vòng (giờ)",
  "rules.fatigue.tightenForDays": "Siết trong (ngày)",
  "rules.fatigue.maxPromotions": "Tối đa khuyến mãi",
  "rules.fatigue.windowHours": "Trong mỗi (giờ)",
  "rules.zalo.csWindowDays": "Cửa sổ tin tư vấn (ngày)",
  "rules.zalo.csFreeHours": "Miễn phí trong (giờ)",
  "rules.zalo.promotionHours": "Giờ gửi khuyến mãi",
  "rules.zalo.znsPromotionPerUserPerDay": "ZNS khuyến mãi / người / ngày",
  "rules.zalo.znsPromotionPerUserPerMonth": "ZNS khuyến mãi / người / tháng",
  note: "Ghi chú thay đổi",
};

export function RulesPage() {
  const { data, error, loading, reload } = useLoad(() => api.get<RulesView>("/api/admin/warming-rules"));
  const [draft, setDraft] = useState<WarmingRules | null>(null);
  const [note, setNote] = useState("");
  const [saved, setSaved] = useState<number | null>(null);
  const [whatIf, setWhatIf] = useState<WhatIf | null>(null);
  const save = useAction();
  const sim = useAction();

  useEffect(() => {
    if (data && !draft) setDraft(clone(data.rules));
  }, [data, draft]);

  if (!draft) return <div className="c-page">{error ? <ErrorBox error={error} /> : <Spinner />}</div>;

  const set = (fn: (r: WarmingRules) => void) =>
    setDraft((d) => {
      const n = clone(d!);
      fn(n);
      return n;
    });
  const setCap = (i: number, patch: Partial<CapRule>) => set((r) => void Object.assign(r.caps[i]!, patch));
  const dirty = data ? JSON.stringify(data.rules) !== JSON.stringify(draft) : false;
  const problems = localProblems(draft);

  const onSave = async () => {
    if (problems.length) return;
    const r = await save.run(() =>
      api.put<{ version: number; rules: WarmingRules }>("/api/admin/warming-rules", { rules: draft, note: note.trim() || undefined }),
    );
    if (r) {
      setSaved(r.version);
      setNote("");
      setDraft(clone(r.rules));
      await reload();
    }
  };
  const onWhatIf = async () => {
    const r = await sim.run(() => api.post<WhatIf>("/api/admin/warming-rules/what-if", { rules: draft }));
    if (r) setWhatIf(r);
  };

  return (
    <div className="c-page" data-testid="rules-page">
      <div className="c-page-head">
        <div>
          <h1>Quy tắc chăm sóc</h1>
          <p className="c-muted">
            Mọi tin nhắn đều đi qua cùng một bộ quy tắc: sự đồng ý của khách → quy định của Zalo → lựa chọn của khách → giờ yên lặng → giới hạn tần suất → giảm
            tần suất khi khách bỏ quan tâm.
          </p>
        </div>
        <div className="c-version" data-testid="rules-version">
          Phiên bản đang áp dụng: <strong>{data?.version ? `v${data.version}` : "mặc định (v0)"}</strong>
        </div>
      </div>

      <div className="c-grid-2">
        <Card
          title="Giới hạn tần suất"
          testId="caps-card"
          actions={
            <button
              className="c-btn c-btn-sm"
              data-testid="cap-add"
              disabled={draft.caps.length >= 20}
              onClick={() => set((r) => void r.caps.push({ category: "promotion", channel: "any", max: 1, windowHours: 24 }))}
            >
              <Plus size={16} /> Thêm giới hạn
            </button>
          }
        >
          {draft.caps.length === 0 ? (
            <p className="c-empty" data-testid="caps-empty">
              Không có giới hạn tần suất: cửa hàng không chặn thêm tin nào (các quy tắc khác vẫn áp dụng).
            </p>
          ) : (
            <table className="c-table c-table-form c-table-cards">
              <thead>
                <tr>
                  <th>Loại tin</th>
                  <th>Kênh</th>
                  <th className="c-shrink">Tối đa</th>
                  <th className="c-shrink">Trong (giờ)</th>
                  <th className="c-shrink" />
                </tr>
              </thead>
              <tbody>
                {draft.caps.map((c, i) => (
                  <tr key={i} data-testid={`cap-row-${i}`}>
                    <td data-label="Loại tin">
                      <select
                        className="c-input"
                        aria-label="Loại tin"
                        value={c.category}
                        onChange={(e) => setCap(i, { category: e.target.value as CapRule["category"] })}
                        data-testid={`cap-category-${i}`}
                      >
                        {(["care", "promotion", "any"] as const).map((k) => (
                          <option key={k} value={k}>
                            {CATEGORY_LABEL[k]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-label="Kênh">
                      <select
                        className="c-input"
                        aria-label="Kênh"
                        value={c.channel}
                        onChange={(e) => setCap(i, { channel: e.target.value as CapRule["channel"] })}
                        data-testid={`cap-channel-${i}`}
                      >
                        {(["any", "cs", "template_uid", "zns"] as const).map((k) => (
                          <option key={k} value={k}>
                            {CHANNEL_LABEL[k]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-label="Tối đa">
                      <NumInput label="Tối đa" value={c.max} min={1} max={1000} onChange={(v) => setCap(i, { max: v ?? 0 })} testId={`cap-max-${i}`} />
                    </td>
                    <td data-label="Trong (giờ)">
                      <div className="c-inline">
                        <NumInput
                          label="Trong (giờ)"
                          value={c.windowHours}
                          min={1}
                          max={2160}
                          onChange={(v) => setCap(i, { windowHours: v ?? 0 })}
                          testId={`cap-window-${i}`}
                        />
                        <span className="c-hint c-nowrap">{c.windowHours >= 24 && c.windowHours % 24 === 0 ? `= ${c.windowHours / 24} ngày` : ""}</span>
                      </div>
                    </td>
                    <td className="c-td-end">
                      <button
                        className="c-btn c-btn-icon"
                        title="Xoá giới hạn"
                        aria-label="Xoá giới hạn"
                        onClick={() => set((r) => void r.caps.splice(i, 1))}
                        data-testid={`cap-remove-${i}`}
                      >
                        <Trash2 size={16} />
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="c-hint">Tin giao dịch (đơn hàng, voucher của khách) được tính vào giới hạn nhưng không bao giờ bị chặn.</p>
        </Card>

        <Card title="Giờ yên lặng">
          <label className="c-check">
            <input
              type="checkbox"
              checked={draft.quietHours !== null}
              data-testid="quiet-enabled"
              onChange={(e) => set((r) => void (r.quietHours = e.target.checked ? { start: "21:30", end: "08:00" } : null))}
            />
            Giữ tin chăm sóc và khuyến mãi trong khung giờ này (không bỏ tin, gửi khi hết giờ)
          </label>
          {draft.quietHours ? (
            <div className="c-fields c-fields-3">
              <Field label="Từ">
                <input
                  className="c-input c-time"
                  inputMode="numeric"
                  placeholder="HH:MM"
                  maxLength={5}
                  value={draft.quietHours.start}
                  data-testid="quiet-start"
                  onChange={(e) => set((r) => void (r.quietHours!.start = e.target.value))}
                />
              </Field>
              <Field label="Đến">
                <input
                  className="c-input c-time"
                  inputMode="numeric"
                  placeholder="HH:MM"
                  maxLength={5}
                  value={draft.quietHours.end}
                  data-testid="quiet-end"
                  onChange={(e) => set((r) => void (r.quietHours!.end = e.target.value))}
                />
              </Field>
              <Field label="Múi giờ">
                <input
                  className="c-input"
                  value={draft.timeZone}
                  readOnly
                  title="Đặt bằng SHOP_TIME_ZONE trong cấu hình máy chủ"
                  data-testid="rules-time-zone"
                />
              </Field>
            </div>
          ) : (
            <p className="c-empty" data-testid="quiet-off">
              Tắt: tin được gửi bất kỳ giờ nào (khuyến mãi vẫn theo khung giờ của Zalo).
            </p>
          )}
        </Card>

        <Card title="Giữ ấm khách im lặng">
          <label className="c-check">
            <input
              type="checkbox"
              checked={draft.floor.enabled}
              data-testid="floor-enabled"
              onChange={(e) => set((r) => void (r.floor.enabled = e.target.checked))}
            />
            Mỗi ngày gửi một tin hữu ích cho người quan tâm đã lâu không nhận tin
          </label>
          <div className="c-fields">
            <Field label="Im lặng bao nhiêu ngày">
              <NumInput value={draft.floor.silentDays} min={1} max={180} onChange={(v) => set((r) => void (r.floor.silentDays = v ?? 0))} />
            </Field>
            <Field label="Mẫu ZNS (tag 2)" hint="Dùng khi khách ngoài cửa sổ CS; để trống nếu không dùng">
              <input
                className="c-input"
                value={draft.floor.templateId ?? ""}
                placeholder="ví dụ 100002"
                onChange={(e) => set((r) => void (r.floor.templateId = e.target.value.trim() || null))}
              />
            </Field>
          </div>
        </Card>

        <Card title="Giảm tần suất khi khách bỏ quan tâm">
          <div className="c-fields">
            <Field label="Bỏ quan tâm trong vòng (giờ) sau một tin">
              <NumInput
                value={draft.fatigue.unfollowWithinHours}
                min={1}
                max={336}
                onChange={(v) => set((r) => void (r.fatigue.unfollowWithinHours = v ?? 0))}
              />
            </Field>
            <Field label="Siết trong (ngày)">
              <NumInput value={draft.fatigue.tightenForDays} min={1} max={365} onChange={(v) => set((r) => void (r.fatigue.tightenForDays = v ?? 0))} />
            </Field>
            <Field label="Khi đó: tối đa khuyến mãi">
              <NumInput value={draft.fatigue.maxPromotions} min={0} max={100} onChange={(v) => set((r) => void (r.fatigue.maxPromotions = v ?? 0))} />
            </Field>
            <Field label="trong mỗi (giờ)">
              <NumInput value={draft.fatigue.windowHours} min={1} max={2160} onChange={(v) => set((r) => void (r.fatigue.windowHours = v ?? 0))} />
            </Field>
          </div>
        </Card>

        <Card title="Quy định của Zalo">
          <div className="c-fields">
            <Field label="Cửa sổ tin tư vấn (ngày)" hint="Tính từ lần tương tác cuối của khách">
              <NumInput value={draft.zalo.csWindowDays} min={1} max={7} onChange={(v) => set((r) => void (r.zalo.csWindowDays = v ?? 0))} />
            </Field>
            <Field label="Miễn phí trong (giờ)" hint="Tin tư vấn miễn phí trong khoảng này">
              <NumInput value={draft.zalo.csFreeHours} min={0} max={48} onChange={(v) => set((r) => void (r.zalo.csFreeHours = v ?? 0))} />
            </Field>
            <Field label="Giờ gửi khuyến mãi từ">
              <input
                className="c-input c-time"
                inputMode="numeric"
                placeholder="HH:MM"
                maxLength={5}
                value={draft.zalo.promotionHours.start}
                onChange={(e) => set((r) => void (r.zalo.promotionHours.start = e.target.value))}
              />
            </Field>
            <Field label="đến">
              <input
                className="c-input c-time"
                inputMode="numeric"
                placeholder="HH:MM"
                maxLength={5}
                value={draft.zalo.promotionHours.end}
                onChange={(e) => set((r) => void (r.zalo.promotionHours.end = e.target.value))}
              />
            </Field>
            <Field label="ZNS khuyến mãi / người / ngày">
              <NumInput value={draft.zalo.znsPromotionPerUserPerDay} min={0} onChange={(v) => set((r) => void (r.zalo.znsPromotionPerUserPerDay = v ?? 0))} />
            </Field>
            <Field label="ZNS khuyến mãi / người / tháng">
              <NumInput
                value={draft.zalo.znsPromotionPerUserPerMonth}
                min={0}
                onChange={(v) => set((r) => void (r.zalo.znsPromotionPerUserPerMonth = v ?? 0))}
              />
            </Field>
          </div>
          <label className="c-check">
            <input
              type="checkbox"
              checked={draft.zalo.promotionsByCs}
              data-testid="promotions-by-cs"
              onChange={(e) => set((r) => void (r.zalo.promotionsByCs = e.target.checked))}
            />
            Cho phép gửi khuyến mãi bằng tin tư vấn (CS)
          </label>
          <p className="c-hint" data-testid="promotions-by-cs-why">
            Tắt (mặc định): tin tư vấn CS là kênh để trả lời và chăm sóc khách trong 7 ngày sau lần tương tác cuối, không dành cho quảng cáo; Zalo có thể xử lý
            OA gửi quảng cáo qua kênh này. Khuyến mãi sẽ đi bằng mẫu khuyến mãi (tag 3) theo UID hoặc ZNS: mỗi tin tính phí theo giá của mẫu (xem trang Mẫu
            ZNS), chỉ gửi 06:00–22:00 và mỗi khách nhận tối đa số lượt/ngày, /tháng ở trên. Tin khuyến mãi chỉ có chữ (không có mẫu) sẽ không được gửi.
          </p>
        </Card>

        <HeldByZalo />

        <Card title="Lời chào khi khách quan tâm OA">
          <textarea
            className="c-input c-textarea"
            aria-label="Lời chào khi khách quan tâm OA"
            rows={3}
            maxLength={2000}
            value={draft.welcomeText}
            onChange={(e) => set((r) => void (r.welcomeText = e.target.value))}
            data-testid="welcome-text"
          />
          <p className="c-hint">Gửi bằng tin tư vấn ngay khi khách quan tâm (quan tâm mở cửa sổ miễn phí 48 giờ).</p>
        </Card>
      </div>

      <Card title="Lưu phiên bản mới" testId="save-card">
        {problems.length > 0 && (
          <ul className="c-problems" data-testid="local-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <div className="c-row c-row-end">
          <Field label="Ghi chú thay đổi" wide>
            <input
              className="c-input"
              maxLength={300}
              value={note}
              placeholder="Vì sao đổi? (ví dụ: nới giới hạn dịp Tết)"
              onChange={(e) => setNote(e.target.value)}
              data-testid="rules-note"
            />
          </Field>
          <button className="c-btn" onClick={onWhatIf} disabled={sim.busy || problems.length > 0} data-testid="what-if">
            <FlaskConical size={16} /> {sim.busy ? "Đang mô phỏng…" : "Mô phỏng (what-if)"}
          </button>
          <button className="c-btn" disabled={!dirty} onClick={() => data && setDraft(clone(data.rules))} data-testid="rules-reset">
            Bỏ thay đổi
          </button>
          <button className="c-btn c-btn-primary" onClick={onSave} disabled={save.busy || problems.length > 0 || !dirty} data-testid="rules-save">
            <Save size={16} /> {save.busy ? "Đang lưu…" : "Lưu quy tắc"}
          </button>
        </div>
        {!dirty && !saved && <p className="c-hint">Chưa có thay đổi nào so với phiên bản đang áp dụng.</p>}
        <ErrorBox error={save.error} testId="rules-save-error" fields={RULE_FIELDS} />
        <ErrorBox error={sim.error} testId="what-if-error" fields={RULE_FIELDS} />
        {saved !== null && !save.error && (
          <p className="c-ok" data-testid="rules-saved">
            Đã lưu phiên bản v{saved}.
          </p>
        )}
        {whatIf && <WhatIfTable w={whatIf} />}
      </Card>

      <Card title="Lịch sử phiên bản" testId="rules-history">
        {loading && !data ? (
          <Spinner />
        ) : !data?.history.length ? (
          <p className="c-empty">Chưa có thay đổi nào: đang dùng quy tắc mặc định.</p>
        ) : (
          <table className="c-table c-table-cards">
            <thead>
              <tr>
                <th>Phiên bản</th>
                <th>Thời điểm</th>
                <th>Người đổi</th>
                <th>Ghi chú</th>
                <th>Giới hạn</th>
                <th>Giờ yên lặng</th>
              </tr>
            </thead>
            <tbody>
              {data.history.map((h) => (
                <tr key={h.version} data-testid={`history-v${h.version}`}>
                  <td className="c-td-main">
                    <strong>v{h.version}</strong>
                    {h.version === data.version && <span className="c-badge c-badge-ok c-ml">đang dùng</span>}
                  </td>
                  <td data-label="Thời điểm">{fmtDateTime(h.createdAt)}</td>
                  <td data-label="Người đổi">{who(h.changedBy)}</td>
                  <td data-label="Ghi chú">{h.note ?? <span className="c-muted">—</span>}</td>
                  <td className="c-small" data-label="Giới hạn">
                    {h.rules.caps.length ? h.rules.caps.map((c) => `${c.max}/${c.windowHours}h ${CATEGORY_LABEL[c.category]}`).join("; ") : "không giới hạn"}
                  </td>
                  <td className="c-small" data-label="Giờ yên lặng">
                    {h.rules.quietHours ? `${h.rules.quietHours.start}–${h.rules.quietHours.end}` : "tắt"}
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

function WhatIfTable({ w }: { w: WhatIf }) {
  const reasons = Object.entries(w.reasons).sort((a, b) => b[1] - a[1]);
  return (
    <div className="c-whatif" data-testid="what-if-result">
      <h3>Kết quả mô phỏng trên {fmtNumber(w.messages)} tin của 30 ngày qua</h3>
      <div className="c-grid-2 c-gap-sm">
        <table className="c-table c-table-compact">
          <thead>
            <tr>
              <th />
              <th className="c-num-col">Quy tắc hiện tại</th>
              <th className="c-num-col">Bản nháp</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>Gửi</td>
              <td className="c-num-col">{fmtNumber(w.current.send)}</td>
              <td className="c-num-col" data-testid="what-if-draft-send">
                {fmtNumber(w.draft.send)}
              </td>
            </tr>
            <tr>
              <td>Tạm giữ</td>
              <td className="c-num-col c-muted" rowSpan={3}>
                {fmtNumber(w.current.notSent)} không gửi
              </td>
              <td className="c-num-col">{fmtNumber(w.draft.hold)}</td>
            </tr>
            <tr>
              <td>Không gửi</td>
              <td className="c-num-col">{fmtNumber(w.draft.suppress)}</td>
            </tr>
            <tr>
              <td>Hết hạn</td>
              <td className="c-num-col">{fmtNumber(w.draft.expire)}</td>
            </tr>
            <tr className="c-tr-strong">
              <td>Trước gửi, nay bị chặn</td>
              <td />
              <td className="c-num-col" data-testid="what-if-became-blocked">
                {fmtNumber(w.becameBlocked)}
              </td>
            </tr>
            <tr className="c-tr-strong">
              <td>Trước không gửi, nay được gửi</td>
              <td />
              <td className="c-num-col" data-testid="what-if-became-sent">
                {fmtNumber(w.becameSent)}
              </td>
            </tr>
          </tbody>
        </table>
        <table className="c-table c-table-compact">
          <thead>
            <tr>
              <th>Lý do (bản nháp)</th>
              <th className="c-num-col">Số tin</th>
            </tr>
          </thead>
          <tbody>
            {reasons.length === 0 ? (
              <tr>
                <td colSpan={2} className="c-muted">
                  Không có tin nào bị giữ hay chặn.
                </td>
              </tr>
            ) : (
              reasons.map(([k, n]) => (
                <tr key={k}>
                  <td title={k}>{reasonLabel(k)}</td>
                  <td className="c-num-col">{fmtNumber(n)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <p className="c-hint">Mô phỏng dùng trạng thái quan tâm và lựa chọn hiện tại của từng khách; tin tạm giữ được tính là chưa gửi tại thời điểm đó.</p>
    </div>
  );
}

type Waits = { waits: { reason: string; count: number; nextTryAt: string | null }[] };

/** Messages Zalo made wait (the Zalo Cloud Account's balance, a template's daily limit, night hours), and the admin's resume after a top-up. */
function HeldByZalo() {
  const { data, reload } = useLoad(() => api.get<Waits>("/api/admin/messaging/held"));
  const resume = useAction();
  const [resumed, setResumed] = useState<number | null>(null);
  const waits = data?.waits ?? [];
  const balance = waits.find((w) => w.reason === "ZCA_BALANCE");
  return (
    <Card title="Tin Zalo đang tạm giữ">
      {waits.length === 0 ? (
        <p className="c-muted">Không có tin nào đang chờ Zalo.</p>
      ) : (
        <ul className="c-list" data-testid="held-by-zalo">
          {waits.map((w) => (
            <li key={w.reason}>
              {reasonLabel(w.reason)}: <b>{fmtNumber(w.count)}</b> tin{w.nextTryAt ? `, thử lại lúc ${fmtDateTime(w.nextTryAt)}` : ""}
            </li>
          ))}
        </ul>
      )}
      {balance ? (
        <button
          className="c-btn c-btn-primary"
          data-testid="resume-balance"
          disabled={resume.busy}
          onClick={() =>
            void resume.run(async () => {
              const r = await api.post<{ resumed: number }>("/api/admin/messaging/held/resume", {});
              setResumed(r.resumed);
              await reload();
            })
          }
        >
          Đã nạp tiền Zalo Cloud: gửi tiếp ngay
        </button>
      ) : null}
      {resumed !== null ? <p className="c-hint">Đã đưa {fmtNumber(resumed)} tin vào hàng gửi.</p> : null}
      <ErrorBox error={resume.error} />
    </Card>
  );
}
