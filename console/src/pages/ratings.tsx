import { useState } from "react";
import { Star } from "lucide-react";
import type { Rating, RatingStoreSummary } from "@mc/shared";
import { fmtDateTime } from "@mc/web/format";
import { api } from "../api";
import { Badge, Card, ErrorBox, Field, Spinner, useAction, useLoad } from "../ui";
import "./roles.css";
import "./ratings.css";

type Page = { ratings: Rating[]; next: { before: number; beforeId: string } | null };
type Filters = { stars: string; storeId: string };

function Stars({ n }: { n: number }) {
  return (
    <span className="rv-stars" aria-label={`${n} trên 5 sao`} title={`${n}/5`}>
      {[1, 2, 3, 4, 5].map((i) => (
        <Star key={i} size={14} className={i <= n ? "on" : ""} aria-hidden />
      ))}
    </span>
  );
}

const query = (f: Filters, next?: Page["next"]) => {
  const q = new URLSearchParams({ limit: "50" });
  if (f.stars === "low") q.set("low", "true");
  else if (f.stars) q.set("stars", f.stars);
  if (f.storeId) q.set("storeId", f.storeId);
  if (next) (q.set("before", String(next.before)), q.set("beforeId", next.beforeId));
  return `/api/admin/ratings?${q}`;
};

/**
 * The ratings of completed orders (`#/ratings`): each store's average and low ones, and the ratings newest first,
 * filtered by stars (or the low ones) and store. A low rating also waits in the OA inbox and on the person's timeline.
 */
export function RatingsPage() {
  const [f, setF] = useState<Filters>({ stars: "", storeId: "" });
  const summary = useLoad(() => api.get<{ stores: RatingStoreSummary[]; lowMax: number }>("/api/admin/ratings/summary"), []);
  const first = useLoad(() => api.get<Page>(query(f)), [f]);
  const [more, setMore] = useState<{ key: string; items: Rating[]; next: Page["next"] }>({ key: "", items: [], next: null });
  const loadMore = useAction();
  const key = `${f.stars}|${f.storeId}`;
  const extra = more.key === key ? more : { key, items: [], next: null };
  const ratings = [...(first.data?.ratings ?? []), ...extra.items];
  const next = extra.items.length ? extra.next : (first.data?.next ?? null);
  const lowMax = summary.data?.lowMax ?? 2;

  async function showMore() {
    if (!next) return;
    const p = await loadMore.run(() => api.get<Page>(query(f, next)));
    if (p) setMore({ key, items: [...extra.items, ...p.ratings], next: p.next });
  }

  return (
    <div className="c-page" data-testid="ratings-page">
      <div className="c-page-head">
        <div>
          <h1>Đánh giá đơn hàng</h1>
          <p className="c-muted">
            Khách chấm 1–5 sao sau khi đơn hoàn tất (đường dẫn trong tin “Xin góp ý sau đơn hàng”). Đánh giá từ {lowMax} sao trở xuống hiện nổi bật trên lịch sử
            của khách và chờ nhân viên trả lời trong Hộp thư OA.
          </p>
        </div>
      </div>

      <Card title="Theo cửa hàng" testId="ratings-summary">
        <ErrorBox error={summary.error} />
        {!summary.data ? (
          summary.loading && <Spinner />
        ) : (
          <div className="rv-stores">
            {summary.data.stores.map((s) => (
              <div key={s.storeId} className="rv-store" data-testid={`ratings-store-${s.storeId}`}>
                <div className="rv-store-name">{s.storeName ?? s.storeId}</div>
                <div className="rv-store-avg" data-testid="ratings-store-average">
                  {s.average === null ? "—" : s.average.toLocaleString("vi-VN")}
                  <Star size={18} aria-hidden className="on" />
                </div>
                <div className="c-small c-muted">
                  {s.count} đánh giá{s.low ? ` · ${s.low} thấp` : ""}
                </div>
              </div>
            ))}
          </div>
        )}
      </Card>

      <Card title="Đánh giá">
        <div className="r-filters">
          <Field label="Số sao">
            <select className="c-input" value={f.stars} onChange={(e) => setF({ ...f, stars: e.target.value })} data-testid="ratings-stars">
              <option value="">Mọi đánh giá</option>
              <option value="low">Thấp (≤ {lowMax} sao)</option>
              {[5, 4, 3, 2, 1].map((n) => (
                <option key={n} value={String(n)}>
                  {n} sao
                </option>
              ))}
            </select>
          </Field>
          <Field label="Cửa hàng">
            <select className="c-input" value={f.storeId} onChange={(e) => setF({ ...f, storeId: e.target.value })} data-testid="ratings-store">
              <option value="">Mọi cửa hàng</option>
              {summary.data?.stores.map((s) => (
                <option key={s.storeId} value={s.storeId}>
                  {s.storeName ?? s.storeId}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorBox error={first.error} />
        {first.loading && !first.data ? (
          <Spinner />
        ) : ratings.length === 0 ? (
          <p className="c-empty" data-testid="ratings-empty">
            Chưa có đánh giá nào khớp bộ lọc.
          </p>
        ) : (
          <>
            <table className="c-table r-cards" data-testid="ratings-table">
              <thead>
                <tr>
                  <th>Lúc</th>
                  <th>Khách</th>
                  <th>Đơn</th>
                  <th>Đánh giá</th>
                  <th>Nhận xét</th>
                </tr>
              </thead>
              <tbody>
                {ratings.map((r) => (
                  <tr key={r.orderId} className={r.low ? "rv-low" : undefined} data-testid="rating-row" data-stars={r.stars}>
                    <td data-label="Lúc" className="c-nowrap">
                      {fmtDateTime(r.at)}
                    </td>
                    <td data-label="Khách">
                      <a href={`#/customers/${encodeURIComponent(r.customerId)}`}>{r.customerName || "(đã xoá)"}</a>
                    </td>
                    <td data-label="Đơn">
                      {r.orderCode}
                      <div className="c-small c-muted">{r.storeName ?? r.storeId}</div>
                    </td>
                    <td data-label="Đánh giá">
                      <Stars n={r.stars} /> {r.low && <Badge tone="bad">Thấp</Badge>}
                    </td>
                    <td data-label="Nhận xét">{r.comment || <span className="c-muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ErrorBox error={loadMore.error} />
            {next && (
              <button className="c-btn" disabled={loadMore.busy} onClick={() => void showMore()} data-testid="ratings-more">
                {loadMore.busy ? "Đang tải…" : "Xem thêm"}
              </button>
            )}
          </>
        )}
      </Card>
    </div>
  );
}
