import { Coffee, Home, ScanLine, TicketPercent, UserRound, type LucideIcon } from "lucide-react";
import type { Role } from "@mc/shared";
import { COUNTER_PATH, STAFF_CUSTOMER_PREFIX } from "../lib/staff-links";

/**
 * Bottom navigation tabs; `roles` limits a tab to staff or admins (the server checks the role anyway).
 * `also`: other path prefixes whose screens belong to the tab (opened from it), so it stays highlighted there.
 */
export type Tab = { path: string; label: string; icon: LucideIcon; roles?: Role[]; also?: string[] };

export const tabs: Tab[] = [
  { path: "/", label: "Trang chủ", icon: Home },
  { path: "/menu", label: "Đặt món", icon: Coffee },
  { path: "/vouchers", label: "Ưu đãi", icon: TicketPercent },
  { path: COUNTER_PATH, label: "Quầy", icon: ScanLine, roles: ["staff", "admin"], also: [STAFF_CUSTOMER_PREFIX] },
  { path: "/account", label: "Tài khoản", icon: UserRound },
];

/** The tab a path belongs to: home only at "/", any other by its path or one of its `also` prefixes. */
export const tabOf = (tabs: Tab[], pathname: string): Tab | undefined =>
  tabs.find((t) => (t.path === "/" ? pathname === "/" : [t.path, ...(t.also ?? [])].some((p) => pathname.startsWith(p))));
