import { useEffect, useState } from "react";
import { Spinner } from "zmp-ui";
import { CheckCircle2, Coins, IdCard, ScanLine, UserRoundX } from "lucide-react";
import { ErrorCode } from "@mc/shared/errors";
import { UserAvatar } from "../../../components/avatar";
import { describeError } from "../../../components/errors";
import { useToast } from "../../../components/use-toast";
import { toFailure } from "../../../session";
import { zalo, ZaloError } from "../../../zalo";
import { fmtNumber, fmtVnd, newRequestId } from "../../../lib/format";
import { CodeForm } from "./code-form";
import { awardPoints, fetchMember, type AwardResult, type Member, type Store } from "../api";

type Step =
  | { step: "idle"; error?: string }
  | { step: "finding" }
  | { step: "member"; code: string; member: Member; receiptId: string; busy: boolean; error?: string }
  | { step: "done"; member: Member; result: AwardResult; amountVnd: number };

const PRESETS = [50_000, 100_000, 200_000, 500_000];

const digits = (s: string) => s.replace(/\D/g, "").replace(/^0+/, "");

/** Member card (scanned or typed) → preview → purchase amount → points earned and the new balance. */
export function PointsCounter({ store, initialCode, onConsumed }: { store: Store; initialCode: string | null; onConsumed: () => void }) {
  const [state, setState] = useState<Step>({ step: "idle" });
  const [code, setCode] = useState("");
  const [amount, setAmount] = useState("");
  const toast = useToast();

  async function find(raw: string) {
    const c = raw.trim();
    if (c.length < 4) return;
    setState({ step: "finding" });
    try {
      const member = await fetchMember(c);
      setAmount("");
      // One receipt id per purchase: a double tap or a retry after a timeout earns once.
      setState({ step: "member", code: c, member, receiptId: newRequestId("rcpt"), busy: false });
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

  async function award(s: Extract<Step, { step: "member" }>) {
    const amountVnd = Number(digits(amount));
    if (!amountVnd) return;
    setState({ ...s, busy: true, error: undefined });
    try {
      const result = await awardPoints({ memberCode: s.code, storeId: store.id, amountVnd, receiptId: s.receiptId });
      setState({ step: "done", member: s.member, result, amountVnd });
    } catch (e) {
      const { code: err } = toFailure(e);
      const text =
        err === ErrorCode.VALIDATION_FAILED
          ? "Số tiền chưa đủ để tích điểm"
          : err === ErrorCode.STORE_FORBIDDEN
            ? "Bạn không làm việc tại cửa hàng này"
            : err === ErrorCode.MEMBER_NOT_FOUND
              ? "Không tìm thấy thành viên"
              : describeError(err).title;
      setState({ ...s, busy: false, error: text });
    }
  }

  const next = () => {
    setCode("");
    setAmount("");
    setState({ step: "idle" });
  };

  if (state.step === "finding") {
    return (
      <section className="mc-card mcl-loading">
        <Spinner visible />
      </section>
    );
  }

  if (state.step === "done") {
    const { result, member } = state;
    return (
      <section className="mc-card mcl-counter-outcome tone-ok" data-testid="award-result" data-duplicate={String(result.duplicate)}>
        <span className="mcl-outcome-icon">
          <CheckCircle2 size={64} />
        </span>
        <h2>{result.duplicate ? "Hóa đơn này đã được tích điểm" : "Tích điểm thành công"}</h2>
        <span className="mcl-award-points" data-testid="award-points">
          +{fmtNumber(result.points)} điểm
        </span>
        <div className="mcl-outcome-voucher">
          <UserAvatar src={member.avatar} name={member.name} size={40} />
          <div>
            <b>{result.member.name}</b>
            <span>Hóa đơn {fmtVnd(state.amountVnd)}</span>
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
        <button className="mc-btn primary" onClick={next} data-testid="award-next">
          Khách tiếp theo
        </button>
      </section>
    );
  }

  if (state.step === "member") {
    const { member } = state;
    const amountVnd = Number(digits(amount));
    return (
      <section className="mc-card mcl-review" data-testid="award-member">
        <div className="mcl-review-owner">
          <UserAvatar src={member.avatar} name={member.name} size={52} />
          <div>
            <b data-testid="award-member-name">{member.name}</b>
            <span className="mcl-member-meta">
              <span className={`mcl-tier small tier-${member.tier.key}`}>Hạng {member.tier.name}</span>
              <span className="mc-muted">{fmtNumber(member.balance)} điểm</span>
            </span>
          </div>
        </div>
        <label className="mcl-field-label" htmlFor="award-amount">
          Số tiền hóa đơn
        </label>
        <label className="mcl-input big">
          <input
            id="award-amount"
            inputMode="numeric"
            value={amount ? fmtNumber(Number(digits(amount))) : ""}
            onChange={(e) => setAmount(digits(e.target.value).slice(0, 10))}
            placeholder="0"
            autoComplete="off"
            data-testid="award-amount"
          />
          <span className="mcl-input-suffix">đ</span>
        </label>
        <div className="mcl-presets">
          {PRESETS.map((p) => (
            <button key={p} type="button" onClick={() => setAmount(String(p))} className={amountVnd === p ? "active" : ""}>
              {fmtNumber(p / 1000)}K
            </button>
          ))}
        </div>
        {state.error ? (
          <p className="mcl-form-error" role="alert" data-testid="award-error">
            {state.error}
          </p>
        ) : null}
        <button className="mc-btn primary" disabled={!amountVnd || state.busy} onClick={() => void award(state)} data-testid="award-submit">
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
