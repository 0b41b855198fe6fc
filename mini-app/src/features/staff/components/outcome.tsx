import type { ReactNode } from "react";
import { Ban, CalendarX, CheckCircle2, Clock3, MapPinOff, SearchX, ShieldAlert, ShieldX, TriangleAlert } from "lucide-react";
import type { CounterVoucher } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { describeError } from "@mc/web/error-messages";
import { UserAvatar } from "../../../components/avatar";
import { fmtDate, fmtDateTime } from "@mc/web/format";
import { spacedCode, voucherLabel } from "../../../lib/voucher-labels";

/** Every way a counter voucher check can end; the screen switches on `kind`. */
export type CounterOutcome =
  | { kind: "success"; result: CounterVoucher; storeName: string }
  | { kind: "already"; result?: CounterVoucher; redeemedAt: string | null; storeName: string | null; staffName: string | null }
  | { kind: "expired"; result?: CounterVoucher }
  | { kind: "not-here"; result?: CounterVoucher; storeName: string }
  | { kind: "void"; result?: CounterVoucher }
  | { kind: "qr-expired" }
  | { kind: "qr-invalid" }
  | { kind: "code-expired" }
  | { kind: "not-found"; typed: boolean }
  | { kind: "forbidden" }
  | { kind: "error"; code: string };

type AlreadyDetails = { redeemedAt?: string | null; storeName?: string | null; staffName?: string | null; storeId?: string | null };

/** A failed inspect/redeem as an outcome (the server's error code, and its details where it sends them). */
export function outcomeFromError(code: string, details: unknown, ctx: { typed: boolean; storeName: string }): CounterOutcome {
  switch (code) {
    case ErrorCode.VOUCHER_ALREADY_REDEEMED: {
      const d = (details ?? {}) as AlreadyDetails;
      return { kind: "already", redeemedAt: d.redeemedAt ?? null, storeName: d.storeName ?? d.storeId ?? null, staffName: d.staffName ?? null };
    }
    case ErrorCode.VOUCHER_EXPIRED:
      return { kind: "expired" };
    case ErrorCode.VOUCHER_VOID:
      return { kind: "void" };
    case ErrorCode.VOUCHER_NOT_VALID_AT_STORE:
      return { kind: "not-here", storeName: ctx.storeName };
    case ErrorCode.QR_EXPIRED:
      return { kind: "qr-expired" };
    case ErrorCode.QR_INVALID:
      return { kind: "qr-invalid" };
    case ErrorCode.VOUCHER_CODE_EXPIRED:
      return { kind: "code-expired" };
    case ErrorCode.VOUCHER_NOT_FOUND:
      return { kind: "not-found", typed: ctx.typed };
    case ErrorCode.STORE_FORBIDDEN:
      return { kind: "forbidden" };
    default:
      return { kind: "error", code };
  }
}

/** A line whose value is null (e.g. nobody known redeemed it) is left out. */
type View = { tone: "ok" | "warn" | "bad"; icon: ReactNode; title: string; lines: [string, string | null][]; hint?: string };

function view(o: CounterOutcome): View {
  switch (o.kind) {
    case "success":
      return {
        tone: "ok",
        icon: <CheckCircle2 size={64} />,
        title: "Đã áp dụng voucher",
        lines: [
          ["Thời gian", o.result.voucher.redeemedAt ? fmtDateTime(o.result.voucher.redeemedAt) : fmtDateTime(Date.now())],
          ["Cửa hàng", o.storeName],
          ["Nhân viên", o.result.redeemedBy],
        ],
        hint: `Trừ "${voucherLabel(o.result.voucher.campaign)}" vào hóa đơn của khách.`,
      };
    case "already":
      return {
        tone: "bad",
        icon: <ShieldAlert size={64} />,
        title: "Voucher đã được sử dụng",
        lines: [
          ["Thời gian", o.redeemedAt ? fmtDateTime(o.redeemedAt) : "Không rõ"],
          ["Cửa hàng", o.storeName ?? "Không rõ"],
          ["Nhân viên", o.staffName],
        ],
        hint: "Không áp dụng lại voucher này.",
      };
    case "expired":
      return {
        tone: "bad",
        icon: <CalendarX size={64} />,
        title: "Voucher đã hết hạn",
        lines: o.result ? [["Hạn sử dụng", fmtDate(o.result.voucher.expiresAt)]] : [],
        hint: "Voucher hết hạn không thể sử dụng.",
      };
    case "not-here":
      return {
        tone: "warn",
        icon: <MapPinOff size={64} />,
        title: "Voucher không áp dụng tại cửa hàng này",
        lines: [["Cửa hàng hiện tại", o.storeName]],
        hint: "Khách có thể dùng voucher tại cửa hàng áp dụng.",
      };
    case "void":
      return { tone: "bad", icon: <Ban size={64} />, title: "Voucher đã bị hủy", lines: [], hint: "Voucher này không còn hiệu lực." };
    case "qr-expired":
      return {
        tone: "warn",
        icon: <Clock3 size={64} />,
        title: "Mã QR đã cũ",
        lines: [],
        hint: "Mã QR chỉ có hiệu lực khoảng 1 phút. Nhờ khách mở lại voucher để hiện mã mới rồi quét lại.",
      };
    case "code-expired":
      return {
        tone: "warn",
        icon: <Clock3 size={64} />,
        title: "Mã số đã cũ",
        lines: [],
        hint: "Mã số đổi cùng mã QR, khoảng 1 phút một lần. Nhờ khách mở voucher và đọc mã số đang hiện trên màn hình.",
      };
    case "qr-invalid":
      return {
        tone: "bad",
        icon: <ShieldX size={64} />,
        title: "Mã QR không hợp lệ",
        lines: [],
        hint: "Đây không phải mã voucher do cửa hàng phát hành (mã giả hoặc bị sửa). Không áp dụng.",
      };
    case "not-found":
      return {
        tone: "warn",
        icon: <SearchX size={64} />,
        title: "Không tìm thấy voucher",
        lines: [],
        hint: o.typed ? "Kiểm tra lại mã số 6 chữ số khách đọc." : "Nhờ khách mở lại voucher rồi quét lại.",
      };
    case "forbidden":
      return { tone: "bad", icon: <Ban size={64} />, title: "Bạn không làm việc tại cửa hàng này", lines: [], hint: "Chọn đúng cửa hàng bạn đang trực." };
    case "error": {
      const e = describeError(o.code);
      return { tone: "warn", icon: <TriangleAlert size={64} />, title: e.title, lines: [], hint: e.hint };
    }
  }
}

export function OutcomeScreen({ outcome, onNext }: { outcome: CounterOutcome; onNext: () => void }) {
  const v = view(outcome);
  const lines = v.lines.filter((l): l is [string, string] => l[1] !== null);
  const result = "result" in outcome ? outcome.result : undefined;
  return (
    <section className={`mc-card mcl-counter-outcome tone-${v.tone}`} data-testid="counter-outcome" data-outcome={outcome.kind} role="status">
      <span className="mcl-outcome-icon">{v.icon}</span>
      <h2 data-testid="counter-outcome-title">{v.title}</h2>
      {result ? (
        <div className="mcl-outcome-voucher">
          <UserAvatar src={result.owner.avatar} name={result.owner.name} size={40} />
          <div>
            <b>{voucherLabel(result.voucher.campaign)}</b>
            <span>
              {result.owner.name} · {spacedCode(result.voucher.code)}
            </span>
          </div>
        </div>
      ) : null}
      {lines.length ? (
        <dl className="mcl-outcome-lines" data-testid="counter-outcome-lines">
          {lines.map(([k, val]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{val}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {v.hint ? <p className="mcl-outcome-hint">{v.hint}</p> : null}
      <button className="mc-btn primary" onClick={onNext} data-testid="counter-next">
        Quét mã khác
      </button>
    </section>
  );
}
