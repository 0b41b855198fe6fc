import { useRef, useState, type FormEvent } from "react";
import type { AdjustPointsBody } from "@mc/shared";
import { api } from "../api";
import { ErrorBox, Field, NumInput, useAction } from "../ui";
import { ADJUST_FIELDS } from "../field-labels";
import { fmtNumber } from "@mc/web/format";
import { newRequestId } from "@mc/web/request-id";

/** One key per intended adjustment: a retry after a lost answer is the same request, and the ledger applies it once. */
const newKey = () => newRequestId("console");

/** A manual points adjustment: amount and reason, then an explicit confirmation (it is audited). */
export function PointsAdjust({ customerId, name, balance, onDone }: { customerId: string; name: string; balance: number; onDone: (balance: number) => void }) {
  const [sign, setSign] = useState<1 | -1>(1);
  const [amount, setAmount] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const key = useRef(newKey());
  const act = useAction();
  const fresh = () => {
    key.current = newKey();
    setConfirming(false);
    setDone(null);
  };

  const delta = sign * (amount ?? 0);
  const problems: string[] = [];
  if (!amount || amount <= 0) problems.push("Nhập số điểm lớn hơn 0");
  else if (amount > 1_000_000) problems.push("Tối đa 1.000.000 điểm một lần");
  if (reason.trim().length < 3) problems.push("Ghi lý do (ít nhất 3 ký tự)");
  if (sign < 0 && amount && amount > balance) problems.push(`Chỉ còn ${fmtNumber(balance)} điểm để trừ`);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problems.length) return;
    if (!confirming) return setConfirming(true);
    const body: AdjustPointsBody = { delta, reason: reason.trim(), idempotencyKey: key.current };
    const r = await act.run(() =>
      api.post<{ balance: number; duplicate: boolean }>(`/api/admin/customers/${encodeURIComponent(customerId)}/points/adjust`, body),
    );
    if (!r) return;
    onDone(r.balance);
    setAmount(null);
    setReason("");
    fresh();
    setDone(`Đã ${delta > 0 ? "cộng" : "trừ"} ${fmtNumber(Math.abs(delta))} điểm. Số dư mới: ${fmtNumber(r.balance)} điểm.`);
  };

  return (
    <form onSubmit={submit} className="c-adjust" data-testid="points-adjust" aria-label="Điều chỉnh điểm">
      <h3>Điều chỉnh điểm</h3>
      <div className="c-row">
        <div className="c-field">
          <span className="c-label" id="adjust-sign">
            Cộng hay trừ
          </span>
          <div className="c-seg" role="group" aria-labelledby="adjust-sign">
            {([1, -1] as const).map((s) => (
              <button
                key={s}
                type="button"
                className={sign === s ? "on" : ""}
                aria-pressed={sign === s}
                onClick={() => (setSign(s), fresh())}
                data-testid={`adjust-${s > 0 ? "add" : "sub"}`}
              >
                {s > 0 ? "Cộng" : "Trừ"}
              </button>
            ))}
          </div>
        </div>
        <Field label="Số điểm">
          <NumInput value={amount} min={1} max={1_000_000} allowEmpty onChange={(v) => (setAmount(v), fresh())} testId="adjust-amount" />
        </Field>
      </div>
      <Field label="Lý do (ghi vào lịch sử và nhật ký)">
        <input
          className="c-input"
          value={reason}
          maxLength={200}
          placeholder="ví dụ: Bù điểm hoá đơn 0042 nhập thiếu"
          onChange={(e) => (setReason(e.target.value), fresh())}
          data-testid="adjust-reason"
        />
      </Field>
      {confirming ? (
        <div className="c-confirm" role="alertdialog" aria-labelledby="adjust-confirm-text" data-testid="adjust-confirm">
          <p id="adjust-confirm-text">
            {delta > 0 ? "Cộng" : "Trừ"} <strong>{fmtNumber(Math.abs(delta))} điểm</strong> {delta > 0 ? "cho" : "của"} {name}: {fmtNumber(balance)} →{" "}
            <strong>{fmtNumber(balance + delta)}</strong> điểm. Lý do: «{reason.trim()}».
          </p>
          <div className="c-row">
            <button type="button" className="c-btn" onClick={() => setConfirming(false)} disabled={act.busy}>
              Quay lại
            </button>
            <button className="c-btn c-btn-primary" disabled={act.busy} data-testid="adjust-confirm-yes" autoFocus>
              {act.busy ? "Đang ghi…" : "Xác nhận"}
            </button>
          </div>
        </div>
      ) : (
        <>
          {(amount !== null || reason) && problems.length > 0 && (
            <ul className="c-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div className="c-row">
            <button className="c-btn" disabled={problems.length > 0} data-testid="adjust-submit">
              Điều chỉnh…
            </button>
          </div>
        </>
      )}
      <ErrorBox error={act.error} testId="adjust-error" fields={ADJUST_FIELDS} />
      {done && (
        <p className="c-ok" role="status" data-testid="adjust-done">
          {done}
        </p>
      )}
    </form>
  );
}
