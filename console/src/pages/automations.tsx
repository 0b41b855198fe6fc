import { useEffect, useState } from "react";
import { ArrowLeft, Save } from "lucide-react";
import {
  DEFAULT_WITHIN_DAYS,
  EXPIRING_TRIGGERS,
  WIN_BACK_GAP_DAYS,
  type Campaign,
  unknownPlaceholders,
  type Automation,
  type AutomationInput,
  type AutomationTrigger,
  type ZnsTemplateView,
} from "@mc/shared";
import { fmtDateTime, fmtNumber } from "@mc/web/format";
import { api } from "../api";
import { actorName } from "../actor";
import type { SegmentView } from "../crm-types";
import { CATEGORY_LABEL, reasonLabel } from "../labels";
import { go } from "../routing";
import { Badge, Card, ErrorBox, Field, LoadError, NumInput, Spinner, useAction, useLoad } from "../ui";
import { ConditionsEditor, WhatIfCard } from "./automation-conditions";
import "./automations.css";

/** What sets each automation off, in the shop's words. */
export const TRIGGER_LABEL: Record<AutomationTrigger, string> = {
  follow: "Khách quan tâm OA",
  order_confirmed: "Đơn được xác nhận",
  order_ready: "Đơn đã sẵn sàng",
  order_completed: "Đơn hoàn tất",
  order_cancelled: "Đơn bị hủy",
  first_purchase: "Lần mua đầu tiên (đơn hoàn tất đầu tiên)",
  points_expiring: "Điểm sắp hết hạn (trong N ngày)",
  voucher_expiring: "Voucher sắp hết hạn (trong N ngày)",
  cart_abandoned: "Giỏ hàng bị bỏ quên (có món, chưa đặt sau N giờ)",
  birthday: "Sinh nhật khách (đúng ngày, theo giờ cửa hàng)",
  win_back: "Khách lâu không mua (N ngày)",
};

const VAR_LABEL: Record<string, string> = {
  welcome: "lời chào trong Quy tắc chăm sóc",
  name: "tên khách",
  code: "mã đơn",
  total: "tổng tiền",
  amount: "tổng tiền (số)",
  pickup: "câu nhận món",
  table: "số bàn",
  points: "điểm cộng",
  points_line: "câu cộng điểm",
  reason: "lý do hủy",
  voucher: "tên voucher",
  date: "ngày hết hạn",
  items: "các món trong giỏ",
  store: "tên cửa hàng",
  link: "liên kết mở lại giỏ hàng",
  voucher_line: "câu tặng voucher, trống khi không có quà",
  days: "số ngày chưa mua",
};

/** Where a variable means something else for one trigger ({points} is what lapses, not what was added). */
const TRIGGER_VAR_LABEL: Partial<Record<AutomationTrigger, Record<string, string>>> = {
  points_expiring: { points: "số điểm sắp hết hạn" },
  birthday: { voucher: "tên voucher quà sinh nhật" },
};

/** The API's field paths in the editor's words (a validation answer names them). */
const FIELDS: Record<string, string> = {
  name: "Tên",
  waitHours: "Chờ (giờ)",
  segmentId: "Điều kiện",
  conditions: "Điều kiện theo sự kiện",
  category: "Loại tin",
  priority: "Ưu tiên",
  text: "Nội dung",
  imageUrl: "Ảnh",
  templateId: "Mẫu tin",
  templateParams: "Tham số mẫu",
  expiresHours: "Hết hạn sau (giờ)",
  withinDays: "Nhắc trước (ngày)",
  voucherCampaignId: "Voucher quà sinh nhật",
};
/** Win-back's number of days means "no order in", not "ahead of". */
const fieldsOf = (t: AutomationTrigger) => (t === "win_back" ? { ...FIELDS, withinDays: "Không mua trong (ngày)" } : FIELDS);

const waitText = (h: number) => (h <= 0 ? "Gửi ngay" : h < 1 ? `Sau ${Math.round(h * 60)} phút` : `Sau ${fmtNumber(h)} giờ`);
const suppressedTotal = (a: Automation) => Object.values(a.figures.suppressed).reduce((s, n) => s + n, 0);

/** #/automations: every recipe with its figures and an on/off switch. */
export function AutomationsPage() {
  const list = useLoad(() => api.get<{ automations: Automation[] }>("/api/admin/automations"));
  const act = useAction();
  const toggle = async (a: Automation) => {
    if (await act.run(() => api.put<{ automation: Automation }>(`/api/admin/automations/${encodeURIComponent(a.id)}`, { ...inputOf(a), enabled: !a.enabled })))
      void list.reload();
  };
  return (
    <div className="c-page" data-testid="automations-page">
      <div className="c-page-head">
        <div>
          <h1>Tự động hoá</h1>
          <p className="c-muted">
            Tin tự gửi khi có sự kiện: chào mừng, thông báo đơn, cảm ơn lần mua đầu, xin góp ý. Mỗi tin đi qua cùng quy tắc chăm sóc như mọi tin khác, và mỗi
            người nhận nhiều nhất một lần cho mỗi sự kiện.
          </p>
        </div>
      </div>
      <ErrorBox error={act.error} testId="automation-toggle-error" />
      <Card>
        <ErrorBox error={list.error} />
        {list.loading && !list.data ? (
          <Spinner />
        ) : (
          list.data && (
            <table className="c-table c-table-click c-table-cards" data-testid="automation-list">
              <thead>
                <tr>
                  <th>Tự động hoá</th>
                  <th>Khi nào</th>
                  <th className="c-num-col">Kích hoạt</th>
                  <th className="c-num-col">Đã gửi</th>
                  <th className="c-num-col">Đang giữ</th>
                  <th className="c-num-col">Không gửi</th>
                  <th className="c-num-col">Chuyển đổi</th>
                  <th>Bật</th>
                </tr>
              </thead>
              <tbody>
                {list.data.automations.map((a) => (
                  <tr key={a.id} onClick={() => go(`automations/${a.id}`)} data-testid={`automation-row-${a.id}`}>
                    <td data-label="Tự động hoá">
                      <a href={`#/automations/${a.id}`} onClick={(e) => e.stopPropagation()}>
                        {a.name}
                      </a>
                      <div className="c-small c-muted">{CATEGORY_LABEL[a.category]}</div>
                    </td>
                    <td data-label="Khi nào">
                      {TRIGGER_LABEL[a.trigger]}
                      <div className="c-small c-muted">{waitText(a.waitHours)}</div>
                    </td>
                    <td data-label="Kích hoạt" className="c-num-col" data-testid={`automation-triggered-${a.id}`}>
                      {fmtNumber(a.figures.triggered)}
                      {a.figures.waiting > 0 && <div className="c-small c-muted">{fmtNumber(a.figures.waiting)} đang chờ</div>}
                    </td>
                    <td data-label="Đã gửi" className="c-num-col" data-testid={`automation-sent-${a.id}`}>
                      {fmtNumber(a.figures.sent)}
                    </td>
                    <td data-label="Đang giữ" className="c-num-col">
                      {fmtNumber(a.figures.held)}
                    </td>
                    <td
                      data-label="Không gửi"
                      className="c-num-col"
                      title={Object.entries(a.figures.suppressed)
                        .map(([r, n]) => `${reasonLabel(r)}: ${n}`)
                        .join("\n")}
                    >
                      {fmtNumber(suppressedTotal(a))}
                      {Object.entries(a.figures.suppressed).map(([r, n]) => (
                        <div key={r} className="c-small c-muted" data-testid={`automation-suppressed-${a.id}-${r}`}>
                          {reasonLabel(r)}: {fmtNumber(n)}
                        </div>
                      ))}
                    </td>
                    <td data-label="Chuyển đổi" className="c-num-col" data-testid={`automation-conversions-${a.id}`}>
                      {fmtNumber(a.figures.conversions)}
                    </td>
                    <td data-label="Bật" onClick={(e) => e.stopPropagation()}>
                      <label className="c-auto-switch">
                        <input
                          type="checkbox"
                          checked={a.enabled}
                          disabled={act.busy}
                          onChange={() => void toggle(a)}
                          aria-label={`Bật «${a.name}»`}
                          data-testid={`automation-enabled-${a.id}`}
                        />
                        {a.enabled ? <Badge tone="ok">Đang bật</Badge> : <Badge tone="muted">Đã tắt</Badge>}
                      </label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
      </Card>
    </div>
  );
}

function inputOf(a: Automation): AutomationInput {
  return {
    name: a.name,
    enabled: a.enabled,
    waitHours: a.waitHours,
    segmentId: a.segmentId,
    conditions: a.conditions,
    category: a.category,
    priority: a.priority,
    text: a.text,
    imageUrl: a.imageUrl,
    templateId: a.templateId,
    templateParams: a.templateParams,
    expiresHours: a.expiresHours,
    withinDays: a.withinDays ?? null,
    voucherCampaignId: a.voucherCampaignId ?? null,
  };
}

/** #/automations/<id>: the trigger (fixed), the wait, the condition, the message and its category; on/off. */
export function AutomationEditorPage({ id }: { id: string }) {
  const one = useLoad(() => api.get<{ automation: Automation }>(`/api/admin/automations/${encodeURIComponent(id)}`), [id]);
  const refs = useLoad(async () => {
    const [s, t, c] = await Promise.all([
      api.get<{ segments: SegmentView[] }>("/api/admin/segments").catch(() => null),
      api.get<{ templates: ZnsTemplateView[] }>("/api/admin/zns/templates").catch(() => null),
      api.get<{ campaigns: Campaign[] }>("/api/admin/voucher-campaigns").catch(() => null),
    ]);
    return { segments: s?.segments ?? [], templates: t?.templates ?? [], campaigns: c?.campaigns ?? [] };
  });
  const saved = one.data?.automation;
  const [draft, setDraft] = useState<AutomationInput | null>(null);
  useEffect(() => {
    if (saved) setDraft(inputOf(saved));
  }, [saved]);
  const save = useAction();

  if (!saved || !draft)
    return (
      <div className="c-page">
        <a href="#/automations" className="c-back">
          <ArrowLeft size={16} /> Tự động hoá
        </a>
        {one.error ? <LoadError error={one.error} what="tự động hoá" back={{ href: "#/automations", label: "Về danh sách tự động hoá" }} /> : <Spinner />}
      </div>
    );

  const set = <K extends keyof AutomationInput>(k: K, v: AutomationInput[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const template = refs.data?.templates.find((t) => t.id === draft.templateId) ?? null;
  const unknown = [
    ...unknownPlaceholders(saved.trigger, draft.text),
    ...Object.values(draft.templateParams).flatMap((v) => unknownPlaceholders(saved.trigger, v)),
  ];
  const problems = [
    ...(draft.name.trim() ? [] : ["Đặt tên cho tự động hoá"]),
    ...(draft.text.trim() ? [] : ["Nhập nội dung tin"]),
    ...(unknown.length ? [`Sự kiện này không có biến ${[...new Set(unknown)].map((k) => `{${k}}`).join(", ")}`] : []),
  ];
  const dirty = JSON.stringify(draft) !== JSON.stringify(inputOf(saved));
  const onSave = async () => {
    const body = { ...draft, name: draft.name.trim(), text: draft.text.trim(), imageUrl: draft.imageUrl?.trim() || null };
    if (await save.run(() => api.put<{ automation: Automation }>(`/api/admin/automations/${encodeURIComponent(id)}`, body))) await one.reload();
  };
  const f = saved.figures;

  return (
    <div className="c-page" data-testid="automation-editor">
      <a href="#/automations" className="c-back">
        <ArrowLeft size={16} /> Tự động hoá
      </a>
      <div className="c-page-head">
        <div>
          <h1 data-testid="automation-title">{saved.name}</h1>
          <p className="c-muted">
            {saved.enabled ? <Badge tone="ok">Đang bật</Badge> : <Badge tone="muted">Đã tắt</Badge>}{" "}
            {saved.updatedAt ? `sửa ${fmtDateTime(saved.updatedAt)} bởi ${actorName(saved.updatedBy ?? "")}` : "công thức mặc định"}
          </p>
        </div>
      </div>
      <div className="c-editor-grid">
        <div className="c-editor-main">
          <Card title="Khi nào gửi">
            <div className="c-fields">
              <Field label="Sự kiện kích hoạt" hint="Cố định theo công thức.">
                <input className="c-input" value={TRIGGER_LABEL[saved.trigger]} readOnly data-testid="automation-trigger" />
              </Field>
              <Field label="Tên">
                <input className="c-input" value={draft.name} maxLength={80} onChange={(e) => set("name", e.target.value)} data-testid="automation-name" />
              </Field>
              <Field label="Chờ (giờ)" hint="0 = gửi ngay khi có sự kiện. Thời gian chờ được lưu lại, khởi động lại máy chủ không mất.">
                <NumInput value={draft.waitHours} min={0} max={24 * 90} step={0.5} onChange={(v) => set("waitHours", v ?? 0)} testId="automation-wait" />
              </Field>
              <Field label="Điều kiện" hint="Chỉ gửi cho người thuộc phân khúc này vào lúc đến giờ gửi.">
                <select
                  className="c-input"
                  value={draft.segmentId ?? ""}
                  onChange={(e) => set("segmentId", e.target.value || null)}
                  data-testid="automation-segment"
                >
                  <option value="">Mọi khách</option>
                  {refs.data?.segments.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                  {draft.segmentId && !refs.data?.segments.some((s) => s.id === draft.segmentId) && (
                    <option value={draft.segmentId}>(phân khúc không còn)</option>
                  )}
                </select>
              </Field>
              <Field
                label="Điều kiện theo sự kiện"
                wide
                hint="Mọi điều kiện đều phải đúng với sự kiện thì mới gửi; không khớp thì ghi «Sự kiện không khớp điều kiện»."
              >
                <ConditionsEditor vars={saved.conditionVars} value={draft.conditions ?? []} onChange={(v) => set("conditions", v)} />
              </Field>
              <label className="c-check c-field-wide">
                <input type="checkbox" checked={draft.enabled} onChange={(e) => set("enabled", e.target.checked)} data-testid="automation-enabled" />
                Bật tự động hoá (tắt thì các tin đang chờ sẽ không được gửi)
              </label>
            </div>
          </Card>
          <Card title="Tin nhắn">
            <div className="c-fields">
              <Field
                label="Nội dung"
                wide
                hint={
                  <span data-testid="automation-vars">
                    Biến dùng được:{" "}
                    {saved.vars.map((v, i) => (
                      <span key={v}>
                        {i > 0 && ", "}
                        <code>{`{${v}}`}</code> ({TRIGGER_VAR_LABEL[saved.trigger]?.[v] ?? VAR_LABEL[v] ?? v})
                      </span>
                    ))}
                  </span>
                }
              >
                <textarea
                  className="c-input"
                  rows={4}
                  maxLength={2000}
                  value={draft.text}
                  onChange={(e) => set("text", e.target.value)}
                  data-testid="automation-text"
                />
              </Field>
              <Field label="Ảnh kèm (đường dẫn, không bắt buộc)">
                <input
                  className="c-input"
                  value={draft.imageUrl ?? ""}
                  onChange={(e) => set("imageUrl", e.target.value || null)}
                  data-testid="automation-image"
                />
              </Field>
              <Field label="Mẫu tin (ZNS / mẫu qua UID)" hint="Có mẫu thì gửi bằng mẫu; nội dung trên được dùng khi mẫu không gửi được.">
                <select
                  className="c-input"
                  value={draft.templateId ?? ""}
                  onChange={(e) => setDraft((d) => (d ? { ...d, templateId: e.target.value || null, templateParams: {} } : d))}
                  data-testid="automation-template"
                >
                  <option value="">Không dùng mẫu</option>
                  {refs.data?.templates.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name} ({t.id})
                    </option>
                  ))}
                </select>
              </Field>
              {template?.params.map((p) => (
                <Field key={p.name} label={`Tham số «${p.name}»`}>
                  <input
                    className="c-input"
                    value={draft.templateParams[p.name] ?? ""}
                    placeholder="ví dụ: {name}"
                    aria-label={`Tham số ${p.name}`}
                    onChange={(e) => set("templateParams", { ...draft.templateParams, [p.name]: e.target.value })}
                  />
                </Field>
              ))}
              <Field label="Loại tin">
                <select
                  className="c-input"
                  value={draft.category}
                  onChange={(e) => set("category", e.target.value as AutomationInput["category"])}
                  data-testid="automation-category"
                >
                  {(["transactional", "care", "promotion"] as const).map((c) => (
                    <option key={c} value={c}>
                      {CATEGORY_LABEL[c]}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Ưu tiên (1–9)">
                <NumInput value={draft.priority} min={1} max={9} onChange={(v) => set("priority", v ?? 5)} testId="automation-priority" />
              </Field>
              {EXPIRING_TRIGGERS.includes(saved.trigger) && (
                <Field label="Nhắc trước (ngày)" hint="Gửi khi điểm / voucher sẽ hết hạn trong số ngày này.">
                  <NumInput
                    value={draft.withinDays ?? null}
                    min={1}
                    max={90}
                    onChange={(v) => set("withinDays", v ?? DEFAULT_WITHIN_DAYS[saved.trigger] ?? 7)}
                    testId="automation-within-days"
                  />
                </Field>
              )}
              {saved.trigger === "win_back" && (
                <Field
                  label="Không mua trong (ngày)"
                  hint={`Gửi cho khách đã từng mua mà chưa có đơn nào trong số ngày này; mỗi lần vắng một lần, và mỗi khách tối đa một tin trong ${WIN_BACK_GAP_DAYS} ngày.`}
                >
                  <NumInput
                    value={draft.withinDays ?? null}
                    min={1}
                    max={365}
                    onChange={(v) => set("withinDays", v ?? DEFAULT_WITHIN_DAYS.win_back ?? 45)}
                    testId="automation-within-days"
                  />
                </Field>
              )}
              {saved.trigger === "birthday" && (
                <Field
                  label="Voucher quà sinh nhật"
                  wide
                  hint="Phát một lần mỗi năm cho mỗi khách vào đúng ngày sinh nhật (29/2 được chúc vào 28/2 năm không nhuận). Chỉ voucher không tốn điểm; giới hạn mỗi khách của chương trình vẫn áp dụng."
                >
                  <select
                    className="c-input"
                    value={draft.voucherCampaignId ?? ""}
                    onChange={(e) => set("voucherCampaignId", e.target.value || null)}
                    data-testid="automation-voucher-campaign"
                  >
                    <option value="">Không tặng voucher</option>
                    {refs.data?.campaigns.map((c) => (
                      <option key={c.id} value={c.id} disabled={c.costPoints > 0}>
                        {c.name}
                        {c.costPoints > 0 ? " (tốn điểm, không dùng làm quà)" : c.active ? "" : " (đang tắt)"}
                      </option>
                    ))}
                    {draft.voucherCampaignId && refs.data && !refs.data.campaigns.some((c) => c.id === draft.voucherCampaignId) && (
                      <option value={draft.voucherCampaignId}>(chương trình không còn)</option>
                    )}
                  </select>
                </Field>
              )}
              <Field label="Hết hạn sau (giờ)" hint="Tin chưa gửi được sau thời gian này thì bỏ.">
                <NumInput value={draft.expiresHours} min={1} max={720} onChange={(v) => set("expiresHours", v ?? 24)} testId="automation-expires" />
              </Field>
            </div>
          </Card>
          {problems.length > 0 && (
            <ul className="c-problems" data-testid="automation-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <ErrorBox error={save.error} testId="automation-save-error" fields={fieldsOf(saved.trigger)} />
          <div className="c-row c-row-end">
            {dirty && (
              <button className="c-btn" onClick={() => setDraft(inputOf(saved))}>
                Bỏ thay đổi
              </button>
            )}
            <button className="c-btn c-btn-primary" disabled={save.busy || !dirty || problems.length > 0} onClick={onSave} data-testid="automation-save">
              <Save size={16} /> {save.busy ? "Đang lưu…" : "Lưu"}
            </button>
          </div>
        </div>
        <aside className="c-editor-side">
          <Card title="Nếu áp dụng 30 ngày qua" testId="automation-what-if-card">
            <WhatIfCard id={id} draft={{ segmentId: draft.segmentId, conditions: draft.conditions ?? [], withinDays: draft.withinDays ?? null }} />
          </Card>
          <Card title="Số liệu" testId="automation-figures">
            <dl className="c-auto-figures">
              <dt>Kích hoạt</dt>
              <dd data-testid="figure-triggered">{fmtNumber(f.triggered)}</dd>
              <dt>Đang chờ giờ gửi</dt>
              <dd data-testid="figure-waiting">{fmtNumber(f.waiting)}</dd>
              <dt>Đã gửi</dt>
              <dd data-testid="figure-sent">{fmtNumber(f.sent)}</dd>
              <dt>Đang giữ</dt>
              <dd>{fmtNumber(f.held)}</dd>
              <dt>Chờ gửi</dt>
              <dd>{fmtNumber(f.pending)}</dd>
              <dt>Chuyển đổi (đơn trong 7 ngày)</dt>
              <dd data-testid="figure-conversions">{fmtNumber(f.conversions)}</dd>
            </dl>
            {Object.keys(f.suppressed).length > 0 && (
              <>
                <h3 className="c-small">Không gửi, theo lý do</h3>
                <ul className="c-auto-reasons" data-testid="figure-suppressed">
                  {Object.entries(f.suppressed).map(([r, n]) => (
                    <li key={r}>
                      {reasonLabel(r)}: <strong>{fmtNumber(n)}</strong>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </Card>
        </aside>
      </div>
    </div>
  );
}
