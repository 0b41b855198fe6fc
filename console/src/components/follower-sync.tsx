import { useEffect, useRef } from "react";
import { RefreshCw } from "lucide-react";
import type { FollowerSyncView } from "@mc/shared";
import { fmtNumber } from "@mc/web/format";
import { api } from "../api";
import { Badge, Card, ErrorBox, Spinner, useAction, useLoad } from "../ui";

const POLL_MS = 1500;
const pct = (a: number, b: number | null) => (b ? Math.min(100, Math.round((a / b) * 100)) : 0);
const fmtTime = (iso: string) => new Date(iso).toLocaleString("vi-VN", { dateStyle: "short", timeStyle: "short" });

/**
 * Followers who followed the OA before this product existed never sent a follow webhook: this card starts
 * (or resumes) the server's sync over Zalo's follower list and shows its progress while it runs.
 */
export function FollowerSyncCard({ onFinished }: { onFinished?: () => void }) {
  const sync = useLoad(() => api.get<{ sync: FollowerSyncView | null }>("/api/admin/oa/follower-sync").then((r) => r.sync));
  const action = useAction();
  const s = sync.data;
  const running = s?.state === "running" && !s.paused;

  // A run seen running here that has now finished: the list around the card has new people in it.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (running) wasRunning.current = true;
    else if (wasRunning.current && s && s.state !== "running") {
      wasRunning.current = false;
      onFinished?.();
    }
  }, [running, s, onFinished]);

  // While the server pages Zalo's list, read its progress again.
  useEffect(() => {
    if (!running) return;
    const t = setTimeout(() => void sync.reload(), POLL_MS);
    return () => clearTimeout(t);
  }, [running, s, sync]);

  const start = async () => {
    const r = await action.run(() => api.post<{ sync: FollowerSyncView }>("/api/admin/oa/follower-sync", {}));
    if (r) sync.setData(r.sync);
  };

  const label = !s || s.state !== "running" ? "Đồng bộ người theo dõi" : s.paused ? "Tiếp tục đồng bộ" : "Đang đồng bộ…";
  return (
    <Card
      title="Người theo dõi OA"
      testId="follower-sync"
      actions={
        <button className="c-btn" onClick={() => void start()} disabled={action.busy || running} data-testid="follower-sync-start">
          <RefreshCw size={16} /> {label}
        </button>
      }
    >
      <p className="c-muted">
        Người đã theo dõi OA từ trước không gửi sự kiện theo dõi. Đồng bộ đọc danh sách người theo dõi từ Zalo (50 người mỗi trang), ghi nhận họ là người theo
        dõi và trao ngay quà đang chờ. Việc này chạy nền; dừng giữa chừng thì lần sau tiếp tục từ chỗ đã dừng.
      </p>
      <ErrorBox error={action.error ?? sync.error} testId="follower-sync-error" />
      {s && (
        <div data-testid="follower-sync-progress" data-state={s.paused ? "paused" : s.state}>
          <div className="c-progress-head">
            <span data-testid="follower-sync-text">
              Đã đọc {fmtNumber(s.read)}
              {s.total !== null ? `/${fmtNumber(s.total)}` : ""} người theo dõi ({pct(s.read, s.total)}%)
            </span>
            {running ? (
              <Spinner label="Đang đồng bộ" />
            ) : s.state === "done" ? (
              <Badge tone="ok" testId="follower-sync-state">
                Xong
              </Badge>
            ) : s.state === "failed" ? (
              <Badge tone="bad" testId="follower-sync-state">
                Lỗi
              </Badge>
            ) : (
              <Badge tone="warn" testId="follower-sync-state">
                Tạm dừng
              </Badge>
            )}
          </div>
          <div className="c-progress" role="progressbar" aria-valuemin={0} aria-valuemax={s.total ?? 0} aria-valuenow={s.read}>
            <div className="c-seg-sent" style={{ width: `${pct(s.read, s.total)}%` }} />
          </div>
          <p className="c-muted" data-testid="follower-sync-counts">
            Mới ghi nhận theo dõi: {fmtNumber(s.newFollowers)} · Khách mới: {fmtNumber(s.created)} · Bắt đầu {fmtTime(s.startedAt)}
            {s.finishedAt ? ` · Xong ${fmtTime(s.finishedAt)}` : ""}
          </p>
          {s.error && s.state !== "done" && (
            <p className="c-muted" data-testid="follower-sync-why">
              {s.state === "failed" ? "Zalo từ chối: " : "Zalo đang bận, bấm «Tiếp tục đồng bộ» để chạy tiếp: "}
              {s.error}
            </p>
          )}
          {s.error && s.state === "done" && <p className="c-muted">Zalo chỉ cho đọc khoảng 10.000 người theo dõi đầu tiên qua danh sách này.</p>}
        </div>
      )}
      {sync.loading && !s && <Spinner />}
    </Card>
  );
}
