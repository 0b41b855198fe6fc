import { useState } from "react";

/** Cancel with a reason (the server wants 3–200 characters): quick picks or free text. */
export function CancelSheet({
  reasons,
  busy,
  onConfirm,
  onClose,
  title = "Hủy đơn hàng",
}: {
  reasons: string[];
  busy?: boolean;
  onConfirm: (reason: string) => void;
  onClose: () => void;
  title?: string;
}) {
  const [reason, setReason] = useState("");
  const ok = reason.trim().length >= 3;
  return (
    <div className="ord-sheet-backdrop" onClick={busy ? undefined : onClose}>
      <div
        className="ord-sheet ord-sheet-small"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onClick={(e) => e.stopPropagation()}
        data-testid="cancel-sheet"
      >
        <h2>{title}</h2>
        <p className="mc-muted">Chọn hoặc nhập lý do hủy:</p>
        <div className="ord-reasons">
          {reasons.map((r) => (
            <button key={r} className={reason === r ? "on" : ""} onClick={() => setReason(r)} data-testid="cancel-reason">
              {r}
            </button>
          ))}
        </div>
        <textarea
          className="ord-input ord-textarea"
          rows={2}
          maxLength={200}
          placeholder="Lý do khác…"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="cancel-reason-input"
        />
        <div className="mcl-sheet-actions ord-sheet-actions">
          <button className="mc-btn outline" onClick={onClose} disabled={busy}>
            Quay lại
          </button>
          <button className="mc-btn primary ord-danger" onClick={() => onConfirm(reason.trim())} disabled={!ok || busy} data-testid="cancel-confirm">
            {busy ? "Đang hủy…" : "Hủy đơn"}
          </button>
        </div>
      </div>
    </div>
  );
}
