import type { SyncView } from "../../db/store";
import type { CustomerRepo } from "../customers/repo";
import type { StoreRepo } from "../stores/repo";

/**
 * Who a person is and where staff may act: the lookups orders, vouchers, games and loyalty make. Reads only;
 * the customers and stores modules own the rows, this just puts their two repos behind one narrow dep.
 */
export type IdentityRepo = Pick<CustomerRepo, "byId" | "byMemberCode" | "memberRef"> & { storeExists: StoreRepo["exists"] };
/** The identity repo as synchronous SQLite code not ported to the store yet sees it. */
export type IdentityRepoSync = SyncView<IdentityRepo>;

export const createIdentityRepo = (customers: CustomerRepo, stores: Pick<StoreRepo, "exists">): IdentityRepo => ({
  byId: customers.byId,
  byMemberCode: customers.byMemberCode,
  memberRef: customers.memberRef,
  storeExists: stores.exists,
});
