import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { DEFAULT_LOYALTY_RULES, DEFAULT_WARMING_RULES, type SegmentGroup } from "@mc/shared";
import { openDb } from "./src/db/client";
import { compileSegment } from "./src/modules/segments/repo";
const path = process.argv[2]!;
const meta = JSON.parse(readFileSync(path + ".meta.json", "utf8"));
const c = openDb(path).$client;
const ctx = { now: meta.end, timeZone: "Asia/Ho_Chi_Minh", policy: DEFAULT_WARMING_RULES, loyalty: DEFAULT_LOYALTY_RULES };
const ms = (f: () => unknown) => { const t = performance.now(); const r = f(); return [performance.now() - t, r] as const; };
const segs: SegmentGroup[] = [
  { all: [{ kind: "visitedStore", storeIds: [meta.storeIds[0]], days: 30 }, { kind: "lastOrder", min: 14 }, { kind: "promotionsAllowed" }] },
  { all: [{ kind: "follower", follows: true }, { kind: "lastVisit", max: 14 }, { kind: "points", min: 100 }] },
] as any;
for (let round = 0; round < 2; round++) {
  console.log("raw scan", ms(() => c.prepare("select count(*) from customers where follows_oa = 1 and points_balance >= 100").pluck().get())[0].toFixed(0));
  for (const rules of segs) {
    const d = compileSegment(rules, ctx).drivers[0]!;
    const keys = new Set<any>();
    let gather = 0, rows = 0;
    for (const s of d.sources) {
      if ("sql" in s) { const [t, r] = ms(() => c.prepare(s.sql).pluck().all(...s.params) as any[]); gather += t; rows += r.length; r.forEach((k) => keys.add(k)); continue; }
      const since = s.since === undefined ? "" : ` and ${s.at} >= ?`;
      const [t, r] = ms(() => c.prepare(`select ${s.select} from ${s.from} where ${s.where}${since}`).pluck().all(...s.params, ...(s.since === undefined ? [] : [s.since])) as any[]);
      gather += t; rows += r.length; r.forEach((k) => keys.add(k));
    }
    let rowids = [...keys];
    let conv = 0;
    if (d.key === "id") { const [t, r] = ms(() => c.prepare("select c.rowid from json_each(?) j cross join customers c on c.id = j.value").pluck().all(JSON.stringify(rowids.sort()))); conv = t; rowids = r as any[]; }
    rowids.sort((a, b) => a - b);
    const [tf] = ms(() => c.prepare(`select count(*) from json_each(?) j cross join customers c on c.rowid = j.value where c.erased_at is null`).pluck().get(JSON.stringify(rowids)));
    const [tr, hits] = ms(() => c.prepare(`select count(*) from json_each(?) j cross join customers c on c.rowid = j.value where ${d.residual.where}`).pluck().get(JSON.stringify(rowids), ...d.residual.params));
    console.log(d.rule, `gather ${gather.toFixed(0)} ms (${rows} rows → ${keys.size})`, `toRowid ${conv.toFixed(0)}`, `fetch rows ${tf.toFixed(0)}`, `residual ${tr.toFixed(0)} → ${hits}`);
  }
}
