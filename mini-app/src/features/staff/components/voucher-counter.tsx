import { useRef, useState } from "react";
import { Spinner } from "zmp-ui";
import { BadgeCheck, CalendarClock, ChevronRight, Coins, IdCard, Keyboard, Receipt, ScanLine, TicketX } from "lucide-react";
import type { CounterVoucher, MemberVouchers } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { ApiError, ClientErrorCode } from "@mc/web/api-client";
import { UserAvatar } from "../../../components/avatar";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../../components/use-toast";
import { toFailure } from "../../../session";
import { zalo, ZaloError } from "../../../zalo";
import { fmtDate } from "@mc/web/format";
import { conditions, spacedCode, voucherLabel } from "../../../lib/voucher-labels";
import { inspectVoucher, looksLikeMemberCode, memberVouchers, redeemVoucher, type CounterInput, type Store } from "../api";
import { CodeForm } from "./code-form";
import { ProfileLink } from "./profile-link";
import { outcomeFromError, OutcomeScreen, type CounterOutcome } from "./outcome";

/** A VOUCHER_ALREADY_REDEEMED refusal's details: redeemed at this store, at/after `since`. */
function wasThisRedemption(details: unknown, storeId: string, since: number) {
  const d = (details ?? {}) as { redeemedAt?: string | null; storeId?: string | null };
  return d.storeId === storeId && !!d.redeemedAt && Date.parse(d.redeemedAt) >= since;
}

type Step =
  | { step: "idle" }
  | { step: "checking" }
  | { step: "member-find"; error?: string }
  | { step: "member-list"; memberCode: string; list: MemberVouchers }
  | { step: "review"; input: CounterInput; result: CounterVoucher; redeeming: boolean }
  | { step: "outcome"; outcome: CounterOutcome };

/**
 * Scan or type → inspect (what is it, whose) → "Xác nhận sử dụng" → a clear outcome. The typed code is the
 * 6-digit one under the shopper's live QR. A shopper whose phone cannot show the voucher shows their member
 * card instead: its code lists the vouchers they can use here, and staff pick one.
 */
export function VoucherCounter({ store, stores, onMemberCode }: { store: Store; stores: Store[]; onMemberCode: (code: string) => void }) {
  const [state, setState] = useState<Step>({ step: "idle" });
  const [code, setCode] = useState("");
  const [cardCode, setCardCode] = useState("");
  const toast = useToast();
  // A confirmation whose answer was lost: when it started, so a retry refused as "already used" can tell it was this one.
  const unanswered = useRef<{ key: string; startedAt: number } | null>(null);
  const storeName = (id: string | null) => (id ? (stores.find((s) => s.id === id)?.name ?? id) : null);

  async function check(input: CounterInput) {
    setState({ step: "checking" });
    const typed = "code" in input;
    try {
      const result = await inspectVoucher(input);
      const v = result.voucher;
      if (v.status === "used") {
        setState({
          step: "outcome",
          outcome: { kind: "already", result, redeemedAt: v.redeemedAt, storeName: storeName(v.redeemedStoreId), staffName: result.redeemedBy },
        });
      } else if (v.status === "expired") setState({ step: "outcome", outcome: { kind: "expired", result } });
      else if (v.status === "void") setState({ step: "outcome", outcome: { kind: "void", result } });
      else if (!result.validHere) setState({ step: "outcome", outcome: { kind: "not-here", result, storeName: store.name } });
      else setState({ step: "review", input, result, redeeming: false });
    } catch (e) {
      const { code: c } = toFailure(e);
      setState({ step: "outcome", outcome: outcomeFromError(c, e instanceof ApiError ? e.details : undefined, { typed, storeName: store.name }) });
    }
  }

  async function listForMember(raw: string) {
    const memberCode = raw.trim();
    if (memberCode.length < 4) return;
    setState({ step: "checking" });
    try {
      const list = await memberVouchers({ memberCode, storeId: store.id });
      setState({ step: "member-list", memberCode, list });
    } catch (e) {
      const { code: c } = toFailure(e);
      setState({
        step: "member-find",
        error:
          c === ErrorCode.MEMBER_NOT_FOUND
            ? "Không tìm thấy thành viên với mã này"
            : c === ErrorCode.STORE_FORBIDDEN
              ? "Bạn không làm việc tại cửa hàng này"
              : describeError(c).title,
      });
    }
  }

  async function scanCard() {
    try {
      const content = (await zalo.scanQRCode()).trim();
      if (!content) return;
      setCardCode(content);
      void listForMember(content);
    } catch (e) {
      if (!(e instanceof ZaloError && e.zaloCode === -2003)) toast.error("Không mở được trình quét mã");
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
      // A member card on the voucher tab: that member's vouchers (points are one tap away from there).
      setCardCode(content);
      void listForMember(content);
      return;
    }
    void check({ qr: content, storeId: store.id });
  }

  async function redeem(s: Extract<Step, { step: "review" }>) {
    setState({ ...s, redeeming: true });
    const key = JSON.stringify(s.input);
    const prior = unanswered.current?.key === key ? unanswered.current : null;
    const startedAt = prior?.startedAt ?? Date.now();
    try {
      const result = await redeemVoucher(s.input);
      unanswered.current = null;
      setState({ step: "outcome", outcome: { kind: "success", result, storeName: store.name } });
    } catch (e) {
      const { code: c } = toFailure(e);
      const details = e instanceof ApiError ? e.details : undefined;
      if (c === ErrorCode.VOUCHER_ALREADY_REDEEMED && prior && wasThisRedemption(details, store.id, prior.startedAt)) {
        // Used here since the confirmation whose answer was lost: that confirmation went through.
        unanswered.current = null;
        const d = details as { redeemedAt: string; staffName?: string | null };
        const voucher = { ...s.result.voucher, status: "used" as const, redeemedAt: d.redeemedAt, redeemedStoreId: store.id };
        setState({ step: "outcome", outcome: { kind: "success", result: { ...s.result, voucher, redeemedBy: d.staffName ?? null }, storeName: store.name } });
        return;
      }
      const outcome = outcomeFromError(c, details, { typed: !("qr" in s.input), storeName: store.name });
      if (c === ClientErrorCode.NETWORK || c === ErrorCode.RATE_LIMITED) {
        // Unknown whether it went through: stay on review; confirming again is safe (redeem is exactly-once).
        if (c === ClientErrorCode.NETWORK) unanswered.current = { key, startedAt };
        toast.error(describeError(c).title);
        setState({ ...s, redeeming: false });
        return;
      }
      unanswered.current = null;
      // Show whose voucher it was next to the refusal (the error itself carries no voucher).
      const withVoucher = outcome.kind === "already" || outcome.kind === "expired" || outcome.kind === "not-here" || outcome.kind === "void";
      setState({ step: "outcome", outcome: withVoucher ? { ...outcome, result: s.result } : outcome });
    }
  }

  const reset = () => {
    unanswered.current = null;
    setCode("");
    setCardCode("");
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
  if (state.step === "member-find") {
    return (
      <section className="mc-card mcl-counter-start" data-testid="counter-member-find">
        <p className="mcl-outcome-hint">
          Khách không mở được voucher trên điện thoại? Quét hoặc nhập mã thẻ thành viên để xem các voucher khách dùng được tại {store.name}.
        </p>
        <button className="mcl-scan-btn" onClick={() => void scanCard()} data-testid="counter-card-scan">
          <ScanLine size={34} />
          <span>Quét thẻ thành viên</span>
          <small>Mã QR trên thẻ thành viên của khách</small>
        </button>
        <div className="mcl-or">
          <span>hoặc nhập mã thành viên</span>
        </div>
        <CodeForm
          value={cardCode}
          onChange={setCardCode}
          onSubmit={(typed) => void listForMember(typed)}
          icon={<IdCard size={18} />}
          placeholder="MC-XXXX-XXXX"
          maxLength={20}
          label="Mã thành viên"
          submitLabel="Tìm"
          testId="counter-card"
        />
        {state.error ? (
          <p className="mcl-form-error" role="alert" data-testid="counter-card-error">
            {state.error}
          </p>
        ) : null}
        <button className="mc-btn outline" onClick={reset} data-testid="counter-card-back">
          Quay lại quét voucher
        </button>
      </section>
    );
  }

  if (state.step === "member-list") {
    const { owner, vouchers } = state.list;
    const pick = (i: number) => {
      const voucher = vouchers[i]!;
      setState({
        step: "review",
        input: { memberCode: state.memberCode, voucherId: voucher.id, storeId: store.id },
        result: { voucher, owner, validHere: true, redeemedBy: null },
        redeeming: false,
      });
    };
    return (
      <section className="mc-card mcl-review" data-testid="counter-member-list">
        <div className="mcl-review-owner">
          <UserAvatar src={owner.avatar} name={owner.name} size={52} />
          <div>
            <span className="mc-muted">Voucher dùng được của</span>
            <b data-testid="counter-member-owner">{owner.name}</b>
          </div>
        </div>
        <ProfileLink customerId={owner.id} />
        {vouchers.length === 0 ? (
          <div className="mcl-empty" data-testid="counter-member-empty">
            <TicketX size={40} />
            <p>Khách chưa có voucher dùng được tại cửa hàng này</p>
          </div>
        ) : (
          <ul className="mcl-pick-list">
            {vouchers.map((v, i) => (
              <li key={v.id}>
                <button className="mcl-pick" onClick={() => pick(i)} data-testid="counter-member-voucher" data-voucher={v.id}>
                  <span>
                    <b>{voucherLabel(v.campaign)}</b>
                    <small>
                      {v.campaign.name} · HSD {fmtDate(v.expiresAt)}
                    </small>
                  </span>
                  <ChevronRight size={20} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <button className="mc-btn outline" onClick={() => onMemberCode(state.memberCode)} data-testid="counter-member-points">
          <Coins size={18} /> Tích điểm cho khách này
        </button>
        <button className="mc-btn outline" onClick={reset} data-testid="counter-cancel">
          Hủy
        </button>
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
        <ProfileLink customerId={owner.id} />
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
        <span>hoặc nhập mã số khách đọc</span>
      </div>
      <CodeForm
        value={code}
        onChange={(v) => setCode(v.replace(/[^\d ]/g, ""))}
        onSubmit={(typed) => void check({ code: typed, storeId: store.id })}
        icon={<Keyboard size={18} />}
        placeholder="VD: 482 913"
        maxLength={7}
        minLength={6}
        label="Mã số voucher"
        submitLabel="Kiểm tra"
        testId="counter-code"
        inputMode="numeric"
      />
      <button className="mcl-link" onClick={() => setState({ step: "member-find" })} data-testid="counter-by-member">
        Khách không mở được voucher? Tra theo thẻ thành viên
      </button>
    </section>
  );
}
