import { useEffect, useState } from "react";
import { UserRound } from "lucide-react";
import { signIn, useCustomer } from "../../../session";
import { Card } from "../../../components/card";
import { useToast } from "../../../components/use-toast";
import { zalo } from "../../../zalo";
import "../home.css";

const LATER_KEY = "mc:name-consent-later";

/**
 * First visit: Zalo gives us only the person's id until they allow their name and avatar (scope.userInfo,
 * zalo-platform.md §1.13). Asked once, with the reason, and never again this session after «Để sau».
 * Once allowed, a fresh sign-in lets the server read the name from Zalo itself.
 */
export function NameConsentCard() {
  const [, setCustomer] = useCustomer();
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  useEffect(() => {
    let alive = true;
    if (sessionStorage.getItem(LATER_KEY)) return;
    zalo.hasUserInfoConsent().then(
      (ok) => alive && setShow(ok === false),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, []);

  const later = () => {
    sessionStorage.setItem(LATER_KEY, "1");
    setShow(false);
  };

  async function allow() {
    setBusy(true);
    try {
      if (!(await zalo.authorizeUserInfo())) return later();
      setCustomer((await signIn()).customer);
      setShow(false);
      toast.success("Đã cập nhật tên và ảnh từ Zalo");
    } catch {
      toast.error("Zalo chưa phản hồi, vui lòng thử lại");
    } finally {
      setBusy(false);
    }
  }

  if (!show) return null;
  return (
    <Card icon={<UserRound size={20} />} title="Hiển thị tên của bạn" testId="name-consent-card">
      <p className="mc-muted">
        Cho phép dùng tên và ảnh đại diện Zalo để nhân viên gọi đúng tên bạn tại quầy và tin nhắn từ cửa hàng ghi đúng tên bạn. Chúng tôi không dùng cho việc gì
        khác.
      </p>
      <div className="mc-consent-actions">
        <button className="mc-btn primary" onClick={() => void allow()} disabled={busy} data-testid="name-consent-allow">
          {busy ? "Đang chờ Zalo…" : "Cho phép"}
        </button>
        <button className="mc-btn" onClick={later} disabled={busy} data-testid="name-consent-later">
          Để sau
        </button>
      </div>
    </Card>
  );
}
