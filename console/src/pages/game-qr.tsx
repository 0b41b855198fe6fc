import { useEffect, useState } from "react";
import { Download, Printer } from "lucide-react";
import type { AdminGame, QrLink } from "@mc/shared";
import { api, download } from "../api";
import { Card, ErrorBox, Spinner, useAction, useLoad } from "../ui";

const qrPath = (game: string, store: string, format: "svg" | "png") =>
  `/api/admin/games/${encodeURIComponent(game)}/qr?store=${encodeURIComponent(store)}&format=${format}`;

/**
 * The game's printable QR code at each store it runs at: the server's SVG (code, store and game names, a quiet
 * zone of 4 modules) shown as it prints, with SVG/PNG downloads and the browser's print of just these sheets.
 */
export function GameQrCodes({ game }: { game: AdminGame }) {
  // Reloaded after a save: the stores may have changed.
  const links = useLoad(() => api.get<{ links: QrLink[] }>(`/api/admin/games/${encodeURIComponent(game.id)}/qr-links`).then((r) => r.links), [game]);
  const dl = useAction();
  return (
    <Card
      title="Mã QR tại cửa hàng"
      testId="game-qr"
      actions={
        links.data?.length ? (
          <button type="button" className="c-btn c-btn-sm" onClick={() => window.print()} data-testid="qr-print">
            <Printer size={14} /> In mã QR
          </button>
        ) : null
      }
    >
      <ErrorBox error={links.error ?? dl.error} testId="qr-error" />
      {links.loading && !links.data ? (
        <Spinner />
      ) : !links.data?.length ? (
        <p className="c-empty">Trò chơi chưa chạy ở cửa hàng nào đang mở.</p>
      ) : (
        <div className="gm-qr-sheets">
          {links.data.map((l) => (
            <div className="gm-qr-sheet" key={l.storeId} data-testid="qr-sheet" data-store={l.storeId} data-url={l.url}>
              <QrImage path={qrPath(game.id, l.storeId, "svg")} alt={`Mã QR của ${l.storeName}`} />
              <div className="gm-qr-actions">
                <button
                  type="button"
                  className="c-btn c-btn-sm"
                  disabled={dl.busy}
                  onClick={() => void dl.run(() => download(qrPath(game.id, l.storeId, "svg"), `qr-${l.storeId}.svg`))}
                  data-testid="qr-svg"
                >
                  <Download size={14} /> SVG
                </button>
                <button
                  type="button"
                  className="c-btn c-btn-sm"
                  disabled={dl.busy}
                  onClick={() => void dl.run(() => download(qrPath(game.id, l.storeId, "png"), `qr-${l.storeId}.png`))}
                  data-testid="qr-png"
                >
                  <Download size={14} /> PNG để in
                </button>
              </div>
              <a className="gm-qr-link c-small" href={l.url} target="_blank" rel="noreferrer" data-testid="qr-link">
                {l.url}
              </a>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}

/** The server's SVG through the bearer-authenticated client (a plain <img src> cannot send the header). */
function QrImage({ path, alt }: { path: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let url: string | null = null;
    let alive = true;
    api
      .respond("GET", path)
      .then((r) => r.blob())
      .then((b) => {
        url = URL.createObjectURL(b);
        if (alive) setSrc(url);
      })
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path]);
  if (failed) return <p className="c-muted c-small">Chưa tải được mã QR.</p>;
  return src ? <img className="gm-qr-img" src={src} alt={alt} data-testid="qr-image" /> : <Spinner />;
}
