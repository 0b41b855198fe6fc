import { useRef, useState } from "react";
import { Download, ShieldExclamationPoint, X } from "lucide-react";
import { openStream, saveBlob } from "../api";
import { ErrorBox } from "../ui";
import { fmtNumber } from "@mc/web/format";

/** Counts CSV records as bytes arrive: newlines outside quoted fields (a quoted name may hold one). */
export function csvRowCounter() {
  let quoted = false;
  let lines = 0;
  let last = "";
  return {
    push(text: string) {
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '"') quoted = !quoted;
        else if (ch === "\n" && !quoted) lines++;
      }
      if (text) last = text[text.length - 1]!;
      return Math.max(0, lines - 1); // the header line is not a row
    },
    /** Rows once the file is complete (a last row without its newline counts too). */
    end: () => Math.max(0, lines - 1 + (last && last !== "\n" ? 1 : 0)),
  };
}

const fileNameOf = (res: Response) => {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get("content-disposition") ?? "");
  return m ? decodeURIComponent(m[1]!) : `khach-hang-${new Date().toISOString().slice(0, 10)}.csv`;
};

type Run = { received: number; state: "running" | "done" | "cancelled"; file?: string };

/**
 * The list's CSV export: streamed, with progress as rows arrive out of the list's count, saved as a file.
 * Full phone numbers are a second, explicit choice: the server audits that export under the admin's name.
 */
export function ExportCsv({ query, count, onClose }: { query: URLSearchParams; count: number | null; onClose: () => void }) {
  const [full, setFull] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const running = run?.state === "running";

  const start = async () => {
    const ctl = new AbortController();
    abort.current = ctl;
    setError(null);
    setRun({ received: 0, state: "running" });
    const q = new URLSearchParams(query);
    q.set("fullPhones", full ? "1" : "0");
    try {
      const res = await openStream(`/api/admin/customers/export.csv?${q}`, ctl.signal);
      const file = fileNameOf(res);
      const counter = csvRowCounter();
      const chunks: BlobPart[] = [];
      const decoder = new TextDecoder();
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        const received = counter.push(decoder.decode(value, { stream: true }));
        setRun({ received, state: "running" });
      }
      saveBlob(new Blob(chunks, { type: "text/csv;charset=utf-8" }), file);
      setRun({ received: counter.end(), state: "done", file });
      setConfirmed(false); // each full-phone export is its own, confirmed, decision
    } catch (e) {
      if (ctl.signal.aborted) setRun((r) => ({ received: r?.received ?? 0, state: "cancelled" }));
      else {
        setRun(null);
        setError(e);
      }
    }
  };

  const pct = run && count ? Math.min(100, Math.round((run.received / Math.max(count, 1)) * 100)) : 0;
  return (
    <div className="c-export" data-testid="export-panel" role="region" aria-label="Xuất danh sách ra CSV">
      <div className="c-card-head">
        <h2>Xuất CSV</h2>
        <button className="c-btn c-btn-icon" onClick={onClose} disabled={running} aria-label="Đóng">
          <X size={16} />
        </button>
      </div>
      <p className="c-muted c-small">Xuất mọi khách khớp bộ lọc hiện tại{count !== null ? ` (${fmtNumber(count)} người)` : ""}.</p>
      <fieldset className="c-fieldset" disabled={running}>
        <legend className="c-label">Số điện thoại</legend>
        <label className="c-check">
          <input type="radio" name="export-phones" checked={!full} onChange={() => (setFull(false), setConfirmed(false))} data-testid="export-masked" />
          Che bớt (84•••••4321), dùng cho hầu hết việc
        </label>
        <label className="c-check">
          <input type="radio" name="export-phones" checked={full} onChange={() => setFull(true)} data-testid="export-full" />
          Đầy đủ
        </label>
      </fieldset>
      {full && (
        <div className="c-warnbox" data-testid="export-full-warning">
          <ShieldExclamationPoint size={18} />
          <label className="c-check">
            <input type="checkbox" checked={confirmed} disabled={running} onChange={(e) => setConfirmed(e.target.checked)} data-testid="export-confirm" />
            Tôi cần số điện thoại đầy đủ và hiểu rằng lần xuất này được ghi vào nhật ký kiểm tra dưới tên tôi. Giữ tệp ở nơi an toàn.
          </label>
        </div>
      )}
      {run && (
        <div className="c-export-progress" aria-live="polite">
          <div className="c-progress-head c-small">
            <span data-testid="export-progress">
              {run.state === "done"
                ? `Đã xong: ${fmtNumber(run.received)} dòng`
                : run.state === "cancelled"
                  ? `Đã huỷ sau ${fmtNumber(run.received)} dòng`
                  : `Đang nhận ${fmtNumber(run.received)}${count !== null ? ` / ${fmtNumber(count)}` : ""} dòng…`}
            </span>
            {count !== null && run.state === "running" && <span>{pct}%</span>}
          </div>
          <div
            className="c-meter"
            role="progressbar"
            aria-label="Tiến độ xuất"
            aria-valuemin={0}
            aria-valuemax={count ?? undefined}
            aria-valuenow={run.received}
          >
            <div style={{ width: `${run.state === "done" ? 100 : pct}%` }} />
          </div>
          {run.file && (
            <p className="c-ok c-small" data-testid="export-done">
              Đã lưu tệp {run.file}
            </p>
          )}
        </div>
      )}
      <ErrorBox error={error} testId="export-error" />
      <div className="c-row c-row-end">
        {running ? (
          <button className="c-btn" onClick={() => abort.current?.abort()} data-testid="export-cancel">
            Huỷ
          </button>
        ) : (
          <button className="c-btn c-btn-primary" disabled={full && !confirmed} onClick={start} data-testid="export-start">
            <Download size={16} /> {full ? "Xuất kèm số đầy đủ" : "Tải xuống CSV"}
          </button>
        )}
      </div>
    </div>
  );
}
