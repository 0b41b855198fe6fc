import { useState } from "react";
import { ArrowLeft } from "lucide-react";
import type { AdminDraw, AdminGame, PrizeState } from "@mc/shared";
import { fmtDateTime } from "@mc/web/format";
import { api } from "../api";
import { hashQuery, replaceHashQuery } from "../routing";
import type { Store } from "../types";
import { Badge, Card, ErrorBox, Spinner, useAction, useLoad } from "../ui";

type Page = { draws: AdminDraw[]; nextBefore: number | null };
type Filters = { store: string; prize: string; state: string; from: string; to: string };
const FILTER_KEYS = ["store", "prize", "state", "from", "to"] as const;
const PAGE = 50;

const STATE: Record<PrizeState, { word: string; tone: "ok" | "warn" | "bad" | "info" | "muted" }> = {
  none: { word: "Không trúng", tone: "muted" },
  pending_follow: { word: "Chờ quan tâm OA", tone: "warn" },
  issued: { word: "Đã nhận quà", tone: "ok" },
  void: { word: "Huỷ (bỏ quan tâm)", tone: "bad" },
  failed: { word: "Không phát được", tone: "bad" },
};
const FALLBACK: Record<string, string> = { out_of_stock: "trúng giải đã hết quà", daily_budget: "vượt ngân sách ngày của cửa hàng" };
const fallbackWords = (r: string) => FALLBACK[r] ?? (r.startsWith("issue_failed") ? "không phát được quà" : r);

const readFilters = (): Filters => {
  const q = hashQuery();
  return { store: q.get("store") ?? "", prize: q.get("prize") ?? "", state: q.get("state") ?? "", from: q.get("from") ?? "", to: q.get("to") ?? "" };
};
const queryOf = (f: Filters, before?: number | null) => {
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const k of FILTER_KEYS) if (f[k]) q.set(k, f[k]);
  if (before) q.set("before", String(before));
  return q.toString();
};

/** #/games/<id>/draws: every play of a game, newest first, filtered on the server, in pages. The filters stay in the link. */
export function GameDraws({ id }: { id: string }) {
  const [filters, setFilters] = useState<Filters>(readFilters);
  const meta = useLoad(async () => {
    const [game, stores] = await Promise.all([
      api.get<AdminGame>(`/api/admin/games/${encodeURIComponent(id)}`),
      api.get<{ stores: Store[] }>("/api/admin/stores").then((r) => r.stores),
    ]);
    return { game, stores };
  }, [id]);
  // The filters' query string is the load's key: a new filter loads the first page again.
  const query = queryOf(filters);
  const list = useLoad(() => api.get<Page>(`/api/admin/games/${encodeURIComponent(id)}/draws?${query}`), [id, query]);
  const more = useAction();
  const set = (patch: Partial<Filters>) => {
    const next = { ...filters, ...patch };
    setFilters(next);
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) if (next[k]) q.set(k, next[k]);
    replaceHashQuery(q);
  };
  const loadMore = async () => {
    const page = list.data;
    if (!page?.nextBefore) return;
    const r = await more.run(() => api.get<Page>(`/api/admin/games/${encodeURIComponent(id)}/draws?${queryOf(filters, page.nextBefore)}`));
    if (r) list.setData({ draws: [...page.draws, ...r.draws], nextBefore: r.nextBefore });
  };
  const game = meta.data?.game;
  const storeName = (sid: string) => meta.data?.stores.find((s) => s.id === sid)?.name ?? sid;
  const gameStores = game ? (game.storeIds.length ? meta.data!.stores.filter((s) => game.storeIds.includes(s.id)) : meta.data!.stores) : [];
  const filtered = FILTER_KEYS.some((k) => filters[k]);

  return (
    <div className="c-page gm-draws" data-testid="game-draws">
      <a href={`#/games/${encodeURIComponent(id)}`} className="c-back">
        <ArrowLeft size={16} /> {game?.name ?? "Trò chơi"}
      </a>
      <div className="c-page-head">
        <div>
          <h1>Nhật ký lượt chơi</h1>
          <p className="c-muted">Mỗi lượt chơi: ai, ở cửa hàng nào, lúc nào, bốc trúng gì và quà đã đến tay chưa.</p>
        </div>
      </div>
      <ErrorBox error={meta.error} testId="draws-meta-error" />
      <Card>
        <div className="gm-filters">
          <label className="c-field">
            <span className="c-label">Cửa hàng</span>
            <select className="c-input" value={filters.store} onChange={(e) => set({ store: e.target.value })} data-testid="draws-store">
              <option value="">Tất cả</option>
              {gameStores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="c-field">
            <span className="c-label">Giải nhận được</span>
            <select className="c-input" value={filters.prize} onChange={(e) => set({ prize: e.target.value })} data-testid="draws-prize">
              <option value="">Tất cả</option>
              {game?.prizes.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <label className="c-field">
            <span className="c-label">Trạng thái quà</span>
            <select className="c-input" value={filters.state} onChange={(e) => set({ state: e.target.value })} data-testid="draws-state">
              <option value="">Tất cả</option>
              {(Object.keys(STATE) as PrizeState[]).map((s) => (
                <option key={s} value={s}>
                  {STATE[s].word}
                </option>
              ))}
            </select>
          </label>
          <label className="c-field">
            <span className="c-label">Từ ngày</span>
            <input type="date" className="c-input" value={filters.from} onChange={(e) => set({ from: e.target.value })} data-testid="draws-from" />
          </label>
          <label className="c-field">
            <span className="c-label">Đến ngày</span>
            <input type="date" className="c-input" value={filters.to} onChange={(e) => set({ to: e.target.value })} data-testid="draws-to" />
          </label>
          {filtered ? (
            <button type="button" className="c-btn c-btn-ghost c-btn-sm gm-clear" onClick={() => set({ store: "", prize: "", state: "", from: "", to: "" })}>
              Bỏ lọc
            </button>
          ) : null}
        </div>
        <ErrorBox error={list.error} testId="draws-error" fields={{ from: "Từ ngày", to: "Đến ngày", state: "Trạng thái", store: "Cửa hàng" }} />
        {list.loading && !list.data ? (
          <Spinner />
        ) : !list.data?.draws.length ? (
          <p className="c-empty" data-testid="draws-empty">
            {filtered ? "Không có lượt chơi nào khớp bộ lọc." : "Chưa có ai chơi trò này."}
          </p>
        ) : (
          <>
            <div className="gm-table-wrap">
              <table className="c-table c-table-compact" data-testid="draws-table" aria-busy={list.loading}>
                <thead>
                  <tr>
                    <th>Thời gian</th>
                    <th>Khách</th>
                    <th>Cửa hàng</th>
                    <th>Giải</th>
                    <th>Trạng thái</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.draws.map((d) => (
                    <tr key={d.id} data-testid="draw-row" data-state={d.state} data-store={d.storeId}>
                      <td className="c-nowrap">{fmtDateTime(d.at)}</td>
                      <td>
                        <a href={`#/customers/${encodeURIComponent(d.customer.id)}`}>{d.customer.name || "Khách"}</a>
                      </td>
                      <td>{storeName(d.storeId)}</td>
                      <td>
                        {d.slice.label}
                        {d.fallbackReason ? <span className="c-hint">({fallbackWords(d.fallbackReason)})</span> : null}
                      </td>
                      <td>
                        <Badge tone={STATE[d.state].tone}>{STATE[d.state].word}</Badge>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ErrorBox error={more.error} testId="draws-more-error" />
            {list.data.nextBefore ? (
              <div className="c-row c-row-end">
                <button type="button" className="c-btn" disabled={more.busy} onClick={() => void loadMore()} data-testid="draws-more">
                  {more.busy ? "Đang tải…" : "Xem thêm"}
                </button>
              </div>
            ) : null}
          </>
        )}
      </Card>
    </div>
  );
}
