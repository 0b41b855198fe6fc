import { useState, type FormEvent } from "react";
import { Plus, Save, Trash2 } from "lucide-react";
import { CANNED_VARIABLES, unknownCannedVariables, type CannedAnswer } from "@mc/shared";
import { api } from "../api";
import { CANNED_FIELDS } from "../field-labels";
import { Card, ErrorBox, Field, Spinner, useAction, useLoad } from "../ui";

type Draft = { label: string; text: string; position: number };
const VARS_HINT = `Biến được dùng: ${CANNED_VARIABLES.map((v) => `{${v}}`).join(", ")} — điền bằng tên, số điểm và đơn gần nhất của khách khi chèn.`;

/** A variable the server would refuse, said before sending (the server checks again: CANNED_VARIABLE_UNKNOWN). */
function VarWarning({ text }: { text: string }) {
  const bad = unknownCannedVariables(text);
  if (!bad.length) return null;
  return (
    <p className="c-small c-text-bad" role="alert" data-testid="canned-var-warning">
      Biến không hợp lệ: {bad.map((v) => `{${v}}`).join(", ")}
    </p>
  );
}

function Editor({
  initial,
  onSave,
  onDelete,
  testId,
}: {
  initial: Draft;
  onSave: (d: Draft) => Promise<unknown>;
  onDelete?: () => Promise<unknown>;
  testId: string;
}) {
  const [d, setD] = useState(initial);
  const act = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run(() => onSave(d))) if (!onDelete) setD({ label: "", text: "", position: d.position + 1 });
  };
  return (
    <form className="c-form-grid" onSubmit={submit} data-testid={testId}>
      <Field label="Tên câu mẫu">
        <input className="c-input" value={d.label} maxLength={60} onChange={(e) => setD({ ...d, label: e.target.value })} data-testid="canned-label" />
      </Field>
      <Field label="Nội dung" hint={VARS_HINT} wide>
        <textarea
          className="c-input"
          rows={3}
          maxLength={2000}
          value={d.text}
          onChange={(e) => setD({ ...d, text: e.target.value })}
          data-testid="canned-text"
        />
      </Field>
      <VarWarning text={d.text} />
      <ErrorBox error={act.error} fields={CANNED_FIELDS} testId="canned-save-error" />
      <div className="c-row c-row-tight">
        <button className="c-btn c-btn-primary" disabled={act.busy || !d.label.trim() || !d.text.trim()} data-testid="canned-save">
          {onDelete ? <Save size={16} /> : <Plus size={16} />} {onDelete ? "Lưu" : "Thêm câu mẫu"}
        </button>
        {onDelete && (
          <button type="button" className="c-btn c-btn-danger" disabled={act.busy} onClick={() => void act.run(onDelete)} data-testid="canned-delete">
            <Trash2 size={16} /> Xoá
          </button>
        )}
      </div>
    </form>
  );
}

/** `#/canned`: the inbox's canned answers, which staff insert into a reply filled with the person's own data. */
export function CannedPage() {
  const list = useLoad(() => api.get<{ answers: CannedAnswer[] }>("/api/admin/canned-answers"), []);
  const answers = list.data?.answers ?? [];
  const next = answers.reduce((m, a) => Math.max(m, a.position), 0) + 1;
  return (
    <div className="c-page" data-testid="canned-page">
      <div className="c-page-head">
        <div>
          <h1>Câu trả lời mẫu</h1>
          <p className="c-muted">Nhân viên chọn câu mẫu trong Hộp thư OA; các biến được điền bằng dữ liệu thật của khách đang trò chuyện.</p>
        </div>
      </div>
      <ErrorBox error={list.error} />
      {!list.data ? (
        list.loading && <Spinner />
      ) : (
        <>
          {answers.map((a) => (
            <Card key={`${a.id}:${a.updatedAt}`} title={a.label}>
              <Editor
                testId="canned-item"
                initial={{ label: a.label, text: a.text, position: a.position }}
                onSave={(d) => api.put(`/api/admin/canned-answers/${encodeURIComponent(a.id)}`, d).then(list.reload)}
                onDelete={() => api.del(`/api/admin/canned-answers/${encodeURIComponent(a.id)}`).then(list.reload)}
              />
            </Card>
          ))}
          <Card title="Thêm câu mẫu">
            <Editor
              key={next}
              testId="canned-new"
              initial={{ label: "", text: "", position: next }}
              onSave={(d) => api.post("/api/admin/canned-answers", d).then(list.reload)}
            />
          </Card>
        </>
      )}
    </div>
  );
}
