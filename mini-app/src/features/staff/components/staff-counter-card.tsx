import { useNavigate } from "react-router-dom";
import { ChevronRight, ScanLine, Store } from "lucide-react";
import { Card } from "../../../components/card";
import { useCustomer } from "../../../session";
import "../staff.css";

/** Home, staff and admins only: the way into the counter screen. */
export function StaffCounterCard() {
  const [customer] = useCustomer();
  const navigate = useNavigate();
  if (customer.role === "customer") return null;
  return (
    <Card icon={<Store size={20} />} title="Quầy thu ngân" testId="staff-counter-card">
      <p className="mc-muted">Quét voucher của khách và tích điểm cho hóa đơn tại quầy.</p>
      <button className="mc-btn primary" onClick={() => navigate("/counter")} data-testid="open-counter">
        <ScanLine size={18} /> Mở quầy <ChevronRight size={18} />
      </button>
    </Card>
  );
}
