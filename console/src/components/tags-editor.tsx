import { useState, type FormEvent } from "react";
import { Plus, X } from "lucide-react";
import { api } from "../api";
import type { TagCount } from "../crm-types";
import { ErrorBox, useAction, useLoad } from "../ui";
import { TAG_FIELDS } from "../field-labels";

const TAG = /^[\p{L}\p{N}-]+$/u;
const MAX_TAGS = 30;
/** As the server stores a tag (shared Tag): trimmed, lower case; spaces become dashes here for convenience. */
const normal = (s: string) => s.trim().toLowerCase().replace(/\s+/g, "-");

/** The person's tags as chips: add one, remove one; each change saves the whole list (PUT …/tags). */
export function TagsEditor({ customerId, tags, onSaved }: { customerId: string; tags: string[]; onSaved: (tags: string[]) => void }) {
  const known = useLoad(() => api.get<{ tags: TagCount[] }>("/api/admin/tags").catch(() => ({ tags: [] })));
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const save = useAction();
  const put = async (next: string[]) => {
    const r = await save.run(() => api.put<{ tags: string[] }>(`/api/admin/customers/${encodeURIComponent(customerId)}/tags`, { tags: next }));
    if (r) onSaved(r.tags);
    return !!r;
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const tag = normal(text);
    if (!tag) return;
    if (tag.length > 40) return setProblem("Nhãn dài tối đa 40 ký tự");
    if (!TAG.test(tag)) return setProblem("Nhãn chỉ gồm chữ, số và dấu gạch ngang (-)");
    if (tags.includes(tag)) return setProblem(`Đã có nhãn «${tag}»`);
    if (tags.length >= MAX_TAGS) return setProblem(`Tối đa ${MAX_TAGS} nhãn`);
    setProblem(null);
    if (await put([...tags, tag])) setText("");
  };
  const suggestions = (known.data?.tags ?? []).map((t) => t.tag).filter((t) => !tags.includes(t));
  return (
    <div data-testid="tags-editor">
      <ul className="c-chips c-tag-chips" aria-label="Nhãn hiện có" data-testid="profile-tags">
        {tags.map((t) => (
          <li key={t} className="c-chip c-chip-tag" data-tag={t}>
            {t}
            <button
              type="button"
              className="c-chip-x"
              disabled={save.busy}
              onClick={() => void put(tags.filter((x) => x !== t))}
              aria-label={`Bỏ nhãn ${t}`}
              data-testid={`tag-remove-${t}`}
            >
              <X size={12} />
            </button>
          </li>
        ))}
        {!tags.length && <li className="c-muted">Chưa có nhãn.</li>}
      </ul>
      <form className="c-row c-tag-add" onSubmit={add}>
        <label className="c-field c-field-wide">
          <span className="c-label">Thêm nhãn</span>
          <input
            className="c-input"
            value={text}
            list="known-tags"
            maxLength={60}
            placeholder="vip, khách-văn-phòng…"
            onChange={(e) => (setText(e.target.value), setProblem(null))}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? "tag-problem" : undefined}
            data-testid="tag-input"
          />
          <datalist id="known-tags">
            {suggestions.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        <button className="c-btn c-field-btn" disabled={save.busy || !text.trim()} data-testid="tag-add">
          <Plus size={16} /> Thêm
        </button>
      </form>
      {problem && (
        <p className="c-field-error" id="tag-problem" role="alert">
          {problem}
        </p>
      )}
      <ErrorBox error={save.error} testId="tags-error" fields={TAG_FIELDS} />
    </div>
  );
}
