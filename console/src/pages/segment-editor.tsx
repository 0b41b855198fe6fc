import { useEffect, useState } from "react";
import { ArrowLeft, Clock, Save, Send, Trash } from "lucide-react";
import type { AdminGame, LoyaltyRules, SegmentGroup } from "@mc/shared";
import { api } from "../api";
import { go } from "../routing";
import { countRules, EMPTY_RULES, MAX_RULES, treeProblems } from "../segment-draft";
import type { SegmentDetail, SegmentVersion, TagCount } from "../crm-types";
import type { Store } from "../types";
import { actorName } from "../actor";
import { GroupEditor } from "../components/group-editor";
import type { RuleContext } from "../components/rule-editor";
import { PreviewPanel, useSegmentPreview } from "../components/segment-preview";
import { Badge, Card, ErrorBox, Field, LoadError, Spinner, useAction, useLoad } from "../ui";
import { SEGMENT_FIELDS } from "../field-labels";
import { fmtDateTime, fmtNumber } from "@mc/web/format";

type Draft = { name: string; description: string; rules: SegmentGroup };

/** What the rule editors offer: tiers, stores, games and known tags (each optional: a failed list leaves its chips empty). */
function useRuleContext() {
  return useLoad(async (): Promise<RuleContext> => {
    const [l, s, g, t] = await Promise.all([
      api.get<{ rules: LoyaltyRules }>("/api/admin/loyalty/rules").catch(() => null),
      api.get<{ stores: Store[] }>("/api/admin/stores").catch(() => null),
      api.get<{ games: AdminGame[] }>("/api/admin/games").catch(() => null),
      api.get<{ tags: TagCount[] }>("/api/admin/tags").catch(() => null),
    ]);
    return {
      tiers: l?.rules.tiers ?? [],
      stores: s?.stores ?? [],
      games: (g?.games ?? []).map((x) => ({ id: x.id, name: x.name })),
      tags: (t?.tags ?? []).map((x) => x.tag),
    };
  });
}

/** #/segments/new and #/segments/<id>: the rule tree, its live count, save (a new version), history, delete. */
export function SegmentEditorPage({ id }: { id: string }) {
  const isNew = id === "new";
  const ctx = useRuleContext();
  const seg = useLoad(() => (isNew ? Promise.resolve(null) : api.get<SegmentDetail>(`/api/admin/segments/${encodeURIComponent(id)}`)), [id, isNew]);
  const [draft, setDraft] = useState<Draft>({ name: "", description: "", rules: EMPTY_RULES });
  const [restored, setRestored] = useState<number | null>(null);
  const saved = seg.data;
  useEffect(() => {
    if (saved) setDraft({ name: saved.name, description: saved.description, rules: saved.rules });
  }, [saved]);

  const problems = treeProblems(draft.rules);
  const rules = countRules(draft.rules);
  if (rules > MAX_RULES) problems.push(`Tối đa ${MAX_RULES} điều kiện trong một phân khúc`);
  const preview = useSegmentPreview(draft.rules, problems.length === 0);
  const dirty = !saved || JSON.stringify({ name: saved.name, description: saved.description, rules: saved.rules }) !== JSON.stringify(draft);
  const nameProblem = draft.name.trim().length < 2 ? "Đặt tên phân khúc (ít nhất 2 ký tự)" : null;

  const save = useAction();
  const del = useAction();
  const onSave = async () => {
    const body = { name: draft.name.trim(), description: draft.description.trim(), rules: draft.rules };
    const r = await save.run(() =>
      isNew ? api.post<SegmentDetail>("/api/admin/segments", body) : api.put<SegmentDetail>(`/api/admin/segments/${encodeURIComponent(id)}`, body),
    );
    if (!r) return;
    setRestored(null);
    if (isNew) go(`segments/${r.id}`);
    else await seg.reload();
  };
  const onDelete = async () => {
    if (!saved || !window.confirm(`Xoá phân khúc «${saved.name}»? Các chiến dịch đã dùng nó vẫn giữ nguyên danh sách của mình.`)) return;
    if (await del.run(() => api.del(`/api/admin/segments/${encodeURIComponent(id)}`))) go("segments");
  };
  const restore = (v: SegmentVersion) => {
    setDraft((d) => ({ ...d, name: v.name, rules: v.rules }));
    setRestored(v.version);
  };

  if (!isNew && !saved)
    return (
      <div className="c-page">
        <a href="#/segments" className="c-back">
          <ArrowLeft size={16} /> Phân khúc
        </a>
        {seg.error ? (
          <LoadError error={seg.error} what="phân khúc" back={{ href: "#/segments", label: "Về danh sách phân khúc" }} testId="segment-load-error" />
        ) : (
          <Spinner />
        )}
      </div>
    );

  return (
    <div className="c-page" data-testid="segment-editor">
      <a href="#/segments" className="c-back">
        <ArrowLeft size={16} /> Phân khúc
      </a>
      <div className="c-page-head">
        <div>
          <h1 data-testid="segment-title">{isNew ? "Phân khúc mới" : saved!.name}</h1>
          <p className="c-muted">
            {saved ? (
              <>
                <Badge tone="info" testId="segment-version">
                  Phiên bản {saved.version}
                </Badge>{" "}
                sửa {fmtDateTime(saved.updatedAt)} bởi {actorName(saved.updatedBy)}
              </>
            ) : (
              "Chọn điều kiện; số người khớp được đếm ngay khi bạn sửa."
            )}
          </p>
        </div>
        <div className="c-row">
          {saved && (
            <button
              className="c-btn"
              disabled={dirty}
              title={dirty ? "Lưu thay đổi trước khi gửi" : undefined}
              onClick={() => go(`broadcasts?segment=${encodeURIComponent(saved.id)}`)}
              data-testid="segment-broadcast"
            >
              <Send size={16} /> Gửi chiến dịch
            </button>
          )}
          {saved && (
            <button className="c-btn c-btn-danger" disabled={del.busy} onClick={onDelete} data-testid="segment-delete">
              <Trash size={16} /> Xoá
            </button>
          )}
        </div>
      </div>
      <ErrorBox error={del.error} testId="segment-delete-error" />

      <div className="c-editor-grid">
        <div className="c-editor-main">
          <Card title="Thông tin">
            <div className="c-fields">
              <Field label="Tên phân khúc">
                <input
                  className="c-input"
                  value={draft.name}
                  maxLength={120}
                  onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
                  placeholder="ví dụ: Khách Vàng lâu chưa ghé"
                  data-testid="segment-name"
                />
              </Field>
              <Field label="Mô tả (không bắt buộc)">
                <input
                  className="c-input"
                  value={draft.description}
                  maxLength={500}
                  onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))}
                  data-testid="segment-description"
                />
              </Field>
            </div>
          </Card>
          <Card
            title="Điều kiện"
            actions={
              <span className="c-small c-muted" data-testid="segment-count-inline">
                {preview.data && !preview.invalid ? `${fmtNumber(preview.data.count)} người khớp` : ""}
              </span>
            }
          >
            {ctx.loading && !ctx.data ? (
              <Spinner />
            ) : (
              <GroupEditor
                group={draft.rules}
                onChange={(rules) => setDraft((d) => ({ ...d, rules }))}
                ctx={ctx.data ?? { tiers: [], stores: [], games: [], tags: [] }}
              />
            )}
          </Card>
          {restored !== null && (
            <p className="c-hint" data-testid="segment-restored">
              Đang xem lại phiên bản {restored}. Bấm «Lưu» để dùng lại nó (thành một phiên bản mới).
            </p>
          )}
          {(nameProblem || problems.length > 0) && (
            <ul className="c-problems" data-testid="segment-problems">
              {[...(nameProblem ? [nameProblem] : []), ...new Set(problems)].map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <ErrorBox error={save.error} testId="segment-save-error" fields={SEGMENT_FIELDS} />
          <div className="c-row c-row-end">
            {saved && dirty && (
              <button className="c-btn" onClick={() => (setDraft({ name: saved.name, description: saved.description, rules: saved.rules }), setRestored(null))}>
                Bỏ thay đổi
              </button>
            )}
            <button
              className="c-btn c-btn-primary"
              disabled={save.busy || !dirty || !!nameProblem || problems.length > 0}
              onClick={onSave}
              data-testid="segment-save"
            >
              <Save size={16} /> {save.busy ? "Đang lưu…" : isNew ? "Lưu phân khúc" : "Lưu phiên bản mới"}
            </button>
          </div>
        </div>
        <aside className="c-editor-side">
          <Card title="Xem trước">
            <PreviewPanel preview={preview} />
          </Card>
          {saved && <History versions={saved.versions} current={saved.version} onRestore={restore} />}
        </aside>
      </div>
    </div>
  );
}

function History({ versions, current, onRestore }: { versions: SegmentVersion[]; current: number; onRestore: (v: SegmentVersion) => void }) {
  const list = [...versions].sort((a, b) => b.version - a.version);
  return (
    <Card
      title={
        <>
          <Clock size={15} /> Lịch sử phiên bản
        </>
      }
      testId="segment-history"
    >
      <ol className="c-history">
        {list.map((v) => (
          <li key={v.version} data-testid={`segment-v${v.version}`}>
            <div>
              <strong>v{v.version}</strong> · {v.name}
              {v.version === current && <Badge tone="ok">đang dùng</Badge>}
            </div>
            <div className="c-small c-muted">
              {fmtDateTime(v.createdAt)} · {actorName(v.changedBy)} · {countRules(v.rules)} điều kiện
            </div>
            {v.version !== current && (
              <button className="c-btn c-btn-sm" onClick={() => onRestore(v)} data-testid={`segment-restore-${v.version}`}>
                Xem lại và khôi phục
              </button>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}
