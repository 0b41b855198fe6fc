import type { ReactNode } from "react";

/** A small bottom sheet with a confirm and a cancel button (zmp-ui's Sheet/Modal use the icon font). */
export function ConfirmSheet({
  title,
  children,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="mcl-sheet-backdrop" onClick={busy ? undefined : onCancel}>
      <div className="mcl-sheet" role="dialog" aria-modal="true" aria-label={title} onClick={(e) => e.stopPropagation()} data-testid="confirm-sheet">
        <h2>{title}</h2>
        {children}
        <div className="mcl-sheet-actions">
          <button className="mc-btn outline" onClick={onCancel} disabled={busy}>
            Để sau
          </button>
          <button className="mc-btn primary" onClick={onConfirm} disabled={busy} data-testid="confirm-sheet-ok">
            {busy ? "Đang xử lý…" : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
