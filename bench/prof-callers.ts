/** Who calls a function, by self time: `pnpm exec tsx bench/prof-callers.ts <file>.cpuprofile <functionName>` (e.g. `get`, `run`: which statements cost). */
import { readFileSync } from "node:fs";
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const prof = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const target = process.argv[3]!;
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const agg = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName !== target) continue;
  const chain: string[] = [];
  for (let p = parent.get(id), k = 0; p !== undefined && k < 3; p = parent.get(p), k++) {
    const c = byId.get(p)!.callFrame;
    chain.push(`${c.functionName || "anon"}@${c.url.split("/").pop()}:${c.lineNumber + 1}`);
  }
  const key = chain.join(" < ");
  agg.set(key, (agg.get(key) ?? 0) + t);
}
for (const [k, t] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(((t / total) * 100).toFixed(1).padStart(5) + "%", k);
