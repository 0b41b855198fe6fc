import { useCallback, useEffect, useRef, useState, type ReactNode, type SetStateAction } from "react";
import { AlertTriangle, ArrowLeft, Loader2, SearchX } from "lucide-react";
import { ApiError } from "@mc/web/api-client";
import { describeError } from "@mc/web/error-messages";
import { fieldProblems } from "@mc/web/validation-text";

/**
 * A failed call in Vietnamese: the shared table's words for its code (`titles` may say it the page's way), the
 * validation problems field by field (`fields` names them as the form does), and the request id for support.
 * The server's English message is never shown.
 */
export function ErrorBox({
  error,
  testId,
  fields,
  titles,
}: {
  error: unknown;
  testId?: string;
  fields?: Record<string, string>;
  titles?: Partial<Record<string, string>>;
}) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const code = e?.code ?? "CLIENT";
  const { title, hint } = describeError(code);
  const problems = e && (code === "VALIDATION_FAILED" || code === "TEMPLATE_DATA_INVALID") ? fieldProblems(e.details, labelsFor(e.details, fields)) : [];
  return (
    <div className="c-error" role="alert" data-testid={testId ?? "error"} data-code={code}>
      <AlertTriangle size={18} />
      <div>
        <div className="c-error-msg">{titles?.[code] ?? title}</div>
        {problems.length > 0 ? (
          <ul className="c-error-details">
            {problems.map((p, i) => (
              <li key={i}>
                {p.field && <strong>{p.field}: </strong>}
                {p.text}
              </li>
            ))}
          </ul>
        ) : code === "VALIDATION_FAILED" ? (
          // No field the server could name (a rule checked as a whole): a line to act on all the same.
          <div className="c-error-hint" data-testid="validation-generic">
            Có thông tin chưa đúng dạng hoặc thiếu; kiểm tra lại các mục đã nhập rồi thử lại.
          </div>
        ) : (
          hint && <div className="c-error-hint">{hint}</div>
        )}
        {e?.requestId && <div className="c-muted c-small">Mã yêu cầu: {e.requestId}</div>}
      </div>
    </div>
  );
}

/**
 * The form's words for each path in a validation answer: its own label, else the label of the nearest
 * labelled part it belongs to ("rules.all.0.tags" under "rules"), else none: a raw path is never shown.
 */
function labelsFor(details: unknown, fields: Record<string, string> = {}): Record<string, string> {
  if (!Array.isArray(details)) return fields;
  const out = { ...fields };
  const star = (path: string) => path.replace(/\.\d+(?=\.|$)/g, ".*");
  for (const d of details as { instancePath?: unknown }[]) {
    const path = String(d?.instancePath ?? "")
      .replace(/^\//, "")
      .split("/")
      .filter(Boolean)
      .join(".");
    if (path in out || star(path) in out) continue;
    const parts = path.split(".");
    let label = "";
    for (let n = parts.length - 1; n > 0 && !label; n--) {
      const prefix = parts.slice(0, n).join(".");
      label = fields[prefix] ?? fields[star(prefix)] ?? "";
    }
    out[path] = label;
  }
  return out;
}

/** A record's page whose load failed: an unknown id (any 404) is "not found" with a way back; anything else is an ErrorBox. */
export function LoadError({ error, what, back, testId }: { error: unknown; what: string; back: { href: string; label: string }; testId?: string }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 404) return <NotFound what={what} back={back} code={error.code} />;
  return <ErrorBox error={error} testId={testId} />;
}

/** A link to a record that is not there: says so, with the way back to its list. */
export function NotFound({ what, back, code }: { what: string; back: { href: string; label: string }; code?: string }) {
  return (
    <div className="c-not-found" role="status" data-testid="not-found" data-code={code}>
      <SearchX size={28} />
      <div>
        <div className="c-error-msg">Không tìm thấy {what} này.</div>
        <p className="c-muted">Đường dẫn không trỏ tới {what} nào: có thể đã bị xoá, hoặc đường dẫn bị sai.</p>
        <a href={back.href} className="c-btn c-btn-sm">
          <ArrowLeft size={16} /> {back.label}
        </a>
      </div>
    </div>
  );
}

export function Card({ title, actions, children, testId }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="c-card" data-testid={testId}>
      {(title || actions) && (
        <header className="c-card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="c-card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Field({ label, hint, children, wide }: { label: ReactNode; hint?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <label className={`c-field${wide ? " c-field-wide" : ""}`}>
      <span className="c-label">{label}</span>
      {children}
      {hint && <span className="c-hint">{hint}</span>}
    </label>
  );
}

export function NumInput({
  value,
  onChange,
  min,
  max,
  step,
  testId,
  allowEmpty,
  label,
}: {
  /** Its name for a screen reader when no visible label wraps it (a table cell under a header). */
  label?: string;
  value: number | null | undefined;
  onChange: (v: number | null) => void;
  min?: number;
  max?: number;
  step?: number;
  testId?: string;
  allowEmpty?: boolean;
}) {
  return (
    <input
      type="number"
      className="c-input c-num"
      value={value ?? ""}
      min={min}
      max={max}
      step={step ?? 1}
      data-testid={testId}
      aria-label={label}
      onChange={(e) => {
        const raw = e.target.value;
        if (raw === "") return onChange(allowEmpty ? null : 0);
        const n = Number(raw);
        if (Number.isFinite(n)) onChange(n);
      }}
    />
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="c-spinner">
      <Loader2 size={16} className="c-spin" /> {label ?? "Đang tải…"}
    </span>
  );
}

export function Badge({ tone, children, testId }: { tone: "ok" | "warn" | "bad" | "info" | "muted"; children: ReactNode; testId?: string }) {
  return (
    <span className={`c-badge c-badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

/**
 * Loads once (and on `reload()`), keeping the last data while reloading. Only the newest load's answer is
 * kept, and `setData` (an action's answer) drops the loads already in flight, e.g. a poll started before it.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const alive = useRef(true);
  const seq = useRef(0);
  const run = useCallback(async () => {
    const my = ++seq.current;
    setLoading(true);
    try {
      const d = await load();
      if (alive.current && my === seq.current) {
        setData(d);
        setError(null);
      }
    } catch (e) {
      if (alive.current && my === seq.current) setError(e);
    } finally {
      if (alive.current && my === seq.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    alive.current = true;
    void run();
    return () => {
      alive.current = false;
    };
  }, [run]);
  const replace = useCallback((next: SetStateAction<T | null>) => {
    seq.current++;
    setData(next);
    setLoading(false);
  }, []);
  return { data, setData: replace, error, loading, reload: run };
}

/** Runs an action, tracking busy/error; returns the result or undefined on failure. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
