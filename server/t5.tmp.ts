import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { openDb } from "./src/db/client";
const path = process.argv[2]!;
const meta = JSON.parse(readFileSync(path + ".meta.json", "utf8"));
const c = openDb(path).$client;
const S = meta.storeIds[0], T = meta.end - 30 * 86400000;
const ms = (l: string, f: () => unknown) => { const t = performance.now(); const r = f(); console.log(l, (performance.now() - t).toFixed(0), "ms", typeof r === "number" ? r : Array.isArray(r) ? r.length : ""); return r; };
for (let k = 0; k < 2; k++) {
  ms("ledger count", () => c.prepare("select count(*) from points_ledger x where x.kind = 'earn' and x.store_id is not null and x.store_id = ? and x.created_at >= ?").pluck().get(S, T));
  ms("ledger ids", () => c.prepare("select x.customer_id from points_ledger x where x.kind = 'earn' and x.store_id is not null and x.store_id = ? and x.created_at >= ?").pluck().all(S, T));
  ms("ledger distinct ids", () => c.prepare("select distinct x.customer_id from points_ledger x where x.kind = 'earn' and x.store_id is not null and x.store_id = ? and x.created_at >= ?").pluck().all(S, T));
  ms("ledger rowids via join", () => c.prepare("select c.rowid from points_ledger x join customers c on c.id = x.customer_id where x.kind = 'earn' and x.store_id is not null and x.store_id = ? and x.created_at >= ?").pluck().all(S, T));
  ms("orders 14d all stores", () => c.prepare("select x.customer_id from orders x where x.status = 'completed' and x.store_id in (select id from stores) and x.completed_at > ?").pluck().all(meta.end - 14 * 86400000));
}
console.log(c.prepare("explain query plan select x.customer_id from orders x where x.status = 'completed' and x.store_id in (select id from stores) and x.completed_at > ?").all(1));
