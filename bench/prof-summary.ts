/**
 * Summarises a V8 .cpuprofile (from BENCH_CPU_PROF=1 pnpm bench): self time by package/file and the
 * top functions. Usage: pnpm exec tsx bench/prof-summary.ts bench/profiles/<file>.cpuprofile [topN]
 */
import { readFileSync } from "node:fs";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const file = process.argv[2];
if (!file) throw new Error("usage: prof-summary.ts <file.cpuprofile> [topN]");
const top = Number(process.argv[3] ?? 25);
const p = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Where a frame lives: a package name, a repo-relative source path, or a V8/native bucket. */
function bucket(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native/builtin)";
  const pnpm = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pnpm) return pnpm[1]!;
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1]!;
  if (url.startsWith("node:")) return url;
  const repo = url.match(/\/work\/main\/(.*)$/) ?? url.match(/file:\/\/(.*)$/);
  return repo ? repo[1]! : url;
}

/** Package plus the file inside it (drizzle-orm/sqlite-core/dialect.js), for the per-function list. */
function where(url: string, fn: string): string {
  const m = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/(.*)$/) ?? url.match(/node_modules\/(.*)$/);
  return m ? m[1]! : bucket(url, fn);
}

const agg = (key: (n: Node) => string) => {
  const m = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const k = key(n);
    m.set(k, (m.get(k) ?? 0) + us);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
};
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;

console.log(`profile ${file}: ${(total / 1e6).toFixed(2)} s sampled`);
console.log("\nself time by package / file");
for (const [k, us] of agg((n) => bucket(n.callFrame.url, n.callFrame.functionName)).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
console.log("\nself time by function");
for (const [k, us] of agg(
  (n) => `${n.callFrame.functionName || "(anonymous)"}  ${where(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`,
).slice(0, top))
  console.log(`  ${pct(us)}  ${k}`);

// Inclusive time of frames matching a pattern (argv[4..]): e.g. jwtVerify, award, transaction.
const parents = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
const patterns = process.argv.slice(4);
if (patterns.length) {
  console.log("\ninclusive time of matching frames");
  for (const pat of patterns) {
    let us = 0;
    for (const [id, t] of selfUs) {
      for (let cur: number | undefined = id; cur !== undefined; cur = parents.get(cur)) {
        const f = byId.get(cur)!.callFrame;
        if (`${f.functionName} ${f.url}`.includes(pat)) {
          us += t;
          break;
        }
      }
    }
    console.log(`  ${pct(us)}  ${pat}`);
  }
}
