import { Dices, ScanQrCode } from "lucide-react";
import { Card } from "../../components/card";
import { useScanGame } from "./qr-entry";
import "./games.css";

/** Home card: the games open from a store's QR code; this scans one from inside the app. */
export function GamesCard() {
  const scan = useScanGame();
  return (
    <Card icon={<Dices size={20} />} title="Chơi game tại cửa hàng" testId="games-card">
      <p className="mc-muted">Quét mã QR tại quầy để quay vòng quay may mắn hoặc cào thẻ, nhận voucher và điểm thưởng.</p>
      <button className="mc-btn outline" onClick={() => void scan()} data-testid="games-scan">
        <ScanQrCode size={18} /> Quét mã QR
      </button>
    </Card>
  );
}
