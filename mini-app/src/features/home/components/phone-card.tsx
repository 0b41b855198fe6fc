import { useState } from "react";
import { Phone, ShieldCheck } from "lucide-react";
import { sharePhone, toFailure, useCustomer } from "../../../session";
import { Card } from "../../../components/card";
import { describeError } from "@mc/web/error-messages";
import { useToast } from "../../../components/use-toast";
import "../home.css";
import { fmtPhone } from "@mc/web/format";

/** Phone via Zalo's consent sheet: we get a one-time token and only the server turns it into a number. */
export function PhoneCard() {
  const [customer, setCustomer] = useCustomer();
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  async function onShare() {
    setBusy(true);
    try {
      setCustomer(await sharePhone());
      toast.success("Đã lưu số điện thoại");
    } catch (e) {
      toast.error(describeError(toFailure(e).code).title);
    } finally {
      setBusy(false);
    }
  }

  if (customer.hasPhone) {
    return (
      <Card icon={<ShieldCheck size={20} />} title="Số điện thoại" testId="phone-card">
        <p className="mc-muted">Đã liên kết với tài khoản thành viên</p>
        <p className="mc-phone" data-testid="phone-masked">
          {customer.phoneMasked && fmtPhone(customer.phoneMasked)}
        </p>
      </Card>
    );
  }
  return (
    <Card icon={<Phone size={20} />} title="Chia sẻ số điện thoại" testId="phone-card">
      <p className="mc-muted">Nhận thông báo đơn hàng, ưu đãi thành viên và tích điểm tại cửa hàng bằng số điện thoại Zalo của bạn.</p>
      <button className="mc-btn primary" onClick={() => void onShare()} disabled={busy} data-testid="share-phone">
        <Phone size={18} /> {busy ? "Đang xác minh…" : "Chia sẻ số điện thoại"}
      </button>
    </Card>
  );
}
