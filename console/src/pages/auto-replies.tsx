import { useEffect, useState, type FormEvent } from "react";
import { Save } from "lucide-react";
import { AUTO_REPLY_INTENT_WORDS, AutoReplyRuleInput, matchIntent, type AutoReplyIntent, type AutoReplyRule, type AutoReplyRuleView } from "@mc/shared";
import { ApiError } from "@mc/web/api-client";
import { fmtDateTime } from "@mc/web/format";
import { detailOfIssue, fieldProblems } from "@mc/web/validation-text";
import { api } from "../api";
import { Badge, Card, ErrorBox, Field, Spinner, useAction, useLoad } from "../ui";
import "./auto-replies.css";

/** What each intent answers with, for the shop to read (the answers are built on the server from real data). */
const ANSWERS: Record<AutoReplyIntent, string> = {
  points: "Số điểm hiện có của khách, kèm đường dẫn mini app.",
  last_order: "Mã và trạng thái đơn hàng gần nhất của khách.",
  store_info: "Địa chỉ, giờ mở cửa hôm nay và đang mở hay đóng của từng cửa hàng.",
  menu: "Đường dẫn mini app để xem thực đơn và đặt món.",
  human: "Chuyển cho nhân viên; ngoài giờ làm việc báo khi nào có người trả lời.",
};
const FIELDS = { keywords: "Từ khoá", "keywords.*": "Từ khoá", priority: "Độ ưu tiên", enabled: "Bật" };

type Draft = { keywords: string; priority: number | null; enabled: boolean };
const draftOf = (r: AutoReplyRuleView): Draft => ({ keywords: r.keywords.join("\n"), priority: r.priority, enabled: r.enabled });
const bodyOf = (d: Draft) => ({
  keywords: d.keywords
    .split("\n")
    .map((k) => k.trim())
    .filter(Boolean),
  priority: d.priority,
  enabled: d.enabled,
});
/** Problems by field ("keywords", "priority"), in Vietnamese: the schema's own words, as the server's would be. */
function problemsOf(d: Draft): Map<string, string> {
  const r = AutoReplyRuleInput.safeParse(bodyOf(d));
  const out = new Map<string, string>();
  if (r.success) return out;
  for (const p of fieldProblems(r.error.issues.map(detailOfIssue))) {
    const field = p.field.split(".")[0]!;
    const line = /^keywords\.(\d+)$/.exec(p.field);
    if (!out.has(field)) out.set(field, line ? `dòng ${Number(line[1]) + 1}: ${p.text}` : p.text);
  }
  return out;
}

/**
 * The auto-replies (`#/auto-replies`): each intent's keywords (one a line, marks and case do not matter),
 * its priority and its switch, saved one intent at a time; a box to try a message against the rules as typed.
 */
export function AutoRepliesPage() {
  const data = useLoad(() => api.get<{ rules: AutoReplyRuleView[] }>("/api/admin/auto-replies"), []);
  const [drafts, setDrafts] = useState<Partial<Record<AutoReplyIntent, Draft>>>({});
  const [probe, setProbe] = useState("còn bao nhiêu điểm");
  useEffect(() => {
    if (data.data) setDrafts(Object.fromEntries(data.data.rules.map((r) => [r.intent, draftOf(r)])));
  }, [data.data]);

  const rules: AutoReplyRule[] = (data.data?.rules ?? []).map((r) => {
    const d = drafts[r.intent];
    const b = d ? bodyOf(d) : null;
    return { intent: r.intent, keywords: b?.keywords ?? r.keywords, priority: b?.priority ?? r.priority, enabled: b?.enabled ?? r.enabled };
  });
  const hit = probe.trim() ? matchIntent(rules, probe) : null;

  return (
    <div className="c-page" data-testid="auto-replies-page">
      <div className="c-page-head">
        <div>
          <h1>Tự động trả lời</h1>
          <p className="c-muted">
            Khi người quan tâm OA nhắn tin, câu trả lời dùng dữ liệu thật của họ. Từ khoá không phân biệt dấu và chữ hoa (“diem”, “điểm”, “ĐIỂM” là một). Nhiều
            mục cùng khớp thì mục có độ ưu tiên cao hơn trả lời. Không khớp mục nào: chuyển cho nhân viên.
          </p>
        </div>
      </div>
      <ErrorBox error={data.error} />
      {!data.data ? (
        data.loading && <Spinner />
      ) : (
        <>
          <Card title="Thử một tin nhắn" testId="auto-reply-probe">
            <Field label="Tin nhắn của khách" hint="Thử với các từ khoá đang gõ, kể cả chưa lưu.">
              <input className="c-input" value={probe} onChange={(e) => setProbe(e.target.value)} data-testid="auto-reply-probe-input" />
            </Field>
            <p data-testid="auto-reply-probe-result" role="status">
              {hit ? (
                <>
                  Trả lời: <strong>{AUTO_REPLY_INTENT_WORDS[hit.intent]}</strong> <span className="c-muted">(khớp “{hit.keyword}”)</span>
                </>
              ) : probe.trim() ? (
                "Không khớp mục nào: chuyển cho nhân viên."
              ) : (
                ""
              )}
            </p>
          </Card>
          {data.data.rules.map((r) =>
            drafts[r.intent] ? (
              <RuleCard
                key={r.intent}
                rule={r}
                draft={drafts[r.intent]!}
                onChange={(d) => setDrafts((all) => ({ ...all, [r.intent]: d }))}
                onSaved={(saved) => {
                  data.setData((cur) => cur && { rules: cur.rules.map((x) => (x.intent === saved.intent ? saved : x)) });
                }}
              />
            ) : null,
          )}
        </>
      )}
    </div>
  );
}

function RuleCard({
  rule,
  draft,
  onChange,
  onSaved,
}: {
  rule: AutoReplyRuleView;
  draft: Draft;
  onChange: (d: Draft) => void;
  onSaved: (r: AutoReplyRuleView) => void;
}) {
  const save = useAction();
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState(false);
  const local = problemsOf(draft);
  const problems = tried ? local : new Map<string, string>();
  const id = `ar-${rule.intent}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setDone(false);
    if (local.size > 0) return;
    const res = await save.run(() => api.put<{ rule: AutoReplyRuleView }>(`/api/admin/auto-replies/${rule.intent}`, bodyOf(draft)));
    if (res) {
      setTried(false);
      setDone(true);
      onSaved(res.rule);
    }
  };
  const set = (p: Partial<Draft>) => {
    setDone(false);
    onChange({ ...draft, ...p });
  };
  return (
    <Card
      title={AUTO_REPLY_INTENT_WORDS[rule.intent]}
      actions={<Badge tone={rule.enabled ? "ok" : "muted"}>{rule.enabled ? "Đang bật" : "Đang tắt"}</Badge>}
      testId={`auto-reply-${rule.intent}`}
    >
      <form onSubmit={submit} noValidate>
        <p className="c-muted c-small">{ANSWERS[rule.intent]}</p>
        <div className="c-field">
          <label className="c-label" htmlFor={`${id}-keywords`}>
            Từ khoá (mỗi dòng một từ khoá hoặc cụm từ)
          </label>
          <textarea
            id={`${id}-keywords`}
            className="c-input c-textarea"
            rows={4}
            value={draft.keywords}
            onChange={(e) => set({ keywords: e.target.value })}
            aria-invalid={problems.has("keywords")}
            aria-describedby={problems.has("keywords") ? `${id}-keywords-err` : undefined}
            data-testid={`auto-reply-${rule.intent}-keywords`}
          />
          {problems.has("keywords") && (
            <span className="ar-err" id={`${id}-keywords-err`} role="alert">
              Từ khoá: {problems.get("keywords")}
            </span>
          )}
        </div>
        <div className="c-row">
          <div className="c-field">
            <label className="c-label" htmlFor={`${id}-priority`}>
              Độ ưu tiên (0–100)
            </label>
            <input
              id={`${id}-priority`}
              className="c-input c-num"
              type="number"
              inputMode="numeric"
              min={0}
              max={100}
              value={draft.priority ?? ""}
              onChange={(e) => set({ priority: e.target.value === "" ? null : Number(e.target.value) })}
              aria-invalid={problems.has("priority")}
              aria-describedby={problems.has("priority") ? `${id}-priority-err` : undefined}
              data-testid={`auto-reply-${rule.intent}-priority`}
            />
            {problems.has("priority") && (
              <span className="ar-err" id={`${id}-priority-err`} role="alert">
                Độ ưu tiên: {problems.get("priority")}
              </span>
            )}
          </div>
          <label className="c-check c-check-inline">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(e) => set({ enabled: e.target.checked })}
              data-testid={`auto-reply-${rule.intent}-enabled`}
            />
            <span>Bật tự động trả lời mục này</span>
          </label>
        </div>
        <ErrorBox error={save.error instanceof ApiError ? save.error : null} fields={FIELDS} testId={`auto-reply-${rule.intent}-error`} />
        <div className="c-row c-row-end">
          <span className="c-muted c-small">Sửa lần cuối: {fmtDateTime(rule.updatedAt)}</span>
          {done && (
            <span className="c-small" role="status" data-testid={`auto-reply-${rule.intent}-saved`}>
              Đã lưu
            </span>
          )}
          <button className="c-btn c-btn-primary" disabled={save.busy} data-testid={`auto-reply-${rule.intent}-save`}>
            <Save size={16} /> {save.busy ? "Đang lưu…" : "Lưu"}
          </button>
        </div>
      </form>
    </Card>
  );
}
