import { Download } from "lucide-react";
import type { AdminGame } from "@mc/shared";
import { api, download } from "../api";
import type { Store } from "../types";
import { Badge, Card, ErrorBox, Spinner, useAction, useLoad } from "../ui";
import { fmtDateTime, fmtNumber, fmtPct } from "@mc/web/format";

const GAME_KIND: Record<string, string> = { wheel: "Vòng quay", scratch: "Thẻ cào" };
const PRIZE_KIND: Record<string, string> = { voucher: "Voucher", points: "Điểm", none: "Không trúng" };

export function GamesPage() {
  const data = useLoad(async () => {
    const [g, s] = await Promise.all([api.get<{ games: AdminGame[] }>("/api/admin/games"), api.get<{ stores: Store[] }>("/api/admin/stores")]);
    return { games: g.games, stores: s.stores };
  });
  const dl = useAction();
  return (
    <div className="c-page" data-testid="games-page">
      <div className="c-page-head">
        <div>
          <h1>Trò chơi</h1>
          <p className="c-muted">Tỉ lệ trúng, kho giải thưởng và mã QR đặt tại từng cửa hàng.</p>
        </div>
      </div>
      <ErrorBox error={data.error} />
      <ErrorBox error={dl.error} />
      {data.loading && !data.data ? (
        <Spinner />
      ) : !data.data?.games.length ? (
        <Card>
          <p className="c-empty">Chưa có trò chơi nào.</p>
        </Card>
      ) : (
        data.data.games.map((g) => {
          const stores = g.storeIds.length ? data.data!.stores.filter((s) => g.storeIds.includes(s.id)) : data.data!.stores;
          return (
            <Card
              key={g.id}
              title={
                <>
                  {g.name} <span className="c-muted c-small">· {GAME_KIND[g.kind] ?? g.kind}</span>
                </>
              }
              actions={<Badge tone={g.active ? "ok" : "muted"}>{g.active ? "Đang chạy" : "Tắt"}</Badge>}
            >
              <p className="c-small c-muted">
                {fmtNumber(g.plays)} lượt chơi · {g.playsPerDay} lượt/ngày/khách
                {g.playsPerCustomer ? ` · tối đa ${g.playsPerCustomer} lượt/khách` : ""}
                {g.dailyPrizeBudgetPerStore ? ` · ngân sách ${fmtNumber(g.dailyPrizeBudgetPerStore)} giải/ngày/cửa hàng` : ""}
                {g.startsAt ? ` · từ ${fmtDateTime(g.startsAt)}` : ""}
                {g.endsAt ? ` · đến ${fmtDateTime(g.endsAt)}` : ""}
              </p>
              <table className="c-table c-table-compact">
                <thead>
                  <tr>
                    <th>Giải</th>
                    <th>Loại</th>
                    <th className="c-num-col">Tỉ lệ</th>
                    <th className="c-num-col">Đã trúng</th>
                    <th className="c-num-col">Còn lại</th>
                  </tr>
                </thead>
                <tbody>
                  {g.prizes.map((p) => (
                    <tr key={p.id}>
                      <td>
                        {p.label} {p.requiresFollow && <Badge tone="info">Cần quan tâm OA</Badge>}
                      </td>
                      <td>
                        {PRIZE_KIND[p.kind] ?? p.kind}
                        {p.points ? ` · ${fmtNumber(p.points)} điểm` : ""}
                      </td>
                      <td className="c-num-col">{fmtPct(p.odds)}</td>
                      <td className="c-num-col">{fmtNumber(p.won)}</td>
                      <td className="c-num-col">{p.remaining === null ? "∞" : p.remaining === 0 ? <Badge tone="bad">Hết</Badge> : fmtNumber(p.remaining)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Mã QR tại cửa hàng</h3>
              <div className="c-qr-list">
                {stores.map((s) => (
                  <div key={s.id} className="c-qr-item">
                    <span>{s.name}</span>
                    <button
                      className="c-btn c-btn-sm"
                      disabled={dl.busy}
                      onClick={() =>
                        void dl.run(() =>
                          download(`/api/admin/games/${encodeURIComponent(g.id)}/qr?store=${encodeURIComponent(s.id)}&format=svg`, `qr-${g.id}-${s.id}.svg`),
                        )
                      }
                    >
                      <Download size={14} /> SVG
                    </button>
                    <button
                      className="c-btn c-btn-sm"
                      disabled={dl.busy}
                      onClick={() =>
                        void dl.run(() =>
                          download(`/api/admin/games/${encodeURIComponent(g.id)}/qr?store=${encodeURIComponent(s.id)}&format=png`, `qr-${g.id}-${s.id}.png`),
                        )
                      }
                    >
                      <Download size={14} /> PNG
                    </button>
                  </div>
                ))}
              </div>
            </Card>
          );
        })
      )}
    </div>
  );
}
