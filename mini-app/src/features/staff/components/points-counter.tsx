import { useEffect, useRef, useState } from "react";
import { Spinner } from "zmp-ui";
import { CheckCircle2, Coins, IdCard, ReceiptText, ScanLine, ShieldAlert, TriangleAlert, UserRoundX } from "lucide-react";
import { ErrorCode } from "@mc/shared/errors";
import { MAX_PURCHASE_VND, purchaseCheck } from "@mc/shared/counter-rules";
import { ApiError, ClientErrorCode } from "@mc/web/api-client";
import { UserAvatar } from "../../../components/avatar";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../../components/use-toast";
import { toFailure } from "../../../session";
import { zalo, ZaloError } from "../../../zalo";
import { fmtDateTime, fmtNumber, fmtVnd } from "@mc/web/format";
import { CodeForm } from "./code-form";
import { ProfileLink } from "./profile-link";
import { awardPoints, fetchMember, type AwardResult, type Member, type Store } from "../api";

/** `errorAt: "receipt"`: the error is about the bill number, shown under (and focusing) that field. */
type MemberStep = { step: "member"; code: string; member: Member; busy: boolean; error?: string; errorAt?: "receipt"; confirming?: boolean };
type Step =
  | { step: "idle"; error?: string }
  | { step: "finding" }
  | MemberStep
  | { step: "done"; member: Member; result: AwardResult; amountVnd: number; receiptId: string };

/** Failures after which the request may still have reached the server (and been applied). */
const UNCERTAIN: string[] = [ClientErrorCode.NETWORK, ClientErrorCode.BAD_RESPONSE];

const PRESETS = [50_000, 100_000, 200_000, 500_000];

const digits = (s: string) => s.replace(/\D/g, "").replace(/^0+/, "");
/** Bill numbers as the POS prints them: letters, digits and separators, compared upper-cased by the server. */
const billNumber = (s: string) =>
  s
    .toUpperCase()
    .replace(/[^0-9A-Z./_-]/g, "")
    .slice(0, 32);

/** Refusals about the bill number (shown under "Số hóa đơn"). */
const RECEIPT_ERRORS: string[] = [ErrorCode.IDEMPOTENCY_KEY_REUSED];

/** A refused award as the line the counter shows. */
function awardErrorText(code: string, details: unknown, receiptId: string): string {
  switch (code) {
    case ErrorCode.IDEMPOTENCY_KEY_REUSED:
      return `Hóa đơn số ${receiptId} đã được tích điểm cho khách khác hoặc với số tiền khác. Kiểm tra lại số hóa đơn.`;
    case ErrorCode.PURCHASE_TOO_SMALL: {
      const min = (details as { minVnd?: number } | undefined)?.minVnd;
      return min ? `Hóa đơn dưới ${fmtVnd(min)} chưa được tích điểm` : "Số tiền chưa đủ để tích điểm";
    }
    case ErrorCode.VALIDATION_FAILED:
      return "Số hóa đơn hoặc số tiền chưa hợp lệ";
    case ErrorCode.STORE_FORBIDDEN:
      return "Bạn không làm việc tại cửa hàng này";
    case ErrorCode.MEMBER_NOT_FOUND:
      return "Không tìm thấy thành viên";
    default:
      return describeError(code).title;
  }
}

/**
 * Member card (scanned or typed) → preview → the POS bill number and amount (a large one confirmed) →
 * points earned and the new balance; a bill already awarded is refused, showing that first award.
 */
export function PointsCounter({ store, initialCode, onConsumed }: { store: Store; initialCode: string | null; onConsumed: () => void }) {
  const [state, setState] = useState<Step>({ step: "idle" });
  const [code, setCode] = useState("");
  const [amount, setAmount] = useState("");
  const [receipt, setReceipt] = useState("");
  const toast = useToast();
  // An award whose answer was lost: the same bill retried may answer `duplicate` for that very award.
  const unanswered = useRef<{ key: string; startedAt: number } | null>(null);

  async function find(raw: string) {
    const c = raw.trim();
    if (c.length < 4) return;
    setState({ step: "finding" });
    try {
      const member = await fetchMember(c);
      setAmount("");
      setReceipt("");
      setState({ step: "member", code: c, member, busy: false });
    } catch (e) {
      const { code: err } = toFailure(e);
      setState({ step: "idle", error: err === ErrorCode.MEMBER_NOT_FOUND ? "Không tìm thấy thành viên với mã này" : describeError(err).title });
    }
  }

  // A member card scanned from the voucher tab lands here.
  useEffect(() => {
    if (!initialCode) return;
    setCode(initialCode);
    void find(initialCode);
    onConsumed();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialCode]);

  async function scan() {
    try {
      const content = (await zalo.scanQRCode()).trim();
      if (!content) return;
      setCode(content);
      void find(content);
    } catch (e) {
      if (!(e instanceof ZaloError && e.zaloCode === -2003)) toast.error("Không mở được trình quét mã");
    }
  }

  // The bill number is the idempotency key: a double tap, a retry after a timeout or the same bill typed
  // again earns once.
  async function award(s: MemberStep, confirmed: boolean) {
    const amountVnd = Number(digits(amount));
    const receiptId = receipt.trim();
    if (!receiptId) return setState({ ...s, error: "Nhập số hóa đơn in trên phiếu tính tiền", errorAt: "receipt" });
    const check = purchaseCheck(amountVnd);
    if (check === "empty") return;
    if (check === "too-large") return setState({ ...s, errorAt: undefined, error: `Số tiền vượt quá giới hạn ${fmtVnd(MAX_PURCHASE_VND)} cho một hóa đơn` });
    if (check === "confirm" && !confirmed) return setState({ ...s, confirming: true, error: undefined, errorAt: undefined });
    setState({ ...s, busy: true, confirming: false, error: undefined, errorAt: undefined });
    const key = JSON.stringify([s.code, store.id, amountVnd, receiptId.toUpperCase()]);
    const prior = unanswered.current?.key === key ? unanswered.current : null;
    const startedAt = prior?.startedAt ?? Date.now();
    try {
      let result = await awardPoints({ memberCode: s.code, storeId: store.id, amountVnd, receiptId });
      // Recorded at/after the unanswered attempt started: that attempt went through, so this is its success.
      if (result.duplicate && prior && Date.parse(result.entry.createdAt) >= prior.startedAt) result = { ...result, duplicate: false };
      unanswered.current = null;
      setState({ step: "done", member: s.member, result, amountVnd, receiptId });
    } catch (e) {
      const { code: err } = toFailure(e);
      unanswered.current = UNCERTAIN.includes(err) ? { key, startedAt } : null;
      setState({
        ...s,
        busy: false,
        confirming: false,
        error: awardErrorText(err, e instanceof ApiError ? e.details : undefined, receiptId),
        errorAt: RECEIPT_ERRORS.includes(err) ? "receipt" : undefined,
      });
    }
  }

  // An error is about what was typed: editing either field clears it.
  const edited = () => setState((st) => (st.step === "member" && st.error ? { ...st, error: undefined, errorAt: undefined } : st));
  const receiptInput = useRef<HTMLInputElement>(null);
  const receiptError = state.step === "member" && state.errorAt === "receipt" ? state.error : undefined;
  useEffect(() => {
    if (receiptError) receiptInput.current?.focus();
  }, [receiptError]);

  const next = () => {
    unanswered.current = null;
    setCode("");
    setAmount("");
    setReceipt("");
    setState({ step: "idle" });
  };

  if (state.step === "finding") {
    return (
      <section className="mc-card mcl-loading">
        <Spinner visible />
      </section>
    );
  }

  if (state.step === "done" && state.result.duplicate) {
    // The same bill entered again: refused, with the award it already earned.
    const { result, member } = state;
    return (
      <section className="mc-card mcl-counter-outcome tone-warn" data-testid="award-result" data-duplicate="true" role="status">
        <span className="mcl-outcome-icon">
          <ShieldAlert size={64} />
        </span>
        <h2 data-testid="award-title">Hóa đơn này đã được tích điểm</h2>
        <p className="mcl-outcome-hint">Không cộng thêm điểm. Đây là lần tích điểm trước của hóa đơn:</p>
        <div className="mcl-outcome-voucher">
          <UserAvatar src={member.avatar} name={member.name} size={40} />
          <div>
            <b>{result.member.name}</b>
            <span>{result.entry.reason}</span>
          </div>
        </div>
        <dl className="mcl-outcome-lines" data-testid="award-first">
          <div>
            <dt>Số hóa đơn</dt>
            <dd>{state.receiptId}</dd>
          </div>
          <div>
            <dt>Đã tích lúc</dt>
            <dd data-testid="award-first-at">{fmtDateTime(result.entry.createdAt)}</dd>
          </div>
          <div>
            <dt>Điểm đã cộng</dt>
            <dd data-testid="award-points">+{fmtNumber(result.points)} điểm</dd>
          </div>
        </dl>
        <ProfileLink customerId={result.member.id} />
        <button className="mc-btn primary" onClick={next} data-testid="award-next">
          Khách tiếp theo
        </button>
      </section>
    );
  }

  if (state.step === "done") {
    const { result, member } = state;
    return (
      <section className="mc-card mcl-counter-outcome tone-ok" data-testid="award-result" data-duplicate="false" role="status">
        <span className="mcl-outcome-icon">
          <CheckCircle2 size={64} />
        </span>
        <h2 data-testid="award-title">Tích điểm thành công</h2>
        <span className="mcl-award-points" data-testid="award-points">
          +{fmtNumber(result.points)} điểm
        </span>
        <div className="mcl-outcome-voucher">
          <UserAvatar src={member.avatar} name={member.name} size={40} />
          <div>
            <b>{result.member.name}</b>
            <span>
              Hóa đơn {state.receiptId} · {fmtVnd(state.amountVnd)}
            </span>
          </div>
        </div>
        <dl className="mcl-outcome-lines">
          <div>
            <dt>Số dư mới</dt>
            <dd data-testid="award-balance">{fmtNumber(result.balance)} điểm</dd>
          </div>
          <div>
            <dt>Cửa hàng</dt>
            <dd>{store.name}</dd>
          </div>
        </dl>
        <ProfileLink customerId={result.member.id} />
        <button className="mc-btn primary" onClick={next} data-testid="award-next">
          Khách tiếp theo
        </button>
      </section>
    );
  }

  if (state.step === "member" && state.confirming) {
    const amountVnd = Number(digits(amount));
    return (
      <section className="mc-card mcl-counter-outcome tone-warn" data-testid="award-confirm" role="alertdialog" aria-labelledby="award-confirm-title">
        <span className="mcl-outcome-icon">
          <TriangleAlert size={64} />
        </span>
        <h2 id="award-confirm-title">Số tiền lớn, kiểm tra lại</h2>
        <span className="mcl-award-amount" data-testid="award-confirm-amount">
          {fmtVnd(amountVnd)}
        </span>
        <dl className="mcl-outcome-lines">
          <div>
            <dt>Khách</dt>
            <dd>{state.member.name}</dd>
          </div>
          <div>
            <dt>Số hóa đơn</dt>
            <dd>{receipt.trim()}</dd>
          </div>
        </dl>
        <p className="mcl-outcome-hint">Đúng với số tiền trên hóa đơn?</p>
        <button className="mc-btn primary" onClick={() => void award(state, true)} data-testid="award-confirm-yes">
          Đúng, tích điểm
        </button>
        <button className="mc-btn outline" onClick={() => setState({ ...state, confirming: false })} data-testid="award-confirm-no">
          Sửa số tiền
        </button>
      </section>
    );
  }

  if (state.step === "member") {
    const { member } = state;
    const amountVnd = Number(digits(amount));
    const tooLarge = purchaseCheck(amountVnd) === "too-large";
    return (
      <section className="mc-card mcl-review" data-testid="award-member">
        <div className="mcl-review-owner">
          <UserAvatar src={member.avatar} name={member.name} size={52} />
          <div>
            <b data-testid="award-member-name">{member.name}</b>
            <span className="mcl-member-meta">
              <span className={`mcl-tier small tier-${member.tier.key}`}>Hạng {member.tier.name}</span>
            </span>
          </div>
        </div>
        <ProfileLink memberCode={state.code} />
        <label className="mcl-field-label" htmlFor="award-receipt">
          Số hóa đơn
        </label>
        <label className="mcl-input">
          <ReceiptText size={18} />
          <input
            id="award-receipt"
            ref={receiptInput}
            value={receipt}
            onChange={(e) => (setReceipt(billNumber(e.target.value)), edited())}
            aria-invalid={receiptError ? true : undefined}
            aria-describedby={receiptError ? "award-receipt-error" : undefined}
            placeholder="Số in trên phiếu tính tiền"
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            data-testid="award-receipt"
          />
        </label>
        {receiptError ? (
          <p className="mcl-form-error" role="alert" id="award-receipt-error" data-testid="award-receipt-error">
            {receiptError}
          </p>
        ) : null}
        <label className="mcl-field-label" htmlFor="award-amount">
          Số tiền hóa đơn
        </label>
        <label className="mcl-input big">
          <input
            id="award-amount"
            inputMode="numeric"
            value={amount ? fmtNumber(Number(digits(amount))) : ""}
            onChange={(e) => (setAmount(digits(e.target.value).slice(0, 11)), edited())}
            placeholder="0"
            autoComplete="off"
            data-testid="award-amount"
          />
          <span className="mcl-input-suffix">đ</span>
        </label>
        <div className="mcl-presets">
          {PRESETS.map((p) => (
            <button key={p} type="button" onClick={() => (setAmount(String(p)), edited())} className={amountVnd === p ? "active" : ""}>
              {fmtNumber(p / 1000)}K
            </button>
          ))}
        </div>
        {tooLarge || (state.error && !receiptError) ? (
          <p className="mcl-form-error" role="alert" data-testid="award-error">
            {tooLarge ? `Số tiền vượt quá giới hạn ${fmtVnd(MAX_PURCHASE_VND)} cho một hóa đơn` : state.error}
          </p>
        ) : null}
        <button
          className="mc-btn primary"
          disabled={!amountVnd || !receipt.trim() || tooLarge || state.busy}
          onClick={() => void award(state, false)}
          data-testid="award-submit"
        >
          <Coins size={18} /> {state.busy ? "Đang tích điểm…" : "Tích điểm"}
        </button>
        <button className="mc-btn outline" disabled={state.busy} onClick={next}>
          Đổi khách
        </button>
      </section>
    );
  }

  return (
    <section className="mc-card mcl-counter-start">
      <button className="mcl-scan-btn" onClick={() => void scan()} data-testid="award-scan">
        <ScanLine size={34} />
        <span>Quét thẻ thành viên</span>
        <small>Mã QR trên thẻ thành viên trong Zalo của khách</small>
      </button>
      <div className="mcl-or">
        <span>hoặc nhập mã thành viên</span>
      </div>
      <CodeForm
        value={code}
        onChange={setCode}
        onSubmit={(typed) => void find(typed)}
        icon={<IdCard size={18} />}
        placeholder="MC-XXXX-XXXX"
        maxLength={20}
        label="Mã thành viên"
        submitLabel="Tìm"
        testId="award-code"
      />
      {state.error ? (
        <p className="mcl-form-error" role="alert" data-testid="award-error">
          <UserRoundX size={16} /> {state.error}
        </p>
      ) : null}
    </section>
  );
}
