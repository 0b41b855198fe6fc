import type { Role } from "@mc/shared";

export const roleLabel: Record<Role, string> = { customer: "Thành viên", staff: "Nhân viên", admin: "Quản trị viên" };
