import { useEffect, useRef, useState } from "react";
import { Plus, Save, Send, Trash2 } from "lucide-react";
import type { TemplateParam, ZnsTemplateInput } from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { api } from "../api";
import { TAG_LABEL, TEST_SEND_LABEL, reasonLabel, zaloReason } from "../labels";
import type { ZnsTemplate } from "../types";
import { Card, ErrorBox, Field, NumInput, Spinner, useAction, useLoad } from "../ui";
import { fmtDateTime, fmtNumber } from "@mc/web/format";

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

export function ZnsPage() {
  const list = useLoad(() => api.get<{ templates: ZnsTemplate[] }>("/api/admin/zns/templates"));
  const quota = useLoad(() => api.get<{ daily: number; remaining: number }>("/api/admin/zns/quota"));
  return (
    <div className="c-page" data-testid="zns-page">
      <div className="c-page-head">
        <div>
          <h1>Mẫu ZNS</h1>
          <p className="c-muted">Đăng ký các mẫu đã được Zalo duyệt (mã mẫu, tag, tham số) để dùng trong chiến dịch và thử gửi.</p>
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
      <Card title="Mẫu đã đăng ký">
        <ErrorBox error={list.error} />
        {list.loading && !list.data ? (
          <Spinner />
        ) : !list.data?.templates.length ? (
          <p className="c-empty">Chưa đăng ký mẫu nào.</p>
        ) : (
          <table className="c-table" data-testid="zns-list">
            <thead>
              <tr>
                <th>Mã mẫu</th>
                <th>Tên</th>
                <th>Tag</th>
                <th>Tham số</th>
                <th>Gửi qua UID</th>
                <th>Đăng ký lúc</th>
              </tr>
            </thead>
            <tbody>
              {list.data.templates.map((t) => (
                <tr key={t.id} data-testid={`zns-row-${t.id}`}>
                  <td>
                    <code>{t.id}</code>
                  </td>
                  <td>{t.name}</td>
                  <td>{TAG_LABEL[t.tag] ?? t.tag}</td>
                  <td className="c-small">
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
                  <td>{t.uid ? "Có" : "Không"}</td>
                  <td>{fmtDateTime(t.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <div className="c-grid-2">
        <Register onDone={() => void list.reload()} />
        <TestSend templates={list.data?.templates ?? []} onSent={() => void quota.reload()} />
      </div>
    </div>
  );
}

const blankParam = (): TemplateParam => ({ name: "", type: "STRING", maxLength: 30, require: true });

function Register({ onDone }: { onDone: () => void }) {
  const [t, setT] = useState<ZnsTemplateInput>({ id: "", name: "", tag: 2, params: [blankParam()], uid: true });
  const [saved, setSaved] = useState<string | null>(null);
  const save = useAction();
  const setParam = (i: number, patch: Partial<TemplateParam>) => setT((x) => ({ ...x, params: x.params.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  const problems: string[] = [];
  if (!t.id.trim()) problems.push("Nhập mã mẫu (template id của Zalo)");
  if (!t.name.trim()) problems.push("Nhập tên mẫu");
  t.params.forEach((p, i) => {
    if (!/^[a-zA-Z0-9_]+$/.test(p.name)) problems.push(`Tham số #${i + 1}: tên chỉ gồm chữ, số, dấu _`);
    if (!(p.maxLength >= 1)) problems.push(`Tham số #${i + 1}: độ dài tối đa ≥ 1`);
  });
  const submit = async () => {
    const r = await save.run(() => api.post<ZnsTemplate>("/api/admin/zns/templates", { ...t, id: t.id.trim(), name: t.name.trim() }));
    if (r) {
      setSaved(r.id);
      onDone();
    }
  };
  return (
    <Card title="Đăng ký mẫu" testId="zns-register">
      <div className="c-row">
        <Field label="Mã mẫu">
          <input className="c-input" value={t.id} onChange={(e) => setT({ ...t, id: e.target.value })} data-testid="zns-id" placeholder="ví dụ 100002" />
        </Field>
        <Field label="Tên" wide>
          <input className="c-input" value={t.name} onChange={(e) => setT({ ...t, name: e.target.value })} data-testid="zns-name" />
        </Field>
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
                <input className="c-input" value={p.name} onChange={(e) => setParam(i, { name: e.target.value })} data-testid={`zns-param-name-${i}`} />
              </td>
              <td>
                <select className="c-input" value={p.type} onChange={(e) => setParam(i, { type: e.target.value as TemplateParam["type"] })}>
                  {PARAM_TYPES.map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </select>
              </td>
              <td>
                <NumInput value={p.maxLength} min={1} max={2000} onChange={(v) => setParam(i, { maxLength: v ?? 0 })} testId={`zns-param-max-${i}`} />
              </td>
              <td>
                <input type="checkbox" checked={p.require} onChange={(e) => setParam(i, { require: e.target.checked })} />
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
      <button
        className="c-btn c-btn-sm"
        onClick={() => setT((x) => ({ ...x, params: [...x.params, blankParam()] }))}
        data-testid="zns-param-add"
        disabled={t.params.length >= 30}
      >
        <Plus size={16} /> Thêm tham số
      </button>
      {problems.length > 0 && (
        <ul className="c-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <ErrorBox error={save.error} testId="zns-register-error" />
      {saved && (
        <p className="c-ok" data-testid="zns-registered">
          Đã đăng ký mẫu {saved}.
        </p>
      )}
      <div className="c-row c-row-end">
        <button className="c-btn c-btn-primary" disabled={save.busy || problems.length > 0} onClick={submit} data-testid="zns-register-submit">
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
