import { Coffee, Home, ScanLine, TicketPercent, UserRound, type LucideIcon } from "lucide-react";
import type { Role } from "@mc/shared";

/** Bottom navigation tabs; `roles` limits a tab to staff or admins (the server checks the role anyway). */
export type Tab = { path: string; label: string; icon: LucideIcon; roles?: Role[] };

export const tabs: Tab[] = [
  { path: "/", label: "Trang chủ", icon: Home },
  { path: "/menu", label: "Đặt món", icon: Coffee },
  { path: "/vouchers", label: "Ưu đãi", icon: TicketPercent },
  { path: "/counter", label: "Quầy", icon: ScanLine, roles: ["staff", "admin"] },
  { path: "/account", label: "Tài khoản", icon: UserRound },
];
