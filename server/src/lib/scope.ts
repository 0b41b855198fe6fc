import { ErrorCode } from "@mc/shared";
import { AppError } from "../errors";
import type { Principal } from "../http/auth";
import type { Awaitable } from "../db/store";

/** Staff act only at their own stores; admins at any. Answers at once when `storeExists` does (SQLite, or a known store). */
export function assertStoreAccess(p: Principal, storeId: string, storeExists: (id: string) => Awaitable<boolean>): Awaitable<void> {
  const check = (exists: boolean) => {
    if (!exists) throw new AppError(ErrorCode.NOT_FOUND, `Store ${storeId} not found`);
    if (p.role === "admin") return;
    if (p.role !== "staff" || !p.storeIds.includes(storeId)) throw new AppError(ErrorCode.STORE_FORBIDDEN, "You do not work at this store");
  };
  const exists = storeExists(storeId);
  return exists instanceof Promise ? exists.then(check) : check(exists);
}

/** The stores a principal acts at: null for every store (admins: a console owner or marketer, a Zalo admin). */
export const storeReach = (p: Principal): readonly string[] | null => (p.role === "admin" ? null : p.storeIds);
