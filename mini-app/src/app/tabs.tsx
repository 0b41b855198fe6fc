import { Coffee, Home, TicketPercent, UserRound, type LucideIcon } from "lucide-react";

/** Bottom navigation tabs. Vouchers / Play / Orders slot in here with their routes (app/routes.tsx). */
export type Tab = { path: string; label: string; icon: LucideIcon };

export const tabs: Tab[] = [
  { path: "/", label: "Trang chủ", icon: Home },
  { path: "/menu", label: "Đặt món", icon: Coffee },
  { path: "/vouchers", label: "Ưu đãi", icon: TicketPercent },
  { path: "/account", label: "Tài khoản", icon: UserRound },
];
