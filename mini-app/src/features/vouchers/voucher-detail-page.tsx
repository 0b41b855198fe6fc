import { useEffect, useRef, useState } from "react";
import { useParams } from "react-router-dom";
import { Page, Spinner } from "zmp-ui";
import { Ban, CalendarClock, CalendarX, CheckCircle2, MapPin, Receipt, RefreshCw } from "lucide-react";
import type { Voucher, VoucherQr } from "@mc/shared";
import { ErrorCode } from "@mc/shared/errors";
import { toFailure } from "../../session";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../components/use-toast";
import { BackHeader } from "../../components/back-header";
import { QrImage } from "../../components/qr-image";
import { fmtDate, fmtDateTime } from "@mc/web/format";
import { useLoad } from "../../lib/use-load";
import { fetchVoucher, fetchVoucherQr } from "./api";
import { conditions, spacedCode, voucherLabel } from "../../lib/voucher-labels";
import "./vouchers.css";

/** How often the open screen re-reads the voucher, to notice the counter redeeming it. */
const POLL_MS = 3000;
const QR_RETRY_MS = 5000;

type LiveQr = VoucherQr & { refreshAt: number; ttl: number };

/** One voucher: a self-refreshing signed QR (+ short code) while active; "Đã sử dụng" once the counter redeems it. */
export default function VoucherDetailPage() {
  const { id = "" } = useParams();
  const toast = useToast();
  const lastStatus = useRef<Voucher["status"] | null>(null);

  // Poll while active (and the screen is open): the counter redeems on another device. A failed read keeps
  // polling (the screen recovers by itself), except a voucher that does not exist.
  const {
    data: voucher,
    error,
    reload,
  } = useLoad(
    async () => {
      const v = await fetchVoucher(id);
      if (lastStatus.current === "active" && v.status === "used") toast.success("Voucher đã được sử dụng. Cảm ơn bạn!");
      lastStatus.current = v.status;
      return v;
    },
    // Not `toast` (a new object every render): useLoad always runs the newest function.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [id],
    { pollMs: (v, err) => (err === ErrorCode.VOUCHER_NOT_FOUND || (v && v.status !== "active") ? null : POLL_MS) },
  );

  const active = voucher?.status === "active";

  return (
    <Page className="mc-page" hideScrollbar>
      <BackHeader title="Chi tiết voucher" fallback="/vouchers?view=wallet" />
      <div className="mc-content">
        {!voucher ? (
          error ? (
            <div className="mcl-empty" role="alert" data-testid="voucher-error">
              <Ban size={40} />
              <p>{describeError(error).title}</p>
            </div>
          ) : (
            <div className="mcl-loading">
              <Spinner visible />
            </div>
          )
        ) : (
          <>
            <section className="mc-card mcl-voucher-head">
              <span className="mcl-voucher-label" data-testid="voucher-label">
                {voucherLabel(voucher.campaign)}
              </span>
              <span className="mcl-voucher-name">{voucher.campaign.name}</span>
              {voucher.campaign.description ? <span className="mc-muted">{voucher.campaign.description}</span> : null}
            </section>

            <section className={`mc-card mcl-voucher-code-card status-${voucher.status}`} data-testid="voucher-status" data-status={voucher.status}>
              {active ? <LiveCode voucherId={voucher.id} code={voucher.code} onGone={() => void reload()} /> : <Outcome voucher={voucher} />}
            </section>

            <section className="mc-card mc-list">
              <div className="mc-row">
                <span className="mc-row-icon">
                  <Receipt size={18} />
                </span>
                <span className="mc-row-label">Điều kiện</span>
                <span className="mc-row-value">{conditions(voucher.campaign)[0]}</span>
              </div>
              <div className="mc-row">
                <span className="mc-row-icon">
                  <MapPin size={18} />
                </span>
                <span className="mc-row-label">Cửa hàng</span>
                <span className="mc-row-value">{conditions(voucher.campaign)[1]}</span>
              </div>
              <div className="mc-row">
                <span className="mc-row-icon">
                  <CalendarClock size={18} />
                </span>
                <span className="mc-row-label">Hạn sử dụng</span>
                <span className="mc-row-value" data-testid="voucher-expiry">
                  {fmtDate(voucher.expiresAt)}
                </span>
              </div>
            </section>
          </>
        )}
      </div>
    </Page>
  );
}

/** The signed QR payload lives ~60 s: fetch a new one every `refreshInSeconds` and show the countdown. */
function LiveCode({ voucherId, code, onGone }: { voucherId: string; code: string; onGone: () => void }) {
  const [qr, setQr] = useState<LiveQr | null>(null);
  const [qrError, setQrError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const refreshNow = useRef<() => void>(() => undefined);

  // Not useLoad: each answer sets its own next refresh (its ttl), any refresh restarts that timer, some errors end the code.
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      clearTimeout(timer);
      try {
        const q = await fetchVoucherQr(voucherId);
        if (!alive) return;
        const ttl = Math.max(5, q.refreshInSeconds) * 1000;
        setQr({ ...q, refreshAt: Date.now() + ttl, ttl });
        setQrError(null);
        timer = setTimeout(refresh, ttl);
      } catch (e) {
        if (!alive) return;
        const c = toFailure(e).code;
        if (c === ErrorCode.VOUCHER_ALREADY_REDEEMED || c === ErrorCode.VOUCHER_EXPIRED || c === ErrorCode.VOUCHER_VOID) return onGone();
        setQrError(c);
        timer = setTimeout(refresh, QR_RETRY_MS);
      }
    };
    refreshNow.current = () => void refresh();
    void refresh();
    // Timers sleep while Zalo is in the background: come back with a fresh code.
    const onVisible = () => document.visibilityState === "visible" && void refresh();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      alive = false;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [voucherId]);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const left = qr ? Math.max(0, Math.ceil((qr.refreshAt - now) / 1000)) : 0;
  // The server drops a QR (and its code) at expiresAt: past it with the refresh failing, what is on screen
  // no longer works, so it must not look valid.
  const stale = !!qr && !!qrError && now >= Date.parse(qr.expiresAt);
  return (
    <div className="mcl-live">
      <div className={`mcl-live-qr${stale ? " stale" : ""}`} data-testid="voucher-qr-box" data-stale={stale || undefined}>
        {qr && !stale ? (
          <QrImage value={qr.payload} size={216} label={`Mã QR voucher ${code}`} testId="voucher-qr" />
        ) : (
          <span className={`sk dark mcl-qr-placeholder big${stale ? " still" : ""}`} />
        )}
      </div>
      {qrError ? (
        <button className="mcl-link" role="alert" data-testid="qr-refresh-error" onClick={() => refreshNow.current()}>
          {stale ? "Mất kết nối. Thử lại, hoặc đưa thẻ thành viên cho nhân viên" : `${describeError(qrError).title}. Thử lại`}
        </button>
      ) : null}
      {qrError && (!qr || stale) ? null : (
        <div className="mcl-countdown" data-testid="qr-countdown" data-seconds={left}>
          <RefreshCw size={14} className={left <= 1 ? "spin" : ""} />
          <span>
            Mã QR tự làm mới sau <b>{left}</b> giây
          </span>
          <span className="mcl-countdown-bar">
            <span style={{ width: qr ? `${Math.min(100, (left * 1000 * 100) / qr.ttl)}%` : "0%" }} />
          </span>
        </div>
      )}
      <span className="mcl-code-caption">Hoặc đọc mã số này cho nhân viên</span>
      {/* The typed code changes with the QR: a screenshot's code stops working too. */}
      {qr ? (
        <span className={`mcl-code${stale ? " dim" : ""}`} data-testid="voucher-code" data-stale={stale || undefined}>
          {spacedCode(qr.code)}
        </span>
      ) : (
        <span className="sk dark mcl-code-placeholder" />
      )}
      <p className="mc-muted mcl-center-text">Đưa mã QR cho nhân viên thu ngân quét khi thanh toán. Mã số đổi cùng mã QR.</p>
    </div>
  );
}

function Outcome({ voucher }: { voucher: Voucher }) {
  if (voucher.status === "used") {
    return (
      <div className="mcl-outcome ok" data-testid="voucher-used">
        <CheckCircle2 size={56} />
        <h2>Đã sử dụng</h2>
        {voucher.redeemedAt ? <p>Lúc {fmtDateTime(voucher.redeemedAt)}</p> : null}
        <span className="mcl-code dim">{spacedCode(voucher.code)}</span>
      </div>
    );
  }
  if (voucher.status === "expired") {
    return (
      <div className="mcl-outcome muted">
        <CalendarX size={56} />
        <h2>Voucher đã hết hạn</h2>
        <p>Hết hạn ngày {fmtDate(voucher.expiresAt)}</p>
      </div>
    );
  }
  return (
    <div className="mcl-outcome muted">
      <Ban size={56} />
      <h2>Voucher đã bị hủy</h2>
    </div>
  );
}
