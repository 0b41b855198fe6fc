import { useState } from "react";
import { Spinner } from "zmp-ui";
import { BadgeCheck, CalendarClock, Keyboard, Receipt, ScanLine } from "lucide-react";
import type { CounterVoucher } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { ApiError, ClientErrorCode } from "../../../api/client";
import { UserAvatar } from "../../../components/avatar";
import { describeError } from "../../../components/errors";
import { useToast } from "../../../components/use-toast";
import { toFailure } from "../../../session";
import { zalo, ZaloError } from "../../../zalo";
import { fmtDate } from "../../../lib/format";
import { conditions, spacedCode, voucherLabel } from "../../../lib/voucher-labels";
import { inspectVoucher, looksLikeMemberCode, redeemVoucher, type CounterInput, type Store } from "../api";
import { CodeForm } from "./code-form";
import { outcomeFromError, OutcomeScreen, type CounterOutcome } from "./outcome";

type Step =
  | { step: "idle" }
  | { step: "checking" }
  | { step: "review"; input: CounterInput; result: CounterVoucher; redeeming: boolean }
  | { step: "outcome"; outcome: CounterOutcome };

/** Scan or type → inspect (what is it, whose) → "Xác nhận sử dụng" → a clear outcome. */
export function VoucherCounter({ store, stores, onMemberCode }: { store: Store; stores: Store[]; onMemberCode: (code: string) => void }) {
  const [state, setState] = useState<Step>({ step: "idle" });
  const [code, setCode] = useState("");
  const toast = useToast();
  const storeName = (id: string | null) => (id ? (stores.find((s) => s.id === id)?.name ?? id) : null);

  async function check(input: CounterInput) {
    setState({ step: "checking" });
    const typed = "code" in input;
    try {
      const result = await inspectVoucher(input);
      const v = result.voucher;
      if (v.status === "used") {
        setState({ step: "outcome", outcome: { kind: "already", result, redeemedAt: v.redeemedAt, storeName: storeName(v.redeemedStoreId), staffName: null } });
      } else if (v.status === "expired") setState({ step: "outcome", outcome: { kind: "expired", result } });
      else if (v.status === "void") setState({ step: "outcome", outcome: { kind: "void", result } });
      else if (!result.validHere) setState({ step: "outcome", outcome: { kind: "not-here", result, storeName: store.name } });
      else setState({ step: "review", input, result, redeeming: false });
    } catch (e) {
      const { code: c } = toFailure(e);
      setState({ step: "outcome", outcome: outcomeFromError(c, e instanceof ApiError ? e.details : undefined, { typed, storeName: store.name }) });
    }
  }

  async function scan() {
    let content: string;
    try {
      content = (await zalo.scanQRCode()).trim();
    } catch (e) {
      if (!(e instanceof ZaloError && e.zaloCode === -2003)) toast.error("Không mở được trình quét mã");
      return;
    }
    if (!content) return;
    if (looksLikeMemberCode(content)) {
      toast.info("Đây là thẻ thành viên: chuyển sang tích điểm");
      onMemberCode(content);
      return;
    }
    void check({ qr: content, storeId: store.id });
  }

  async function redeem(s: Extract<Step, { step: "review" }>) {
    setState({ ...s, redeeming: true });
    try {
      const result = await redeemVoucher(s.input);
      setState({ step: "outcome", outcome: { kind: "success", result, storeName: store.name } });
    } catch (e) {
      const { code: c } = toFailure(e);
      const outcome = outcomeFromError(c, e instanceof ApiError ? e.details : undefined, { typed: "code" in s.input, storeName: store.name });
      if (c === ClientErrorCode.NETWORK || c === ErrorCode.RATE_LIMITED) {
        // Unknown whether it went through: stay on review; confirming again is safe (redeem is exactly-once).
        toast.error(describeError(c).title);
        setState({ ...s, redeeming: false });
        return;
      }
      // Show whose voucher it was next to the refusal (the error itself carries no voucher).
      const withVoucher = outcome.kind === "already" || outcome.kind === "expired" || outcome.kind === "not-here" || outcome.kind === "void";
      setState({ step: "outcome", outcome: withVoucher ? { ...outcome, result: s.result } : outcome });
    }
  }

  const reset = () => {
    setCode("");
    setState({ step: "idle" });
  };

  if (state.step === "outcome") return <OutcomeScreen outcome={state.outcome} onNext={reset} />;
  if (state.step === "checking") {
    return (
      <section className="mc-card mcl-loading" data-testid="counter-checking">
        <Spinner visible />
      </section>
    );
  }
  if (state.step === "review") {
    const { voucher, owner } = state.result;
    return (
      <section className="mc-card mcl-review" data-testid="counter-review">
        <div className="mcl-review-owner">
          <UserAvatar src={owner.avatar} name={owner.name} size={52} />
          <div>
            <span className="mc-muted">Voucher của</span>
            <b data-testid="counter-owner">{owner.name}</b>
          </div>
        </div>
        <div className="mcl-review-voucher">
          <span className="mcl-voucher-label" data-testid="counter-voucher-label">
            {voucherLabel(voucher.campaign)}
          </span>
          <span className="mcl-voucher-name">{voucher.campaign.name}</span>
          <span className="mcl-code small">{spacedCode(voucher.code)}</span>
        </div>
        <div className="mcl-review-facts">
          <span>
            <Receipt size={16} /> {conditions(voucher.campaign)[0]}
          </span>
          <span>
            <CalendarClock size={16} /> Hạn dùng {fmtDate(voucher.expiresAt)}
          </span>
          <span className="ok" data-testid="counter-valid">
            <BadgeCheck size={16} /> Còn hiệu lực · Áp dụng tại {store.name}
          </span>
        </div>
        <button className="mc-btn primary" disabled={state.redeeming} onClick={() => void redeem(state)} data-testid="counter-redeem">
          {state.redeeming ? "Đang xác nhận…" : "Xác nhận sử dụng"}
        </button>
        <button className="mc-btn outline" disabled={state.redeeming} onClick={reset} data-testid="counter-cancel">
          Hủy
        </button>
      </section>
    );
  }

  return (
    <section className="mc-card mcl-counter-start">
      <button className="mcl-scan-btn" onClick={() => void scan()} data-testid="counter-scan">
        <ScanLine size={34} />
        <span>Quét mã QR</span>
        <small>Voucher hoặc thẻ thành viên của khách</small>
      </button>
      <div className="mcl-or">
        <span>hoặc nhập mã voucher</span>
      </div>
      <CodeForm
        value={code}
        onChange={setCode}
        onSubmit={(typed) => void check({ code: typed, storeId: store.id })}
        icon={<Keyboard size={18} />}
        placeholder="VD: K7MC 2P9Q"
        maxLength={16}
        label="Mã voucher"
        submitLabel="Kiểm tra"
        testId="counter-code"
      />
    </section>
  );
}
