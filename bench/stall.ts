/**
 * API stalls behind a big broadcast (`pnpm bench:stall`): the real API in its own process (stall-server.ts)
 * with BENCH_STALL_CUSTOMERS (1,000,000) followers, the Zalo emulator in a third. A probe here sends
 * `GET /health` every BENCH_STALL_PROBE_MS (5) ms, open loop (a probe due during a stall is sent anyway
 * and waits it out), first alone (the baseline), then while a broadcast to everyone is previewed, started
 * (its outbox rows planned) and dispatched for BENCH_STALL_DISPATCH_SECONDS (15); the dispatcher runs in the
 * API process throughout (idle until the broadcast runs), as with DISPATCHER_ENABLED, at
 * BENCH_STALL_DISPATCH_RATE sends per second per channel (60: the product's default, about Zalo's limit of
 * 4,000 requests a minute per app; at full speed an in-process dispatcher keeps the one core busy with
 * thousands of small callbacks a second: that is what the standalone dispatcher process is for), then
 * cancelled (its unsent rows marked). Prints, per phase, the
 * longest and p99 probe latency beside the baseline p99, and the planning time. Target: no probe waits
 * more than 50 ms behind the broadcast; the plan (preview + start) stays within 5 s. The server also reports
 * its longest event-loop turn per phase, in wall time and in the main thread's own CPU time: on a shared,
 * busy machine the probe's figures include the moments the OS ran other work, the CPU figure does not.
 */
import { fork, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { call } from "./shared";

const N = Number(process.env.BENCH_STALL_CUSTOMERS ?? 1_000_000);
const PROBE_MS = Number(process.env.BENCH_STALL_PROBE_MS ?? 5);
const BASELINE_S = Number(process.env.BENCH_STALL_BASELINE_SECONDS ?? 5);
const DISPATCH_S = Number(process.env.BENCH_STALL_DISPATCH_SECONDS ?? 15);
const DISPATCH_RATE = process.env.BENCH_STALL_DISPATCH_RATE ?? "60";
const TARGET_MS = 50;
const here = (f: string) => new URL(f, import.meta.url).pathname;

function child(file: string, env: Record<string, string>): Promise<{ proc: ChildProcess; ready: any; ask: (type: string) => Promise<any> }> {
  const proc = fork(here(file), [], {
    env: { ...process.env, ...env },
    execArgv: [
      "--import",
      "tsx",
      ...(file.includes("stall-server") && process.env.BENCH_STALL_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_STALL_PROF}`] : []),
    ],
  });
  const ask = (type: string) =>
    new Promise<any>((resolve) => {
      const on = (m: any) => {
        if (m?.type !== type) return;
        proc.off("message", on);
        resolve(m);
      };
      proc.on("message", on);
      proc.send({ type });
    });
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${file} exited early (${code})`)));
    proc.once("message", (ready: any) => {
      proc.removeAllListeners("exit");
      resolve({ proc, ready, ask });
    });
  });
}

/** Open-loop probe: one GET /health every PROBE_MS, each timed from when it was due to its answer. */
function probe(base: string) {
  const done: { at: number; end: number; ms: number }[] = [];
  let failures = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    fetch(`${base}/health`)
      .then((r) => r.text())
      .then(() => {
        const end = performance.now();
        done.push({ at, end, ms: end - at });
      })
      .catch(() => failures++);
  }, PROBE_MS);
  return {
    stop: () => clearInterval(timer),
    /** Probes that overlapped [from, to]: they waited behind whatever ran then. */
    between(from: number, to: number) {
      const ms = done
        .filter((p) => p.at <= to && p.end >= from)
        .map((p) => p.ms)
        .sort((a, b) => a - b);
      const pct = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
      return { n: ms.length, p50: pct(0.5), p99: pct(0.99), max: ms[ms.length - 1] ?? NaN };
    },
    failures: () => failures,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f1 = (x: number) => x.toFixed(1);

console.log(`Node ${process.version}, ${new Date().toISOString()}, ${N.toLocaleString("en-US")} followers, probe every ${PROBE_MS} ms`);
const emu = await child("./emulator-process.ts", { BENCH_USERS: String(N) });
const api = await child("./stall-server.ts", { BENCH_STALL_CUSTOMERS: String(N), BENCH_EMU_URL: emu.ready.url, BENCH_STALL_DISPATCH_RATE: DISPATCH_RATE });
console.log(`seeded in ${(api.ready.seedMs / 1000).toFixed(1)} s (not measured)`);
const base = api.ready.url as string;
try {
  const token = (await call<{ token: string }>(base, "POST", "/api/admin/login", undefined, api.ready.admin)).token;
  const b = await call(base, "POST", "/api/admin/broadcasts", token, {
    name: "Bench",
    category: "care",
    content: { text: "Cảm ơn bạn!" },
    audience: { followersOnly: true },
  });
  await call(base, "GET", "/health");

  // The dispatcher runs throughout, as in production (DISPATCHER_ENABLED): idle until the broadcast runs.
  await api.ask("dispatch-start");
  const p = probe(base);
  const phases: { phase: string; from: number; to: number; note: string; loop: { wallMax: number; cpuMax: number; checkpointMax: number } }[] = [];
  const phase = async (name: string, fn: () => Promise<string>) => {
    await api.ask("loop"); // resets the server's own event-loop figures
    const from = performance.now();
    const note = await fn();
    const to = performance.now();
    phases.push({ phase: name, from, to, note, loop: await api.ask("loop") });
    await sleep(500);
  };
  await phase("baseline (nothing else)", async () => (await sleep(BASELINE_S * 1000), ""));
  await phase("preview", async () => {
    const r = await call(base, "GET", `/api/admin/broadcasts/${b.id}/preview`, token);
    return `audience ${r.audience}, send ${r.send}`;
  });
  await phase("start (plan the outbox rows)", async () => {
    const r = await call(base, "POST", `/api/admin/broadcasts/${b.id}/start`, token);
    return `${r.state}, recipients ${r.recipients}`;
  });
  await phase("broadcast view (console poll)", async () => {
    const r = await call(base, "GET", `/api/admin/broadcasts/${b.id}`, token);
    return `queued ${r.counts.queued}`;
  });
  await phase(`dispatch (${DISPATCH_S} s, ≤ ${DISPATCH_RATE}/s per channel)`, async () => (await sleep(DISPATCH_S * 1000), ""));
  await phase("cancel (the unsent rows)", async () => {
    const r = await call(base, "POST", `/api/admin/broadcasts/${b.id}/cancel`, token);
    return `${r.state}, cancelled ${r.counts.cancelled.toLocaleString("en-US")}`;
  });
  p.stop();
  // Counted after the phase: a count over a million outbox rows is the bench's own stall, not the product's.
  const { states } = await api.ask("dispatch-stop");
  const sent = states.filter((s: any) => ["sent", "delivered", "seen"].includes(s.state)).reduce((a: number, s: any) => a + s.n, 0);
  phases[phases.length - 2]!.note = `sent ${sent.toLocaleString("en-US")} (${Math.round(sent / DISPATCH_S)}/s)`;
  await sleep(300);

  const baseline = p.between(phases[0]!.from, phases[0]!.to);
  const rows = phases.map((ph, i) => {
    const s = p.between(ph.from, ph.to);
    return {
      phase: ph.phase,
      seconds: ((ph.to - ph.from) / 1000).toFixed(2),
      probes: s.n,
      "p99 ms": f1(s.p99),
      "max ms": f1(s.max),
      "baseline p99 ms": f1(baseline.p99),
      "server turn max ms": f1(ph.loop.wallMax),
      "of it main-thread CPU ms": f1(ph.loop.cpuMax),
      "WAL pass ms": f1(ph.loop.checkpointMax),
      verdict: i === 0 ? "" : s.max <= TARGET_MS ? `PASS (≤ ${TARGET_MS} ms)` : `MISS (> ${TARGET_MS} ms)`,
      note: ph.note,
    };
  });
  console.table(rows);
  const planMs = phases[1]!.to - phases[1]!.from + (phases[2]!.to - phases[2]!.from);
  console.log(
    `planning (preview + start) under the probe: ${(planMs / 1000).toFixed(2)} s — ${planMs <= 5000 ? "PASS" : "MISS"} (≤ 5 s); probe failures: ${p.failures()}`,
  );
} finally {
  await new Promise((r) => (api.proc.once("exit", r), api.proc.send({ type: "stop" })));
  emu.proc.send({ type: "stop" });
}
