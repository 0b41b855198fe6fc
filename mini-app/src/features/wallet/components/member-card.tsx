import { IdCard } from "lucide-react";
import { Card } from "../../../components/card";
import { useCustomer } from "../../../session";
import { useLoyalty } from "../../../lib/loyalty";
import { QrImage } from "../../../components/qr-image";
import "../wallet.css";

/** Home: the member code as a QR (and as text) for staff to scan or type when awarding points. */
export function MemberCard() {
  const [customer] = useCustomer();
  const { loyalty } = useLoyalty({ refreshOnMount: false });
  return (
    <Card icon={<IdCard size={20} />} title="Thẻ thành viên" testId="member-card">
      <div className="mcl-member">
        {loyalty ? (
          <QrImage value={loyalty.memberCode} size={148} label={`Mã thành viên ${loyalty.memberCode}`} testId="member-qr" />
        ) : (
          <span className="sk dark mcl-qr-placeholder" />
        )}
        <div className="mcl-member-text">
          <span className="mcl-member-name">{customer.name}</span>
          <span className="mcl-member-code" data-testid="member-code">
            {loyalty?.memberCode ?? "MC-····-····"}
          </span>
          <span className="mc-muted">Đưa mã này cho nhân viên khi thanh toán để tích điểm.</span>
        </div>
      </div>
    </Card>
  );
}
