import { useState, type FormEvent } from "react";
import { noteText, type CustomerNote } from "@mc/shared";
import { api } from "../api";
import { Card, ErrorBox, Spinner, useAction } from "../ui";
import { NOTE_FIELDS } from "../field-labels";
import { useTimeline } from "./timeline-card";
import { fmtDateTime } from "@mc/web/format";

/** The shop's notes on a person: add one; the list (the timeline's notes) shows who wrote each and when. */
export function NotesCard({ customerId, version, onAdded }: { customerId: string; version: number; onAdded: () => void }) {
  const notes = useTimeline(customerId, ["note"], version, 10);
  const [text, setText] = useState("");
  const add = useAction();
  const [added, setAdded] = useState<CustomerNote[]>([]);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim()) return;
    const r = await add.run(() => api.post<{ note: CustomerNote }>(`/api/admin/customers/${encodeURIComponent(customerId)}/notes`, { text: text.trim() }));
    if (!r) return;
    setText("");
    setAdded((a) => [r.note, ...a]);
    onAdded();
  };
  // Notes just added show at once; once the timeline has them (it reloads on `version`), it shows them itself.
  const listed = new Set(notes.items.map((n) => n.key));
  const fresh = added.filter((n) => !listed.has(`note:${n.id}`) && !notes.items.some((i) => i.data.id === n.id));
  const rows = [
    ...fresh.map((n) => ({ key: `new:${n.id}`, text: n.text, who: n.authorName, at: n.createdAt })),
    ...notes.items.map((i) => ({ key: i.key, text: noteText(i), who: i.actor ?? "", at: i.at })),
  ];
  return (
    <Card title="Ghi chú" testId="notes-card">
      <form onSubmit={submit}>
        <label className="c-field">
          <span className="c-label">Ghi chú mới (chỉ nhân viên cửa hàng thấy)</span>
          <textarea
            className="c-input c-textarea"
            rows={2}
            maxLength={2000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
            }}
            placeholder="ví dụ: Thích cà phê ít đá, hay ghé sáng thứ Bảy"
            data-testid="note-text"
          />
        </label>
        <ErrorBox error={add.error} testId="note-error" fields={NOTE_FIELDS} />
        <div className="c-row c-row-end c-mt-0 c-note-actions">
          <span className="c-hint c-kbd-hint">Ctrl + Enter để lưu</span>
          <button className="c-btn c-btn-primary" disabled={add.busy || !text.trim()} data-testid="note-add">
            {add.busy ? "Đang lưu…" : "Thêm ghi chú"}
          </button>
        </div>
      </form>
      <ErrorBox error={notes.error} testId="notes-error" />
      {notes.loading && !rows.length ? (
        <Spinner />
      ) : !rows.length ? (
        !notes.error && <p className="c-empty">Chưa có ghi chú.</p>
      ) : (
        <ul className="c-notes" data-testid="notes">
          {rows.map((n) => (
            <li key={n.key} className="c-note">
              <div className="c-note-text">{n.text}</div>
              <div className="c-small c-muted">
                {n.who || "—"} · <time dateTime={n.at}>{fmtDateTime(n.at)}</time>
              </div>
            </li>
          ))}
        </ul>
      )}
      {notes.next && (
        <div className="c-row c-row-center">
          <button className="c-btn c-btn-sm" onClick={() => void notes.more()} disabled={notes.loading}>
            Xem thêm ghi chú
          </button>
        </div>
      )}
    </Card>
  );
}
