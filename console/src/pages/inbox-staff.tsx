import { useState } from "react";
import { UserCheck } from "lucide-react";
import type { Assignees, CannedAnswer, ConversationSummary } from "@mc/shared";
import { api } from "../api";
import { ErrorBox, useAction, useLoad } from "../ui";

/** The staff side of a conversation (assignment, canned answers, the list's assignee filter), apart from the page's layout. */

const enc = encodeURIComponent;

/** The list's assignee filter: everyone's, the caller's, no one's, a store's, a person's (as `assignee=`/`storeId=` query parts). */
export function AssigneeFilter({ value, onChange }: { value: string; onChange: (qs: string) => void }) {
  const who = useLoad(() => api.get<Assignees>("/api/staff/inbox/assignees"), []);
  return (
    <select
      className="c-input c-inbox-assignee-filter"
      aria-label="Lọc theo người phụ trách"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      data-testid="inbox-assignee-filter"
    >
      <option value="">Mọi người phụ trách</option>
      <option value="assignee=me">Của tôi</option>
      <option value="assignee=none">Chưa giao</option>
      {who.data && who.data.stores.length > 1 && (
        <optgroup label="Cửa hàng">
          {who.data.stores.map((s) => (
            <option key={s.id} value={`storeId=${enc(s.id)}`}>
              {s.name}
            </option>
          ))}
        </optgroup>
      )}
      {who.data && (
        <optgroup label="Người">
          {who.data.people.map((p) => (
            <option key={p.id} value={`assignee=${enc(p.id)}`}>
              {p.name || "(không tên)"}
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}

/** Gives the conversation to a store and one of its people (a store manager: only their stores; the server checks). */
export function AssignBox({ conv, onAssigned }: { conv: ConversationSummary; onAssigned: () => void }) {
  const who = useLoad(() => api.get<Assignees>("/api/staff/inbox/assignees"), []);
  const [storeId, setStoreId] = useState(conv.storeId ?? "");
  const [assigneeId, setAssigneeId] = useState(conv.assigneeId ?? "");
  const act = useAction();
  const people = (who.data?.people ?? []).filter((p) => storeId && p.storeIds.includes(storeId));
  const current = who.data?.people.find((p) => p.id === conv.assigneeId);
  const save = async (s: string, a: string) => {
    setStoreId(s);
    setAssigneeId(a);
    if (await act.run(() => api.post(`/api/staff/inbox/${enc(conv.id)}/assign`, { storeId: s || null, assigneeId: a || null }))) onAssigned();
  };
  return (
    <div className="c-inbox-assign" data-testid="inbox-assign">
      <UserCheck size={16} aria-hidden />
      <select
        className="c-input"
        aria-label="Cửa hàng phụ trách"
        value={storeId}
        disabled={act.busy}
        onChange={(e) => void save(e.target.value, "")}
        data-testid="assign-store"
      >
        <option value="">(chưa có cửa hàng)</option>
        {who.data?.stores.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <select
        className="c-input"
        aria-label="Người phụ trách"
        value={assigneeId}
        disabled={act.busy || !storeId}
        onChange={(e) => void save(storeId, e.target.value)}
        data-testid="assign-person"
      >
        <option value="">Chưa giao cho ai</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name || "(không tên)"}
          </option>
        ))}
      </select>
      {current && !act.busy && (
        <span className="c-muted c-small" data-testid="assign-current">
          Phụ trách: {current.name}
        </span>
      )}
      <ErrorBox error={act.error} testId="assign-error" />
    </div>
  );
}

/** The shop's canned answers; picking one fills it on the server with this person's name, points and last order. */
export function CannedPicker({ conversationId, disabled, onPick }: { conversationId: string; disabled: boolean; onPick: (text: string) => void }) {
  const list = useLoad(() => api.get<{ answers: CannedAnswer[] }>("/api/staff/inbox/canned"), []);
  const act = useAction();
  const pick = async (id: string) => {
    if (!id) return;
    const r = await act.run(() => api.post<{ text: string }>(`/api/staff/inbox/${enc(conversationId)}/canned/${enc(id)}`));
    if (r) onPick(r.text);
  };
  return (
    <>
      <select
        className="c-input c-inbox-canned"
        aria-label="Câu trả lời mẫu"
        value=""
        disabled={disabled || act.busy}
        onChange={(e) => void pick(e.target.value)}
        data-testid="reply-canned"
      >
        <option value="">Câu trả lời mẫu…</option>
        {list.data?.answers.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
      </select>
      <ErrorBox error={act.error ?? list.error} testId="canned-error" />
    </>
  );
}
