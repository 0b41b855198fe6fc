import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { DEFAULT_LOYALTY_RULES, DEFAULT_WARMING_RULES, type SegmentGroup } from "@mc/shared";
import { openDb } from "./src/db/client";
import { compileSegment, createSegmentRepo } from "./src/modules/segments/repo";
const path = process.argv[2]!;
const meta = JSON.parse(readFileSync(path + ".meta.json", "utf8"));
const db = openDb(path);
const c = db.$client;
const ctx = { now: meta.end, timeZone: "Asia/Ho_Chi_Minh", policy: DEFAULT_WARMING_RULES, loyalty: DEFAULT_LOYALTY_RULES };
const segs: SegmentGroup[] = JSON.parse(process.argv[3]!);
const repo = createSegmentRepo(db);
for (const rules of segs) {
  const w = compileSegment(rules, ctx);
  for (const d of w.drivers) {
    for (const s of d.sources) {
      const t = performance.now();
      const n = c.prepare(s.sql).pluck().all(...s.params).length;
      console.log(d.rule, "source", n, (performance.now() - t).toFixed(1), "ms", s.sql.slice(0, 60));
      console.log("   ", (c.prepare("explain query plan " + s.sql).all(...s.params) as any[]).map((r) => r.detail).join(" | "));
    }
    const keys = [...new Set(d.sources.flatMap((s) => c.prepare(s.sql).pluck().all(...s.params)))];
    const sql = `select c.rowid from json_each(?) j cross join customers c on ${d.key === "id" ? "c.id" : "c.rowid"} = j.value where ${d.residual.where}`;
    let t = performance.now();
    const hits = c.prepare(sql).pluck().all(JSON.stringify(keys), ...d.residual.params).length;
    console.log(d.rule, "residual over", keys.length, "->", hits, (performance.now() - t).toFixed(1), "ms");
    console.log("   ", (c.prepare("explain query plan " + sql).all(JSON.stringify(keys), ...d.residual.params) as any[]).map((r) => r.detail).join(" | "));
  }
  for (let k = 0; k < 2; k++) {
    const t = performance.now();
    const r = await repo.countAndSample(w, { sample: 20, earnedSince: ctx.now - 365 * 86400000 });
    console.log("countAndSample", r.count, r.via, (performance.now() - t).toFixed(1), "ms");
  }
}
