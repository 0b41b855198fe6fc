import { ErrorCode } from "@mc/shared";
import { AppError } from "../errors";
import type { Principal } from "../http/auth";

/** Staff act only at their own stores; admins at any. */
export function assertStoreAccess(p: Principal, storeId: string, storeExists: (id: string) => boolean) {
  if (!storeExists(storeId)) throw new AppError(ErrorCode.NOT_FOUND, `Store ${storeId} not found`);
  if (p.role === "admin") return;
  if (p.role !== "staff" || !p.storeIds.includes(storeId)) throw new AppError(ErrorCode.STORE_FORBIDDEN, "You do not work at this store");
}

/** The stores a principal acts at: null for every store (admins: a console owner or marketer, a Zalo admin). */
export const storeReach = (p: Principal): readonly string[] | null => (p.role === "admin" ? null : p.storeIds);
