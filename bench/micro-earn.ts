/**
 * The award path without HTTP: `pnpm exec tsx bench/micro-earn.ts [n]`. Times each step of
 * POST /api/staff/points/award against a file SQLite database (WAL) in a temp dir, in-process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, tx } from "../server/src/db/client";
import { sqliteStore, syncView } from "../server/src/db/store";
import { createCustomerRepo } from "../server/src/modules/customers/repo";
import { createIdentityRepo } from "../server/src/modules/identity/repo";
import { createStoreRepo } from "../server/src/modules/stores/repo";
import { createIdentityService } from "../server/src/modules/identity/service";
import { createLoyaltyRepo } from "../server/src/modules/loyalty/repo";
import { createLoyaltyService } from "../server/src/modules/loyalty/service";

const N = Number(process.argv[2] ?? 20_000);
/** Awards in flight at once (group commit batches them); 1 = one transaction per award. */
const CONCURRENCY = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(join(tmpdir(), "mc-micro-"));
const db = openDb(join(dir, "micro.db"));
let clock = Date.now();
const now = () => clock;
const store = sqliteStore(db);
const customersAsync = createCustomerRepo(store);
const customers = syncView(store, customersAsync);
const identityRepo = syncView(store, createIdentityRepo(customersAsync, createStoreRepo(store)));
const identity = createIdentityService({ customers: customersAsync, zalo: {} as never, issueToken: () => "", now });
const repo = syncView(store, createLoyaltyRepo(store));
const loyalty = createLoyaltyService({ store, repo: createLoyaltyRepo(store), identityRepo: createIdentityRepo(customersAsync, createStoreRepo(store)), now });

db.$client.prepare("insert into stores (id, name, created_at) values ('s1', 'S1', ?)").run(now());
const staff = customers.insertCustomer({ zaloId: "z-staff", zaloOaId: null, name: "Staff" }, now());
customers.setRole(staff.id, "staff", ["s1"], now());
const shoppers = Array.from({ length: 200 }, (_, i) => customers.insertCustomer({ zaloId: `z-${i}`, zaloOaId: null, name: `Shopper ${i}` }, now()));

const timeAsync = async (label: string, n: number, fn: (i: number) => Promise<unknown>) => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += CONCURRENCY) await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n - i) }, (_, j) => fn(i + j)));
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`  ${label.padEnd(28)} ${us.toFixed(1).padStart(7)} µs`);
  return us;
};
const time = (label: string, n: number, fn: (i: number) => void) => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`  ${label.padEnd(28)} ${us.toFixed(1).padStart(7)} µs`);
  return us;
};

let receipt = 0;
const award = async () => {
  const n = receipt++;
  clock += 10;
  const actor = (await identity.loadPrincipal({ sub: staff.id, kind: "customer" }))!;
  return loyalty.award({ actor, memberCode: `MC-${shoppers[n % 200]!.memberCode}`, storeId: "s1", amountVnd: 50_000 + (n % 20) * 10_000, receiptId: `r-${n}` });
};

console.log(
  `${N} awards, ${CONCURRENCY} in flight (≈${N / 200} ledger rows per shopper after the warm-up); cache_size ${JSON.stringify(db.$client.pragma("cache_size", { simple: true }))}`,
);
await timeAsync("award (warm-up)", N, award);
console.log("steps:");
time("loadPrincipal", N, () => identity.loadPrincipal({ sub: staff.id, kind: "customer" }));
time("storeExists", N, () => identityRepo.storeExists("s1"));
time("byMemberCode", N, (i) => identityRepo.byMemberCode(shoppers[i % 200]!.memberCode));
time("currentRules", N, () => repo.currentRules());
time("earnedSince", N, (i) => repo.earnedSince(shoppers[i % 200]!.id, clock - 365 * 86_400_000));
time("empty immediate tx", N, () => tx(db, () => 0));
await timeAsync("award", N, award);
console.log(
  "plan of earnedSince's seek:",
  db.$client
    .prepare(
      "explain query plan select earned_to_date from points_ledger where customer_id = ? and created_at < ? order by created_at desc, earned_to_date desc limit 1",
    )
    .all("x", 0)
    .map((r: any) => r.detail)
    .join("; "),
);
db.$client.close();
rmSync(dir, { recursive: true, force: true });
