import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Download, Pencil, Plus, Power, RefreshCw, Save, Send, Trash2 } from "lucide-react";
import { ZnsTemplateImport, ZnsTemplateInput, ZnsTemplatePatch, type TemplateParam, type ZnsTemplateStatus } from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { detailOfIssue, fieldProblems } from "@mc/web/validation-text";
import { api } from "../api";
import { TAG_LABEL, TEST_SEND_LABEL, reasonLabel, zaloReason } from "../labels";
import type { ZnsTemplate } from "../types";
import { Badge, Card, ErrorBox, Field, NumInput, Spinner, useAction, useLoad } from "../ui";
import { fmtDateTime, fmtNumber, fmtVnd } from "@mc/web/format";
import "./zns.css";

const PARAM_TYPES: TemplateParam["type"][] = ["STRING", "NUMBER", "DATE", "PHONE", "EMAIL", "URL", "TRANSACTION", "CODE"];
/** A test send is an outbox row: queued, then sent by the dispatcher; `done` once Zalo has answered. */
type TestSendView = {
  id: number;
  state: string;
  done: boolean;
  ok: boolean | null;
  msgId: string | null;
  error: { code: number | null; reason: string } | null;
};
const POLL_MS = 1000;
/** No answer this long after a test send: the dispatcher is probably not running; stop asking. */
const GIVE_UP_MS = 60_000;

const STATUS_LABEL: Record<ZnsTemplateStatus, string> = {
  ENABLE: "Đã duyệt",
  PENDING_REVIEW: "Chờ Zalo duyệt",
  REJECT: "Bị từ chối",
  DISABLE: "Zalo đã tắt",
  DELETE: "Đã xoá trên Zalo",
};

/** The first problem per field, in Vietnamese, from the shared schema's issues or the server's details. */
const byField = (problems: { field: string; text: string }[]) => {
  const out = new Map<string, string>();
  for (const p of problems) if (!out.has(p.field)) out.set(p.field, p.text);
  return out;
};
const localProblems = (r: { success: boolean; error?: { issues: { code: string; path: PropertyKey[]; message: string }[] } }) =>
  r.success || !r.error ? new Map<string, string>() : byField(fieldProblems(r.error.issues.map(detailOfIssue)));
const serverProblems = (e: unknown) =>
  e instanceof ApiError && e.code === "VALIDATION_FAILED" ? byField(fieldProblems(e.details)) : new Map<string, string>();

export function ZnsPage() {
  const list = useLoad(() => api.get<{ templates: ZnsTemplate[] }>("/api/admin/zns/templates"));
  const quota = useLoad(() => api.get<{ daily: number; remaining: number }>("/api/admin/zns/quota"));
  const act = useAction();
  const [renaming, setRenaming] = useState<string | null>(null);
  const toggle = async (t: ZnsTemplate) => {
    if (await act.run(() => api.patch<ZnsTemplate>(`/api/admin/zns/templates/${encodeURIComponent(t.id)}`, { disabled: !t.disabled }))) void list.reload();
  };
  const refresh = async (t: ZnsTemplate) => {
    if (await act.run(() => api.post<ZnsTemplate>("/api/admin/zns/templates/import", { templateId: t.id, uid: t.uid }))) void list.reload();
  };
  return (
    <div className="c-page" data-testid="zns-page">
      <div className="c-page-head">
        <div>
          <h1>Mẫu ZNS</h1>
          <p className="c-muted">
            Nhập mẫu từ Zalo bằng mã mẫu (tham số, tag, trạng thái duyệt và giá lấy từ Zalo), đặt tên riêng, tắt mẫu không dùng, và thử gửi.
          </p>
        </div>
        <div className="c-quota" data-testid="zns-quota">
          {quota.error ? (
            <ErrorBox error={quota.error} />
          ) : quota.data ? (
            <>
              <div className="c-small c-muted">Quota ZNS hôm nay</div>
              <div>
                <strong>{fmtNumber(quota.data.remaining)}</strong> / {fmtNumber(quota.data.daily)} còn lại
              </div>
              <div className="c-meter">
                <div style={{ width: `${quota.data.daily ? (quota.data.remaining / quota.data.daily) * 100 : 0}%` }} />
              </div>
            </>
          ) : (
            <Spinner />
          )}
        </div>
      </div>
      <Import onDone={() => void list.reload()} />
      <Card title="Mẫu đã có">
        <ErrorBox error={list.error} />
        <ErrorBox error={act.error} testId="zns-action-error" />
        {list.loading && !list.data ? (
          <Spinner />
        ) : !list.data?.templates.length ? (
          <p className="c-empty">Chưa có mẫu nào.</p>
        ) : (
          <table className="c-table z-cards" data-testid="zns-list">
            <thead>
              <tr>
                <th>Mã mẫu</th>
                <th>Tên</th>
                <th>Tag</th>
                <th>Tham số</th>
                <th>Trạng thái</th>
                <th className="c-num-col">Giá</th>
                <th aria-label="Thao tác" />
              </tr>
            </thead>
            <tbody>
              {list.data.templates.map((t) => (
                <tr key={t.id} data-testid={`zns-row-${t.id}`} data-usable={t.usable ? "1" : "0"}>
                  <td data-label="Mã mẫu">
                    <code>{t.id}</code>
                  </td>
                  <td data-label="Tên">
                    {renaming === t.id ? (
                      <Rename template={t} onDone={() => (setRenaming(null), void list.reload())} onCancel={() => setRenaming(null)} />
                    ) : (
                      <>
                        <strong data-testid="zns-label">{t.name}</strong>
                        {t.zaloName && t.zaloName !== t.name && <div className="c-small c-muted">Trên Zalo: {t.zaloName}</div>}
                        <div className="c-small c-muted">
                          {t.syncedAt ? `Cập nhật từ Zalo ${fmtDateTime(t.syncedAt)}` : `Đăng ký thủ công ${fmtDateTime(t.createdAt)}`}
                          {t.uid ? " · gửi được qua UID" : ""}
                        </div>
                      </>
                    )}
                  </td>
                  <td data-label="Tag">{TAG_LABEL[t.tag] ?? t.tag}</td>
                  <td data-label="Tham số" className="c-small">
                    {t.params.map((p) => (
                      <span key={p.name} className="c-param">
                        {p.name}
                        <span className="c-muted">
                          {" "}
                          {p.type} ≤{p.maxLength}
                          {p.require ? "" : " (tuỳ chọn)"}
                        </span>
                      </span>
                    ))}
                  </td>
                  <td data-label="Trạng thái">
                    <div className="z-badges">
                      <Badge tone={t.zaloStatus === "ENABLE" ? "ok" : t.zaloStatus === "PENDING_REVIEW" ? "warn" : "bad"} testId="zns-status">
                        {STATUS_LABEL[t.zaloStatus]}
                      </Badge>
                      {t.disabled && (
                        <Badge tone="muted" testId="zns-disabled">
                          Đã tắt
                        </Badge>
                      )}
                    </div>
                  </td>
                  <td data-label="Giá" className="c-num-col">
                    {t.priceVnd === null ? "—" : fmtVnd(t.priceVnd)}
                  </td>
                  <td>
                    <div className="z-actions">
                      <button className="c-btn c-btn-sm" disabled={act.busy} onClick={() => setRenaming(t.id)} data-testid="zns-rename">
                        <Pencil size={14} /> Đổi tên
                      </button>
                      {t.syncedAt && (
                        <button className="c-btn c-btn-sm" disabled={act.busy} onClick={() => void refresh(t)} data-testid="zns-refresh">
                          <RefreshCw size={14} /> Cập nhật
                        </button>
                      )}
                      <button
                        className="c-btn c-btn-sm"
                        disabled={act.busy}
                        onClick={() => void toggle(t)}
                        data-testid={t.disabled ? "zns-enable" : "zns-disable"}
                      >
                        <Power size={14} /> {t.disabled ? "Bật lại" : "Tắt"}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <div className="c-grid-2">
        <Register onDone={() => void list.reload()} />
        <TestSend templates={(list.data?.templates ?? []).filter((t) => t.usable)} onSent={() => void quota.reload()} />
      </div>
    </div>
  );
}

/** The admin types a Zalo template id; the server reads its detail from Zalo and stores it. */
function Import({ onDone }: { onDone: () => void }) {
  const [templateId, setTemplateId] = useState("");
  const [label, setLabel] = useState("");
  const [tag, setTag] = useState<"" | "1" | "2" | "3">("");
  const [uid, setUid] = useState(true);
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<ZnsTemplate | null>(null);
  const save = useAction();
  const body = { templateId, ...(label.trim() ? { label } : {}), ...(tag ? { tag: Number(tag) } : {}), uid };
  const local = localProblems(ZnsTemplateImport.safeParse(body));
  const problems = tried ? new Map([...serverProblems(save.error), ...local]) : new Map<string, string>();
  const tagUnknown = save.error instanceof ApiError && save.error.code === "TEMPLATE_TAG_UNKNOWN";
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setDone(null);
    if (local.size > 0) return;
    const r = await save.run(() => api.post<ZnsTemplate>("/api/admin/zns/templates/import", body));
    if (r) {
      setDone(r);
      setTried(false);
      setTemplateId("");
      setLabel("");
      setTag("");
      onDone();
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <Card title="Nhập mẫu từ Zalo" testId="zns-import">
        <div className="z-import">
          <ZField label="Mã mẫu trên Zalo" error={problems.get("templateId")} testId="zns-import-id">
            <input
              className="c-input"
              value={templateId}
              onChange={(e) => setTemplateId(e.target.value)}
              placeholder="ví dụ 100002"
              data-testid="zns-import-id"
            />
          </ZField>
          <ZField label="Tên riêng (để trống = tên trên Zalo)" error={problems.get("label")} testId="zns-import-label">
            <input className="c-input" value={label} onChange={(e) => setLabel(e.target.value)} data-testid="zns-import-label" />
          </ZField>
          <ZField label="Tag" error={tagUnknown && !tag ? "hãy chọn tag cho mẫu này" : problems.get("tag")} testId="zns-import-tag">
            <select className="c-input" value={tag} onChange={(e) => setTag(e.target.value as typeof tag)} data-testid="zns-import-tag">
              <option value="">Theo Zalo</option>
              {[1, 2, 3].map((n) => (
                <option key={n} value={n}>
                  {TAG_LABEL[n]}
                </option>
              ))}
            </select>
          </ZField>
        </div>
        <label className="c-check c-check-inline">
          <input type="checkbox" checked={uid} onChange={(e) => setUid(e.target.checked)} data-testid="zns-import-uid" />
          Gửi được qua UID (cho người quan tâm OA)
        </label>
        <ErrorBox error={save.error && serverProblems(save.error).size === 0 ? save.error : null} testId="zns-import-error" />
        {done && (
          <p className="c-ok" data-testid="zns-imported">
            Đã nhập mẫu {done.id} ({done.name}): {done.params.length} tham số, trạng thái trên Zalo: {STATUS_LABEL[done.zaloStatus]}.
          </p>
        )}
        <div className="c-row c-row-end">
          <button type="submit" className="c-btn c-btn-primary" disabled={save.busy} data-testid="zns-import-submit">
            <Download size={16} /> {save.busy ? "Đang hỏi Zalo…" : "Nhập từ Zalo"}
          </button>
        </div>
      </Card>
    </form>
  );
}

function Rename({ template, onDone, onCancel }: { template: ZnsTemplate; onDone: () => void; onCancel: () => void }) {
  const [label, setLabel] = useState(template.name);
  const [tried, setTried] = useState(false);
  const save = useAction();
  const local = localProblems(ZnsTemplatePatch.safeParse({ label }));
  const problems = tried ? new Map([...serverProblems(save.error), ...local]) : new Map<string, string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (local.size > 0) return;
    if (await save.run(() => api.patch<ZnsTemplate>(`/api/admin/zns/templates/${encodeURIComponent(template.id)}`, { label }))) onDone();
  };
  return (
    <form onSubmit={submit} className="z-rename" noValidate>
      <ZField label="Tên riêng" error={problems.get("label")} testId="zns-rename-input">
        <input className="c-input" value={label} onChange={(e) => setLabel(e.target.value)} autoFocus data-testid="zns-rename-input" />
      </ZField>
      <ErrorBox error={save.error && serverProblems(save.error).size === 0 ? save.error : null} testId="zns-rename-error" />
      <div className="c-row">
        <button type="submit" className="c-btn c-btn-primary c-btn-sm" disabled={save.busy} data-testid="zns-rename-save">
          <Save size={14} /> Lưu
        </button>
        <button type="button" className="c-btn c-btn-sm" onClick={onCancel}>
          Huỷ
        </button>
      </div>
    </form>
  );
}

function ZField(props: { label: string; error?: string | null; testId: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={`c-field${props.wide ? " c-field-wide" : ""}${props.error ? " z-bad" : ""}`}>
      <span className="c-label">{props.label}</span>
      {props.children}
      {props.error && (
        <span className="z-err" data-testid={`${props.testId}-error`}>
          {props.error}
        </span>
      )}
    </label>
  );
}

const blankParam = (): TemplateParam => ({ name: "", type: "STRING", maxLength: 30, require: true });

function Register({ onDone }: { onDone: () => void }) {
  const [t, setT] = useState<ZnsTemplateInput>({ id: "", name: "", tag: 2, params: [blankParam()], uid: true });
  const [saved, setSaved] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const save = useAction();
  const setParam = (i: number, patch: Partial<TemplateParam>) => setT((x) => ({ ...x, params: x.params.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  // The shared schema's verdict, each problem by its field (a param's by its row), once a save was tried.
  const local = localProblems(ZnsTemplateInput.safeParse(t));
  const problems = tried ? new Map([...serverProblems(save.error), ...local]) : new Map<string, string>();
  const err = (path: string) => problems.get(path) ?? null;
  const submit = async () => {
    setTried(true);
    setSaved(null);
    if (local.size > 0) return;
    const r = await save.run(() => api.post<ZnsTemplate>("/api/admin/zns/templates", { ...t, id: t.id.trim(), name: t.name.trim() }));
    if (r) {
      setSaved(r.id);
      setTried(false);
      onDone();
    }
  };
  return (
    <Card title="Đăng ký thủ công (khi Zalo không trả lời được, ví dụ OA thử nghiệm)" testId="zns-register">
      <div className="c-row">
        <ZField label="Mã mẫu" error={err("id")} testId="zns-id">
          <input className="c-input" value={t.id} onChange={(e) => setT({ ...t, id: e.target.value })} data-testid="zns-id" placeholder="ví dụ 100002" />
        </ZField>
        <ZField label="Tên" error={err("name")} testId="zns-name" wide>
          <input className="c-input" value={t.name} onChange={(e) => setT({ ...t, name: e.target.value })} data-testid="zns-name" />
        </ZField>
      </div>
      <div className="c-row">
        <Field label="Tag">
          <select className="c-input" value={t.tag} onChange={(e) => setT({ ...t, tag: Number(e.target.value) as 1 | 2 | 3 })} data-testid="zns-tag">
            {[1, 2, 3].map((n) => (
              <option key={n} value={n}>
                {TAG_LABEL[n]}
              </option>
            ))}
          </select>
        </Field>
        <label className="c-check c-check-inline">
          <input type="checkbox" checked={t.uid} onChange={(e) => setT({ ...t, uid: e.target.checked })} data-testid="zns-uid" />
          Gửi được qua UID (cho người quan tâm OA)
        </label>
      </div>
      {/* Scrolls sideways inside the card on a phone rather than widen the page. */}
      <div className="z-table-scroll">
        <table className="c-table c-table-form">
          <thead>
            <tr>
              <th>Tham số</th>
              <th>Kiểu</th>
              <th>Tối đa</th>
              <th>Bắt buộc</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {t.params.map((p, i) => (
              <tr key={i}>
                <td>
                  <input
                    className={`c-input${err(`params.${i}.name`) ? " z-bad-input" : ""}`}
                    value={p.name}
                    onChange={(e) => setParam(i, { name: e.target.value })}
                    aria-label={`Tên tham số ${i + 1}`}
                    data-testid={`zns-param-name-${i}`}
                  />
                  {err(`params.${i}.name`) && (
                    <span className="z-err" data-testid={`zns-param-name-${i}-error`}>
                      {err(`params.${i}.name`)}
                    </span>
                  )}
                </td>
                <td>
                  <select
                    className="c-input"
                    aria-label={`Kiểu tham số ${i + 1}`}
                    value={p.type}
                    onChange={(e) => setParam(i, { type: e.target.value as TemplateParam["type"] })}
                  >
                    {PARAM_TYPES.map((k) => (
                      <option key={k}>{k}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <NumInput
                    label={`Độ dài tối đa, tham số ${i + 1}`}
                    value={p.maxLength}
                    min={1}
                    max={2000}
                    onChange={(v) => setParam(i, { maxLength: v ?? 0 })}
                    testId={`zns-param-max-${i}`}
                  />
                  {err(`params.${i}.maxLength`) && (
                    <span className="z-err" data-testid={`zns-param-max-${i}-error`}>
                      {err(`params.${i}.maxLength`)}
                    </span>
                  )}
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Bắt buộc, tham số ${i + 1}`}
                    checked={p.require}
                    onChange={(e) => setParam(i, { require: e.target.checked })}
                  />
                </td>
                <td>
                  <button
                    className="c-btn c-btn-icon"
                    aria-label="Xoá tham số"
                    onClick={() => setT((x) => ({ ...x, params: x.params.filter((_, j) => j !== i) }))}
                  >
                    <Trash2 size={16} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button
        className="c-btn c-btn-sm"
        onClick={() => setT((x) => ({ ...x, params: [...x.params, blankParam()] }))}
        data-testid="zns-param-add"
        disabled={t.params.length >= 30}
      >
        <Plus size={16} /> Thêm tham số
      </button>
      {tried && local.size > 0 && (
        <p className="z-err" role="alert" data-testid="zns-register-problems">
          Còn {local.size} chỗ cần sửa (đánh dấu đỏ).
        </p>
      )}
      <ErrorBox error={save.error && serverProblems(save.error).size === 0 ? save.error : null} testId="zns-register-error" />
      {saved && (
        <p className="c-ok" data-testid="zns-registered">
          Đã đăng ký mẫu {saved}.
        </p>
      )}
      <div className="c-row c-row-end">
        <button className="c-btn c-btn-primary" disabled={save.busy} onClick={() => void submit()} data-testid="zns-register-submit">
          <Save size={16} /> Đăng ký
        </button>
      </div>
    </Card>
  );
}

function TestSend({ templates, onSent }: { templates: ZnsTemplate[]; onSent: () => void }) {
  const [phone, setPhone] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [data, setData] = useState<Record<string, string>>({});
  const [development, setDevelopment] = useState(false);
  const [result, setResult] = useState<TestSendView | null>(null);
  const [pollError, setPollError] = useState<unknown>(null);
  const [retry, setRetry] = useState(0);
  // Why polling stopped: no answer for GIVE_UP_MS ("slow"), or the server refused the question (a 4xx).
  const [halted, setHalted] = useState<"slow" | "refused" | null>(null);
  const since = useRef(0);
  const sent = useRef(onSent);
  sent.current = onSent;
  const send = useAction();
  const template = templates.find((t) => t.id === templateId);
  const submit = async () => {
    setResult(null);
    setPollError(null);
    setHalted(null);
    const body = {
      phone: phone.trim(),
      templateId,
      data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== "")),
      ...(development ? { development } : {}),
    };
    const r = await send.run(() => api.post<TestSendView>("/api/admin/zns/test-send", body));
    since.current = Date.now();
    if (r) setResult(r);
  };
  const checkAgain = () => {
    since.current = Date.now();
    setPollError(null);
    setHalted(null);
    setRetry((n) => n + 1);
  };
  // Until Zalo has answered, ask where the row is.
  const pending = result && !result.done ? result.id : null;
  useEffect(() => {
    if (pending === null || halted) return;
    let stop = false;
    const timer = setTimeout(async () => {
      if (Date.now() - since.current >= GIVE_UP_MS) return setHalted("slow");
      try {
        const r = await api.get<TestSendView>(`/api/admin/zns/test-send/${pending}`);
        if (stop) return;
        setPollError(null);
        setResult(r);
        if (r.done) sent.current();
      } catch (err) {
        if (stop) return;
        setPollError(err);
        // A 4xx will not change by asking again; anything else is shown and asked again (the row goes on).
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) setHalted("refused");
        else setRetry((n) => n + 1);
      }
    }, POLL_MS);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [pending, result, retry, halted]);
  const busy = send.busy || (pending !== null && !halted);
  return (
    <Card title="Thử gửi một tin" testId="zns-test">
      <div className="c-row">
        <Field label="Số điện thoại">
          <input className="c-input" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="0912 345 678" data-testid="zns-test-phone" />
        </Field>
        <Field label="Mẫu" wide>
          <select className="c-input" value={templateId} onChange={(e) => (setTemplateId(e.target.value), setData({}))} data-testid="zns-test-template">
            <option value="">— Chọn mẫu —</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.id} · {t.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {template?.params.map((p) => (
        <Field key={p.name} label={`${p.name}${p.require ? " *" : ""}`} hint={`${p.type}, tối đa ${p.maxLength} ký tự`}>
          <input
            className="c-input"
            value={data[p.name] ?? ""}
            onChange={(e) => setData((d) => ({ ...d, [p.name]: e.target.value }))}
            data-testid={`zns-test-param-${p.name}`}
          />
        </Field>
      ))}
      <label className="c-check c-check-inline">
        <input type="checkbox" checked={development} onChange={(e) => setDevelopment(e.target.checked)} data-testid="zns-test-development" />
        Chế độ development (mẫu chưa duyệt; chỉ gửi tới quản trị viên app/OA)
      </label>
      <ErrorBox error={send.error ?? pollError} testId="zns-test-error" />
      {pending !== null && halted === "slow" && (
        <p className="c-muted" role="status" data-testid="zns-test-stalled">
          Chưa có kết quả: bộ gửi tin có đang chạy?{" "}
          <button className="c-btn c-btn-ghost c-btn-sm" onClick={checkAgain} data-testid="zns-test-check-again">
            Kiểm tra lại
          </button>
        </p>
      )}
      {result &&
        (result.ok === false ? (
          <div className="c-error" data-testid="zns-test-result">
            <div>
              {result.error?.code ? (
                <>
                  Zalo từ chối (mã <code>{result.error.code}</code>): <strong>{zaloReason(result.error.code, result.error.reason)}</strong>
                </>
              ) : (
                <>
                  {TEST_SEND_LABEL[result.state] ?? result.state}: <strong>{reasonLabel(result.error?.reason ?? "")}</strong>
                </>
              )}
            </div>
          </div>
        ) : (
          <p className={result.ok ? "c-ok" : "c-muted"} data-testid="zns-test-result">
            {TEST_SEND_LABEL[result.state] ?? result.state}
            {result.msgId && (
              <>
                . Mã tin: <code>{result.msgId}</code>
              </>
            )}
          </p>
        ))}
      <div className="c-row c-row-end">
        <button className="c-btn c-btn-primary" disabled={busy || !template || phone.trim().length < 9} onClick={submit} data-testid="zns-test-send">
          <Send size={16} /> {busy ? "Đang gửi…" : "Gửi thử"}
        </button>
      </div>
    </Card>
  );
}
