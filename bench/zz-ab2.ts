import * as O1 from "/work/main/server/src/db/client";
import * as O2 from "/work/main/server/src/modules/customers/repo";
import * as O3 from "/work/main/server/src/modules/identity/repo";
import * as O4 from "/work/main/server/src/modules/stores/repo";
import * as O5 from "/work/main/server/src/modules/loyalty/repo";
import * as O6 from "/work/main/server/src/modules/loyalty/service";
import { openDb } from "../server/src/db/client";
import { sqliteStore } from "../server/src/db/store";
import { createCustomerRepo } from "../server/src/modules/customers/repo";
import { createIdentityRepo } from "../server/src/modules/identity/repo";
import { createStoreRepo } from "../server/src/modules/stores/repo";
import { createLoyaltyRepo } from "../server/src/modules/loyalty/repo";
import { createLoyaltyService } from "../server/src/modules/loyalty/service";
const actor = { kind: "customer" as const, id: "x", role: "admin" as const, storeIds: [] };
function oldSetup() {
  const db = O1.openDb(`/tmp/ab2-old-${Date.now()}-${Math.random()}.db`);
  const customers = O2.createCustomerRepo(db);
  const loyalty = O6.createLoyaltyService({ db, repo: O5.createLoyaltyRepo(db), identityRepo: O3.createIdentityRepo(customers, O4.createStoreRepo(db)), now: () => Date.now() });
  db.$client.prepare("insert into stores (id, name, created_at) values ('s1', 'S1', 0)").run();
  const ms = Array.from({ length: 200 }, (_, i) => customers.insertCustomer({ zaloId: `z${i}`, zaloOaId: null, name: "A" }, Date.now()).memberCode);
  return { award: (i: number) => loyalty.award({ actor, memberCode: ms[i % 200]!, storeId: "s1", amountVnd: 50000, receiptId: `r${i}` }) };
}
async function newSetup() {
  const store = sqliteStore(openDb(`/tmp/ab2-new-${Date.now()}-${Math.random()}.db`));
  const customers = createCustomerRepo(store);
  const loyalty = createLoyaltyService({ store, repo: createLoyaltyRepo(store), identityRepo: createIdentityRepo(customers, createStoreRepo(store)), now: () => Date.now() });
  await store.prepare("insert into stores (id, name, created_at) values ('s1', 'S1', 0)").run();
  const ms: string[] = [];
  for (let i = 0; i < 200; i++) ms.push((await customers.insertCustomer({ zaloId: `z${i}`, zaloOaId: null, name: "A" }, Date.now())).memberCode);
  return { award: (i: number) => loyalty.award({ actor, memberCode: ms[i % 200]!, storeId: "s1", amountVnd: 50000, receiptId: `r${i}` }) };
}
const o = oldSetup(), n = await newSetup();
let i = 0;
for (let round = 0; round < 6; round++)
  for (const [name, s] of [["old", o], ["new", n]] as const) {
    const t0 = performance.now();
    for (let k = 0; k < 250; k++) await Promise.all(Array.from({ length: 20 }, () => s.award(i++)));
    console.log(name, (((performance.now() - t0) * 1000) / 5000).toFixed(1), "µs/award");
  }
