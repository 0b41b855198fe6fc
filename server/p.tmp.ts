import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { openDb } from "./src/db/client";
import { SOURCES } from "./src/modules/timeline/registry";
import { createLoyaltyRepo } from "./src/modules/loyalty/repo";
const path = process.argv[2]!;
const meta = JSON.parse(readFileSync(path + ".meta.json", "utf8"));
const db = openDb(path);
const deps = { db, now: () => meta.end, timeZone: "Asia/Ho_Chi_Minh" };
const sources = SOURCES.map((f) => f(deps));
const loyalty = createLoyaltyRepo(db);
const totals: Record<string, number> = {};
const add = (k: string, ms: number) => (totals[k] = (totals[k] ?? 0) + ms);
for (let round = 0; round < 2; round++) {
  if (round) console.log("cold:", JSON.stringify(Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, +(v / 20).toFixed(2)]))));
  for (const k of Object.keys(totals)) delete totals[k];
  for (const p of meta.heavy.slice(0, 20)) {
    for (const s of sources) {
      const t = performance.now();
      s.page(p.id, null, 31, {});
      add(s.kind, performance.now() - t);
    }
    let t = performance.now();
    const f = loyalty.facts(p.id);
    add(`ledger facts (${f.length})`.replace(/\d+/, "n"), performance.now() - t);
  }
}
console.log(Object.entries(totals).map(([k, v]) => `${k}: ${(v / 20).toFixed(2)} ms`).join("\n"));
