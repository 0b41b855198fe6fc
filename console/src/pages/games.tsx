import { Plus } from "lucide-react";
import type { AdminGame } from "@mc/shared";
import { fmtDateTime, fmtNumber, fmtPct } from "@mc/web/format";
import { api } from "../api";
import { useHashRoute } from "../routing";
import type { Store } from "../types";
import { Badge, Card, ErrorBox, Spinner, useLoad } from "../ui";
import { GameDraws } from "./game-draws";
import { GameEditor } from "./game-editor";
import "./games.css";

const GAME_KIND: Record<string, string> = { wheel: "Vòng quay", scratch: "Thẻ cào" };

/** #/games, #/games/new, #/games/<id> (the editor, with its QR codes) and #/games/<id>/draws (the draw log). */
export function GamesPage({ id }: { id?: string }) {
  const [, , sub] = useHashRoute();
  if (id === "new") return <GameEditor key="new" id={null} />;
  if (id && sub === "draws") return <GameDraws key={id} id={id} />;
  if (id) return <GameEditor key={id} id={id} />;
  return <GameList />;
}

function GameList() {
  const data = useLoad(async () => {
    const [g, s] = await Promise.all([api.get<{ games: AdminGame[] }>("/api/admin/games"), api.get<{ stores: Store[] }>("/api/admin/stores")]);
    return { games: g.games, stores: s.stores };
  });
  return (
    <div className="c-page" data-testid="games-page">
      <div className="c-page-head">
        <div>
          <h1>Trò chơi</h1>
          <p className="c-muted">Vòng quay và thẻ cào mở từ mã QR tại cửa hàng: giải thưởng, tỉ lệ trúng, kho quà và nhật ký lượt chơi.</p>
        </div>
        <a className="c-btn c-btn-primary" href="#/games/new" data-testid="game-new">
          <Plus size={16} /> Tạo trò chơi
        </a>
      </div>
      <ErrorBox error={data.error} testId="games-error" />
      {data.loading && !data.data ? (
        <Spinner />
      ) : !data.data ? null : !data.data.games.length ? (
        <Card>
          <p className="c-empty" data-testid="games-empty">
            Chưa có trò chơi nào: tạo vòng quay hoặc thẻ cào đầu tiên.
          </p>
        </Card>
      ) : (
        data.data.games.map((g) => {
          const stores = g.storeIds.length ? data.data!.stores.filter((s) => g.storeIds.includes(s.id)) : data.data!.stores;
          return (
            <Card
              key={g.id}
              testId="game-row"
              title={
                <a href={`#/games/${encodeURIComponent(g.id)}`} data-testid="game-link">
                  {g.name}
                </a>
              }
              actions={
                <>
                  <span className="c-muted c-small">{GAME_KIND[g.kind] ?? g.kind}</span>
                  <Badge tone={g.active ? "ok" : "muted"}>{g.active ? "Đang chạy" : "Tắt"}</Badge>
                </>
              }
            >
              <p className="c-small c-muted">
                {fmtNumber(g.plays)} lượt chơi · {g.playsPerDay} lượt/ngày/khách · {g.storeIds.length ? stores.map((s) => s.name).join(", ") : "Mọi cửa hàng"}
                {g.startsAt ? ` · từ ${fmtDateTime(g.startsAt)}` : ""}
                {g.endsAt ? ` · đến ${fmtDateTime(g.endsAt)}` : ""}
              </p>
              <div className="gm-table-wrap">
                <table className="c-table c-table-compact">
                  <thead>
                    <tr>
                      <th>Giải</th>
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
                        <td className="c-num-col">{fmtPct(p.odds)}</td>
                        <td className="c-num-col">{p.kind === "none" ? "—" : fmtNumber(p.won)}</td>
                        <td className="c-num-col">
                          {p.kind === "none" || p.remaining === null ? "∞" : p.remaining === 0 ? <Badge tone="bad">Hết</Badge> : fmtNumber(p.remaining)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="c-row c-row-end">
                <a className="c-btn c-btn-sm" href={`#/games/${encodeURIComponent(g.id)}/draws`}>
                  Nhật ký lượt chơi
                </a>
                <a className="c-btn c-btn-sm" href={`#/games/${encodeURIComponent(g.id)}`}>
                  Sửa · mã QR
                </a>
              </div>
            </Card>
          );
        })
      )}
    </div>
  );
}
