import { useNavigate } from "react-router-dom";
import { ChevronRight, ClipboardList } from "lucide-react";
import { Card } from "../../components/card";
import { useCustomer } from "../../session";
import "./staff-orders.css";

/** Home, staff and admins only: the way into the store's incoming orders. */
export function StaffOrdersCard() {
  const [customer] = useCustomer();
  const navigate = useNavigate();
  if (customer.role === "customer") return null;
  return (
    <Card icon={<ClipboardList size={20} />} title="Đơn hàng tại quầy" testId="staff-orders-card">
      <p className="mc-muted">Nhận đơn đặt trước và gọi tại bàn: xác nhận, báo xong món, hoàn tất.</p>
      <button className="mc-btn primary" onClick={() => navigate("/staff/orders")} data-testid="open-staff-orders">
        <ClipboardList size={18} /> Xem đơn hàng <ChevronRight size={18} />
      </button>
    </Card>
  );
}
