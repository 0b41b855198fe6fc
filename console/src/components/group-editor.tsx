import { FolderPlus, Plus, X } from "lucide-react";
import type { SegmentGroup, SegmentNode } from "@mc/shared";
import { GROUP_LABEL } from "../crm-labels";
import { childrenOf, groupKind, groupOf, isGroup, MAX_CHILDREN, MAX_GROUP_DEPTH, newRule, type GroupKind } from "../segment-draft";
import { RuleEditor, type RuleContext } from "./rule-editor";

/** A group of rules (VÀ / HOẶC / KHÔNG), with its rules and groups inside; nests up to MAX_GROUP_DEPTH. */
export function GroupEditor({
  group,
  onChange,
  onRemove,
  ctx,
  depth = 0,
  testId = "group",
}: {
  group: SegmentGroup;
  onChange: (g: SegmentGroup) => void;
  onRemove?: () => void;
  ctx: RuleContext;
  depth?: number;
  testId?: string;
}) {
  const kind = groupKind(group);
  const children = childrenOf(group);
  const set = (next: SegmentNode[]) => onChange(groupOf(kind, next));
  const replace = (i: number, n: SegmentNode) => set(children.map((c, j) => (j === i ? n : c)));
  const remove = (i: number) => set(children.filter((_, j) => j !== i));
  const full = children.length >= MAX_CHILDREN;
  return (
    <div className={`c-group c-group-${kind} c-group-d${depth}`} data-testid={testId} role="group" aria-label={GROUP_LABEL[kind]}>
      <div className="c-group-head">
        <label className="c-sr-only" htmlFor={`${testId}-op`}>
          Cách kết hợp
        </label>
        <select
          id={`${testId}-op`}
          className="c-input c-group-op"
          value={kind}
          onChange={(e) => onChange(groupOf(e.target.value as GroupKind, children))}
          data-testid={`${testId}-op`}
        >
          {(Object.keys(GROUP_LABEL) as GroupKind[]).map((k) => (
            <option key={k} value={k}>
              {GROUP_LABEL[k]}
            </option>
          ))}
        </select>
        {onRemove && (
          <button type="button" className="c-btn c-btn-icon" onClick={onRemove} aria-label="Xoá nhóm này" data-testid={`${testId}-remove`}>
            <X size={16} />
          </button>
        )}
      </div>
      {children.length === 0 && (
        <p className="c-hint c-group-empty">{kind === "any" ? "Nhóm «HOẶC» trống không khớp ai." : "Nhóm trống khớp mọi người."} Thêm điều kiện bên dưới.</p>
      )}
      <div className="c-group-children">
        {children.map((c, i) =>
          isGroup(c) ? (
            <GroupEditor key={i} group={c} onChange={(g) => replace(i, g)} onRemove={() => remove(i)} ctx={ctx} depth={depth + 1} testId={`${testId}-${i}`} />
          ) : (
            <RuleEditor key={i} rule={c} onChange={(r) => replace(i, r)} onRemove={() => remove(i)} ctx={ctx} testId={`${testId}-${i}`} />
          ),
        )}
      </div>
      <div className="c-group-add">
        <button
          type="button"
          className="c-btn c-btn-sm"
          disabled={full}
          onClick={() => set([...children, newRule("tier", ctx)])}
          data-testid={`${testId}-add-rule`}
        >
          <Plus size={14} /> Điều kiện
        </button>
        {depth < MAX_GROUP_DEPTH && (
          <button type="button" className="c-btn c-btn-sm" disabled={full} onClick={() => set([...children, { any: [] }])} data-testid={`${testId}-add-group`}>
            <FolderPlus size={14} /> Nhóm
          </button>
        )}
      </div>
    </div>
  );
}
