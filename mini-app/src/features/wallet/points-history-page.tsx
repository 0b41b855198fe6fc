import { useCallback, useEffect, useRef, useState } from "react";
import { Page, Spinner } from "zmp-ui";
import { ArrowDownLeft, ArrowUpRight, CalendarX, History, RotateCcw, SlidersHorizontal } from "lucide-react";
import type { LedgerEntry } from "@mc/shared";
import { toFailure } from "../../session";
import { describeError } from "@mc/web/error-messages";
import { BackHeader } from "../../components/back-header";
import { fetchPoints } from "./api";
import { fmtDate, fmtDateTime, fmtNumber } from "@mc/web/format";
import { useLoyalty } from "../../lib/loyalty";
import "./wallet.css";

const KIND: Record<LedgerEntry["kind"], { label: string; Icon: typeof History }> = {
  earn: { label: "Tích điểm", Icon: ArrowDownLeft },
  spend: { label: "Đổi điểm", Icon: ArrowUpRight },
  expire: { label: "Điểm hết hạn", Icon: CalendarX },
  adjust: { label: "Điều chỉnh", Icon: SlidersHorizontal },
  reverse: { label: "Hoàn điểm", Icon: RotateCcw },
};

const PAGE = 20;

/** Newest first; "Xem thêm" (and scrolling to the end) loads the next page with `before`. */
export default function PointsHistoryPage() {
  const { loyalty } = useLoyalty();
  const [entries, setEntries] = useState<LedgerEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  // Not useLoad: pages append to those shown, and a failed page keeps them (its retry asks for that page again).
  const load = useCallback(async (before: number | null) => {
    if (busy.current) return;
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      const page = await fetchPoints(before, PAGE);
      setEntries((prev) => (before === null ? page.entries : [...prev, ...page.entries]));
      setNext(page.nextBefore);
      setDone(page.nextBefore === null);
    } catch (e) {
      setError(toFailure(e).code);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  // Infinite scroll: the "Xem thêm" button doubles as the sentinel.
  const sentinel = useRef<HTMLButtonElement | null>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || done || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver((seen) => {
      if (seen.some((s) => s.isIntersecting) && next !== null) void load(next);
    });
    io.observe(el);
    return () => io.disconnect();
  }, [next, done, load]);

  return (
    <Page className="mc-page" hideScrollbar>
      <BackHeader title="Lịch sử điểm" />
      <div className="mc-content">
        <section className="mc-card mcl-history-summary">
          <span className="mc-muted">Số dư hiện tại</span>
          <span className="mcl-points-num" data-testid="history-balance">
            {loyalty ? fmtNumber(loyalty.balance) : "…"}
          </span>
          <span className="mcl-points-unit">điểm</span>
        </section>

        {entries.length > 0 ? (
          <section className="mc-card mcl-ledger" data-testid="points-history">
            {entries.map((e) => {
              const { label, Icon } = KIND[e.kind];
              return (
                <div className="mcl-ledger-row" key={e.id} data-testid="points-entry" data-kind={e.kind}>
                  <span className={`mcl-ledger-icon ${e.delta >= 0 ? "plus" : "minus"}`}>
                    <Icon size={18} />
                  </span>
                  <div className="mcl-ledger-main">
                    <span className="mcl-ledger-title">{e.reason || label}</span>
                    <span className="mcl-ledger-sub">
                      {label} · {fmtDateTime(e.createdAt)}
                    </span>
                    {e.kind === "earn" && e.expiresAt ? <span className="mcl-ledger-sub">Hết hạn {fmtDate(e.expiresAt)}</span> : null}
                  </div>
                  <div className="mcl-ledger-amount">
                    <span className={e.delta >= 0 ? "plus" : "minus"} data-testid="points-entry-delta">
                      {e.delta > 0 ? "+" : ""}
                      {fmtNumber(e.delta)}
                    </span>
                    <span className="mcl-ledger-sub">Số dư {fmtNumber(e.balanceAfter)}</span>
                  </div>
                </div>
              );
            })}
          </section>
        ) : null}

        {!loading && !error && entries.length === 0 ? (
          <div className="mcl-empty" data-testid="points-empty">
            <History size={40} />
            <p>Chưa có giao dịch điểm nào.</p>
            <span className="mc-muted">Đưa thẻ thành viên cho nhân viên khi thanh toán để bắt đầu tích điểm.</span>
          </div>
        ) : null}

        {error ? (
          <div className="mcl-inline-error" role="alert">
            <span>{describeError(error).title}</span>
            <button className="mcl-link" onClick={() => void load(entries.length ? next : null)}>
              Thử lại
            </button>
          </div>
        ) : null}

        {loading ? (
          <div className="mcl-loading">
            <Spinner visible />
          </div>
        ) : null}

        {!done && !loading && !error && entries.length > 0 ? (
          <button ref={sentinel} className="mc-btn outline" onClick={() => void load(next)} data-testid="points-more">
            Xem thêm
          </button>
        ) : null}
        {done && entries.length >= PAGE ? <p className="mcl-end mc-muted">Đã hiển thị toàn bộ lịch sử</p> : null}
      </div>
    </Page>
  );
}
