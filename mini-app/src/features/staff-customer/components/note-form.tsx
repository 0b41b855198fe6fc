import { useState, type FormEvent } from "react";
import { NotebookPen } from "lucide-react";
import { ErrorCode } from "@mc/shared/errors";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../../components/use-toast";
import { toFailure } from "../../../session";
import { addNote } from "../api";

const MAX = 2000;

/** A note for colleagues and the shop: signed with the staff member's name and the time (the server sets both). */
export function NoteForm({ customerId, onAdded }: { customerId: string; onAdded: () => void }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const t = text.trim();
    if (!t || busy) return;
    setBusy(true);
    setError(null);
    try {
      await addNote(customerId, t);
      setText("");
      toast.success("Đã lưu ghi chú");
      onAdded();
    } catch (err) {
      const code = toFailure(err).code;
      setError(
        code === ErrorCode.CUSTOMER_NOT_FOUND
          ? "Không còn xem được khách này (bạn không còn làm ở cửa hàng khách đã ghé?)"
          : code === ErrorCode.VALIDATION_FAILED
            ? "Ghi chú trống hoặc quá dài"
            : describeError(code).title,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="mc-card sc-note-form" onSubmit={(e) => void submit(e)} data-testid="sc-note-form">
      <label className="sc-label" htmlFor="sc-note-text">
        <NotebookPen size={16} /> Thêm ghi chú
      </label>
      <textarea
        id="sc-note-text"
        className="sc-textarea"
        rows={2}
        maxLength={MAX}
        value={text}
        onChange={(e) => (setText(e.target.value), setError(null))}
        placeholder="VD: Khách thích trà đào ít đá, hay ghé buổi sáng"
        data-testid="sc-note-text"
      />
      {error ? (
        <p className="sc-error" role="alert" data-testid="sc-note-error">
          {error}
        </p>
      ) : null}
      <div className="sc-note-foot">
        <span className="sc-hint">Đồng nghiệp và quản lý sẽ thấy, kèm tên bạn và giờ ghi.</span>
        <button className="mc-btn primary sc-note-btn" type="submit" disabled={busy || !text.trim()} data-testid="sc-note-add">
          {busy ? "Đang lưu…" : "Lưu"}
        </button>
      </div>
    </form>
  );
}
